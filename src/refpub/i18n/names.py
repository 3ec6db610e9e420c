"""Locales and the names of languages, from CLDR through Babel: the one place that parses a
language code.

A publication language is a BCP 47 tag (``en``, ``pt-BR``, ``ja-x-easy``). A private-use part
(``-x-…``) names a variety of its language that CLDR does not know: Easy Japanese (やさしい日本語,
``ja-x-easy``) takes its CLDR data, fonts, vertical writing and line breaking from ``ja``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

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


# What CLDR's likely subtags name a script a language writes in, as the scripts of ICU's
# characters: Japanese ("Jpan") is written in kanji and kana, Korean in hangul and hanja.
_SCRIPT_GROUPS = {
    "Jpan": ("Hani", "Hira", "Kana"),
    "Kore": ("Hang", "Hani"),
    "Hans": ("Hani",),
    "Hant": ("Hani",),
}
# The languages a run of text is recognised in by its script when its caller knows none (a
# template's value, a PDF's text run): Japanese, so that a Japanese address or name in an English
# entry is read by a Japanese voice.
SCRIPT_LANGUAGES = ("ja",)


@cache
def language_scripts(lang: str) -> frozenset[str]:
    """The scripts ``lang`` is written in (ICU's short names), from its script subtag or CLDR's
    likely subtags: ``ja`` → Hani, Hira, Kana; ``ar`` and ``ur`` → Arab; ``zh-Hant`` → Hani; none
    for a code CLDR does not know."""
    from babel.core import get_global

    subtags = cldr_code(lang).split("_")
    script = next((s.title() for s in subtags[1:] if len(s) == 4 and s.isalpha()), None)
    if script is None:
        likely = str(get_global("likely_subtags").get(subtags[0].lower(), "")).split("_")
        script = likely[1] if len(likely) > 1 else None
    if not script:
        return frozenset()
    return frozenset(_SCRIPT_GROUPS.get(script, (script,)))


@cache
def _script(char: str) -> str:
    import icu

    return str(icu.Script.getScript(char).getShortName())


def _letters_by_script(text: str) -> dict[str, int]:
    """How many letters of ``text`` each script has (signs common to several scripts, such as
    Japanese's prolonged-sound mark, count for none)."""
    if text.isascii():
        return {"Latn": sum(char.isalpha() for char in text)}
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = _script(char)
            counts[script] = counts.get(script, 0) + 1
    counts.pop("Zyyy", None)
    counts.pop("Zinh", None)
    return counts


def script_language(text: str, lang: str, languages: Iterable[str] = SCRIPT_LANGUAGES) -> str | None:
    """The language of ``languages`` that ``text``, set as ``lang``, is in fact written in: most
    of its letters are in that language's scripts and not in ``lang``'s (CLDR's likely subtags,
    ICU's character scripts). A Japanese address in an English entry is tagged Japanese, so
    that it is read by a Japanese voice and set with Japanese fonts and line breaking (the web
    pages' and e-book's ``lang``, the PDF's marked content). None when ``lang`` fits the text,
    when a word of another script stands in a sentence of ``lang``'s, or when no language fits.
    The same titles and names are asked about in every part of a book and on every page of the
    web edition: answered once each (for its characters, whatever str subclass it is)."""
    return _script_language(str.__str__(text), str(lang), tuple(languages))


@lru_cache(maxsize=65536)
def _script_language(text: str, lang: str, languages: tuple[str, ...]) -> str | None:
    counts = _letters_by_script(text)
    total = sum(counts.values())

    def mostly_in(code: str) -> bool:
        return 2 * sum(counts.get(script, 0) for script in language_scripts(code)) > total

    if not total or mostly_in(lang):
        return None
    return next((code for code in languages if mostly_in(code)), None)


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
