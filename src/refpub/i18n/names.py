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


@cache
def is_known_language(code: str) -> bool:
    """Whether Babel (CLDR) has locale data for ``code`` (``ja``, ``pt-BR``, ``zh-Hant``; a
    private-use part aside: ``ja-x-easy`` is ``ja``): a language refpub can publish in. Checked once, when content is loaded."""
    from babel import Locale, UnknownLocaleError

    if not code or not code.replace("-", "").replace("_", "").isalnum():
        return False
    try:
        Locale.parse(cldr_code(code))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def nearest_language(code: str) -> str | None:
    """A known code to suggest for ``code``, written with '-' (``prs`` -> ``fa-AF``, CLDR's
    replacement; ``jp`` -> ``ja``, the language of the country JP), or None."""
    import difflib

    from babel.core import get_global
    from babel.localedata import locale_identifiers

    key = code.replace("-", "_")
    replacement = get_global("language_aliases").get(key) or get_global("language_aliases").get(key.lower())
    if replacement and is_known_language(replacement):
        return replacement.replace("_", "-")
    spoken = get_global("territory_languages").get(key.upper(), {})
    official = [lang for lang, info in spoken.items() if info.get("official_status") and is_known_language(lang)]
    if official:
        return max(official, key=lambda lang: spoken[lang].get("population_percent", 0)).replace("_", "-")
    close = difflib.get_close_matches(key, locale_identifiers(), n=1, cutoff=0.6)
    return close[0].replace("_", "-") if close else None


def unknown_language_message(code: str) -> str:
    """'xx' is not a language code Babel knows …, with the nearest known code when there is one."""
    nearest = nearest_language(code)
    hint = f"; did you mean '{nearest}'?" if nearest else " (such as en, ja, pt-BR, zh-Hant)"
    return f"'{code}' is not a language code Babel knows (it has no locale data for it){hint}"
