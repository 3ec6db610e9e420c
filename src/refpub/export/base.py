"""What every exporter shares: targets, the render session, and the result of a rendering.

An exporter is a small object with a ``kind`` (handbook, reader, handouts), the ``targets`` it
would produce for some content, and ``render(target, session) -> Rendered``. Exporters never
write files: the build writes every output atomically (see build.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import jinja2

from ..content.model import Content
from ..content.project import Project
from ..diagnostics import Location
from ..errors import BuildError
from ..i18n.catalogs import Translations, load_translations
from ..pdf.fonts import missing_glyphs
from ..pdf.partcache import PartCache
from ..views.context import Localizer, OrganisationView, PublicationView, ReadingView
from ..views.environment import Furigana, make_environment, page_isolation, template_dirs
from ..views.interface import interface_callables
from .protocol import Rendered, Target  # re-exported: exporters import them from here too


class RenderSession:
    """Per-process caches for one build: translations and Jinja environments, made once."""

    def __init__(self, project: Project):
        self.project = project
        self._translations: dict[str, Translations] = {}
        self._environments: dict[tuple, jinja2.Environment] = {}
        self.part_cache: PartCache | None = None  # set by the build (pdf/partcache.py)
        self.part_workers = 1  # processes a handbook may lay its parts out in (set by the build)

    @property
    def content(self) -> Content:
        return self.project.content

    def translations(self, lang: str) -> Translations:
        if lang not in self._translations:
            self._translations[lang] = load_translations(self.project.root, lang, self.project.source_language)
        return self._translations[lang]

    def begin_output(self) -> None:
        """Count interface fallbacks afresh: each output reports the strings it used itself,
        not those of the outputs rendered before it in this session."""
        for translations in self._translations.values():
            translations.missing_messages.clear()

    def missing_messages(self) -> dict[str, set]:
        """The interface strings each language has lacked since :meth:`begin_output`."""
        return {lang: set(t.missing_messages) for lang, t in self._translations.items()}

    def add_missing_messages(self, missing: dict[str, set]) -> None:
        """Count the strings another process lacked for the same output (a stage of it)."""
        for lang, messages in missing.items():
            self.translations(lang).missing_messages.update(messages)

    def environment(self, lang: str, *, xhtml: bool = False, phrase_breaking: bool = False) -> jinja2.Environment:
        key = (lang, xhtml, phrase_breaking)
        if key not in self._environments:
            self._environments[key] = make_environment(
                self.project.root,
                self.translations(lang),
                xhtml=xhtml,
                phrase_breaking=phrase_breaking,
                furigana=self.furigana,
            )
        return self._environments[key]

    @property
    def furigana(self) -> Furigana | None:
        """Ruby settings for the environments, or None when no language gets furigana."""
        pub = self.content.publication
        levels = {lang: pub.furigana_level(lang) for lang in pub.languages}
        if all(level == "none" for level in levels.values()):
            return None
        return Furigana(levels, pub.furigana_words)

    @property
    def resource_roots(self) -> list[Path]:
        """Folders a renderer may read from: the project and the template folders."""
        return [self.project.root, *template_dirs(self.project.root)]


class Exporter(Protocol):
    kind: str

    def targets(self, content: Content) -> list[Target]: ...

    def render(self, target: Target, session: RenderSession) -> Rendered: ...


# ----------------------------------------------------------------------------- glyphs


def _reading_texts(r: ReadingView) -> Iterable[str]:
    yield from (r.title, r.summary, r.note, r.publisher, *r.authors)


def _organisation_texts(o: OrganisationView) -> Iterable[str]:
    yield from (o.name, *o.other_names, o.description, o.address, o.region, *o.hours, o.hours_note, *o.languages)


def check_glyphs(
    readings: Iterable[ReadingView],
    organisations: Iterable[OrganisationView],
    extra: Iterable[tuple[str, str, Location | None]] = (),
) -> list[BuildError]:
    """A build error for every character that no installed font can draw, naming its entry."""
    problems: list[BuildError] = []

    def check(label: str, texts: Iterable[str], location: Location | None) -> None:
        chars = missing_glyphs("".join(t for t in texts if t))
        if chars:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars)
            problems.append(
                BuildError(
                    f"{label}: no installed font can draw {shown}; remove the character(s) or install a font that has them",
                    location,
                )
            )

    entries = [
        *((f"reading '{r.id}'", list(_reading_texts(r)), r.source.location()) for r in readings),
        *((f"organisation '{o.id}'", list(_organisation_texts(o)), o.source.location()) for o in organisations),
        *((label, [text], location) for label, text, location in extra),
    ]
    if not missing_glyphs("".join(t for _, texts, _ in entries for t in texts if t)):
        return []  # the usual case, found at once; otherwise each entry is named below
    for label, texts, location in entries:
        check(label, texts, location)
    return problems


def interface_glyph_problems(session: RenderSession, lang: str) -> list[BuildError]:
    """A build error for every translated interface string of ``lang`` (a heading, a label)
    with a character no installed font can draw, at its msgstr line in messages.po."""
    from ..i18n.catalogs import MESSAGES_DOMAIN
    from ..i18n.pofile import read_po

    translations = session.translations(lang)
    texts = [t for v in translations.messages.values() for t in (v if isinstance(v, tuple) else (v,))]
    if not missing_glyphs("".join(texts)):
        return []
    path = session.project.paths.catalog(lang, MESSAGES_DOMAIN)
    po = read_po(path)
    rel = path.relative_to(session.project.root).as_posix()
    problems = []
    for message in po.messages:
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        chars = missing_glyphs("".join(s for s in strings if s))
        if chars and not message.fuzzy:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars)
            problems.append(
                BuildError(
                    f'the translation of "{message.id if isinstance(message.id, str) else message.id[0]}": '
                    f"no installed font can draw {shown}; install a font for the script "
                    f"(`refpub doctor` names the package) or correct the translation",
                    Location(rel, po.msgstr_line(message)),
                )
            )
    return problems


def publication_glyph_problems(pub: PublicationView) -> list[BuildError]:
    readings = [r for s in pub.sections for r in s.readings]
    extra = [(f"section '{s.id}'", f"{s.title}{s.description}", None) for s in pub.sections]
    extra.append(("publication", f"{pub.title}{pub.subtitle}", None))
    return check_glyphs(readings, pub.organisations, extra)


# ----------------------------------------------------------------------------- interface strings


def ui_callables(localizer: Localizer, env: jinja2.Environment) -> dict:
    """``_``/``gettext``/``ngettext``/``pgettext`` for one output's templates, as the
    environment's (views/interface.py: isolated, knowing their language), that also count the
    strings not yet translated among the output's fallbacks."""
    return interface_callables(localizer.translations, page_isolation(env), localizer.fallbacks.add)
