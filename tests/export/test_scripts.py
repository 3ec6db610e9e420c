"""Every script a café meets: the scripts fixture publishes English, Arabic, Persian, Urdu,
Burmese, Sinhala, Nepali, Khmer, Bengali and Turkish. It is built once (handbooks, e-books and
the Burmese-Urdu handout); each handbook must embed its script's face, draw every character and
give back its text, and each right-to-left e-book must read right to left and pass EPUBCheck.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from refpub.build import build
from refpub.pdf import fonts

from support import ROOTS, SETUP, epubcheck_reports, require_tool

LANGS = ("ar", "fa", "ur", "my", "si", "ne", "km", "bn", "tr")
RTL = ("ar", "fa", "ur")
# A heading of each handbook (section titles, "Contents"), as the catalogs write it.
SAMPLES = {
    "ar": "قراءات أساسية",
    "fa": "منابع کلیدی",
    "ur": "اہم مطالعہ",
    "my": "အဓိကဖတ်စရာများ",
    "si": "ප්‍රධාන කියවීම්",
    "ne": "मुख्य पठन सामग्री",
    "km": "មាតិកា",
    "bn": "প্রধান পাঠ্য",
    "tr": "İçindekiler",
}
OPF = {"opf": "http://www.idpf.org/2007/opf"}
XHTML = "{http://www.w3.org/1999/xhtml}"

pytestmark = [
    pytest.mark.tools,
    pytest.mark.slow,
]  # poppler (pdftotext, pdffonts), fontconfig and a font for every language; ten languages, every printed output


def _require_fonts():
    for tool in ("pdftotext", "pdffonts", "fc-list"):
        require_tool(tool)
    missing = [lang for lang in LANGS if fonts.language_face(lang) is None]
    if missing:
        pytest.fail(f"no font for {', '.join(missing)}: {SETUP}", pytrace=False)


@pytest.fixture(scope="module")
def built(built):
    _require_fonts()
    printed = built("scripts", only=("handbook", "reader", "handouts"))
    return printed.out, printed.result


def _plain(text: str) -> str:
    """Text as compared: NFC, without spaces, joiners and the bidi marks poppler adds."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c) == "Cf"))


