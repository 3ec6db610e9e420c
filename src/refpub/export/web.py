"""The web edition: a static site with one tree per language, made from the same view model.

The site is a folder of plain files (``web/``) that works from any static host, and offline from
the folder itself: every link is relative and names its ``index.html``, nothing is fetched from
another site, and the search index is a script (not JSON fetched at run time, which browsers
refuse for ``file:`` pages).

Layout, for each language ``<lang>``::

    index.html                          a language chooser
    assets/                             stylesheet, search script, MiniSearch (vendored), favicon
    <lang>/index.html                   home: contents and search
    <lang>/section/<id>/index.html      one page per reading section
    <lang>/organisations/index.html     every organisation
    <lang>/services/index.html          organisations by service
    <lang>/org/<id>/index.html          one page per organisation (a stable address for QR codes)
    <lang>/search-index.js              what the search looks in

Search: MiniSearch (npm ``minisearch``, MIT), vendored in ``templates/web/assets/``. It runs in
the browser from a script file, offers fuzzy matching for misspelt words and prefix search, and
takes a custom tokenizer: runs of Han, kana and Hangul (written without spaces) are split into
overlapping two-character pieces, so a two-character Japanese query finds its word anywhere in
a name (and a one-character query every piece it begins). Queries and documents are normalised
alike (NFKC: full-width ＪＡＲ is JAR; then lower case); every match is listed and counted in
the page's live status. Pagefind was not chosen because its index is fetched with ``fetch()`` at run time,
which does not work for a site opened from a folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..content.model import Content
from ..views.context import PublicationView, ViewBuilder
from ..views.environment import template_dirs
from ..views.formats import babel_locale, language_name
from .base import Rendered, RenderSession, ui_callables
from .protocol import Inputs, Target, whole_book

KIND = "web"
FOLDER = "web"
# Static files copied as they are into web/assets/ (looked up like templates, so a project can
# replace them).
ASSETS = ("minisearch.js", "search.js", "MINISEARCH-LICENSE.txt", "favicon.svg")
STYLESHEET = "web.css"


@dataclass(frozen=True)
class Page:
    """One page of one language: its path below the language folder and its template."""

    path: str  # e.g. "org/jar/index.html", relative to <lang>/
    template: str
    title: str
    context: tuple = ()

    @property
    def depth(self) -> int:
        return self.path.count("/")


class WebExporter:
    kind = KIND

    def targets(self, content: Content) -> list[Target]:
        # One target for the whole site: the language switcher links every language's pages.
        return [Target(self.kind, FOLDER, None)]

    def inputs(self, target: Target, content: Content) -> Inputs:
        return whole_book(target, content)  # every language's pages: every catalog

    def render(self, target: Target, session: RenderSession) -> Rendered:
        content = session.content
        languages = list(content.publication.languages)
        files: dict[str, bytes] = {}
        fallbacks = 0
        publications: dict[str, PublicationView] = {}
        for lang in languages:
            views = ViewBuilder(content, session.translations(lang))
            publications[lang] = views.publication()
            pages = self.pages(publications[lang])
            env = session.environment(lang)
            # Interface strings that know their language, as in the e-book: one not yet
            # translated is marked lang="en" on the page and counted as a fallback.
            ui = ui_callables(views.localizer, env)
            for page in pages:
                html = env.get_template(page.template).render(
                    **ui,
                    pub=publications[lang],
                    page=page,
                    root="../" * (page.depth + 1),  # to web/
                    here="../" * page.depth,  # to web/<lang>/
                    alternates=[(other, language_name(other, other)) for other in languages if other != lang],
                    all_languages=languages,
                    text_direction=babel_locale(lang).text_direction,
                    **dict(page.context),
                )
                files[f"{lang}/{page.path}"] = html.encode("utf-8")
            files[f"{lang}/search-index.js"] = search_index(publications[lang])
            fallbacks += views.localizer.fallback_count
        source = content.publication.source_language
        chooser_env = session.environment(source if source in languages else languages[0])
        files["index.html"] = (
            chooser_env.get_template("web/chooser.html")
            .render(
                languages=[(lang, language_name(lang, lang), publications[lang].title) for lang in languages],
                text_direction=babel_locale(source).text_direction,
                pub=publications.get(source, publications[languages[0]]),
            )
            .encode("utf-8")
        )
        files[f"assets/{STYLESHEET}"] = chooser_env.get_template(f"web/{STYLESHEET}").render().encode("utf-8")
        for name in ASSETS:
            files[f"assets/{name}"] = read_asset(session, name)
        return Rendered(b"", fallbacks=fallbacks, files=dict(sorted(files.items())))

    @staticmethod
    def pages(pub: PublicationView) -> list[Page]:
        pages = [Page("index.html", "web/home.html", str(pub.title))]
        for section in pub.sections:
            pages.append(
                Page(
                    f"section/{section.id}/index.html", "web/section.html", str(section.title), (("section", section),)
                )
            )
        pages.append(Page("organisations/index.html", "web/organisations.html", "organisations"))
        pages.append(Page("services/index.html", "web/services.html", "services"))
        for org in pub.organisations:
            pages.append(Page(f"org/{org.id}/index.html", "web/organisation.html", str(org.name), (("org", org),)))
        return pages


def read_asset(session: RenderSession, name: str) -> bytes:
    """A static file of ``templates/web/assets/``: the project's copy if it has one, else refpub's.
    A project's copy that is a link to a file outside the project is refused (a build error)."""
    from ..content.project import TEMPLATES_FOLDER
    from ..diagnostics import Location
    from ..errors import BuildError
    from ..views.environment import default_templates_dir
    from ..views.resources import is_within

    root = session.project.root
    allowed = [root.resolve(), default_templates_dir().resolve()]
    for folder in template_dirs(root):
        path = folder / "web" / "assets" / name
        if path.is_file() or path.is_symlink():
            real = path.resolve()
            if not is_within(real, allowed) or not real.is_file():
                raise BuildError(
                    f"the asset is a link to {real}, outside the project and refpub's templates; "
                    "copy the file into the project instead",
                    Location(f"{TEMPLATES_FOLDER}/web/assets/{name}"),
                )
            return path.read_bytes()
    raise FileNotFoundError(f"{TEMPLATES_FOLDER}/web/assets/{name}")


def search_index(pub: PublicationView) -> bytes:
    """The documents the search looks in, as a script that defines ``refpubSearch``."""
    docs = []
    for section in pub.sections:
        for r in section.readings:
            docs.append(
                {
                    "id": f"reading:{r.id}",
                    "title": str(r.title),
                    "text": str(r.summary),
                    "url": f"section/{section.id}/index.html#{r.anchor}",
                    "lang": r.title.lang,
                }
            )
    for o in pub.organisations:
        docs.append(
            {
                "id": f"org:{o.id}",
                "title": str(o.name),
                "text": " ".join([*(str(n) for n in o.other_names), o.abbreviation, str(o.description)]).strip(),
                "url": f"org/{o.id}/index.html",
                "lang": o.name.lang,
            }
        )
    # "<" escaped so that the data can never close a script element if a page inlines it.
    data = json.dumps(docs, ensure_ascii=False, sort_keys=True, indent=0).replace("<", "\\u003c")
    return f"window.refpubSearch = {data};\n".encode()
