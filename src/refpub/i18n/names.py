"""Locales and the names of languages, from CLDR through Babel: the one place that parses a
language code."""

from __future__ import annotations

from functools import cache


@cache
def babel_locale(lang: str):
    """Babel's Locale for ``lang`` (``pt-BR`` or ``pt_BR``); English for a code CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


@cache
def language_name(code: str, in_lang: str = "en") -> str:
    """The name of language ``code`` written in ``in_lang``: ``ja`` in English is "Japanese",
    in Japanese "日本語"; ``pt-BR`` is "Portuguese (Brazil)". The code itself when CLDR has no name."""
    from babel import Locale, UnknownLocaleError

    where = babel_locale(in_lang)
    key = code.replace("-", "_")
    try:
        name = Locale.parse(key).get_display_name(where)
    except (UnknownLocaleError, ValueError, TypeError):
        name = where.languages.get(key.split("_")[0])
    return name or code
