"""Easy Japanese (ja-x-easy) with furigana in every output (issue 32), on tests/roots/easy-japanese:
`refpub build --lang ja-x-easy` as a user runs it, then what a reader gets: <ruby> readings in the
e-books and web pages (EPUBCheck and Ace clean), readings drawn above their bases in the PDFs with
the base text extracted whole, Ruby/RB/RT structure and the PDF/UA checks clean."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree, html

from support import WITH_EPOCH, ace_violations, epubcheck_reports, run_cli

pytestmark = pytest.mark.tools  # poppler, Java and EPUBCheck, DAISY Ace and chromium

XHTML = "{http://www.w3.org/1999/xhtml}"
# The words the issue names, and their readings.
WORDS = {
    "難民": "なんみん",
    "申請": "しんせい",
    "弁護士": "べんごし",
    "収容": "しゅうよう",
    "支援": "しえん",
    "東京": "とうきょう",
}


@pytest.fixture(scope="module")
def built(built) -> Path:
    return built("easy-japanese", langs=("ja-x-easy",)).out


def _ruby_pairs(tree, ns: str = "") -> set[tuple[str, str]]:
    """(base, reading) of every <ruby> in a parsed document."""
    pairs = set()
    for ruby in tree.iter(f"{ns}ruby"):
        rt = ruby.find(f"{ns}rt")
        pairs.add(((ruby.text or "").strip(), (rt.text or "") if rt is not None else ""))
    return pairs


def _reader_documents(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xhtml")}


def test_outputs_are_named_by_the_tag(built):
    for name in (
        "handbook-ja-x-easy.pdf",
        "reader-ja-x-easy.epub",
        "reader-ja-x-easy-vertical.epub",
        "handout-easy.pdf",
        "web/ja-x-easy/index.html",
    ):
        assert (built / name).is_file(), name


@pytest.mark.parametrize("name", ["reader-ja-x-easy.epub", "reader-ja-x-easy-vertical.epub"])
def test_the_reader_gives_ruby_readings(built, name):
    pairs: set[tuple[str, str]] = set()
    for data in _reader_documents(built / name).values():
        tree = etree.fromstring(data)
        assert tree.get("lang") == "ja-x-easy"
        pairs |= _ruby_pairs(tree, XHTML)
        for ruby in tree.iter(f"{XHTML}ruby"):  # <rp> for reading systems without ruby
            assert [child.tag for child in ruby] == [f"{XHTML}rp", f"{XHTML}rt", f"{XHTML}rp"]
    for word, reading in WORDS.items():
        assert (word, reading) in pairs, (word, sorted(pairs))
    # Okurigana stay outside the ruby; the project's dictionary is followed (入管, 日本).
    assert ("手伝", "てつだ") in pairs
    assert ("入管", "にゅうかん") in pairs
    assert ("日本", "にほん") in pairs


def test_no_ruby_where_no_element_may_stand(built):
    """Titles and attributes keep plain text; nothing is escaped twice."""
    documents = _reader_documents(built / "reader-ja-x-easy.epub")
    pages = {p.name: p.read_bytes() for p in (built / "web" / "ja-x-easy").rglob("*.html")}
    for name, data in {**documents, **pages}.items():
        text = data.decode("utf-8")
        assert "&lt;ruby" not in text, name
        assert "&lt;rt" not in text, name
        tree = html.fromstring(data)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            assert not any("<ruby" in value for value in element.attrib.values()), (name, element.attrib)
        titles = [t for t in tree.iter() if isinstance(t.tag, str) and t.tag.endswith("title")]
        assert all(len(t) == 0 for t in titles), name


def test_web_pages_give_ruby_readings(built):
    page = html.fromstring((built / "web" / "ja-x-easy" / "index.html").read_bytes())
    assert page.get("lang") == "ja-x-easy"
    pairs = set()
    for path in (built / "web" / "ja-x-easy").rglob("*.html"):
        pairs |= _ruby_pairs(html.fromstring(path.read_bytes()))
    for word, reading in WORDS.items():
        assert (word, reading) in pairs, word


def test_epubcheck_finds_nothing(built):
    paths = [built / "reader-ja-x-easy.epub", built / "reader-ja-x-easy-vertical.epub"]
    for path, (report, problems) in epubcheck_reports(paths).items():
        assert problems == [], (path.name, problems)
        assert report["checker"]["nFatal"] == report["checker"]["nError"] == report["checker"]["nWarning"] == 0


@pytest.mark.parametrize("name", ["reader-ja-x-easy.epub", "reader-ja-x-easy-vertical.epub"])
def test_ace_finds_no_violation(built, tmp_path, name):
    assert ace_violations(built / name, tmp_path / "report") == []


def _words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of every word poppler finds (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(out, etree.XMLParser(recover=True))
    return [
        (w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
        for w in tree.iter("{*}word")
    ]


@pytest.mark.parametrize("name", ["handbook-ja-x-easy.pdf", "handout-easy.pdf"])
def test_each_reading_is_drawn_above_its_base_in_the_pdf(built, name):
    pdf = built / name
    words = _words(pdf)
    for base, reading in WORDS.items():
        found = False
        for text, x0, y0, x1, _y1 in words:
            if base not in text:
                continue
            # the base's share of the word, assuming characters of one width
            start = text.index(base)
            width = (x1 - x0) / len(text)
            bx0, bx1 = x0 + start * width, x0 + (start + len(base)) * width
            for rtext, rx0, ry0, rx1, ry1 in words:
                centre = (rx0 + rx1) / 2
                if reading in rtext and bx0 - 2 <= centre <= bx1 + 2 and ry0 < y0 and (ry0 + ry1) / 2 < y0 + 1:
                    found = True
        assert found, (name, base, reading)


def test_the_base_text_extracts_whole(built):
    text = subprocess.run(
        ["pdftotext", str(built / "handbook-ja-x-easy.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = text.replace("\u2060", "")
    for line in ("日本で難民の申請をします", "東京の収容", "弁護士が説明します。"):
        assert line in text, line
    # and no reading falls inside a base word
    assert not re.search("難[ぁ-ん]+民|東[ぁ-ん]+京|弁[ぁ-ん]+護", text)


def test_the_pdfs_carry_ruby_structure_and_pass_the_pdf_ua_checks(built):
    from pdfua.checker import check, format_failures

    for name in ("handbook-ja-x-easy.pdf", "handout-easy.pdf"):
        failures = check(built / name)
        assert not failures, format_failures(failures)
    rubies = []
    with pikepdf.open(built / "handbook-ja-x-easy.pdf") as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if node.get("/S") == "/Ruby":
                rubies.append([str(k.get("/S")) for k in node.K if isinstance(k, pikepdf.Dictionary)])
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    assert rubies, rubies[:5]
    assert all(kinds == ["/RB", "/RT"] for kinds in rubies), rubies[:5]


def test_a_handout_with_an_easy_japanese_column(built, tmp_path):
    out = tmp_path / "handout.pdf"
    run = run_cli(
        "handout", str(built.parent), "--services", "legal", "--lang", "ja-x-easy,my", "--out", str(out), env=WITH_EPOCH
    )
    assert run.returncode == 0, run.stdout + run.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "難民支援協会" in text.replace("\u2060", "")


def test_init_from_japanese_marks_every_entry_fuzzy(make_project):
    from refpub.i18n.pofile import read_po

    root = make_project("easy-japanese")
    shutil.rmtree(root / "locales" / "ja-x-easy")
    run = run_cli("i18n", "init", "ja-x-easy", "--from", "ja", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    japanese = {(m.context, m.id): m.string for m in read_po(root / "locales/ja/LC_MESSAGES/content.po").messages}
    easy = read_po(root / "locales/ja-x-easy/LC_MESSAGES/content.po")
    assert easy.header_value("Language") == "ja-x-easy"
    copied = [m for m in easy.messages if m.string]
    assert copied
    for m in copied:
        assert m.fuzzy, m.context
        assert m.string == japanese[(m.context, m.id)]
    missing = run_cli("i18n", "init", "ja-x-easy", "--from", "ne", cwd=root)
    assert missing.returncode != 0
    assert "there is no catalog of 'ne' to start from" in missing.stdout + missing.stderr
    assert "Traceback" not in missing.stderr


def test_language_names_and_locale_data():
    from refpub.i18n.names import babel_locale, cldr_code, language_name

    assert cldr_code("ja-x-easy") == "ja"
    assert cldr_code("pt-BR") == "pt_BR"
    assert str(babel_locale("ja-x-easy")) == "ja"
    assert language_name("ja-x-easy") == "Easy Japanese"
    assert language_name("ja-x-easy", "ja-x-easy") == "やさしい日本語"
    assert language_name("my", "ja-x-easy") == language_name("my", "ja")


def test_ruby_is_escaped():
    from refpub.views.environment import ruby_markup

    marked = ruby_markup('<script>難民</script> & "東京"', "all", {})
    assert marked is not None
    assert "<script>" not in marked
    assert "&lt;script&gt;<ruby>難民<rp>(</rp><rt>なんみん</rt><rp>)</rp></ruby>&lt;/script&gt; &amp;" in marked
    assert ruby_markup("ひらがな only", "all", {}) is None
    # a reading that is not kana (the dictionary is checked on load) is never printed
    assert ruby_markup("牛久", "all", {"牛久": "<b>"}) is None


def test_latin_in_japanese_text_is_set_in_the_cjk_faces(built):
    """JLReq: Latin words and digits in Japanese text in the Japanese face's own Latin, which
    matches it in weight and size, not in DejaVu (pdffonts)."""
    for name in ("handbook-ja-x-easy.pdf", "handout-easy.pdf"):
        fonts = subprocess.run(["pdffonts", str(built / name)], capture_output=True, text=True, check=True).stdout
        families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
        assert families, (name, families)
        assert all("CJK" in family for family in families if "handbook" in name), (name, families)
    text = subprocess.run(
        ["pdftotext", str(built / "handbook-ja-x-easy.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Japan Association for Refugees" in text


def test_katakana_words_and_long_vowels_are_never_broken():
    from refpub.views.phrases import WORD_JOINER, join_phrases

    text = "難民支援協会のコミュニティ・プロジェクトマネージャーがインターナショナルスクールで話します。すごーい"
    joined = join_phrases(text)
    assert joined.replace(WORD_JOINER, "") == text
    for word in ("コミュニティ", "プロジェクトマネージャー", "インターナショナルスクール"):
        assert WORD_JOINER.join(word) in joined, word
    assert "ご" + WORD_JOINER + "ー" in joined  # no line starts with ー


def test_paged_ruby_keeps_phrases_whole():
    """In PDFs, a line breaks only between phrases with ruby as without: the characters of a
    phrase are joined (WORD JOINER), and a ruby group is one box."""
    from refpub.views.environment import ruby_markup
    from refpub.views.phrases import WORD_JOINER

    marked = ruby_markup("難民が東京の学校に行く", "grade-3", {}, True)
    assert marked is not None
    assert marked.startswith("<ruby><rt>なんみん</rt><rb>難民</rb></ruby>" + WORD_JOINER + "が")
    assert WORD_JOINER.join("学校に") in marked
    assert ruby_markup("学校に行く", "grade-3", {}, True) is None  # no ruby due: joined as plain text


def test_latin_and_digits_beside_japanese_are_a_quarter_em_apart(built):
    """JLReq 3.2 (CSS text-autospace): about a quarter em between a kanji or kana and a digit or
    Latin letter that touches it, made by layout, beside ruby bases too (2026 年 1 月 15 日版,
    the edition line, where 年 月 日 carry ruby)."""
    words = [
        (text.replace("\u2060", ""), x0, y0, x1, y1)
        for text, x0, y0, x1, y1 in _words(built / "handbook-ja-x-easy.pdf")
    ]
    line = next(i for i, w in enumerate(words) if w[0] == "2026" and words[i + 1][0] == "年")
    pieces = words[line : line + 7]
    assert [w[0] for w in pieces] == ["2026", "年", "1", "月", "15", "日", "版"], pieces
    em = pieces[1][3] - pieces[1][1]  # 年: one em wide
    gaps = [(b[1] - a[3]) / em for a, b in itertools.pairwise(pieces)]
    assert all(0.22 <= gap <= 0.28 for gap in gaps[:5]), gaps
    assert abs(gaps[5]) < 0.02, gaps  # 日版: two kanji, no space


def test_the_tags_read_each_base_once_then_its_reading_in_the_sentence(built):
    """What a screen reader walks out of the structure tree (tests/pdfua/readout.py): a ruby is
    inline in its sentence, its base (RB) once, then its reading (RT); the spacing beside Latin
    and digits adds nothing to the text. (Position-based extraction, pdftotext, gives the readings
    as lines of their own above their text: docs/translators.md.)"""
    from pdfua.readout import passages

    read = [p.text.replace("\u2060", "") for p in passages(built / "handbook-ja-x-easy.pdf")]
    assert "日本にほんで難民なんみんの申請しんせいをします" in read
    assert "2026年ねん1月がつ15日にち版ばん" in read


@pytest.mark.parametrize("name", ["reader-ja-x-easy.epub", "reader-ja-x-easy-vertical.epub"])
def test_the_reader_asks_for_japanese_latin_spacing(built, name):
    """The reading system spaces Japanese from Latin and digits (CSS text-autospace, JLReq 3.2)."""
    with zipfile.ZipFile(built / name) as z:
        css = z.read("EPUB/reader.css").decode("utf-8")
    assert ":lang(ja) { text-autospace: normal; }" in css
