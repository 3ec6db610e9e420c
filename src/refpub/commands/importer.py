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
from typing import Any

from ..content.model import Name, PartialDate
from ..content.schema import CONTAINER_KINDS, MAX_ENTRIES, MAX_FILE_BYTES, MAX_TEXT_CHARS, READING_KIND_TABLE
from ..content.schema import READINGS_FILE as READINGS
from ..content.text import control_character_problem
from ..content.urls import check_url
from ..diagnostics import Location, Reporter
from ..errors import ContentError, RefpubError
from ..export.citations import CSL_TYPES, split_name

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

    label: str  # "item 3 ('Title')"
    location: Location  # where the record starts in the imported file
    fields: dict
    dropped: list[str] = field(default_factory=list)  # source field names refpub has no place for
    notes: list[str] = field(default_factory=list)  # other remarks (a guessed kind, no summary)
    doi: str = ""
    kind_guessed: bool = False  # the source's type has no refpub kind: never overwrite a reading's

    @property
    def where(self) -> str:
        """``file:line: item N ('title')``: how the report names the record."""
        return f"{self.location}: {self.label}"


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    # reading id -> "field: 'old' -> 'new'" for each field the import changes
    changes: dict[str, list[str]] = field(default_factory=dict)
    diff: str = ""
    new_text: str = ""


class ImportErrors(ContentError):
    """The imported file has problems (each located in it); nothing was imported."""

    def __init__(self, diagnostics, file: str):
        super().__init__(diagnostics)
        self.message = f"{len(self.diagnostics)} error(s) in {comment_text(file)}; nothing was imported"
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message


class _Bad(Exception):
    """A value of the imported file that refpub cannot read; the message completes "item N: …"."""


# ----------------------------------------------------------------------------- rich text and values

