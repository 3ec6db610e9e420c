"""The e-book reader: one EPUB 3 per language, and a vertical-writing edition when configured.

The reader shows what the handbook shows, in the same order (cover, contents, one chapter per
section, the organisations, the organisations by service), from the same view model. The
documents are rendered from ``templates/reader/`` as XHTML; ebooklib assembles the package.

What ebooklib would do on its own, and why it is steered here:

* ``EpubHtml`` re-parses every document with lxml's HTML parser and rebuilds it from its own
  template, dropping our ``<head>``; documents are added as plain ``EpubItem`` so the bytes that
  are validated are the bytes the templates made.
* its generated nav has no landmarks and no language; the nav is one of our templates.
* it adds a random identifier and ``dcterms:modified`` from the clock; both are set here, from
  the publication and from ``SOURCE_DATE_EPOCH``.
* its zip has the current time on every entry; the archive is rewritten with fixed timestamps
  and a fixed entry order (``mimetype`` first and stored), so equal inputs give equal bytes.

Fonts are the reading system's own: nothing is embedded, whatever ``embed_fonts_in_epub`` says
(a CJK font would add megabytes; readers have good Japanese fonts of their own).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field

from ebooklib import epub
from lxml import etree

from ..building.clock import source_datetime
from ..content.model import Content
from ..diagnostics import Diagnostic, Severity
from ..errors import BuildError, BuildErrors
from ..views.context import PublicationView, ViewBuilder
from ..views.formats import text_direction
from ..views.labels import N_
from ..views.resources import foreign_references
from .base import Rendered, RenderSession, ui_callables
from .base import _organisation_texts as organisation_texts
from .base import _reading_texts as reading_texts
from .protocol import Inputs, Target, whole_book

VERTICAL = "vertical"
# Languages that are traditionally written top to bottom, for which a vertical edition is made.
VERTICAL_LANGUAGES = ("ja", "zh")

STYLESHEET = "reader.css"
COVER = "cover.xhtml"
NAV = "nav.xhtml"
ORGANISATIONS = "organisations.xhtml"
SERVICE_INDEX = "service-index.xhtml"
XHTML_MEDIA_TYPE = "application/xhtml+xml"

# The zip timestamp of every entry when no SOURCE_DATE_EPOCH is older than zip can store.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# Translators: a description of the e-book for readers who use a screen reader (EPUB
# accessibility metadata). Keep it short and factual.
ACCESSIBILITY_SUMMARY = N_(
    "This publication is text only, with no images, audio or video. It has a table of contents, "
    "headings for every chapter and entry, and a reading order that follows the printed handbook. "
    "Text in another language than the book's is marked with its language."
)
ACCESSIBILITY_CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True)
class NavEntry:
    title: str  # a Text, or an interface string (UiText): each knows its language
    href: str
    entries: tuple[NavEntry, ...] = ()


@dataclass(frozen=True)
class Landmark:
    type: str
    title: str  # a Text or UiText, as NavEntry's
    href: str


@dataclass
class Document:
    """One XHTML document of the book, in reading order."""

    id: str
    filename: str
    title: str = ""
    data: bytes = b""
    properties: list[str] = field(default_factory=list)


class ReaderExporter:
    kind = "reader"

    def targets(self, content: Content) -> list[Target]:
        pub = content.publication
        targets = [Target(self.kind, f"reader-{lang}.epub", lang) for lang in pub.languages]
        if pub.vertical_epub:
            targets += [
                Target(self.kind, f"reader-{lang}-{VERTICAL}.epub", lang, variant=VERTICAL)
                for lang in pub.languages
                if lang.split("-")[0] in VERTICAL_LANGUAGES
            ]
        return targets

    def inputs(self, target: Target, content: Content) -> Inputs:
        return whole_book(target, content)

    def render(self, target: Target, session: RenderSession) -> Rendered:
        views = ViewBuilder(session.content, session.translations(target.language))
        pub = views.publication()
        problems = xml_character_problems(pub)
        if problems:
            raise BuildErrors(problems)
        documents = self.render_documents(target, session, views, pub)
        book = self.assemble(target, session.content, views, pub, documents)
        data = normalise_zip(write_book(book))
        return Rendered(data, fallbacks=views.localizer.fallback_count, warnings=self.setting_warnings(session.content))

    def setting_warnings(self, content: Content) -> list[Diagnostic]:
        pub = content.publication
        if not pub.embed_fonts_in_epub:
            return []
        return [
            Diagnostic(
                Severity.WARNING,
                "embed_fonts_in_epub: the reader does not embed fonts yet, so readers use their own; "
                "remove the setting to silence this warning",
                pub.locations.get("embed_fonts_in_epub"),
            )
        ]

    # ------------------------------------------------------------------ documents

    def render_documents(
        self, target: Target, session: RenderSession, views: ViewBuilder, pub: PublicationView
    ) -> list[Document]:
        """Every XHTML document (and the stylesheet), rendered and checked: the recipe.

        The chapters (a section of readings each, the organisations, the index by service),
        the front matter that lists them (cover, navigation with contents and landmarks), each
        rendered and checked for well-formed XHTML, the stylesheet, and no reference to a file
        the book does not carry.
        """
        env = session.environment(target.language, xhtml=True)
        ui = ui_callables(views.localizer, env)
        vertical = target.variant == VERTICAL
        common = dict(
            pub=pub,
            stylesheet=STYLESHEET,
            vertical=vertical,
            organisations_href=ORGANISATIONS,
            reading_count=len(session.content.readings),
            organisation_count=len(session.content.organisations),
            **ui,
        )
        chapters = _chapters(pub, ui["gettext"])
        pages = [*_front_matter(pub, ui["gettext"], chapters), *chapters]
        _render_xhtml(env, pages, common)
        css = env.get_template(f"reader/{STYLESHEET}").render(vertical=vertical)
        documents = [*(doc for doc, _t, _e in pages), Document("css", STYLESHEET, data=css.encode("utf-8"))]
        _require_own_files(documents)
        return documents

    # ------------------------------------------------------------------ package

    def assemble(
        self,
        target: Target,
        content: Content,
        views: ViewBuilder,
        pub: PublicationView,
        documents: list[Document],
    ) -> epub.EpubBook:
        book = epub.EpubBook()
        book.metadata.clear()  # ebooklib's generator meta and its random identifier
        book.set_identifier(book_identifier(content, target))
        book.title = str(pub.title)
        book.language = target.lang
        book.add_metadata("DC", "title", str(pub.title), _lang_attrs(pub.title, target.language))
        book.add_metadata("DC", "language", target.lang)
        if pub.subtitle:
            book.add_metadata("DC", "description", str(pub.subtitle), _lang_attrs(pub.subtitle, target.language))
        if pub.publisher:
            book.add_metadata("DC", "publisher", pub.publisher)
            book.add_metadata("DC", "creator", pub.publisher)
        book.add_metadata("DC", "date", pub.edition_iso)
        book.add_metadata(None, "meta", "", {"name": "generator", "content": "refpub"})
        for prop, value in accessibility_metadata():
            book.add_metadata(None, "meta", value, {"property": prop})
        summary = views.localizer.ui(ACCESSIBILITY_SUMMARY)
        book.add_metadata(
            None,
            "meta",
            str(summary),
            {"property": "schema:accessibilitySummary", **_lang_attrs(summary, target.language)},
        )
        if target.variant == VERTICAL or text_direction(target.language) == "rtl":
            book.set_direction("rtl")  # page-progression-direction on the spine

        items = {}
        for doc in documents:
            media_type = "text/css" if doc.filename.endswith(".css") else XHTML_MEDIA_TYPE
            item = epub.EpubItem(uid=doc.id, file_name=doc.filename, media_type=media_type, content=doc.data)
            item.properties = list(doc.properties)
            items[doc.id] = book.add_item(item)
        book.add_item(epub.EpubNcx())
        book.spine = [items[doc.id] for doc in documents if doc.filename.endswith(".xhtml")]
        book.toc = _ncx_toc(documents)
        return book


# ----------------------------------------------------------------------------- the documents' steps

Page = tuple[Document, str, dict]  # a document, its template, what that template is given


def _chapters(pub: PublicationView, gettext) -> list[Page]:
    """A chapter per section of readings, the organisations, and the index by service."""
    # Translators: title of the chapter listing every support organisation (handbook, e-book)
    organisations_title = gettext("Support organisations")
    # Translators: title of the index that lists organisations under each service they offer
    index_title = gettext("Organisations by service")
    chapters: list[Page] = []
    for number, section in enumerate(pub.sections, 1):
        doc = Document(f"section-{section.id}", f"section-{number:02d}-{section.id}.xhtml", section.title)
        chapters.append((doc, "reader/section.xhtml", {"section": section}))
    chapters.append((Document("organisations", ORGANISATIONS, organisations_title), "reader/organisations.xhtml", {}))
    if pub.service_index:
        chapters.append((Document("service-index", SERVICE_INDEX, index_title), "reader/service-index.xhtml", {}))
    return chapters


def _contents(pub: PublicationView, chapters: list[Page]) -> list[NavEntry]:
    """The navigation's contents: each chapter, with its readings or organisations below it."""
    toc: list[NavEntry] = []
    for doc, _template, extra in chapters:
        if "section" in extra:
            entries = tuple(NavEntry(r.title, f"{doc.filename}#{r.anchor}") for r in extra["section"].readings)
        elif doc.id == "organisations":
            entries = tuple(NavEntry(o.name, f"{doc.filename}#{o.anchor}") for o in pub.organisations)
        else:
            entries = ()
        toc.append(NavEntry(doc.title, doc.filename, entries))
    return toc


