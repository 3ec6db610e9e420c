"""The EPUB reader, read back as a reading system would: package, nav, XHTML, EPUBCheck, bytes."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from babel.dates import format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from refpub.build import build
from refpub.building.loading import load_project
from refpub.errors import ContentError
from refpub.export.reader import ReaderExporter

from support import EPOCH, ROOTS, epubcheck_reports, without_shipped_interface

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FILES = ("reader-en.epub", "reader-ja.epub", "reader-ja-vertical.epub")


def copy_root(dest: Path, name: str = "good", vertical: bool = True) -> Path:
    shutil.copytree(ROOTS / name, dest)
    # Interface strings fall back to English unless a test writes a catalog for them (and
    # build_reader leaves refpub's own translations out).
    for catalog in dest.glob("locales/*/LC_MESSAGES/messages.po"):
        catalog.unlink()
    if vertical:
        with (dest / "content" / "publication.yaml").open("a", encoding="utf-8") as f:
            f.write("vertical_epub: true\n")
    return dest


def build_reader(root: Path, epoch: str | None = EPOCH, out: Path | None = None):
    """The readers of ``root``, built as if refpub shipped no interface translation (see
    tests/i18n/test_shipped.py for the interface refpub ships), so the fixture shows fallbacks."""
    mp = pytest.MonkeyPatch()
    without_shipped_interface(mp)
    if epoch is None:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        mp.setenv("SOURCE_DATE_EPOCH", epoch)
    try:
        result = build(root, out=out, only=["reader"])
    finally:
        mp.undo()
    assert result.ok, [o.errors for o in result.outputs]
    return result


@dataclass
class Book:
    """An EPUB opened the way a reading system opens it: container -> package -> spine."""

    path: Path
    zip: zipfile.ZipFile
    opf_path: PurePosixPath
    opf: etree._Element

    @classmethod
    def open(cls, path: Path) -> Book:
        zf = zipfile.ZipFile(path)
        container = etree.fromstring(zf.read("META-INF/container.xml"))
        opf_path = PurePosixPath(container.xpath("//c:rootfile/@full-path", namespaces=NS)[0])
        return cls(path, zf, opf_path, etree.fromstring(zf.read(str(opf_path))))

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.xpath(f"//opf:metadata/opf:meta[@property='{prop}']", namespaces=NS)]

    def dc(self, name: str) -> list[etree._Element]:
        return self.opf.xpath(f"//opf:metadata/dc:{name}", namespaces=NS)

    @property
    def manifest(self) -> dict[str, etree._Element]:
        return {i.get("id"): i for i in self.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}

    def full_name(self, href: str) -> str:
        return str(self.opf_path.parent / href)

    @property
    def spine_hrefs(self) -> list[str]:
        manifest = self.manifest
        return [manifest[ref].get("href") for ref in self.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]

    def document(self, href: str) -> etree._Element:
        return etree.fromstring(self.zip.read(self.full_name(href)))

    @property
    def nav_href(self) -> str:
        (item,) = self.opf.xpath(
            "//opf:manifest/opf:item[contains(concat(' ', @properties, ' '), ' nav ')]", namespaces=NS
        )
        return item.get("href")

    @property
    def xhtml_hrefs(self) -> list[str]:
        return [i.get("href") for i in self.manifest.values() if i.get("media-type") == "application/xhtml+xml"]

    @property
    def lang(self) -> str:
        return self.dc("language")[0].text

    def text_of_spine(self) -> str:
        return " ".join(" ".join(self.document(h).itertext()) for h in self.spine_hrefs)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_root(tmp_path_factory.mktemp("reader") / "good")
    result = build_reader(root)
    outputs = {o.path.name: o for o in result.outputs}
    books = {name: Book.open(root / "build" / name) for name in outputs}
    return root, outputs, books


# ------------------------------------------------------------------------ targets


def test_one_reader_per_language_and_a_vertical_edition(built):
    _, outputs, _ = built
    assert sorted(outputs) == sorted(FILES)
    assert all(o.state == "built" for o in outputs.values())
    assert outputs["reader-en.epub"].fallbacks == 0
    assert outputs["reader-ja.epub"].fallbacks > 0  # the fixture's ja catalog is incomplete


def test_no_vertical_edition_unless_configured(tmp_path):
    project = load_project(copy_root(tmp_path / "good", vertical=False))
    names = [t.filename for t in ReaderExporter().targets(project.content)]
    assert names == ["reader-en.epub", "reader-ja.epub"]


# ------------------------------------------------------------------------ container


@pytest.mark.parametrize("name", FILES)
def test_zip_is_a_reproducible_ocf_container(built, name):
    root, _, _ = built
    with zipfile.ZipFile(root / "build" / name) as zf:
        infos = zf.infolist()
    first = infos[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert first.extra == b""
    assert (root / "build" / name).read_bytes()[30:38] == b"mimetype"  # local header, byte 30
    assert zipfile.ZipFile(root / "build" / name).read("mimetype") == b"application/epub+zip"
    assert [i.filename for i in infos[1:3]] == ["META-INF/container.xml", "EPUB/content.opf"]
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}


def test_two_builds_with_the_same_source_date_are_byte_identical(built, tmp_path):
    root, _, _ = built
    build_reader(root, out=tmp_path / "again")
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (root / "build" / name).read_bytes(), name


def test_identifier_is_stable_and_modified_follows_source_date_epoch(built, tmp_path):
    root, _, books = built
    build_reader(root, epoch="1700000000", out=tmp_path / "later")
    for name in FILES:
        first, later = books[name], Book.open(tmp_path / "later" / name)
        assert first.dc("identifier")[0].text == later.dc("identifier")[0].text
        assert first.meta("dcterms:modified") == ["2026-01-01T00:00:00Z"]
        assert later.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    identifiers = {books[n].dc("identifier")[0].text for n in FILES}
    assert len(identifiers) == 3  # one per edition


# ------------------------------------------------------------------------ package metadata


@pytest.mark.parametrize(
    ("name", "lang", "title"),
    [
        ("reader-en.epub", "en", "Test Publication"),
        ("reader-ja.epub", "ja", "テスト出版物"),
        ("reader-ja-vertical.epub", "ja", "テスト出版物"),
    ],
)
def test_package_metadata(built, name, lang, title):
    book = built[2][name]
    assert book.opf.get("version") == "3.0"
    (identifier,) = book.dc("identifier")
    assert identifier.get("id") == book.opf.get("unique-identifier")
    assert str(uuid.UUID(identifier.text.removeprefix("urn:uuid:"))).count("-") == 4
    assert [e.text for e in book.dc("title")] == [title]
    assert book.lang == lang
    assert [e.text for e in book.dc("date")] == ["2026-01-15"]
    # Fonts are the reader's own: nothing embedded.
    assert not [i for i in book.manifest.values() if "font" in i.get("media-type")]


@pytest.mark.parametrize("name", FILES)
def test_accessibility_metadata(built, name):
    book = built[2][name]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert set(book.meta("schema:accessibilityFeature")) >= {"tableOfContents", "readingOrder", "structuralNavigation"}
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert len(summary) > 40
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_untranslated_metadata_is_marked_with_its_language(built):
    book = built[2]["reader-ja.epub"]
    (summary,) = book.opf.xpath("//opf:meta[@property='schema:accessibilitySummary']", namespaces=NS)
    assert summary.get(XML_LANG) == "en"  # the fixture has no interface catalog for ja
    (description,) = book.dc("description")
    assert description.text == "A small fixture"
    assert description.get(XML_LANG) == "en"


# ------------------------------------------------------------------------ reading order and entries


def test_reading_order_matches_the_handbook(built):
    book = built[2]["reader-en.epub"]
    assert book.spine_hrefs == [
        "cover.xhtml",
        "nav.xhtml",
        "section-01-general.xhtml",
        "section-02-detention.xhtml",
        "organisations.xhtml",
        "service-index.xhtml",
    ]
    chapter_titles = [book.document(h).xpath("string(//x:h1)", namespaces=NS) for h in book.spine_hrefs[2:]]
    assert chapter_titles == [
        "Key readings",
        "Asylum seekers in detention",
        "Support organisations",
        "Organisations by service",
    ]
    general = book.document("section-01-general.xhtml")
    assert general.xpath("//x:article/@id", namespaces=NS) == [
        "reading-closed-door-policy",
        "reading-review-of-assistance",
    ]


def test_every_fixture_entry_is_in_the_spine(built):
    root, _, books = built
    content = load_project(root).content
    english = books["reader-en.epub"].text_of_spine()
    for reading in content.readings:
        assert reading.title in english
    for organisation in content.organisations:
        assert organisation.name in english
    for name in ("reader-ja.epub", "reader-ja-vertical.epub"):
        book = books[name]
        ids = {i for h in book.spine_hrefs for i in book.document(h).xpath("//x:article/@id", namespaces=NS)}
        assert ids == {f"reading-{r.id}" for r in content.readings} | {f"org-{o.id}" for o in content.organisations}
        japanese = book.text_of_spine()
        long_date = format_date(dt.date(2015, 5, 19), "long", locale="ja")  # CLDR via Babel
        for text in ("日本の閉ざされた難民政策", "難民支援協会", "牛久の会", long_date):
            assert text in japanese


def test_headings_in_order_one_h1_per_document(built):
    for book in built[2].values():
        for href in book.spine_hrefs:
            doc = book.document(href)
            levels = [int(h.tag[-1]) for h in doc.iter("{*}h1", "{*}h2", "{*}h3", "{*}h4", "{*}h5", "{*}h6")]
            assert levels.count(1) == 1, href
            assert levels[0] == 1
            assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (href, levels)
        orgs = book.document("organisations.xhtml")
        assert len(orgs.xpath("//x:article/x:h2", namespaces=NS)) == 2
        index = book.document("service-index.xhtml")
        assert index.xpath("//x:ul/x:li/x:a", namespaces=NS)  # lists as lists


# ------------------------------------------------------------------------ languages


@pytest.mark.parametrize("name", FILES)
def test_every_document_is_in_the_book_language(built, name):
    book = built[2][name]
    for href in book.xhtml_hrefs:
        html = book.document(href)
        assert html.get("lang") == html.get(XML_LANG) == book.lang, href
        for el in html.iter():
            if el.get("lang") or el.get(XML_LANG):
                assert el.get("lang") == el.get(XML_LANG), (href, el.tag)


def test_fallbacks_are_marked_with_their_language(built):
    ja = built[2]["reader-ja.epub"]
    detention = ja.document("section-02-detention.xhtml")
    (summary,) = detention.xpath("//x:p[@class='summary']", namespaces=NS)
    assert summary.text == "Information on the use of detention in Japan."  # fuzzy: not used
    assert summary.get("lang") == "en"
    assert summary.get("data-fallback") == "true"
    # Interface strings without a translation, too.
    orgs = ja.document("organisations.xhtml")
    h1 = orgs.xpath("//x:h1", namespaces=NS)[0]
    assert h1.text == "Support organisations"
    assert h1.get("lang") == "en"
    for el in orgs.xpath("//x:dt", namespaces=NS):
        assert el.get("lang") == "en"
    # A translated entry is not marked.
    general = ja.document("section-01-general.xhtml")
    (title,) = general.xpath("//x:article[@id='reading-closed-door-policy']/x:h2", namespaces=NS)
    assert title.get("lang") is None
    # In English nothing falls back.
    en = built[2]["reader-en.epub"]
    for href in en.xhtml_hrefs:
        assert not en.document(href).xpath("//*[@data-fallback]"), href


JA_MESSAGES = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: ja\n"
"Plural-Forms: nplurals=1; plural=0;\n"

msgid "Support organisations"
msgstr "支援団体"

msgid "Website"
msgstr "ウェブサイト"

msgid "%(num)s reading"
msgid_plural "%(num)s readings"
msgstr[0] "文献%(num)s件"

msgid "Guide"
msgstr "<ガイド> & 案内"
"""


