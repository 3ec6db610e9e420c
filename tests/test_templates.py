"""Templates as a project uses them: the entry pieces every output shares (_macros.html), and
refpub's own templates named with "!" from a project's template that extends them."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from lxml import etree
from lxml import html as lxml_html

from refpub.build import build
from refpub.views.environment import default_templates_dir

from support import run_cli

XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def pdf_words(path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(text.stdout.split())


@pytest.mark.tools
def test_a_changed_shared_piece_shows_in_the_handbook_the_reader_and_the_web(good):
    """A project's copy of _macros.html, with three pieces changed: each change reaches every
    output that prints the piece (the PDF's text, the EPUB's XHTML, the web pages)."""
    macros = (default_templates_dir() / "_macros.html").read_text(encoding="utf-8")
    changes = {
        # abbreviation: handbook, reader, web
        "({{ o.abbreviation }})": "[{{ o.abbreviation }}]",
        # labelled ("Region: …"): handbook, reader
        "{{ _(LABEL_SEPARATOR) }}{{ value }}": " = {{ value }}",
        # link: every link to a web page or an address, in every output
        '<a href="{{ url|safe_href }}">': '<a class="ours" href="{{ url|safe_href }}">',
    }
    for old, new in changes.items():
        assert macros.count(old) == 1, old  # the piece is defined once
        macros = macros.replace(old, new)
    (good / "templates").mkdir()
    (good / "templates" / "_macros.html").write_text(macros, encoding="utf-8")
    result = build(good, only=["handbook", "reader", "web"], langs=["en"], jobs=1)
    assert result.ok, [o.errors for o in result.outputs]
    out = good / "build"

    text = pdf_words(out / "handbook-en.pdf")
    assert "Japan Association for Refugees [JAR]" in text
    assert "(JAR)" not in text
    assert "Region = Ushiku, Ibaraki" in text

    with zipfile.ZipFile(out / "reader-en.epub") as book:
        organisations = etree.fromstring(book.read("EPUB/organisations.xhtml"))
    assert organisations.xpath("string(//x:span[@class='abbr'])", namespaces=XHTML) == "[JAR]"
    region = organisations.xpath("//x:p[@class='region']", namespaces=XHTML)
    assert ["".join(p.itertext()) for p in region] == ["Region = Ushiku, Ibaraki"]
    links = organisations.xpath("//x:dl[@class='contacts']//x:a", namespaces=XHTML)
    assert {a.get("href") for a in links} == {
        "https://www.refugee.or.jp/",
        "mailto:info@example.org",
        "tel:+81300000000",  # the phone as written, "+81 3-0000-0000", in E.164
    }
    assert all(a.get("class") == "ours" for a in links)

    org = lxml_html.parse(str(out / "web" / "en" / "org" / "jar" / "index.html"))
    assert org.xpath("string(//h1/span[@class='abbr'])") == "[JAR]"
    assert [a.get("class") for a in org.xpath("//dl[@class='contacts']//a")] == ["ours", "ours", "ours"]
    listing = lxml_html.parse(str(out / "web" / "en" / "organisations" / "index.html"))
    assert listing.xpath("string(//span[@class='abbr'])") == "[JAR]"


def test_the_reader_and_the_web_print_a_reading_s_details_alike(good):
    """One bibliographic line for screens: the reader's and the web edition's are the same
    markup, but for the reader's xml:lang beside every lang."""
    # Translated, so that both print it alike: the web edition does not mark an interface string
    # that fell back to English (the reader does).
    (good / "locales" / "ja" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "in %(language)s"\nmsgstr "原文：%(language)s"\n',
        encoding="utf-8",
    )
    assert build(good, only=["reader", "web"], jobs=1).ok
    meta = re.compile(r'<p class="meta">.*?</p>')
    for lang in ("en", "ja"):
        compared = []
        with zipfile.ZipFile(good / "build" / f"reader-{lang}.epub") as book:
            for name in book.namelist():
                section = re.fullmatch(r"EPUB/section-\d+-(.*)\.xhtml", name)
                if not section:
                    continue
                page = good / "build" / "web" / lang / "section" / section[1] / "index.html"
                in_book = meta.findall(book.read(name).decode("utf-8"))
                on_web = meta.findall(page.read_text(encoding="utf-8"))
                assert [re.sub(r' xml:lang="[^"]*"', "", line) for line in in_book] == on_web
                compared += on_web
        assert len(compared) == 3
    lines = "".join(compared)  # the Japanese pages: every part of the line is there
    assert '<time datetime="' in lines
    assert '<span class="publisher" lang="en">' in lines
    assert "原文：" in lines


@pytest.mark.parametrize(
    ("name", "blocks", "holds"),
    [
        ("reader/nav.xhtml", "{% block landmarks %}{% endblock %}", "count(//x:nav) = 1 and //x:nav[@id='toc']"),
        (
            "reader/cover.xhtml",
            "{% block cover %}<p>Ours</p>{{ super() }}{% endblock %}",
            "string(//x:body/x:p) = 'Ours' and //x:body/x:section[@class='cover']",
        ),
        (
            "reader/service-index.xhtml",
            "{% block heading %}{% endblock %}{% block service %}<p>{{ entry.service.label }}</p>{% endblock %}",
            "count(//x:section/x:p) = 3 and not(//x:h1 | //x:ul)",
        ),
        (
            "reader/organisations.xhtml",
            "{% block organisation %}<p>{{ o.name }}</p>{% endblock %}",
            "string(//x:section/x:p[2]) = 'Japan Association for Refugees' and not(//x:article)",
        ),
    ],
)
def test_every_reader_document_can_be_extended(good, name, blocks, holds):
    """Each document's blocks, changed by a project's template that extends refpub's own."""
    (good / "templates" / name).parent.mkdir(parents=True)
    (good / "templates" / name).write_text(f'{{% extends "!{name}" %}}{blocks}', encoding="utf-8")
    assert build(good, only=["reader"], langs=["en"], jobs=1).ok
    with zipfile.ZipFile(good / "build" / "reader-en.epub") as book:
        document = etree.fromstring(book.read(f"EPUB/{name.removeprefix('reader/')}"))
    assert document.xpath(holds, namespaces=XHTML) is True


def test_refpub_s_own_template_that_does_not_exist_is_a_located_error(good):
    (good / "templates" / "reader").mkdir(parents=True)
    (good / "templates" / "reader" / "section.xhtml").write_text('{% extends "!reader/chapter.xhtml" %}\n')
    proc = run_cli("build", "--only", "reader", "--lang", "en", str(good))
    assert proc.returncode == 1
    assert (
        "templates/reader/section.xhtml:1: error: template '!reader/chapter.xhtml' not found: "
        "refpub has no template of that name"
    ) in proc.stderr, proc.stderr
