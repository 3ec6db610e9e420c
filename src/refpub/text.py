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
