"""The build's skip logic is honest: every change reaches the outputs that show it, and only those.

Each test edits one kind of input (content, a catalog, a template, a setting, the clock) and
reads the rebuilt PDF back (pdftotext) to see the change, never trusting the build's own
report alone. No test measures time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from refpub.build import build
from refpub.building import manifest
from refpub.building.manifest import MANIFEST_NAME

from support import EPOCH, REPO, ROOTS, without_shipped_interface

WORD_JOINER = "\u2060"  # the handbook joins Japanese phrases with it


def pdftext(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace(WORD_JOINER, "").split())


def states(result) -> dict[str, str]:
    return {o.path.name: o.state for o in result.outputs}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch, epoch):
    """The `good` fixture plus a second handout that shows only ushiku-no-kai; built once.

    refpub's own code and packaged templates are digested as constants here, so that editing
    refpub while the suite runs does not rebuild everything (their digests are tested apart).
    """
    monkeypatch.setattr(manifest, "code_digest", lambda: "code")
    monkeypatch.setattr(manifest, "default_templates_digest", lambda: "templates")
    root = tmp_path / "good"
    shutil.copytree(ROOTS / "good", root)
    with (root / "content" / "publication.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: ushiku\n    title: Ushiku\n    pages: 1\n    organisations:\n      ids: [ushiku-no-kai]\n")
    first = build(root, only=["handbook", "handouts"], jobs=2)
    assert first.ok, [o.errors for o in first.outputs]
    assert set(states(first).values()) == {"built"}
    return root


def rebuild(root: Path, **kwargs):
    result = build(root, only=["handbook", "handouts"], jobs=2, **kwargs)
    assert result.ok, [o.errors for o in result.outputs]
    return result


def test_nothing_changed_nothing_rebuilt(project):
    out = project / "build"
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    result = rebuild(project)
    assert set(states(result).values()) == {"up to date"}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == before
    assert all(o.size > 0 and o.pages for o in result.outputs)


@pytest.mark.tools
def test_content_edit_reaches_only_the_outputs_that_show_it(project):
    replace_in(
        project / "content" / "organisations.yaml", "Helps detainees in Ushiku", "Visits detainees weekly in Ushiku"
    )
    result = rebuild(project)
    assert states(result) == {
        "handbook-en.pdf": "built",
        "handbook-ja.pdf": "built",
        "handout-help.pdf": "up to date",  # shows jar only
        "handout-ushiku.pdf": "built",
    }
    assert "Visits detainees weekly in Ushiku" in pdftext(project / "build" / "handbook-en.pdf")
    assert "Visits detainees weekly in Ushiku" in pdftext(project / "build" / "handout-ushiku.pdf")

    # Outputs found up to date stay known as such: a second edit still skips them.
    replace_in(project / "content" / "organisations.yaml", "Visits detainees weekly", "Visits detainees daily")
    result = rebuild(project)
    assert states(result)["handout-help.pdf"] == "up to date"
    assert "Visits detainees daily in Ushiku" in pdftext(project / "build" / "handout-ushiku.pdf")

    replace_in(project / "content" / "organisations.yaml", '"+81 3-0000-0000"', '"+81 3-1234-5678"')
    result = rebuild(project)
    assert states(result)["handout-help.pdf"] == "built"
    assert states(result)["handout-ushiku.pdf"] == "up to date"
    assert "+81 3-1234-5678" in pdftext(project / "build" / "handout-help.pdf")


@pytest.mark.tools
def test_catalog_edit_reaches_its_language_only(project):
    catalog = project / "locales" / "ja" / "LC_MESSAGES" / "content.po"
    replace_in(
        catalog, "難民が日本で安心して自立した生活を送れるよう支援しています。", "難民の自立した生活を支える団体です。"
    )
    result = rebuild(project)
    assert states(result) == {
        "handbook-en.pdf": "up to date",
        "handbook-ja.pdf": "built",
        "handout-help.pdf": "built",  # bilingual, shows jar
        "handout-ushiku.pdf": "up to date",  # the edited message is jar's
    }
    assert "難民の自立した生活を支える団体です。" in pdftext(project / "build" / "handbook-ja.pdf")
    assert "難民の自立した生活を支える団体です。" in pdftext(project / "build" / "handout-help.pdf")


def test_a_translator_s_comment_rebuilds_nothing(project):
    """Catalogs count as the build reads them: a comment or the order of entries shows nowhere."""
    catalog = project / "locales" / "ja" / "LC_MESSAGES" / "content.po"
    text = catalog.read_text(encoding="utf-8")
    first_entry = text.index("\nmsgctxt ")
    catalog.write_text(text[:first_entry] + "\n# reviewed by the café team" + text[first_entry:], encoding="utf-8")
    result = rebuild(project)
    assert set(states(result).values()) == {"up to date"}


def test_refpub_code_and_default_templates_are_inputs(tmp_path, monkeypatch):
    """A change of refpub itself (code, packaged templates, versions) changes every digest."""
    before = manifest.environment(tmp_path)
    monkeypatch.setattr(manifest, "code_digest", lambda: "other code")
    assert manifest.environment(tmp_path).digest != before.digest
    monkeypatch.undo()
    monkeypatch.setattr(manifest, "default_templates_digest", lambda: "other templates")
    assert manifest.environment(tmp_path).digest != before.digest


@pytest.mark.tools
def test_template_edit_reaches_the_outputs(project):
    from refpub.views.environment import default_templates_dir

    templates = project / "templates"
    templates.mkdir()
    text = (default_templates_dir() / "handbook.html").read_text(encoding="utf-8")
    marker = "Printed by the template test"
    assert "</body>" in text
    (templates / "handbook.html").write_text(text.replace("</body>", f"<p>{marker}</p></body>"), encoding="utf-8")
    result = rebuild(project)
    assert states(result)["handbook-en.pdf"] == "built"
    assert marker in pdftext(project / "build" / "handbook-en.pdf")


@pytest.mark.tools
def test_setting_edit_reaches_the_outputs(project):
    replace_in(project / "content" / "publication.yaml", "subtitle: A small fixture", "subtitle: A renamed fixture")
    result = rebuild(project)
    assert states(result)["handbook-en.pdf"] == "built"
    assert "A renamed fixture" in pdftext(project / "build" / "handbook-en.pdf")


def test_new_clock_rebuilds(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    assert set(states(rebuild(project)).values()) == {"built"}


def test_missing_or_replaced_output_is_rebuilt_and_force_rebuilds_all(project):
    out = project / "build"
    (out / "handbook-en.pdf").unlink()
    (out / "handout-help.pdf").write_bytes(b"not the build's file")
    result = rebuild(project)
    assert states(result) == {
        "handbook-en.pdf": "built",
        "handbook-ja.pdf": "up to date",
        "handout-help.pdf": "built",
        "handout-ushiku.pdf": "up to date",
    }
    assert (out / "handout-help.pdf").read_bytes().startswith(b"%PDF")
    assert set(states(rebuild(project, force=True)).values()) == {"built"}


def test_corrupt_manifest_means_a_full_rebuild(project):
    (project / "build" / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    assert set(states(rebuild(project)).values()) == {"built"}
    json.loads((project / "build" / MANIFEST_NAME).read_text(encoding="utf-8"))


def test_parallel_and_serial_builds_write_the_same_bytes(project, tmp_path):
    serial = build(project, out=tmp_path / "serial", only=["handbook", "handouts"], jobs=1)
    assert serial.ok
    for output in serial.outputs:
        assert output.path.read_bytes() == (project / "build" / output.path.name).read_bytes(), output.path.name


def test_noop_is_decided_without_heavy_imports(tmp_path):
    root = tmp_path / "good"
    shutil.copytree(ROOTS / "good", root)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    first = f"from refpub.build import build; assert build({str(root)!r}, only=['reader']).ok"
    subprocess.run([sys.executable, "-c", first], env=env, check=True, capture_output=True)
    second = (
        "import sys; from refpub.build import build; "
        f"r = build({str(root)!r}, only=['reader']); "
        "assert {o.state for o in r.outputs} == {'up to date'}, r.outputs; "
        "print(sorted(m for m in ('weasyprint', 'jinja2', 'babel', 'ebooklib', 'fontTools', 'lxml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", second], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]"


def test_cli_import_is_light():
    script = "import sys, refpub.cli; print(sorted(m for m in ('weasyprint', 'jinja2', 'babel', 'ebooklib', 'fontTools') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_benchmark_runs_at_its_smallest_size(tmp_path):
    results = tmp_path / "results.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--sizes",
            "12",
            "--repeat",
            "1",
            "--no-peers",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    size = json.loads(results.read_text(encoding="utf-8"))["sizes"]["12"]
    for key in (
        "cold_seconds",
        "noop_seconds",
        "edit_seconds",
        "peak_rss_mb",
        "weasyprint_seconds",
        "cold_speedup_vs_weasyprint",
    ):
        assert size[key] > 0, key
    assert "handbook-en.pdf" in size["edit_rebuilt"]
    assert len(size["edit_rebuilt"]) < len(size["outputs"])


def test_each_output_reports_only_its_own_missing_interface_strings(make_project, tmp_path, monkeypatch):
    """A handout rendered after a handbook in the same session (a worker renders several outputs)
    must not list the handbook's untranslated strings as its own."""
    from refpub.build import _build_one, exporters, plan
    from refpub.building.loading import load_project
    from refpub.export.base import RenderSession

    without_shipped_interface(monkeypatch)  # and no Japanese interface catalog: every string falls back
    project = load_project(make_project("good"))
    session = RenderSession(project)
    registry = exporters()
    targets = {t.filename: t for t in plan(project.content)}
    _build_one(registry["handbook"], targets["handbook-ja.pdf"], session, tmp_path)
    handout = _build_one(registry["handouts"], targets["handout-help.pdf"], session, tmp_path)
    (warning,) = [w for w in handout.errors if "interface string(s)" in w]
    assert '"Contents"' not in warning
    assert "Organisations by service" not in warning
    assert '"Who can help"' in warning or '"Edition of %(date)s"' in warning


