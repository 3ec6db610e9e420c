"""Locale-aware formatting through Babel (CLDR data). Never touches the process locale."""

from __future__ import annotations

import datetime as _dt
from functools import cache

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from ..content.model import PartialDate
from ..i18n.names import babel_locale, language_name  # noqa: F401 (re-exported)


def text_direction(lang: str) -> str:
    """``"rtl"`` or ``"ltr"``: the direction CLDR gives the language's script (Babel's
    ``Locale.text_direction``), so a new right-to-left language needs no list in refpub."""
    return "rtl" if babel_locale(lang).text_direction == "rtl" else "ltr"


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


def format_hours(hours, lang: str) -> tuple[str, ...]:
    """Opening hours in ``lang``, one text per line of hours, from CLDR: the days abbreviated,
    three or more in a row as a range (``Mon – Fri 10:00 – 17:00``, ``月～金 10:00～17:00``),
    others as a short list (``Tue, Thu``, ``火、木``), the times in the locale's 24-hour pattern
    and the range between them as the locale writes an interval."""
    from babel.dates import get_day_names

    from ..content.schema import WEEKDAYS

    locale = babel_locale(lang)
    names = get_day_names("abbreviated", locale=locale)  # 0 is Monday
    interval = str(locale.interval_formats.get(None) or "{0}–{1}")
    lines = []
    for line in hours:
        order = sorted(WEEKDAYS.index(day) for day in line.days)
        runs: list[list[int]] = []
        for day in order:
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        pieces: list[str] = []
        for run in runs:
            if len(run) >= 3:
                pieces.append(interval.replace("{0}", names[run[0]]).replace("{1}", names[run[-1]]))
            else:
                pieces.extend(names[day] for day in run)
        times = interval.replace("{0}", _time(line.opens, locale)).replace("{1}", _time(line.closes, locale))
        lines.append(native_digits(f"{_short_list(pieces, locale)} {times}", lang))
    return tuple(lines)


def _time(value: _dt.time, locale) -> str:
    return format_skeleton("Hm", _dt.datetime.combine(_dt.date(2000, 1, 1), value), locale=locale)


def _short_list(items: list[str], locale) -> str:
    """Items as CLDR's narrowest list the locale has (``Tue, Thu``; ``火、木``)."""
    from babel.lists import format_list

    for style in ("standard-narrow", "standard-short", "standard"):
        try:
            return format_list(items, style=style, locale=locale)  # type: ignore[arg-type]  # Babel's Literal lacks "standard-narrow"
        except (KeyError, ValueError):
            continue
    return ", ".join(items)
