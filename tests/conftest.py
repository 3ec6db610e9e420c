"""Shared fixtures: small projects under tests/roots/, copied to a temporary folder per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import ROOTS, run_cli


@pytest.fixture
def make_project(tmp_path):
    """Copy a fixture project (tests/roots/<name>) into tmp_path and return its path."""

    def make(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / name, dest)
        return dest

    return make


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def good(make_project, monkeypatch):
    """tests/roots/good in a temporary folder, built with a fixed SOURCE_DATE_EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return make_project("good")
