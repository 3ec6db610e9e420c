"""GNU gettext's line wrapping of PO strings, so that catalogs refpub writes are byte for byte
what msgcat, msgmerge and Poedit write (a desktop save or a merge then changes no line).

It follows gettext's write-po.c: a string is cut after each ``\n``; a string that needs more
than its keyword's line starts with ``""``; lines are filled greedily to 79 columns (East Asian
wide characters count two) at the break opportunities of Unicode's line breaking algorithm
(UAX #14) that occur in catalogs: after spaces and hyphens, around CJK characters except
before closing marks and small kana or after opening marks, and never inside an escape.
tests/i18n/test_format.py compares the result with msgcat on every shipped catalog.
"""

from __future__ import annotations

import unicodedata

PAGE_WIDTH = 79
_ESCAPE = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}
# UAX #14 classes that matter in catalogs: no break before closing marks and small kana, none after opening marks.
_NO_BREAK_BEFORE = set(
    "、。，．）」』】〕〉》〙〗｝］！？：；・ー～ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜%)]},.:;!?\"'’”"
)
# Classes CL, CP, EX, IS and SY: no break before them even after a space.
_CLOSING = set("、。，．）」』】〕〉》〙〗｝］！？：；)]},.:;!?/")
_BREAK_AFTER = set(".,:;/-—–")
_CL_CP = set("、。，．）」』】〕〉》〙〗｝］)]}")
_OPENING = set("（「『【〔〈《〘〖｛［([{")
_QUOTES = set("\"'‘’“”«»")
# LB16 as gettext's libunistring applies it: class CL only (")" and "]" are CP there, not in it).
_CLOSING_BRACKETS = set("）」』】〕〉》〙〗｝］}")
_NON_STARTERS = set("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶー々〻ゝゞヽヾ・")
_NO_BREAK_AFTER = set("（「『【〔〈《〘〖｛［([{\"'‘“")


def _width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(portion: str):
    """(text as written, columns, break allowed before it)."""
    out = []
    prev = None
    for i, ch in enumerate(portion):
        text = _ESCAPE.get(ch, ch)
        width = len(text) if ch in _ESCAPE else _width(ch)
        brk = False
        if prev is not None:
            if prev == " " and ch != " ":
                before = portion[:i].rstrip(" ")[-1:]  # what stands before the spaces
                brk = not (
                    ch in _CLOSING  # LB13: none before closing marks, even after spaces
                    or before in _OPENING  # LB14: none after an opening mark and spaces
                    or (before in _QUOTES and ch in _OPENING)  # LB15
                    or (before in _CLOSING_BRACKETS and ch in _NON_STARTERS)  # LB16
                )
            elif ch in _ESCAPE and prev in _CL_CP:
                brk = False  # LB25: a written escape starts with "\\" (class PR): (CL|CP) × PR
            elif (
                (_wide(prev) or _wide(ch)) and ch not in _NO_BREAK_BEFORE and prev not in _NO_BREAK_AFTER and ch != " "
            ):
                brk = True
            elif prev in _BREAK_AFTER and not ch.isdigit() and ch not in _CLOSING and ch not in " -":
                # after hyphens, dashes, slashes and infix punctuation (gettext's libunistring
                # breaks "U." / "N.-" / "sponsored"), unless a number or a closing mark follows
                brk = True
        if ch == "\n" and i == len(portion) - 1:
            brk = False  # never break just before the final \n
        out.append((text, width, brk))
        prev = ch
    return out


def _breaks(tokens, width: int, start: int) -> list[int]:
    """Indexes of tokens that start a new line (libunistring's greedy line filling)."""
    breaks = []
    last = None
    last_column = start
    piece = 0
    for i, (_, w, possible) in enumerate(tokens):
        if possible:
            if last is not None and last_column + piece > width:
                breaks.append(last)
                last_column = 0
            last = i
            last_column += piece
            piece = 0
        piece += w
    if last is not None and last_column + piece > width:
        breaks.append(last)
    return breaks


def gnu_string(keyword: str, value: str, prefix: str = "", page_width: int = PAGE_WIDTH) -> list[str]:
    """Lines for ``keyword "value"`` wrapped as GNU gettext (msgcat, msgmerge) writes them."""
    width = page_width - 1 - (len(prefix) + 1)
    portions, start = [], 0
    for i, ch in enumerate(value):
        if ch == "\n":
            portions.append(value[start : i + 1])
            start = i + 1
    if start < len(value) or not portions:
        portions.append(value[start:])
    lines = []
    first = True
    for n, portion in enumerate(portions):
        tokens = _tokens(portion)
        if first:
            startcol = len(keyword) + 1
            breaks = _breaks(tokens, width, startcol)
            if tokens and (n + 1 < len(portions) or startcol > width or breaks):
                lines.append(f'{prefix}{keyword} ""')
                first = False
        if not first:
            breaks = _breaks(tokens, width, 0)
        pieces, begin = [], 0
        for b in breaks:
            pieces.append(tokens[begin:b])
            begin = b
        pieces.append(tokens[begin:])
        for piece in pieces:
            text = "".join(t for t, _, _ in piece)
            lines.append(f'{prefix}{keyword} "{text}"' if first else f'{prefix}"{text}"')
            first = False
    return lines
