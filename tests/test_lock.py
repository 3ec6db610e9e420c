"""Every machine gets the same versions (issue 14): the environment the tests run in holds
exactly what uv.lock says for refpub with its test tools, and the lock matches pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from support import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LOCK = REPO / "uv.lock"
UV = REPO / ".tools" / "uv" / "bin" / "uv"


def _locked_packages() -> dict[str, list[dict]]:
    packages: dict[str, list[dict]] = {}
    for package in tomllib.loads(LOCK.read_text(encoding="utf-8"))["package"]:
        packages.setdefault(canonicalize_name(package["name"]), []).append(package)
    return packages


def _applies(dependency: dict) -> bool:
    marker = dependency.get("marker")
    return marker is None or Marker(marker).evaluate()


def _required(packages: dict[str, list[dict]], extras: tuple[str, ...]) -> dict[str, str]:
    """Name -> locked version of everything refpub with ``extras`` needs on this machine."""
    (root,) = packages["refpub"]
    wanted = [d for d in root.get("dependencies", []) if _applies(d)]
    for extra in extras:
        wanted += [d for d in root["optional-dependencies"][extra] if _applies(d)]
    required: dict[str, str] = {}
    while wanted:
        dependency = wanted.pop()
        name = canonicalize_name(dependency["name"])
        candidates = packages[name]
        if "version" in dependency:
            candidates = [p for p in candidates if p["version"] == dependency["version"]]
        (package,) = candidates
        for extra in dependency.get("extra", []):
            wanted += [d for d in package.get("optional-dependencies", {}).get(extra, []) if _applies(d)]
        if name in required:
            continue
        required[name] = package["version"]
        wanted += [d for d in package.get("dependencies", []) if _applies(d)]
    return required


def test_installed_versions_are_the_locked_ones():
    required = _required(_locked_packages(), ("dev",))
    assert {"babel", "weasyprint", "pytest", "pikepdf"} <= set(required)
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {
        name: (installed.get(name), version) for name, version in required.items() if installed.get(name) != version
    }
    assert not wrong, f"installed vs locked: {wrong}; run `make test` (scripts/setup.sh dev) to sync"


def test_the_lock_matches_pyproject():
    if not UV.exists():
        pytest.fail(f"{UV} is missing: scripts/setup.sh installs it (run `make test`)")
    result = subprocess.run(
        [str(UV), "lock", "--check", "--offline"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
    )
    assert result.returncode == 0, f"uv.lock is out of date: run scripts/lock.sh\n{result.stderr}"


def test_a_dependency_missing_from_the_environment_is_found(monkeypatch):
    """The check above can fail: a locked package that is not installed is reported."""
    packages = _locked_packages()
    required = _required(packages, ("dev",))
    real = metadata.distributions
    monkeypatch.setattr(
        metadata, "distributions", lambda: [d for d in real() if canonicalize_name(d.metadata["Name"]) != "babel"]
    )
    with pytest.raises(AssertionError, match="babel"):
        test_installed_versions_are_the_locked_ones()
    assert "babel" in required
