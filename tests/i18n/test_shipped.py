"""refpub's interface translations ship inside the package (refpub/locale/<lang>/LC_MESSAGES/
messages.po): a new project's messages.po starts from them (`refpub init`, `refpub i18n init`),
and the scaffold holds no copy of its own to drift from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from refpub.i18n.catalogs import read_messages, shipped_catalog_path, shipped_languages

from support import run_cli

REPO = Path(__file__).resolve().parent.parent.parent
PLAIN = {"CI": "true", "SOURCE_DATE_EPOCH": "1767225600"}


def _translated(path: Path) -> dict:
    return read_messages(path, path.parent.parent.name)


@pytest.fixture(scope="module")
def new_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("new") / "cafe"
    created = run_cli("init", str(root), env=PLAIN)
    assert created.returncode == 0, created.stderr
    return root


def test_refpub_ships_the_interface_in_the_repositorys_languages():
    assert set(shipped_languages()) >= {"ja", "ar", "my", "ne"}


@pytest.mark.parametrize("lang", ["ja", "ar", "my", "ne"])
def test_the_shipped_catalog_has_the_repositorys_translations(lang):
    """The repository's catalogs are where refpub's interface is translated; the shipped copy
    carries each of their translations (after an edit there: copy the file to src/refpub/locale/)."""
    own = REPO / "locales" / lang / "LC_MESSAGES" / "messages.po"
    assert _translated(shipped_catalog_path(lang)) == _translated(own)


def test_init_starts_the_interface_from_the_shipped_translations(new_project):
    own = _translated(new_project / "locales/ja/LC_MESSAGES/messages.po")
    shipped = _translated(shipped_catalog_path("ja"))
    with (new_project / "locales/messages.pot").open("rb") as pot:
        wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(pot) if m.id}
    assert own == {key: value for key, value in shipped.items() if key in wanted}
    assert len(own) == len(wanted)  # every interface string of a new project is in Japanese


def test_a_new_project_in_japanese_shows_no_english_interface_string(new_project):
    built = run_cli("build", str(new_project), "--lang", "ja", "--only", "web", env=PLAIN)
    assert built.returncode == 0, built.stderr
    assert "fell back" not in built.stderr
    with (new_project / "locales/messages.pot").open("rb") as pot:
        english = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    english = {text for text in english if re.search(r"[A-Za-z]{3}", text) and "%" not in text}
    pages = sorted((new_project / "build/web/ja").rglob("*.html"))
    assert pages and len(english) > 30
    japanese = {value for value in _translated(shipped_catalog_path("ja")).values() if isinstance(value, str)}
    seen = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        texts = {t.strip() for t in re.split(r"<[^>]*>", html)} | set(
            re.findall(r'(?:aria-label|title|alt)="([^"]*)"', html)
        )
        assert texts.isdisjoint(english), (page, sorted(texts & english))
        seen |= texts & japanese
    assert len(seen) > 10  # the pages do show refpub's Japanese interface


def test_i18n_init_starts_from_the_shipped_translations(new_project):
    started = run_cli("i18n", "init", "ar", cwd=new_project, env=PLAIN)
    assert started.returncode == 0, started.stderr
    ar = _translated(new_project / "locales/ar/LC_MESSAGES/messages.po")
    shipped = _translated(shipped_catalog_path("ar"))
    with (new_project / "locales/messages.pot").open("rb") as pot:
        wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(pot) if m.id}
    expected = {key: value for key, value in shipped.items() if key in wanted}
    assert len(expected) >= 40
    assert {key: ar[key] for key in expected} == expected
