"""Bilingual handouts: both languages of every entry, QR codes that scan, the page limit, 2-up."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from babel.dates import format_date, format_skeleton
from lxml import html as lxml_html
from pypdf import PdfReader

from refpub.building.loading import check_project, load_project
from refpub.content.model import Handout, OrganisationSelection, ReadingSelection
from refpub.content.selection import select_for_handout
from refpub.diagnostics import Reporter
from refpub.errors import BuildErrors
from refpub.export.base import RenderSession
from refpub.export.handouts import HandoutExporter, handout_html, render_handout
from refpub.views.qr import make_qr, svg_path

from support import ROOTS, has_colour, require_module

MM_PER_PT = 25.4 / 72

pytestmark = pytest.mark.tools  # poppler (pdftotext, pdftoppm, pdffonts) and zbar


def _squash(text: str) -> str:
    """Text without line breaks, hyphenation or word joiners, for comparing laid-out text."""
    return re.sub(r"[\s\u2060\u00ad\u2010-]+", "", text)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def basic():
    project = load_project(ROOTS / "handout-basic")
    return project, RenderSession(project)


def _handout(project, handout_id: str) -> Handout:
    return next(h for h in project.content.publication.handouts if h.id == handout_id)


@pytest.fixture(scope="module")
def help_pdf(basic):
    project, session = basic
    return render_handout(_handout(project, "help"), session)


# ----------------------------------------------------------------------------- targets and selection


def test_one_multilingual_target_per_handout(basic):
    project, _ = basic
    targets = HandoutExporter().targets(project.content)
    assert [t.filename for t in targets] == [
        "handout-help.pdf",
        "handout-detention.pdf",
        "handout-untranslated.pdf",
        "handout-cafe.pdf",
    ]
    assert all(t.lang is None and t.kind == "handouts" for t in targets)


def test_selection_filters_pick_exactly_the_right_entries(basic):
    project, _ = basic
    content = project.content

    def ids(handout_id):
        entries = select_for_handout(content, _handout(project, handout_id))
        return [o.id for o in entries.organisations], [r.id for r in entries.readings]

    assert ids("help") == (["lawyers-net", "clinic"], ["closed-door-policy"])  # services: legal, medical
    assert ids("detention") == (["ushiku-visitors"], ["detention-new"])  # region + newest 1 of a section
    assert ids("untranslated") == (["food-bank"], [])


def test_selection_ids_first_then_filters_without_duplicates(basic):
    project, _ = basic
    handout = Handout(
        id="x",
        organisations=OrganisationSelection(ids=("food-bank", "clinic"), services=("medical", "legal")),
        readings=ReadingSelection(topics=("detention",), newest=2),
    )
    entries = select_for_handout(project.content, handout)
    assert [o.id for o in entries.organisations] == ["food-bank", "clinic", "lawyers-net"]
    assert [r.id for r in entries.readings] == ["detention-new", "detention-old"]
    region_and_service = Handout(
        id="y", organisations=OrganisationSelection(services=("legal", "medical"), region="tokyo")
    )
    assert [o.id for o in select_for_handout(project.content, region_and_service).organisations] == [
        "lawyers-net",
        "clinic",
    ]
    assert not select_for_handout(project.content, Handout(id="z"))


def test_check_warns_about_stale_and_unchecked_handout_contacts():
    reporter = Reporter()
    check_project(ROOTS / "handout-basic", reporter, today=dt.date(2026, 6, 1))
    stale = [d.message for d in reporter.warnings if "checked" in d.message]
    assert any("'clinic' was last checked on 2025-01-15" in m for m in stale)  # 17 months > 12
    assert any("'ushiku-visitors' has never been checked" in m for m in stale)
    assert not any("'lawyers-net'" in m for m in stale)  # checked 2026-05-02
    assert not any("'food-bank'" in m and "handout 'help'" in m for m in stale)  # not on that handout


# ----------------------------------------------------------------------------- content of the PDF


def test_text_has_both_languages_of_every_entry(help_pdf, tmp_path):
    text = _squash(_pdf_text(help_pdf.data, tmp_path))
    expected = [
        # lawyers-net: English name and description; its own Japanese name and translated description
        "Refugee Lawyers Network",
        "Free legal advice for asylum seekers at every stage of the application.",
        "難民弁護士ネットワーク",
        "申請のどの段階でも、難民申請者に無料で法律相談を行います。",
        # clinic: Japanese name and description from content.po
        "Open Door Clinic",
        "Medical care without insurance, with interpreters.",
        "オープンドア診療所",
        "保険がなくても、通訳付きで診療を受けられます。",
        # the reading
        "Japan's Closed-Door Refugee Policy",
        "An overview of Japan's refugee acceptance policy.",
        "日本の閉ざされた難民政策",
        "日本の難民受け入れ政策の概要。",
        # titles and headings in both languages
        "Where to find help",
        "助けを求めるには",
        "相談できる団体",
    ]
    for snippet in expected:
        assert _squash(snippet) in text, snippet
    assert help_pdf.warnings == []
    assert help_pdf.pages == 1


def test_contacts_checked_dates_and_footer_are_printed(help_pdf, tmp_path):
    text = _squash(_pdf_text(help_pdf.data, tmp_path))
    for snippet in (
        "+81 3-1234-5678",
        "help@lawyers.example.org",
        "https://lawyers.example.org/help",
        "1-2-3 Kasumigaseki, Chiyoda, Tokyo",
        "https://clinic.example.org/",
        # the catalog's phrases around CLDR's month and long date forms (via Babel, whatever its version)
        f"checked {format_skeleton('yMMMM', dt.date(2026, 5, 1), locale='en')}",
        f"{format_skeleton('yMMMM', dt.date(2026, 5, 1), locale='ja')}確認",
        f"checked {format_skeleton('yMMMM', dt.date(2025, 1, 1), locale='en')}",
        f"Edition of {format_date(dt.date(2026, 5, 20), 'long', locale='en')}",
        f"{format_date(dt.date(2026, 5, 20), 'long', locale='ja')}版",
        "https://handouts.example.org/latest",
        "電話",
    ):
        assert _squash(snippet) in text, snippet


def test_pdf_is_one_a4_page_with_embedded_fonts(help_pdf, tmp_path):
    path = tmp_path / "h.pdf"
    path.write_bytes(help_pdf.data)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) * MM_PER_PT) == 210
    assert round(float(box.height) * MM_PER_PT) == 297
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    assert all(re.search(r"\byes\b", row) for row in rows), fonts  # every font embedded


def test_qr_codes_decode_back_to_the_urls(help_pdf, tmp_path):
    pyzbar = require_module("pyzbar.pyzbar", "QR decoding needs libzbar0")
    from PIL import Image

    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(help_pdf.data)
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    decoded = {d.data.decode() for d in pyzbar.decode(Image.open(tmp_path / "page.png")) if d.type == "QRCODE"}
    assert decoded == {
        "https://lawyers.example.org/help",
        "https://clinic.example.org/",
        "https://www.nippon.com/en/features/c01905/",
    }


def test_embedded_qr_matrix_is_that_of_the_url(basic):
    """The SVG path in the HTML is exactly segno's matrix for the URL (error correction M)."""
    import segno

    project, session = basic
    page = handout_html(_handout(project, "help"), session)
    tree = lxml_html.fromstring(page.html)
    url = "https://lawyers.example.org/help"
    svg = tree.get_element_by_id("org-lawyers-net").xpath(".//*[local-name()='svg']")[0]
    reference = segno.make(url, error="m", micro=False, boost_error=False)
    matrix = tuple(tuple(bool(c) for c in row) for row in reference.matrix)
    assert make_qr(url).matrix == matrix
    offset = int(svg.get("viewbox", svg.get("viewBox")).split()[2]) - len(matrix)
    assert svg.xpath(".//*[local-name()='path']")[0].get("d") == svg_path(matrix, offset // 2)
    assert reference.error == "M"


# ----------------------------------------------------------------------------- fallbacks


def test_missing_japanese_translation_warns_and_shows_english_marked(basic, tmp_path):
    project, session = basic
    handout = _handout(project, "untranslated")
    page = handout_html(handout, session)
    warnings = [w for w in page.warnings if "food-bank" in w.message]
    assert len(warnings) == 1
    assert "Japanese" in warnings[0].message
    assert "description" in warnings[0].message
    assert "name" in warnings[0].message
    assert warnings[0].location is not None
    assert warnings[0].location.file == "content/organisations.yaml"

    tree = lxml_html.fromstring(page.html)
    article = tree.get_element_by_id("org-food-bank")
    ja_column = article.xpath("./div[@class='cells']/div[@class='col'][@lang='ja']")[0]
    name = ja_column.xpath(".//h3")[0]
    assert name.get("lang") == "en"
    assert "Harbour Food Bank" in name.text_content()
    description = ja_column.xpath(".//p[contains(@class, 'description')]")[0]
    assert description.get("lang") == "en"
    assert description.get("data-fallback") == "true"

    rendered = render_handout(handout, session)
    assert rendered.pages == 1
    assert any("food-bank" in w.message for w in rendered.warnings)
    assert rendered.fallbacks >= 2


# ----------------------------------------------------------------------------- paper


def test_a5_handout_is_a5(basic, tmp_path):
    project, session = basic
    rendered = render_handout(_handout(project, "detention"), session)
    box = PdfReader(_write(tmp_path, rendered.data)).pages[0].mediabox
    assert (round(float(box.width) * MM_PER_PT), round(float(box.height) * MM_PER_PT)) == (148, 210)


def test_two_up_is_one_landscape_a4_sheet_with_two_copies(basic, tmp_path):
    project, session = basic
    rendered = render_handout(_handout(project, "cafe"), session)
    reader = PdfReader(_write(tmp_path, rendered.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * MM_PER_PT), round(float(box.height) * MM_PER_PT)) == (297, 210)
    text = _squash(_pdf_text(rendered.data, tmp_path))
    assert text.count(_squash("Refugee Lawyers Network")) == 2
    assert text.count("難民弁護士ネットワーク") == 2


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- fitting the page


def test_overflowing_handout_is_an_error_naming_the_entries():
    project = load_project(ROOTS / "handout-overflow")
    handout = project.content.publication.handouts[0]
    with pytest.raises(BuildErrors) as info:
        render_handout(handout, RenderSession(project))
    messages = [e.message for e in info.value.errors]
    assert "must fit 1 A5 page(s)" in messages[0]
    assert re.search(r"about \d+ mm too much", messages[0])
    named = {m.split("'")[3] for m in messages[1:]}
    # The first entries fit on page 1; every later one is named.
    first = min(int(name.split("-")[1]) for name in named)
    assert first >= 2
    assert named == {f"legal-{i}" for i in range(first, 9)}
    assert all(re.search(r"\d+ mm of it falls on page \d", m) for m in messages[1:])
    assert info.value.errors[1].location.file == "content/organisations.yaml"


def test_build_command_fails_on_overflow_and_builds_the_rest(cli, make_project, tmp_path):
    root = make_project("handout-overflow")
    result = cli("build", "--only", "handouts", "--out", str(tmp_path / "out"), str(root))
    assert result.returncode == 1
    assert "legal-8" in result.stderr
    assert "must fit 1 A5 page" in result.stderr
    assert not (tmp_path / "out" / "handout-crowded.pdf").exists()


def test_build_writes_every_handout(cli, make_project, tmp_path):
    root = make_project("handout-basic")
    result = cli("build", "--only", "handouts", "--out", str(tmp_path / "out"), str(root))
    assert result.returncode == 0, result.stderr
    for name in ("help", "detention", "untranslated", "cafe"):
        assert (tmp_path / "out" / f"handout-{name}.pdf").stat().st_size > 1000
    assert "food-bank" in result.stderr  # the missing translation is reported


# ----------------------------------------------------------------------------- refpub handout


def test_adhoc_handout_command(cli, make_project, tmp_path):
    root = make_project("handout-basic")
    out = tmp_path / "adhoc.pdf"
    result = cli(
        "handout",
        "--orgs",
        "clinic",
        "--services",
        "legal",
        "--readings",
        "closed-door-policy",
        "--lang",
        "en,ja",
        "--paper",
        "Letter",
        "--out",
        str(out),
        str(root),
    )
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width) * MM_PER_PT) == 216  # Letter, 8.5 in
    text = _squash(_pdf_text(out.read_bytes(), tmp_path))
    assert text.index(_squash("Open Door Clinic")) < text.index(_squash("Refugee Lawyers Network"))  # ids first
    assert "日本の閉ざされた難民政策" in text


