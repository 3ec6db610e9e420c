"""Placeholders of interface strings (``%(name)s``, ``%s``, ``{name}``): which a string has, and
whether a translation keeps them. Used by the checks and by the catalogs (a translation that
would stop the build is not used)."""

from __future__ import annotations

import re
from collections import Counter

_PERCENT = re.compile(r"%(?:\((?P<name>[A-Za-z_]\w*)\))?[-#0+]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa]")
_BRACE = re.compile(r"\{(?P<field>[A-Za-z_]\w*|\d*)(?:[.\[][^{}]*)?(?:![rsa])?(?::[^{}]*)?\}")


def placeholders(text: str) -> tuple[Counter, list[str]]:
    """(named placeholders, positional ones in order) of a Python format string."""
    named: Counter = Counter()
    positional: list[str] = []
    stripped = text.replace("%%", "").replace("{{", "").replace("}}", "")
    for m in _PERCENT.finditer(stripped):
        if m.group("name"):
            named[f"%({m.group('name')})"] += 1
        else:
            positional.append(m.group(0))
    for m in _BRACE.finditer(stripped):
        name = m.group("field")
        if name and not name.isdigit():
            named["{" + name + "}"] += 1
        else:
            positional.append(m.group(0))
    return named, positional


def _describe(ph: tuple[Counter, list[str]]) -> str:
    named, positional = ph
    items = sorted(named) + positional
    return ", ".join(items) if items else "none"


def stray_percent(text: str) -> str | None:
    """The first ``%`` of ``text`` that is neither ``%%`` nor a placeholder (``%s``,
    ``%(name)s``), shown with what follows it; None when there is none.

    Every interface string is %-formatted when a page is rendered (Jinja's gettext does
    ``translation % variables`` even without variables), so such a ``%`` would stop the build.
    """
    i = text.find("%")
    while i >= 0:
        if text.startswith("%%", i):
            i = text.find("%", i + 2)
            continue
        m = _PERCENT.match(text, i)
        if m is None:
            return text[i : i + 6]
        i = text.find("%", m.end())
    return None


def format_problem(source: str, translation: str) -> str | None:
    """Why ``translation`` cannot stand for ``source`` in an interface string: a stray ``%``
    or placeholders that differ (what Babel's python_format checker and ``msgfmt -c`` refuse)."""
    stray = stray_percent(translation)
    if stray is not None and stray_percent(source) is None:
        return (
            f"the translation has a '%' that is not a placeholder ('{stray}'); a percent sign is written %% "
            "in an interface string"
        )
    return placeholder_problem(source, translation)


def placeholder_problem(source: str, translation: str) -> str | None:
    src, dst = placeholders(source), placeholders(translation)
    if set(src[0]) != set(dst[0]) or src[1] != dst[1]:
        return (
            f"placeholder mismatch: the source has {_describe(src)}, the translation has "
            f"{_describe(dst)}; keep every placeholder exactly as in the msgid"
        )
    return None