def test_translated_interface_strings_are_used_unmarked_and_escaped(tmp_path):
    root = copy_root(tmp_path / "good", vertical=False)
    (root / "locales" / "ja" / "LC_MESSAGES" / "messages.po").write_text(JA_MESSAGES, encoding="utf-8")
    result = build_reader(root)
    outputs = {o.path.name: o for o in result.outputs}
    book = Book.open(outputs["reader-ja.epub"].path)
    orgs = book.document("organisations.xhtml")
    (h1,) = orgs.xpath("//x:h1", namespaces=NS)
    assert h1.text == "支援団体"
    assert h1.get("lang") is None
    assert h1.get("data-fallback") is None
    (website,) = orgs.xpath("//x:dt[1]", namespaces=NS)
    assert website.text == "ウェブサイト"
    assert website.get("lang") is None
    (phone,) = orgs.xpath("//x:dt[3]", namespaces=NS)
    assert phone.text == "Phone"
    assert phone.get("lang") == "en"
    cover = book.document("cover.xhtml")
    assert "文献3件" in "".join(cover.itertext())
    nav = book.document("nav.xhtml")
    assert nav.xpath("string(//x:h2[@id='landmarks-title'])", namespaces=NS) == "<ガイド> & 案内"
    assert outputs["reader-ja.epub"].fallbacks < built_fallbacks(tmp_path)