def test_adhoc_handout_unknown_id_is_a_content_error(cli, make_project, tmp_path):
    root = make_project("handout-basic")
    result = cli("handout", "--orgs", "no-such-org", "--out", str(tmp_path / "x.pdf"), str(root))
    assert result.returncode == 1
    assert "unknown organisation 'no-such-org'" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


# ----------------------------------------------------------------------------- filling the pages


def _page_fill_from_text(pdf: Path, margin_top_mm: float, margin_bottom_mm: float) -> list[float]:
    """The share of each page's text area that text reaches down to, as poppler sees the PDF
    (the footer, in the bottom margin, left out)."""
    from lxml import etree

    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(xml, etree.HTMLParser())
    fills = []
    for page in tree.iter("page"):
        height = float(page.get("height"))
        top, bottom = margin_top_mm / MM_PER_PT, height - margin_bottom_mm / MM_PER_PT
        lowest = max(
            (float(b.get("ymax")) for b in page.iter("block") if float(b.get("ymin")) < bottom),
            default=top,
        )
        fills.append((lowest - top) / (bottom - top))
    return fills


def _fill_project(make_project) -> Path:
    """Three long organisations, then six short ones, on 3 A5 pages: in the declared order a long
    row does not fit below another, so pages 1 and 2 would be half empty and a fourth page needed."""
    root = make_project("handout-overflow")
    long = (
        "This organisation gives free and confidential legal advice to asylum seekers and their families, "
        "helps with applications, appeals and provisional release, and accompanies people to interviews. "
    ) * 2
    entries = [("long", long)] * 3 + [("short", "Free legal advice.")] * 6
    (root / "content" / "organisations.yaml").write_text(
        "\n".join(
            f"- id: {kind}-{i}\n  name: {kind.title()} Group {i}\n  description: >-\n    {text}\n"
            f'  services: [legal]\n  phone: "+81 3-0000-000{i}"\n  checked: 2026-05-01\n'
            '  sources:\n    - document: "fictional test data"\n'
            for i, (kind, text) in enumerate(entries, start=1)
        ),
        encoding="utf-8",
    )
    publication = root / "content" / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace("pages: 1", "pages: 3"), encoding="utf-8")
    return root


