"""update: keeps translations, fuzzies changed strings with the previous msgid, keeps obsolete."""

from __future__ import annotations

from pathlib import Path

from babel.messages.plurals import get_plural

from refpub.diagnostics import Reporter
from refpub.i18n.catalogs import catalog_path
from refpub.i18n.pofile import read_po, render_po, write_po
from refpub.i18n.workflow import extract, update

SUMMARY_CTX = "reading:first-reading:summary"
OLD_SUMMARY = "How a refugee status application is examined, and what provisional release means."


def _catalog(root: Path):
    return read_po(catalog_path(root, "ja", "content"))


def _translate(root: Path, translations: dict[str, str], comment: str | None = None) -> None:
    path = catalog_path(root, "ja", "content")
    po = read_po(path)
    for m in po.messages:
        if m.context in translations:
            m.string = translations[m.context]
            if comment:
                m.user_comments = [comment]
    write_po(path, po)


def _edit(root: Path, old: str, new: str, file: str = "content/readings.yaml") -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _extract_update(root: Path) -> None:
    reporter = Reporter()
    extract(root, reporter)
    update(root, reporter)
    assert not reporter.has_errors, reporter.sorted()


def test_update_creates_catalogs_with_own_names(project):
    _extract_update(project)
    po = _catalog(project)
    assert po.header_value("Language") == "ja"
    assert po.header_value("Plural-Forms") == get_plural("ja").plural_forms
    names = {m.context: m for m in po.messages}
    own = names["organisation:ushiku-no-kai:name"]
    assert own.string == "牛久の会"
    assert not own.fuzzy
    assert names["organisation:legal-aid:name"].string == ""
    assert catalog_path(project, "ja", "messages").is_file()


def test_update_keeps_translations_and_fuzzies_a_changed_string(project):
    _extract_update(project)
    _translate(
        project,
        {
            SUMMARY_CTX: "難民認定申請の審査の仕方と、仮放免の意味。",
            "reading:first-reading:title": "日本における難民認定申請",
        },
        comment="machine-translated: needs review",
    )
    _edit(project, "and what provisional release means.", "and what provisional release means today.")
    _extract_update(project)

    by_ctx = {m.context: m for m in _catalog(project).messages}
    title = by_ctx["reading:first-reading:title"]
    assert title.string == "日本における難民認定申請"
    assert not title.fuzzy
    assert title.user_comments == ["machine-translated: needs review"]
    summary = by_ctx[SUMMARY_CTX]
    assert summary.id.endswith("means today.")
    assert summary.fuzzy
    assert summary.string == "難民認定申請の審査の仕方と、仮放免の意味。"
    assert summary.previous_id == [OLD_SUMMARY]
    text = catalog_path(project, "ja", "content").read_text(encoding="utf-8")
    assert '#| msgid ""' in text or f'#| msgid "{OLD_SUMMARY}"' in text


def test_removed_entry_becomes_obsolete_and_comes_back(project):
    _extract_update(project)
    _translate(project, {"section:general:description": "ここから始めましょう。"})
    _edit(project, "    description: Where to start.\n", "", "content/publication.yaml")
    _extract_update(project)
    po = _catalog(project)
    assert "section:general:description" not in {m.context for m in po.messages}
    assert [(m.context, m.string) for m in po.obsolete] == [("section:general:description", "ここから始めましょう。")]
    assert '#~ msgctxt "section:general:description"' in render_po(po)

    _edit(
        project,
        "    title: Key readings\n",
        "    title: Key readings\n    description: Where to start.\n",
        "content/publication.yaml",
    )
    _extract_update(project)
    po = _catalog(project)
    revived = {m.context: m for m in po.messages}["section:general:description"]
    assert revived.string == "ここから始めましょう。"
    assert not revived.fuzzy
    assert po.obsolete == []


def test_a_similar_string_of_another_entry_is_not_borrowed(project):
    _extract_update(project)
    _translate(project, {"organisation:legal-aid:description": "難民申請者のための無料の法律相談。"})
    # a new entry whose text is close to another entry's: its translation must not be guessed
    path = project / "content" / "organisations.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + (
            "- id: legal-aid-two\n  name: Legal Aid Two\n"
            "  description: Free legal advice for asylum seekers!\n  services: [legal]\n"
        ),
        encoding="utf-8",
    )
    _extract_update(project)
    by_ctx = {m.context: m for m in _catalog(project).messages}
    assert by_ctx["organisation:legal-aid-two:description"].string == ""
    assert by_ctx["organisation:legal-aid:description"].string == "難民申請者のための無料の法律相談。"


def test_update_twice_changes_nothing(project):
    _extract_update(project)
    before = catalog_path(project, "ja", "content").read_bytes()
    written = update(project, Reporter())
    assert all(not changed for _, changed in written)
    assert catalog_path(project, "ja", "content").read_bytes() == before


