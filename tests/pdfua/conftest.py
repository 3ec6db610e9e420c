"""The repository's PDFs (both handbooks and every handout), built once per test session (by the
shared ``built`` fixture of tests/conftest.py) for the PDF/UA tests (test_outputs, test_readout,
test_verapdf): those tests share an xdist group, so `pytest -n auto --dist loadgroup` (make test)
runs them in one worker and builds them once."""

from __future__ import annotations

from pathlib import Path

import pytest

GROUP = pytest.mark.xdist_group("pdfua-repository")


@pytest.fixture(scope="session")
def repository_pdfs(shared_builds) -> Path:
    return shared_builds("repository", only=("handbook", "handouts")).out
