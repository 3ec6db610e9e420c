"""Extraction: the translatable strings of a project, as POT catalogs.

Two templates, one per gettext domain:

* ``locales/messages.pot``: interface strings of the Jinja templates (refpub's defaults and the
  project's own ``templates/``) and of refpub's Python code, extracted with Babel.
* ``locales/content.pot``: every field that :mod:`refpub.content.schema` marks ``translatable``, with a
  ``msgctxt`` naming the entry and field (``reading:<id>:title``) and a ``#:`` reference to the
  YAML file and line.

:func:`extract_content` is also a Babel extraction method (entry point ``refpub_content``), so
``pybabel extract -F babel.cfg`` gives the same content messages; see docs/translators.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir

from ..content import schema as S
from ..content.load import load_file, parse_yaml
from ..content.project import catalog_file
from ..diagnostics import Reporter
from .catalogs import CONTENT_DOMAIN, MESSAGES_DOMAIN, content_context
from .pofile import PoFile, build_date, format_date

_NULLS = {"", "~", "null", "Null", "NULL"}

# gettext functions of templates and code: Jinja's i18n extension and refpub's Python.
# N_ marks a string for extraction where it is defined and translated where it is shown.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
COMMENT_TAGS = ["Translators:"]
TEMPLATE_PATTERNS = ("**.html", "**.xhtml", "**.xml", "**.svg", "**.txt", "**.j2", "**.jinja", "**.jinja2")
# Must match the environment of views/environment.py, or whitespace in {% trans %} differs.
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "newstyle_gettext": "true",
    "silent": "false",
}

# Which schema record each content file holds, by file name.
RECORDS_BY_FILE = {
    Path(S.PUBLICATION_FILE).name: S.PUBLICATION,
    **{Path(rel).name: record for rel, record in S.ENTRY_FILES.items()},
}

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # refpub's own files: '<refpub>/…' in references


@dataclass(frozen=True)
class ContentMessage:
    """One translatable value of the content."""

    context: str
    msgid: str
    line: int
    kind: str  # the record name: reading, organisation, section, topic, handout, publication
    entry_id: str | None
    field: str
    comments: tuple[str, ...] = ()
    alt_names: tuple[tuple[str, str], ...] = ()  # an organisation's own names, for its name


# --------------------------------------------------------------------------- content


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style is None and node.value in _NULLS


def _scalars(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar_text(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.ScalarNode) and not _is_null(node):
        return node.value.strip()
    return ""


def _alt_names(node: yaml.Node | None) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, yaml.MappingNode):
        return ()
    names = []
    for key, value in node.value:
        lang, text = _scalar_text(key), _scalar_text(value)
        if lang and text:
            names.append((lang, text))
    return tuple(names)


def _entry_comments(record: S.Record, fields: dict[str, yaml.Node], entry_id: str) -> list[str]:
    """What a translator may want to know about the entry, beyond its id in the context."""
    facts = []
    for name in ("kind", "publisher", "date", "language", "abbreviation", "region", "url"):
        if record.field(name) is None:
            continue
        value = _scalar_text(fields.get(name))
        if value:
            label = "original language" if name == "language" else name
            facts.append(f"{label}: {value}")
    head = f"{record.name} {entry_id}"
    return [f"{head} ({'; '.join(facts)})" if facts else head]


def _walk(
    node: yaml.MappingNode, record: S.Record, kind: str, entry_id: str | None, prefix: str = ""
) -> Iterator[ContentMessage]:
    fields = _scalars(node)
    comments = _entry_comments(record, fields, entry_id) if entry_id and not prefix else []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        f = record.field(key.value)
        if f is None:
            continue
        if f.translatable and isinstance(value, yaml.ScalarNode):
            text = _scalar_text(value)
            if not text:
                continue
            field_name = prefix + f.name
            alt = _alt_names(fields.get("alt_names")) if f.name == "name" else ()
            notes = list(comments)
            if alt:
                notes.append(
                    "own name: "
                    + "; ".join(f"{lang} {name}" for lang, name in alt)
                    + " (used exactly; refpub i18n update fills it in)"
                )
            yield ContentMessage(
                content_context(kind, entry_id, field_name),
                text,
                value.start_mark.line + 1,
                kind,
                entry_id,
                field_name,
                tuple(notes),
                alt,
            )
        elif f.kind == S.RECORD_LIST and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if isinstance(item, yaml.MappingNode):
                    item_id = _scalar_text(_scalars(item).get("id"))
                    if item_id:
                        yield from _walk(item, f.nested, f.nested.name, item_id)
        elif f.kind == S.RECORD and isinstance(value, yaml.MappingNode):
            yield from _walk(value, f.nested, kind, entry_id, prefix=f"{prefix}{f.name}.")


def content_messages_from_node(root: yaml.Node | None, record: S.Record) -> Iterator[ContentMessage]:
    """The translatable values of one composed content file holding ``record``s."""
    if record is S.PUBLICATION:
        if isinstance(root, yaml.MappingNode):
            yield from _walk(root, record, record.name, None)
        return
    if not isinstance(root, yaml.SequenceNode):
        return
    for item in root.value:
        if isinstance(item, yaml.MappingNode):
            entry_id = _scalar_text(_scalars(item).get("id"))
            if entry_id:  # entries without an id are refused by the loader too
                yield from _walk(item, record, record.name, entry_id)


def content_files() -> list[tuple[str, S.Record]]:
    return [(S.PUBLICATION_FILE, S.PUBLICATION), *S.ENTRY_FILES.items()]


def project_content_messages(root: Path, reporter: Reporter) -> list[tuple[str, ContentMessage]]:
    """(file, message) for every translatable value in the project's content files."""
    found = []
    for rel, record in content_files():
        node = load_file(root, rel, reporter)
        for message in content_messages_from_node(node, record):
            found.append((rel, message))
    return found


