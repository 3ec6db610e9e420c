"""Interface strings as templates get them: ``_``, ``gettext``, ``ngettext`` and ``pgettext``.

The one place an interface string is made, for every output (handbook, handouts, e-book, web
edition). A result knows its language (so ``lang_attr`` marks a string not yet translated), and
is isolated where its direction could reorder the line around it:

- every value put into a placeholder (``%(date)s``, ``%(url)s``, ``%(num)s``), on a
  right-to-left page, or when the value holds right-to-left letters;
- a string that fell back to the source language, when the two are written in different
  directions (an English fallback on an Arabic page).

On screens (e-book, web) the isolate is a ``<bdi>`` element; in PDFs, and wherever markup
cannot go (``|plain``: an attribute, a ``<title>``, metadata), Unicode's isolates FSI/LRI/RLI
… PDI, which Pango's bidi algorithm follows (WeasyPrint ignores ``unicode-bidi``). A left-to-right
page whose values are left to right gets nothing added: English and Japanese outputs are
unchanged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from markupsafe import Markup, escape

from ..i18n.catalogs import Translations
from .formats import format_number, text_direction

FIRST_STRONG_ISOLATE = "\u2068"
LEFT_TO_RIGHT_ISOLATE = "\u2066"
RIGHT_TO_LEFT_ISOLATE = "\u2067"
POP_DIRECTIONAL_ISOLATE = "\u2069"
_DIRECTIONAL_ISOLATE = {"ltr": LEFT_TO_RIGHT_ISOLATE, "rtl": RIGHT_TO_LEFT_ISOLATE}


class UiText(str):
    """An interface string as rendered.

    ``str()`` is its plain text, with Unicode isolates where it needs them (for attributes, a
    ``<title>``, PDF bookmarks, EPUB metadata); ``__html__`` is what a template prints, with
    ``<bdi>`` elements instead on screens. ``lang`` is the language it is really in, and
    ``fallback`` says it stands in for a missing translation.
    """

    lang: str | None
    fallback: bool
    markup: Markup

    def __new__(cls, plain: str, markup: Markup | None = None, lang: str | None = None, fallback: bool = False):
        obj = super().__new__(cls, plain)
        obj.markup = escape(plain) if markup is None else markup
        obj.lang = lang
        obj.fallback = fallback
        return obj

    def __html__(self) -> Markup:
        return self.markup

    def __reduce__(self):
        return (UiText, (str(self), self.markup, self.lang, self.fallback))


def plain(value):
    """``value`` where markup cannot go (an attribute, a ``<title>``): an interface string's
    plain text, its isolates as Unicode characters. Other values are unchanged."""
    if isinstance(value, UiText):
        return str.__str__(value)
    return value


def has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _plain_text(value) -> str:
    if isinstance(value, UiText):
        return str.__str__(value)
    if isinstance(value, Markup):
        return value.striptags()
    return str(value)


class Isolation:
    """How interface strings are isolated on one kind of page: its direction, and whether
    isolates are elements (screens) or characters (PDF)."""

    def __init__(self, page_dir: str, *, elements: bool, xhtml: bool = False):
        self.page_dir = page_dir
        self.elements = elements
        self.xhtml = xhtml

    def value(self, value, lang: str | None = None) -> tuple[str, Markup]:
        """A placeholder's value: (plain, markup), isolated when the line needs it. ``lang``: the
        value's language when the string around it is in another one (a date in Burmese digits
        inside an English fallback), marked so that it is read by the page's voice (on screens
        on its ``<bdi>``, in PDFs a Span with its /Lang: WeasyPrint tags ``<bdi>`` NonStruct)."""
        text = _plain_text(value)
        markup = escape(value)
        attrs = Markup("")
        if lang and text:
            attrs = Markup(' lang="{}"').format(lang)
            if self.xhtml:
                attrs += Markup(' xml:lang="{}"').format(lang)
        if self.page_dir == "ltr" and not has_right_to_left(text):
            return text, (Markup("<span{}>{}</span>").format(attrs, markup) if attrs else markup)
        isolated = f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
        if self.elements:
            return isolated, Markup("<bdi{}>{}</bdi>").format(attrs, markup)
        if attrs:
            return isolated, Markup("<span{}>{}</span>").format(attrs, isolated)
        return isolated, escape(isolated)

    def fallback(self, text: str, markup: Markup, lang: str) -> tuple[str, Markup]:
        """A whole string in ``lang`` (the source language) on this page: isolated in its own
        direction when that is not the page's."""
        direction = text_direction(lang)
        if direction == self.page_dir:
            return text, markup
        isolated = f"{_DIRECTIONAL_ISOLATE[direction]}{text}{POP_DIRECTIONAL_ISOLATE}"
        if self.elements:
            xml_lang = Markup(' xml:lang="{}"').format(lang) if self.xhtml else Markup("")
            return isolated, Markup('<bdi dir="{}" lang="{}"{}>{}</bdi>').format(direction, lang, xml_lang, markup)
        return isolated, escape(isolated)


def interface_callables(
    translations: Translations, isolation: Isolation, on_fallback: Callable[[str], object] | None = None
) -> dict[str, Callable[..., UiText]]:
    """``_``/``gettext``/``ngettext``/``pgettext`` for templates (Jinja's new style: the
    placeholders are filled in by the call, ``_("Edition of %(date)s", date=…)``).

    A translation is escaped like any text (it comes from a translator, not the template's
    author), so it can never break the markup; the count of ``ngettext`` is written in the
    language's digits (Persian ۱۲, Burmese ၁၂). ``on_fallback`` hears of every string not yet
    translated (``ui:<msgid>``), for the output's count of fallbacks.
    """

    def result(message: str, translated: str, variables: dict) -> UiText:
        fallback = not translations.is_source and message in translations.missing_messages
        plain_values, markup_values = {}, {}
        for name, value in variables.items():
            plain_values[name], markup_values[name] = isolation.value(value, translations.lang if fallback else None)
        # Always formatted, as Jinja does: "%%" is a per cent sign with or without values.
        text = translated % plain_values
        markup = escape(translated) % markup_values
        lang = translations.source_lang if fallback else translations.lang
        if fallback:
            if on_fallback is not None:
                on_fallback(f"ui:{message}")
            text, markup = isolation.fallback(text, markup, lang)
        return UiText(text, Markup(markup), lang, fallback)

    def gettext(message: str, **variables) -> UiText:
        return result(message, translations.gettext(message), variables)

    def ngettext(singular: str, plural: str, num: int, **variables) -> UiText:
        variables.setdefault("num", format_number(num, translations.lang))
        return result(singular, translations.ngettext(singular, plural, num), variables)

    def pgettext(context: str, message: str, **variables) -> UiText:
        return result(message, translations.pgettext(context, message), variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext}
