"""Catalogs written by refpub are accepted by GNU msgfmt --check."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from refpub.diagnostics import Reporter
from refpub.i18n.catalogs import catalog_path
from refpub.i18n.pofile import read_po, write_po
from refpub.i18n.workflow import compile_catalogs, extract, update

from support import REPO, require_tool

pytestmark = pytest.mark.tools  # GNU gettext's msgfmt


def _msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [require_tool("msgfmt", "GNU gettext"), "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )


def test_written_catalogs_pass_msgfmt_check(project):
    reporter = Reporter()
    extract(project, reporter)
    update(project, reporter)
    # a translation, a fuzzy one with a previous msgid, and an obsolete one
    path = catalog_path(project, "ja", "content")
    po = read_po(path)
    for m in po.messages:
        m.string = "翻訳" if m.context.startswith("reading") else m.string
    write_po(path, po)
    text = (project / "content" / "readings.yaml").read_text(encoding="utf-8")
    (project / "content" / "readings.yaml").write_text(text.replace("and what", "and also what"), encoding="utf-8")
    extract(project, reporter)
    update(project, reporter)
    assert not reporter.has_errors
    assert "#| msgid" in path.read_text(encoding="utf-8")
    for p in [*(project / "locales").glob("*.pot"), *(project / "locales").rglob("*.po")]:
        result = _msgfmt_check(p)
        assert result.returncode == 0, (p, result.stderr)


def test_compile_writes_mo(project):
    import gettext

    reporter = Reporter()
    extract(project, reporter)
    update(project, reporter)
    compile_catalogs(project, reporter)
    assert not reporter.has_errors
    with catalog_path(project, "ja", "content").with_suffix(".mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    assert mo.pgettext("organisation:ushiku-no-kai:name", "Ushiku no Kai") == "牛久の会"
    assert mo.pgettext("organisation:legal-aid:name", "Legal Aid Group") == "Legal Aid Group"


def test_repository_catalogs_pass_msgfmt_check():
    catalogs = [*(REPO / "locales").glob("*.pot"), *(REPO / "locales").rglob("*.po")]
    for p in catalogs:
        result = _msgfmt_check(p)
        assert result.returncode == 0, (p, result.stderr)
