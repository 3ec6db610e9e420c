"""Bilingual handouts: a page or two for the café table, every entry in two languages side by side.

The recipe for one handout:

1. select its entries (``selection.select_for_handout``);
2. build views of them once per language and render each language's columns with that
   language's environment (``_handout.html``), so interface strings, dates and the ``lang`` of
   fallbacks are those of the column;
3. lay the columns out with ``handout.html`` and WeasyPrint, then check the page count *before*
   writing: a handout that does not fit its declared pages is a build error naming the entries
   that fall beyond them, never a silently clipped page;
4. write the tagged PDF.

Two-up printing (``two_up: true``, A5) lays out the same handout twice, side by side on a
landscape A4 sheet, in one WeasyPrint document: a grid row of two identical copies breaks at
the same places, so sheet *n* carries page *n* twice, the fonts stay embedded once and the PDF
stays tagged (the second copy is marked ``aria-hidden``). No PDF imposition step, no extra
dependency.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Template
from markupsafe import Markup
from segno.encoder import DataOverflowError

from ..building.clock import source_datetime
from ..content.model import Content, Handout, OrganisationSelection, Publication, ReadingSelection
from ..content.project import catalog_file
from ..content.selection import HandoutEntries, handout_languages, select_for_handout
from ..content.urls import is_safe_url
from ..diagnostics import Diagnostic, Location, Reporter, Severity
from ..errors import BuildError, BuildErrors
from ..i18n.catalogs import CONTENT_DOMAIN, MESSAGES_DOMAIN
from ..i18n.names import language_name
from ..pdf.fonts import font_stacks
from ..pdf.furniture import furnish
from ..pdf.writer import render_document, write_pdf
from ..views.context import OrganisationView, ReadingView, ViewBuilder, edition_date
from ..views.qr import qr_svg
from .base import Rendered, RenderSession, check_glyphs, interface_glyph_problems
from .protocol import Inputs, Target

CUSTOM_ID = "custom"  # the id of a handout made with `refpub handout`
PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels

# Paper sizes in mm (portrait) and their CSS names.
PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}
CSS_PAGE_SIZE = {"A4": "A4", "A5": "A5", "Letter": "letter"}


@dataclass(frozen=True)
class Geometry:
    """Page geometry of a handout, in mm. One place for every number the stylesheet uses."""

    page_size: str  # CSS `size`
    page_width: float
    page_height: float
    copies: int = 1
    # At least 12 mm all round: inside what every home and office printer can print.
    margin_top: float = 12.0
    margin_side: float = 12.0
    # The footer sits in the bottom margin, its lowest line 12.5 mm above the edge.
    margin_bottom: float = 22.0
    footer_drop: float = 9.5
    qr_size: float = 22.0
    column_gap: float = 5.0

    @property
    def gap(self) -> float:
        """Space between two-up copies: each half keeps a full side margin at the cut line."""
        return 2 * self.margin_side

    @property
    def content_width(self) -> float:
        return self.page_width - 2 * self.margin_side

    @property
    def content_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    @property
    def copy_width(self) -> float:
        return (self.content_width - self.gap * (self.copies - 1)) / self.copies

    @property
    def qr_column(self) -> float:
        return self.qr_size

    def language_column(self, languages: int, with_qr: bool) -> float:
        """Width of one language column of a copy."""
        columns = languages + (1 if with_qr else 0)
        usable = self.copy_width - self.column_gap * (columns - 1) - (self.qr_column if with_qr else 0)
        return usable / languages


@dataclass(frozen=True)
class TypeSizes:
    """The type sizes of a handout, in points: `render_handout` tries them largest first."""

    body: float  # descriptions, summaries
    name: float  # an entry's name or title
    title: float
    heading: float
    small: float  # services, languages, hours, address, checked (Latin and other scripts)
    small_ja: float  # the same in Japanese
    contact: float  # phone, e-mail, web address
    label: float  # the label before a contact


# The legibility floor: nothing smaller than 8.5 pt in Latin script, 9 pt in Japanese (whose
# strokes need more room); the last size tried is the floor itself.
FLOOR_PT, FLOOR_JA_PT = 8.5, 9.0


def _sizes(body: float) -> TypeSizes:
    return TypeSizes(
        body=body,
        name=body + 1,
        title=body + 5,
        heading=body + 0.5,
        small=max(body - 1, FLOOR_PT),
        small_ja=max(body - 1, FLOOR_JA_PT),
        contact=max(body - 0.5, FLOOR_PT),
        label=max(body - 1.5, FLOOR_PT),
    )


TYPE_SIZES = (_sizes(10.0), _sizes(9.5), _sizes(9.0))

# Scripts whose marks stack above and below the letters (Burmese most of all) need taller lines
# than Latin, or the marks of one line touch the next: line heights by CLDR script code.
TALL_SCRIPTS = {"Mymr": 1.75, "Khmr": 1.7, "Thai": 1.6, "Laoo": 1.6, "Tibt": 1.7, "Sinh": 1.6, "Arab": 1.6,
                "Deva": 1.55, "Beng": 1.55, "Guru": 1.55, "Gujr": 1.55, "Taml": 1.55, "Telu": 1.55,
                "Knda": 1.55, "Mlym": 1.55, "Ethi": 1.5}  # fmt: skip


def tall_script_rules(languages: Sequence[str]) -> str:
    """CSS: the line height of each language of the handout written in a tall script."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    rules = []
    for lang in languages:
        parts = str(likely.get(lang.replace("-", "_").split("_")[0], "")).split("_")
        height = TALL_SCRIPTS.get(parts[1]) if len(parts) > 1 else None
        if height:
            selectors = ", ".join(f"{tag}:lang({lang})" for tag in ("", ".services", ".detail", ".meta", "p"))
            rules.append(f"{selectors} {{ line-height: {height}; }}")
    return "\n".join(rules)


