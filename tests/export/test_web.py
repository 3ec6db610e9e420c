"""The web edition's files, read back with lxml: pages, languages, links, escaping, bytes, rebuilds."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from lxml import html as lxml_html

from refpub.build import build

from support import ROOTS, without_shipped_interface


def web_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_one_tree_per_language_with_a_page_per_organisation(good):
    result = build(good, only=["web"], jobs=1)
    assert result.ok
    web = good / "build" / "web"
    for lang in ("en", "ja"):
        for org in ("ushiku-no-kai", "jar"):
            page = lxml_html.parse(str(web / lang / "org" / org / "index.html")).getroot()
            assert page.get("lang") == lang
            assert page.get("dir") == "ltr"
            alternates = {link.get("hreflang"): link.get("href") for link in page.xpath("//link[@rel='alternate']")}
            assert alternates == {code: f"../../../{code}/org/{org}/index.html" for code in ("en", "ja")}
            # Relative links only: nothing from another site, no absolute paths.
            for attr in page.xpath("//link/@href | //script/@src | //a[not(starts-with(@href, 'http'))]/@href"):
                assert not attr.startswith(("/", "//")), attr
    ja_org = lxml_html.parse(str(web / "ja" / "org" / "ushiku-no-kai" / "index.html")).getroot()
    assert ja_org.xpath("string(//h1)").strip() == "牛久の会"
    # Every text that fell back to English says so, with its language (and the marker's CSS).
    fallbacks = [e for p in (web / "ja").rglob("*.html") for e in lxml_html.parse(str(p)).xpath("//*[@data-fallback]")]
    assert fallbacks
    assert all(e.get("lang") == "en" for e in fallbacks)
    assert "[data-fallback]::after" in (web / "assets" / "web.css").read_text()
    assert "牛久の会" in (web / "ja" / "search-index.js").read_text(encoding="utf-8")


def test_same_inputs_same_bytes_and_an_untouched_site_is_not_rebuilt(good, tmp_path):
    first = build(good, only=["web"], jobs=1)
    assert [o.state for o in first.outputs] == ["built"]
    before = web_files(good / "build" / "web")
    again = build(good, only=["web"], jobs=1)
    assert [o.state for o in again.outputs] == ["up to date"]
    other = build(good, out=tmp_path / "elsewhere", only=["web"], jobs=1, force=True)
    assert other.ok
    assert web_files(tmp_path / "elsewhere" / "web") == before


def test_a_changed_or_removed_page_is_rebuilt(good):
    build(good, only=["web"], jobs=1)
    web = good / "build" / "web"
    before = web_files(web)
    (web / "en" / "org" / "jar" / "index.html").unlink()
    result = build(good, only=["web"], jobs=1)
    assert [o.state for o in result.outputs] == ["built"]
    assert web_files(web) == before
    # An edit of the content reaches the site; nothing of the old tree is left behind.
    pub = good / "content" / "publication.yaml"
    pub.write_text(pub.read_text(encoding="utf-8").replace("title:", "title: New", 1), encoding="utf-8")
    stray = web / "en" / "stray.html"
    stray.write_text("old")
    result = build(good, only=["web"], jobs=1)
    assert [o.state for o in result.outputs] == ["built"]
    assert not stray.exists()
    assert not [p for p in good.joinpath("build").iterdir() if ".refpub-tmp-" in p.name]


def test_hostile_content_is_escaped(tmp_path, epoch):
    project = tmp_path / "inject"
    shutil.copytree(ROOTS / "hostile-inject", project)
    result = build(project, only=["web"], jobs=1)
    assert result.ok, [o.errors for o in result.outputs]
    for page in (project / "build" / "web").rglob("*.html"):
        tree = lxml_html.parse(str(page))
        # The only scripts are the site's own files; no element or attribute came from content.
        assert all(s.get("src") and not s.text for s in tree.xpath("//script")), page
        assert not tree.xpath("//img | //object | //base | //@onerror"), page
        assert not tree.xpath("//a[starts-with(normalize-space(@href), 'javascript:')]"), page
    index = (project / "build" / "web" / "en" / "search-index.js").read_text(encoding="utf-8")
    assert "</script" not in index.lower()


# A project's web templates: each extends refpub's own ("!") and changes one block.
OVERRIDES = {
    "_layout.html": '{% extends "!web/_layout.html" %}'
    "{% block head_extra %}<style>h1 { color: #123456 }</style>{% endblock %}",
    "organisation.html": '{% extends "!web/organisation.html" %}'
    '{% block organisation %}{{ super() }}<p class="ours">Ask the desk about {{ org.name }}</p>{% endblock %}',
}
ADDED = re.compile(rb'<style>h1 \{ color: #123456 \}</style>|<p class="ours">[^<]*</p>')


def test_a_project_changes_one_block_of_the_web_edition_and_keeps_the_rest(good, tmp_path):
    """`{% extends "!web/organisation.html" %}` with one block (and the layout's head_extra, the
    same way): every organisation's page gains the project's line, every page its style, and
    the site is otherwise refpub's, byte for byte."""
    assert build(good, out=tmp_path / "plain", only=["web"], jobs=1).ok
    (good / "templates" / "web").mkdir(parents=True)
    for name, text in OVERRIDES.items():
        (good / "templates" / "web" / name).write_text(text, encoding="utf-8")
    assert build(good, out=tmp_path / "ours", only=["web"], jobs=1).ok

    plain, ours = tmp_path / "plain" / "web", tmp_path / "ours" / "web"
    files = sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    for name in files:
        before, after = (plain / name).read_bytes(), (ours / name).read_bytes()
        assert ADDED.sub(b"", after) == before, name  # nothing else changed
        if name.suffix != ".html" or name.as_posix() == "index.html":  # the chooser has no layout
            assert after == before, name
            continue
        page = lxml_html.fromstring(after)
        assert "#123456" in page.xpath("string(/html/head/style)"), name
        added = page.xpath("//p[@class='ours']")
        if name.parts[1] == "org":
            (line,) = added
            assert line.getprevious().tag == "article"
            assert line.text == "Ask the desk about " + page.xpath("string(//h1/span)")
        else:
            assert added == [], name


def test_an_untranslated_interface_string_is_marked_english_and_counted(good, monkeypatch):
    """The fixture has no Japanese messages.po and, for this build, refpub translates none either
    (as for a language it does not ship): on a Japanese page every interface string falls back to
    English, is marked lang="en" (as in the e-book) and counted."""
    without_shipped_interface(monkeypatch)
    result = build(good, only=["web"])
    assert result.ok
    [web] = result.outputs
    assert web.fallbacks > 0
    page = (good / "build/web/ja/index.html").read_text(encoding="utf-8")
    skip = re.search(r'<a class="skip"[^>]*><span([^>]*)>Skip to the content</span>', page)
    assert skip, page[:2000]
    assert 'lang="en"' in skip.group(1), skip.group(0)
    assert 'data-fallback="true"' in skip.group(1), skip.group(0)
    english = (good / "build/web/en/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="skip"[^>]*><span>Skip to the content</span>', english), "not marked in English"
