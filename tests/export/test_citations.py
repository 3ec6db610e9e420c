"""The reading list as CSL-JSON, RIS and BibLaTeX, each read back by an independent reader.

* CSL-JSON: validated against the CSL-JSON schema (tests/data/csl/csl-data.json, copied from
  github.com/citation-style-language/schema, schemas/input/csl-data.json at commit
  e3ce254a72c4470a5ed3b9d23b428017d25674e9, MIT licence) with jsonschema, and rendered by
  pandoc's citeproc.
* RIS: read back by rispy.
* BibLaTeX: read back by bibtexparser and by pandoc's BibLaTeX reader.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from refpub.build import build

pytestmark = pytest.mark.tools  # pandoc

DATA = Path(__file__).parent.parent / "data"
CSL_SCHEMA = DATA / "csl" / "csl-data.json"
FILES = ("readings.csl.json", "readings.ris", "readings.bib")


def _require_pandoc(fn):
    """pandoc is the independent reader of these files: missing, the test fails (not skips)."""

    def wrapper(*args, **kwargs):
        assert shutil.which("pandoc"), "pandoc is missing: run scripts/setup.sh dev (apt-get install pandoc)"
        return fn(*args, **kwargs)

    import functools

    return functools.wraps(fn)(wrapper)


needs_pandoc = _require_pandoc


@pytest.fixture(scope="module")
def built(built):
    return built("interchange", only=("citations",)).out


@pytest.fixture(scope="module")
def items(built):
    return json.loads((built / "readings.csl.json").read_text(encoding="utf-8"))


def by_id(items):
    return {i["id"]: i for i in items}


def test_only_citations_builds_three_files(built):
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith(".")) == sorted(FILES)


def test_csl_json_is_valid_against_the_csl_schema(items):
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(items)
    assert len(items) == 9


def test_csl_schema_check_can_fail(items):
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    broken = [dict(items[0], type="newspaper-article")]  # not a CSL type
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_csl_types_follow_the_kind(items):
    types = {i["id"]: i["type"] for i in items}
    assert types == {
        "closed-door-policy": "article-newspaper",
        "review-of-assistance": "report",
        "detention-video": "motion_picture",
        "journal-paper": "article-journal",
        "nanmin-no-koe": "broadcast",
        "a-book": "book",
        "a-blog": "post-weblog",
        "asylum-data": "dataset",
        "detention-profile": "webpage",
    }


def test_csl_issued_keeps_the_precision_known(items):
    issued = {i["id"]: i.get("issued") for i in items}
    assert issued["closed-door-policy"] == {"date-parts": [[2015, 5, 19]]}
    assert issued["review-of-assistance"] == {"date-parts": [[2013, 7]]}
    assert issued["detention-video"] == {"date-parts": [[2019]]}
    assert issued["a-blog"] is None


def test_csl_language_names_and_translated_titles(items):
    i = by_id(items)
    assert i["nanmin-no-koe"]["language"] == "ja"
    assert i["closed-door-policy"]["language"] == "en"
    assert i["nanmin-no-koe"]["author"] == [{"family": "山田", "given": "太郎"}]
    assert i["review-of-assistance"]["author"][0] == {"family": "Obi", "given": "Naoko"}
    assert i["journal-paper"]["author"] == [{"literal": "UNHCR"}]
    assert i["closed-door-policy"]["title"] == "Japan’s Closed-Door Refugee Policy"
    assert i["closed-door-policy"]["custom"] == {"translated-title": {"ja": "日本の閉ざされた難民政策"}}
    assert "custom" not in i["a-book"]  # no translation: nothing invented
    assert i["closed-door-policy"]["container-title"] == "Nippon.com"
    assert i["review-of-assistance"]["publisher"] == "UNHCR"


@needs_pandoc
def test_pandoc_citeproc_renders_every_entry(built, items, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
    out = subprocess.run(
        [
            "pandoc",
            str(doc),
            "--citeproc",
            "--bibliography",
            str(built / "readings.csl.json"),
            "-t",
            "plain",
            "--wrap=none",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stderr == ""  # pandoc warns about entries it cannot use
    entries = [block for block in out.stdout.split("\n\n") if block.strip()]
    assert len(entries) == len(items)

    # The default style (Chicago author-date) title-cases English titles and curls apostrophes.
    def plain(text):
        return text.lower().replace("’", "'")

    for item in items:
        assert any(plain(item["title"].split(":")[0]) in plain(e) for e in entries), item["id"]
    assert "Obi, Naoko, and Anna Maria de Vries. 2013." in out.stdout


def test_ris_reads_back_with_rispy(built, items):
    import rispy

    records = rispy.loads(
        (built / "readings.ris").read_text(encoding="utf-8"),
        list_tags=["A1", "A2", "A3", "A4", "AU", "KW", "N1", "UR", "TT"],
    )
    assert [r["id"] for r in records] == [i["id"] for i in items]
    r = {r["id"]: r for r in records}
    assert r["closed-door-policy"]["type_of_reference"] == "NEWS"
    assert r["closed-door-policy"]["title"] == "Japan’s Closed-Door Refugee Policy"
    assert r["closed-door-policy"]["translated_title"] == ["日本の閉ざされた難民政策"]
    assert r["closed-door-policy"]["date"] == "2015/05/19"
    assert r["closed-door-policy"]["urls"] == ["https://www.example.org/news/closed_door?id=100%25&x=1"]
    assert r["review-of-assistance"]["authors"] == ["Obi, Naoko", "Vries, Anna Maria de"]
    assert r["detention-video"]["type_of_reference"] == "VIDEO"
    assert r["nanmin-no-koe"]["language"] == "ja"


def test_biblatex_reads_back_with_bibtexparser(built, items):
    import bibtexparser

    library = bibtexparser.parse_string((built / "readings.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert list(entries) == [i["id"] for i in items]
    assert entries["review-of-assistance"].entry_type == "report"
    # Words with a capital letter are braced, so no style lower-cases them.
    assert entries["review-of-assistance"]["title"] == r"{A} review of assistance programmes: 50\% \& more\_"
    assert entries["closed-door-policy"]["url"] == "https://www.example.org/news/closed_door?id=100%25&x=1"
    assert entries["nanmin-no-koe"]["langid"] == "japanese"
    assert entries["closed-door-policy"]["titleaddon"] == "[日本の閉ざされた難民政策]"


@needs_pandoc
def test_pandoc_reads_the_biblatex_file(built, items):
    out = subprocess.run(
        ["pandoc", "-f", "biblatex", "-t", "csljson", str(built / "readings.bib")],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = by_id(json.loads(out.stdout))
    assert set(theirs) == {i["id"] for i in items}
    # TeX special characters come back as the text they stand for.
    assert theirs["review-of-assistance"]["title"] == "A review of assistance programmes: 50% & more_"
    assert theirs["review-of-assistance"]["abstract"] == "A longer report with {braces}, a backslash \\ and a tilde ~."
    assert theirs["closed-door-policy"]["URL"] == "https://www.example.org/news/closed_door?id=100%25&x=1"
    assert theirs["review-of-assistance"]["issued"] == {"date-parts": [[2013, 7]]}


def test_citations_are_reproducible_and_rebuilt_when_a_reading_or_catalog_changes(built, tmp_path, epoch):
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent.parent / "roots" / "interchange", root)
    first = build(root, only=["citations"], jobs=1)
    for name in FILES:
        assert (root / "build" / name).read_bytes() == (built / name).read_bytes()
    again = build(root, only=["citations"], jobs=1)
    assert {o.state for o in again.outputs} == {"up to date"}
    po = root / "locales" / "ja" / "LC_MESSAGES" / "content.po"
    po.write_text(po.read_text(encoding="utf-8").replace("日本の収容に関する概要", "収容の概要"), encoding="utf-8")
    third = build(root, only=["citations"], jobs=1)
    assert {o.state for o in third.outputs} == {"built"}
    assert "収容の概要" in (root / "build" / "readings.csl.json").read_text(encoding="utf-8")
    assert first.ok


def test_hostile_text_cannot_add_entries_or_fields(tmp_path, epoch):
    """A title or summary written to break out of its field yields the same number of entries,
    each with the text as given."""
    import bibtexparser
    import rispy

    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent.parent / "roots" / "interchange", root)
    readings = root / "content" / "readings.yaml"
    hostile_title = "Evil}, note = {x}}\n@misc{injected, title={Injected"
    hostile_summary = "Line one\nER  - \nTY  - JOUR\nTI  - Injected"
    text = readings.read_text(encoding="utf-8").replace(
        "  title: Asylum in Japan\n  summary: A book.\n",
        f"  title: {json.dumps(hostile_title)}\n  summary: {json.dumps(hostile_summary)}\n",
    )
    readings.write_text(text, encoding="utf-8")
    assert build(root, only=["citations"], jobs=1).ok
    out = root / "build"
    library = bibtexparser.parse_string((out / "readings.bib").read_text(encoding="utf-8"))
    assert [e.key for e in library.entries].count("injected") == 0
    assert len(library.entries) == 9
    records = rispy.loads((out / "readings.ris").read_text(encoding="utf-8"))
    assert len(records) == 9
    book = next(r for r in records if r["id"] == "a-book")
    assert book["abstract"] == " ".join(hostile_summary.split())
    items = by_id(json.loads((out / "readings.csl.json").read_text(encoding="utf-8")))
    assert items["a-book"]["title"] == hostile_title
    # pandoc's reading, as in test_pandoc_reads_the_biblatex_file
    theirs = by_id(
        json.loads(
            subprocess.run(
                ["pandoc", "-f", "biblatex", "-t", "csljson", str(out / "readings.bib")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    )
    assert len(theirs) == 9
    # pandoc turns English BibLaTeX titles into sentence case.
    assert theirs["a-book"]["title"].lower() == " ".join(hostile_title.split()).lower()


def _reading(**fields):
    from refpub.content.model import Reading

    base = dict(id="r", title="T", summary="S", section="s", kind="book", topics=(), language="en")
    return Reading(**{**base, **fields}, locations={})


@needs_pandoc
def test_biblatex_names_and_lists_read_as_intended(tmp_path):
    from refpub.content.model import Name
    from refpub.export.citations import biblatex_fields, csl_item, ris_record

    authors = (
        Name("佐藤花子"),
        Name.from_parts("Iwasaki", "Atsuko"),
        Name("Anna Maria de Vries"),
        Name.from_parts("Smith and Sons", "Jo"),
    )
    reading = _reading(title="Refugees in Japan and the UN", authors=authors, publisher="Asylum Access and CDR")
    fields = dict(biblatex_fields(reading, {}))
    assert fields["author"] == "{佐藤花子} and Iwasaki, Atsuko and Vries, Anna Maria de and {Smith and Sons}, Jo"
    assert fields["publisher"] == "{Asylum Access and CDR}"
    assert fields["title"] == "{Refugees} in {Japan} and the {UN}"
    bib = tmp_path / "one.bib"
    bib.write_text("@book{r,\n" + "".join(f"  {k} = {{{v}}},\n" for k, v in fields.items()) + "}\n", encoding="utf-8")
    out = subprocess.run(["pandoc", "-f", "biblatex", "-t", "csljson", str(bib)], capture_output=True, text=True)
    (theirs,) = json.loads(out.stdout)
    assert theirs["author"] == [
        {"literal": "佐藤花子"},
        {"family": "Iwasaki", "given": "Atsuko"},
        {"family": "Vries", "given": "Anna Maria", "dropping-particle": "de"},
        {"family": "Smith and Sons", "given": "Jo"},
    ]
    assert theirs["publisher"] == "Asylum Access and CDR"
    # A name in parts goes to CSL-JSON and RIS in those parts.
    assert csl_item(reading, {})["author"][:2] == [{"literal": "佐藤花子"}, {"family": "Iwasaki", "given": "Atsuko"}]
    assert ris_record(reading, {})["authors"][:2] == ["佐藤花子", "Iwasaki, Atsuko"]


@needs_pandoc
def test_pandoc_renders_the_repository_the_same_from_biblatex_and_csl_json(tmp_path, epoch):
    """The 70 readings of the repository, as pandoc --citeproc prints them (Chicago author-date):
    the .bib gives the same text as the CSL-JSON, so no proper noun is lower-cased and no
    publisher split at " and ". The translated titles (BibLaTeX `titleaddon`, which CSL-JSON
    carries where pandoc does not print it) are left out of the comparison."""
    repo = Path(__file__).resolve().parents[2]
    root = tmp_path / "repository"
    root.mkdir()
    for folder in ("content", "locales"):
        shutil.copytree(repo / folder, root / folder)
    assert build(root, only=["citations"], jobs=1).ok
    bib = (root / "build" / "readings.bib").read_text(encoding="utf-8")
    (tmp_path / "plain.bib").write_text(
        "".join(line for line in bib.splitlines(True) if not line.startswith("\ttitleaddon = ")), encoding="utf-8"
    )
    (tmp_path / "doc.md").write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")

    def rendered(bibliography: Path) -> list[str]:
        out = subprocess.run(
            [
                "pandoc",
                str(tmp_path / "doc.md"),
                "--citeproc",
                f"--bibliography={bibliography}",
                "-t",
                "plain",
                "--wrap=none",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return [line for line in out.stdout.splitlines() if line.strip()]

    from_csl = rendered(root / "build" / "readings.csl.json")
    assert len(from_csl) == 70
    assert rendered(tmp_path / "plain.bib") == from_csl
    assert any("Iwasaki, Atsuko" in line for line in from_csl)
