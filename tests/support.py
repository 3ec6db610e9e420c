"""Paths and helpers every test module shares (importable as ``support``: tests/ is on the path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the repository: its own project, content/ and all
ROOTS = REPO / "tests" / "roots"  # small fixture projects
SEED = REPO.parent / "shared" / "seed" / "000_b77cf2f0b8858a55.txt"  # the reading list content/ came from


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