def test_rows_are_packed_so_every_page_but_the_last_is_filled(cli, make_project, tmp_path):
    root = _fill_project(make_project)
    result = cli("build", "--only", "handouts", "-v", "--out", str(tmp_path / "out"), str(root))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "handout-crowded.pdf"
    fills = _page_fill_from_text(pdf, 12.0, 22.0)
    assert len(fills) == 3
    assert all(share >= 0.8 for share in fills[:-1]), fills
    # every organisation once; the declared order kept where it could be
    text = _squash(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout)
    order = [int(m) for m in re.findall(r"(?:Long|Short)Group(\d)", text)]
    assert sorted(set(order)) == list(range(1, 10))
    first_seen = list(dict.fromkeys(order))
    assert first_seen[0] == 1
    assert first_seen.index(2) < first_seen.index(3)
    # -v reports the fill per page (what the layout measured) and the rows moved
    assert re.search(r"pages filled 1: \d+%, 2: \d+%, 3: \d+%", result.stderr)
    assert "moved up: organisation 'short-" in result.stderr


def test_packing_keeps_the_declared_order_when_everything_fits():
    from refpub.pdf.fitting import pack

    heights = {"a": 40.0, "b": 40.0, "c": 30.0, "d": 10.0}
    orders, pages = pack(10.0, [(5.0, list("abcd"))], heights.get, 200.0)
    assert orders == [list("abcd")]
    assert pages == [135.0]
    orders, pages = pack(10.0, [(5.0, list("abcd"))], heights.get, 100.0)
    # after a and b (95 mm) c does not fit; nothing does; c and d go to page 2 in order
    assert orders == [list("abcd")]
    assert pages == [95.0, 40.0]
    orders, pages = pack(10.0, [(5.0, list("abcd"))], heights.get, 90.0)
    # a (55) then b does not fit: the tallest later row that does (c, 30) comes up, then d
    assert orders == [list("acbd")]
    assert pages == [85.0, 50.0]


