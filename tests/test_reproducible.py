"""Reproducible outputs (issue 8): with SOURCE_DATE_EPOCH set, two builds of every output, from
different working directories and project paths, are byte-identical; without it, the dates
are the build's date."""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.dates import format_date

from refpub.build import exporters

from support import EPOCH, ROOTS, run_cli

pytestmark = pytest.mark.slow  # every output built twice


def _build(root: Path, cwd: Path, epoch: str | None, *args: str) -> subprocess.CompletedProcess:
    """`refpub build` with SOURCE_DATE_EPOCH set to ``epoch``, or unset."""
    return run_cli("build", os.path.relpath(root, cwd), "-q", *args, cwd=cwd, env={"SOURCE_DATE_EPOCH": epoch})


def _outputs(out: Path) -> dict[str, bytes]:
    # Every file, also those of folder outputs (web/en/index.html, hsds/..., ...).
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.relative_to(out).as_posix().startswith(".")
    }


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The good fixture built twice, at two different paths, from two different directories."""
    results = []
    for n, (place, cwd_name) in enumerate((("a/deeply/nested/place", "cwd-one"), ("b", "cwd-two"))):
        base = tmp_path_factory.mktemp(f"repro{n}")
        root = base / place / "project"
        shutil.copytree(ROOTS / "good", root)
        cwd = base / cwd_name
        cwd.mkdir()
        proc = _build(root, cwd, EPOCH)
        assert proc.returncode == 0, proc.stderr
        results.append(_outputs(root / "build"))
    return results


def test_every_output_kind_is_built(two_builds):
    first, _ = two_builds
    kinds = set(exporters())
    assert any(name.startswith("handbook-") for name in first)
    if "reader" in kinds:
        assert any(name.startswith("reader-") for name in first)
    if "handouts" in kinds:
        assert any(name.startswith("handout-") for name in first)
    if "web" in kinds:
        assert "web/ja/org/ushiku-no-kai/index.html" in first
    if "citations" in kinds:
        assert {"readings.csl.json", "readings.ris", "readings.bib"} <= set(first)
    if "hsds" in kinds:
        assert {"hsds/datapackage.json", "hsds/organizations.csv"} <= set(first)


def test_same_source_date_gives_byte_identical_outputs(two_builds):
    first, second = two_builds
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_outputs_do_not_contain_the_build_path(two_builds, tmp_path_factory):
    first, _ = two_builds
    base = str(tmp_path_factory.getbasetemp()).encode()
    for name, data in first.items():
        assert base not in data, name
        if name.endswith(".epub"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for entry in z.infolist():
                    assert base not in z.read(entry), f"{name}:{entry.filename}"


def _pdf_dates(data: bytes) -> set[str]:
    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(data)).metadata or {}
    return {str(info.get(key))[2:10] for key in ("/CreationDate", "/ModDate") if info.get(key)}


def test_pdf_dates_follow_source_date_epoch(two_builds):
    first, _ = two_builds
    for name, data in first.items():
        if name.endswith(".pdf"):
            assert _pdf_dates(data) <= {"20260101"}, name


def test_epub_modified_and_zip_times_follow_source_date_epoch(two_builds):
    first, _ = two_builds
    for name, data in first.items():
        if not name.endswith(".epub"):
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert {info.date_time for info in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
            opf = next(z.read(n) for n in z.namelist() if n.endswith(".opf")).decode()
        assert re.search(r'property="dcterms:modified">2026-01-01T00:00:00Z<', opf), name


def test_without_source_date_epoch_the_date_is_the_build_date(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "good", root)
    # Without an edition, the edition printed on the cover is the build date too.
    pub = root / "content" / "publication.yaml"
    pub.write_text(re.sub(r"^edition: .*\n", "", pub.read_text(), flags=re.M))
    before = _dt.datetime.now(_dt.timezone.utc).date()
    proc = _build(root, tmp_path, None, "--lang", "en")
    after = _dt.datetime.now(_dt.timezone.utc).date()
    assert proc.returncode == 0, proc.stderr
    today = {d.strftime("%Y%m%d") for d in (before, after)}
    handbook = (root / "build" / "handbook-en.pdf").read_bytes()
    dates = _pdf_dates(handbook)
    assert dates
    assert dates <= today
    text = subprocess.run(
        ["pdftotext", str(root / "build" / "handbook-en.pdf"), "-"], capture_output=True, text=True
    ).stdout
    printed = {f"Edition of {format_date(d, 'long', locale='en')}" for d in (before, after)}  # CLDR via Babel
    assert any(p in text for p in printed), text[:300]
    with zipfile.ZipFile(root / "build" / "reader-en.epub") as z:
        opf = next(z.read(n) for n in z.namelist() if n.endswith(".opf")).decode()
        stamps = {info.date_time[:3] for info in z.infolist()}
    assert any(f'dcterms:modified">{d.isoformat()}T' in opf for d in (before, after))
    assert stamps <= {(d.year, d.month, d.day) for d in (before, after)}


def test_source_date_epoch_sets_the_edition_when_none_is_given(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "good", root)
    pub = root / "content" / "publication.yaml"
    pub.write_text(re.sub(r"^edition: .*\n", "", pub.read_text(), flags=re.M))
    proc = _build(root, tmp_path, EPOCH, "--only", "handbook", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(
        ["pdftotext", str(root / "build" / "handbook-en.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Edition of January 1, 2026" in text
