"""The repository's PDFs (both handbooks and every handout), built once per test session for the
PDF/UA tests (test_outputs, test_readout, test_verapdf): those tests share an xdist group, so
`pytest -n auto --dist loadgroup` (make test) runs them in one worker and builds them once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

EPOCH = "1767225600"
GROUP = pytest.mark.xdist_group("pdfua-repository")


def build_pdfs(project: Path, out: Path) -> Path:
    """`refpub build --only handbook,handouts` of ``project`` into ``out``, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "refpub", "build", "--only", "handbook,handouts", "--out", str(out), str(project)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def repository_pdfs(tmp_path_factory) -> Path:
    return build_pdfs(REPO, tmp_path_factory.mktemp("repository"))