def geometry_for(paper: str, two_up: bool, languages: int = 2) -> Geometry:
    """The page of a handout. Three languages or more turn the paper to landscape: each column
    then keeps about the measure of a two-language portrait page (80 mm on A4) instead of
    shrinking to 50 mm, where a line holds three or four English words and hyphenates every
    other one; the rows get shorter as a result, so a handout of the same entries may need a
    second page, which `pages` says."""
    if two_up:
        # Two A5 handouts on one landscape A4 sheet, to be cut in half.
        width, height = PAPER_MM["A4"]
        return Geometry("A4 landscape", height, width, copies=2, qr_size=21.0, column_gap=4.0)
    width, height = PAPER_MM[paper]
    if languages >= 3:
        size = f"{CSS_PAGE_SIZE[paper]} landscape"
        if paper == "A5":
            return Geometry(size, height, width, qr_size=21.0, column_gap=4.0)
        return Geometry(size, height, width)
    if paper == "A5":
        return Geometry(CSS_PAGE_SIZE[paper], width, height, qr_size=21.0, column_gap=4.0)
    return Geometry(CSS_PAGE_SIZE[paper], width, height)


# ----------------------------------------------------------------------------- the handout


@dataclass(frozen=True)
class HandoutEntry:
    """One row of the handout: the entry's columns (one per language), contacts and QR code."""

    kind: str  # "organisation" or "reading"
    id: str
    anchor: str
    columns: tuple[Markup, ...]
    contacts: tuple[tuple[str, str, str], ...]  # (kind, value as printed, link or "")
    qr: Markup | None
    location: Location | None


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


def _bilingual_label(languages, kind: str) -> Markup:
    """``Phone / 電話``: the label of a contact in every language of the handout, once each
    (a label without a translation is not repeated). The macro's output is markup (furigana)."""
    return _each_once((Markup(lang.parts.label(kind)).strip(), lang.lang) for lang in languages)


def _qr(url: str, size: float, label: str) -> Markup | None:
    # mailto: links are printed as text only; a QR code is for pages a phone can open.
    if url and is_safe_url(url, ("http", "https")):
        return qr_svg(url, size, label)
    return None


