"""veraPDF, the validator the PDF/UA world trusts, on every PDF refpub makes: both handbooks and
every handout of the repository, and every handbook and handout of every test publication that
builds (tests/roots/: right to left, complex scripts, the café handout, Easy Japanese, hostile
text), with its PDF/UA-1 profile: 0 failed rules.

veraPDF is a Java application from Maven Central, installed by ``scripts/setup.sh dev`` at the
version pinned in scripts/verapdf/verapdf.txt. It is started once per test session for all the
PDFs (one JVM: a few seconds), with a deliberately broken copy among them to show that a failure
is seen. A missing veraPDF or Java fails these tests: they never skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from .conftest import GROUP
from support import REPO

TOOL = REPO / ".tools" / "verapdf"
JAR = TOOL / "verapdf.jar"
PINNED = REPO / "scripts" / "verapdf" / "verapdf.txt"
# The publications built: the repository's own, and every test root that builds (right to left,
# complex scripts, the café handout, Easy Japanese with ruby, hostile text that still builds).
SOURCES: dict[str, str | None] = {
    "repository": None,
    **{
        root: root
        for root in (
            "rtl",
            "scripts",
            "good",
            "handout-basic",
            "handout-cafe",
            "handout-ja-my",
            "easy-japanese",
            "hostile-inject",
            "hostile-rtl",
        )
    },
}
BROKEN = "broken-no-lang.pdf"
pytestmark = [GROUP, pytest.mark.slow, pytest.mark.tools]  # the repository's PDFs, veraPDF and Java


def verapdf_command() -> list[str]:
    """How to start veraPDF's command line; fails (never skips) when it is not installed."""
    java = shutil.which("java")
    assert java, "Java is not installed: run scripts/setup.sh dev"
    assert JAR.is_file(), f"veraPDF is not installed at {JAR.relative_to(REPO)}: run scripts/setup.sh dev"
    assert (TOOL / "verapdf.txt").read_text() == PINNED.read_text(), (
        "the installed veraPDF is not the version in scripts/verapdf/verapdf.txt: run scripts/setup.sh dev"
    )
    return [java, "-cp", str(JAR), "org.verapdf.apps.GreenfieldCliWrapper"]


def _failed_rules(report: dict) -> dict[str, list[str]]:
    """PDF path -> one line per failed rule (clause-test: description; first failing objects)."""
    failed: dict[str, list[str]] = {}
    for job in report["report"]["jobs"]:
        name = job["itemDetails"]["name"]
        results = job.get("validationResult")
        if not results:
            failed[name] = [f"not validated: {job.get('taskException') or job}"]
            continue
        for result in results if isinstance(results, list) else [results]:
            lines = failed.setdefault(name, [])
            for rule in result["details"]["ruleSummaries"]:
                if rule["status"] != "failed":
                    continue
                where = "; ".join(
                    f"{check.get('context', '')} {check.get('errorMessage', '')}".strip()
                    for check in rule["checks"][:2]
                )
                lines.append(
                    f"{rule['clause']}-{rule['testNumber']} ({rule['failedChecks']} checks): {rule['description']} [{where}]"
                )
    return failed


@pytest.fixture(scope="session")
def verapdf_results(tmp_path_factory, repository_pdfs, shared_builds) -> dict[str, dict[str, list[str]]]:
    """source -> {PDF name -> failed rules}, from one veraPDF run over every PDF."""
    command = verapdf_command()
    base = tmp_path_factory.mktemp("verapdf")
    pdfs: dict[str, list[Path]] = {"repository": sorted(repository_pdfs.glob("*.pdf"))}
    for source, root in SOURCES.items():
        if root is not None:
            pdfs[source] = sorted(shared_builds(root, only=("handbook", "handouts")).out.glob("*.pdf"))
    # A copy of a handout without its document language, which PDF/UA-1 (7.2) requires.
    broken = base / BROKEN
    with pikepdf.open(pdfs["repository"][-1]) as pdf:
        del pdf.Root.Lang
        pdf.save(broken)
    every = [path for paths in pdfs.values() for path in paths] + [broken]
    result = subprocess.run(
        [*command, "--flavour", "ua1", "--format", "json", "--maxfailuresdisplayed", "2", *map(str, every)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    # veraPDF exits 1 when some file is not compliant; anything else is a failure to run
    assert result.returncode in (0, 1), result.stderr[-2000:]
    failed = _failed_rules(json.loads(result.stdout))
    by_source: dict[str, dict[str, list[str]]] = {}
    for source, paths in [*pdfs.items(), ("broken", [broken])]:
        by_source[source] = {path.name: failed.get(str(path), ["not in veraPDF's report"]) for path in paths}
    return by_source


def test_verapdf_passes_every_pdf(verapdf_results):
    built = {source: sorted(results) for source, results in verapdf_results.items()}
    # every handbook and handout of the repository, and the test roots' right-to-left and
    # complex-script publications
    assert {"handbook-en.pdf", "handbook-ja.pdf"} <= set(built["repository"])
    assert sum(name.startswith("handout-") for name in built["repository"]) >= 2
    assert {"handbook-ar.pdf", "handout-help-ja-ar.pdf"} <= set(built["rtl"])
    assert {"handbook-my.pdf", "handbook-km.pdf", "handout-help-my-ur.pdf"} <= set(built["scripts"])
    failures = [
        f"{source}/{name}: {line}"
        for source, results in verapdf_results.items()
        if source != "broken"
        for name, lines in results.items()
        for line in lines
    ]
    assert not failures, "veraPDF (PDF/UA-1) failed rules:\n" + "\n".join(failures)


def test_verapdf_sees_a_broken_pdf(verapdf_results):
    # the same run finds the missing document language: its report is read, not ignored
    (lines,) = verapdf_results["broken"].values()
    assert any(line.startswith("7.2-") for line in lines), lines
