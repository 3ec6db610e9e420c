"""Where lines may break, for renderers that cannot tell: Japanese phrases (BudouX), Burmese and
Khmer words (ICU), and very long words.

Japanese phrase breaking with BudouX, for renderers that cannot do it themselves.

WeasyPrint has no ``word-break: keep-all``; instead, the characters inside each BudouX phrase
are joined with WORD JOINER (U+2060), an invisible character that forbids a break, so lines
break only between phrases. Pango's line breaking (UAX #14) still applies kinsoku: no line
starts with a closing bracket, a small kana or a full stop.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD_JOINER = "\u2060"
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
# Longer phrases are left alone: joining them could force an overflow of a narrow column.
_MAX_PHRASE = 12


@lru_cache(maxsize=1)
def _parser():
    import budoux

    return budoux.load_default_japanese_parser()


# A katakana word (with its long-vowel marks ー): never broken across lines (JLReq; Pango breaks
# "プロジェ|クト" where a phrase is too long to join). No line starts with ー either.
_KATAKANA_WORD = re.compile("[\u30a1-\u30fa\u30fc-\u30ff\uff66-\uff9f]{2,}")
LONG_VOWEL = "\u30fc"


def break_opportunities(text: str) -> list[bool]:
    """For each character of Japanese ``text``, whether a line may break before it: only between
    BudouX phrases (a phrase too long to join, or with a space, is left to the renderer), never
    inside a katakana word nor before ー."""
    allowed = [False] * len(text)
    pos = 0
    for phrase in _parser().parse(text):
        allowed[pos] = True
        if len(phrase) > _MAX_PHRASE or " " in phrase:
            allowed[pos : pos + len(phrase)] = [True] * len(phrase)
        pos += len(phrase)
    for word in _KATAKANA_WORD.finditer(text):
        allowed[word.start() + 1 : word.end()] = [False] * (len(word.group()) - 1)
    for i, char in enumerate(text):
        if char == LONG_VOWEL:
            allowed[i] = False
    if allowed:
        allowed[0] = False
    return allowed


def join_phrases(text: str) -> str:
    """Text with breaks allowed only between Japanese phrases; non-Japanese text unchanged."""
    if not text or not _JAPANESE.search(text):
        return text
    return _joined(str.__str__(text))  # its characters (an interface string's __str__ is its markup)


@lru_cache(maxsize=16384)
def _joined(text: str) -> str:
    """:func:`join_phrases` of plain text, once per text: a book's parts and the web edition's
    pages print the same titles and names many times (BudouX takes most of the time)."""
    out: list[str] = []
    for char, allowed in zip(text, break_opportunities(text)):
        if out and not allowed:
            out.append(WORD_JOINER)
        out.append(char)
    return "".join(out)


def phrase_starts(text: str) -> frozenset[int]:
    """The offsets in ``text`` where a line may break (see :func:`break_opportunities`)."""
    if not _JAPANESE.search(text):
        return frozenset(range(len(text)))
    return frozenset(i for i, allowed in enumerate(break_opportunities(text)) if allowed)


# Runs of characters with no break opportunity of their own (no space, hyphen, slash or CJK).
# WeasyPrint's grid layout grows much faster than linearly with the length of such a run
# (a 2,000-character word in a grid cell takes over a minute), so paged output gets a
# ZERO WIDTH SPACE every _SOFT_STEP characters inside any run of _LONG_RUN_MIN or more.
ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN_MIN = 50
_SOFT_STEP = 25
_LONG_RUN = re.compile(rf"[^\s\u200b\-/\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{{{_LONG_RUN_MIN},}}")


def _soften_run(match: re.Match) -> str:
    run = match.group(0)
    out, since_break = [], 0
    for char in run:
        # Never separate a combining mark from the letter it belongs to.
        if since_break >= _SOFT_STEP and not unicodedata.combining(char):
            out.append(ZERO_WIDTH_SPACE)
            since_break = 0
        out.append(char)
        since_break += 1
    return "".join(out)


def soften_long_words(text: str) -> str:
    """``text`` with invisible break opportunities inside very long unbreakable runs."""
    if len(text) < _LONG_RUN_MIN or not _LONG_RUN.search(text):
        return text
    return _LONG_RUN.sub(_soften_run, text)


# Scripts written without spaces between words (Myanmar, Khmer): Pango has no dictionary for them
# and finds no place to break a line but after a sentence mark, so a paragraph is broken inside
# words and syllables, and still overflows its column (measured: tests/export/test_line_breaking.py).
# ICU's line breaker has dictionaries for them: a ZERO WIDTH SPACE marks each place it allows.
# (Thai is left to Pango, which breaks it with libthai as ICU does.)
_NO_SPACES = re.compile(r"[\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f\u1780-\u17ff\u19e0-\u19ff]{2,}")


@lru_cache(maxsize=1)
def _line_breaker():
    import icu

    return icu.BreakIterator.createLineInstance(icu.Locale.getRoot())


def _mark_word_breaks(match: re.Match) -> str:
    run = match.group(0)
    breaker = _line_breaker()
    breaker.setText(run)
    pieces, start = [], 0
    for end in breaker:  # boundaries after the start, in UTF-16 units: these scripts are all in the BMP
        pieces.append(run[start:end])
        start = end
    return ZERO_WIDTH_SPACE.join(piece for piece in pieces if piece)


def break_words(text: str) -> str:
    """``text`` with invisible break opportunities between Burmese and Khmer words (ICU)."""
    if not text or not _NO_SPACES.search(text):
        return text
    return _NO_SPACES.sub(_mark_word_breaks, text)