class _Language:
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


class HandoutExporter:
    kind = "handouts"

    def targets(self, content: Content) -> list[Target]:
        return [Target(self.kind, f"handout-{h.id}.pdf", None, handout_id=h.id) for h in content.publication.handouts]

    def inputs(self, target: Target, content: Content) -> Inputs:
        """The selected entries, the handout's languages, and of the content strings only those
        of its entries (editing another organisation does not rebuild it)."""
        handout = next((h for h in content.publication.handouts if h.id == target.handout_id), None)
        if handout is None:
            return Inputs(settings=content.publication)
        selected = select_for_handout(content, handout)
        contexts = (
            *(f"organisation:{o.id}:" for o in selected.organisations),
            *(f"reading:{r.id}:" for r in selected.readings),
            "publication:",
            "section:",
            "topic:",
            "handout:",  # every handout's: one of the same title may share its translation
        )
        return Inputs(
            (*selected.organisations, *selected.readings),
            content.publication,
            tuple(handout_languages(handout, content)),
            contexts,
        )

    def render(self, target: Target, session: RenderSession) -> Rendered:
        handout = next((h for h in session.content.publication.handouts if h.id == target.handout_id), None)
        if handout is None:
            raise BuildError(f"no handout '{target.handout_id}' in content/publication.yaml")
        return render_handout(handout, session)


@dataclass
class HandoutPage:
    """A handout as HTML, before layout: what `render_handout` lays out and checks."""

    handout: Handout
    html: str
    paper: str
    geometry: Geometry
    entries: list[HandoutEntry]
    warnings: list[Diagnostic]
    fallbacks: int
    # The same handout with its rows in another order (organisations, readings): see `balance`.
    reordered: Callable[[list[HandoutEntry], list[HandoutEntry]], str]
    # The footer alone on n pages (drawn onto the handout's pages as an artifact).
    furniture: Callable[[int], str]
    # What each language's columns print untranslated: content contexts and "ui:<msgid>"
    # (for `refpub check`, export/untranslated.py).
    untranslated: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)

    @property
    def organisations(self) -> list[HandoutEntry]:
        return [e for e in self.entries if e.kind == "organisation"]

    @property
    def readings(self) -> list[HandoutEntry]:
        return [e for e in self.entries if e.kind == "reading"]


def handout_html(handout: Handout, session: RenderSession, sizes: TypeSizes | None = None) -> HandoutPage:
    """The HTML of ``handout`` in type ``sizes`` (the largest by default), with a warning for
    every entry missing a translation.

    The recipe: select its entries, open its languages and choose its page, title it in every
    language, make one row per entry, require a glyph for every character, render the page,
    then warn about the interface strings that fell back to the source language.
    """
    pub = session.content.publication
    entries = _selected_entries(handout, session.content)
    paper = handout.paper or pub.paper
    languages = [_Language(lang, session) for lang in handout_languages(handout, session.content)]
    geometry = geometry_for(paper, handout.two_up, len(languages))
    warnings = _Warnings(_label(handout), pub.source_language)
    titles = _titles(handout, pub, languages, warnings)
    organisations, organisation_views = _rows(_ORGANISATION_ROWS, entries.organisations, languages, geometry, warnings)
    readings, reading_views = _rows(_READING_ROWS, entries.readings, languages, geometry, warnings)
    _require_glyphs(handout, session, languages, titles, reading_views, organisation_views)
    template = _page_template(
        handout, session, languages, geometry, titles, [*organisations, *readings], sizes or TYPE_SIZES[0]
    )
    html = template.page(organisations, readings)
    _warn_untranslated_interface(handout, languages, warnings)  # after rendering: it counts what rendering missed
    fallbacks = sum(lang.views.localizer.fallback_count for lang in languages)
    return HandoutPage(
        handout,
        html,
        paper,
        geometry,
        [*organisations, *readings],
        warnings.diagnostics,
        fallbacks,
        template.page,
        template.furniture,
        {
            lang.lang: frozenset(
                (
                    *lang.views.localizer.fallbacks,
                    *(f"ui:{m}" for m in lang.views.localizer.translations.missing_messages),
                )
            )
            for lang in languages
            if not lang.is_source
        },
    )


