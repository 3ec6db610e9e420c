"""Space between Japanese and Latin letters or digits, for renderers that cannot make it.

JLReq (3.2.x) and CSS ``text-autospace: normal`` set about a quarter em between a kanji or kana
and a Latin letter or a digit that touches it (東京 UNHCR, 2024 年). WeasyPrint has no
``text-autospace``, and a space character would change the text a reader copies, searches and
hears. So in paged output each run of Latin text that touches Japanese is wrapped in a span whose
margin makes the space (the stylesheets' ``_autospace.css``: a quarter em on the side that touches
Japanese). The characters are the source's: the structure tree and ``/ActualText`` read
"東京UNHCR" as it is written. Screens set ``text-autospace: normal`` instead (reader.css).

Pure: :func:`autospace` takes text and gives escaped markup (or None where no space is due).

Limits: the markup is made before lines are broken, so a spaced run that starts a line keeps
its quarter em there (CSS sets none at a line's edges; one line in the repository's Japanese
handbook, measured); a number inside a ruby group (2日 read ふつか) is not spaced from its kanji.
Text extraction that goes by position (pdftotext) reads the gap as a space, as it does any gap
over a tenth of an em; the tags read the text as written.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

from ..content.text import KANJI_CLASS

START, END = "autospace-start", "autospace-end"
# Kanji and kana (CSS's "ideographs" for text-autospace): what a quarter em is set against.
_JAPANESE = re.compile(f"[{KANJI_CLASS}\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff]")
# Break hints refpub adds to paged text (views/phrases.py): not characters of the text; they stay
# outside a span, where they are.
_INVISIBLE = "\u00ad\u200b\u2060"
# A run of anything but Japanese and wide characters (CJK punctuation, full-width forms): the
# Latin text between two Japanese passages, with its spaces and punctuation.
_RUN = re.compile(f"[^{KANJI_CLASS}\u3000-\u30ff\uff00-\uffef]+")


def is_japanese(char: str) -> bool:
    return bool(char) and _JAPANESE.match(char) is not None


def is_latin(char: str) -> bool:
    """A letter or a digit that is not Japanese nor full width (CSS's non-ideographic letters
    and numerals): Latin, Greek, Cyrillic, ..., 0-9."""
    if not char or is_japanese(char) or unicodedata.east_asian_width(char) in ("W", "F", "H"):
        return False
    return unicodedata.category(char)[0] == "L" or unicodedata.category(char) == "Nd"


def sides(text: str, before: str, after: str) -> list[str]:
    """The classes a box holding ``text`` takes, between ``before`` and ``after``: :data:`START`
    where it starts with a Latin letter or digit after Japanese, :data:`END` where it ends with
    one before Japanese."""
    return [
        *([START] if is_latin(text[:1]) and is_japanese(before[-1:]) else []),
        *([END] if is_latin(text[-1:]) and is_japanese(after[:1]) else []),
    ]


def autospace(text: str, before: str = "", after: str = "") -> Markup | None:
    """``text``, escaped, with each Latin run that touches Japanese in a span whose class asks
    for space on that side (:data:`START`, :data:`END`); None when no space is due.

    ``before`` and ``after`` are the characters printed around ``text`` (a neighbouring ruby
    base), so a run at either end is spaced from them too."""
    if not text or not (_JAPANESE.search(text) or is_japanese(before[-1:]) or is_japanese(after[:1])):
        return None
    out: list[str] = []
    done = 0
    for run in _RUN.finditer(text):
        core = run.group().strip(_INVISIBLE)
        if not core:
            continue
        start = run.start() + run.group().index(core)
        end = start + len(core)
        previous = text[: run.start()].rstrip(_INVISIBLE)[-1:] if run.start() else before[-1:]
        following = text[run.end() :].lstrip(_INVISIBLE)[:1] if run.end() < len(text) else after[:1]
        classes = sides(core, previous, following)
        if not classes:
            continue
        out.append(escape(text[done:start]))
        out.append(Markup('<span class="{}">{}</span>').format(" ".join(classes), core))
        done = end
    if not out:
        return None
    out.append(escape(text[done:]))
    return Markup("".join(out))
