"""Text that knows its language: what every translated field becomes before rendering."""

from __future__ import annotations


class Text(str):
    """A string with the language it is really in.

    ``fallback`` is True when the text stands in for a missing translation: templates then mark
    the element with ``lang`` (so screen readers and hyphenation follow) and a small marker.
    """

    __slots__ = ("lang", "fallback")

    def __new__(cls, value: str, lang: str, fallback: bool = False):
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.fallback = fallback
        return obj

    def __reduce__(self):
        return (Text, (str(self), self.lang, self.fallback))
