"""The translator's commands: extract, update, compile, status, check, init.

Each function takes the project root and a Reporter and returns what it did; the CLI
(:mod:`refpub.cli.i18n`) only prints. Paths in messages are relative to the project root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural

from ..content.load import load_publication
from ..content.project import LOCALES_FOLDER
from ..content.schema import PUBLICATION_FILE
from ..diagnostics import Location, Reporter
from .catalogs import (
    CONTENT_DOMAIN,
    MESSAGES_DOMAIN,
    catalog_path,
    shipped_catalog_path,
    template_path,
    unpublished_languages,
)
from .checks import check_catalogs, plural_rule_problem, warn_stray_catalog_folders
from .extract import content_template, messages_template, project_content_messages
from .merge import REVIEW_MARK, merge
from .names import cldr_code, is_known_language, language_name, unknown_language_message
from .pofile import PoFile, atomic_write, build_date, format_date, is_translated, message_key, read_po, write_po

DOMAINS = (MESSAGES_DOMAIN, CONTENT_DOMAIN)


@dataclass(frozen=True)
class ProjectLanguages:
    title: str
    source_language: str
    languages: tuple[str, ...]

    unpublished: tuple[str, ...] = ()  # languages with catalogs that are not in `languages`
    references: str = "file"  # catalog_references: what "#:" lines say

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.source_language)

    @property
    def catalogs(self) -> tuple[str, ...]:
        """Every language whose catalogs refpub keeps up to date and checks."""
        return self.targets + tuple(lang for lang in self.unpublished if lang != self.source_language)


def project_languages(root: Path, reporter: Reporter, *, warn_strays: bool = True) -> ProjectLanguages | None:
    """The languages of ``content/publication.yaml`` (the one place they are listed); a warning
    for a folder under locales/ that is not a language (``warn_strays``)."""
    publication = load_publication(root, reporter)
    if warn_strays:
        warn_stray_catalog_folders(root, reporter)
    if publication is None:
        return None
    return ProjectLanguages(
        publication.title,
        publication.source_language,
        publication.languages,
        unpublished_languages(root, publication.languages),
        publication.catalog_references,
    )


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


# --------------------------------------------------------------------------- extract


def extract(root: Path, reporter: Reporter, references: str | None = None) -> list[tuple[str, bool]]:
    """Regenerate locales/messages.pot and locales/content.pot. Returns (file, changed).
    ``references`` (full, file, none) overrides the publication's ``catalog_references``."""
    info = project_languages(root, reporter)
    project = info.title if info else "refpub"
    references = references or (info.references if info else "file")
    written = []
    for domain, make in ((MESSAGES_DOMAIN, messages_template), (CONTENT_DOMAIN, content_template)):
        before = len(reporter.errors)
        template = make(root, reporter, project=project)
        if len(reporter.errors) > before and domain == CONTENT_DOMAIN:
            continue  # a broken content file: keep the old template rather than lose strings
        path = template_path(root, domain)
        written.append((_rel(root, path), write_po(path, template, references=references)))
    return written


# --------------------------------------------------------------------------- update / init


def plural_forms(lang: str) -> str:
    try:
        return get_plural(cldr_code(lang)).plural_forms
    except (ValueError, LookupError, UnknownLocaleError):
        return "nplurals=2; plural=(n != 1);"


def new_catalog(template: PoFile, lang: str, domain: str, project: str) -> PoFile:
    date = template.header_value("POT-Creation-Date") or format_date(build_date())
    name = language_name(lang)
    return PoFile(
        header=[
            ("Project-Id-Version", project),
            ("Report-Msgid-Bugs-To", ""),
            ("POT-Creation-Date", date),
            ("PO-Revision-Date", date),
            ("Last-Translator", ""),
            ("Language-Team", name),
            ("Language", lang),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
            ("Plural-Forms", plural_forms(lang)),
        ],
        header_comments=[
            f"{name} translation of the {domain} of {project}.",
            "Edit with a PO editor (Poedit, Weblate, Lokalize); see docs/translators.md.",
        ],
    )


def own_names(root: Path, lang: str, reporter: Reporter) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> an organisation's own name in ``lang`` from ``alt_names``."""
    names: dict[tuple[str | None, str], str] = {}
    for _rel, m in project_content_messages(root, reporter):
        for alt_lang, name in m.alt_names:
            if alt_lang == lang:
                names[(m.context, m.msgid)] = name
    return names


def _templates(root: Path, reporter: Reporter) -> dict[str, PoFile] | None:
    templates = {}
    for domain in DOMAINS:
        path = template_path(root, domain)
        if not path.is_file():
            reporter.error("the template is missing; run `refpub i18n extract` first", Location(_rel(root, path)))
            continue
        po = read_po(path)
        for line, problem in po.all_problems():
            reporter.error(problem, Location(_rel(root, path), line))
        templates[domain] = po
    return None if reporter.has_errors else templates


