"""The part cache (pdf/partcache.py) never serves a stale page.

A handbook of 60 readings and 14 organisations is laid out in parts of 7 entries (about a dozen
parts). After each kind of edit (an entry in the middle of the book, one that adds a page, a
stylesheet, a translated string), the rebuild that takes unchanged parts from the cache must
give the same bytes as a cold build of the edited project into an empty folder, while laying
out only a few parts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_book import _organisation, _reading

import refpub.export.handbook as handbook
from refpub.build import build
from refpub.pdf.partcache import CACHE_DIR, prune


@pytest.fixture
def project(tmp_path, monkeypatch, epoch):
    root = tmp_path / "book"
    shutil.copytree(Path(__file__).parent.parent / "roots" / "good", root)
    (root / "content/readings.yaml").write_text("".join(_reading(i) for i in range(60)), encoding="utf-8")
    orgs = root / "content/organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + "".join(_organisation(i) for i in range(12)), encoding="utf-8")
    po = root / "locales/ja/LC_MESSAGES/content.po"
    po.write_text(
        po.read_text(encoding="utf-8")
        + '\nmsgctxt "reading:r030:title"\nmsgid "Reading number 30 about language"\nmsgstr "住居についての文献 30"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(handbook, "PART_BUDGET", 7)
    return root


def _build(root: Path, out: Path, lang: str = "en", jobs: int = 1) -> tuple[bytes, int, int]:
    """(the handbook's bytes, parts laid out, parts taken from the cache)."""
    result = build(root, out=out, only=["handbook"], langs=[lang], jobs=jobs, force=True)
    assert result.ok, [o.errors for o in result.outputs]
    [output] = result.outputs
    note = next(n for n in output.notes if "parts laid out" in n)
    laid, reused = map(int, re.search(r"(\d+) parts laid out, (\d+) taken from the cache", note).groups())
    return output.path.read_bytes(), laid, reused


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rebuild_equals_cold(root: Path, lang: str = "en") -> tuple[int, int]:
    warm, laid, reused = _build(root, root / "build", lang)
    cold_out = root / "cold"
    shutil.rmtree(cold_out, ignore_errors=True)
    cold, cold_laid, cold_reused = _build(root, cold_out, lang)
    assert cold_reused == 0
    assert cold_laid == laid + reused
    assert warm == cold, "the rebuild from the cache differs from a cold build"
    return laid, reused


def test_a_rebuild_without_changes_takes_every_part_from_the_cache(project):
    first, laid, reused = _build(project, project / "build")
    assert reused == 0
    assert laid >= 12
    again, laid_again, reused_again = _build(project, project / "build")
    assert again == first
    assert laid_again == 0
    assert reused_again == laid


def test_editing_an_entry_in_the_middle_lays_out_its_part_only(project):
    _build(project, project / "build")
    _edit(project / "content/readings.yaml", "Reading number 30 about", "Reading number thirty (edited) about")
    laid, reused = _rebuild_equals_cold(project)
    # its part, and the contents and the index, which print its title; the furniture's running
    # heads are unchanged
    assert laid <= 3, (laid, reused)
    assert reused >= 9, (laid, reused)


def _in_chapters(root: Path, chapters: int = 6, per_chapter: int = 10) -> None:
    """The readings in ``chapters`` sections of ``per_chapter`` each: every part is a chapter."""
    readings = root / "content/readings.yaml"
    text = re.sub(r"\n  section: (general|detention)", "", readings.read_text(encoding="utf-8"))
    names = ["general"] + [f"s{n}" for n in range(1, chapters)]  # a handout lists "general"
    for i in range(60):
        text = text.replace(f"- id: r{i:03d}\n", f"- id: r{i:03d}\n  section: {names[i // per_chapter]}\n", 1)
    readings.write_text(text, encoding="utf-8")
    sections = "".join(f"  - id: {name}\n    title: Chapter {n}\n" for n, name in enumerate(names))
    publication = root / "content/publication.yaml"
    publication.write_text(
        re.sub(r"sections:\n(  .*\n)+?(?=topics:)", "sections:\n" + sections, publication.read_text(encoding="utf-8")),
        encoding="utf-8",
    )


def test_an_edit_that_moves_the_pages_after_it_reuses_the_later_parts(project, monkeypatch):
    _in_chapters(project)
    monkeypatch.setattr(handbook, "PART_BUDGET", 12)  # a part per chapter
    _, laid, _ = _build(project, project / "build")
    assert laid >= 6 + 3
    longer = " ".join(["A much longer summary that takes more room on the page."] * 40)
    _edit(
        project / "content/readings.yaml",
        "- id: r012\n  section: s1\n  title:",
        "- id: r012\n  section: s1\n  title: X",
    )
    _edit(
        project / "content/readings.yaml",
        "- id: r013\n  section: s1\n",
        f"- id: r013\n  section: s1\n  note: {longer}\n",
    )
    laid, reused = _rebuild_equals_cold(project)
    # the edited chapter's part, the contents and the index (they print page numbers that
    # moved) and the furniture (the page count changed); the chapters before and after it
    # are taken from the cache, their pages only moved
    assert laid <= 4, (laid, reused)
    assert reused >= 7, (laid, reused)


def test_a_stylesheet_edit_lays_out_every_part_again(project):
    (project / "templates").mkdir()
    css = project / "templates/extra.css"
    css.write_text("article h3 { color: #123456; }\n", encoding="utf-8")
    (project / "templates/handbook.html").write_text(
        '{% extends "!handbook.html" %}{% block head_extra %}'
        '<link rel="stylesheet" href="templates/extra.css">{% endblock %}\n',
        encoding="utf-8",
    )
    _build(project, project / "build")
    css.write_text("article h3 { color: #654321; letter-spacing: 0.2em; }\n", encoding="utf-8")
    laid, reused = _rebuild_equals_cold(project)
    assert reused <= 1, (laid, reused)  # at most the furniture, which has no article


def test_a_translation_edit_rebuilds_the_part_that_prints_it(project):
    _build(project, project / "build", "ja")
    _edit(project / "locales/ja/LC_MESSAGES/content.po", "住居についての文献 30", "住居に関する文献（三十）")
    laid, reused = _rebuild_equals_cold(project, "ja")
    assert 1 <= laid <= 3, (laid, reused)
    assert reused >= 9, (laid, reused)


def test_a_damaged_or_deleted_cache_is_a_miss(project):
    first, laid, _ = _build(project, project / "build")
    cache = project / "build" / CACHE_DIR
    pdfs = sorted(cache.glob("parts/*/*.pdf"))
    pdfs[0].write_bytes(pdfs[0].read_bytes()[:100])  # cut short
    for font in cache.glob("fonts/*.font"):
        font.write_bytes(b"not a font")  # a part whose font is damaged cannot be merged: a miss
        break
    again, laid_again, _reused_again = _build(project, project / "build")
    assert again == first
    assert laid_again >= 1
    shutil.rmtree(cache)
    fresh, laid_fresh, reused_fresh = _build(project, project / "build")
    assert fresh == first
    assert reused_fresh == 0
    assert laid_fresh == laid


def test_prune_keeps_the_cache_bounded_and_the_last_build(project):
    import os
    import time

    _build(project, project / "build")
    cache = project / "build" / CACHE_DIR
    old = sorted(cache.glob("parts/*/*.json"))
    for record in old:  # as if used long ago
        os.utime(record, (time.time() - 3600, time.time() - 3600))
    _edit(project / "content/readings.yaml", "Reading number 30 about", "Reading number thirty about")
    started = time.time()
    _build(project, project / "build")
    kept_before = set(cache.glob("parts/*/*.json"))
    removed = prune(cache, limit=0, since=started - 1)
    kept = set(cache.glob("parts/*/*.json"))
    assert removed >= 1
    assert kept < kept_before
    # what the last build used is still there: a rebuild lays out nothing
    _, laid, reused = _build(project, project / "build")
    assert laid == 0
    assert reused >= 12
    assert all(p.with_suffix(".pdf").exists() for p in kept)
    sources = {p.stem for p in cache.glob("fonts/*.font")}
    assert sources  # the fonts of the kept parts stay


def test_parts_laid_out_in_two_processes_give_the_same_bytes(project, monkeypatch):
    _in_chapters(project)
    monkeypatch.setattr(handbook, "PART_BUDGET", 12)
    serial, laid, _ = _build(project, project / "serial", jobs=1)
    parallel, laid_parallel, reused = _build(project, project / "parallel", jobs=2)
    assert parallel == serial
    assert laid_parallel == laid
    assert reused == 0
    # and with a cut chapter (the organisations, 14 in parts of 12)
    assert (project / "parallel" / CACHE_DIR / "fonts").is_dir()
