"""Every reader passes DAISY Ace, the EPUB accessibility checker publishers use (issue 15):
0 violations of any impact, run on the repository's own e-books in Debian's chromium."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from refpub.build import build

from support import REPO, ace_violations

pytestmark = [pytest.mark.slow, pytest.mark.tools]  # the repository's readers, DAISY Ace and chromium

# DAISY Ace's violations for one EPUB (rule, impact, file): support.ace_violations.
_ace = ace_violations


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
