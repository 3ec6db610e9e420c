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


# Scripts a language writes with more than one of (Japanese: kanji and kana), as CLDR's likely
# subtags name them ("Jpan").
_SCRIPT_GROUPS = {"Hani": "Jpan", "Hira": "Jpan", "Kana": "Jpan"}


def language_by_script(text: str, languages, default: str) -> str:
    """The language of ``languages`` whose script (CLDR's likely subtags) ``text`` is mostly
    written in: an address written in no declared language is tagged by its script, so that
    "東京都新宿区…" is read and set as Japanese on an English page. ``default`` when none fits."""
    import icu
    from babel.core import get_global

    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = str(icu.Script.getScript(char).getShortName())
            script = _SCRIPT_GROUPS.get(script, script)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return default
    main = max(counts, key=lambda s: counts[s])
    likely = get_global("likely_subtags")
    for lang in languages:
        parts = str(likely.get(lang.replace("-", "_").split("_")[0], "")).split("_")
        if len(parts) > 1 and parts[1] == main:
            return lang
    return default
