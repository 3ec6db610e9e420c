"""The repository's own PDFs, as `make build` writes them, against the PDF/UA-1 rules of checker.py,
and what a screen reader gets from them: the language of each passage, link descriptions, QR alt
text, no leader dots."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from .checker import check, format_failures
from .conftest import GROUP
from support import REPO

pytestmark = [GROUP, pytest.mark.slow, pytest.mark.tools]  # the repository's PDFs; poppler


@pytest.fixture
def built(repository_pdfs) -> Path:
    return repository_pdfs


def _pdfs(out: Path) -> list[Path]:
    pdfs = sorted(out.glob("*.pdf"))
    assert {p.name.split("-")[0] for p in pdfs} == {"handbook", "handout"}
    return pdfs


def test_every_pdf_passes_the_pdfua_rules(built):
    for pdf in _pdfs(built):
        failures = check(pdf)
        assert not failures, f"{pdf.name}:\n{format_failures(failures)}"


def _struct_elements(pdf: pikepdf.Pdf):
    """(element, language in effect) for every structure element."""
    root = pdf.Root.StructTreeRoot
    kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
    stack = [(k, str(pdf.Root.Lang)) for k in kids]
    while stack:
        element, lang = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") not in (None, "/StructElem"):
            continue
        if "/S" not in element:
            continue
        lang = str(element.get("/Lang", lang))
        yield element, lang
        k = element.get("/K")
        for kid in k if isinstance(k, pikepdf.Array) else [k] if k is not None else []:
            stack.append((kid, lang))


def _languages_in_effect(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {lang for _, lang in _struct_elements(pdf)}


def test_passages_in_another_language_carry_their_own_lang(built):
    # a handout declared English has a Japanese column; the Japanese handbook has English names
    for handout in built.glob("handout-*.pdf"):
        with pikepdf.open(handout) as pdf:
            assert str(pdf.Root.Lang) == "en"
        assert "ja" in _languages_in_effect(handout)
    assert "en" in _languages_in_effect(built / "handbook-ja.pdf")
    assert "ja" in _languages_in_effect(built / "handbook-en.pdf")


def _link_descriptions(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [
            str(a.get("/Contents", ""))
            for page in pdf.pages
            for a in page.obj.get("/Annots", [])
            if a.get("/Subtype") == "/Link"
        ]


def test_links_are_described_in_the_language_of_the_output(built):
    for lang, page_word in (("en", r", page \d+$"), ("ja", r"、\d+ページ$")):
        descriptions = _link_descriptions(built / f"handbook-{lang}.pdf")
        assert descriptions
        assert all(d.strip() for d in descriptions)
        assert not [d for d in descriptions if re.fullmatch(r"(org|reading|section)-[a-z0-9-]+", d)]
        assert not [d for d in descriptions if "\u2060" in d]  # break hints are not read
        with_pages = [d for d in descriptions if re.search(page_word, d)]
        assert len(with_pages) >= 4 + 20, with_pages  # the contents and the service index


def test_qr_codes_have_alt_text_that_does_not_repeat_their_address(built):
    # The web address is printed (a link) right after the code: the alternative text says what
    # the figure is without reading the address twice in a row.
    for handout in built.glob("handout-*.pdf"):
        with pikepdf.open(handout) as pdf:
            figures = [e for e, _ in _struct_elements(pdf) if e.get("/S") == "/Figure"]
            assert figures
            for figure in figures:
                alt = str(figure.get("/Alt", ""))
                assert alt.strip(), alt
                assert "QR" in alt, alt
                assert "http" not in alt, alt


def test_contents_and_index_read_as_words_not_dots(built):
    for lang in ("en", "ja"):
        text = subprocess.run(
            ["pdftotext", "-f", "2", "-l", "2", str(built / f"handbook-{lang}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "..." not in text
        assert "…" not in text
        assert re.search(r"\d", text)  # the page numbers are still there


def test_extracted_text_reads_hyphenated_words_whole(built):
    """pdftotext joins a word broken at a line end: every word it reads is a word of the content."""
    source = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "content").glob("*.yaml"))
    source += " ".join(p.read_text(encoding="utf-8") for p in (REPO / "locales").glob("**/*.po"))
    from babel import Locale

    source += " ".join(Locale("en").months["format"]["wide"].values())  # dates are Babel's
    known = {w.casefold() for w in re.findall(r"[A-Za-z]+", source)}
    text = subprocess.run(
        ["pdftotext", str(built / "handbook-en.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "\u2010\n" not in text
    # (Web addresses are left out: one broken after its own "-" is joined by pdftotext as well.)
    prose = "\n".join(line for line in text.splitlines() if "://" not in line)
    words = re.findall(r"[A-Za-z]+", prose)
    assert len(words) > 2000
    unknown = sorted({w for w in words if w.casefold() not in known})
    assert unknown == [], unknown[:40]


def test_handout_footer_is_page_furniture_not_content(built):
    """The edition line is on every page, drawn as an artifact: not read on every page."""
    for handout in built.glob("handout-*.pdf"):
        with pikepdf.open(handout) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                first = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)[:4])
                assert first.startswith(b"/Artifact BMC"), (handout.name, number, first[:60])
                assert "/RefpubFurniture" in page.obj.Resources.XObject
                text = subprocess.run(
                    ["pdftotext", "-f", str(number), "-l", str(number), str(handout), "-"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                assert "Edition of" in text


def test_no_katakana_word_is_broken_across_lines(built):
    """JLReq: a katakana word is never broken across lines, and no line starts with ー, in the
    repository's Japanese PDFs (the handbook and the handouts' Japanese columns)."""
    from babel.messages.pofile import read_po

    source = []
    for path in (REPO / "locales" / "ja" / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as f:
            source += [m.string for m in read_po(f) if isinstance(m.string, str)]
    words = set(re.findall("[\u30a1-\u30fa\u30fc]{2,}", "\n".join(source)))
    assert len(words) > 20
    pdfs = [built / "handbook-ja.pdf", *sorted(built.glob("handout-*.pdf"))]
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        lines = [line.replace("\u2060", "").strip() for line in text.splitlines() if line.strip()]
        for above, below in itertools.pairwise(lines):
            assert not below.startswith("\u30fc"), (pdf.name, above, below)
            end = re.search("[\u30a1-\u30fa\u30fc]+$", above)
            start = re.match("[\u30a1-\u30fa\u30fc]+", below)
            if not (end and start):
                continue
            for word in words:
                for k in range(1, len(word)):
                    assert not (end.group().endswith(word[:k]) and start.group().startswith(word[k:])), (
                        pdf.name,
                        f"{word[:k]}|{word[k:]}",
                        above,
                        below,
                    )
