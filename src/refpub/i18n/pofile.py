"""Reading and writing PO/POT files the way gettext tools expect them.

refpub reads strictly (below) into Babel's messages, and writes. Writing ourselves keeps three
things right that matter to translators and to ``msgfmt --check``: previous msgids (``#|``) stay
valid PO syntax, unknown header fields written by Poedit or Weblate survive an update, and output
is byte-for-byte stable, so re-running a command on unchanged input changes no file.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import TextWrapper

from babel.messages.catalog import Message

from ..building.clock import source_datetime
from ..building.fsio import atomic_write_bytes
from ..content.schema import CATALOG_REFERENCES, MAX_FILE_BYTES, MAX_TEXT_CHARS
from .wrap import PAGE_WIDTH, gnu_string

DATE_FORMAT = "%Y-%m-%d %H:%M+0000"


@dataclass
class PoFile:
    """One catalog as written on disk: header, messages in order, obsolete messages."""

    header: list[tuple[str, str]] = field(default_factory=list)
    header_comments: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    obsolete: list[Message] = field(default_factory=list)
    # Syntax problems found while reading: (1-based line, message).
    problems: list[tuple[int, str]] = field(default_factory=list)
    # Why the file as a whole was not read (too large, unreadable): then it has no messages.
    file_problem: str | None = None
    # What the header says that refpub cannot use (a charset other than UTF-8): (line, message).
    header_problems: list[tuple[int, str]] = field(default_factory=list)
    header_flags: list[str] = field(default_factory=list)  # "#, fuzzy" on the header entry
    header_seen: bool = False
    # The text as read, to point diagnostics at a msgstr line.
    lines: list[str] = field(default_factory=list, repr=False)

    def msgstr_line(self, message: Message) -> int:
        """The line of the message's (first) msgstr, or of its msgid if not found."""
        start = (message.lineno or 1) - 1
        for i in range(start, min(start + 200, len(self.lines))):
            if self.lines[i].startswith("msgstr"):
                return i + 1
        return message.lineno or 0

    def all_problems(self) -> list[tuple[int, str]]:
        """Every reason not to trust what was read, as (line, message), in the order of lines:
        the whole file's, the header's, then the syntax problems (``syntax: …``)."""
        if self.file_problem:
            return [(0, self.file_problem)]
        syntax = [(line, f"syntax: {problem}") for line, problem in self.problems]
        return sorted(self.header_problems + syntax)

    def header_line(self, name: str) -> int:
        """The line of the header field ``name`` (``"Plural-Forms: …\\n"``), or 1."""
        prefix = f'"{name.lower()}:'
        for i, line in enumerate(self.lines):
            if line.lstrip().lower().startswith(prefix):
                return i + 1
            if i > 200:
                break
        return 1

    def header_value(self, name: str) -> str | None:
        for key, value in self.header:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        for i, (key, _) in enumerate(self.header):
            if key.lower() == name.lower():
                self.header[i] = (key, value)
                return
        self.header.append((name, value))

    @property
    def num_plurals(self) -> int | None:
        forms = self.header_value("Plural-Forms") or ""
        m = re.search(r"nplurals\s*=\s*(\d+)", forms)
        return int(m.group(1)) if m else None

    def index(self) -> dict[tuple[str | None, str], Message]:
        return {message_key(m): m for m in self.messages}


def message_key(message: Message) -> tuple[str | None, str]:
    """(msgctxt, msgid) with the singular msgid for plural messages."""
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return (message.context, msgid)


# Babel's Message keeps the previous msgid (``#| msgid``) but has no field for the previous
# msgctxt, which gettext writes as ``#| msgctxt`` when a renamed entry's translation turns fuzzy.
# refpub keeps it as an attribute of the message, read and written through these two functions.
_PREVIOUS_CONTEXT = "previous_context"


def previous_context(message: Message) -> str | None:
    """The msgctxt the (fuzzy) translation was made for, when it differs from the current one."""
    return getattr(message, _PREVIOUS_CONTEXT, None)


