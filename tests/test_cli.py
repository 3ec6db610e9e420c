"""The command line as a user runs it: messages, exit codes, no tracebacks."""

from __future__ import annotations

import json

import pytest

from refpub.build import OUTPUT_KINDS

from support import REPO


def test_check_clean_project_exits_0(cli, make_project):
    result = cli("check", str(make_project("good")))
    assert result.returncode == 0, result.stderr
    # the fixture's partial ja content catalog, and the three outputs that would print English in
    # Japanese (its interface is refpub's own Japanese: no warning about a missing messages.po)
    assert result.stderr.strip().endswith("0 error(s), 5 warning(s)")


def test_check_broken_project_reports_all_errors_exit_1(cli, make_project):
    root = make_project("broken")
    result = cli("check", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in lines] == [
        "content/organisations.yaml:3:1",
        "content/readings.yaml:9:9",
        "content/readings.yaml:10:7",
        "content/readings.yaml:17:8",
    ]
    assert "javascript" in lines[3]
    assert "duplicate id" in lines[2]
    assert "not a valid date" in lines[1]


def test_check_json_format(cli, make_project):
    result = cli("check", "--format", "json", str(make_project("broken")))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 4
    first = report["diagnostics"][0]
    assert (first["file"], first["line"], first["column"], first["severity"]) == (
        "content/organisations.yaml",
        3,
        1,
        "error",
    )


def test_usage_errors_exit_2(cli, tmp_path):
    assert cli("check", str(tmp_path / "missing")).returncode == 2
    no_content = cli("check", str(tmp_path))
    assert no_content.returncode == 2
    assert "has no content/ folder" in no_content.stderr
    assert "Traceback" not in no_content.stderr
    assert cli("check", "--no-such-option").returncode == 2
    assert cli().returncode == 2


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("refpub ")


def test_repository_content_passes_check(cli):
    result = cli("check", str(REPO))
    assert result.returncode == 0, result.stderr
    assert " 0 error(s)" in result.stderr.splitlines()[-1] or result.stderr.splitlines()[-1].startswith("0 error(s)")


def test_unknown_output_is_a_one_line_usage_error(cli, make_project):
    root = make_project("good")
    result = cli("build", "--only", "handbook,website", str(root))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"refpub: error: --only: unknown output 'website' (valid: {', '.join(OUTPUT_KINDS)})"
    ]
    assert not (root / "build").exists() or not any((root / "build").glob("*.pdf"))
    # Also when an earlier build of the same project is up to date (the no-op shortcut).
    assert cli("build", "--only", "reader", str(root)).returncode == 0
    assert cli("build", "--only", "website", str(root)).returncode == 2


def test_unknown_language_is_a_one_line_usage_error(cli, make_project):
    root = make_project("good")
    result = cli("build", "--lang", "ja,fr", str(root))
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["refpub: error: --lang: unknown language 'fr' (valid: en, ja)"]
    assert not any((root / "build").glob("*.pdf")) if (root / "build").exists() else True


def _pdf_words(pdf) -> str:
    import subprocess

    return " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


@pytest.mark.tools
def test_handout_title_from_the_command_line_is_translated(cli, make_project, tmp_path):
    """`refpub handout --title` finds the catalog's translation of the same title (any handout's)."""
    root = make_project("handout-basic")
    out = tmp_path / "adhoc.pdf"
    result = cli(
        "handout", "--orgs", "clinic", "--lang", "en,ja", "--title", "Where to find help", "--out", str(out), str(root)
    )
    assert result.returncode == 0, result.stderr
    assert "translation of title" not in result.stderr, result.stderr
    words = _pdf_words(out)
    assert "Where to find help" in words
    assert "助けを求めるには" in words

    # A title no handout has: printed in English in the Japanese column, with a warning.
    out = tmp_path / "other.pdf"
    result = cli(
        "handout", "--orgs", "clinic", "--lang", "en,ja", "--title", "Help nearby", "--out", str(out), str(root)
    )
    assert result.returncode == 0, result.stderr
    assert 'the title "Help nearby"' in result.stderr
    assert "no Japanese translation of title" in result.stderr
    assert "助けを求めるには" not in _pdf_words(out)


def test_handouts_of_the_same_title_share_its_translation_after_update(cli, make_project):
    """A second handout titled like one already translated gets its translation as it is: not
    fuzzy, and no rename hint (#| msgctxt) pointing at the first handout, which is still there."""
    root = make_project("rtl")  # help (translated in Arabic) and help-ja-ar (not yet), same title
    assert cli("i18n", "extract", cwd=root).returncode == 0
    result = cli("i18n", "update", cwd=root)
    assert result.returncode == 0, result.stderr
    from refpub.i18n.pofile import read_po

    po = read_po(root / "locales/ar/LC_MESSAGES/content.po")
    titles = {m.context: m for m in po.messages if m.id == "Where to find help"}
    second = titles["handout:help-ja-ar:title"]
    assert second.string == titles["handout:help:title"].string == "أين تجد المساعدة"
    assert not second.fuzzy
    text = (root / "locales/ar/LC_MESSAGES/content.po").read_text(encoding="utf-8")
    assert '#| msgctxt "handout:help:title"' not in text


def test_check_reports_coverage_per_organisation(cli, make_project):
    """`check -v` and `--format json` say, per organisation, which of web, phone, e-mail, address,
    languages and hours it gives and from which source: what a volunteer verifies first."""
    root = make_project("good")
    report = json.loads(cli("check", "--format", "json", str(root)).stdout)
    by_id = {item["id"]: item for item in report["coverage"]}
    assert set(by_id) == {"ushiku-no-kai", "jar"}
    jar = by_id["jar"]["fields"]
    assert list(jar) == ["web", "phone", "e-mail", "address", "languages", "hours"]
    assert jar["web"]["given"]
    assert jar["web"]["sources"] == [{"document": "fictional test data", "stored": None}]
    assert jar["phone"]["given"]
    assert jar["e-mail"]["given"]
    assert not jar["address"]["given"]
    assert jar["address"]["sources"] == []
    assert not any(cell["given"] for cell in by_id["ushiku-no-kai"]["fields"].values())
    assert by_id["jar"]["checked"] == "2026-01-10"

    lines = cli("check", "-v", str(root)).stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("coverage"))
    header, *rows = lines[start + 1 : start + 5]
    assert header.split() == ["organisation", "web", "phone", "e-mail", "address", "languages", "hours"]
    table = {row.split()[0]: row.split()[1:] for row in rows}
    assert table["jar"] == ["+", "+", "+", "-", "-", "-"]
    assert table["ushiku-no-kai"] == ["-"] * 6
    assert table["given"] == ["1", "1", "1", "0", "0", "0"]
    assert "1 of 2 can be reached besides the web" in lines[start + 5]
