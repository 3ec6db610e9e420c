"""Paths and helpers every test module shares (importable as ``support``: tests/ is on the path)."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent  # the repository: its own project, content/ and all
ROOTS = REPO / "tests" / "roots"  # small fixture projects
SEED = REPO.parent / "shared" / "seed" / "000_b77cf2f0b8858a55.txt"  # the reading list content/ came from

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the SOURCE_DATE_EPOCH of every reproducible build in the tests
WITH_EPOCH = {"SOURCE_DATE_EPOCH": EPOCH}  # for run_cli(env=...)
SETUP = "run scripts/setup.sh dev (it installs every tool the tests need)"


def refpub_command(*args: str) -> list[str]:
    """The command line of `python -m refpub ARGS` (for a test that must start it and stop it itself)."""
    return [sys.executable, "-m", "refpub", *args]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run `python -m refpub ARGS` as a user would, capturing text output; ``env`` is added to
    this process's environment (a variable given as None is left out of it)."""
    full_env = {name: value for name, value in {**os.environ, **(env or {})}.items() if value is not None}
    return subprocess.run(
        refpub_command(*args),
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def require_tool(name: str, what: str = "") -> str:
    """The path of an outside program the test needs. A missing one fails the test: it never
    skips, so a machine without it cannot pass the suite."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed{f' ({what})' if what else ''}: {SETUP}", pytrace=False)
    return path


def require_module(name: str, what: str = "") -> ModuleType:
    """A Python package the test needs (a dev extra); missing, the test fails instead of skipping."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pytest.fail(f"cannot import {name}{f' ({what})' if what else ''}: {exc}; {SETUP}", pytrace=False)


def has_colour(pdf: Path, rgb: tuple[int, int, int]) -> bool:
    """Whether the first page of ``pdf``, as poppler draws it, has a pixel of colour ``rgb``."""
    from PIL import Image

    prefix = pdf.parent / "first-page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
    (png,) = pdf.parent.glob("first-page*.png")
    with Image.open(png) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(1_000_000)}
    return any(max(abs(a - b) for a, b in zip(colour, rgb)) <= 8 for colour in colours)


def epubcheck_reports(paths: list[Path]) -> dict[Path, tuple[dict, list[str]]]:
    """EPUBCheck 5 on each EPUB, at once: path -> (its JSON report, its fatal errors, errors and
    warnings as lines). Fails when Java or the epubcheck package is missing."""
    import json

    java = require_tool("java", "EPUBCheck needs a Java runtime")
    epubcheck = require_module("epubcheck", "EPUBCheck")
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        pytest.fail(f"no EPUBCheck jar at {jar}: {SETUP}", pytrace=False)
    running = {
        path: subprocess.Popen(
            [java, "-jar", str(jar), str(path), "--json", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for path in paths
    }
    reports = {}
    for path, process in running.items():
        stdout, _ = process.communicate(timeout=300)
        report = json.loads(stdout)
        problems = [
            f"{m['severity']} {m['ID']}: {m['message']} ({[ln.get('path') for ln in m.get('locations', [])]})"
            for m in report["messages"]
            if m["severity"] in ("FATAL", "ERROR", "WARNING")
        ]
        reports[path] = (report, problems)
    return reports


ACE = REPO / ".tools" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"


def ace_violations(epub: Path, report: Path) -> list[dict]:
    """Ace's violations for ``epub`` (rule, impact, file), from its JSON report."""
    import json

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not ACE.exists() or not Path(chromium).exists():
        pytest.fail(
            f"DAISY Ace or chromium is missing ({ACE}, {chromium}): run `make test` (scripts/setup.sh dev installs both)"
        )
    proc = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(report), str(epub)],
        env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    violations = []
    for document in data["assertions"]:
        for check in document.get("assertions", []):
            if check["earl:result"]["earl:outcome"] == "fail":
                violations.append(
                    {
                        "rule": check["earl:test"]["dct:title"],
                        "impact": check["earl:test"].get("earl:impact"),
                        "file": document["earl:testSubject"]["url"],
                    }
                )
    return violations


def without_shipped_interface(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build in this process as if refpub shipped no interface translation (refpub/locale/), as
    for a language it does not translate yet: a string the project leaves untranslated then falls
    back to the source language. Only for builds in this process, not for run_cli."""
    from refpub.i18n import catalogs

    monkeypatch.setattr(catalogs, "shipped_catalog_path", lambda lang: REPO / "tests" / "no-such-catalog.po")
