"""What a screen reader gets from the repository's PDFs, walking the structure tree in order
(readout.py): the words on the page, whole and separated, Japanese passages in Japanese, and the
contents read title first."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from babel import Locale

from .conftest import GROUP
from .readout import Passage, passages
from support import REPO

# Kana and CJK ideographs (the Japanese script), as refpub.pdf.tagging has them
JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


pytestmark = GROUP


@pytest.fixture(scope="module")
def built(repository_pdfs) -> Path:
    return repository_pdfs


@pytest.fixture(scope="module")
def readouts(built) -> dict[str, list[Passage]]:
    return {pdf.name: passages(pdf) for pdf in sorted(built.glob("*.pdf"))}


def _known_words() -> set[str]:
    """Every Latin-script word of the content, the catalogs and Babel's month names."""
    source = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "content").glob("*.yaml"))
    source += " ".join(p.read_text(encoding="utf-8") for p in (REPO / "locales").glob("**/*.po"))
    source += " ".join(Locale("en").months["format"]["wide"].values())
    return {w.casefold() for w in re.findall(r"[A-Za-z]+", source)}


def _read(passage: Passage) -> str:
    return passage.text.replace("\u00ad", "")  # a soft hyphen is not read


@pytest.mark.slow
def test_the_first_heading_reads_as_printed(readouts):
    first = next(p for p in readouts["handbook-en.pdf"] if p.tag == "H1")
    assert _read(first) == "Refugees and Asylum Seekers in Japan"


@pytest.mark.slow
def test_no_joined_words_and_no_hyphens_inside_words(readouts):
    """Every word read from the tags is a word of the content: none joined at a line end
    ("AsylumSeekers"), none split by a line-end hyphen ("applic-ants")."""
    known = _known_words()
    checked = 0
    for name, read in readouts.items():
        if name == "handbook-ja.pdf":
            continue
        unknown = set()
        for passage in read:
            text = re.sub(r"\S*(://|www\.|@)\S*", " ", _read(passage))  # web and mail addresses
            words = re.findall(r"[A-Za-z]+", text)
            checked += len(words)
            unknown |= {w for w in words if w.casefold() not in known}
        assert not unknown, f"{name}: {sorted(unknown)[:40]}"
    assert checked > 5000


@pytest.mark.slow
def test_japanese_runs_are_read_in_japanese(readouts):
    """Every run mostly in Japanese script is under a Japanese /Lang: the handouts' Japanese
    column, the Japanese handbook, and a Japanese address in an English entry."""
    for name, read in readouts.items():
        wrong = [
            text
            for passage in read
            for text, lang in passage.runs
            if len(JAPANESE.findall(text)) > sum(c.isalpha() for c in text) / 2 and not lang.startswith("ja")
        ]
        assert not wrong, f"{name}: {wrong[:5]}"
    address = [
        lang
        for passage in readouts["handbook-en.pdf"]
        for text, lang in passage.runs
        if "東京都新宿区" in text  # CCRMW's address
    ]
    assert address
    assert set(address) == {"ja"}


@pytest.mark.slow
def test_contents_lines_read_title_then_page(readouts):
    for name in ("handbook-en.pdf", "handbook-ja.pdf"):
        read = readouts[name]
        start = next(i for i, p in enumerate(read) if p.tag == "H1" and _read(p) in ("Contents", "目次"))
        lines = [_read(p).strip() for p in read[start + 1 :] if p.tag != "H1"][:4]
        assert lines, lines
        assert all(re.fullmatch(r"\D.*\S \d+", line) for line in lines), lines


def _line_words(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """The words of each line poppler finds (pdftotext -bbox): (text, xMin, xMax, yMin)."""
    from lxml import etree

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    lines: dict[tuple[int, float], list[tuple[str, float, float, float]]] = {}
    for n, page in enumerate(etree.fromstring(out, etree.XMLParser(recover=True)).iter("{*}page")):
        for w in page.iter("{*}word"):
            word = (
                (w.text or "").replace("\u2060", ""),
                float(w.get("xMin")),
                float(w.get("xMax")),
                float(w.get("yMin")),
            )
            lines.setdefault((n, round(word[3], 1)), []).append(word)
    return [sorted(words, key=lambda w: w[1]) for words in lines.values()]


def test_latin_beside_japanese_is_spaced_by_layout_and_read_without_a_space(built, readouts):
    """JLReq 3.2 (CSS text-autospace): in the Japanese handbook a quarter em (0.24-0.26 em)
    separates a kanji or kana from a Latin word or a digit that touches it ("難民支援団体 WELgee",
    "2021 年 4 月"), and the tags read the text as written, with no space ("団体WELgee"). (Poppler's
    plain text shows a space there, as it does for any gap over a tenth of an em.)"""
    latin = re.compile("[A-Za-z0-9]")
    read = "\n".join(p.text for p in readouts["handbook-ja.pdf"]).replace("\u2060", "")
    assert "難民支援団体WELgeeの活動" in read
    touching = re.findall(f"(?:{JAPANESE.pattern}[A-Za-z0-9]|[A-Za-z0-9]{JAPANESE.pattern})", read)
    assert len(touching) > 50
    gaps = []
    for words in _line_words(built / "handbook-ja.pdf"):
        for a, b in itertools.pairwise(words):
            if not a[0] or not b[0]:
                continue
            if JAPANESE.match(a[0][-1]) and latin.match(b[0][0]):
                japanese = a
            elif latin.match(a[0][-1]) and JAPANESE.match(b[0][0]):
                japanese = b
            else:
                continue
            # touching in the text (not a space of the source, nor a label and its value), and
            # a word of full-width characters, one em each
            if a[0] + b[0] in read and all(JAPANESE.match(c) for c in japanese[0]):
                gaps.append((b[1] - a[2]) / ((japanese[2] - japanese[1]) / len(japanese[0])))
    assert len(gaps) > 50
    assert all(0.24 <= gap <= 0.26 for gap in gaps), sorted(gaps)[:3] + sorted(gaps)[-3:]


def _elements(pdf: pikepdf.Pdf):
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        k = element.get("/K")
        kids = list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]
        yield element, kids
        stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)


