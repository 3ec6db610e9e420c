"""Right-to-left languages: direction comes from the locale, and every output is mirrored.

The rtl fixture publishes English, Japanese and Arabic (a few strings left untranslated, so
English falls back inside Arabic pages), and a Japanese-Arabic handout. It is built once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from refpub.build import build
from refpub.views.formats import text_direction

from support import EPOCH, ROOTS, require_module, require_tool, without_shipped_interface

MM = 72 / 25.4
PAGE_WIDTH = 595.276  # A4, points
MARGIN = 18 * MM  # handbook.css: left and right page margins

pytestmark = pytest.mark.tools  # poppler (pdftotext), Java and EPUBCheck


@pytest.fixture(scope="module")
def built(built):
    return built("rtl").out


def words(pdf: Path, page: int, with_y: bool = False) -> list[tuple]:
    """(xMin, xMax, text) of every word of one page, as poppler reads it ((xMin, xMax, yMin,
    text) ``with_y``)."""
    xml = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
    found = [(float(x0), float(x1), float(y), text) for x0, y, x1, text in word.findall(xml)]
    return found if with_y else [(x0, x1, text) for x0, x1, _, text in found]


def test_direction_is_cldr_s_not_a_list():
    assert [text_direction(lang) for lang in ("ar", "fa", "ur", "he", "ps")] == ["rtl"] * 5
    assert [text_direction(lang) for lang in ("en", "ja", "my", "ne", "tr", "si", "km", "bn")] == ["ltr"] * 8


def test_arabic_handbook_is_laid_out_right_to_left(built):
    ar, en = built / "handbook-ar.pdf", built / "handbook-en.pdf"
    # The contents page: the heading starts at the right margin in Arabic, the left one in English.
    heading = next(w for w in words(ar, 2) if "تايوتحملا" in w[2] or "المحتويات" in w[2])
    assert heading[1] == pytest.approx(PAGE_WIDTH - MARGIN, abs=1.5)
    contents = next(w for w in words(en, 2) if w[2] == "Contents")
    assert contents[0] == pytest.approx(MARGIN, abs=1.5)

    # Contents leaders are mirrored: the page numbers stand at the left margin in Arabic.
    def at(edge, side, page):
        return [w for w in page if re.fullmatch(r"[0-9٠-٩]+", w[2]) and w[side] == pytest.approx(edge, abs=1.5)]

    assert len(at(MARGIN, 0, words(ar, 2))) == 4  # one per line of the contents
    assert len(at(PAGE_WIDTH - MARGIN, 1, words(en, 2))) == 4
    # Arabic lines (headings, short metadata lines and summaries alike) start at the right margin.
    arabic = [w for w in words(ar, 3) if re.search("[\u0600-\u06ff]", w[2])]
    right_edges = {round(w[1]) for w in arabic}
    assert max(right_edges) == pytest.approx(PAGE_WIDTH - MARGIN, abs=1.5)
    assert sum(1 for w in arabic if w[1] == pytest.approx(PAGE_WIDTH - MARGIN, abs=1.5)) >= 3


def test_phone_numbers_and_links_keep_their_order_on_an_arabic_page(built):
    text = subprocess.run(
        ["pdftotext", str(built / "handbook-ar.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "+81 3-0000-0000" in text  # not "3-0000-0000 81+"
    assert "https://www.refugee.or.jp/" in text
    with zipfile.ZipFile(built / "reader-ar.epub") as z:
        page = etree.fromstring(z.read("EPUB/organisations.xhtml"))
    runs = [el.text for el in page.iter("{http://www.w3.org/1999/xhtml}bdi") if el.get("dir") == "ltr"]
    assert "+81 3-0000-0000" in runs
    assert "info@example.org" in runs


def test_arabic_reader_is_right_to_left(built):
    with zipfile.ZipFile(built / "reader-ar.epub") as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        spine = opf.find("{http://www.idpf.org/2007/opf}spine")
        assert spine.get("page-progression-direction") == "rtl"
        pages = [n for n in z.namelist() if n.endswith(".xhtml")]
        assert pages
        for name in pages:
            html = etree.fromstring(z.read(name))
            assert html.get("dir") == "rtl", name
        # An English fallback inside an Arabic page says its own direction (isolated by [dir]).
        section = etree.fromstring(z.read("EPUB/section-01-general.xhtml"))
        fallbacks = section.xpath("//*[@data-fallback='true']")
        assert fallbacks
        assert all(el.get("dir") == "ltr" for el in fallbacks)
    with zipfile.ZipFile(built / "reader-en.epub") as z:
        spine = etree.fromstring(z.read("EPUB/content.opf")).find("{http://www.idpf.org/2007/opf}spine")
        assert spine.get("page-progression-direction") != "rtl"


def test_arabic_reader_passes_epubcheck(built):
    java = require_tool("java", "EPUBCheck needs a Java runtime")
    epubcheck = require_module("epubcheck", "EPUBCheck")
    command = [java, "-jar", str(Path(epubcheck.__file__).parent / "epubcheck.jar")]
    out = subprocess.run([*command, str(built / "reader-ar.epub"), "--json", "-"], capture_output=True, timeout=300)
    report = json.loads(out.stdout)
    problems = [
        m["ID"] + ": " + m["message"] for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == []


def test_japanese_arabic_handout_columns_each_in_their_direction(built):
    pdf = built / "handout-help-ja-ar.pdf"
    page = words(pdf, 1)
    japanese = [w for w in page if "牛久の会" in w[2]]

    # The Arabic heading "Who can help" and Ushiku no Kai's services line "Detention visits" are
    # right-aligned in their column: same right edge, different left edges (left-aligned would be the reverse).
    def line(*spellings):
        """The words, in the second column, of the line holding one of ``spellings`` (poppler
        may write Arabic in visual order)."""
        found = [w for w in page_y if any(sp in w[3] for sp in spellings)]
        return [w for w in page_y if found and abs(w[2] - found[0][2]) < 1 and w[0] > PAGE_WIDTH / 3]

    page_y = words(pdf, 1, with_y=True)
    who = line("المساعدة", "ةدعاسملا")
    read = line("زيارات", "تارايز")
    assert japanese
    assert who
    assert read
    assert japanese[0][0] < PAGE_WIDTH / 3  # Japanese stays in the first column, left-aligned
    who_left, who_right = min(w[0] for w in who), max(w[1] for w in who)
    read_left, read_right = min(w[0] for w in read), max(w[1] for w in read)
    assert who_right == pytest.approx(read_right, abs=1.0)
    assert read_left - who_left > 20
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # The Arabic footer is Arabic throughout, its date formatted by CLDR for ar (no "Edition of
    # 15 يناير" nor "January").
    assert "طبعة" in text
    assert "يناير" in text
    assert "January" not in text


def test_fallback_in_a_right_to_left_pdf_is_isolated():
    from refpub.content.text import Text
    from refpub.i18n.catalogs import Translations
    from refpub.views.environment import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, make_environment

    env = make_environment(None, Translations("ar", "en"), phrase_breaking=True)
    html = env.from_string("<p{{ t|lang_attr }}>{{ t }} ١٢</p>").render(t=Text("Ushiku no Kai", "en", True))
    assert 'dir="ltr"' in html
    assert f"{FIRST_STRONG_ISOLATE}Ushiku no Kai{POP_DIRECTIONAL_ISOLATE}" in html


# ----------------------------------------------------------------------- isolated interface strings


def _without_arabic(root: Path, *msgids: str) -> None:
    """Empty the Arabic translations of ``msgids`` (plural ones too): they fall back to English."""
    po = root / "locales/ar/LC_MESSAGES/messages.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")
    for i, entry in enumerate(entries):
        if any(f'msgid "{m}"' in entry for m in msgids):
            entries[i] = re.sub(r'^(msgstr(\[\d\])?) ".*"$', r'\1 ""', entry, flags=re.M)
    po.write_text("\n\n".join(entries), encoding="utf-8")


@pytest.fixture(scope="module")
def fallbacks_built(tmp_path_factory):
    """The rtl fixture with an incomplete Arabic interface catalog (the edition line and the
    cover's counts untranslated, by the project and, for this build, by refpub: as in a language
    refpub does not translate yet) and a latest-version address on the handouts."""
    root = tmp_path_factory.mktemp("rtl-fallbacks") / "rtl"
    shutil.copytree(ROOTS / "rtl", root)
    _without_arabic(root, "Edition of %(date)s", "%(num)s reading", "%(num)s organisation")
    publication = root / "content/publication.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8").replace(
            "paper: A4\n", "paper: A4\nlatest_url: https://example.org/help/latest/\n"
        ),
        encoding="utf-8",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    without_shipped_interface(mp)
    try:
        result = build(root, only=["handbook", "handouts", "reader"], langs=["ar"], jobs=1)
    finally:
        mp.undo()
    assert result.ok, [o.errors for o in result.outputs]
    return root / "build"


def _line(page: list[tuple], word: str) -> list[tuple]:
    """The words, left to right, on the line of ``word`` (its first occurrence)."""
    y = next(w[2] for w in page if w[3] == word)
    return sorted((w for w in page if abs(w[2] - y) < 3), key=lambda w: w[0])


def _order(line: list[tuple]) -> list[str]:
    return [w[3] for w in line]


ARABIC_JANUARY = ("يناير", "رياني")  # poppler may give Arabic in visual order


def test_an_untranslated_footer_reads_in_order_in_an_arabic_column(fallbacks_built):
    page = [w for w in words(fallbacks_built / "handout-help-ja-ar.pdf", 1, with_y=True) if w[0] > PAGE_WIDTH / 2]
    # "Edition of 15 يناير 2026": the English phrase left to right, the Arabic date in it right
    # to left (the day at its right end), the whole line at the column's right edge.
    edition = _order(_line(page, "Edition"))
    assert edition[:2] == ["Edition", "of"], edition
    assert edition[2] == "2026", edition
    assert edition[-1] == "15", edition
    assert edition[3] in ARABIC_JANUARY, edition
    # "Latest version: https://…": in order, the address whole with its final slash.
    latest = _order(_line(page, "Latest"))
    assert latest == ["Latest", "version:", "https://example.org/help/latest/"], latest


def test_an_untranslated_count_reads_in_order_on_an_arabic_cover(fallbacks_built):
    cover = words(fallbacks_built / "handbook-ar.pdf", 1, with_y=True)
    # Arabic reads from the right: "3 readings" first, then "2 organisations", each phrase left
    # to right inside.
    assert _order(_line(cover, "readings")) == ["2", "organisations", "·", "3", "readings"]
    edition = _order(_line(cover, "Edition"))
    assert edition[:3] == ["Edition", "of", "2026"], edition
    assert edition[-1] == "15", edition


def test_an_untranslated_string_is_isolated_on_an_arabic_screen(fallbacks_built):
    with zipfile.ZipFile(fallbacks_built / "reader-ar.epub") as z:
        cover = etree.fromstring(z.read("EPUB/cover.xhtml"))
    xhtml = "{http://www.w3.org/1999/xhtml}"
    edition = cover.find(f".//{xhtml}p[@class='edition']")
    outer = edition.find(f"{xhtml}bdi")
    assert outer.get("dir") == "ltr"
    assert outer.get("lang") == "en"
    assert outer.text == "Edition of "
    assert outer.find(f"{xhtml}bdi").get("dir") is None
    counts = cover.find(f".//{xhtml}p[@class='counts']")
    assert ["".join(b.itertext()) for b in counts.iter(f"{xhtml}bdi") if b.get("dir") == "ltr"] == [
        "3 readings",
        "2 organisations",
    ]
    # The latest edition's address, after an English label, stays left to right.
    latest = cover.find(f".//{xhtml}p[@class='latest']")
    assert [b.text for b in latest.iter(f"{xhtml}bdi") if b.get("dir") == "ltr"][
        -1
    ] == "https://example.org/help/latest/"


def test_arabic_pdfs_with_fallbacks_pass_the_pdfua_rules(fallbacks_built):
    # Isolates are characters in PDFs, never elements: WeasyPrint would tag a <bdi> NonStruct and
    # take a link inside it out of its Link element (7.18.5-1).
    from pdfua.checker import check, format_failures

    for pdf in sorted(fallbacks_built.glob("*.pdf")):
        failures = check(pdf)
        assert not failures, f"{pdf.name}: {format_failures(failures)}"
