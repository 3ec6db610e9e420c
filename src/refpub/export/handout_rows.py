"""The rows of a handout: each entry's view in every language side by side, its contacts and
QR code once, and a warning for each field printed in the source language."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from segno.encoder import DataOverflowError

from ..content.project import catalog_file
from ..content.urls import is_safe_url
from ..diagnostics import Diagnostic, Location, Severity
from ..i18n.catalogs import CONTENT_DOMAIN
from ..i18n.names import language_name
from ..views.context import OrganisationView, ReadingView, ViewBuilder
from ..views.handout_geometry import Geometry
from ..views.handout_page import HandoutEntry
from ..views.qr import qr_svg
from .base import RenderSession

CONTACT_KINDS = ("phone", "email", "website", "address", "region")
# Contacts that need no label: an e-mail address and a web address say what they are.
UNLABELLED = ("email", "website")


def _organisation_contacts(views: list[OrganisationView], languages) -> tuple[tuple[str, str, str], ...]:
    """An organisation's contacts, printed once across the row: phone, e-mail and web address
    (with their links), its address in each language of the handout it is given in (once when
    it is the same), and, for an organisation without an address, its region in every language
    (with furigana where a language has them)."""
    o = views[0]

    def in_every_language(texts) -> Markup:
        return _each_once((lang.ruby(text), text.lang) for lang, text in zip(languages, texts))

    address = in_every_language([view.address for view in views]) if o.address else ""
    values = {
        "phone": (o.phone, o.phone_href),
        "email": (o.email, f"mailto:{o.email}" if o.email else ""),
        "website": (o.url, o.url if is_safe_url(o.url, ("http", "https")) else ""),
        "address": (address, ""),
        "region": (in_every_language([view.region for view in views]) if o.region and not o.address else "", ""),
    }
    return tuple((kind, *values[kind]) for kind in CONTACT_KINDS if values[kind][0])


def _each_once(pairs) -> Markup:
    """(text or markup, language) pairs joined with " / ", each text once, each with its lang."""
    seen: list[str] = []
    spans = []
    for text, lang in pairs:
        if str(text) and str(text) not in seen:  # (a text and its ruby markup differ: kept apart)
            seen.append(str(text))
            spans.append(Markup('<span lang="{}">{}</span>').format(lang, text))
    return Markup('<span class="sep"> / </span>').join(spans)


def bilingual_label(languages, kind: str) -> Markup:
    """``Phone / 電話``: the label of a contact in every language of the handout, once each
    (a label without a translation is not repeated). The macro's output is markup (furigana)."""
    return _each_once((Markup(lang.parts.label(kind)).strip(), lang.lang) for lang in languages)


def _qr(url: str, size: float, label: str) -> Markup | None:
    # mailto: links are printed as text only; a QR code is for pages a phone can open.
    if url and is_safe_url(url, ("http", "https")):
        return qr_svg(url, size, label)
    return None


class HandoutLanguage:
    """One language of a handout: its views, and the macros that write its columns."""

    def __init__(self, lang: str, session: RenderSession):
        self.lang = lang
        self.views = ViewBuilder(session.content, session.translations(lang))
        env = session.environment(lang, phrase_breaking=True)
        self.parts: Any = env.get_template("_handout.html").module  # its macros: title, heading, …
        self.env = env
        self.is_source = lang == session.project.source_language

    def ruby(self, text):
        """``text`` with furigana where this language has them (else unchanged)."""
        return self.env.call_filter("ruby", text)


def _missing_fields(view, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(view, name).fallback]


@dataclass
class HandoutWarnings:
    """The warnings of one handout, in the order they are found."""

    label: str  # "handout '<id>'", the start of every message
    source_language: str
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)

    def warn(self, message: str, location: Location | None) -> None:
        self.diagnostics.append(Diagnostic(Severity.WARNING, message, location))

    def untranslated(self, lang: HandoutLanguage, what: str, fields: list[str], location: Location | None) -> None:
        """Warn that ``fields`` of ``what`` are printed in the source language (none: no warning)."""
        if fields:
            name = lang.views.localizer.translations.lang
            self.warn(
                f"{self.label}: {what} has no {language_name(name)} translation of {', '.join(fields)}; "
                f"the {language_name(self.source_language)} text is printed in its place "
                f"(translate it in {catalog_file(name, CONTENT_DOMAIN)})",
                location,
            )


@dataclass(frozen=True)
class _RowRecipe:
    """How one kind of entry becomes rows of a handout."""

    kind: str  # "organisation" or "reading": also the name of the macro that writes its column
    view_of: Callable[[ViewBuilder], Callable[[Any], Any]]  # the views' method for the entry
    translated_fields: tuple[str, ...]  # those whose fallback to the source language is warned about
    anchor_prefix: str
    contacts_of: Callable[[list[Any], list[Any]], tuple[tuple[str, str, str], ...]]  # (views, languages)
    column: Callable[[Any, Any, list[Any]], Markup]  # (language's macros, its view, every view) -> column


def _reading_contacts(views: list[ReadingView], languages) -> tuple[tuple[str, str, str], ...]:
    url = views[0].url
    return (("website", url, url if is_safe_url(url, ("http", "https")) else ""),) if url else ()


ORGANISATION_ROWS = _RowRecipe(
    "organisation",
    lambda v: v.organisation,
    ("name", "description", "region", "hours_note"),
    "org",
    _organisation_contacts,
    lambda parts, view, views: parts.organisation(view),
)
READING_ROWS = _RowRecipe(
    "reading",
    lambda v: v.reading,
    ("title", "summary"),
    "reading",
    _reading_contacts,
    lambda parts, view, views: parts.reading(view),
)


def entry_rows(
    recipe: _RowRecipe,
    items: Sequence[Any],
    languages: list[HandoutLanguage],
    geometry: Geometry,
    warnings: HandoutWarnings,
) -> tuple[list[HandoutEntry], list[Any]]:
    """One row per entry: its view in every language side by side, contacts and QR code once.
    Also every view made, for the glyph check."""
    made, all_views = [], []
    for item in items:
        views = [recipe.view_of(lang.views)(item) for lang in languages]
        all_views.extend(views)
        for lang, view in zip(languages, views):
            if not lang.is_source:
                warnings.untranslated(
                    lang,
                    f"{recipe.kind} '{item.id}'",
                    _missing_fields(view, recipe.translated_fields),
                    item.location(),
                )
        made.append(
            HandoutEntry(
                recipe.kind,
                item.id,
                f"{recipe.anchor_prefix}-{item.id}",
                tuple(recipe.column(lang.parts, view, views) for lang, view in zip(languages, views)),
                recipe.contacts_of(views, languages),
                _entry_qr(recipe.kind, item, languages, geometry, warnings),
                item.location(),
            )
        )
    return made, all_views


def _entry_qr(
    kind: str, item: Any, languages: list[HandoutLanguage], geometry: Geometry, warnings: HandoutWarnings
) -> Markup | None:
    """The QR code of the entry's link: none for a link a phone does not open, nor (with a
    warning) for one too long for a QR code."""
    try:
        return _qr(item.url, geometry.qr_size, str(languages[0].parts.qr_label()).strip())
    except DataOverflowError:
        warnings.warn(
            f"{warnings.label}: {kind} '{item.id}': its link ({len(item.url):,} characters) is too long for a "
            "QR code; it is printed as text only",
            item.location("url"),
        )
        return None
