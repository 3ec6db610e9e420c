"""Shared fixtures: small projects under tests/roots/, copied to a temporary folder per test, and
their builds, made once per session and shared (as Sphinx's ``shared_result``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import EPOCH, REPO, ROOTS, run_cli

# The repository as a fixture project: its content, catalogs and templates (built() copies them).
REPOSITORY = "repository"
REPOSITORY_FOLDERS = ("content", "locales", "templates")


def copy_project(name: str, dest: Path) -> Path:
    """Copy tests/roots/<name> (or, for "repository", the repository's project folders) to ``dest``."""
    if name == REPOSITORY:
        dest.mkdir(parents=True)
        for folder in REPOSITORY_FOLDERS:
            shutil.copytree(REPO / folder, dest / folder)
    else:
        shutil.copytree(ROOTS / name, dest)
    return dest


@pytest.fixture
def make_project(tmp_path):
    """Copy a fixture project (tests/roots/<name>) into tmp_path and return its path."""

    def make(name: str) -> Path:
        return copy_project(name, tmp_path / name)

    return make


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def epoch(monkeypatch) -> str:
    """Builds in this test (in this process, or run_cli's) use the tests' SOURCE_DATE_EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return EPOCH


@pytest.fixture
def good(make_project, epoch):
    """tests/roots/good in a temporary folder, built with a fixed SOURCE_DATE_EPOCH."""
    return make_project("good")


@dataclass(frozen=True)
class Built:
    """A fixture project built once: its folder, its build/ folder and what build() returned."""

    root: Path
    result: object  # refpub.build.BuildResult

    @property
    def out(self) -> Path:
        return self.root / "build"

    @property
    def outputs(self) -> dict:
        """Output file name -> its OutputResult."""
        return {o.path.name: o for o in self.result.outputs}


@pytest.fixture(scope="session")
def shared_builds(tmp_path_factory):
    """``built(root, only=..., langs=...)``: tests/roots/<root> (or "repository") copied once into
    the session's temporary folder and built once with SOURCE_DATE_EPOCH, cached by (root, only,
    langs). Shared by every test that asks for the same build: a test that changes the project or
    its outputs makes its own copy (``make_project``) instead."""
    from refpub.build import build

    cache: dict[tuple, Built] = {}

    def build_once(root: str, only: tuple[str, ...] = (), langs: tuple[str, ...] = ()) -> Built:
        key = (root, tuple(only), tuple(langs))
        if key not in cache:
            project = copy_project(root, tmp_path_factory.mktemp(root) / root)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
                result = build(project, only=list(only) or None, langs=list(langs) or None, jobs=1)
            assert result.ok, [(o.path.name, o.errors) for o in result.outputs if o.errors] or result.diagnostics
            cache[key] = Built(project, result)
        return cache[key]

    return build_once


@pytest.fixture(scope="session")
def built(shared_builds):
    """The ``shared_builds`` factory, under the name a test module's own ``built`` fixture can
    override and still ask for (``def built(built): return built("rtl").out``). A fixture of a
    conftest.py that a module's ``built`` may shadow asks for ``shared_builds`` instead."""
    return shared_builds