def set_previous_context(message: Message, context: str | None) -> None:
    setattr(message, _PREVIOUS_CONTEXT, context)


def is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return bool(strings) and all(strings)


# --------------------------------------------------------------------------- reading
#
# One strict reader for every command (check, update, build, status, doctor). It accepts what
# GNU msgfmt accepts and nothing else: a line it cannot read exactly is an error with its line
# number, and the entry it belongs to is left out whole, so a damaged file can never yield a
# different translation (update then refuses to write it; build and check report it).

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "?": "?",
}
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"]|$)")


_FLAG_WORDS = re.compile(r"(?:fuzzy|(?:no-)?[a-z+-]+-format)(?:\s*,\s*(?:fuzzy|(?:no-)?[a-z+-]+-format))*")


# The flags GNU gettext defines (a misspelt "fuzzy" would publish a translation under review).
_FLAG = re.compile(r"fuzzy|(?:no-|possible-)?[a-z0-9+-]+-format|no-wrap|wrap|range: *\d+\.\.\d+")
_STRAY = "\"'#;.,:|~ "  # what a slip of the keyboard leaves between '#' and a flag


class _Syntax(ValueError):
    """A line that is not PO syntax; the message says what is wrong."""


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body  # most strings: nothing to undo
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]  # the pattern guarantees a character after a backslash
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i + 1 :]).group(0)  # type: ignore[union-attr]  # nxt is one
            out.append(chr(int(digits, 8)))
            i += 1 + len(digits)
        elif nxt == "x" and re.match(r"[0-9A-Fa-f]", body[i + 2 : i + 3]):
            digits = re.match(r"[0-9A-Fa-f]+", body[i + 2 :]).group(0)  # type: ignore[union-attr]  # checked above
            out.append(chr(int(digits, 16)))
            i += 2 + len(digits)
        else:
            raise _Syntax(f"invalid escape sequence '\\{nxt}' in a string (write '\\\\' for a backslash)")
    return "".join(out)


def _string_token(text: str) -> str:
    """The value of a quoted string that must make up all of ``text`` (whitespace aside)."""
    text = text.strip()
    if not text.startswith('"'):
        raise _Syntax(f"expected a string in double quotes, found {text[:20]!r}" if text else "a string is missing")
    m = _STRING.match(text)
    if not m:
        raise _Syntax('the string has no closing double quote (a quote inside a string is written \\")')
    rest = text[m.end() :].strip()
    if rest:
        raise _Syntax(
            f"unexpected text {rest[:20]!r} after the string's closing quote (a quote inside a string is written \\\")"
        )
    return _unescape(m.group(1))


@dataclass
class _Entry:
    """An entry being read: its fields, in the order GNU gettext allows."""

    line: int
    obsolete: bool = False
    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)  # keyword -> string pieces
    order: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # keyword -> the line it starts on
    broken: bool = False
    last: str | None = None  # the keyword whose strings continue on the next line
    last_previous: str | None = None

    @property
    def has_strings(self) -> bool:
        return bool(self.order)

    @property
    def has_translation(self) -> bool:
        return any(k.startswith("msgstr") for k in self.order)


