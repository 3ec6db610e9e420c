"""Reading and writing PO/POT files the way gettext tools expect them.

Babel parses (it is the reference Python reader); refpub writes. Writing ourselves keeps three
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

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileParser, denormalize, normalize

from ..fsio import atomic_write_bytes
from ..reproducible import source_datetime

WIDTH = 76  # the width xgettext and msgmerge use, so Poedit's re-save changes little
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
    # The text as read, to point diagnostics at a msgstr line.
    lines: list[str] = field(default_factory=list, repr=False)

    def msgstr_line(self, message: Message) -> int:
        """The line of the message's (first) msgstr, or of its msgid if not found."""
        start = (message.lineno or 1) - 1
        for i in range(start, min(start + 200, len(self.lines))):
            if self.lines[i].startswith("msgstr"):
                return i + 1
        return message.lineno or 0

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


def is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return bool(strings) and all(strings)


# --------------------------------------------------------------------------- reading


class _Parser(PoFileParser):
    """Babel's parser, collecting problems with their lines instead of printing them."""

    def __init__(self, catalog: Catalog):
        super().__init__(catalog, ignore_obsolete=False, abort_invalid=False)
        self.problems: list[tuple[int, str]] = []
        self.raw_header: str | None = None

    def _add_message(self) -> None:
        if (
            not self.obsolete
            and len(self.messages) == 1
            and not self.context
            and self.messages[0].denormalize() == ""
            and self.translations
        ):
            self.raw_header = self.translations[0][1].denormalize()
        super()._add_message()

    def _invalid_pofile(self, line, lineno, msg) -> None:
        self.problems.append((lineno + 1, msg))


def _parse_header(raw: str) -> list[tuple[str, str]]:
    fields = []
    for line in raw.split("\n"):
        if ":" in line:
            key, _, value = line.partition(":")
            fields.append((key.strip(), value.strip()))
    return fields


def _restore_previous(message: Message) -> None:
    # Babel reads "#| msgid ..." lines as translator comments; turn them back into previous_id.
    kept, previous, current = [], {}, None
    for comment in message.user_comments:
        if comment.startswith("|"):
            body = comment[1:].strip()
            keyword, _, rest = body.partition(" ")
            if keyword in ("msgid", "msgid_plural", "msgctxt") and rest.startswith('"'):
                current = keyword
                previous[current] = [rest]
            elif body.startswith('"') and current:
                previous[current].append(body)
            continue
        kept.append(comment)
    message.user_comments = kept
    if "msgid" in previous:
        try:
            ids = [denormalize("\n".join(previous["msgid"]))]
            if "msgid_plural" in previous:
                ids.append(denormalize("\n".join(previous["msgid_plural"])))
            message.previous_id = ids
        except (ValueError, IndexError):
            message.previous_id = []


def parse_po(data: bytes) -> PoFile:
    """Parse PO text. Never raises for bad syntax: problems are listed with their lines."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    catalog = Catalog(locale=None, fuzzy=False)
    parser = _Parser(catalog)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return PoFile(problems=[(line, "the file is not valid UTF-8; save it as UTF-8")])
    lines = text.splitlines()
    try:
        parser.parse(lines)
    except (ValueError, IndexError) as exc:  # Babel gives up on some malformed input
        parser.problems.append((parser.offset + 1, f"cannot read this message ({exc})"))
    po = PoFile(problems=parser.problems, lines=lines)
    if parser.raw_header is not None:
        po.header = _parse_header(parser.raw_header)
    po.header_comments = _header_comments(lines)
    for message in list(catalog)[1:]:
        _restore_previous(message)
        po.messages.append(message)
    for message in catalog.obsolete.values():
        _restore_previous(message)
        message.previous_id = []
        po.obsolete.append(message)
    return po


def _header_comments(lines: list[str]) -> list[str]:
    # The translator comments above the header entry, as written (without "# ").
    comments = []
    for line in lines:
        if line.startswith("msgid") or line.startswith("msgctxt"):
            break
        if line.startswith("#") and not line.startswith(("#,", "#.", "#:", "#|", "#~")):
            comments.append(line[2:] if line.startswith("# ") else line[1:])
    return comments


def read_po(path: Path) -> PoFile:
    return parse_po(path.read_bytes())


# --------------------------------------------------------------------------- writing


_comment_wrapper = TextWrapper(width=WIDTH, break_long_words=False, break_on_hyphens=False)


def _comment_lines(comments, prefix: str) -> list[str]:
    out = []
    for comment in comments:
        if prefix == "#:":
            wrapped = _comment_wrapper.wrap(comment) or [""]
        else:
            wrapped = comment.split("\n")  # translators' line breaks are theirs
        out.extend(f"{prefix} {line}".rstrip() for line in wrapped)
    return out


def _string(keyword: str, value: str, prefix: str = "") -> str:
    return f"{prefix}{keyword} {normalize(value, prefix=prefix, width=WIDTH)}"


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
        lines.append(_string("msgid", message.id, prefix))
        lines.append(_string("msgstr", message.string or "", prefix))
    return lines


def render_po(po: PoFile) -> str:
    """PO text for ``po``: header, messages in their order, then obsolete ones as ``#~``."""
    nplurals = po.num_plurals or 2
    out: list[str] = [f"# {c}".rstrip() for c in po.header_comments]
    out.append('msgid ""')
    out.append('msgstr ""')
    out.extend('"' + f"{key}: {value}\\n".replace('"', '\\"') + '"' for key, value in po.header)
    out.append("")
    for m in po.messages:
        out.extend(_comment_lines(m.user_comments, "#"))
        out.extend(_comment_lines(m.auto_comments, "#."))
        locations = []
        for filename, lineno in m.locations:
            loc = f"{filename}:{lineno}" if lineno else filename
            if loc not in locations:
                locations.append(loc)
        if locations:
            out.extend(_comment_lines([" ".join(locations)], "#:"))
        flags = sorted(m.flags, key=lambda f: (f != "fuzzy", f))
        if flags:
            out.append("#, " + ", ".join(flags))
        if m.previous_id and "fuzzy" in m.flags:
            prev = list(m.previous_id)
            out.append(_string("msgid", prev[0], "#| "))
            if len(prev) > 1 and isinstance(m.id, (list, tuple)):
                out.append(_string("msgid_plural", prev[1], "#| "))
        out.extend(_message_lines(m, nplurals))
        out.append("")
    for m in po.obsolete:
        out.extend(_comment_lines(m.user_comments, "#"))
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


def write_po(path: Path, po: PoFile, *, keep_dates_if_unchanged: bool = True) -> bool:
    """Write ``po`` to ``path`` unless only its dates would change. True if the file changed."""
    text = render_po(po)
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