def _front_matter(pub: PublicationView, gettext, chapters: list[Page]) -> list[Page]:
    """The cover and the navigation document (contents and landmarks)."""
    cover = Document("cover", COVER, pub.title)
    # Translators: title of the table of contents (handbook page and e-book navigation)
    nav = Document("nav", NAV, gettext("Contents"), properties=["nav"])
    landmarks = [
        # Translators: the e-book's cover page, as named in the reading app's "go to" menu
        Landmark("cover", gettext("Cover"), COVER),
        Landmark("toc", nav.title, f"{NAV}#toc"),
        Landmark("bodymatter", chapters[0][0].title, chapters[0][0].filename),
    ]
    index = next((doc for doc, _t, _e in chapters if doc.filename == SERVICE_INDEX), None)
    if index is not None:
        landmarks.append(Landmark("index", index.title, SERVICE_INDEX))
    return [
        (cover, "reader/cover.xhtml", {}),
        (
            nav,
            "reader/nav.xhtml",
            {
                "chapters": _contents(pub, chapters),
                "landmarks": landmarks,
                "contents_title": nav.title,
                # Translators: heading of the e-book's list of landmarks (cover, contents,
                # start of the text), shown by reading apps in their "go to" menu
                "landmarks_title": gettext("Guide"),
            },
        ),
    ]


