"""The printable handbook: one PDF per language, every reading and organisation."""

from __future__ import annotations

from ..errors import BuildErrors
from ..model import Content
from ..render.context import ViewBuilder
from ..render.fonts import CSS_STACKS
from ..render.pdf import html_to_pdf
from ..reproducible import source_datetime
from .base import Rendered, RenderSession, Target, publication_glyph_problems


class HandbookExporter:
    kind = "handbook"

    def targets(self, content: Content) -> list[Target]:
        return [Target(self.kind, f"handbook-{lang}.pdf", lang) for lang in content.publication.languages]

    def render_html(self, target: Target, session: RenderSession) -> tuple[str, ViewBuilder, object]:
        content = session.content
        views = ViewBuilder(content, session.translations(target.lang))
        pub = views.publication()
        env = session.environment(target.lang, phrase_breaking=True)
        html = env.get_template("handbook.html").render(
            pub=pub,
            fonts=CSS_STACKS,
            paper=content.publication.paper,
            created=source_datetime().isoformat(),
            reading_count=len(content.readings),
            organisation_count=len(content.organisations),
        )
        return html, views, pub

    def render(self, target: Target, session: RenderSession) -> Rendered:
        html, views, pub = self.render_html(target, session)
        problems = publication_glyph_problems(pub)
        if problems:
            raise BuildErrors(problems)
        result = html_to_pdf(html, session.resource_roots, session.project.root)
        return Rendered(result.data, fallbacks=views.localizer.fallback_count, pages=result.pages)