def built_fallbacks(tmp_path) -> int:
    root = copy_root(tmp_path / "without", vertical=False)
    return {o.path.name: o for o in build_reader(root).outputs}["reader-ja.epub"].fallbacks


# ------------------------------------------------------------------------ navigation and links


@pytest.mark.parametrize("name", FILES)
def test_nav_has_toc_and_landmarks(built, name):
    book = built[2][name]
    nav = book.document(book.nav_href)
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    top = toc.xpath("x:ol/x:li/x:a/@href", namespaces=NS)
    assert top == book.spine_hrefs[2:]
    assert len(toc.xpath("x:ol/x:li/x:ol/x:li", namespaces=NS)) == 3 + 2  # readings and organisations
    (landmarks,) = nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=NS)
    types = [a.get(EPUB_TYPE) for a in landmarks.xpath(".//x:a", namespaces=NS)]
    assert types[:3] == ["cover", "toc", "bodymatter"]


@pytest.mark.parametrize("name", FILES)
def test_every_link_resolves_inside_the_book_or_is_a_safe_external_link(built, name):
    book = built[2][name]
    ids = {href: set(book.document(href).xpath("//@id")) for href in book.xhtml_hrefs}
    internal = external = 0
    for href in book.xhtml_hrefs:
        for link in book.document(href).xpath("//x:a/@href", namespaces=NS):
            parts = urlsplit(link)
            if parts.scheme:
                assert parts.scheme in ("http", "https", "mailto", "tel"), link
                if parts.scheme == "tel":
                    assert re.fullmatch(r"tel:\+[1-9][0-9]{4,14}", link), link  # E.164
                external += 1
                continue
            target = unquote(parts.path) or href
            assert target in ids, f"{href}: {link} points outside the book"
            if parts.fragment:
                assert parts.fragment in ids[target], f"{href}: {link} has no such id"
            internal += 1
    index = book.document("service-index.xhtml").xpath("//x:a/@href", namespaces=NS)
    assert index
    assert all(h.startswith("organisations.xhtml#org-") for h in index)
    assert internal >= 10
    assert external >= 2


