"""Furigana: the readings of the kanji in Japanese text, for ruby in every output.

Pure and small: ``segments(text)`` gives the text as ``Segment(base, reading)`` pieces, where
``reading`` is ``None`` for text that takes no ruby (kana, Latin, punctuation, and kanji within
the chosen school grade). Readings come from SudachiPy with its core dictionary (installed from
PyPI): of 336 words and names of the repository's content it reads 333 right before any override
(99.1 %; fugashi with unidic-lite read 321, 95.5 %: tests/data/furigana/ja-words.tsv). A project's
reading dictionary (``content/furigana.yaml``: ``{surface: reading}``) overrides the analyser for
names and terms it gets wrong.

Readings go over the kanji only: okurigana stay outside the ruby (申し込み → 申(もう)し込(こ)み),
and a run of kanji takes one reading as a group (難民 → 難民(なんみん), jukugo ruby).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from ..content.text import KANJI_CLASS, has_kanji, is_kana

_KANJI_RUNS = re.compile(f"([{KANJI_CLASS}]+)")

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}

# The levels a language's furigana setting can name (content/publication.yaml):
# ruby on every kanji, on none, or only on kanji beyond a school grade or the joyo list.
LEVELS = ("all", "none", "grade-1", "grade-2", "grade-3", "grade-4", "grade-5", "grade-6", "joyo")


class Segment(NamedTuple):
    """A piece of text and the reading of its kanji, or ``None`` when it takes no ruby."""

    base: str
    reading: str | None


def hiragana(text: str) -> str:
    return text.translate(_KATAKANA_TO_HIRAGANA)


@cache
def _tokenizer():
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def analyse(text: str) -> list[tuple[str, str]]:
    """(surface, reading in hiragana) of each word of ``text``, as the analyser reads it."""
    words: list[tuple[str, str]] = []
    for line in text.splitlines(keepends=True):
        if not has_kanji(line):
            words.append((line, line))
            continue
        words.extend((m.surface(), hiragana(m.reading_form())) for m in _tokenizer().tokenize(line))
    return words


def align(surface: str, reading: str) -> list[Segment]:
    """The reading of a word spread over its kanji runs: 申し込み + もうしこみ → 申(もう)し込(こ)み.

    The kana between the kanji are matched in the reading; a word whose reading does not fit
    (2人 ふたり, 今日 きょう) takes the whole reading as one group."""
    if not has_kanji(surface):
        return [Segment(surface, None)]
    parts = _KANJI_RUNS.split(surface)
    pattern = "".join("(.+?)" if i % 2 else re.escape(hiragana(p)) for i, p in enumerate(parts))
    match = re.fullmatch(pattern, reading)
    if match is None or not is_kana(reading):
        return [Segment(surface, reading if is_kana(reading) else None)]
    segments = []
    groups = iter(match.groups())
    for i, part in enumerate(parts):
        if not part:
            continue
        segments.append(Segment(part, next(groups)) if i % 2 else Segment(part, None))
    return segments


def _apply_overrides(text: str, words: list[tuple[str, str]], overrides: Mapping[str, str]) -> list[tuple[str, str]]:
    """``words`` with the project dictionary's readings: an entry of the dictionary found in
    ``text`` (longest first) replaces the words it covers, when it starts and ends at word
    boundaries (日本 is read にほん where it is a word, never inside 東日本 or 日本人)."""
    if not overrides:
        return words
    starts, pos = {}, 0
    for i, (surface, _) in enumerate(words):
        starts[pos] = i
        pos += len(surface)
    starts[pos] = len(words)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(overrides, key=len, reverse=True)))
    out: list[tuple[str, str]] = []
    done = 0  # words[:done] are in out
    for m in pattern.finditer(text):
        first, end = starts.get(m.start()), starts.get(m.end())
        if first is None or end is None or first < done:
            continue
        out.extend(words[done:first])
        out.append((m.group(), hiragana(overrides[m.group()])))
        done = end
    out.extend(words[done:])
    return out


# The days of the month with a reading of their own (1日 ついたち, 20日 はつか); any other is 〜にち.
_DAYS = {
    1: "ついたち",
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    14: "じゅうよっか",
    20: "はつか",
    24: "にじゅうよっか",
}


def _day_of_month(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """日 after a number written in digits (a date: 2024年11月2日) read as a day of the month,
    which the analyser reads alone (か, ひ): the number and 日 take one reading where the day has
    a reading of its own (2日 ふつか), else 日 is read にち."""
    out: list[tuple[str, str]] = []
    for surface, reading in words:
        number = out[-1][0] if out else ""
        if surface == "日" and number.isdecimal() and number.isascii():
            day = _DAYS.get(int(number))
            if day:
                out[-1] = (number + surface, day)
                continue
            reading = "にち"
        out.append((surface, reading))
    return out


@cache
def kanji_within(level: str) -> frozenset[str]:
    """The kanji a reader at ``level`` is taken to know: none for ``all``, the kanji of school
    grades 1 to N (学年別漢字配当表, 2020) for ``grade-N``, the joyo list for ``joyo``."""
    if level in ("all", "none"):
        return frozenset()
    from kanji_lists import JOYO, KYOIKU

    if level == "joyo":
        return frozenset(JOYO)
    grade = int(level.removeprefix("grade-"))
    known: set[str] = set()
    for n in range(1, grade + 1):
        known |= getattr(KYOIKU, f"GRADE{n}")
    return frozenset(known)


def segments(text: str, overrides: Mapping[str, str] | None = None, level: str = "all") -> list[Segment]:
    """``text`` as segments with readings over the kanji a reader at ``level`` may not know.

    ``overrides`` is the project's reading dictionary ({surface: reading in kana}). A group that
    holds any kanji beyond the level keeps its whole reading (jukugo stay whole). Adjacent
    segments without reading are merged, so plain text comes back as one segment."""
    if level == "none" or not has_kanji(text):
        return [Segment(text, None)] if text else []
    known = kanji_within(level)
    out: list[Segment] = []
    words = _day_of_month(_apply_overrides(text, analyse(text), overrides or {}))
    for surface, reading in words:
        for seg in align(surface, reading):
            if seg.reading is not None and all(c in known or not has_kanji(c) for c in seg.base):
                seg = Segment(seg.base, None)
            if seg.reading is None and out and out[-1].reading is None:
                out[-1] = Segment(out[-1].base + seg.base, None)
            else:
                out.append(seg)
    return out


def reading(text: str, overrides: Mapping[str, str] | None = None) -> str:
    """The whole reading of ``text`` in hiragana (kana and other characters as they are)."""
    return "".join(hiragana(s.base) if s.reading is None else s.reading for s in segments(text, overrides))
