"""Text that knows its language: what every translated field becomes before rendering."""

from __future__ import annotations

import re

# Characters no e-book or web page can carry (XML 1.0 forbids them): every loader refuses them.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def control_character_problem(text: str) -> str | None:
    """Why ``text`` cannot be printed or put in an e-book, or None."""
    bad = NOT_TEXT.search(text)
    if bad:
        return (
            f"contains the control character U+{ord(bad.group(0)):04X}, which no e-book or web page "
            "can carry; remove it"
        )
    return None


# Kanji, with the iteration mark 々, 〆 and the small ヶ of 三ヶ月 (read as part of the word), and
# kana: what a reading in the project's furigana dictionary may hold (render/furigana.py).
KANJI_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f々〆ヶ"
KANJI = re.compile(f"[{KANJI_CLASS}]")
KANA = re.compile("[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30feー]+")


def has_kanji(text: str) -> bool:
    return KANJI.search(text) is not None


def is_kana(text: str) -> bool:
    """Hiragana and katakana only (with the long-vowel mark ー): a reading."""
    return KANA.fullmatch(text) is not None


class Text(str):
    """A string with the language it is really in.

    ``fallback`` is True when the text stands in for a missing translation: templates then mark
    the element with ``lang`` (so screen readers and hyphenation follow) and a small marker.
    """

    __slots__ = ("lang", "fallback")
    lang: str
    fallback: bool

    def __new__(cls, value: str, lang: str, fallback: bool = False):
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.fallback = fallback
        return obj

    def __reduce__(self):
        return (Text, (str(self), self.lang, self.fallback))
