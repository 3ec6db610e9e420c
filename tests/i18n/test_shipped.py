"""refpub's interface translations ship inside the package (refpub/locale/<lang>/LC_MESSAGES/
messages.po): a new project's messages.po starts from them (`refpub init`, `refpub i18n init`),
and the scaffold holds no copy of its own to drift from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from refpub.i18n.catalogs import read_messages, shipped_catalog_path, shipped_languages

from support import EPOCH, run_cli

REPO = Path(__file__).resolve().parent.parent.parent
PLAIN = {"CI": "true", "SOURCE_DATE_EPOCH": EPOCH}


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
    assert pages
    assert len(english) > 30
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
    # Each keeps refpub's "needs review" mark (they are machine-assisted): `i18n status` counts them.
    with (new_project / "locales/ar/LC_MESSAGES/messages.po").open("rb") as po:
        marked = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0])
            for m in read_po(po)
            if m.id and any("needs review" in c for c in m.user_comments)
        }
    assert set(expected) <= marked


# ------------------------------------------------------------------ a project overrides per message

OWN_CATALOG = """msgid ""
msgstr ""
"Language: ja\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Contents"
msgstr "もくじ"

msgid "Organisations by service"
msgstr ""

#, fuzzy
msgid "Search"
msgstr "さがす"

msgid "A string refpub does not have"
msgstr ""
"""


def _own_japanese(root: Path) -> None:
    """Give the project a messages.po of its own: one translation of its own, one left empty,
    one fuzzy; every other interface string is missing from it."""
    path = root / "locales/ja/LC_MESSAGES/messages.po"
    path.write_text(OWN_CATALOG, encoding="utf-8")


def test_a_project_catalog_overrides_refpubs_message_by_message(make_project):
    from refpub.i18n.catalogs import load_translations

    root = make_project("good")
    _own_japanese(root)
    shipped = _translated(shipped_catalog_path("ja"))
    ja = load_translations(root, "ja", "en")
    assert ja.gettext("Contents") == "もくじ"  # the project's own translation wins
    assert ja.gettext("Organisations by service") == shipped[(None, "Organisations by service")]  # empty: refpub's
    assert ja.gettext("Search") == shipped[(None, "Search")]  # fuzzy: refpub's, not the unreviewed one
    assert ja.gettext("Guide") == shipped[(None, "Guide")]  # missing from the project's catalog: refpub's
    assert not ja.missing_messages
    assert ja.gettext("A string refpub does not have") == "A string refpub does not have"  # nobody's: English
    assert ja.missing_messages == {"A string refpub does not have"}


def test_a_build_shows_the_projects_translation_over_refpubs(make_project):
    root = make_project("good")
    _own_japanese(root)
    built = run_cli("build", str(root), "--lang", "ja", "--only", "web", env=PLAIN)
    assert built.returncode == 0, built.stderr
    home = (root / "build/web/ja/index.html").read_text(encoding="utf-8")
    assert "もくじ" in home
    assert "目次" not in home
    assert ">検索<" in home or "検索" in home  # refpub's for the fuzzy one
    assert not re.search(r">\s*(Contents|Search)\s*<", home)


def test_strict_check_counts_refpubs_translation_as_translated(make_project):
    """A project without a Japanese messages.po: its interface is refpub's Japanese, so `refpub
    check --strict` finds no interface string the printed outputs would show in English."""
    root = make_project("good")
    assert not (root / "locales/ja/LC_MESSAGES/messages.po").exists()
    check = run_cli("check", "--strict", str(root), env=PLAIN)
    would_print = [line for line in check.stderr.splitlines() if "would print" in line]
    # What is left is the fixture's untranslated content (its handout's heading comes from
    # content/publication.yaml), never an interface string or the messages catalog.
    assert would_print
    assert all("LC_MESSAGES/messages.po" not in line for line in check.stderr.splitlines())
    from refpub.building.loading import load_project
    from refpub.export.base import RenderSession
    from refpub.export.untranslated import UI, _shown

    shown = {(name, lang): keys for name, lang, keys in _shown(RenderSession(load_project(root)))}
    assert shown
    assert all(not key.startswith(UI) for keys in shown.values() for key in keys)


def test_a_partial_project_catalog_is_not_out_of_date(make_project):
    """A project's messages.po that translates a few strings of its own is complete: every other
    string is refpub's, so `refpub i18n check` does not ask to update it."""
    from refpub.diagnostics import Reporter
    from refpub.i18n.checks import check_catalogs
    from refpub.i18n.workflow import extract

    root = make_project("good")
    extract(root, Reporter())
    _own_japanese(root)
    reporter = Reporter()
    check_catalogs(root, ("en", "ja"), "en", reporter)
    messages = [str(d) for d in reporter.diagnostics if "messages.po" in str(d)]
    assert not [line for line in messages if "not in this catalog yet" in line], messages
