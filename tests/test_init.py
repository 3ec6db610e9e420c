"""`refpub init DIR`: a new publication that passes `refpub check` and builds at once."""

from __future__ import annotations

import re

from refpub.commands.scaffold import scaffold_files

from support import run_cli

PLAIN = {"CI": "true"}


def test_scaffold_ships_the_promised_files():
    files = scaffold_files()
    assert {
        "content/publication.yaml",
        "content/readings.yaml",
        "content/organisations.yaml",
        "locales/ja/LC_MESSAGES/content.po",
        "templates/README.md",
        ".gitignore",
    } <= set(files)
    # The interface comes translated with refpub (refpub/locale/): no copy to drift from it.
    assert not any(name.endswith("messages.po") for name in files)
    assert b"build/" in files[".gitignore"]


def test_init_checks_and_builds_at_once(tmp_path):
    root = tmp_path / "cafe"
    created = run_cli("init", str(root), env=PLAIN)
    assert created.returncode == 0, created.stderr
    assert created.stderr.splitlines()[0] == f"created a new publication in {root}"
    assert (root / "locales/content.pot").is_file()
    assert (root / "locales/messages.pot").is_file()

    check = run_cli("check", str(root), env=PLAIN)
    assert check.returncode == 0, check.stderr
    assert check.stderr == "0 error(s), 0 warning(s)\n"  # a new project starts clean

    build = run_cli("build", str(root), env=PLAIN)
    assert build.returncode == 0, build.stderr
    names = {p.name for p in (root / "build").iterdir()}
    assert {
        "handbook-en.pdf",
        "handbook-ja.pdf",
        "reader-en.epub",
        "reader-ja.epub",
        "handout-where-to-find-help.pdf",
        "web",
    } <= names
    assert {"readings.csl.json", "readings.ris", "readings.bib", "hsds"} <= names
    # Fully translated: nothing falls back to English (no ", N strings fell back" in the summary).
    assert re.fullmatch(r"built \d+ outputs in \d+\.\d s", build.stderr.splitlines()[-1]), build.stderr

    from pypdf import PdfReader

    handout = PdfReader(root / "build/handout-where-to-find-help.pdf")
    text = handout.pages[0].extract_text()
    assert len(handout.pages) == 1
    assert "Where to find help" in text
    assert "困ったときの相談先" in text
    assert "日本語カフェ" in text


def test_init_with_a_title(tmp_path):
    root = tmp_path / "osaka"
    assert run_cli("init", "--title", 'Help in Osaka: "a" guide', str(root), env=PLAIN).returncode == 0
    assert 'title: "Help in Osaka: \\"a\\" guide"' in (root / "content/publication.yaml").read_text(encoding="utf-8")
    assert run_cli("check", str(root), env=PLAIN).returncode == 0


def test_init_never_overwrites(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run_cli("init", str(tmp_path), env=PLAIN)
    assert result.returncode == 2
    assert result.stderr.startswith("refpub: error: ")
    assert "not empty" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "content").exists()
