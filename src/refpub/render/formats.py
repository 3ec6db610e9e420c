"""Locale-aware formatting through Babel (CLDR data). Never touches the process locale."""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from ..i18n.names import babel_locale, language_name  # noqa: F401 (re-exported)
from ..model import PartialDate


def text_direction(lang: str) -> str:
    """``"rtl"`` or ``"ltr"``: the direction CLDR gives the language's script (Babel's
    ``Locale.text_direction``), so a new right-to-left language needs no list in refpub."""
    return "rtl" if babel_locale(lang).text_direction == "rtl" else "ltr"


# Kana (only Japanese is written with it) and the CJK ideographs, with their punctuation.
_JAPANESE = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff9f]")


def script_language(text: str, lang: str) -> str | None:
    """The language of a text whose script is not the language's it stands in: a Japanese
    address in an English entry is read by a Japanese voice (the PDF's marked content, the
    e-book's and web pages' ``lang``). None when the element's language fits, or when
    the run is mostly in its element's script (a Japanese word inside an English sentence)."""
    if lang.split("-")[0] in ("ja", "zh", "ko"):
        return None
    japanese = len(_JAPANESE.findall(text))
    others = sum(char.isalpha() for char in text) - japanese
    return "ja" if japanese > others else None


def format_partial_date(date: PartialDate | None, lang: str) -> str:
    """A date at its own precision: ``2020`` / ``May 2020`` / ``May 4, 2020`` (``2020年5月``…)."""
    if date is None:
        return ""
    locale = babel_locale(lang)
    if date.precision == "day":
        return native_digits(format_date(date.as_date(), "long", locale=locale), lang)
    if date.precision == "month":
        return native_digits(format_skeleton("yMMMM", date.as_date(), locale=locale), lang)
    return native_digits(format_skeleton("y", date.as_date(), locale=locale), lang)


def format_month(date: PartialDate | _dt.date | None, lang: str) -> str:
    if date is None:
        return ""
    d = date.as_date() if isinstance(date, PartialDate) else date
    return native_digits(format_skeleton("yMMMM", d, locale=babel_locale(lang)), lang)


def format_number(n: int | float, lang: str) -> str:
    return native_digits(format_decimal(n, locale=babel_locale(lang), numbering_system="default"), lang)


def native_digits(text: str, lang: str) -> str:
    """``text`` with its digits in the language's own, where CLDR's default numbering system for
    it is not Latin (Persian ۲۰۲۶, Burmese ၂၀၂၆, Nepali २०२६, Bengali ২০২৬; Arabic and Japanese
    keep 2026). Babel formats with Latin digits only; the digits come from ICU's copy of CLDR."""
    table = _digit_table(lang)
    return text.translate(table) if table else text


@cache
def _digit_table(lang: str) -> dict[int, int] | None:
    locale = babel_locale(lang)
    if getattr(locale, "default_numbering_system", "latn") == "latn":
        return None
    import icu

    system = icu.NumberingSystem.createInstance(icu.Locale(str(locale)))
    digits = system.getDescription()
    if system.isAlgorithmic() or len(digits) != 10:
        return None
    return str.maketrans("0123456789", digits)


def list_separator(lang: str) -> str:
    """What stands between the middle items of a list in ``lang``, from CLDR's list patterns
    (``, `` in English, ``、`` in Japanese, ``، `` in Arabic)."""
    pattern = babel_locale(lang).list_patterns["standard"]["middle"]
    return pattern.replace("{0}", "").replace("{1}", "")


def collation_key(text: str):
    """A sort key close enough to CLDR root collation for names (case and width folded)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text).casefold()
