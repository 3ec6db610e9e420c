"""Every reader passes DAISY Ace, the EPUB accessibility checker publishers use (issue 15):
0 violations of any impact, run on the repository's own e-books in Debian's chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from refpub.build import build

from support import REPO

ACE = REPO / ".tools" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _ace(epub: Path, report: Path) -> list[dict]:
    """Ace's violations for ``epub`` (rule, impact, file), from its JSON report."""
    if not ACE.exists() or not Path(CHROMIUM).exists():
        pytest.fail(
            f"DAISY Ace or chromium is missing ({ACE}, {CHROMIUM}): run `make test` (scripts/setup.sh dev installs both)"
        )
    proc = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(report), str(epub)],
        env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    violations = []
    for document in data["assertions"]:
        for check in document.get("assertions", []):
            if check["earl:result"]["earl:outcome"] == "fail":
                violations.append(
                    {
                        "rule": check["earl:test"]["dct:title"],
                        "impact": check["earl:test"].get("earl:impact"),
                        "file": document["earl:testSubject"]["url"],
                    }
                )
    return violations


@pytest.fixture(scope="module")
def readers(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ace") / "repo"
    for folder in ("content", "locales", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    publication = root / "content" / "publication.yaml"  # the vertical-writing edition too
    publication.write_text(
        publication.read_text(encoding="utf-8").replace("vertical_epub: false", "vertical_epub: true")
    )
    result = build(root, only=["reader"], jobs=1)
    assert result.ok, [o.errors for o in result.outputs]
    return root / "build"


@pytest.mark.parametrize("name", ["reader-en.epub", "reader-ja.epub", "reader-ja-vertical.epub"])
def test_ace_finds_no_violation(readers, tmp_path, name):
    assert _ace(readers / name, tmp_path / "report") == []


def test_ace_would_see_a_missing_package_language(readers, tmp_path):
    """The check can fail: the same book without xml:lang on <package> is a violation."""
    source = readers / "reader-en.epub"
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".opf"):
                data = data.replace(b' xml:lang="en"', b"", 1)
            zout.writestr(info, data)
    rules = {v["rule"] for v in _ace(broken, tmp_path / "report")}
    assert "epub-lang" in rules, rules
