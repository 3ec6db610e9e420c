"""Bilingual handouts: a page or two for the café table, every entry in two languages side by side.

The recipe for one handout:

1. select its entries (``selection.select_for_handout``);
2. build views of them once per language and render each language's columns with that
   language's environment (``_handout.html``), so interface strings, dates and the ``lang`` of
   fallbacks are those of the column;
3. lay the columns out with ``handout.html`` and WeasyPrint in the largest type that fits the
   declared pages (``pdf/fitting.py``), checking the page count *before* writing: a handout that
   does not fit is a build error naming the entries that fall beyond them, never a silently
   clipped page;
4. write the tagged PDF.

Two-up printing (``two_up: true``, A5) lays out the same handout twice, side by side on a
landscape A4 sheet, in one WeasyPrint document: a grid row of two identical copies breaks at
the same places, so sheet *n* carries page *n* twice, the fonts stay embedded once and the PDF
stays tagged (the second copy is marked ``aria-hidden``). No PDF imposition step, no extra
dependency.

The page's geometry and type sizes are ``views/handout_geometry.py``'s, the rows are made by
``handout_rows.py``, and an ad-hoc handout (``refpub handout``) is ``content/adhoc.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Template

from ..building.clock import source_datetime
from ..content.adhoc import CUSTOM_ID
from ..content.model import Content, Handout, Publication
from ..content.project import catalog_file
from ..content.selection import HandoutEntries, handout_languages, select_for_handout
from ..errors import BuildError, BuildErrors
from ..i18n.catalogs import MESSAGES_DOMAIN
from ..i18n.names import language_name
from ..pdf.fitting import fill_report, fit_pages, page_fill
from ..pdf.fonts import font_stacks
from ..pdf.furniture import furnish
from ..pdf.writer import render_document, write_pdf
from ..views.context import edition_date
from ..views.handout_geometry import TYPE_SIZES, Geometry, TypeSizes, geometry_for, tall_script_rules
from ..views.handout_page import HandoutEntry, HandoutPage
from .base import Rendered, RenderSession, check_glyphs, interface_glyph_problems
from .handout_rows import (
    CONTACT_KINDS,
    ORGANISATION_ROWS,
    READING_ROWS,
    UNLABELLED,
    HandoutLanguage,
    HandoutWarnings,
    bilingual_label,
    entry_rows,
)
from .protocol import Inputs, Target


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
    languages = [HandoutLanguage(lang, session) for lang in handout_languages(handout, session.content)]
    geometry = geometry_for(paper, handout.two_up, len(languages))
    warnings = HandoutWarnings(_label(handout), pub.source_language)
    titles = _titles(handout, pub, languages, warnings)
    organisations, organisation_views = entry_rows(
        ORGANISATION_ROWS, entries.organisations, languages, geometry, warnings
    )
    readings, reading_views = entry_rows(READING_ROWS, entries.readings, languages, geometry, warnings)
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


def _titles(
    handout: Handout, pub: Publication, languages: list[HandoutLanguage], warnings: HandoutWarnings
) -> list[str]:
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


def _require_glyphs(
    handout: Handout,
    session: RenderSession,
    languages: list[HandoutLanguage],
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
    languages: list[HandoutLanguage],
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
        contact_labels={kind: "" if kind in UNLABELLED else bilingual_label(languages, kind) for kind in CONTACT_KINDS},
        type=sizes,
        tall_scripts=tall_script_rules([lang.lang for lang in languages]),
        footers=[lang.parts.footer(edition, pub.latest_url) for lang in languages],
        has_qr=any(e.qr for e in entries),
        copies=geometry.copies,
        geometry=geometry,
        fonts=font_stacks([*pub.languages, *(lang.lang for lang in languages)], languages[0].lang),
    )
    return _PageTemplate(template, fixed)


def _warn_untranslated_interface(handout: Handout, languages: list[HandoutLanguage], warnings: HandoutWarnings) -> None:
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

    fitted = fit_pages(lambda sizes: handout_html(handout, session, sizes), layout)
    document, page = fitted.document, fitted.page
    footer = layout(page.furniture(len(document.pages)))
    data = furnish(write_pdf(document, fitted.html), write_pdf(footer, fitted.html, tagged=False))
    notes = [
        f"handout '{handout.id}': {fill_report(page_fill(document, page.geometry))}, type {fitted.sizes.body:g} pt"
    ]
    if fitted.moved:
        notes.append(
            f"handout '{handout.id}': to fill its pages, moved up: "
            + ", ".join(f"{e.kind} '{e.id}'" for e in fitted.moved)
        )
    return Rendered(data, fallbacks=page.fallbacks, warnings=page.warnings, pages=len(document.pages), notes=notes)


def _plain_titles(languages, handout: Handout, pub) -> list[str]:
    titles = []
    for lang in languages:
        text = str(lang.views.handout_title(handout) if handout.title else pub.title)
        if text not in titles:
            titles.append(text)
    return titles
