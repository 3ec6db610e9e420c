"""Locales and the names of languages, from CLDR through Babel: the one place that parses a
language code.

A publication language is a BCP 47 tag (``en``, ``pt-BR``, ``ja-x-easy``). A private-use part
(``-x-…``) names a variety of its language that CLDR does not know: Easy Japanese (やさしい日本語,
``ja-x-easy``) takes its CLDR data, fonts, vertical writing and line breaking from ``ja``.
"""

from __future__ import annotations

from functools import cache

# Names of the private-use varieties refpub knows, in English and in the language itself.
PRIVATE_USE_NAMES = {
    "ja-x-easy": {"en": "Easy Japanese", "ja": "やさしい日本語"},
}


def cldr_code(lang: str) -> str:
    """The code CLDR, ICU and fontconfig know for ``lang``, with underscores (``pt_BR``): the tag
    without its private-use part (``ja-x-easy`` → ``ja``)."""
    tag = lang.replace("_", "-")
    lower = tag.lower()
    if lower.startswith("x-"):
        return tag
    cut = lower.find("-x-")
    if cut >= 0:
        tag = tag[:cut]
    return tag.replace("-", "_")


def base_language(lang: str) -> str:
    """The language subtag alone: ``ja`` for ``ja``, ``ja-JP`` and ``ja-x-easy``."""
    return lang.replace("_", "-").split("-")[0].lower()


def is_known(lang: str) -> bool:
    """Whether CLDR knows ``lang`` (its private-use part aside)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(cldr_code(lang))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@cache
def babel_locale(lang: str):
    """Babel's Locale for ``lang`` (``pt-BR``, ``pt_BR``, ``ja-x-easy`` as ``ja``); English for a
    code CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(cldr_code(lang))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


@cache
def language_name(code: str, in_lang: str = "en") -> str:
    """The name of language ``code`` written in ``in_lang``: ``ja`` in English is "Japanese",
    in Japanese "日本語"; ``pt-BR`` is "Portuguese (Brazil)"; ``ja-x-easy`` "Easy Japanese", in
    Japanese "やさしい日本語". The code itself when CLDR has no name."""
    from babel import Locale, UnknownLocaleError

    names = PRIVATE_USE_NAMES.get(code.replace("_", "-").lower())
    if names:
        own = names.get(base_language(in_lang))
        if own:
            return own
    where = babel_locale(in_lang)
    key = cldr_code(code)
    try:
        name = Locale.parse(key).get_display_name(where)
    except (UnknownLocaleError, ValueError, TypeError):
        name = where.languages.get(key.split("_")[0])
    return name or code