def _label(handout: Handout) -> str:
    return f"handout '{handout.id}'"


def _selected_entries(handout: Handout, content: Content) -> HandoutEntries:
    """The handout's organisations and readings; a build error if it selects none."""
    entries = select_for_handout(content, handout)
    if not entries:
        how = (
            "use --orgs, --services, --region, --readings, --section or --topics"
            if handout.id == CUSTOM_ID
            else "give it 'organisations' or 'readings' (ids or filters)"
        )
        raise BuildError(f"{_label(handout)} selects no organisations and no readings; {how}", handout.location())
    return entries


@dataclass
class _Warnings:
    """The warnings of one handout, in the order they are found."""

    label: str  # "handout '<id>'", the start of every message
    source_language: str
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)

    def warn(self, message: str, location: Location | None) -> None:
        self.diagnostics.append(Diagnostic(Severity.WARNING, message, location))

    def untranslated(self, lang: _Language, what: str, fields: list[str], location: Location | None) -> None:
        """Warn that ``fields`` of ``what`` are printed in the source language (none: no warning)."""
        if fields:
            name = lang.views.localizer.translations.lang
            self.warn(
                f"{self.label}: {what} has no {language_name(name)} translation of {', '.join(fields)}; "
                f"the {language_name(self.source_language)} text is printed in its place "
                f"(translate it in {catalog_file(name, CONTENT_DOMAIN)})",
                location,
            )


def _titles(handout: Handout, pub: Publication, languages: list[_Language], warnings: _Warnings) -> list[str]:
    """The handout's title in every language: its own, or the publication's for an ad-hoc
    handout without one."""
    titles = []
    edition = edition_date(pub)
    for lang in languages:
        loc = lang.views.localizer
        title = (
            lang.views.handout_title(handout) if handout.title else loc.field("publication", None, "title", pub.title)
        )
        if title.fallback:
            warnings.untranslated(
                lang, f'the title "{handout.title or pub.title}"', ["title"], handout.location("title")
            )
        titles.append(lang.parts.title(title, edition))
    return titles


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


_ORGANISATION_ROWS = _RowRecipe(
    "organisation",
    lambda v: v.organisation,
    ("name", "description", "region", "hours_note"),
    "org",
    _organisation_contacts,
    lambda parts, view, views: parts.organisation(view),
)
_READING_ROWS = _RowRecipe(
    "reading",
    lambda v: v.reading,
    ("title", "summary"),
    "reading",
    _reading_contacts,
    lambda parts, view, views: parts.reading(view),
)