def update_language(
    root: Path,
    lang: str,
    templates: dict[str, PoFile],
    project: str,
    reporter: Reporter,
    references: str = "file",
    new_interface: bool = False,
) -> list[tuple[str, bool]]:
    """Merge the templates into ``lang``'s catalogs, creating missing ones. A messages.po created
    with ``new_interface`` (``refpub init``, ``refpub i18n init``) for a language refpub
    translates its interface into (refpub/locale/) starts with refpub's translations."""
    written = []
    names = own_names(root, lang, Reporter())
    shipped = shipped_catalog_path(lang)
    for domain in DOMAINS:
        path = catalog_path(root, lang, domain)
        old = None
        seed = None
        if new_interface and domain == MESSAGES_DOMAIN and not path.is_file() and shipped.is_file():
            seed = read_po(shipped)
        if path.is_file():
            old = read_po(path)
            problems = old.all_problems()
            rule = None if problems else plural_rule_problem(old)
            if rule:
                problems = [(old.header_line("Plural-Forms"), f"Plural-Forms: {rule}")]
            if problems:  # the catalog is left exactly as it is
                for line, problem in problems:
                    reporter.error(f"{problem}; fix it before updating", Location(_rel(root, path), line))
                continue
        else:
            old = new_catalog(templates[domain], lang, domain, project)
        merged = merge(
            templates[domain],
            old,
            by_context=domain == CONTENT_DOMAIN,
            prefill=names if domain == CONTENT_DOMAIN else None,
        )
        if seed is not None:
            _fill(merged, seed)
        if not merged.header_value("Language"):
            merged.set_header("Language", lang)
        if not merged.header_value("Plural-Forms"):
            merged.set_header("Plural-Forms", plural_forms(lang))
        written.append((_rel(root, path), write_po(path, merged, references=references)))
    return written


def update(
    root: Path,
    reporter: Reporter,
    languages: tuple[str, ...] = (),
    references: str | None = None,
    new_interface: bool = False,
) -> list[tuple[str, bool]]:
    """Merge both templates into every target language's catalogs (creating missing ones)."""
    info = project_languages(root, reporter)
    if info is None:
        return []
    templates = _templates(root, reporter)
    if templates is None:
        return []
    written = []
    for lang in languages:
        if not is_known_language(lang):
            reporter.error(f"--lang: {unknown_language_message(lang)}")
    if reporter.has_errors:
        return []
    for lang in languages or info.catalogs:
        written += update_language(
            root, lang, templates, info.title, reporter, references or info.references, new_interface
        )
    return written


def init(root: Path, lang: str, reporter: Reporter, start_from: str | None = None) -> list[tuple[str, bool]]:
    """Create the catalogs of a new language from the templates (refuses to overwrite).

    ``start_from`` names a language whose translations the new catalogs start from (Easy
    Japanese from Japanese: ``refpub i18n init ja-x-easy --from ja``), each marked fuzzy, so none
    is published until a translator has reviewed it and removed the flag."""
    if not is_known_language(lang):
        reporter.error(unknown_language_message(lang))
        return []
    starts: dict[str, PoFile] = {}
    for domain in DOMAINS:
        if start_from is None:
            break
        path = catalog_path(root, start_from, domain)
        if not path.is_file():
            continue
        start = read_po(path)
        for line, problem in start.all_problems():
            reporter.error(
                f"{problem}; fix it before starting another language from it", Location(_rel(root, path), line)
            )
        starts[domain] = start
    if start_from and not starts and not reporter.has_errors:
        reporter.error(
            f"there is no catalog of '{start_from}' to start from", Location(f"{LOCALES_FOLDER}/{start_from}")
        )
    if reporter.has_errors:
        return []
    existing = [catalog_path(root, lang, d) for d in DOMAINS if catalog_path(root, lang, d).is_file()]
    if existing:
        reporter.error(
            "the catalog already exists; use `refpub i18n update` to bring it up to date",
            Location(_rel(root, existing[0])),
        )
        return []
    info = project_languages(root, reporter)
    if info is None:
        return []
    if not all(template_path(root, d).is_file() for d in DOMAINS):
        extract(root, reporter)
    templates = _templates(root, reporter)
    if templates is None:
        return []
    written = update_language(root, lang, templates, info.title, reporter, info.references, new_interface=True)
    for domain, start in starts.items():
        _start_from(catalog_path(root, lang, domain), start, f"{start_from}", info.references)
    if lang not in info.languages:
        reporter.warning(
            f"'{lang}' is not in languages yet; add it there to publish it",
            Location(PUBLICATION_FILE),
        )
    return written


def _fill(po: PoFile, start: PoFile) -> None:
    """Give the untranslated messages of ``po`` refpub's own translations of the same messages,
    with their "needs review" mark (refpub's machine-assisted translations keep it)."""
    known = {message_key(m): m for m in start.messages if is_translated(m) and not m.fuzzy}
    for m in po.messages:
        source = known.get(message_key(m))
        if source is not None and not is_translated(m):
            m.string = list(source.string) if isinstance(source.string, list) else source.string
            marks = [c for c in source.user_comments if REVIEW_MARK in c.lower() and c not in m.user_comments]
            m.user_comments = [*m.user_comments, *marks]


