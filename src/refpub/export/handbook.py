"""The printable handbook: one PDF per language, every reading and organisation.

The book is laid out in parts by pdf/book.py (bounded memory, linear time); this module
says what its chapters are and renders a part with the project's handbook.html.
"""

from __future__ import annotations

from jinja2.filters import do_truncate

from ..building.clock import source_datetime
from ..content.model import Content
from ..diagnostics import Location
from ..errors import BuildError, BuildErrors
from ..pdf.book import BookRenderer, Chapter, Part, Slice
from ..pdf.fonts import font_stacks
from ..views.context import PublicationView, ViewBuilder
from ..views.environment import display_path
from .base import Rendered, RenderSession, interface_glyph_problems, publication_glyph_problems
from .protocol import Inputs, Target, whole_book

# Readings per part (about ten pages): a part is what the part cache keeps and what a worker
# lays out, so an edit lays out about ten pages again. The join embeds each font once, however
# many parts there are, and WeasyPrint lays small documents out no slower than large ones.
PART_BUDGET = 50
# An organisation's entry (description, services, contacts, hours) is about as long as one and a
# half readings: its parts hold 33 entries, so that every part is about ten pages long and an
# edited organisation lays out no more pages again than an edited reading.
ORGANISATION_WEIGHT = 1.5


def chapters(pub: PublicationView, env, gettext) -> list[Chapter]:
    """The handbook's chapters in order: a section of readings each, organisations, the index."""
    # A running header is one line: long titles are shortened (the furniture and handbook.html's
    # data-running both print Chapter.running).
    found = [
        Chapter("readings", s.anchor, do_truncate(env, str(s.title), 60, True), s.readings, data=s)
        for s in pub.sections
    ]
    organisations = gettext("Support organisations")
    found.append(
        Chapter("organisations", "organisations", organisations, pub.organisations, weight=ORGANISATION_WEIGHT)
    )
    index = gettext("Organisations by service")
    found.append(Chapter("index", "service-index", index, pub.service_index, back=True))
    return found


def _require_parts(template, session: RenderSession) -> None:
    """A project's handbook.html written before the book was laid out in parts would print the
    whole book in every part: refuse it with what to do."""
    with open(template.filename, encoding="utf-8") as f:
        text = f.read()
        if "part." in text or '{% extends "!handbook.html" %}' in text:  # refpub's own does
            return
    location = Location(display_path(template.filename, session.project.root), 1)
    raise BuildError(
        "this handbook.html does not use `part`, which says what each part of the handbook holds; "
        'start it with {% extends "!handbook.html" %} and override the blocks you change, or copy '
        "refpub's current handbook.html and apply your changes to it (see templates/README.md)",
        location,
    )


class HandbookExporter:
    kind = "handbook"

    def targets(self, content: Content) -> list[Target]:
        return [Target(self.kind, f"handbook-{lang}.pdf", lang) for lang in content.publication.languages]

    def inputs(self, target: Target, content: Content) -> Inputs:
        return whole_book(target, content)

    def _context(self, target: Target, session: RenderSession):
        content = session.content
        views = ViewBuilder(content, session.translations(target.language))
        pub = views.publication()
        env = session.environment(target.language, phrase_breaking=True)
        context = dict(
            pub=pub,
            fonts=font_stacks(content.publication.languages, target.lang),
            paper=content.publication.paper,
            created=source_datetime().isoformat(),
            reading_count=len(content.readings),
            organisation_count=len(content.organisations),
        )
        return env, views, pub, context

    def render_html(self, target: Target, session: RenderSession) -> tuple[str, ViewBuilder, object]:
        """The whole handbook as one HTML document (for inspection; the build lays it out in parts)."""
        env, views, pub, context = self._context(target, session)
        book = chapters(pub, env, session.translations(target.language).gettext)
        part = Part(front=True, slices=tuple(Slice(c, 0, len(c.items)) for c in book), whole=True)
        html = env.get_template("handbook.html").render(part=part, page_furniture=True, **context)
        return html, views, pub

    def render(self, target: Target, session: RenderSession) -> Rendered:
        book = self.plan(target, session)
        return book.finish(book.renderer.lay_out_body(book.chapters))

    def plan(self, target: Target, session: RenderSession) -> BookPlan:
        """The handbook ready to be laid out in stages (the build's work queue, building/queue.py):
        its body's units in any order and any process, then :meth:`BookPlan.finish`."""
        env, views, pub, context = self._context(target, session)
        problems = publication_glyph_problems(pub) + interface_glyph_problems(session, target.language)
        if problems:
            raise BuildErrors(problems)
        template = env.get_template("handbook.html")
        _require_parts(template, session)
        furniture = env.get_template("_furniture.html")
        renderer = BookRenderer(
            render_part=lambda part: template.render(part=part, page_furniture=False, **context),
            render_furniture=lambda runnings: furniture.render(runnings=runnings, page_furniture=True, **context),
            resource_roots=session.resource_roots,
            base_dir=session.project.root,
            budget=PART_BUDGET,
            cache=session.part_cache,
            workers=session.part_workers,
        )
        book = chapters(pub, env, session.translations(target.language).gettext)
        return BookPlan(target, renderer, book, views)


class BookPlan:
    """One handbook planned: its renderer, chapters and views (whose fallbacks it counts)."""

    def __init__(self, target: Target, renderer: BookRenderer, chapters: list[Chapter], views: ViewBuilder):
        self.target = target
        self.renderer = renderer
        self.chapters = chapters
        self.views = views
        self.units = renderer.body_units(chapters)
        self.missing: dict[str, set] = {}  # interface strings its views lacked (the build's work queue)

    def unit_sizes(self) -> list[float]:
        """How much each unit holds (items times their weight): a measure of its cost."""
        return [sum(len(c.items) * c.weight for c in unit) for unit in self.units]

    def lay_out(self, index: int) -> list:
        return self.renderer.lay_out_unit(self.units[index])

    def finish(self, body: list) -> Rendered:
        renderer = self.renderer
        result = renderer.finish(self.chapters, body)
        notes = [f"{self.target.filename}: {renderer.laid_out} parts laid out, {renderer.reused} taken from the cache"]
        return Rendered(result.data, fallbacks=self.views.localizer.fallback_count, pages=result.pages, notes=notes)