def test_repository_handouts_fill_every_page_but_the_last(cli, tmp_path):
    result = cli("build", "--only", "handouts", "--out", str(tmp_path / "out"), str(ROOTS.parent.parent))
    assert result.returncode == 0, result.stderr
    pdfs = sorted((tmp_path / "out").glob("handout-*.pdf"))
    assert pdfs
    for pdf in pdfs:
        fills = _page_fill_from_text(pdf, 12.0, 22.0)
        assert all(share >= 0.8 for share in fills[:-1]), (pdf.name, fills)


def test_three_languages_side_by_side_on_landscape_paper(cli, make_project, tmp_path):
    """ja, en and ar: three columns, each in its own language and direction, on A4 turned."""
    root = make_project("rtl")
    out = tmp_path / "three.pdf"
    result = cli("handout", str(root), "--lang", "ja,en,ar", "--orgs", "jar", "--out", str(out))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((841.89, 595.28), abs=0.5)
    text = _squash(_pdf_text(out.read_bytes(), tmp_path))
    assert "難民支援協会" in text
    assert "JapanAssociationforRefugees" in text
    assert re.search("[\u0600-\u06ff]", text)
    # the Arabic column is the third, at the right (its words, but for the bilingual contact
    # labels printed across the row)
    words = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    arabic_x = [
        float(x) for x, w in re.findall(r'xMin="([\d.]+)"[^>]*>([^<]*)<', words) if re.search("[\u0600-\u06ff]", w)
    ]
    assert len(arabic_x) > 10
    assert sum(x > 841.89 * 0.6 for x in arabic_x) >= 0.8 * len(arabic_x)


def test_a_project_handout_extends_refpub_s_and_adds_css(cli, make_project, tmp_path):
    """`{% extends "!handout.html" %}` with a head_extra block: the default handout, restyled."""
    root = make_project("handout-basic")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "handout.html").write_text(
        '{% extends "!handout.html" %}{% block head_extra %}<style>h1 { color: #123456 }</style>{% endblock %}',
        encoding="utf-8",
    )
    result = cli("build", "--only", "handouts", "--out", str(tmp_path / "out"), str(root))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "handout-help.pdf"
    assert "Who can help" in _pdf_text(pdf.read_bytes(), tmp_path)  # the default's content
    assert has_colour(pdf, (0x12, 0x34, 0x56))
