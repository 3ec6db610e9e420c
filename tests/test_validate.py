"""Checks across entries: duplicates, references, handout selections, stale contacts."""

from __future__ import annotations

import datetime as dt

from refpub.building.loading import check_project
from refpub.diagnostics import Reporter


def _check(root, today=dt.date(2026, 6, 1), under: str = "content/") -> list[str]:
    """Diagnostics of the files under ``under`` (catalog checks are tested in tests/i18n)."""
    reporter = Reporter()
    check_project(root, reporter, today=today)
    return [str(d) for d in reporter.sorted() if d.location and d.location.file.startswith(under)]


def test_good_fixture_content_is_clean(make_project):
    assert _check(make_project("good")) == []


def test_check_includes_translation_work_left(make_project):
    # The fixture's ja catalog is partial on purpose: one fuzzy entry, strings not merged yet.
    # `refpub check` says so (as warnings: the build falls back). It has no interface catalog:
    # refpub's own Japanese interface (refpub/locale/ja) is used, so nothing is said about it.
    assert _check(make_project("good"), under="locales/") == [
        "locales/ja/LC_MESSAGES/content.po: warning: 8 string(s) are not in this catalog yet "
        "(first: content/publication.yaml:2); run `refpub i18n extract` then `refpub i18n update`",
        "locales/ja/LC_MESSAGES/content.po:38: warning: fuzzy translation: the source text changed; "
        "review the translation, then remove the 'fuzzy' flag (until then the source text is shown)",
    ]


def test_check_asks_for_the_interface_catalog_of_a_language_refpub_does_not_translate(make_project):
    root = make_project("good")
    publication = root / "content/publication.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8").replace("languages: [en, ja]", "languages: [en, ja, de]"),
        encoding="utf-8",
    )
    assert (
        "locales/de/LC_MESSAGES/messages.po: warning: no messages catalog for 'de': its strings fall back to en; "
        "create it with `refpub i18n init de`"
    ) in _check(root, under="locales/de/")


def test_broken_fixture_reports_everything_at_once(make_project):
    assert _check(make_project("broken")) == [
        "content/organisations.yaml:3:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)",
        "content/readings.yaml:9:9: error: reading 'closed-door-policy': date '2020-13-01' is not a valid date (use YYYY, YYYY-MM or YYYY-MM-DD)",
        "content/readings.yaml:10:7: error: reading 'closed-door-policy': duplicate id (first used at content/readings.yaml:1:3); ids must be unique",
        "content/readings.yaml:17:8: error: reading 'closed-door-policy': url 'javascript:alert(1)' uses the scheme 'javascript'; only http, https and mailto links are allowed",
    ]


def test_probable_duplicates_and_unknown_references(make_project):
    root = make_project("good")
    readings = root / "content/readings.yaml"
    readings.write_text(
        readings.read_text(encoding="utf-8")
        + """- id: closed-door-again
  title: "Japan's closed-door refugee policy"
  summary: The same article, entered twice.
  publisher: nippon.com
  section: appendix
  kind: article
  topics: [policy, sports]
  language: en
""",
        encoding="utf-8",
    )
    assert _check(root) == [
        "content/readings.yaml:29:10: error: reading 'closed-door-again': probably the same reading as 'closed-door-policy' (same title and publisher, at content/readings.yaml:1:3); merge the two entries",
        "content/readings.yaml:32:12: error: reading 'closed-door-again': unknown section 'appendix'; sections: detention, general",
        "content/readings.yaml:34:11: error: reading 'closed-door-again': unknown topic 'sports'; declare it under 'topics' in content/publication.yaml",
    ]


def test_unknown_service_suggests_the_right_one(make_project):
    root = make_project("good")
    orgs = root / "content/organisations.yaml"
    orgs.write_text(
        orgs.read_text(encoding="utf-8").replace("[detention-visits]", "[detention-visit]"), encoding="utf-8"
    )
    messages = _check(root)
    assert len(messages) == 1
    assert messages[0].startswith(
        "content/organisations.yaml:6:14: error: organisation 'ushiku-no-kai': unknown service 'detention-visit' (did you mean 'detention-visits'?)"
    )


def test_stale_and_unchecked_contacts_on_handouts(make_project):
    root = make_project("good")
    pub = root / "content/publication.yaml"
    pub.write_text(
        pub.read_text(encoding="utf-8").replace("services: [legal, medical]", "services: [legal, detention-visits]"),
        encoding="utf-8",
    )
    messages = _check(root, today=dt.date(2027, 6, 1))
    assert messages == [
        "content/organisations.yaml:1:3: warning: handout 'help': organisation 'ushiku-no-kai' has no way to be contacted (no url, email, phone or address); add one from the organisation's own source, or leave it off the handout",
        "content/organisations.yaml:1:3: warning: handout 'help': organisation 'ushiku-no-kai' has never been checked; add 'checked: YYYY-MM-DD' after verifying its contacts",
        "content/organisations.yaml:16:12: warning: handout 'help': organisation 'jar' was last checked on 2026-01-10 (17 months ago, more than stale_after_months 12); verify its contacts",
    ]