# The markup Zotero and Better BibTeX write into titles (citeproc-js's rich text): <i>, <b>,
# <sub>, <sup>, <span class="nocase">, <span style="font-variant:small-caps;">. The content
# format has no emphasis, so the words are kept and the tags dropped.
_RICH_TEXT = re.compile(r"</?(?:i|b|em|strong|sub|sup|sc|span)(?:\s[^<>]*)?>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Text without rich-text tags, on one line."""
    return " ".join(_RICH_TEXT.sub("", text).split())


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    return "text"


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise _Bad(f"'{key}' must be text, not {_describe(value)}")
    if len(value) > MAX_TEXT_CHARS:
        raise _Bad(f"'{key}' has {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    problem = control_character_problem(value.replace("\r", "").replace("\t", " "))
    if problem:
        raise _Bad(f"'{key}' {problem}")
    return value


def _name_value(family: str, given: str) -> str | dict:
    """A person's name as readings.yaml writes it: one string when the exports split it back
    into the same parts, else the parts."""
    family, given = plain_text(family), plain_text(given)
    if not given:
        return family
    text = Name.from_parts(family, given)
    if split_name(Name(str(text))) == {"family": family, "given": given}:
        return str(text)
    return {"family": family, "given": given}


def _as_name(value) -> Name:
    """A name of readings.yaml (text or parts) or of an import, for comparing."""
    if hasattr(value, "get"):
        return Name.from_parts(str(value.get("family") or ""), str(value.get("given") or ""))
    return Name(str(value))


# ----------------------------------------------------------------------------- reading the file


def _date_from_parts(parts) -> tuple[str, str]:
    """(the date, the range's end when it is a range) from CSL ``date-parts``."""
    if not isinstance(parts, list) or not parts or not all(isinstance(p, list) for p in parts):
        raise _Bad("'issued' 'date-parts' must be a list of lists of numbers")
    dates = []
    for part in parts[:2]:
        try:
            numbers = [int(p) for p in part][:3]
        except (TypeError, ValueError):
            raise _Bad("'issued' 'date-parts' must be a list of lists of numbers") from None
        try:
            dates.append(PartialDate(*numbers).isoformat() if numbers else "")
        except (TypeError, ValueError):
            dates.append("")
    start = dates[0]
    end = dates[1] if len(dates) > 1 and dates[1] != start else ""
    return start, end


def _date_from_text(text: str) -> tuple[str, str]:
    """(the date, the range's end) from text such as 2019-05-03, 2019/05/03/ or 2019-03/2019-05."""
    m = re.match(r"^\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", text or "")
    if not m:
        return "", ""
    year = int(m.group(1))
    month, day = (int(g) if g else None for g in m.groups()[1:])
    try:
        start = PartialDate.parse(
            PartialDate(year, month if month else None, day if month and day else None).isoformat()
        ).isoformat()
    except ValueError:
        return "", ""
    rest = text[m.end() :].strip().strip("/")
    end_match = re.match(r"^(?:/|-|–|—|to)?\s*(\d{4}(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?)\s*/?$", rest)
    end = _date_from_text(end_match.group(1))[0] if end_match and rest else ""
    return start, (end if end != start else "")


def _set_date(item: Item, date: str, end: str) -> None:
    if date:
        item.fields["date"] = date
        if end:
            item.notes.append(f"the date is a range ({date} to {end}); only its start, {date}, is kept")


def _language(value: str, item: Item) -> str:
    value = (value or "").strip()
    if value and _LANG_RE.match(value):
        return value
    if value:
        item.notes.append(f"language {value!r} is not a language code (such as en or ja): set `language` by hand")
    return ""


def _check_url(item: Item, key: str = "url") -> None:
    url = item.fields.get(key)
    if url and check_url(url):
        item.notes.append(f"the link {url!r} {check_url(url)}; not imported")
        del item.fields[key]


def item_from_csl(data: dict, label: str, location: Location | None = None) -> Item:
    item = Item(label, location or Location(""), {})
    kind = _csl_kind(data, item)
    used = {"type"}
    used |= _csl_texts(data, item)
    used |= _csl_publisher(data, item, kind)
    used |= _csl_authors(data, item)
    used |= _csl_issued(data, item)
    used |= _csl_language(data, item)
    used |= _csl_doi(data, item)
    _check_url(item)
    if kind == "report" and data.get("genre") == "Report":
        used.add("genre")  # what refpub writes for a report: its kind says it
    item.dropped = sorted(k for k in data if k not in used and k not in _IGNORED_CSL)
    return item


# Each step of item_from_csl sets the item's fields from some CSL fields and gives back the
# names of the CSL fields it used (the rest are reported as dropped).


def _csl_kind(data: dict, item: Item) -> str:
    csl_type = _text(data, "type")
    kind = KINDS_FROM_CSL.get(csl_type)
    if kind is None:
        kind, item.kind_guessed = "article", True
        item.notes.append(f"CSL type {csl_type!r} has no refpub kind: filed as 'article'; change `kind` if needed")
    item.fields["kind"] = kind
    return kind


def _csl_texts(data: dict, item: Item) -> set[str]:
    used = set()
    for source, target in (("title", "title"), ("abstract", "summary"), ("URL", "url"), ("note", "note")):
        value = _text(data, source)
        if value:
            item.fields[target] = plain_text(value) if target != "note" else _RICH_TEXT.sub("", value).strip()
            used.add(source)
    return used


def _csl_publisher(data: dict, item: Item, kind: str) -> set[str]:
    """The periodical or site for a kind that has one (container-title), else the publisher."""
    container, publisher = plain_text(_text(data, "container-title")), plain_text(_text(data, "publisher"))
    if kind in _CONTAINER_KINDS and container:
        item.fields["publisher"] = container
        return {"container-title"}
    if publisher:
        item.fields["publisher"] = publisher
        return {"publisher"}
    if container:
        item.fields["publisher"] = container
        return {"container-title"}
    return set()


def _csl_authors(data: dict, item: Item) -> set[str]:
    authors = data.get("author")
    if not authors:
        return set()
    if not isinstance(authors, list):
        raise _Bad(f"'author' must be a list of names, not {_describe(authors)}")
    names = [name for name in map(_csl_name, authors) if name is not None]
    if names:
        item.fields["authors"] = names
    return {"author"}


def _csl_name(name) -> str | dict | None:
    """One CSL name as readings.yaml writes it; None when it has no parts."""
    if not isinstance(name, dict):
        raise _Bad(f"each name in 'author' must be a mapping (family, given or literal), not {_describe(name)}")
    parts = {k: _text(name, k) for k in ("literal", "family", "given", "non-dropping-particle", "dropping-particle")}
    if parts["literal"]:
        return plain_text(parts["literal"])
    family = " ".join(p for p in (parts["non-dropping-particle"], parts["family"]) if p)
    given = " ".join(p for p in (parts["given"], parts["dropping-particle"]) if p)
    if family or given:
        return _name_value(family, given) if family else plain_text(given)
    return None


def _csl_issued(data: dict, item: Item) -> set[str]:
    issued = data.get("issued")
    if issued in (None, "", {}):
        return set()
    if not isinstance(issued, dict):
        raise _Bad(f"'issued' must be a mapping (date-parts), not {_describe(issued)}")
    if issued.get("date-parts"):
        date, end = _date_from_parts(issued["date-parts"])
    else:
        date, end = _date_from_text(_text(issued, "raw") or _text(issued, "literal"))
    _set_date(item, date, end)
    return {"issued"} if date else set()


def _csl_language(data: dict, item: Item) -> set[str]:
    language = _text(data, "language")
    lang = _language(language, item) if language else ""
    if lang:
        item.fields["language"] = lang
        return {"language"}
    return set()


def _csl_doi(data: dict, item: Item) -> set[str]:
    doi = _text(data, "DOI").strip()
    if not doi:
        return set()
    # Matched on always; kept (as a doi.org link) only when the item has no URL of its own.
    item.doi = doi
    if "url" not in item.fields:
        item.fields["url"] = f"https://doi.org/{item.doi}"
        return {"DOI"}
    return set()


def item_from_ris(record: dict, label: str, location: Location | None = None) -> Item:
    item = Item(label, location or Location(""), {})
    f = item.fields
    ris_type = str(record.get("type_of_reference", ""))
    kind = KINDS_FROM_RIS.get(ris_type)
    if kind is None:
        kind, item.kind_guessed = "article", True
        item.notes.append(f"RIS type {ris_type!r} has no refpub kind: filed as 'article'; change `kind` if needed")
    f["kind"] = kind
    used = set()

    def take(target, *keys):
        for key in keys:
            value = _text(record, key) if not isinstance(record.get(key), list) else ""
            if value:
                f[target] = plain_text(value)
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
        f["authors"] = [_ris_name(n) for n in names if isinstance(n, str) and n.strip()]
    for key in ("date", "year", "publication_year"):
        date, end = _date_from_text(str(record.get(key) or ""))
        if date:
            _set_date(item, date, end)
            used.update(k for k in ("date", "year", "publication_year") if record.get(k))
            break
    urls = [u for u in record.get("urls") or () if isinstance(u, str) and u.strip()]
    if urls:
        f["url"] = urls[0].strip()
        used.add("urls")
        if len(urls) > 1:
            item.notes.append(f"only the first of {len(urls)} URLs is kept")
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
    _check_url(item)
    import rispy

    tags = {name: tag for tag, name in rispy.TAG_KEY_MAPPING.items()}
    item.dropped = sorted(f"{tags.get(k, k)} ({k})" for k in record if k not in used and k not in _IGNORED_RIS)
    return item


def _ris_name(name: str) -> str | dict:
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return _name_value(family, given) if family else plain_text(given)
    return plain_text(name)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Positions:
    """Line and column of increasing offsets in ``text``, in time linear in its length."""

    def __init__(self, text: str):
        self.text, self.offset, self.line, self.line_start = text, 0, 1, 0

    def __call__(self, offset: int) -> tuple[int, int]:
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


class _JsonScanner:
    """Decodes the values of a CSL-JSON file one at a time; a problem is reported at its line."""

    _WHITE_SPACE = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str, rel: str, reporter: Reporter):
        self.text, self.rel, self.reporter = text, rel, reporter
        self.decoder = json.JSONDecoder()

    def skip(self, at: int) -> int:
        """The offset past the white space at ``at``."""
        found = self._WHITE_SPACE.match(self.text, at)
        return found.end() if found else at

    def decode(self, at: int) -> tuple[Any, int] | None:
        """The value at ``at`` and the offset after it; None (reported) when it is not JSON."""
        try:
            return self.decoder.raw_decode(self.text, at)
        except json.JSONDecodeError as exc:
            cut = exc.pos >= len(self.text.rstrip())
            problem = "the file ends in the middle of an item (is it cut off?)" if cut else exc.msg
            self.reporter.error(f"not valid JSON: {problem}", Location(self.rel, exc.lineno, exc.colno))
        except RecursionError:
            self.reporter.error("not valid CSL-JSON: the data is nested too deeply", self.location(at))
        return None

    def location(self, offset: int) -> Location:
        return Location(self.rel, *_position(self.text, offset))


def _json_records(text: str, rel: str, reporter: Reporter) -> list[tuple[object, Location]]:
    """The items of a CSL-JSON file, each with the line it starts on."""
    scanner = _JsonScanner(text, rel, reporter)
    at = scanner.skip(0)
    if text.startswith("{", at):
        return _json_object_records(scanner, at)
    return _json_list_records(scanner, at + 1)  # past the "["


def _json_object_records(scanner: _JsonScanner, at: int) -> list[tuple[object, Location]]:
    """The items of a file that is one object: one item, or ``{"items": [...]}``."""
    rel, reporter = scanner.rel, scanner.reporter
    decoded = scanner.decode(at)
    if decoded is None:
        return []
    data, end = decoded
    if scanner.text[scanner.skip(end) :]:
        reporter.error("not valid JSON: extra data", scanner.location(scanner.skip(end)))
        return []
    listed = data.get("items", [data])
    if not isinstance(listed, list):
        reporter.error("expected CSL-JSON, a list of items (Zotero: Export… → CSL JSON)", Location(rel, 1, 1))
        return []
    return [(record, Location(rel, 1, 1)) for record in listed]


def _json_list_records(scanner: _JsonScanner, at: int) -> list[tuple[object, Location]]:
    """The items of a file that is a list, decoded one by one so each has its own line."""
    text, rel, reporter = scanner.text, scanner.rel, scanner.reporter
    records: list[tuple[object, Location]] = []
    positions = _Positions(text)
    while True:
        at = scanner.skip(at)
        if text.startswith("]", at) and not records:
            break
        decoded = scanner.decode(at)
        if decoded is None:
            return []
        records.append((decoded[0], Location(rel, *positions(at))))
        if len(records) > MAX_ENTRIES:
            reporter.error(f"the file has more than {MAX_ENTRIES:,} items, the limit of a content file", Location(rel))
            return []
        at = scanner.skip(decoded[1])
        if text.startswith(",", at):
            at += 1
            continue
        if text.startswith("]", at):
            break
        reporter.error("not valid JSON: expected ',' or ']' after an item", scanner.location(at))
        return []
    end = scanner.skip(at + 1)
    if end < len(text):
        reporter.error("not valid JSON: extra data after the list", scanner.location(end))
        return []
    return records


def _ris_records(text: str, rel: str, reporter: Reporter) -> list[tuple[dict, Location]]:
    """The records of a RIS file, each with the line of its ``TY`` tag; a record without ``ER`` is an error."""
    import rispy

    starts, open_at = [], None
    for number, line in enumerate(text.splitlines(), 1):
        tag = line[:6]
        if tag.startswith("TY  -"):
            if open_at is not None:
                reporter.error(
                    f"the record starting on line {open_at} has no end ('ER  - ' line) before the next 'TY'",
                    Location(rel, open_at, 1),
                )
            open_at = number
            starts.append(number)
        elif tag.startswith("ER  -"):
            open_at = None
    if open_at is not None:
        reporter.error("the record starting here has no end ('ER  - ' line)", Location(rel, open_at, 1))
    if reporter.has_errors:
        return []
    try:
        records = rispy.loads(text)
    except Exception as exc:  # rispy raises plain IOError/ValueError subclasses
        reporter.error(f"not valid RIS: {exc}", Location(rel))
        return []
    if len(records) != len(starts):
        reporter.error(
            f"not valid RIS: {len(starts)} records start with 'TY', {len(records)} could be read", Location(rel)
        )
        return []
    if len(records) > MAX_ENTRIES:
        reporter.error(
            f"the file has {len(records):,} records; the limit of a content file is {MAX_ENTRIES:,}", Location(rel)
        )
        return []
    return [(record, Location(rel, line, 1)) for record, line in zip(records, starts)]


def read_items(path: Path) -> list[Item]:
    """The records of a CSL-JSON or RIS file, as refpub fields; every problem at once (ContentError)."""
    rel = str(path)
    try:
        size = path.stat().st_size
        if size > 4 * MAX_FILE_BYTES:
            raise ImportProblem(
                f"{rel}: the file is {size:,} bytes; refpub imports at most {4 * MAX_FILE_BYTES:,} (split the export)"
            )
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ImportProblem(f"{rel}: cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"{rel}: the file is not UTF-8 (byte {exc.start}); export it as UTF-8") from exc
    reporter = Reporter()
    items: list[Item] = []
    if text.lstrip().startswith(("[", "{")):
        for n, (data, location) in enumerate(_json_records(text, rel, reporter), 1):
            if not isinstance(data, dict):
                reporter.error(f"item {n} must be a CSL-JSON item (a mapping), not {_describe(data)}", location)
                continue
            title = str(data["title"]) if isinstance(data.get("title"), str) else ""
            label = f"item {n} ({plain_text(title)!r})"
            try:
                items.append(item_from_csl(data, label, location))
            except _Bad as exc:
                reporter.error(f"{label}: {exc}", location)
    elif re.search(r"^TY  - ", text, re.MULTILINE):
        for n, (record, location) in enumerate(_ris_records(text, rel, reporter), 1):
            title = str(record.get("title") or record.get("primary_title") or "")
            label = f"record {n} ({plain_text(title)!r})"
            try:
                items.append(item_from_ris(record, label, location))
            except _Bad as exc:
                reporter.error(f"{label}: {exc}", location)
    else:
        raise ImportProblem(f"{rel}: neither CSL-JSON nor RIS; export from Zotero as CSL JSON or RIS")
    if reporter.has_errors:
        raise ImportErrors(reporter.sorted(), rel)
    return items


# ----------------------------------------------------------------------------- matching


def _norm_url(url: str) -> str:
    url = url.strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    url = re.sub(r"^(dx\.)?doi\.org/", "doi.org/", url)
    return url.rstrip("/")


def _norm_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", plain_text(title)).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _year(date) -> str:
    return str(date or "")[:4]


def _keys(url: str, doi: str, title: str, date) -> list[tuple[str, str]]:
    """What identifies a reading, strongest first: its DOI, its URL, its title with its year."""
    keys = []
    if doi:
        keys.append(("doi", _norm_url(f"https://doi.org/{doi}")))
    if url:
        keys.append(("url", _norm_url(url)))
    if title and _norm_title(title):
        keys.append(("title", f"{_norm_title(title)}|{_year(date)}"))
    return keys


_KEY_NAMES = {"doi": "DOI", "url": "URL", "title": "title and year"}


class _Ids:
    """New ids, unique among the taken ones, in time linear in their number."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        self.next: dict[str, int] = {}

    def make(self, slug: str) -> str:
        candidate, n = slug, self.next.get(slug, 2)
        while candidate in self.taken:
            candidate = f"{slug}-{n}"
            n += 1
        self.next[slug] = n
        self.taken.add(candidate)
        return candidate


def _slug(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", plain_text(title)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:  # at most 60 characters, cut between words
        if slug and len(slug) + 1 + len(word) > 60:
            break
        slug = f"{slug}-{word}" if slug else word[:60]
    if not slug:
        import hashlib

        slug = "reading-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    return slug


def slug_from_title(title: str, taken: set[str]) -> str:
    """An id made from the plain text of ``title``, not in ``taken``."""
    return _Ids(taken).make(_slug(title))


# ----------------------------------------------------------------------------- editing readings.yaml


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the import does not change
    # The one layout of every content file refpub writes (and of `refpub init`'s): lists at the
    # indentation of their key, `- ` then the mapping's keys two columns in.
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _load_readings(text: str):
    """readings.yaml as round-trip data (a list), with the YAML object that reads and writes it."""
    from ruamel.yaml.error import YAMLError

    yaml = _yaml()
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{READINGS}:{mark.line + 1}:{mark.column + 1}" if mark else READINGS
        raise ImportProblem(f"{where}: not valid YAML; run `refpub check` and fix it first") from exc
    except RecursionError as exc:
        raise ImportProblem(f"{READINGS}: nested too deeply; run `refpub check` and fix it first") from exc
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ImportProblem(f"{READINGS}:1:1: must be a list of readings; run `refpub check` and fix it first")
    return yaml, data


def _dump_keeping_layout(yaml, data, edited: set[int], text: str) -> str | None:
    """The text of ``data``, whose entries at the positions ``edited`` changed; None if writing it
    would change a line of another entry (the file has a layout other than refpub's)."""
    out = io.StringIO()
    try:
        yaml.dump(data, out)
    except Exception:  # ruamel cannot write some hand-made layouts back; then it is not kept
        return None
    new_text = out.getvalue()
    # Every line outside the edited entries must be as it was: compare the text without them.
    lines_before, lines_after = (
        _without_entries(text, data, edited),
        _without_entries(new_text, yaml.load(new_text), edited),
    )
    return new_text if lines_before == lines_after else None


def _without_entries(text: str, data, positions: set[int]) -> list[str]:
    lines = text.splitlines(True)
    starts = [data.lc.item(position)[0] for position in range(len(data))] + [len(lines)]
    drop: set[int] = set()
    for position in positions:
        drop.update(range(starts[position], starts[position + 1]))
    return [line for number, line in enumerate(lines) if number not in drop]


def _scalar(key: str, value):
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, list):
        items = []
        for v in value:
            if isinstance(v, dict):
                name = CommentedMap((k, v[k]) for k in _name_order(v) if v.get(k))
                name.fa.set_flow_style()
                items.append(name)
            else:
                items.append(v)
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq
    if key == "date":
        return DoubleQuotedScalarString(value)  # a date stays text, whatever YAML 1.1 tools think
    return value


def comment_text(text: str) -> str:
    """``text`` safe inside a YAML comment: no line break (of any kind) or control character."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


class _Quoted(str):
    """A value written in double quotes (a date stays text, whatever YAML 1.1 tools think)."""


class _Flow(list):
    """A list written on one line, ``[a, b]``."""


def _new_entries_text(entries: list[dict], source: str) -> str:
    """New readings as YAML in refpub's layout, each under a comment naming the imported file.

    Written with PyYAML's C emitter (new entries have no comments or layout to keep; ruamel's
    pure-Python one takes a second per thousand entries); ruamel reads the result back as it is.
    """
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
    Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True))

    def value(key: str, v):
        if isinstance(v, list):
            return _Flow({k: n[k] for k in _name_order(n) if n.get(k)} if isinstance(n, dict) else n for n in v)
        return _Quoted(v) if key == "date" else v

    data = [{k: value(k, entry[k]) for k in FIELD_ORDER if k in entry} for entry in entries]
    text = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    # Every entry starts at column 0 with "- " (its values are indented): the comments go there.
    comment = f"\n# imported from {comment_text(source)}\n"
    return "".join(comment + line if line.startswith("- ") else line for line in text.splitlines(True))


def _name_order(name: dict) -> tuple[str, str]:
    # A name in parts is written in the order it is shown: family first in CJK characters.
    family_first = Name.family_first_in(name.get("family", "") + name.get("given", ""))
    return ("family", "given") if family_first else ("given", "family")


def _same(key: str, current, new) -> bool:
    """Whether a reading's value already says what the import says (layout and spacing aside)."""
    if current is None:
        return False
    if key == "authors":
        if not isinstance(current, list):
            return False
        return [split_name(_as_name(a)) for a in current] == [split_name(_as_name(a)) for a in new]
    if isinstance(new, list):
        return isinstance(current, list) and [str(c) for c in current] == new
    return " ".join(str(current).split()) == " ".join(str(new).split())


def _shown(value) -> str:
    if isinstance(value, list):
        value = ", ".join(str(_as_name(v)) for v in value)
    text = comment_text(" ".join(str(value).split())) if value is not None else ""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def plan_import(
    root: Path,
    items: list[Item],
    *,
    source_name: str,
    section: str | None = None,
    topics: list[str] | None = None,
) -> ImportResult:
    """What importing ``items`` does to content/readings.yaml: the new text, the diff, the report."""
    text = _read_readings_text(root)
    options = _import_options(root, section, topics)
    readings = _index_readings(text)
    result = ImportResult()
    seen: dict[tuple[str, str], Item] = {}  # what identifies each item of this file -> the first such item
    new_entries = [entry for item in items if (entry := _plan_item(item, readings, options, seen, result)) is not None]
    new_text = _new_readings_text(readings, new_entries, source_name)
    _check_size(new_text, len(readings.data) + len(new_entries))
    result.new_text = new_text
    result.diff = "".join(
        difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{READINGS}", f"b/{READINGS}")
    )
    return result


@dataclass(frozen=True)
class _ImportOptions:
    """What the command line says of every item, and the language of a new reading."""

    section: str | None
    topics: list[str] | None
    source_language: str


@dataclass
class _Readings:
    """content/readings.yaml as the import found it, indexed by what identifies a reading."""

    text: str
    yaml: Any  # the round-trip loader that read ``data`` (None when the file is empty)
    data: list
    index: dict[tuple[str, str], list[int]]  # a key (_keys) -> the positions of the readings that have it
    titles: dict[str, list[tuple[str, str]]]  # a title without its year -> its keys
    new_ids: _Ids
    edited: set[int] = field(default_factory=set)  # positions of the readings the import changes


def _read_readings_text(root: Path) -> str:
    path = root / READINGS
    try:
        return path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(f"{READINGS}: cannot read the file ({exc}); run `refpub check`") from exc


def _import_options(root: Path, section: str | None, topics: list[str] | None) -> _ImportOptions:
    """The options, once --section and --topics are known to be publication.yaml's."""
    from ..content.load import load_publication

    publication = load_publication(root, Reporter())
    if publication is None:
        return _ImportOptions(section, topics, "en")
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
    return _ImportOptions(section, topics, publication.source_language)


def _index_readings(text: str) -> _Readings:
    yaml, data = _load_readings(text) if text.strip() else (None, [])
    index: dict[tuple[str, str], list[int]] = {}
    titles: dict[str, list[tuple[str, str]]] = {}
    ids = set()
    for position, entry in enumerate(data):
        if not hasattr(entry, "get"):
            continue
        ids.add(str(entry.get("id", "")))
        url = str(entry.get("url") or "")
        doi = _norm_url(url)[len("doi.org/") :] if _norm_url(url).startswith("doi.org/") else ""
        for key in _keys(url, doi, str(entry.get("title") or ""), entry.get("date")):
            index.setdefault(key, []).append(position)
            if key[0] == "title" and key not in titles.setdefault(key[1].rsplit("|", 1)[0], []):
                titles[key[1].rsplit("|", 1)[0]].append(key)
    return _Readings(text, yaml, data, index, titles, _Ids(ids))


def _plan_item(
    item: Item, readings: _Readings, options: _ImportOptions, seen: dict[tuple[str, str], Item], result: ImportResult
) -> dict | None:
    """Update the reading ``item`` is, or give the new reading it makes (None when it makes none)."""
    f = dict(item.fields)
    if item.dropped:
        result.report.append(f"{item.where}: not imported, refpub has no field for: {', '.join(item.dropped)}")
    result.report.extend(f"{item.where}: {note}" for note in item.notes)
    keys = _item_keys(item, f, readings)
    if _is_repeated(item, keys, seen, result):
        return None
    match = _matching_reading(item, keys, readings, result)
    if match == -1:
        return None
    if match is not None:
        _update_reading(item, f, match, readings, options, result)
        return None
    return _new_reading(item, f, readings, options, result)


def _item_keys(item: Item, f: dict, readings: _Readings) -> list[tuple[str, str]]:
    keys = _keys(f.get("url", ""), item.doi, f.get("title", ""), f.get("date"))
    if not f.get("date"):  # no year: the title alone, if it names one reading
        keys = [k for k in keys if k[0] != "title"] + readings.titles.get(_norm_title(f.get("title", "")), [])[:1]
    return keys


def _is_repeated(item: Item, keys: list[tuple[str, str]], seen: dict[tuple[str, str], Item], result) -> bool:
    """True (reported) when an earlier item of the file is the same reading; else ``item`` is seen."""
    twin = next(((key, seen[key]) for key in keys if key in seen), None)
    if twin is not None:
        key, first = twin
        result.report.append(
            f"{item.where}: the same reading as {first.where} (same {_KEY_NAMES[key[0]]}); "
            "not imported: remove one of them from the export"
        )
        return True
    for key in keys:
        seen[key] = item
    return False


def _matching_reading(item: Item, keys: list[tuple[str, str]], readings: _Readings, result) -> int | None:
    """The position of the one reading ``item`` is; None for none, -1 (reported) for several."""
    index = readings.index
    for key in keys:
        found = index.get(key, [])
        if len(found) > 1:  # several readings share it: the title and year decide
            title_matches = [i for k in keys if k[0] == "title" for i in index.get(k, [])]
            found = [i for i in found if i in title_matches]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(repr(str(readings.data[i].get("id"))) for i in found)
            result.report.append(f"{item.where}: matches several readings ({names}); not imported")
            return -1
    return None


def _update_reading(
    item: Item, f: dict, match: int, readings: _Readings, options: _ImportOptions, result: ImportResult
) -> None:
    entry = readings.data[match]
    if options.section is not None:
        f["section"] = options.section
    if options.topics is not None:
        f["topics"] = list(options.topics)
    if item.kind_guessed:
        f.pop("kind", None)
    reading_id = str(entry.get("id"))
    changes = []
    for name in FIELD_ORDER:
        if name not in f or name == "id":
            continue
        current = entry.get(name)
        if not _same(name, current, f[name]):
            changes.append(f"{name}: {_shown(current)} -> {_shown(f[name])}")
            entry[name] = _scalar(name, f[name])
    if changes:
        result.updated.append(reading_id)
        result.changes[reading_id] = changes
        readings.edited.add(match)
    else:
        result.unchanged.append(reading_id)


def _new_reading(
    item: Item, f: dict, readings: _Readings, options: _ImportOptions, result: ImportResult
) -> dict | None:
    if options.section is None:
        raise ImportProblem(f"{item.where} is a new reading: say which section it goes in with --section")
    if not f.get("title"):
        result.report.append(f"{item.where}: has no title; not imported")
        return None
    new_id = readings.new_ids.make(_slug(f["title"]))
    f.update(id=new_id, section=options.section, topics=list(options.topics or ()))
    f.setdefault("language", options.source_language)
    if "summary" not in f:
        f["summary"] = ""
        result.report.append(
            f"{item.where}: has no abstract; write a `summary` for reading '{new_id}' (refpub check asks for it)"
        )
    result.added.append(new_id)
    return f


def _new_readings_text(readings: _Readings, new_entries: list[dict], source_name: str) -> str:
    """readings.yaml with the edited readings rewritten in place and the new ones appended."""
    text, new_text = readings.text, readings.text
    if not readings.data and text.strip() and new_entries:
        # An empty list (`[]`): keep the comments, drop the empty flow list the entries replace.
        new_text = "".join(line for line in text.splitlines(True) if line.lstrip().startswith("#") or not line.strip())
    if readings.edited:
        assert readings.yaml is not None
        kept = _dump_keeping_layout(readings.yaml, readings.data, readings.edited, text)
        if kept is None:
            raise ImportProblem(
                f"{READINGS}: refpub cannot rewrite this file without changing lines the import does not "
                "touch (its indentation differs from refpub's: a list item's '- ' at the column of its key, "
                "as `refpub init` writes it); nothing was changed"
            )
        new_text = kept
    if new_entries:
        if new_text and not new_text.endswith("\n"):
            new_text += "\n"
        new_text += _new_entries_text(new_entries, source_name)
    return new_text


def _check_size(new_text: str, entries: int) -> None:
    size = len(new_text.encode("utf-8"))
    if size > MAX_FILE_BYTES or entries > MAX_ENTRIES:
        raise ImportProblem(
            f"{READINGS}: the import would make it {size:,} bytes with {entries:,} readings; "
            f"a content file holds at most {MAX_FILE_BYTES:,} bytes and {MAX_ENTRIES:,} entries "
            "(import a smaller selection); nothing was changed"
        )


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