def _render_xhtml(env, pages: list[Page], common: dict) -> None:
    """Render each page into its document; every one that is not well-formed XHTML is an error."""
    problems: list[BuildError] = []
    for doc, template_name, extra in pages:
        template = env.get_template(template_name)
        doc.data = template.render(doc_title=doc.title, **common, **extra).encode("utf-8")
        problem = xml_problem(doc.data)
        if problem:
            problems.append(
                BuildError(
                    f"{template.filename}: the template made {doc.filename}, which is not well-formed XHTML ({problem})"
                )
            )
    if problems:
        raise BuildErrors(problems)


def _require_own_files(documents: list[Document]) -> None:
    """A project's own templates could load images, styles or fonts from elsewhere; a book
    carries only its own files (readers would fetch them, or show nothing)."""
    own_files = {doc.filename for doc in documents}
    problems = [
        BuildError(
            f"{doc.filename} refers to {ref!r}, which is not a file of the book; "
            "remove the reference from the template (links to web pages are fine)"
        )
        for doc in documents
        for ref in foreign_references(doc.data, doc.filename, own_files)
    ]
    if problems:
        raise BuildErrors(problems)


# ---------------------------------------------------------------------- helpers


def book_identifier(content: Content, target: Target) -> str:
    """A UUID derived from the publication, so every build of the same edition has the same one."""
    pub = content.publication
    name = "\x1f".join(("refpub-reader", pub.title, pub.source_language, target.lang or "", target.variant))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def accessibility_metadata() -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 properties that hold for every edition of the reader."""
    return [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityHazard", "none"),
        ("dcterms:conformsTo", ACCESSIBILITY_CONFORMANCE),
    ]


def _lang_attrs(text, book_lang: str) -> dict:
    lang = getattr(text, "lang", None)
    if lang and lang != book_lang:
        return {etree.QName(epub.NAMESPACES["XML"], "lang").text: lang}
    return {}


def _ncx_toc(documents: list[Document]) -> list:
    """The chapters for the EPUB 2 table of contents (toc.ncx), which older readers still use."""
    return [
        epub.Link(doc.filename, str(doc.title), f"ncx-{doc.id}")
        for doc in documents
        if doc.filename.endswith(".xhtml") and doc.id not in ("cover", "nav")
    ]


# Characters that XML 1.0 (so XHTML) cannot carry at all, not even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_character_problems(pub: PublicationView) -> list[BuildError]:
    """A build error for every entry whose text has a character an EPUB cannot contain."""
    problems = []

    def check(label: str, texts, location) -> None:
        found = sorted({c for t in texts if t for c in _NOT_XML.findall(t)})
        if found:
            shown = ", ".join(f"U+{ord(c):04X}" for c in found)
            problems.append(
                BuildError(
                    f"{label}: contains {shown}, which an e-book cannot contain; "
                    "remove it from the entry or from its translation",
                    location,
                )
            )

    for section in pub.sections:
        check(f"section '{section.id}'", (section.title, section.description), None)
        for r in section.readings:
            check(f"reading '{r.id}'", reading_texts(r), r.source.location())
    for o in pub.organisations:
        check(f"organisation '{o.id}'", (*organisation_texts(o), o.email, o.phone, o.url), o.source.location())
    check("publication", (pub.title, pub.subtitle, pub.publisher), None)
    return problems


def xml_problem(data: bytes) -> str | None:
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return str(exc)
    return None


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with the book's language on the package document itself
    (``<package xml:lang>``), which accessibility checkers (DAISY Ace's epub-lang) require."""

    def _write_opf_file(self, root):
        if self.book.language:
            root.set(etree.QName(epub.NAMESPACES["XML"], "lang").text, self.book.language)
        super()._write_opf_file(root)


def write_book(book: epub.EpubBook) -> bytes:
    buffer = io.BytesIO()
    options = {
        "mtime": source_datetime().astimezone(_dt.timezone.utc),
        "epub2_guide": False,
        "epub3_landmark": False,
        "play_order": {"enabled": True, "start_from": 1},
        "raise_exceptions": True,
    }
    _Writer(buffer, book, options).write()
    return buffer.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, permissions and entry order.

    ``mimetype`` comes first and stored (the OCF rule), then the container, the package
    document and every other file in name order; every entry gets the SOURCE_DATE_EPOCH time.
    """
    when = max(source_datetime().astimezone(_dt.timezone.utc).timetuple()[:6], ZIP_EPOCH)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    first = ["mimetype", "META-INF/container.xml"]
    opf = [name for name in entries if name.endswith(".opf")]
    order = first + opf + sorted(name for name in entries if name not in first and name not in opf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, entries[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, entries[name], compresslevel=9)
    return out.getvalue()