# ------------------------------------------------------------------------ vertical writing


def test_vertical_edition_writes_top_to_bottom_and_pages_right_to_left(built):
    books = built[2]
    vertical = books["reader-ja-vertical.epub"]
    (spine,) = vertical.opf.xpath("//opf:spine", namespaces=NS)
    assert spine.get("page-progression-direction") == "rtl"
    css = vertical.zip.read(vertical.full_name("reader.css")).decode()
    assert "writing-mode: vertical-rl" in css
    assert "-epub-writing-mode: vertical-rl" in css
    for name in ("reader-en.epub", "reader-ja.epub"):
        book = books[name]
        assert book.opf.xpath("//opf:spine", namespaces=NS)[0].get("page-progression-direction") is None
        assert "vertical-rl" not in book.zip.read(book.full_name("reader.css")).decode()


# ------------------------------------------------------------------------ escaping


def test_markup_in_content_is_text_and_the_book_stays_valid(tmp_path):
    root = copy_root(tmp_path / "good", vertical=False)
    readings = root / "content" / "readings.yaml"
    hostile = 'Tags <b>bold</b> & "quotes" <script>alert(1)</script> ]]>'
    readings.write_text(
        readings.read_text(encoding="utf-8").replace("title: Detention Profile Japan", f"title: '{hostile}'"),
        encoding="utf-8",
    )
    build_reader(root)
    book = Book.open(root / "build" / "reader-en.epub")
    doc = book.document("section-02-detention.xhtml")
    (h2,) = doc.xpath("//x:article/x:h2", namespaces=NS)
    assert "".join(h2.itertext()) == hostile
    assert not doc.xpath("//x:script | //x:b", namespaces=NS)