def test_init_a_new_language_then_publish_it(project, refpub):
    result = refpub(project, "i18n", "init", "fr")
    assert result.returncode == 0, result.stderr
    po = read_po(catalog_path(project, "fr", "content"))
    assert po.header_value("Plural-Forms") == get_plural("fr").plural_forms  # CLDR via Babel, whatever its version
    assert catalog_path(project, "fr", "messages").is_file()
    assert refpub(project, "i18n", "init", "fr").returncode == 1  # never overwrites
    pub = project / "content" / "publication.yaml"
    pub.write_text(
        pub.read_text(encoding="utf-8").replace("languages: [en, ja]", "languages: [en, ja, fr]"), encoding="utf-8"
    )
    status = refpub(project, "i18n", "status")
    assert any(line.split()[:2] == ["fr", "content"] for line in status.stdout.splitlines())
    assert refpub(project, "check").returncode == 0


def _by_context(root: Path):
    return {m.context: m for m in _catalog(root).messages}


def test_a_fuzzy_translation_comes_back_fuzzy_after_removal(project):
    _extract_update(project)
    _translate(project, {SUMMARY_CTX: "古い要約"})
    _edit(project, "and what provisional release means.", "and what provisional release means today.")
    _extract_update(project)
    assert _by_context(project)[SUMMARY_CTX].fuzzy
    # The summary goes away (obsolete, #~ keeps its flag), then the same text comes back.
    _edit(project, "and what provisional release means today.", "and what provisional release means.")
    _edit(
        project,
        "  summary: >-\n    How a refugee status application is examined,\n    and what provisional release means.\n",
        "",
    )
    _extract_update(project)
    obsolete = {m.context: m for m in _catalog(project).obsolete}
    assert obsolete[SUMMARY_CTX].fuzzy
    assert obsolete[SUMMARY_CTX].string == "古い要約"
    assert "#, fuzzy\n#~| msgid" in catalog_path(project, "ja", "content").read_text(encoding="utf-8")
    _edit(
        project,
        "  section: general\n  kind: article",
        "  summary: >-\n    How a refugee status application is examined,\n    and what provisional release means today.\n  section: general\n  kind: article",
    )
    _extract_update(project)
    restored = _by_context(project)[SUMMARY_CTX]
    assert restored.string == "古い要約"
    assert restored.fuzzy


def test_a_renamed_entry_shows_its_previous_context(project):
    _extract_update(project)
    _translate(project, {"reading:first-reading:title": "日本における難民認定申請"})
    _edit(project, "- id: first-reading", "- id: refugee-status-application")
    _extract_update(project)
    renamed = _by_context(project)["reading:refugee-status-application:title"]
    assert renamed.fuzzy
    assert renamed.string == "日本における難民認定申請"
    assert renamed.previous_context == "reading:first-reading:title"
    text = catalog_path(project, "ja", "content").read_text(encoding="utf-8")
    assert '#| msgctxt "reading:first-reading:title"\n#| msgid "Refugee status application in Japan"' in text


def test_a_renamed_and_edited_entry_stays_fuzzy_with_its_translation(project):
    _extract_update(project)
    _translate(project, {"reading:first-reading:title": "日本における難民認定申請"})
    _edit(project, "- id: first-reading", "- id: refugee-status-application")
    _edit(project, 'title: "Refugee status application in Japan"', 'title: "Refugee status applications in Japan"')
    _extract_update(project)
    catalog = _catalog(project)
    renamed = {m.context: m for m in catalog.messages}["reading:refugee-status-application:title"]
    assert renamed.fuzzy
    assert renamed.string == "日本における難民認定申請"
    assert renamed.previous_context == "reading:first-reading:title"
    assert renamed.previous_id == ["Refugee status application in Japan"]
    assert not any(m.context == "reading:first-reading:title" for m in catalog.obsolete)


def test_catalogs_of_an_unpublished_language_are_checked_and_named(project, refpub):
    assert refpub(project, "i18n", "init", "fr").returncode == 0  # not added to `languages`
    status = refpub(project, "i18n", "status")
    assert any(line.startswith("fr (not published)") for line in status.stdout.splitlines()), status.stdout
    check = refpub(project, "check")
    assert check.returncode == 0
    assert "there are catalogs for 'fr', but 'fr' is not in `languages`" in check.stderr
    # Broken, it is an error, not skipped; update refuses to rewrite it.
    path = catalog_path(project, "fr", "content")
    broken = path.read_text(encoding="utf-8").replace('msgstr ""\n\n#', 'msgstr "sans fin\n\n#', 1)
    path.write_text(broken, encoding="utf-8")
    assert refpub(project, "check").returncode == 1
    assert refpub(project, "i18n", "update").returncode == 1
    assert path.read_text(encoding="utf-8") == broken
    doctor = refpub(project, "doctor", ".")
    assert "locales/fr/LC_MESSAGES/content.po" in doctor.stderr
    assert "cannot be read" in doctor.stderr
