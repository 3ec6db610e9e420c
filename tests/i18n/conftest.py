"""Fixtures for the translation workflow: a temporary copy of tests/roots/i18n-basic."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOTS, WITH_EPOCH, run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "i18n-basic", root)
    return root


def run_refpub(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in the project folder."""
    return run_cli(*args, cwd=root, env=WITH_EPOCH, timeout=120)


@pytest.fixture
def refpub():
    return run_refpub
