"""Line breaking in scripts written without spaces between words (docs/translators.md).

A paragraph made of known words, with no spaces, is laid out by WeasyPrint in a narrow column
styled as the handbook's text (`overflow-wrap: anywhere`). No line may run past the column (the
x-extents poppler reads), and every line must end between two of the words, never inside one.
Thai passes: Pango breaks it with libthai's dictionary. Burmese and Khmer do not (measured with
Pango 1.50): Pango finds no break opportunity in them except after the sentence mark, so the
column is broken anywhere, inside words and even inside syllables, and lines still overflow by
a few points. ICU's dictionary breaks them between words: refpub marks ICU's break opportunities
with ZERO WIDTH SPACE in every printed value of paged output (views/phrases.py, break_words),
and the tests lay the paragraph out as the handbook prints it.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from refpub.pdf import fonts
from refpub.views.phrases import ZERO_WIDTH_SPACE, break_words

from support import SETUP

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

pytestmark = pytest.mark.tools  # poppler and a font for every language


DPI = 200


def _rightmost_ink_mm(pdf, tmp_path) -> float:
    """How far right anything is drawn on the page, in mm from its left edge, as poppler
    rasterises it (pdftotext's word boxes are wider than the ink for these scripts)."""
    from PIL import Image

    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-gray", str(pdf), str(prefix)], check=True)
    with Image.open(next(tmp_path.glob("page*.png"))) as image:
        ink = image.convert("L").point(lambda v: 255 if v < 128 else 0)
        box = ink.getbbox()
    return box[2] / DPI * 25.4 if box else 0.0


def _lay_out(lang: str, tmp_path, refpub_breaks: bool = True):
    """(line texts, rightmost x of any word in mm from the page's left edge) of the paragraph."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    face = fonts.language_face(lang)
    if face is None:
        pytest.fail(f"no font for {lang}: {SETUP}", pytrace=False)
    words = WORDS[lang] * 3
    html = (
        f'<html lang="{lang}"><style>@page {{ size: 120mm 300mm; margin: {MARGIN}mm }} body {{ margin: 0 }}'
        f"p {{ width: {COLUMN}mm; margin: 0; font: 11pt '{face}'; overflow-wrap: anywhere }}</style>"
        f"<p>{break_words(''.join(words)) if refpub_breaks else ''.join(words)}</p>"
    )
    document = weasyprint.HTML(string=html).render()
    lines: list[str] = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
            lines.append(text.replace(ZERO_WIDTH_SPACE, ""))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    pdf = tmp_path / f"{lang}.pdf"
    document.write_pdf(pdf)
    right = _rightmost_ink_mm(pdf, tmp_path)
    boundaries, end = set(), 0
    for word in words:
        end += len(word)
        boundaries.add(end)
    return lines, right, boundaries


def _breaks_inside_words(lines: list[str], boundaries: set[int]) -> list[str]:
    ends, end = [], 0
    for line in lines[:-1]:
        end += len(line)
        ends.append(end)
    return [lines[i][-4:] + "|" + lines[i + 1][:4] for i, e in enumerate(ends) if e not in boundaries]


def _check(lang: str, tmp_path) -> None:
    lines, right, boundaries = _lay_out(lang, tmp_path)
    assert len(lines) > 3  # the paragraph was broken into lines at all
    assert right <= MARGIN + COLUMN + 0.2, f"a line runs {right - MARGIN - COLUMN:.1f} mm past the column"
    assert _breaks_inside_words(lines, boundaries) == [], "lines broken inside a word"


def test_thai_breaks_between_words_and_fits(tmp_path):
    _check("th", tmp_path)


# Burmese syllables begin at a consonant, an independent vowel, a digit or a sign, except a
# consonant that is stacked (after U+1039) or killed (followed by asat U+103A or U+1039): the rule
# of Ye Kyaw Thu's sylbreak, the usual Burmese syllable segmentation.
_MY_SYLLABLE_START = re.compile(r"(?<!\u1039)[\u1000-\u102a\u103f-\u104f](?![\u103a\u1039])")


def _burmese_syllable_starts(text: str) -> set[int]:
    return {m.start() for m in _MY_SYLLABLE_START.finditer(text)} | {len(text)}


def test_burmese_breaks_between_syllables_mostly_words_and_fits(tmp_path):
    """ICU breaks Burmese between words, and also inside some compounds (ဆေးကုသ|မှု, "medical
    treatment" and its suffix), which Burmese typesetting allows; never inside a syllable."""
    lines, right, boundaries = _lay_out("my", tmp_path)
    assert len(lines) > 3
    assert right <= MARGIN + COLUMN + 0.2, f"a line runs {right - MARGIN - COLUMN:.1f} mm past the column"
    text = "".join(lines)
    syllables = _burmese_syllable_starts(text)
    assert _breaks_inside_words(lines, syllables) == [], "lines broken inside a syllable"
    inside_words = _breaks_inside_words(lines, boundaries)
    assert len(inside_words) <= len(lines) // 3, inside_words  # most line ends are between words


def test_khmer_breaks_between_words_and_fits(tmp_path):
    _check("km", tmp_path)


def test_pango_alone_breaks_burmese_inside_words(tmp_path):
    """Why refpub marks the breaks itself: without them, lines end inside words (if this starts
    failing, Pango has learnt Burmese and break_words may go)."""
    lines, _, boundaries = _lay_out("my", tmp_path, refpub_breaks=False)
    assert _breaks_inside_words(lines, boundaries)
