"""Shared fixtures: small projects under tests/roots/, copied to a temporary folder per test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
SEED = REPO.parent / "shared" / "seed" / "000_b77cf2f0b8858a55.txt"


@pytest.fixture
def make_project(tmp_path):
    """Copy a fixture project (tests/roots/<name>) into tmp_path and return its path."""

    def make(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / name, dest)
        return dest

    return make


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m refpub ARGS` as a user would, capturing text output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "refpub", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def cli():
    return run_cli