# ------------------------------------------------------------------------ EPUBCheck


@pytest.mark.tools
def test_epubcheck_reports_no_errors_and_no_warnings(built):
    root, _, _ = built
    for path, (report, problems) in epubcheck_reports([root / "build" / name for name in FILES]).items():
        assert problems == [], path.name
        assert report["publication"]["ePubVersion"].startswith("3.")


def test_embedding_fonts_is_not_supported_and_says_so(tmp_path):
    root = copy_root(tmp_path / "good", vertical=False)
    with (root / "content" / "publication.yaml").open("a", encoding="utf-8") as f:
        f.write("embed_fonts_in_epub: true\n")
    result = build_reader(root)
    for output in result.outputs:
        assert any("embed_fonts_in_epub" in w for w in output.errors)
        book = Book.open(output.path)
        assert not [i for i in book.manifest.values() if "font" in i.get("media-type")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(min_size=1, max_size=40))
def test_any_title_gives_valid_xhtml_or_a_located_error(tmp_path_factory, title):
    root = copy_root(tmp_path_factory.mktemp("prop") / "good", vertical=False)
    readings = root / "content" / "readings.yaml"
    quoted = json.dumps(title)  # a JSON string is a YAML double-quoted scalar
    readings.write_text(
        readings.read_text(encoding="utf-8").replace("title: Detention Profile Japan", f"title: {quoted}"),
        encoding="utf-8",
    )
    try:
        project = load_project(root)
    except ContentError:
        return  # the loader refused the text, with its location: not the reader's business
    loaded = project.content.reading("detention-profile").title
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        result = build(root, only=["reader"], langs=["en"])
    finally:
        mp.undo()
    (output,) = result.outputs
    if output.state == "failed":
        assert any("reading 'detention-profile'" in e and "readings.yaml" in e for e in output.errors), output.errors
        return
    doc = Book.open(output.path).document("section-02-detention.xhtml")
    (h2,) = doc.xpath("//x:article[@id='reading-detention-profile']/x:h2", namespaces=NS)
    assert "".join(h2.itertext()) == loaded


