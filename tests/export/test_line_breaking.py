"""Line breaking in scripts written without spaces between words (docs/translators.md).

A paragraph made of known words, with no spaces, is laid out by WeasyPrint in a narrow column
styled as the handbook's text (`overflow-wrap: anywhere`). No line may run past the column (the
x-extents poppler reads), and every line must end between two of the words, never inside one.
Thai passes: Pango breaks it with libthai's dictionary. Burmese and Khmer do not (measured with
Pango 1.50): Pango finds no break opportunity in them except after the sentence mark, so the
column is broken anywhere, inside words and even inside syllables, and lines still overflow by
a few points. ICU's dictionary breaks them between words; the tests say so until refpub uses it.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from refpub.render import fonts

MM = 96 / 25.4  # CSS pixels per millimetre (WeasyPrint's layout unit)
PT = 72 / 25.4  # PDF points per millimetre
MARGIN, COLUMN = 10, 40  # mm

WORDS = {
    "my": [
        "ဒုက္ခသည်",
        "များ",
        "အတွက်",
        "အခမဲ့",
        "ဥပဒေ",
        "အကြံပေး",
        "ချက်",
        "ကို",
        "ရုံး",
        "တွင်",
        "ရ",
        "နိုင်",
        "ပါ",
        "သည်",
        "။",
        "ဆေးကုသမှု",
        "လိုအပ်",
        "သူ",
        "တိုင်း",
        "ဆေးခန်း",
        "သို့",
        "လာ",
        "နိုင်",
        "ပါ",
        "သည်",
        "။",
    ],
    "km": [
        "ជនភៀសខ្លួន",
        "អាច",
        "ទទួល",
        "បាន",
        "ការប្រឹក្សា",
        "ផ្លូវច្បាប់",
        "ដោយ",
        "ឥតគិតថ្លៃ",
        "នៅ",
        "ការិយាល័យ",
        "របស់",
        "យើង",
        "។",
        "មនុស្ស",
        "គ្រប់គ្នា",
        "អាច",
        "មក",
        "មន្ទីរពេទ្យ",
        "បាន",
        "។",
    ],
    "th": [
        "ผู้",
        "ลี้ภัย",
        "สามารถ",
        "รับ",
        "คำ",
        "ปรึกษา",
        "ด้าน",
        "กฎหมาย",
        "ฟรี",
        "ที่",
        "สำนักงาน",
        "ของ",
        "เรา",
        "ทุก",
        "คน",
        "สามารถ",
        "มา",
        "ที่",
        "คลินิก",
        "ได้",
    ],
}

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def _lay_out(lang: str, tmp_path):
    """(line texts, rightmost x of any word in mm from the page's left edge) of the paragraph."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    face = fonts.language_face(lang)
    if face is None:
        pytest.skip(f"no font for {lang}: run scripts/setup.sh dev")
    words = WORDS[lang] * 3
    html = (
        f'<html lang="{lang}"><style>@page {{ size: 120mm 300mm; margin: {MARGIN}mm }}'
        f"p {{ width: {COLUMN}mm; margin: 0; font: 11pt '{face}'; overflow-wrap: anywhere }}</style>"
        f"<p>{''.join(words)}</p>"
    )
    document = weasyprint.HTML(string=html).render()
    lines: list[str] = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            lines.append("".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox)))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    pdf = tmp_path / f"{lang}.pdf"
    document.write_pdf(pdf)
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', xml)) / PT
    boundaries, end = set(), 0
    for word in words:
        end += len(word)
        boundaries.add(end)
    return lines, right, boundaries


def _check(lang: str, tmp_path) -> None:
    lines, right, boundaries = _lay_out(lang, tmp_path)
    assert len(lines) > 3  # the paragraph was broken into lines at all
    assert right <= MARGIN + COLUMN + 0.2, f"a line runs {right - MARGIN - COLUMN:.1f} mm past the column"
    ends, end = [], 0
    for line in lines[:-1]:
        end += len(line)
        ends.append(end)
    inside = [lines[i][-4:] + "|" + lines[i + 1][:4] for i, e in enumerate(ends) if e not in boundaries]
    assert inside == [], "lines broken inside a word"


def test_thai_breaks_between_words_and_fits(tmp_path):
    _check("th", tmp_path)


@pytest.mark.xfail(strict=True, reason="Pango has no dictionary for Burmese: lines break inside words (ICU would not)")
def test_burmese_breaks_between_words_and_fits(tmp_path):
    _check("my", tmp_path)


@pytest.mark.xfail(strict=True, reason="Pango has no dictionary for Khmer: lines break inside words (ICU would not)")
def test_khmer_breaks_between_words_and_fits(tmp_path):
    _check("km", tmp_path)