def _start_from(path: Path, start: PoFile, start_lang: str, references: str) -> None:
    """Fill the untranslated messages of the catalog at ``path`` with ``start``'s translations
    of the same messages, each fuzzy and marked for review."""
    po = read_po(path)
    known = {message_key(m): m for m in start.messages if is_translated(m) and not m.fuzzy}
    for m in po.messages:
        source = known.get(message_key(m))
        if source is None or is_translated(m):
            continue
        m.string = list(source.string) if isinstance(source.string, list) else source.string
        m.flags.add("fuzzy")
        m.user_comments = [*m.user_comments, f"from {start_lang}: {REVIEW_MARK}"]
    write_po(path, po, references=references)


# --------------------------------------------------------------------------- compile


def compile_catalogs(root: Path, reporter: Reporter) -> list[tuple[str, bool]]:
    """Write ``.mo`` files next to the ``.po`` files (the build itself reads ``.po``)."""
    info = project_languages(root, reporter)
    if info is None:
        return []
    written = []
    for lang in info.targets:
        for domain in DOMAINS:
            path = catalog_path(root, lang, domain)
            if not path.is_file():
                continue
            po = read_po(path)
            if po.all_problems():
                for line, problem in po.all_problems():
                    reporter.error(problem, Location(_rel(root, path), line))
                continue
            catalog = Catalog(locale=None, fuzzy=False)
            catalog.mime_headers = po.header
            for m in po.messages:
                catalog[m.id] = m  # context is kept by the Message itself
            import io

            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            mo = path.with_suffix(".mo")
            data = buffer.getvalue()
            changed = not (mo.is_file() and mo.read_bytes() == data)
            if changed:
                atomic_write(mo, data)
            written.append((_rel(root, mo), changed))
    return written


# --------------------------------------------------------------------------- status


@dataclass
class Counts:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    needs_review: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100.0 * self.translated / self.total, 1) if self.total else 100.0

    def add(self, message) -> None:
        if message.fuzzy:
            self.fuzzy += 1
        elif is_translated(message):
            self.translated += 1
            if any(REVIEW_MARK in c.lower() for c in message.user_comments):
                self.needs_review += 1
        else:
            self.untranslated += 1

    def to_json(self) -> dict:
        return {
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "total": self.total,
            "percent": self.percent,
            "needs_review": self.needs_review,
        }


@dataclass
class CatalogStatus:
    lang: str
    domain: str
    file: str
    exists: bool
    counts: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=dict)
    published: bool = True  # False: catalogs exist, but the language is not in `languages`
    problem: str | None = None  # why the catalog could not be read whole: its counts are not shown

    def to_json(self) -> dict:
        data = {
            "language": self.lang,
            "catalog": self.domain,
            "file": self.file,
            "exists": self.exists,
            "published": self.published,
        }
        if self.problem:
            data["error"] = self.problem
            return data
        data.update(self.counts.to_json())
        if self.by_kind:
            data["by_kind"] = {k: c.to_json() for k, c in self.by_kind.items()}
        return data


def catalog_status(root: Path, lang: str, domain: str, reporter: Reporter | None = None) -> CatalogStatus:
    """How far one catalog is translated. A catalog that cannot be read whole (too large, not
    UTF-8, a syntax error) has no counts: an error goes to ``reporter`` instead of a wrong figure."""
    path = catalog_path(root, lang, domain)
    status = CatalogStatus(lang, domain, _rel(root, path), path.is_file())
    if not path.is_file():
        return status
    po = read_po(path)
    problems = po.all_problems()
    if problems:
        line, first = problems[0]
        more = f" (and {len(problems) - 1} more; see `refpub i18n check`)" if len(problems) > 1 else ""
        status.problem = f"{first}{more}"
        if reporter is not None:
            reporter.error(f"the catalog cannot be counted: {first}{more}", Location(status.file, line))
        return status
    for m in po.messages:
        status.counts.add(m)
        if domain == CONTENT_DOMAIN and m.context:
            status.by_kind.setdefault(m.context.split(":", 1)[0], Counts()).add(m)
    return status


def status(root: Path, reporter: Reporter) -> list[CatalogStatus]:
    info = project_languages(root, reporter)
    if info is None:
        return []
    rows = [catalog_status(root, lang, domain, reporter) for lang in info.catalogs for domain in DOMAINS]
    for row in rows:
        row.published = row.lang in info.targets
    return rows


# --------------------------------------------------------------------------- check


def check(root: Path, reporter: Reporter) -> None:
    info = project_languages(root, reporter, warn_strays=False)  # check_catalogs warns
    if info is None:
        return
    check_catalogs(root, info.languages, info.source_language, reporter)
