"""``refpub import zotero FILE``: readings from a reference manager into content/readings.yaml.

Reads CSL-JSON (Zotero: File → Export Library… → CSL JSON) or RIS (Zotero's RIS export; read
with ``rispy``), and adds or updates readings:

* an item is the same reading as an existing one when its URL, its DOI (as a doi.org link) or
  its title (ignoring case, spacing and punctuation) matches; that reading's fields are updated
  from the item; its id, section and topics are kept unless ``--section``/``--topics`` are given;
* any other item becomes a new reading, with an id made from its title, the ``--section`` and
  ``--topics`` of the command line;
* fields refpub has no place for (access dates, ISBNs, call numbers, …) are listed in the
  report, item by item, never dropped silently.

readings.yaml is edited with ruamel.yaml's round-trip mode, so every line the import does not
change (comments, blank lines, quoting, folded text) stays as it was; new readings are appended
at the end of the file. The file is written atomically, and only when ``dry_run`` is false.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..content.model import PartialDate
from ..content.schema import CONTAINER_KINDS, READING_KIND_TABLE
from ..errors import RefpubError
from ..export.citations import CSL_TYPES, join_name

READINGS = "content/readings.yaml"

# CSL type -> refpub kind: the inverse of export.citations.CSL_TYPES, plus the types Zotero
# writes for items refpub would file under the same kind.
KINDS_FROM_CSL = {csl: kind for kind, csl in CSL_TYPES.items()}
KINDS_FROM_CSL.update(
    {
        "article": "article",
        "article-magazine": "article",
        "post": "blog",
        "song": "audio",  # Zotero's podcast and audio recording
        "interview": "video",
        "chapter": "book",
        "thesis": "report",
        "document": "report",
        "paper-conference": "journal-article",
    }
)
# RIS type -> refpub kind: the inverse of the kinds' RIS types, plus the types Zotero writes for
# items refpub would file under the same kind.
KINDS_FROM_RIS = {kind.ris: kind.id for kind in READING_KIND_TABLE}
KINDS_FROM_RIS.update(
    {
        "MGZN": "article",
        "MPCT": "video",
        "CHAP": "book",
        "WEB": "website",
    }
)
# Kinds whose `publisher` is the periodical or site (CSL container-title, RIS T2/JO).
_CONTAINER_KINDS = CONTAINER_KINDS
# CSL fields that carry nothing a reader of the publication needs (Zotero writes them always).
_IGNORED_CSL = {"id", "citation-key"}
_IGNORED_RIS = {"type_of_reference", "end_of_reference", "id"}
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Fields written for a reading, in the order of docs/content-format.md.
FIELD_ORDER = (
    "id",
    "title",
    "summary",
    "publisher",
    "section",
    "kind",
    "topics",
    "language",
    "date",
    "authors",
    "url",
    "note",
)


class ImportProblem(RefpubError):
    """The file cannot be imported (not CSL-JSON or RIS, unreadable, a bad option)."""


@dataclass
class Item:
    """One record of the imported file, as refpub fields, with what could not be kept."""

    label: str  # "readings.json: item 3 ('Title')"
    fields: dict
    dropped: list[str] = field(default_factory=list)  # source field names refpub has no place for
    notes: list[str] = field(default_factory=list)  # other remarks (a guessed kind, no summary)
    doi: str = ""


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    diff: str = ""
    new_text: str = ""


# ----------------------------------------------------------------------------- reading the file


def _date_from_parts(parts) -> str:
    try:
        numbers = [int(p) for p in parts[0]][:3]
        return PartialDate(*numbers).isoformat() if numbers else ""
    except (TypeError, ValueError, IndexError):
        return ""


def _date_from_text(text: str) -> str:
    m = re.match(r"^\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", text or "")
    if not m:
        return ""
    year = int(m.group(1))
    month, day = (int(g) if g else None for g in m.groups()[1:])
    try:
        return PartialDate.parse(
            PartialDate(year, month if month else None, day if month and day else None).isoformat()
        ).isoformat()
    except ValueError:
        return ""


def _language(value: str, item: Item) -> str:
    value = (value or "").strip()
    if value and _LANG_RE.match(value):
        return value
    if value:
        item.notes.append(f"language {value!r} is not a language code (such as en or ja): set `language` by hand")
    return ""


def item_from_csl(data: dict, label: str) -> Item:
    item = Item(label, {})
    f = item.fields
    csl_type = str(data.get("type", ""))
    kind = KINDS_FROM_CSL.get(csl_type)
    if kind is None:
        kind = "article"
        item.notes.append(f"CSL type {csl_type!r} has no refpub kind: filed as 'article'; change `kind` if needed")
    f["kind"] = kind
    used = {"type"}
    for source, target in (("title", "title"), ("abstract", "summary"), ("URL", "url"), ("note", "note")):
        if data.get(source):
            f[target] = " ".join(str(data[source]).split()) if target != "note" else str(data[source]).strip()
            used.add(source)
    container, publisher = data.get("container-title"), data.get("publisher")
    if kind in _CONTAINER_KINDS and container:
        f["publisher"] = str(container)
        used.add("container-title")
    elif publisher:
        f["publisher"] = str(publisher)
        used.add("publisher")
    elif container:
        f["publisher"] = str(container)
        used.add("container-title")
    if data.get("author"):
        f["authors"] = [join_name(a) for a in data["author"] if isinstance(a, dict) and join_name(a)]
        used.add("author")
    issued = data.get("issued")
    if isinstance(issued, dict):
        date = (
            _date_from_parts(issued["date-parts"])
            if issued.get("date-parts")
            else _date_from_text(str(issued.get("raw") or issued.get("literal") or ""))
        )
        if date:
            f["date"] = date
            used.add("issued")
    if data.get("language"):
        lang = _language(str(data["language"]), item)
        if lang:
            f["language"] = lang
            used.add("language")
    if data.get("DOI"):
        # Matched on always; kept (as a doi.org link) only when the item has no URL of its own.
        item.doi = str(data["DOI"]).strip()
        if "url" not in f:
            f["url"] = f"https://doi.org/{item.doi}"
            used.add("DOI")
    item.dropped = sorted(k for k in data if k not in used and k not in _IGNORED_CSL)
    return item


def item_from_ris(record: dict, label: str) -> Item:
    item = Item(label, {})
    f = item.fields
    ris_type = str(record.get("type_of_reference", ""))
    kind = KINDS_FROM_RIS.get(ris_type)
    if kind is None:
        kind = "article"
        item.notes.append(f"RIS type {ris_type!r} has no refpub kind: filed as 'article'; change `kind` if needed")
    f["kind"] = kind
    used = set()

    def take(target, *keys, transform=lambda v: " ".join(str(v).split())):
        for key in keys:
            value = record.get(key)
            if value:
                f[target] = transform(value)
                used.add(key)
                return

    take("title", "title", "primary_title")
    take("summary", "abstract", "notes_abstract")
    if kind in _CONTAINER_KINDS:
        take("publisher", "secondary_title", "journal_name", "alternate_title3", "publisher")
    else:
        take("publisher", "publisher", "secondary_title")
    names = record.get("authors") or record.get("first_authors")
    if names:
        used.update(k for k in ("authors", "first_authors") if record.get(k))
        f["authors"] = [_ris_name(n) for n in names if n.strip()]
    date = _date_from_text(str(record.get("date") or "")) or _date_from_text(
        str(record.get("year") or record.get("publication_year") or "")
    )
    if date:
        f["date"] = date
        used.update(k for k in ("date", "year", "publication_year") if record.get(k))
    if record.get("urls"):
        f["url"] = record["urls"][0]
        used.add("urls")
        if len(record["urls"]) > 1:
            item.notes.append(f"only the first of {len(record['urls'])} URLs is kept")
    if record.get("language"):
        lang = _language(str(record["language"]), item)
        if lang:
            f["language"] = lang
            used.add("language")
    if record.get("doi"):
        item.doi = str(record["doi"]).strip()
        if "url" not in f:
            f["url"] = f"https://doi.org/{item.doi}"
            used.add("doi")
    import rispy

    tags = {name: tag for tag, name in rispy.TAG_KEY_MAPPING.items()}
    item.dropped = sorted(f"{tags.get(k, k)} ({k})" for k in record if k not in used and k not in _IGNORED_RIS)
    return item


def _ris_name(name: str) -> str:
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return join_name({"family": family, "given": given})
    return name.strip()


def read_items(path: Path) -> list[Item]:
    """The records of a CSL-JSON or RIS file, as refpub fields."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(f"{path}: cannot read the file ({exc})") from exc
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ImportProblem(f"{path}:{getattr(exc, 'lineno', 1)}: not valid JSON: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("items", [data])
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise ImportProblem(f"{path}: expected CSL-JSON, a list of items (Zotero: Export… → CSL JSON)")
        return [item_from_csl(d, f"{path.name}: item {n} ({d.get('title', '')!r})") for n, d in enumerate(data, 1)]
    if re.search(r"^TY  - ", text, re.MULTILINE):
        import rispy

        try:
            records = rispy.loads(text)
        except Exception as exc:  # rispy raises plain IOError/ValueError subclasses
            raise ImportProblem(f"{path}: not valid RIS: {exc}") from exc
        return [
            item_from_ris(r, f"{path.name}: record {n} ({r.get('title', r.get('primary_title', ''))!r})")
            for n, r in enumerate(records, 1)
        ]
    raise ImportProblem(f"{path}: neither CSL-JSON nor RIS; export from Zotero as CSL JSON or RIS")


# ----------------------------------------------------------------------------- matching


def _norm_url(url: str) -> str:
    url = url.strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    url = re.sub(r"^(dx\.)?doi\.org/", "doi.org/", url)
    return url.rstrip("/")


def _norm_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def slug_from_title(title: str, taken: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:  # at most 60 characters, cut between words
        if slug and len(slug) + 1 + len(word) > 60:
            break
        slug = f"{slug}-{word}" if slug else word[:60]
    if not slug:
        import hashlib

        slug = "reading-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    return candidate


# ----------------------------------------------------------------------------- editing readings.yaml


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the import does not change
    return yaml


def _layout_keeping_yaml(text: str):
    """A round-trip YAML object whose output of the unchanged file is the file itself, or None."""
    for mapping, sequence, offset in ((2, 2, 0), (2, 4, 2), (4, 4, 2), (4, 2, 0)):
        yaml = _yaml()
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = yaml.load(text)
        out = io.StringIO()
        yaml.dump(data, out)
        if out.getvalue() == text:
            return yaml, data
    return None


def _scalar(key: str, value):
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    if key == "date":
        return DoubleQuotedScalarString(value)  # a date stays text, whatever YAML 1.1 tools think
    return value


def _new_entries_text(entries: list[dict], source: str) -> str:
    from ruamel.yaml.comments import CommentedMap

    yaml = _yaml()
    yaml.indent(mapping=2, sequence=2, offset=0)
    chunks = []
    for entry in entries:
        mapping = CommentedMap((k, _scalar(k, entry[k])) for k in FIELD_ORDER if k in entry)
        out = io.StringIO()
        yaml.dump([mapping], out)
        chunks.append(f"\n# imported from {source}\n{out.getvalue()}")
    return "".join(chunks)


def plan_import(
    root: Path,
    items: list[Item],
    *,
    source_name: str,
    section: str | None = None,
    topics: list[str] | None = None,
) -> ImportResult:
    """What importing ``items`` does to content/readings.yaml: the new text, the diff, the report."""
    from ..content.load import load_publication
    from ..diagnostics import Reporter

    path = root / READINGS
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    publication = load_publication(root, Reporter())
    if publication is not None:
        sections = [s.id for s in publication.sections]
        topic_ids = [t.id for t in publication.topics]
        if section is not None and section not in sections:
            raise ImportProblem(
                f"--section {section!r} is not a section of content/publication.yaml (one of: {', '.join(sections)})"
            )
        unknown = [t for t in topics or () if t not in topic_ids]
        if unknown:
            raise ImportProblem(
                f"--topics: {', '.join(map(repr, unknown))} not in content/publication.yaml's topics (one of: {', '.join(topic_ids)})"
            )
        source_language = publication.source_language
    else:
        source_language = "en"

    kept = _layout_keeping_yaml(text) if text.strip() else None
    if text.strip() and kept is None:
        yaml, data = None, _yaml().load(text)
    else:
        yaml, data = kept if kept else (None, [])
    data = data or []
    by_url, by_title, ids = {}, {}, set()
    for index, entry in enumerate(data):
        if not hasattr(entry, "get"):
            continue
        ids.add(str(entry.get("id", "")))
        if entry.get("url"):
            by_url[_norm_url(str(entry["url"]))] = index
        if entry.get("title"):
            by_title[_norm_title(str(entry["title"]))] = index

    result = ImportResult()
    new_entries: list[dict] = []
    changed_existing = False
    for item in items:
        f = dict(item.fields)
        match = None
        for key in (f.get("url"), f"https://doi.org/{item.doi}" if item.doi else None):
            if key and _norm_url(key) in by_url:
                match = by_url[_norm_url(key)]
                break
        if match is None and f.get("title") and _norm_title(f["title"]) in by_title:
            match = by_title[_norm_title(f["title"])]
        if item.dropped:
            result.report.append(f"{item.label}: not imported, refpub has no field for: {', '.join(item.dropped)}")
        result.report.extend(f"{item.label}: {note}" for note in item.notes)
        if match is not None:
            entry = data[match]
            if yaml is None:
                raise ImportProblem(
                    f"{READINGS}: its layout (indentation) cannot be kept while editing it; "
                    "indent list items as the other content files do, then import again"
                )
            if section is not None:
                f["section"] = section
            if topics is not None:
                f["topics"] = list(topics)
            changed = False
            for key in FIELD_ORDER:
                if key not in f or key == "id":
                    continue
                current = entry.get(key)
                current_plain = (
                    list(current) if isinstance(current, list) else (str(current) if current is not None else None)
                )
                if current_plain != f[key]:
                    entry[key] = _scalar(key, f[key])
                    changed = True
            (result.updated if changed else result.unchanged).append(str(entry.get("id")))
            changed_existing |= changed
            continue
        if section is None:
            raise ImportProblem(f"{item.label} is a new reading: say which section it goes in with --section")
        if not f.get("title"):
            result.report.append(f"{item.label}: has no title; not imported")
            continue
        new_id = slug_from_title(f["title"], ids)
        ids.add(new_id)
        f.update(id=new_id, section=section, topics=list(topics or ()))
        f.setdefault("language", source_language)
        if "summary" not in f:
            f["summary"] = ""
            result.report.append(
                f"{item.label}: has no abstract; write a `summary` for reading '{new_id}' (refpub check asks for it)"
            )
        new_entries.append(f)
        by_title[_norm_title(f["title"])] = -1
        if f.get("url"):
            by_url[_norm_url(f["url"])] = -1
        result.added.append(new_id)

    new_text = text
    if not data and text.strip() and new_entries:
        # An empty list (`[]`): keep the comments, drop the empty flow list the entries replace.
        new_text = "".join(line for line in text.splitlines(True) if line.lstrip().startswith("#") or not line.strip())
    if changed_existing:
        assert yaml is not None, "an existing entry is only edited when the file's layout can be kept"
        out = io.StringIO()
        yaml.dump(data, out)
        new_text = out.getvalue()
    if new_entries:
        if new_text and not new_text.endswith("\n"):
            new_text += "\n"
        new_text += _new_entries_text(new_entries, source_name)
    result.new_text = new_text
    result.diff = "".join(
        difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{READINGS}", f"b/{READINGS}")
    )
    return result


def import_zotero(
    root: Path, file: Path, *, section: str | None = None, topics: list[str] | None = None, dry_run: bool = False
) -> ImportResult:
    """Import ``file`` (CSL-JSON or RIS) into the project at ``root``; write unless ``dry_run``."""
    from ..building.fsio import atomic_write_text

    items = read_items(file)
    result = plan_import(root, items, source_name=file.name, section=section, topics=topics)
    if not dry_run and result.diff:
        atomic_write_text(root / READINGS, result.new_text)
    return result
