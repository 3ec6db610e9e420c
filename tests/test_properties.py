"""Property tests (issue 8): arbitrary Unicode in every text field loads back exactly and is
rendered only as text, in the handbook's HTML and in the reader's XHTML.

Each example writes a small project with ``yaml.safe_dump`` (as an editor's tool would), loads
it with refpub's loader and renders it without laying out a PDF (fast). What the loader
refuses by design (control characters XML cannot carry) is checked to be a located error.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import lxml.html
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from refpub.content.load import load_content
from refpub.content.project import Project, ProjectPaths
from refpub.content.text import HIDDEN_FORMAT  # invisible characters the loader refuses (tested apart)
from refpub.diagnostics import Reporter
from refpub.export.base import RenderSession, Target

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# XML 1.0 cannot carry these; the loader refuses them (tested below).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# YAML's own line breaks: PyYAML's emitter writes them unescaped and every YAML reader then folds
# them (a YAML rule, not refpub's), so text with them cannot round-trip through a YAML file.
_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


def _text_strategy(min_size: int = 1) -> st.SearchStrategy[str]:
    chars = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be written to a file
    hostile = st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "</title><svg onload=alert(1)>",
            "{{ 7*7 }}",
            "{% raw %}",
            "&amp;",
            "&lt;",
            "]]>",
            "<!--",
            "'",
            '"',
            "\u200f",  # a right-to-left mark (allowed; an override such as U+202E is refused)
            "\u0301",
            "\u200b",
        ]
    )
    pieces = st.lists(st.one_of(st.text(chars, min_size=1, max_size=12), hostile), min_size=1, max_size=5)
    return (
        pieces.map("".join)
        # The loader normalises CR and CRLF to LF (as XML parsers do), so generate LF only.
        .map(lambda s: _YAML_BREAKS.sub("", _NOT_XML.sub("", HIDDEN_FORMAT.sub("", s))))
        .map(lambda s: s.replace("\r\n", "\n").replace("\r", "\n").strip())
        .filter(lambda s: len(s) >= min_size)
    )


TEXT = _text_strategy()

FIELDS = st.fixed_dictionaries(
    {
        "pub_title": TEXT,
        "pub_subtitle": TEXT,
        "section_title": TEXT,
        "title": TEXT,
        "summary": TEXT,
        "note": TEXT,
        "publisher": TEXT,
        "author": TEXT,
        "org_name": TEXT,
        "description": TEXT,
        "address": TEXT,
        "region": TEXT,
    }
)


def _write_project(root: Path, f: dict) -> None:
    content = root / "content"
    content.mkdir(parents=True)

    def dump(data) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)

    (content / "publication.yaml").write_text(
        dump(
            {
                "title": f["pub_title"],
                "subtitle": f["pub_subtitle"],
                "source_language": "en",
                "languages": ["en"],
                "edition": "2026-01-15",
                "sections": [{"id": "general", "title": f["section_title"]}],
                "topics": [{"id": "policy", "title": "Policy"}],
            }
        ),
        encoding="utf-8",
    )
    (content / "readings.yaml").write_text(
        dump(
            [
                {
                    "id": "r",
                    "title": f["title"],
                    "summary": f["summary"],
                    "note": f["note"],
                    "publisher": f["publisher"],
                    "authors": [f["author"]],
                    "section": "general",
                    "kind": "article",
                    "topics": ["policy"],
                    "language": "en",
                }
            ]
        ),
        encoding="utf-8",
    )
    (content / "organisations.yaml").write_text(
        dump(
            [
                {
                    "id": "o",
                    "name": f["org_name"],
                    "description": f["description"],
                    "address": f["address"],
                    "region": f["region"],
                    "services": ["legal"],
                }
            ]
        ),
        encoding="utf-8",
    )


def _load(f: dict):
    tmp = tempfile.TemporaryDirectory()
    root = Path(tmp.name)
    _write_project(root, f)
    reporter = Reporter()
    content = load_content(root, reporter)
    return tmp, root, content, reporter


def _same_text(rendered: str, source: str) -> bool:
    # HTML and XML parsers normalise line ends; the handbook's phrase breaking adds word joiners,
    # and a run of 50 characters without a break opportunity gets a zero-width space every 25
    # (views/phrases.py, soften_long_words).
    def norm(s: str) -> str:
        return s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2060", "").replace("\u200b", "")

    return norm(rendered) == norm(source)


@SETTINGS
@given(FIELDS)
def test_arbitrary_text_loads_back_exactly(f):
    tmp, _root, content, reporter = _load(f)
    with tmp:
        assert not reporter.has_errors, [str(d) for d in reporter.errors]
        pub, reading, org = content.publication, content.readings[0], content.organisations[0]
        assert (pub.title, pub.subtitle, pub.sections[0].title) == (
            f["pub_title"],
            f["pub_subtitle"],
            f["section_title"],
        )
        assert (reading.title, reading.summary, reading.note, reading.publisher) == (
            f["title"],
            f["summary"],
            f["note"],
            f["publisher"],
        )
        assert reading.authors == (f["author"],)
        assert (org.name, org.description, org.address, org.region) == (
            f["org_name"],
            f["description"],
            f["address"],
            f["region"],
        )


_BASELINE_TAGS: dict[str, set[str]] = {}


def _tags(root) -> set[str]:
    return {el.tag if isinstance(el.tag, str) else "" for el in root.iter()} - {""}


FIELD_NAMES = (
    "pub_title",
    "pub_subtitle",
    "section_title",
    "title",
    "summary",
    "note",
    "publisher",
    "author",
    "org_name",
    "description",
    "address",
    "region",
)


def _plain_fields() -> dict:
    return {key: f"plain {key}" for key in FIELD_NAMES}


def _handbook_html(root: Path, content) -> str:
    from refpub.export.handbook import HandbookExporter

    session = RenderSession(Project(ProjectPaths.at(root), content))
    html, _views, _pub = HandbookExporter().render_html(Target("handbook", "handbook-en.pdf", "en"), session)
    return html


def _assert_no_injection(tree, baseline: set[str], where: str) -> None:
    assert _tags(tree) <= baseline, f"{where}: injected {_tags(tree) - baseline}"
    for el in tree.iter():
        if isinstance(el.tag, str):
            for name in el.attrib:
                assert not str(name).lower().startswith("on"), f"{where}: injected attribute {name}"


@SETTINGS
@given(FIELDS)
def test_handbook_html_shows_arbitrary_text_only_as_text(f):
    if "handbook" not in _BASELINE_TAGS:
        tmp, root, content, _ = _load(_plain_fields())
        with tmp:
            _BASELINE_TAGS["handbook"] = _tags(lxml.html.document_fromstring(_handbook_html(root, content)))
    tmp, root, content, reporter = _load(f)
    with tmp:
        assume(not reporter.has_errors)
        tree = lxml.html.document_fromstring(_handbook_html(root, content))
    _assert_no_injection(tree, _BASELINE_TAGS["handbook"], "handbook")
    reading = tree.get_element_by_id("reading-r")
    heading = reading.find(".//h2")
    assert _same_text(heading.get("data-title"), f["title"])
    assert _same_text(heading.text_content(), f["title"])
    assert _same_text(reading.find_class("summary")[0].text_content(), f["summary"])
    org = tree.get_element_by_id("org-o")
    assert _same_text(org.find(".//h2").get("data-title"), f["org_name"])
    assert _same_text(org.find_class("description")[0].text_content(), f["description"])
    assert _same_text(tree.find(".//title").text_content(), f["pub_title"])


@SETTINGS
@given(FIELDS)
def test_reader_xhtml_shows_arbitrary_text_only_as_text(f):
    from refpub.export.reader import ReaderExporter
    from refpub.views.context import ViewBuilder

    def documents(root, content):
        session = RenderSession(Project(ProjectPaths.at(root), content))
        target = Target("reader", "reader-en.epub", "en")
        views = ViewBuilder(content, session.translations("en"))
        pub = views.publication()
        docs = ReaderExporter().render_documents(target, session, views, pub)
        return {d.filename: d.data for d in docs if d.filename.endswith(".xhtml")}

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    if "reader" not in _BASELINE_TAGS:
        tmp, root, content, _ = _load(_plain_fields())
        with tmp:
            _BASELINE_TAGS["reader"] = set().union(
                *(_tags(etree.fromstring(d, parser)) for d in documents(root, content).values())
            )
    tmp, root, content, reporter = _load(f)
    with tmp:
        assume(not reporter.has_errors)
        docs = documents(root, content)
    trees = {name: etree.fromstring(data, parser) for name, data in docs.items()}  # well-formed, always
    for name, tree in trees.items():
        _assert_no_injection(tree, _BASELINE_TAGS["reader"], name)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    section = next(t for n, t in trees.items() if n.startswith("section-"))
    reading = section.xpath("//x:article[@id='reading-r']", namespaces=ns)[0]
    assert _same_text("".join(reading.xpath(".//x:h2", namespaces=ns)[0].itertext()), f["title"])
    assert _same_text(
        "".join(reading.xpath(".//x:p[contains(@class,'summary')]", namespaces=ns)[0].itertext()), f["summary"]
    )
    orgs = trees["organisations.xhtml"]
    org = orgs.xpath("//x:article[@id='org-o']", namespaces=ns)[0]
    assert _same_text(
        "".join(org.xpath(".//x:p[contains(@class,'description')]", namespaces=ns)[0].itertext()), f["description"]
    )


@settings(max_examples=20, deadline=None)
@given(
    prefix=_text_strategy(0),
    bad=st.sampled_from([chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + ["\ufffe", "\uffff"]),
    suffix=_text_strategy(0),
)
def test_characters_xml_cannot_carry_are_refused_at_their_line(prefix, bad, suffix):
    title = f"{prefix}{bad}{suffix}".strip() or bad
    assume(_NOT_XML.search(title))
    f = {key: "plain" for key in FIELD_NAMES}
    f["title"] = title
    tmp, _root, _content, reporter = _load(f)
    with tmp:
        errors = reporter.errors
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert error.location.file == "content/readings.yaml"
    assert error.location.line == 2
    assert error.location.column > 0
    code = f"U+{ord(_NOT_XML.search(title).group(0)):04X}"
    assert f"'title' contains the control character {code}" in error.message