def _references(text: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for ref in text.split():
        name, sep, line = ref.rpartition(":")
        if sep and line.isdigit():
            out.append((name, int(line)))
        else:
            out.append((ref, None))
    return out


class _Reader:
    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self.entries: list[_Entry] = []
        self.entry: _Entry | None = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))
        if self.entry is not None:
            self.entry.broken = True

    def finish(self) -> None:
        if self.entry is not None and (self.entry.has_strings or self.entry.broken):
            self.entries.append(self.entry)
        self.entry = None  # comments followed by no entry (at the end of a file) are dropped

    def _entry_for(self, number: int, obsolete: bool, keyword: str | None = None) -> _Entry:
        """The entry a line belongs to, starting a new one where the previous has ended."""
        entry = self.entry
        if entry is None:
            entry = self.entry = _Entry(number, obsolete)
            return entry
        ends = False
        if entry.has_strings:
            if keyword is None:  # a comment after strings
                ends = True
            elif entry.obsolete != obsolete:
                ends = True
            elif keyword == "msgctxt" or (keyword == "msgid" and entry.order[-1] != "msgctxt"):
                ends = True
                if not entry.has_translation:
                    self.problem(number, f"{keyword} where a msgstr was expected: the entry above has no msgstr")
        if ends:
            self.finish()
            entry = self.entry = _Entry(number, obsolete)
        elif not entry.has_strings:
            entry.obsolete = obsolete
        return entry

    def read(self, lines: list[str]) -> None:
        for number, raw in enumerate(lines, start=1):
            try:
                self._line(number, raw)
            except _Syntax as exc:
                self.problem(number, str(exc))
        self.finish()

    def _line(self, number: int, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            self.finish()
            return
        obsolete = False
        if stripped.startswith("#~"):
            obsolete = True
            stripped = stripped[2:].lstrip()
            if not stripped:
                return
            if stripped.startswith("|"):
                self._previous(number, stripped[1:].strip(), obsolete=True)
                return
        elif stripped.startswith("#"):
            self._comment(number, stripped)
            return
        self._keyword_or_string(number, stripped, obsolete)

    def _comment(self, number: int, text: str) -> None:
        kind = text[1:2]
        if kind == "|":
            self._previous(number, text[2:].strip(), obsolete=False)
            return
        entry = self._entry_for(number, obsolete=False)
        body = text[2:].strip() if kind in (".", ":", ",") else text[1:]
        if kind == ".":
            entry.extracted.append(body)
        elif kind == ":":
            entry.references.append(body)
        elif kind == ",":
            for flag in (f.strip() for f in body.split(",")):
                if not _FLAG.fullmatch(flag):
                    raise _Syntax(f"{flag!r} is not a flag gettext knows (such as fuzzy or python-format)")
                entry.flags.append(flag)
        else:
            comment = body[1:] if body.startswith(" ") else body
            flags = comment.strip().lstrip(_STRAY)
            if _FLAG_WORDS.fullmatch(flags):
                # "# fuzzy" is a flags line that lost its comma: read as a comment, a fuzzy
                # translation would be published as finished.
                raise _Syntax(f"'#{body}' looks like a flags line without its comma; write '#, {flags}'")
            entry.translator.append(comment)

    def _previous(self, number: int, text: str, obsolete: bool) -> None:
        entry = self._entry_for(number, obsolete)
        m = _KEYWORD.match(text)
        if m and m.group(1) in ("msgctxt", "msgid", "msgid_plural"):
            entry.last_previous = m.group(1)
            entry.previous[m.group(1)] = [_string_token(text[m.end() :])]
        elif text.startswith('"') and entry.last_previous:
            entry.previous[entry.last_previous].append(_string_token(text))
        else:
            raise _Syntax("a '#|' line holds the previous msgctxt, msgid or msgid_plural and their strings")

    def _keyword_or_string(self, number: int, text: str, obsolete: bool) -> None:
        if text.startswith('"'):
            entry = self.entry
            if entry is None or entry.last is None or entry.obsolete != obsolete:
                raise _Syntax("a string with no msgid, msgstr or msgctxt before it")
            entry.fields[entry.last].append(_string_token(text))
            return
        m = _KEYWORD.match(text)
        if not m:
            word = text.split()[0] if text.split() else text
            raise _Syntax(f"unexpected text {word[:20]!r}: expected msgctxt, msgid, msgstr, a string or a comment")
        keyword = m.group(1)
        entry = self._entry_for(number, obsolete, keyword)
        if keyword in entry.fields:
            raise _Syntax(f"{keyword} appears twice in one entry")
        expected = {"msgctxt": (), "msgid": ("msgctxt",), "msgid_plural": ("msgid",)}
        if keyword in expected and entry.order and entry.order[-1] not in expected[keyword]:
            raise _Syntax(f"{keyword} is out of place (the order is msgctxt, msgid, msgid_plural, msgstr)")
        if keyword.startswith("msgstr") and "msgid" not in entry.fields:
            raise _Syntax("msgstr with no msgid before it")
        entry.fields[keyword] = [_string_token(text[m.end() :])]
        entry.lines[keyword] = number
        entry.order.append(keyword)
        entry.last = keyword


def _to_message(entry: _Entry) -> Message | str:
    """The Babel message of an entry read without error, or what is wrong with it."""
    value = {k: "".join(v) for k, v in entry.fields.items()}
    if "msgid" not in value:
        return "an entry without msgid"
    plural = "msgid_plural" in value
    indexed = sorted(int(k[7:-1]) for k in value if k.startswith("msgstr["))
    strings: str | tuple[str, ...]
    msgid: str | tuple[str, str]
    if plural:
        if "msgstr" in value:
            return "a plural entry (msgid_plural) needs msgstr[0], msgstr[1], …, not msgstr"
        if not indexed or indexed != list(range(len(indexed))):
            return "a plural entry needs msgstr[0], msgstr[1], … numbered from 0 without gaps"
        strings = tuple(value[f"msgstr[{i}]"] for i in indexed)
        msgid = (value["msgid"], value["msgid_plural"])
    else:
        if indexed:
            return "msgstr[N] belongs to a plural entry (with msgid_plural)"
        if "msgstr" not in value:
            return "the entry has no msgstr"
        strings, msgid = value["msgstr"], value["msgid"]
    locations = [loc for ref in entry.references for loc in _references(ref)]
    message = Message(
        msgid,
        strings,
        # Babel annotates locations as (file, int), but its own PO reader, like this one, keeps a
        # reference without a line number as (file, None); _references_line writes both.
        locations=locations,  # type: ignore[arg-type]
        flags=entry.flags,
        auto_comments=entry.extracted,
        user_comments=entry.translator,
        context=value.get("msgctxt"),
        lineno=entry.line,
    )
    previous = {k: "".join(v) for k, v in entry.previous.items()}
    message.previous_id = (
        [previous["msgid"], previous["msgid_plural"]]
        if "msgid_plural" in previous and "msgid" in previous
        else [previous["msgid"]]
        if "msgid" in previous
        else []
    )
    set_previous_context(message, previous.get("msgctxt"))
    return message


def _parse_header(raw: str) -> list[tuple[str, str]]:
    fields = []
    for line in raw.split("\n"):
        if ":" in line:
            key, _, value = line.partition(":")
            fields.append((key.strip(), value.strip()))
    return fields


def parse_po(data: bytes) -> PoFile:
    """Parse PO text strictly. Never raises for bad syntax: problems are listed with their
    lines, and an entry with a problem is left out whole (never read differently)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark (some Windows editors): harmless, ignored
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return PoFile(problems=[(line, "the file is not valid UTF-8; save it as UTF-8")])
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    reader = _Reader()
    reader.read([line.rstrip("\r") for line in lines])
    po = PoFile(problems=reader.problems, lines=lines)
    seen: dict[tuple[bool, str | None, str], int] = {}
    for entry in reader.entries:
        if entry.broken:
            continue
        too_long = next((k for k, v in entry.fields.items() if sum(map(len, v)) > MAX_STRING_CHARS), None)
        if too_long:  # left out whole, like an entry with a syntax error
            length = sum(map(len, entry.fields[too_long]))
            po.problems.append(
                (entry.lines[too_long], f"the {too_long} has {length:,} characters; the limit is {MAX_STRING_CHARS:,}")
            )
            continue
        message = _to_message(entry)
        if isinstance(message, str):
            po.problems.append((entry.line, message))
            continue
        key = (entry.obsolete, *message_key(message))
        if key in seen:
            po.problems.append((entry.line, f"duplicate message: the same msgctxt and msgid as line {seen[key]}"))
            continue
        seen[key] = entry.line
        if not entry.obsolete and message.id == "" and message.context is None and not po.header_seen:
            po.header = _parse_header(message.string if isinstance(message.string, str) else "")
            po.header_comments = list(message.user_comments)
            po.header_flags = list(dict.fromkeys(entry.flags))  # as written (message.flags is a set)
            po.header_seen = True
            charset = charset_problem(po)
            if charset:
                po.header_problems.append(charset)
            continue
        (po.obsolete if entry.obsolete else po.messages).append(message)
    po.problems.sort()
    return po


# Limits like those of content files (content/schema.py), checked before a catalog is parsed: a catalog
# holds each content string twice (msgid and msgstr) with its context and comments.
MAX_CATALOG_BYTES = 4 * MAX_FILE_BYTES
MAX_STRING_CHARS = MAX_TEXT_CHARS


def read_po(path: Path) -> PoFile:
    """Read a catalog, or say in ``file_problem`` why it was not read (too large, unreadable)."""
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            return PoFile(
                file_problem=f"the catalog is {size:,} bytes; the limit is {MAX_CATALOG_BYTES:,} bytes "
                "(is it really a catalog? split the content, or remove what is not needed)"
            )
        data = path.read_bytes()
    except OSError as exc:
        return PoFile(file_problem=f"cannot read the catalog ({exc.strerror or exc})")
    return parse_po(data)


# Character sets a catalog may declare: refpub reads every catalog as UTF-8 (ASCII is a part
# of it; CHARSET is the placeholder of a template).
_CHARSETS = {"utf-8", "utf8", "ascii", "us-ascii", "charset"}


def charset_problem(po: PoFile) -> tuple[int, str] | None:
    """(line, message) when the header's Content-Type declares a charset other than UTF-8."""
    content_type = po.header_value("Content-Type")
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*([^\s;]*)", content_type, re.I)
    if not m or m.group(1).lower() in _CHARSETS:
        return None
    return (
        po.header_line("Content-Type"),
        f"the header says charset={m.group(1)}; catalogs are read as UTF-8: save the file as UTF-8 "
        "and write 'Content-Type: text/plain; charset=UTF-8'",
    )


# --------------------------------------------------------------------------- writing


# "#:" references are filled to gettext's page width too, never cut inside a reference.
_comment_wrapper = TextWrapper(width=PAGE_WIDTH - len("#: "), break_long_words=False, break_on_hyphens=False)


def _comment_lines(comments, prefix: str) -> list[str]:
    out: list[str] = []
    for comment in comments:
        if prefix == "#:":
            wrapped = _comment_wrapper.wrap(comment) or [""]
        else:
            wrapped = comment.split("\n")  # translators' line breaks are theirs
        out.extend(f"{prefix} {line}".rstrip() for line in wrapped)
    return out


def _string(keyword: str, value: str, prefix: str = "") -> str:
    return "\n".join(gnu_string(keyword, value, prefix))


def _message_lines(message: Message, num_plurals: int, prefix: str = "") -> list[str]:
    lines = []
    if message.context is not None:
        lines.append(_string("msgctxt", message.context, prefix))
    if isinstance(message.id, (list, tuple)):
        lines.append(_string("msgid", message.id[0], prefix))
        lines.append(_string("msgid_plural", message.id[1], prefix))
        strings = list(message.string or ())
        count = max(num_plurals, 1)
        strings = (strings + [""] * count)[:count]
        for i, s in enumerate(strings):
            lines.append(_string(f"msgstr[{i}]", s, prefix))
    else:
        string = message.string or ""
        assert isinstance(string, str), "a message without msgid_plural has one msgstr"
        lines.append(_string("msgid", message.id, prefix))
        lines.append(_string("msgstr", string, prefix))
    return lines


REFERENCE_STYLES = CATALOG_REFERENCES


def _references_line(message: Message, references: str) -> list[str]:
    if references == "none":
        return []
    locations: list[str] = []
    for filename, lineno in message.locations:
        loc = f"{filename}:{lineno}" if lineno and references == "full" else filename
        if loc not in locations:
            locations.append(loc)
    return _comment_lines([" ".join(locations)], "#:") if locations else []


def _previous_lines(message: Message, prefix: str) -> list[str]:
    """``#|`` lines: what the source was when the (fuzzy) translation was made."""
    if "fuzzy" not in message.flags:
        return []
    lines = []
    context = previous_context(message)
    previous = list(message.previous_id or [])
    if context is not None and context != message.context:
        lines.append(_string("msgctxt", context, prefix))
    if previous:
        lines.append(_string("msgid", previous[0], prefix))
        if len(previous) > 1 and isinstance(message.id, (list, tuple)):
            lines.append(_string("msgid_plural", previous[1], prefix))
    return lines


# The order in which GNU gettext writes format flags (its format_language table).
_FORMAT_ORDER = (
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "object-pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
)


def _flag_rank(flag: str) -> tuple:
    if flag == "fuzzy":
        return (0, 0)
    if flag.endswith("-format"):
        language = flag[: -len("-format")].removeprefix("no-").removeprefix("possible-")
        if language in _FORMAT_ORDER:
            return (1, _FORMAT_ORDER.index(language))
        return (2, 0)
    if flag.startswith("range:"):
        return (3, 0)
    return (4, 0)  # wrap, no-wrap


def _flags_line(flags) -> list[str]:
    ordered = sorted(flags, key=lambda f: (_flag_rank(f), f))
    return ["#, " + ", ".join(ordered)] if ordered else []


def render_po(po: PoFile, *, references: str = "full") -> str:
    """PO text for ``po``: header, messages in their order, then obsolete ones as ``#~``, each
    with its comments, flags and previous source (``#|``), as msgmerge writes them.
    ``references``: ``full`` (file:line), ``file`` (file names only) or ``none``."""
    nplurals = po.num_plurals or 2
    out: list[str] = [f"# {c}".rstrip() for c in po.header_comments]
    out.extend(_flags_line(po.header_flags))
    out.append('msgid ""')
    out.append(_string("msgstr", "".join(f"{key}: {value}\n" for key, value in po.header)))
    out.append("")
    for m in po.messages:
        out.extend(_comment_lines(m.user_comments, "#"))
        out.extend(_comment_lines(m.auto_comments, "#."))
        out.extend(_references_line(m, references))
        out.extend(_flags_line(m.flags))
        out.extend(_previous_lines(m, "#| "))
        out.extend(_message_lines(m, nplurals))
        out.append("")
    for m in po.obsolete:
        out.extend(_comment_lines(m.user_comments, "#"))
        out.extend(_flags_line(m.flags))
        out.extend(_previous_lines(m, "#~| "))
        out.extend(_message_lines(m, nplurals, prefix="#~ "))
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


_VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*$', re.M)


def same_except_dates(a: str, b: str) -> bool:
    return _VOLATILE.sub("", a) == _VOLATILE.sub("", b)


def atomic_write(path: Path, data: str | bytes) -> None:
    """Temporary file in the same folder, then rename: never a half-written catalog."""
    atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)


def write_po(path: Path, po: PoFile, *, keep_dates_if_unchanged: bool = True, references: str = "full") -> bool:
    """Write ``po`` to ``path`` unless only its dates would change. True if the file changed."""
    text = render_po(po, references=references)
    if path.is_file():
        old = path.read_text(encoding="utf-8", errors="replace")
        if old == text or (keep_dates_if_unchanged and same_except_dates(old, text)):
            return False
    atomic_write(path, text)
    return True


def build_date() -> _dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    return source_datetime()


def format_date(date: _dt.datetime) -> str:
    return date.astimezone(_dt.timezone.utc).strftime(DATE_FORMAT)