def _handbook_text(out: Path, lang: str) -> str:
    """The text of a language's handbook as pdftotext reads it, compared as _plain says."""
    text = subprocess.run(
        ["pdftotext", str(out / f"handbook-{lang}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    return _plain(text)


def _embedded_fonts(pdf: Path) -> dict[str, bool]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    found = {}
    for line in lines:
        name = line.split()[0].split("+", 1)[-1]
        found[name] = " yes " in line  # the "emb" column
    return found


def test_every_language_is_built_without_a_missing_glyph(built):
    _, result = built
    names = {o.path.name for o in result.outputs}
    for lang in LANGS:
        assert {f"handbook-{lang}.pdf", f"reader-{lang}.epub"} <= names
    problems = [m for o in result.outputs for m in o.errors if "no installed font" in m]
    problems += [str(d) for d in result.diagnostics if "no installed font" in str(d)]
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_handbook_embeds_its_script_s_face(built, lang):
    out, _ = built
    face = fonts.language_face(lang) if fonts.needs_own_face(lang) else fonts.LATIN_SERIF.family
    embedded = _embedded_fonts(out / f"handbook-{lang}.pdf")
    assert embedded.get(face.replace(" ", "-")) is True, embedded


@pytest.mark.parametrize("lang", LANGS)
def test_handbook_text_can_be_extracted(built, lang):
    out, _ = built
    assert _plain(SAMPLES[lang]) in _handbook_text(out, lang)


# Headings whose glyphs are drawn in another order than their characters (vowel signs before
# their consonant, reph, medials): each text run carries its source text as ActualText, so
# pdftotext (and search, copy, a screen reader) gives back these exact characters.
REORDERED = {
    "my": ["ဝန်ဆောင်မှုအလိုက် အဖွဲ့အစည်းများ", "ဆေးဘက်ဆိုင်ရာ စောင့်ရှောက်မှု"],
    "ne": ["विषयसूची", "परामर्श"],
    "bn": ["সেবা অনুযায়ী সংস্থা", "সূচিপত্র"],
    "si": ["වෛද්‍ය ප්‍රතිකාර", "සේවාව අනුව සංවිධාන"],
    "km": ["អង្គការតាមសេវាកម្ម", "ការថែទាំសុខភាព"],
}


@pytest.mark.parametrize("lang", sorted(REORDERED))
def test_complex_script_text_is_extracted_exactly(built, lang):
    out, _ = built
    text = _handbook_text(out, lang)
    for phrase in REORDERED[lang]:
        assert _plain(phrase) in text, phrase


def test_burmese_handout_text_is_extracted_exactly(built):
    out, _ = built
    text = subprocess.run(
        ["pdftotext", str(out / "handout-help-my-ur.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for phrase in ("ဘယ်သူ ကူညီနိုင်သလဲ", "အကူအညီ ဘယ်မှာရနိုင်သလဲ", "ဥပဒေအကြံပေးချက်"):
        assert _plain(phrase) in _plain(text), phrase


def test_burmese_handout_reads_from_its_tags(built):
    """A screen reader walking the handout's structure tree gets the Burmese phrases exactly,
    each in a run read in Burmese."""
    from pdfua.readout import passages

    out, _ = built
    read = passages(out / "handout-help-my-ur.pdf")
    text = _plain(" ".join(p.text for p in read))
    for phrase in ("ဘယ်သူ ကူညီနိုင်သလဲ", "အကူအညီ ဘယ်မှာရနိုင်သလဲ", "ဥပဒေအကြံပေးချက်"):
        assert _plain(phrase) in text, phrase
    burmese = [(t, lang) for p in read for t, lang in p.runs if re.search("[\u1000-\u109f]", t)]
    assert burmese
    assert {lang for _, lang in burmese} == {"my"}


@pytest.mark.parametrize("lang", LANGS)
def test_handbook_catalog_lang(built, lang):
    out, _ = built
    with pikepdf.open(out / f"handbook-{lang}.pdf") as pdf:
        assert str(pdf.Root.Lang) == lang


def test_bilingual_handout_sets_each_column_in_its_face(built):
    out, _ = built
    embedded = _embedded_fonts(out / "handout-help-my-ur.pdf")
    for lang in ("my", "ur"):
        assert embedded.get(fonts.language_face(lang).replace(" ", "-")) is True, embedded


def _epub(path: Path) -> tuple[etree._Element, list[etree._Element]]:
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rpartition("/")[0]
        docs = [
            etree.fromstring(z.read(f"{base}/{item.get('href')}" if base else item.get("href")))
            for item in opf.iterfind(".//opf:manifest/opf:item", OPF)
            if item.get("media-type") == "application/xhtml+xml"
        ]
    return opf, docs


@pytest.mark.parametrize("lang", RTL)
def test_rtl_reader_reads_right_to_left(built, lang):
    out, _ = built
    opf, docs = _epub(out / f"reader-{lang}.epub")
    assert opf.find("opf:spine", OPF).get("page-progression-direction") == "rtl"
    assert docs
    assert all(d.tag == f"{XHTML}html" and d.get("dir") == "rtl" for d in docs)
    assert all(d.get("lang") == lang for d in docs)


def test_complex_script_readers_pass_epubcheck(built):
    out, _ = built
    names = [f"reader-{lang}.epub" for lang in (*RTL, "my", "km")]
    for path, (_, problems) in epubcheck_reports([out / name for name in names]).items():
        assert problems == [], path.name


# ------------------------------------------------------------------------------ fonts


def test_a_publication_in_english_and_japanese_keeps_its_stacks():
    stacks = fonts.font_stacks(["en", "ja"], "ja")
    assert (stacks.serif, stacks.sans, stacks.serif_ja, stacks.sans_ja) == tuple(
        fonts.CSS_STACKS[k] for k in ("serif", "sans", "serif_ja", "sans_ja")
    )
    assert stacks.lang_rules == ""


def test_every_script_has_its_face_in_the_stacks():
    _require_fonts()
    languages = ["en", *LANGS]
    stacks = fonts.font_stacks(languages, "my")
    assert stacks.serif.startswith('"Noto Sans Myanmar", "DejaVu Serif"')
    for lang in LANGS:
        if fonts.needs_own_face(lang):
            assert f'"{fonts.language_face(lang)}"' in stacks.sans_ja
            if lang != "my":
                assert f':lang({lang}) {{ font-family: "{fonts.language_face(lang)}"' in stacks.lang_rules
    assert not fonts.needs_own_face("tr")
    assert ":lang(tr)" not in stacks.lang_rules
    # Arabic-script languages are set in Naskh, not in DejaVu Sans's Arabic or Kufi.
    assert {fonts.language_face(lang) for lang in RTL} == {"Noto Naskh Arabic"}


def test_a_character_no_font_draws_in_an_interface_string_is_a_located_error(tmp_path, monkeypatch):
    _require_fonts()
    root = tmp_path / "scripts"
    shutil.copytree(ROOTS / "scripts", root)
    # As on a machine without a Myanmar face: no font draws U+1000-U+109F.
    myanmar = range(0x1000, 0x10A0)
    real = fonts.missing_glyphs
    monkeypatch.setattr(
        "refpub.export.base.missing_glyphs",
        lambda text, families=(): sorted({*real(text), *(c for c in text if ord(c) in myanmar)}),
    )
    result = build(root, only=["handbook"], langs=["my"], jobs=1)
    errors = [e for o in result.outputs for e in o.errors]
    catalog = "locales/my/LC_MESSAGES/messages.po"
    lines = (root / catalog).read_text(encoding="utf-8").splitlines()
    contents = next(i for i, line in enumerate(lines, 1) if line == 'msgstr "မာတိကာ"')
    assert any(f"{catalog}:{contents}" in e and "no installed font can draw" in e for e in errors), errors
    assert any("content.po" in e or "readings.yaml" in e or "publication" in e for e in errors), errors


# The edition, 2026-01-15, in the digits CLDR gives each language by default (through ICU):
# Persian, Burmese, Nepali and Bengali have their own; Arabic (ar), Urdu and Turkish use 0-9.
OWN_DIGITS = {"fa": "۲۰۲۶", "my": "၂၀၂၆", "ne": "२०२६", "bn": "২০২৬"}


@pytest.mark.parametrize("lang", sorted(OWN_DIGITS))
def test_dates_and_counts_are_written_in_the_language_s_digits(built, lang):
    out, _ = built
    text = _handbook_text(out, lang)
    assert OWN_DIGITS[lang] in text  # the edition on the cover
    assert "2026" not in text


@pytest.mark.parametrize("lang", ["ar", "ur", "tr", "en"])
def test_languages_whose_default_digits_are_latin_keep_them(built, lang):
    out, _ = built
    text = _handbook_text(out, lang)
    assert "2026" in text


def test_counts_in_plural_strings_use_the_language_s_digits():
    from refpub.i18n.catalogs import Translations
    from refpub.views.interface import Isolation, interface_callables

    ngettext = interface_callables(Translations("fa", "en"), Isolation("rtl", elements=False))["ngettext"]
    # Persian digits, isolated (FSI … PDI) on a right-to-left page, in an English fallback (LRI … PDI)
    assert ngettext("%(num)s reading", "%(num)s readings", 12) == "\u2066\u2068۱۲\u2069 readings\u2069"
    ngettext = interface_callables(Translations("en", "en"), Isolation("ltr", elements=False))["ngettext"]
    assert ngettext("%(num)s reading", "%(num)s readings", 1234) == "1,234 readings"
