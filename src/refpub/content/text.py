"""Text that knows its language: what every translated field becomes before rendering."""

from __future__ import annotations

import re
import unicodedata

# Characters no e-book or web page can carry (XML 1.0 forbids them): every loader refuses them.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Invisible format characters (Unicode category Cf) that reorder or hide text, so that a page
# shows something else than the reviewed source ("Trojan Source": U+202E prints a phone number
# backwards): the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069), the deprecated format controls (U+206A-U+206F), the invisible operators
# (U+2061-U+2064), a byte-order mark inside text (U+FEFF), interlinear annotations
# (U+FFF9-U+FFFB) and tag characters (U+E0001, U+E0020-U+E007F) outside an emoji flag.
# Every other Cf character is allowed, because scripts need them: the soft hyphen, zero-width
# space (word breaks in Thai, Khmer, Burmese), zero-width (non-)joiner (Indic scripts, Persian,
# Arabic), word joiner, the Mongolian vowel separator, Arabic and Syriac signs, and the
# direction marks a translator may need around numbers and Latin words in right-to-left text:
# LRM U+200E, RLM U+200F and ALM U+061C (listed by `refpub check -v`).
HIDDEN_FORMAT = re.compile(
    "[\u202a-\u202e\u2061-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)
_EMOJI_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")  # 🏴 + tags: the flag of Scotland
DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c]")


def control_character_problem(text: str) -> str | None:
    """Why ``text`` cannot be printed or put in an e-book, or None."""
    bad = NOT_TEXT.search(text)
    if bad:
        return (
            f"contains the control character U+{ord(bad.group(0)):04X}, which no e-book or web page "
            "can carry; remove it"
        )
    hidden = HIDDEN_FORMAT.search(text)
    if hidden and _EMOJI_TAG_SEQUENCE.search(text):
        hidden = HIDDEN_FORMAT.search(_EMOJI_TAG_SEQUENCE.sub("", text))
    if hidden:
        char = hidden.group(0)
        name = unicodedata.name(char, "a format character")
        return (
            f"contains the invisible character U+{ord(char):04X} ({name}), which can change the order "
            "or the content of what is shown, so the page would differ from the reviewed text; remove it "
            "(right-to-left text may use the marks U+200E, U+200F and U+061C)"
        )
    return None


def direction_marks(text: str) -> list[tuple[int, int, str]]:
    """(line, column, name) of each direction mark (LRM, RLM, ALM) in ``text``: allowed, but
    invisible, so `refpub check -v` lists them."""
    found = []
    for m in DIRECTION_MARKS.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        found.append((line, column, f"U+{ord(m.group(0)):04X} {unicodedata.name(m.group(0))}"))
    return found


# Kanji, with the iteration mark 々, 〆 and the small ヶ of 三ヶ月 (read as part of the word), and
# kana: what a reading in the project's furigana dictionary may hold (views/furigana.py).
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

    __slots__ = ("fallback", "lang")
    lang: str
    fallback: bool

    def __new__(cls, value: str, lang: str, fallback: bool = False):
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.fallback = fallback
        return obj

    def __reduce__(self):
        return (Text, (str(self), self.lang, self.fallback))