def _rows(
    recipe: _RowRecipe, items: Sequence[Any], languages: list[_Language], geometry: Geometry, warnings: _Warnings
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
    kind: str, item: Any, languages: list[_Language], geometry: Geometry, warnings: _Warnings
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


def _require_glyphs(
    handout: Handout,
    session: RenderSession,
    languages: list[_Language],
    titles: list[str],
    reading_views: list[Any],
    organisation_views: list[Any],
) -> None:
    """Raise BuildErrors for every character of the handout, or of its languages' interface
    strings, that no installed font can draw."""
    label = _label(handout)
    problems = check_glyphs(
        reading_views, organisation_views, [(label, str(t), handout.location("title")) for t in titles]
    )
    problems += [p for lang in languages for p in interface_glyph_problems(session, lang.lang)]
    if problems:
        raise BuildErrors(problems)


@dataclass(frozen=True)
class _PageTemplate:
    """``handout.html`` with everything but the rows filled in."""

    template: Template
    fixed: dict[str, Any]

    def page(self, organisations: list[HandoutEntry], readings: list[HandoutEntry]) -> str:
        """The handout with its rows in this order (see `balance`)."""
        return self.template.render(self.fixed, organisations=organisations, readings=readings, furniture_pages=0)

    def furniture(self, pages: int) -> str:
        """The footer alone on ``pages`` pages (drawn onto the handout's pages as an artifact)."""
        return self.template.render(self.fixed, organisations=[], readings=[], furniture_pages=pages)


def _page_template(
    handout: Handout,
    session: RenderSession,
    languages: list[_Language],
    geometry: Geometry,
    titles: list[str],
    entries: list[HandoutEntry],
    sizes: TypeSizes,
) -> _PageTemplate:
    """The page's template in the first language's environment, with its titles, headings,
    labels, footers, geometry and fonts."""
    pub = session.content.publication
    edition = edition_date(pub)
    template = session.environment(languages[0].lang, phrase_breaking=True).get_template("handout.html")
    fixed = dict(
        document_title=" / ".join(_plain_titles(languages, handout, pub)),
        publisher=pub.publisher,
        created=source_datetime().isoformat(),
        langs=[lang.lang for lang in languages],
        cols=[{"lang": lang.lang, "parts": lang.parts} for lang in languages],
        titles=titles,
        organisation_headings=[lang.parts.heading("organisations") for lang in languages],
        reading_headings=[lang.parts.heading("readings") for lang in languages],
        contact_labels={
            kind: "" if kind in UNLABELLED else _bilingual_label(languages, kind) for kind in CONTACT_KINDS
        },
        type=sizes,
        tall_scripts=tall_script_rules([lang.lang for lang in languages]),
        footers=[lang.parts.footer(edition, pub.latest_url) for lang in languages],
        has_qr=any(e.qr for e in entries),
        copies=geometry.copies,
        geometry=geometry,
        fonts=font_stacks([*pub.languages, *(lang.lang for lang in languages)], languages[0].lang),
    )
    return _PageTemplate(template, fixed)


def _warn_untranslated_interface(handout: Handout, languages: list[_Language], warnings: _Warnings) -> None:
    """One warning per language for the interface strings (labels, headings) the page was
    rendered without a translation of."""
    for lang in languages:
        ui_missing = sorted(lang.views.localizer.translations.missing_messages)
        if ui_missing and not lang.is_source:
            shown = ", ".join(f'"{m}"' for m in ui_missing[:6]) + (", …" if len(ui_missing) > 6 else "")
            warnings.warn(
                f"{warnings.label}: {len(ui_missing)} interface string(s) have no {language_name(lang.lang)} translation "
                f"({shown}); translate them in {catalog_file(lang.lang, MESSAGES_DOMAIN)}",
                handout.location(),
            )


def render_handout(handout: Handout, session: RenderSession) -> Rendered:
    """Lay out ``handout`` and check that it fits its pages; raises BuildErrors if it does not."""

    def layout(html: str):
        return render_document(html, session.resource_roots, session.project.root)

    # The largest type that fits the declared pages; smaller type only down to the floor.
    for sizes in TYPE_SIZES:
        page = handout_html(handout, session, sizes)
        too_tall = rows_taller_than_a_page(page)
        if too_tall:  # decided from the text alone: laying such a row out would take minutes
            raise BuildErrors(too_tall)
        document, html, moved = balance(page, layout(page.html), layout)
        if len(document.pages) <= handout.pages:
            break
    else:
        raise BuildErrors(overflow_errors(document, handout, page.paper, page.geometry, page.entries))
    footer = layout(page.furniture(len(document.pages)))
    data = furnish(write_pdf(document, html), write_pdf(footer, html, tagged=False))
    notes = [f"handout '{handout.id}': {fill_report(page_fill(document, page.geometry))}, type {sizes.body:g} pt"]
    if moved:
        notes.append(
            f"handout '{handout.id}': to fill its pages, moved up: " + ", ".join(f"{e.kind} '{e.id}'" for e in moved)
        )
    return Rendered(data, fallbacks=page.fallbacks, warnings=page.warnings, pages=len(document.pages), notes=notes)


def _plain_titles(languages, handout: Handout, pub) -> list[str]:
    titles = []
    for lang in languages:
        text = str(lang.views.handout_title(handout) if handout.title else pub.title)
        if text not in titles:
            titles.append(text)
    return titles


# ----------------------------------------------------------------------------- fitting the paper

# A lower bound of the room text needs, whatever the font: no glyph of the handout's smallest
# text (8.5 pt) is narrower than a quarter em, no East Asian wide one narrower than an em, and
# no line is lower than 1.2 em.
_SMALLEST_PT = 8.5
_MIN_LATIN_MM = 0.25 * _SMALLEST_PT * 25.4 / 72
_MIN_WIDE_MM = 1.0 * _SMALLEST_PT * 25.4 / 72
_MIN_LINE_MM = 1.2 * _SMALLEST_PT * 25.4 / 72


def _min_height_mm(text: str, width_mm: float) -> float:
    """The least height ``text`` can take in a column ``width_mm`` wide."""
    import unicodedata

    length = sum(
        _MIN_WIDE_MM if unicodedata.east_asian_width(c) in ("W", "F") else _MIN_LATIN_MM
        for c in text
        if not unicodedata.combining(c) and not c.isspace()
    )
    return math.ceil(length / width_mm) * _MIN_LINE_MM if length else 0.0


def rows_taller_than_a_page(page: HandoutPage) -> list[BuildError]:
    """Errors for rows whose text cannot fit on one page in any font, found before layout.

    A row is kept on one page (a café reader should not turn the sheet mid-entry); a row that
    is taller than the page (a 10,000-character word, say) would have WeasyPrint split a table
    row over dozens of pages for minutes before the page count says it does not fit.
    """
    from lxml import html as lxml_html

    geometry = page.geometry
    errors = []
    for entry in page.entries:
        width = geometry.language_column(len(entry.columns), entry.qr is not None)
        columns = [lxml_html.fragment_fromstring(str(c), create_parent="div").text_content() for c in entry.columns]
        contacts_width = width * len(entry.columns) + geometry.column_gap * (len(entry.columns) - 1)
        needed = max((_min_height_mm(text, width) for text in columns), default=0.0)
        needed += _min_height_mm(" ".join(f"{kind} {value}" for kind, value, _ in entry.contacts), contacts_width)
        if needed > geometry.content_height:
            errors.append(
                BuildError(
                    f"handout '{page.handout.id}': {entry.kind} '{entry.id}' needs at least {needed:.0f} mm of a "
                    f"{geometry.content_height:.0f} mm page in any font, so it cannot fit on one page; shorten its text",
                    entry.location,
                )
            )
    return errors


def _entry_fragments(document) -> dict[str, list[tuple[int, float]]]:
    """anchor -> [(page number, height in mm)] of every laid-out fragment of every entry."""
    found: dict[str, list[tuple[int, float]]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) != "article":
                continue
            anchor = element.get("id")
            if anchor and (anchor.startswith("org-") or anchor.startswith("reading-")):
                found.setdefault(anchor, []).append((number, box.margin_height() / PX_PER_MM))
    return found


def _rows_on(page) -> Iterator[tuple[str, Any]]:
    """(kind, box) of the rows of a laid-out page: "head", "group-heading" or "entry" (the
    outermost box of each: a table's wrapper, not the table inside it)."""
    seen = set()
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None or getattr(box, "element_tag", None) not in ("article", "header", "div"):
            continue
        if id(element) in seen:
            continue
        seen.add(id(element))
        classes = (element.get("class") or "").split()
        if "entry" in classes:
            yield "entry", box
        elif "row" in classes and "footer" not in classes:
            yield ("head" if "head" in classes else "group-heading"), box


def used_mm(document) -> list[float]:
    """How far down each page its rows reach, in mm from the top of the page area."""
    used = []
    for page in document.pages:
        top = page._page_box.content_box_y()
        bottom = max((box.position_y + box.margin_height() for _, box in _rows_on(page)), default=top)
        used.append((bottom - top) / PX_PER_MM)
    return used


def page_fill(document, geometry: Geometry) -> list[float]:
    """The share of each page's height that its rows use (0 to 1)."""
    return [mm / geometry.content_height for mm in used_mm(document)]


def fill_report(fill: list[float]) -> str:
    return "pages filled " + ", ".join(f"{n}: {share:.0%}" for n, share in enumerate(fill, start=1))


def _overflow_mm(document, allowed: int) -> float:
    """How much content (mm) the pages beyond the allowed ones carry: on each, from the top of
    the page area to the bottom of the lowest entry or heading."""
    return sum(used_mm(document)[allowed:])


# A page is filled when its rows use this much of it; below, `balance` tries another order.
FILLED = 0.8


def _measured_groups(document, page: HandoutPage) -> tuple[float, list[tuple[float, list[HandoutEntry]]], dict] | None:
    """From a layout: the header's height, each group's heading height and rows, and each row's
    height (mm); None when a row is split over pages (then no order helps)."""
    geometry = page.geometry
    left_copy_end = (geometry.margin_side + geometry.copy_width) * PX_PER_MM
    header = 0.0
    headings: list[float] = []
    for doc_page in document.pages:
        for kind, box in _rows_on(doc_page):
            if box.position_x >= left_copy_end:  # the second copy of a two-up sheet
                continue
            if kind == "head":
                header = box.margin_height() / PX_PER_MM
            elif kind == "group-heading":
                headings.append(box.margin_height() / PX_PER_MM)
    fragments = _entry_fragments(document)
    if any(len(fragments.get(e.anchor, ())) != 1 for e in page.entries):
        return None
    heights = {e.anchor: fragments[e.anchor][0][1] for e in page.entries}
    groups = [rows for rows in (page.organisations, page.readings) if rows]
    if len(headings) != len(groups):
        return None
    return header, list(zip(headings, groups)), heights


def pack(header: float, groups: list[tuple[float, list]], height_of, capacity: float) -> tuple[list[list], list[float]]:
    """Rows onto pages: in their declared order while they fit; when the next one does not, the
    tallest later rows of its group that still fit fill the page first. A group's heading stays
    with its first row. Returns each group's rows in the new order and each page's height used."""
    pages: list[float] = []
    used = header
    orders = []
    for heading, rows in groups:
        rest = list(rows)
        order: list = []
        while rest:
            above = heading if not order else 0.0
            fitting = [r for r in rest if used + above + height_of(r) <= capacity]
            if rest[0] in fitting:
                pick = rest[0]
            elif fitting and used > 0:  # the tallest that fits; of equals, the first declared
                pick = max(fitting, key=lambda r: (round(height_of(r), 1), -rest.index(r)))
            elif used > 0:
                pages.append(used)
                used = 0.0
                continue
            else:  # taller than a page: it goes where it is
                pick = rest[0]
            order.append(pick)
            rest.remove(pick)
            used += above + height_of(pick)
        orders.append(order)
    pages.append(used)
    return orders, pages


def balance(page: HandoutPage, document, layout) -> tuple[Any, str, list[HandoutEntry]]:
    """The laid-out handout with its pages filled: when a page before the last is less than
    `FILLED` full (a row that does not fit went whole to the next page), the rows are packed
    again (`pack`) and laid out anew; the new order is kept only if it needs fewer pages, or as
    many with its least filled page (but the last) fuller. Returns the document, its HTML and the
    rows moved up."""
    fill = page_fill(document, page.geometry)
    if len(fill) < 2 or min(fill[:-1]) >= FILLED:
        return document, page.html, []
    measured = _measured_groups(document, page)
    if measured is None:
        return document, page.html, []
    header, groups, heights = measured
    orders, _ = pack(header, groups, lambda e: heights[e.anchor], page.geometry.content_height - 0.5)
    by_kind = {rows[0].kind: order for (_, rows), order in zip(groups, orders)}
    organisations, readings = by_kind.get("organisation", []), by_kind.get("reading", [])
    if organisations == page.organisations and readings == page.readings:
        return document, page.html, []
    html = page.reordered(organisations, readings)
    candidate = layout(html)
    new_fill = page_fill(candidate, page.geometry)
    better = len(new_fill) < len(fill) or (len(new_fill) == len(fill) and min(new_fill[:-1]) > min(fill[:-1]))
    if not better:
        return document, page.html, []
    declared = [*page.organisations, *page.readings]
    placed = [*organisations, *readings]
    moved = [e for e in placed if placed.index(e) < declared.index(e)]
    return candidate, html, moved


def overflow_errors(document, handout: Handout, paper: str, geometry: Geometry, entries) -> list[BuildError]:
    """Build errors for a handout that needs more pages than declared: which entries fall beyond
    the allowed pages, and by how much."""
    allowed = handout.pages
    needed = len(document.pages)
    fragments = _entry_fragments(document)
    overflow = _overflow_mm(document, allowed)
    sheet = f"{paper} two-up" if handout.two_up else paper
    errors = [
        BuildError(
            f"handout '{handout.id}' must fit {allowed} {sheet} page(s) but needs {needed}: about "
            f"{overflow:.0f} mm too much ({overflow / geometry.content_height:.0%} of a page); shorten or drop "
            f"the entries below, narrow the selection, or set 'pages: {needed}'",
            handout.location("pages") or handout.location(),
        )
    ]
    for entry in entries:
        pieces = fragments.get(entry.anchor, [])
        beyond = [(page, mm) for page, mm in pieces if page > allowed]
        if not beyond:
            continue
        first_page = beyond[0][0]
        spilled = sum(mm for _, mm in beyond)
        errors.append(
            BuildError(
                f"handout '{handout.id}': {entry.kind} '{entry.id}' does not fit on {allowed} page(s); "
                f"{spilled:.0f} mm of it falls on page {first_page}",
                entry.location,
            )
        )
    return errors


# ----------------------------------------------------------------------------- ad-hoc handouts


def custom_handout(
    *,
    organisations: OrganisationSelection = OrganisationSelection(),
    readings: ReadingSelection = ReadingSelection(),
    languages: tuple[str, ...] = (),
    paper: str = "",
    pages: int = 1,
    two_up: bool = False,
    title: str = "",
) -> Handout:
    """A handout that is not in publication.yaml (``refpub handout``)."""
    return Handout(
        id=CUSTOM_ID,
        title=title,
        languages=languages,
        paper=paper,
        pages=pages,
        two_up=two_up,
        organisations=organisations,
        readings=readings,
    )


def custom_handout_from_options(
    *,
    orgs=(),
    services=(),
    region: str = "",
    readings=(),
    section: str = "",
    topics=(),
    newest: int | None = None,
    languages=(),
    paper: str | None = None,
    pages: int = 1,
    two_up: bool = False,
    title: str = "",
) -> Handout:
    """The handout `refpub handout` describes with its options."""
    return custom_handout(
        organisations=OrganisationSelection(ids=tuple(orgs or ()), services=tuple(services or ()), region=region or ""),
        readings=ReadingSelection(
            ids=tuple(readings or ()), section=section or "", topics=tuple(topics or ()), newest=newest
        ),
        languages=tuple(languages or ()),
        paper=paper or "",
        pages=pages,
        two_up=two_up,
        title=title or "",
    )


def check_custom_handout(content: Content, handout: Handout) -> list[Diagnostic]:
    """The checks `refpub check` makes of a declared handout (unknown ids, languages, staleness),
    made of an ad-hoc one."""
    from ..content.validate import validate

    reporter = Reporter()
    pub = dataclasses.replace(content.publication, handouts=(handout,))
    validate(dataclasses.replace(content, publication=pub), reporter)
    prefix = f"handout '{handout.id}'"
    return [d for d in reporter.sorted() if d.message.startswith(prefix)]