def test_build_is_called_from_the_package_root(make_project):
    """`refpub.build(path)`, as WeasyPrint offers `weasyprint.HTML`; the module stays importable."""
    import refpub
    from refpub.build import plan  # the module behind it

    root = make_project("good")
    result = refpub.build(root, only=["citations"])
    assert isinstance(result, refpub.BuildResult)
    assert result.ok
    assert {o.path.name for o in result.built} == {"readings.csl.json", "readings.ris", "readings.bib"}
    assert callable(plan)


def test_every_runtime_dependency_is_an_input():
    """The packages whose versions reach the outputs are read from refpub's own metadata, so
    none is left out by a hand-kept list (pikepdf joins the handbook, uharfbuzz subsets its
    fonts, PyICU breaks Burmese lines; WeasyPrint's own dependencies count too)."""
    names = {line.split("-", 1)[0] for line in manifest._dependency_versions().splitlines()}
    assert {"weasyprint", "pikepdf", "uharfbuzz", "pyicu_wheels", "pydyf", "pillow", "babel", "jinja2"} <= names
    assert not {"pytest", "hypothesis", "ruff", "mypy", "refpub"} & names  # test tools change no output


def test_upgrading_pikepdf_rebuilds_every_pdf(tmp_path, monkeypatch, epoch):
    monkeypatch.setattr(manifest, "code_digest", lambda: manifest._dependency_versions())
    monkeypatch.setattr(manifest, "default_templates_digest", lambda: "templates")
    root = tmp_path / "good"
    shutil.copytree(ROOTS / "good", root)
    assert set(states(build(root, only=["handbook", "handouts"], jobs=2)).values()) == {"built"}
    assert set(states(build(root, only=["handbook", "handouts"], jobs=2)).values()) == {"up to date"}

    installed = manifest._installed_distributions()
    upgraded = tmp_path / "site-packages" / "pikepdf-99.0.dist-info"
    shutil.copytree(installed["pikepdf"], upgraded)
    monkeypatch.setattr(manifest, "_installed_distributions", lambda: {**installed, "pikepdf": upgraded})
    result = build(root, only=["handbook", "handouts"], jobs=2)
    assert {name for name, state in states(result).items() if name.endswith(".pdf")} == set(states(result))
    assert set(states(result).values()) == {"built"}
