"""The loader: every value read against the schema, with its file, line and column."""

from __future__ import annotations

from pathlib import Path

from refpub.content.load import load_content, parse_yaml, read_text
from refpub.content.model import PartialDate
from refpub.diagnostics import Location, Reporter


def _messages(reporter: Reporter) -> list[str]:
    return [str(d) for d in reporter.sorted()]


def test_good_fixture_loads_with_locations(make_project):
    root = make_project("good")
    reporter = Reporter()
    content = load_content(root, reporter)
    assert not reporter.has_errors, _messages(reporter)
    assert [r.id for r in content.readings] == ["closed-door-policy", "detention-profile", "review-of-assistance"]
    review = content.reading("review-of-assistance")
    assert review.date == PartialDate(2013, 7)
    assert review.date.precision == "month"
    assert review.authors == ("Naoko Obi",)
    assert review.topics == ("policy", "detention")
    assert review.location("date") == Location("content/readings.yaml", 26, 9)
    ushiku = content.organisation("ushiku-no-kai")
    assert ushiku.alt_names["ja"] == "牛久の会"
    assert content.publication.languages == ("en", "ja")
    assert content.publication.handouts[0].organisations.services == ("legal", "medical")


def test_plain_scalars_are_not_retyped(tmp_path):
    # YAML 1.1 would turn `no` into False and 2020-05-04 into a date; refpub keeps text.
    reporter = Reporter()
    node = parse_yaml("title: no\ndate: 2020-05-04\n", "x.yaml", reporter)
    values = {k.value: v.value for k, v in node.value}
    assert values == {"title": "no", "date": "2020-05-04"}


def test_aliases_are_refused(tmp_path):
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    reporter = Reporter()
    assert parse_yaml(bomb, "content/readings.yaml", reporter) is None
    assert _messages(reporter) == [
        "content/readings.yaml:1:4: error: YAML anchors and aliases (&name / *name) are not allowed; write the value out"
    ]


def test_invalid_utf8_is_located(tmp_path):
    path = tmp_path / "readings.yaml"
    path.write_bytes(b"- id: ok\n  title: caf\xe9\n")
    reporter = Reporter()
    assert read_text(path, "content/readings.yaml", reporter) is None
    assert _messages(reporter) == [
        "content/readings.yaml:2:13: error: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
    ]


def test_nul_byte_is_located(tmp_path):
    path = tmp_path / "readings.yaml"
    path.write_bytes(b"- id: ok\n  title: a\x00b\n")
    reporter = Reporter()
    assert read_text(path, "content/readings.yaml", reporter) is None
    assert _messages(reporter) == ["content/readings.yaml:2:11: error: the file contains a NUL character; remove it"]


def test_partial_dates():
    assert PartialDate.parse("2008").precision == "year"
    assert PartialDate.parse("2020-05").isoformat() == "2020-05"
    assert PartialDate.parse("2020-05-04").as_date().isoformat() == "2020-05-04"
    for bad in ("2020-13", "2020-02-30", "20-01-01", "2020/01/01", "May 2020"):
        try:
            PartialDate.parse(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} was accepted")


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def test_field_errors_name_entry_and_place(make_project):
    root = make_project("good")
    _write(
        root,
        "content/readings.yaml",
        """- id: a
  titel: Typo
  summary: "   "
  section: general
  kind: podcast
  topics: policy
  language: english
  date: 2020-02-30
""",
    )
    reporter = Reporter()
    load_content(root, reporter)
    assert _messages(reporter) == [
        "content/readings.yaml:1:3: error: reading 'a': missing required field 'title'",
        "content/readings.yaml:2:3: error: reading 'a': unknown field 'titel' (did you mean 'title'?)",
        "content/readings.yaml:3:12: error: reading 'a': 'summary' is empty",
        "content/readings.yaml:5:9: error: reading 'a': unknown kind 'podcast'; known: article, report, video, audio, book, blog, journal-article, data, website",
        "content/readings.yaml:6:11: error: reading 'a': 'topics' must be a list, not a single value",
        "content/readings.yaml:7:13: error: reading 'a': 'language' 'english' is not a language code (such as en, ja, pt-BR)",
        "content/readings.yaml:8:9: error: reading 'a': date '2020-02-30' is not a valid date (use YYYY, YYYY-MM or YYYY-MM-DD)",
    ]


def test_empty_file_is_an_error(make_project):
    root = make_project("good")
    _write(root, "content/organisations.yaml", "")
    reporter = Reporter()
    load_content(root, reporter)
    assert _messages(reporter) == [
        "content/organisations.yaml:1:1: error: the file is empty; write [] for no organisations"
    ]


def test_wrong_top_level_type(make_project):
    root = make_project("good")
    _write(root, "content/readings.yaml", "id: a\ntitle: b\n")
    reporter = Reporter()
    load_content(root, reporter)
    assert _messages(reporter) == [
        "content/readings.yaml:1:1: error: the file must be a list of readings, not a mapping"
    ]


def test_line_breaks_are_normalised_to_lf(make_project):
    root = make_project("good")
    path = root / "content/readings.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "summary: An overview of Japan's refugee acceptance policy.",
            'summary: "Line one\\r\\nline two\\rline three"',
        ),
        encoding="utf-8",
    )
    reporter = Reporter()
    content = load_content(root, reporter)
    assert content.reading("closed-door-policy").summary == "Line one\nline two\nline three"
