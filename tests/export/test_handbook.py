"""The PDF handbook, read back as a reader would: text, outline, fonts, pages, metadata."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.dates import format_date, format_skeleton
from pypdf import PdfReader

from refpub.build import build

from support import require_tool

pytestmark = pytest.mark.tools  # poppler (pdftotext, pdffonts), qpdf


def _cldr_day(year: int, month: int, day: int, lang: str) -> str:
    return format_date(dt.date(year, month, day), "long", locale=lang)


def _cldr_month(year: int, month: int, lang: str) -> str:
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=lang)


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(built):
    handbooks = built("good", only=("handbook",))
    return handbooks.root, handbooks.outputs


def test_both_languages_built(built):
    _root, outputs = built
    assert sorted(outputs) == ["handbook-en.pdf", "handbook-ja.pdf"]
    assert all(o.state == "built" for o in outputs.values())


def test_english_text_has_every_entry(built):
    root, _ = built
    text = _flat(pdftotext(root / "build/handbook-en.pdf"))
    for title in (
        "Japan’s Closed-Door Refugee Policy",
        "Detention Profile Japan",
        "A review of assistance programmes for asylum seekers and refugees in Japan",
    ):
        assert title in text
    for name in ("Ushiku no Kai", "牛久の会", "Japan Association for Refugees"):
        assert name in text
    # dates at their precision, in the locale's own long forms (CLDR via Babel, whatever its version)
    assert _cldr_day(2015, 5, 19, "en") in text
    assert _cldr_month(2013, 7, "en") in text
    assert "Test Publication" in text
    assert f"Edition of {_cldr_day(2026, 1, 15, 'en')}" in text


def test_japanese_text_uses_translations_and_marks_fallbacks(built):
    root, outputs = built
    text = _flat(pdftotext(root / "build/handbook-ja.pdf"))
    assert "日本の閉ざされた難民政策" in text
    assert "難民支援協会" in text
    assert "牛久の会" in text
    # poppler prints the quarter em between Japanese and digits (JLReq, a gap on the page) as a space
    dates = re.sub(r"(?<=\d) (?=[年月日])|(?<=[年月]) (?=\d)", "", text)
    assert _cldr_day(2015, 5, 19, "ja") in dates
    assert _cldr_month(2013, 7, "ja") in dates
    # The fuzzy summary is not used: the English source shows, marked with its language.
    assert "古い訳" not in text
    assert "Information on the use of detention in Japan. [en]" in text
    assert outputs["handbook-ja.pdf"].fallbacks > 0


def test_outline_has_every_section(built):
    root, _ = built
    for lang, expected in (
        ("en", ["Key readings", "Asylum seekers in detention"]),
        ("ja", ["主要な文献", "収容されている庇護申請者"]),
    ):
        reader = PdfReader(root / f"build/handbook-{lang}.pdf")
        top = [item.title for item in reader.outline if not isinstance(item, list)]
        for title in expected:
            assert title in top
        assert len(top) == 4  # two sections, organisations, the index


def _fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_fonts_embedded_japanese_in_ja(built):
    root, _ = built
    ja = _fonts(root / "build/handbook-ja.pdf")
    assert any("CJK-JP" in row[0] for row in ja)
    assert any("DejaVu" in row[0] for row in ja)  # Latin text in the Japanese edition: a Latin face
    en = _fonts(root / "build/handbook-en.pdf")
    assert any("DejaVu" in row[0] for row in en)
    for row in ja + en:
        # columns: name type... emb sub uni object ID; every font embedded
        assert "yes" == row[-5], row


def test_page_count_is_stable(built):
    root, outputs = built
    assert len(PdfReader(root / "build/handbook-en.pdf").pages) == outputs["handbook-en.pdf"].pages == 6


def test_metadata_language_and_tags(built):
    root, _ = built
    reader = PdfReader(root / "build/handbook-ja.pdf")
    assert reader.metadata.title == "テスト出版物"
    assert reader.metadata.creation_date.isoformat().startswith("2026-01-01T00:00:00")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ja"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


def test_links_are_clickable(built):
    root, _ = built
    reader = PdfReader(root / "build/handbook-en.pdf")
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if action and "/URI" in action:
                uris.append(action["/URI"])
            elif "/Dest" in a or (action and "/D" in action):
                internal += 1
    assert "https://www.refugee.or.jp/" in uris
    assert internal >= 4  # the table of contents and the index link inside the book


def test_qpdf_check_passes(built):
    root, _ = built
    qpdf = require_tool("qpdf")
    for name in ("handbook-en.pdf", "handbook-ja.pdf"):
        subprocess.run([qpdf, "--check", str(root / "build" / name)], check=True, capture_output=True)


def test_no_japanese_line_starts_with_closing_bracket_or_small_kana(built):
    root, _ = built
    forbidden = set("）」』】〕〉》、。，．・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
    for line in pdftotext(root / "build/handbook-ja.pdf").splitlines():
        stripped = line.strip()
        assert not stripped or stripped[0] not in forbidden, stripped


def test_reproducible_with_source_date_epoch(built, tmp_path, epoch):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    build(copy, only=["handbook"])
    for name in ("handbook-en.pdf", "handbook-ja.pdf"):
        assert (copy / "build" / name).read_bytes() == (root / "build" / name).read_bytes()


def test_project_template_overrides_the_default(make_project):
    root = make_project("good")
    (root / "templates").mkdir()
    default_css = Path(__import__("refpub.views.environment", fromlist=["x"]).default_templates_dir()) / "handbook.css"
    (root / "templates" / "handbook.css").write_text(
        default_css.read_text(encoding="utf-8")
        .replace("@page {", "@page { size: A5; } @page {", 1)
        .replace("size: {{ paper }};", ""),
        encoding="utf-8",
    )
    result = build(root, only=["handbook"], langs=["en"])
    assert result.ok
    box = PdfReader(root / "build/handbook-en.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)  # A5, not the A4 default


def test_paper_setting(make_project):
    root = make_project("good")
    pub = root / "content/publication.yaml"
    pub.write_text(pub.read_text(encoding="utf-8").replace("paper: A4", "paper: Letter"), encoding="utf-8")
    build(root, only=["handbook"], langs=["en"])
    box = PdfReader(root / "build/handbook-en.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_character_no_font_can_draw_is_a_build_error_naming_the_entry(make_project):
    root = make_project("good")
    readings = root / "content/readings.yaml"
    readings.write_text(
        readings.read_text(encoding="utf-8").replace(
            "An overview of Japan's refugee acceptance policy.", "An overview \U0001f9a0 of policy."
        ),
        encoding="utf-8",
    )
    (root / "build").mkdir()
    (root / "build/handbook-en.pdf").write_bytes(b"previous good output")
    result = build(root, only=["handbook"], langs=["en"])
    assert not result.ok
    [failed] = result.outputs
    assert failed.state == "failed"
    assert failed.errors == [
        "content/readings.yaml:1:3: error: reading 'closed-door-policy': no installed font can draw '\U0001f9a0' (U+1F9A0); "
        "remove the character(s) or install a font that has them"
    ]
    assert (root / "build/handbook-en.pdf").read_bytes() == b"previous good output"
