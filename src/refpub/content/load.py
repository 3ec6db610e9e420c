"""YAML content files -> model objects, keeping the file, line and column of every value.

YAML is composed into nodes with PyYAML's safe loader (no object construction, no implicit
typing: ``2020-05`` stays text until the schema says it is a date, ``no`` stays the word no).
Each value is then read against its declaration in :mod:`refpub.content.schema`; every problem goes to
the reporter with its location, and reading continues so one run shows them all.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import yaml

from ..diagnostics import Location, Reporter
from ..i18n.names import is_known_language, unknown_language_message
from . import schema as S
from .model import (
    Content,
    Handout,
    Name,
    OpeningHours,
    Organisation,
    OrganisationSelection,
    PartialDate,
    Publication,
    Reading,
    ReadingSelection,
    Section,
    Source,
    Topic,
)
from .text import control_character_problem, has_kanji, is_kana
from .urls import check_url, mixed_script_host

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# BCP 47's shape: a language, then subtags (a singleton such as the private-use x of ja-x-easy).
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_PHONE_RE = re.compile(r"^\+?[0-9()\- .]{5,30}$")
_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_NULLS = {"", "~", "null", "Null", "NULL"}


class _Invalid(Exception):
    """A value that does not fit its field; the message completes "<entry>: …"."""


def _loc(file: str, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


# --------------------------------------------------------------------------- files


def read_text(path: Path, rel: str, reporter: Reporter) -> str | None:
    """Read a UTF-8 text file within the size bound; report encoding problems with their place."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        reporter.error(f"cannot read the file: {exc.strerror}", Location(rel))
        return None
    if size > S.MAX_FILE_BYTES:
        reporter.error(
            f"the file is {size:,} bytes; the limit is {S.MAX_FILE_BYTES:,} bytes "
            "(split the content or remove what is not needed)",
            Location(rel),
        )
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(data, exc.start)
        reporter.error(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            Location(rel, line, column),
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        reporter.error("the file contains a NUL character; remove it", Location(rel, line, column))
        return None
    return text


def _position_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def parse_yaml(text: str, rel: str, reporter: Reporter) -> yaml.Node | None:
    """Compose YAML into nodes. Aliases are refused (no "billion laughs")."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(rel, mark.line + 1, mark.column + 1) if mark else Location(rel)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        reporter.error(f"invalid YAML: {problem}", loc)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        position = exc.position
        if not (0 <= position < len(text) and text[position] == char):  # libyaml counts bytes
            position = len(text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore"))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        reporter.error(
            f"the file contains the control character U+{ord(char):04X}, which YAML does not allow; remove it",
            Location(rel, line, column),
        )
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        reporter.error(f"invalid YAML: {exc}", Location(rel))
        return None
    if node is not None and not _refuse_aliases(node, rel, reporter):
        return None
    return node


def _refuse_aliases(root: yaml.Node, rel: str, reporter: Reporter) -> bool:
    # The composer shares one node object for an anchor and all its aliases: a node met twice
    # is an alias. Checking identity keeps this linear even for an alias bomb.
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            reporter.error(
                "YAML anchors and aliases (&name / *name) are not allowed; write the value out",
                _loc(rel, node),
            )
            return False
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return True


def load_file(root: Path, rel: str, reporter: Reporter) -> yaml.Node | None:
    path = root / rel
    if not path.is_file():
        reporter.error("the file is missing", Location(rel))
        return None
    text = read_text(path, rel, reporter)
    if text is None:
        return None
    return parse_yaml(text, rel, reporter)


# --------------------------------------------------------------------------- values


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a single value"


def _scalar(node: yaml.Node, what: str, name: str = "") -> str:
    if not isinstance(node, yaml.ScalarNode):
        field = f"'{name}' " if name else ""
        raise _Invalid(f"{field}must be {what}, not {_describe(node)}")
    return node.value


def _is_null(node: yaml.Node) -> bool:
    """An absent value: empty, ``~`` or ``null`` written plain, or an empty quoted string."""
    if not isinstance(node, yaml.ScalarNode):
        return False
    if not node.value.strip():
        return True
    return not node.style and node.value in _NULLS


# Control characters shown as escapes in messages, so a tab or a newline in a value is seen.
_VISIBLE = {i: f"\\x{i:02x}" for i in range(0x20)} | {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x7F: "\\x7f"}


def _visible(value: str) -> str:
    return value.translate(_VISIBLE)


# What XML 1.0 (so XHTML and EPUB) cannot carry: C0 controls other than tab, newline and carriage
# return, and the non-characters U+FFFE and U+FFFF. YAML lets them in through escapes ("\0").


def _text(value: str, name: str) -> str:
    # Line breaks are normalised to LF, as XML and HTML parsers do: the text then reads back
    # the same from every output.
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    problem = control_character_problem(value)
    if problem:
        raise _Invalid(f"'{name}' {problem}")
    if len(value) > S.MAX_TEXT_CHARS:
        raise _Invalid(f"'{name}' has {len(value):,} characters; the limit is {S.MAX_TEXT_CHARS:,}")
    return value


class _FieldReader:
    """Reads one field's node into a Python value, or raises _Invalid."""

    def __init__(self, file: str, reporter: Reporter, label: Callable[[], str]):
        self.file = file
        self.reporter = reporter
        self.label = label

    def read(self, f: S.Field, node: yaml.Node) -> Any:
        read_kind = self._BY_KIND.get(f.kind)
        if read_kind is None:
            raise AssertionError(f"unknown field kind {f.kind}")  # a bug in content/schema.py
        return read_kind(self, f, node)

    # One reader per field kind (content/schema.py), each (field, node) -> value.

    def _read_text(self, f: S.Field, node: yaml.Node) -> str:
        value = _text(_scalar(node, "text", f.name), f.name)
        if f.kind == S.TEXT and not value:
            raise _Invalid(f"'{f.name}' is empty")
        return value

    def _read_slug(self, f: S.Field, node: yaml.Node) -> str:
        return self._slug(_scalar(node, "an id", f.name), f.name)

    def _read_lang(self, f: S.Field, node: yaml.Node) -> str:
        return self._lang(_scalar(node, "a language code", f.name), f.name)

    def _read_date(self, f: S.Field, node: yaml.Node) -> PartialDate:
        return self._date(_scalar(node, "a date", f.name), f)

    def _read_url(self, f: S.Field, node: yaml.Node) -> str:
        value = _scalar(node, "a link", f.name).strip()
        problem = check_url(value)
        if problem:
            raise _Invalid(f"{f.name} '{_visible(value)}' {problem}")
        lookalike = mixed_script_host(value)
        if lookalike:
            self.reporter.warning(f"{self.label()}: {f.name} '{value}': {lookalike}", _loc(self.file, node))
        return value

    def _read_email(self, f: S.Field, node: yaml.Node) -> str:
        value = _scalar(node, "an email address", f.name).strip()
        if not _EMAIL_RE.match(value):
            raise _Invalid(f"email '{value}' is not an email address (name@example.org)")
        problem = control_character_problem(value)
        if problem:
            raise _Invalid(f"email {problem}")
        lookalike = mixed_script_host(f"mailto://{value.rpartition('@')[2]}")
        if lookalike:
            self.reporter.warning(f"{self.label()}: email '{value}': {lookalike}", _loc(self.file, node))
        return value

    def _read_phone(self, f: S.Field, node: yaml.Node) -> str:
        value = _scalar(node, "a phone number", f.name).strip()
        if not _PHONE_RE.match(value):
            raise _Invalid(f"phone '{value}' is not a phone number (digits, spaces, +, -, parentheses)")
        return value

    def _read_int(self, f: S.Field, node: yaml.Node) -> int:
        value = _scalar(node, "a whole number", f.name).strip()
        if not re.fullmatch(r"[0-9]{1,6}", value):
            raise _Invalid(f"'{f.name}' must be a whole number, not '{value}'")
        return int(value)

    def _read_bool(self, f: S.Field, node: yaml.Node) -> bool:
        value = _scalar(node, "true or false", f.name).strip().lower()
        if value not in ("true", "false"):
            raise _Invalid(f"'{f.name}' must be true or false, not '{value}'")
        return value == "true"

    def _read_choice(self, f: S.Field, node: yaml.Node) -> str:
        value = _scalar(node, "a name", f.name).strip()
        if value not in f.choices:
            raise _Invalid(self._unknown_choice(f, value))
        return value

    def _read_time(self, f: S.Field, node: yaml.Node) -> _dt.time:
        value = _scalar(node, "a time", f.name).strip()
        m = _TIME_RE.match(value)
        if not m:
            raise _Invalid(f"{f.name} '{_visible(value)}' is not a time (HH:MM, 24 hours, 00:00 to 23:59)")
        return _dt.time(int(m.group(1)), int(m.group(2)))

    def _read_text_or_lang_map(self, f: S.Field, node: yaml.Node) -> str | MappingProxyType:
        if isinstance(node, yaml.MappingNode):
            return self._lang_map(f, node)
        return _text(_scalar(node, "text or a mapping of language code to text", f.name), f.name)

    def _slug(self, value: str, name: str) -> str:
        value = value.strip()
        if not _SLUG_RE.match(value):
            raise _Invalid(f"'{name}' '{value}' is not a valid id (use lowercase letters, digits and hyphens)")
        return value

    def _lang(self, value: str, name: str) -> str:
        value = value.strip()
        if not _LANG_RE.match(value):
            raise _Invalid(f"'{name}' '{value}' is not a language code (such as en, ja, pt-BR)")
        if not is_known_language(value):  # validated once, here: later steps rely on Babel knowing it
            raise _Invalid(f"'{name}' {unknown_language_message(value)}")
        return value

    def _date(self, value: str, f: S.Field) -> PartialDate:
        value = value.strip()
        full = f.kind == S.FULL_DATE
        hint = "use YYYY-MM-DD" if full else "use YYYY, YYYY-MM or YYYY-MM-DD"
        try:
            date = PartialDate.parse(value)
        except ValueError:
            raise _Invalid(f"{f.name} '{value}' is not a valid date ({hint})") from None
        if full and date.precision != "day":
            raise _Invalid(f"{f.name} '{value}' is not a valid date ({hint})")
        return date

    def _unknown_choice(self, f: S.Field, value: str) -> str:
        close = difflib.get_close_matches(value, f.choices, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown {f.name.rstrip('s')} '{value}'{hint}; known: {', '.join(f.choices)}"

    def _list(self, f: S.Field, node: yaml.Node) -> tuple:
        if not isinstance(node, yaml.SequenceNode):
            raise _Invalid(f"'{f.name}' must be a list, not {_describe(node)}")
        if len(node.value) < f.min_items:
            raise _Invalid(f"'{f.name}' is empty; name at least {f.min_items}")
        items = []
        for item in node.value:
            try:
                if f.kind == S.TEXT_LIST:
                    value = _text(_scalar(item, "text", f.name), f.name)
                    if not value:
                        raise _Invalid(f"'{f.name}' has an empty item")
                elif f.kind == S.NAME_LIST:
                    value = self._name(item, f.name)
                elif f.kind == S.SLUG_LIST:
                    value = self._slug(_scalar(item, "an id", f.name), f.name)
                elif f.kind == S.LANG_LIST:
                    value = self._lang(_scalar(item, "a language code", f.name), f.name)
                else:
                    value = _scalar(item, "a name", f.name).strip()
                    if value not in f.choices:
                        raise _Invalid(self._unknown_choice(f, value))
            except _Invalid as exc:
                self.reporter.error(f"{self.label()}: {exc}", _loc(self.file, item))
                continue
            if value in items:
                self.reporter.warning(f"{self.label()}: '{value}' is listed twice in '{f.name}'", _loc(self.file, item))
                continue
            items.append(value)
        return tuple(items)

    def _name(self, node: yaml.Node, name: str) -> Name:
        # A name as one string ("Naoko Obi"), or in parts: {family: Iwasaki, given: Atsuko},
        # shown in the order the parts are written.
        if not isinstance(node, yaml.MappingNode):
            value = _text(_scalar(node, "a name", name), name)
            if not value:
                raise _Invalid(f"'{name}' has an empty item")
            return Name(value)
        parts: dict[str, str] = {}
        for key, value in node.value:
            part = _scalar(key, "a part of a name", name)
            if part not in ("family", "given"):
                raise _Invalid(f"a name in '{name}' has the part '{part}'; a name has 'family' and 'given'")
            parts[part] = _text(_scalar(value, "text", f"{name}.{part}"), f"{name}.{part}")
        if not parts.get("family"):
            raise _Invalid(f"a name in '{name}' needs 'family' (write a name of one part as text)")
        return Name.from_parts(parts["family"], parts.get("given", ""), family_first=next(iter(parts)) == "family")

    def _lang_map(self, f: S.Field, node: yaml.Node) -> MappingProxyType:
        if not isinstance(node, yaml.MappingNode):
            raise _Invalid(f"'{f.name}' must be a mapping of language code to text, not {_describe(node)}")
        result: dict[str, str] = {}
        for key, value in node.value:
            try:
                lang = self._lang(_scalar(key, "a language code"), f.name)
                text = _text(_scalar(value, "text", f.name), f.name)
                if not text:
                    raise _Invalid(f"'{f.name}.{lang}' is empty")
            except _Invalid as exc:
                self.reporter.error(f"{self.label()}: {exc}", _loc(self.file, value))
                continue
            result[lang] = text
        return MappingProxyType(result)

    _BY_KIND: ClassVar[dict[str, Callable[[_FieldReader, S.Field, yaml.Node], Any]]] = {
        S.TEXT: _read_text,
        S.OPTIONAL_TEXT: _read_text,
        S.SLUG: _read_slug,
        S.LANG: _read_lang,
        S.DATE: _read_date,
        S.FULL_DATE: _read_date,
        S.URL: _read_url,
        S.EMAIL: _read_email,
        S.PHONE: _read_phone,
        S.INT: _read_int,
        S.BOOL: _read_bool,
        S.CHOICE: _read_choice,
        S.TEXT_LIST: _list,
        S.NAME_LIST: _list,
        S.SLUG_LIST: _list,
        S.LANG_LIST: _list,
        S.CHOICE_LIST: _list,
        S.TIME: _read_time,
        S.LANG_MAP: _lang_map,
        S.TEXT_OR_LANG_MAP: _read_text_or_lang_map,
    }


def read_record(
    node: yaml.Node,
    record: S.Record,
    file: str,
    reporter: Reporter,
    label: str | None = None,
) -> tuple[dict[str, Any], dict[str, Location]] | None:
    """Read a mapping against a Record schema. Returns (values, locations) or None if unusable."""
    entry_loc = _loc(file, node)
    if not isinstance(node, yaml.MappingNode):
        reporter.error(f"each {record.name} must be a mapping of fields, not {_describe(node)}", entry_loc)
        return None
    entry = _Entry(record, file, reporter, label or _entry_label(node, record, entry_loc), {"": entry_loc})
    for key, value in node.value:
        f = _declared_field(entry, key)
        if f is not None:
            _read_value(entry, f, value)
    for f in record.fields:
        if f.required and f.name not in entry.seen:
            reporter.error(f"{entry.label}: missing required field '{f.name}'", entry_loc)
    return entry.values, entry.locations


@dataclasses.dataclass
class _Entry:
    """One mapping being read against its Record: what it has given so far, and where."""

    record: S.Record
    file: str
    reporter: Reporter
    label: str  # how every message names the entry: "organisation 'x'", "reading at line 12"
    locations: dict[str, Location]  # field name -> where its value is ("": the entry itself)
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    seen: set[str] = dataclasses.field(default_factory=set)  # the fields named, even when invalid

    def __post_init__(self) -> None:
        self.reader = _FieldReader(self.file, self.reporter, lambda: self.label)


def _entry_label(node: yaml.MappingNode, record: S.Record, entry_loc: Location) -> str:
    """The entry named by its id, found first so every message can name it; else by its line."""
    entry_id = None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode):
            entry_id = value.value.strip() or None
    return f"{record.name} '{entry_id}'" if entry_id else f"{record.name} at line {entry_loc.line}"


def _declared_field(entry: _Entry, key: yaml.Node) -> S.Field | None:
    """The field ``key`` names; None (reported) when it is not plain text, unknown or repeated."""
    key_loc = _loc(entry.file, key)
    if not isinstance(key, yaml.ScalarNode):
        entry.reporter.error(f"{entry.label}: a field name must be plain text", key_loc)
        return None
    name = key.value
    f = entry.record.field(name)
    if f is None:
        close = difflib.get_close_matches(name, entry.record.names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; known fields: {', '.join(entry.record.names)}"
        entry.reporter.error(f"{entry.label}: unknown field '{name}'{hint}", key_loc)
        return None
    if name in entry.seen:
        entry.reporter.error(f"{entry.label}: field '{name}' is given twice", key_loc)
        return None
    entry.seen.add(name)
    return f


def _read_value(entry: _Entry, f: S.Field, value: yaml.Node) -> None:
    """The value of field ``f`` into ``entry.values``; a problem is reported at the value."""
    name, file, reporter = f.name, entry.file, entry.reporter
    value_loc = _loc(file, value)
    entry.locations[name] = value_loc
    if _is_null(value):
        if f.required:
            reporter.error(f"{entry.label}: '{name}' is empty", value_loc)
        return
    try:
        if f.kind == S.RECORD:
            sub = read_record(value, f.nested, file, reporter, label=f"{entry.label}: {name}")
            if sub is not None:
                entry.values[name] = sub
        elif f.kind == S.RECORD_LIST:
            # A line of opening hours is named by its organisation ("organisation 'x': hours").
            item_label = f"{entry.label}: {name}" if f.nested is S.OPENING else None
            entry.values[name] = _read_record_list(value, f.nested, file, reporter, item_label)
        else:
            entry.values[name] = entry.reader.read(f, value)
    except _Invalid as exc:
        reporter.error(f"{entry.label}: {exc}", value_loc)


def _read_record_list(
    node: yaml.Node, record: S.Record, file: str, reporter: Reporter, label: str | None = None
) -> list:
    if not isinstance(node, yaml.SequenceNode):
        raise _Invalid(f"must be a list of {record.name}s, not {_describe(node)}")
    if len(node.value) > S.MAX_ENTRIES:
        raise _Invalid(f"has {len(node.value):,} {record.name}s; the limit is {S.MAX_ENTRIES:,}")
    result = []
    for item in node.value:
        read = read_record(item, record, file, reporter, label)
        if read is not None:
            result.append(read)
    return result


# --------------------------------------------------------------------------- model


def _build(cls, values: dict[str, Any], locations: dict[str, Location], **extra):
    return cls(**values, **extra, locations=MappingProxyType(locations))


def _entries(root: Path, rel: str, record: S.Record, cls, reporter: Reporter) -> list:
    node = load_file(root, rel, reporter)
    if node is None:
        if (root / rel).is_file() and not reporter.has_errors_in(rel):
            reporter.error(f"the file is empty; write [] for no {record.name}s", Location(rel, 1, 1))
        return []
    try:
        items = _read_record_list(node, record, rel, reporter)
    except _Invalid as exc:
        reporter.error(f"the file {exc}", _loc(rel, node))
        return []
    for values, _ in items:
        if "sources" in values:
            sources = []
            for v, locs in values["sources"]:
                if v.get("url") or v.get("document"):
                    sources.append(_build(Source, v, locs))
                else:
                    reporter.error(
                        "a source needs 'url' (the page) or 'document' (what else it is)", locs.get("") or Location(rel)
                    )
            values["sources"] = tuple(sources)
        if "hours" in values:
            values["hours"] = _opening_hours(values["hours"], values.get("id"), rel, reporter)
    return [_build(cls, v, locs) for v, locs in items if "id" in v and _has_required(record, v)]


def _opening_hours(items: list, entry_id: str | None, rel: str, reporter: Reporter) -> tuple[OpeningHours, ...]:
    """The lines of ``hours`` that are whole and close after they open (the others reported)."""
    hours = []
    for values, locations in items:
        if not _has_required(S.OPENING, values):
            continue
        if values["closes"] <= values["opens"]:
            reporter.error(
                f"organisation '{entry_id}': hours close at {values['closes']:%H:%M}, not after they open at "
                f"{values['opens']:%H:%M}; hours past midnight are two lines (until 23:59, from 00:00)",
                locations.get("closes") or Location(rel),
            )
            continue
        hours.append(_build(OpeningHours, values, locations))
    return tuple(hours)


def _has_required(record: S.Record, values: dict) -> bool:
    return all(f.name in values for f in record.fields if f.required)


def _selection(cls, read):
    if read is None:
        return cls()
    values, locations = read
    return cls(**values, locations=MappingProxyType(locations))


def load_publication(root: Path, reporter: Reporter) -> Publication | None:
    rel = S.PUBLICATION_FILE
    node = load_file(root, rel, reporter)
    if node is None:
        if (root / rel).is_file() and not reporter.has_errors_in(rel):
            reporter.error("the file is empty; it needs at least title, languages and sections", Location(rel, 1, 1))
        return None
    read = read_record(node, S.PUBLICATION, rel, reporter, label="publication")
    if read is None:
        return None
    values, locations = read
    if not _has_required(S.PUBLICATION, values):
        return None
    values["sections"] = tuple(
        _build(Section, v, locs) for v, locs in values["sections"] if _has_required(S.SECTION, v)
    )
    values["topics"] = tuple(
        _build(Topic, v, locs) for v, locs in values.get("topics", []) if _has_required(S.TOPIC, v)
    )
    handouts = []
    for v, locs in values.get("handouts", []):
        if not _has_required(S.HANDOUT, v):
            continue
        v["organisations"] = _selection(OrganisationSelection, v.get("organisations"))
        v["readings"] = _selection(ReadingSelection, v.get("readings"))
        handouts.append(_build(Handout, v, locs))
    values["handouts"] = tuple(handouts)
    return _build(Publication, values, locations)


def load_furigana(root: Path, reporter: Reporter) -> MappingProxyType:
    """The project's reading dictionary (optional): {surface with kanji: reading in kana}."""
    rel = S.FURIGANA_FILE
    if not (root / rel).is_file():
        return MappingProxyType({})
    node = load_file(root, rel, reporter)
    if node is None or _is_null(node):
        return MappingProxyType({})
    if not isinstance(node, yaml.MappingNode):
        reporter.error(
            f"the reading dictionary must be a mapping of word to reading, not {_describe(node)}", _loc(rel, node)
        )
        return MappingProxyType({})
    words: dict[str, str] = {}
    for key, value in node.value:
        try:
            surface = _scalar(key, "a word").strip()
            reading = _scalar(value, "a reading", surface).strip()
        except _Invalid as exc:
            reporter.error(str(exc), _loc(rel, key))
            continue
        if not has_kanji(surface):
            reporter.error(
                f"'{surface}' has no kanji; the dictionary gives readings of words written in kanji", _loc(rel, key)
            )
        elif not is_kana(reading):
            reporter.error(
                f"the reading of '{surface}', '{reading}', must be hiragana or katakana only", _loc(rel, value)
            )
        elif surface in words:
            reporter.error(f"'{surface}' is listed twice", _loc(rel, key))
        else:
            words[surface] = reading
    return MappingProxyType(words)


def load_content(root: Path, reporter: Reporter) -> Content | None:
    """Load ``content/`` into the model. Problems go to ``reporter``; None if nothing usable."""
    publication = load_publication(root, reporter)
    readings = _entries(root, S.READINGS_FILE, S.READING, Reading, reporter)
    organisations = _entries(root, S.ORGANISATIONS_FILE, S.ORGANISATION, Organisation, reporter)
    furigana = load_furigana(root, reporter)
    if publication is None:
        return None
    publication = dataclasses.replace(publication, furigana_words=furigana)
    return Content(publication, tuple(readings), tuple(organisations))
