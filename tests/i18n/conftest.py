"""Fixtures for the translation workflow: a temporary copy of tests/roots/i18n-basic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOTS


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "i18n-basic", root)
    return root


def run_refpub(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in the project folder."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run(
        [sys.executable, "-m", "refpub", *args], cwd=root, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def refpub():
    return run_refpub