@pytest.mark.slow
def test_contacts_are_read_as_label_then_value(readouts):
    """The handbook's contacts (a description list): "Phone", then the number, in one list item."""
    labels = {"Website", "Email", "Phone", "Address", "ウェブサイト", "メール", "電話", "住所"}
    for name in ("handbook-en.pdf", "handbook-ja.pdf"):
        read = readouts[name]
        pairs = [
            (a.text, b.tag)
            for a, b in itertools.pairwise(read)
            if a.tag == "Lbl" and a.text in labels and b.tag == "LBody"
        ]
        assert pairs, name
        # no label read as a list item of its own
        assert not [p.text for p in read if p.tag == "LBody" and p.text in labels], name


@pytest.mark.slow
def test_a_link_is_one_element_and_no_span_is_empty(built):
    wrapped = 0
    for path in sorted(built.glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                rects = [tuple(float(x) for x in annot.Rect) for annot in page.obj.get("/Annots", [])]
                assert len(rects) == len(set(rects)), f"{path.name}: two annotations drawn over each other"
            for element, kids in _elements(pdf):
                assert not (element.get("/S") == "/Span" and not kids), f"{path.name}: an empty Span"
                if element.get("/S") == "/Link":
                    objrs = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                    wrapped += len(objrs) > 1
                siblings = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Link"]
                for a, b in itertools.pairwise(siblings):
                    target = [
                        tuple(
                            str(k.Obj.get("/A", {}).get("/URI", k.Obj.get("/Dest", "")))
                            for k in link.K
                            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                        )[:1]
                        for link in (a, b)
                    ]
                    assert not (target[0] and target[0] == target[1] and kids.index(a) + 1 == kids.index(b)), (
                        f"{path.name}: a link read as two links"
                    )
    assert wrapped  # the handbook has links that wrap: each is one element with two annotations


def test_a_passage_in_japanese_script_is_japanese_in_every_output(good):
    """A Japanese address in an English entry: lang="ja" in the e-book and on the web page, and
    read in Japanese from the PDF's tags."""
    import zipfile

    from lxml import etree
    from lxml import html as lxml_html

    from refpub.build import build

    address = "〒160-0004 東京都新宿区四谷1-2-3"
    organisations = good / "content" / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    assert text.count('  phone: "+81 3-0000-0000"\n') == 1
    organisations.write_text(
        text.replace('  phone: "+81 3-0000-0000"\n', f'  phone: "+81 3-0000-0000"\n  address: "{address}"\n'),
        encoding="utf-8",
    )
    result = build(good, only=["handbook", "reader", "web"], langs=["en"], jobs=1)
    assert result.ok, [o.errors for o in result.outputs]
    out = good / "build"

    with zipfile.ZipFile(out / "reader-en.epub") as book:
        page = etree.fromstring(book.read("EPUB/organisations.xhtml"))
    (dd,) = [e for e in page.iter("{http://www.w3.org/1999/xhtml}dd") if "".join(e.itertext()) == address]
    assert dd.get("lang") == "ja"
    assert dd.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"

    web = lxml_html.parse(str(out / "web" / "en" / "org" / "jar" / "index.html"))
    (dd,) = [e for e in web.iter("dd") if e.text_content() == address]
    assert dd.get("lang") == "ja"

    runs = [(t, lang) for p in passages(out / "handbook-en.pdf") for t, lang in p.runs if "東京都" in t]
    assert runs
    assert {lang for _, lang in runs} == {"ja"}


@pytest.mark.tools
@pytest.mark.parametrize("width", ["9em", "4em"])
def test_a_paragraph_reads_as_its_source_however_its_lines_break(tmp_path, width):
    """Lines broken at spaces, by hyphenation (once or more inside a long word), and inside a
    word at a hard hyphen: the tags read the paragraph's text, each word whole and once."""
    from refpub.pdf.writer import html_to_pdf

    source = (
        "Refugees and Asylum Seekers in Japan: applicants in detention centres, "
        "well-known counselling organisations and internationalisation of responsibilities."
    )
    html = (
        '<html lang="en"><head><title>t</title><style>@page { size: 60mm 200mm; margin: 5mm }'
        f" p {{ width: {width}; hyphens: auto; hyphenate-character: '-'; font-size: 10pt }}</style></head>"
        f"<body><p>{source}</p></body></html>"
    )
    result = html_to_pdf(html, [tmp_path], tmp_path)
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(result.data)
    (paragraph,) = [p for p in passages(pdf) if p.tag == "P"]
    assert _read(paragraph) == source
    # text extraction keeps a word's own hyphen even where the line breaks after it
    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "wellknown" not in extracted.replace("\n", "")
    # some line did end with a hyphen inside a word: its text reads on to the end of the word
    with pikepdf.open(pdf) as document:
        actual = [
            str(operands[1].ActualText)
            for page in document.pages
            for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) == "BDC" and "/ActualText" in operands[1]
        ]
    assert any(re.search(r"\w$", text) for text in actual), actual
