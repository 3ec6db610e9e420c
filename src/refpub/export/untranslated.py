"""What the printed outputs would show untranslated: ``refpub check``'s readiness to print.

A string without a translation falls back to the source language, which is fine while a
language is being translated, but not on a page about to be printed. For every handout,
handbook and reader, in every published language but the source, the output's HTML is rendered
(no layout: cheap) and the strings it printed in the source language are counted: one warning
per output and language, at the first of them in the catalog (an error with ``--strict``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import jinja2

from ..content.project import LOCALES_FOLDER, Project
from ..diagnostics import Diagnostic, Location, Reporter, Severity
from ..errors import BuildError, BuildErrors
from ..i18n.catalogs import CONTENT_DOMAIN, MESSAGES_DOMAIN
from ..i18n.extract import project_content_messages
from ..i18n.names import language_name
from ..i18n.pofile import read_po
from ..views.context import ViewBuilder
from .base import RenderSession
from .protocol import Target

UI = "ui:"  # how a fallen-back interface string is named among an output's fallbacks


def _shown(session: RenderSession) -> Iterator[tuple[str, str, frozenset[str]]]:
    """(output file, language, what it prints untranslated) for every printed output."""
    from .handbook import HandbookExporter
    from .handouts import HandoutExporter, handout_html
    from .reader import ReaderExporter

    content = session.content
    source = content.publication.source_language
    handouts = HandoutExporter()
    for target in handouts.targets(content):
        handout = next(h for h in content.publication.handouts if h.id == target.handout_id)
        session.begin_output()
        page = _rendered(partial(handout_html, handout, session))
        for lang, keys in (page.untranslated if page else {}).items():
            yield target.filename, lang, keys
    handbook, reader = HandbookExporter(), ReaderExporter()
    for lang in content.publication.languages:
        if lang == source:
            continue
        translations = session.translations(lang)
        session.begin_output()
        found = _rendered(partial(handbook.render_html, Target(handbook.kind, f"handbook-{lang}.pdf", lang), session))
        if found is not None:
            views = found[1]
            yield f"handbook-{lang}.pdf", lang, _keys(views, translations.missing_messages)
        session.begin_output()
        views = ViewBuilder(content, translations)
        target = Target(reader.kind, f"reader-{lang}.epub", lang)
        if _rendered(partial(reader.render_documents, target, session, views, views.publication())) is not None:
            yield target.filename, lang, _keys(views, translations.missing_messages)


def _keys(views: ViewBuilder, missing_messages: set) -> frozenset[str]:
    return frozenset((*views.localizer.fallbacks, *(f"{UI}{m}" for m in missing_messages)))


def _rendered(render):
    """``render()``, or None when the output cannot be rendered: the build reports why."""
    try:
        return render()
    except (BuildError, BuildErrors, jinja2.TemplateError):
        return None


class _Locations:
    """Where a fallen-back string is translated: its msgstr line in the language's catalog, or,
    not yet in the catalog, the content line it comes from (or the catalog itself)."""

    def __init__(self, project: Project):
        self.root = project.root
        self.paths = project.paths
        self.sources = {
            # the content's own problems are reported by check itself
            m.context: Location(rel, m.line)
            for rel, m in project_content_messages(project.root, Reporter())
        }
        self.catalogs: dict[tuple[str, str], tuple[str, dict]] = {}

    def _catalog(self, lang: str, domain: str) -> tuple[str, dict]:
        if (lang, domain) not in self.catalogs:
            path = self.paths.catalog(lang, domain)
            rel = path.relative_to(self.root).as_posix()
            lines: dict[tuple[str | None, str], int] = {}
            if path.is_file():
                po = read_po(path)
                for m in po.messages:
                    msgid = m.id[0] if isinstance(m.id, (list, tuple)) else m.id
                    lines.setdefault((m.context, msgid), po.msgstr_line(m))
            self.catalogs[(lang, domain)] = (rel, lines)
        return self.catalogs[(lang, domain)]

    def of(self, lang: str, key: str) -> Location:
        if key.startswith(UI):
            rel, lines = self._catalog(lang, MESSAGES_DOMAIN)
            line = next((n for (ctx, msgid), n in lines.items() if msgid == key[len(UI) :]), None)
            return Location(rel, line or 0)
        rel, lines = self._catalog(lang, CONTENT_DOMAIN)
        line = next((n for (ctx, _msgid), n in lines.items() if ctx == key), None)
        if line is not None:
            return Location(rel, line)
        return self.sources.get(key, Location(rel))


def untranslated_warnings(project: Project) -> list[Diagnostic]:
    """One warning per printed output and language that would show strings untranslated."""
    session = RenderSession(project)
    locations = _Locations(project)
    source_name = language_name(project.content.publication.source_language)
    found = []
    for filename, lang, keys in _shown(session):
        if not keys:
            continue
        where = sorted((locations.of(lang, key) for key in keys), key=_catalog_first)
        found.append(
            Diagnostic(
                Severity.WARNING,
                f"{filename} would print {len(keys)} string(s) in {source_name}, not yet translated into "
                f"{language_name(lang)} (the first is here); translate them before printing "
                "(`refpub i18n status` shows what is left)",
                where[0],
            )
        )
    return found


def _catalog_first(location: Location) -> tuple:
    """Strings in the catalog (to translate there) before those not yet in it (to extract)."""
    return (not location.file.startswith(f"{LOCALES_FOLDER}/"), location.file, location.line, location.column)