def test_a_character_xml_cannot_carry_is_a_located_error(tmp_path):
    """In the content the loader refuses it; in a translation the reader does, naming the entry."""
    root = copy_root(tmp_path / "good", vertical=False)
    catalog = root / "locales" / "ja" / "LC_MESSAGES" / "content.po"
    text = catalog.read_text(encoding="utf-8")
    assert 'msgstr "日本の閉ざされた難民政策"' in text
    catalog.write_text(
        text.replace('msgstr "日本の閉ざされた難民政策"', 'msgstr "日本の\x01難民政策"'), encoding="utf-8"
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    refused = None
    try:
        result = build(root, only=["reader"], langs=["ja"])
    except ContentError as exc:  # the catalog checks may refuse it first, with its location
        refused = exc
    finally:
        mp.undo()
    if refused is not None:
        assert any("content.po" in str(d) for d in refused.diagnostics)
        return
    (output,) = result.outputs
    assert output.state == "failed"
    assert not output.path.exists()
    (error,) = output.errors
    assert error.startswith("content/readings.yaml:1:3: error: reading 'closed-door-policy'")
    assert "U+0001" in error


def test_a_template_that_loads_outside_resources_is_refused(tmp_path):
    root = copy_root(tmp_path / "good", vertical=False)
    (root / "templates" / "reader").mkdir(parents=True)
    cover = (ROOTS.parent.parent / "templates" / "reader" / "cover.xhtml").read_text(encoding="utf-8")
    cover = cover.replace("</section>", '<img src="https://example.org/logo.png" alt="Logo"/></section>', 1)
    (root / "templates" / "reader" / "cover.xhtml").write_text(cover, encoding="utf-8")
    result = build_reader_failing(root)
    for output in result.outputs:
        assert output.state == "failed"
        assert any("https://example.org/logo.png" in e for e in output.errors), output.errors


def build_reader_failing(root: Path):
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        return build(root, only=["reader"])
    finally:
        mp.undo()


def test_package_declares_the_book_language(built):
    """DAISY Ace's epub-lang rule: the package document itself carries xml:lang."""
    for name, book in built[2].items():
        lang = "ja" if "-ja" in name else "en"
        assert book.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == lang, name


def test_lists_and_labels_use_the_language_s_punctuation(built):
    """CLDR's list separator ('、' in Japanese, ', ' in English); the label colon from the catalog."""
    from refpub.views.formats import list_separator

    for name, sep in (("reader-ja.epub", list_separator("ja")), ("reader-en.epub", list_separator("en"))):
        book = built[2][name]
        doc = book.document("organisations.xhtml")
        services = [
            "".join(p.itertext())
            for p in doc.xpath("//x:p[@class='services']", namespaces=NS)
            if len(p.xpath("x:span[@class='service']", namespaces=NS)) > 1
        ]
        assert services, name
        assert all(sep in text for text in services), (name, services)
        if name == "reader-ja.epub":
            assert not any(", " in text for text in services), services  # never the ASCII comma


# A project's reader templates: each extends refpub's own ("!") and changes one block.
OVERRIDES = {
    "_layout.xhtml": '{% extends "!reader/_layout.xhtml" %}'
    "{% block head_extra %}<style>h1 { color: #123456 }</style>{% endblock %}",
    "section.xhtml": '{% extends "!reader/section.xhtml" %}'
    '{% block reading %}{{ super() }}<p class="ours">Ask the desk for {{ r.title }}</p>{% endblock %}',
}
ADDED = re.compile(rb'<style>h1 \{ color: #123456 \}</style>|<p class="ours">[^<]*</p>')


def test_a_project_changes_one_block_of_the_reader_and_keeps_the_rest(tmp_path):
    """`{% extends "!reader/section.xhtml" %}` with one block (and the layout's head_extra, the same
    way): every reading gains the project's line, every document its style, and the book is
    otherwise refpub's, byte for byte."""
    plain = copy_root(tmp_path / "plain", vertical=False)
    build_reader(plain)
    root = copy_root(tmp_path / "project", vertical=False)
    (root / "templates" / "reader").mkdir(parents=True)
    for name, text in OVERRIDES.items():
        (root / "templates" / "reader" / name).write_text(text, encoding="utf-8")
    build_reader(root)

    for lang in ("en", "ja"):
        default = zipfile.ZipFile(plain / "build" / f"reader-{lang}.epub")
        ours = zipfile.ZipFile(root / "build" / f"reader-{lang}.epub")
        assert ours.namelist() == default.namelist()
        for name in default.namelist():
            before, after = default.read(name), ours.read(name)
            assert ADDED.sub(b"", after) == before, name  # nothing else changed
            if not name.endswith(".xhtml"):
                assert after == before, name
                continue
            doc = etree.fromstring(after)
            (style,) = doc.xpath("/x:html/x:head/x:style", namespaces=NS)
            assert "#123456" in style.text
            added = doc.xpath("//x:p[@class='ours']", namespaces=NS)
            readings = doc.xpath("//x:article[@class='reading']", namespaces=NS)
            assert len(added) == len(readings), name  # one after each reading, with its title
            for reading, line in zip(readings, added):
                assert reading.getnext() is line
                assert line.text == "Ask the desk for " + "".join(reading.find("x:h2", NS).itertext())
        assert len(ours.read("EPUB/section-01-general.xhtml").split(b'class="ours"')) == 3  # its two readings