def extract_content(
    fileobj: IO[bytes], keywords: Iterable[str], comment_tags: Iterable[str], options: dict
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method for refpub content YAML (entry point ``refpub_content``).

    The record type comes from the file name (``readings.yaml``, ``organisations.yaml``,
    ``publication.yaml``) or the mapping option ``record = reading``. Messages are yielded as
    ``pgettext`` calls so Babel stores the context.
    """
    record = None
    wanted = (options or {}).get("record")
    if wanted:
        record = {r.name: r for r in (S.PUBLICATION, *S.ENTRY_FILES.values())}.get(wanted)
        if record is None:
            raise ValueError(f"unknown record '{wanted}' (reading, organisation or publication)")
    else:
        name = os.path.basename(getattr(fileobj, "name", "") or "")
        record = RECORDS_BY_FILE.get(name)
        if record is None:
            raise ValueError(
                f"{name or 'this file'}: not a refpub content file; "
                "set the mapping option record = reading|organisation|publication"
            )
    data = fileobj.read()
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    node = _compose(text, getattr(fileobj, "name", "") or "content file")
    for message in content_messages_from_node(node, record):
        yield message.line, "pgettext", (message.context, message.msgid), list(message.comments)


# --------------------------------------------------------------------------- templates


def _header(project: str, date: str, template: bool) -> list[tuple[str, str]]:
    return [
        ("Project-Id-Version", project),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", date),
        ("PO-Revision-Date", date),
        ("Last-Translator", "refpub <refpub@localhost>" if template else ""),
        ("Language-Team", "none" if template else ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
    ]


def _template(domain: str, project: str, messages: list[Message]) -> PoFile:
    what = "interface strings (templates and code)" if domain == MESSAGES_DOMAIN else "content (content/*.yaml)"
    po = PoFile(
        header=_header(project, format_date(build_date()), template=True),
        header_comments=[
            f"Translation template for the {what} of {project}.",
            "Generated by `refpub i18n extract`; do not edit. Translate the catalogs in",
            f"{catalog_file('<lang>', domain)} (see docs/translators.md).",
        ],
        messages=messages,
    )
    return po


def content_template(root: Path, reporter: Reporter, project: str = "refpub") -> PoFile:
    catalog = Catalog(fuzzy=False)
    for rel, m in project_content_messages(root, reporter):
        existing = catalog.get(m.msgid, m.context)
        if existing is not None:
            existing.locations.append((rel, m.line))
            continue
        catalog.add(m.msgid, locations=[(rel, m.line)], auto_comments=list(m.comments), context=m.context)
    messages = list(catalog)[1:]
    for message in messages:
        # Content is never %-formatted; without this, "1% of" would make msgfmt check a format.
        message.flags.discard("python-format")
    return _template(CONTENT_DOMAIN, project, messages)


def _display_path(path: Path, root: Path) -> str:
    """A reference for ``#:``: relative to the project, or to refpub for its own files."""
    from ..content.project import default_templates_dir

    path = path.resolve()
    bases = (
        (root.resolve(), ""),
        (default_templates_dir().resolve(), "<refpub>/templates/"),
        (_PACKAGE_DIR, "<refpub>/"),
    )
    for base, label in bases:
        try:
            return label + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def interface_sources(root: Path) -> list[tuple[Path, str, list[tuple[str, str]], dict]]:
    """(folder, method map, options) for every place interface strings live."""
    from ..content.project import template_dirs

    sources = []
    for folder in template_dirs(root):
        method_map = [(pattern, "jinja2.ext:babel_extract") for pattern in TEMPLATE_PATTERNS]
        sources.append((folder, "templates", method_map, {p: JINJA_OPTIONS for p in TEMPLATE_PATTERNS}))
    package_dir = _PACKAGE_DIR
    sources.append((package_dir, "code", [("**.py", "python")], {}))
    return sources


def messages_template(root: Path, reporter: Reporter, project: str = "refpub") -> PoFile:
    catalog = Catalog(fuzzy=False)
    seen: set[Path] = set()
    for folder, _what, method_map, options_map in interface_sources(root):
        folder = folder.resolve()
        if folder in seen or not folder.is_dir():
            continue
        seen.add(folder)
        try:
            results = list(
                extract_from_dir(
                    str(folder),
                    method_map,
                    options_map,
                    keywords=KEYWORDS,
                    comment_tags=COMMENT_TAGS,
                    strip_comment_tags=True,
                )
            )
        except Exception as exc:  # a template syntax error: say where, go on with the rest
            lineno = getattr(exc, "lineno", 0) or 0
            name = getattr(exc, "filename", None) or getattr(exc, "name", None)
            from ..diagnostics import Location

            where = Location(_display_path(Path(name), root), lineno) if name else None
            reporter.error(f"cannot extract interface strings: {exc}", where)
            continue
        for filename, lineno, message, comments, context in results:
            location = (_display_path(folder / filename, root), lineno)
            existing = catalog.get(message, context)
            if existing is not None:
                existing.locations.append(location)
                for c in comments:
                    if c not in existing.auto_comments:
                        existing.auto_comments.append(c)
                continue
            catalog.add(message, locations=[location], auto_comments=comments, context=context)
    messages = list(catalog)[1:]
    messages.sort(key=lambda m: m.locations[0] if m.locations else ("", 0))
    return _template(MESSAGES_DOMAIN, project, messages)


def _compose(text: str, name: str) -> yaml.Node | None:
    """The YAML of a content file, read as the build reads it (aliases refused): an error is a
    ValueError naming the place, which Babel's extraction reports."""
    from ..diagnostics import Reporter

    reporter = Reporter()
    node = parse_yaml(text, name, reporter)
    if reporter.errors:
        raise ValueError("; ".join(str(d) for d in reporter.errors))
    return node
