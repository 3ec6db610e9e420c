"""The curated content of the repository is faithful to the seed list it came from."""

from __future__ import annotations

import re
import unicodedata

import pytest

from refpub import load_project

from support import REPO, SEED

MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


@pytest.fixture(scope="module")
def seed_lines():
    if not SEED.is_file():
        pytest.skip(f"the seed list is not beside the repository ({SEED})")
    return SEED.read_text(encoding="utf-8").splitlines()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


# The editor's fixes to the seed's English (noted in the content files' headers): the fixed text,
# then the seed's own. Everything else is compared with the seed as written.
EDITORIAL_FIXES = {
    "Refugee Voice – Aichi Association of Refugee": "Refugee Voice\u30fcAichi Association of Refugee",
}
# The seed's typos, none of which may come back into content or a catalog's msgid.
SEED_TYPOS = ("Ethjopian", "both both", "polices", "form Africa", "Voice\u30fcAichi")


def _as_in_seed(text: str) -> str:
    return EDITORIAL_FIXES.get(text, text)


def _line_of(title: str, lines: list[str]) -> str:
    matches = [line for line in lines if _norm(title) in _norm(line)]
    assert matches, f"title not in the seed: {title!r}"
    return matches[0]


def test_every_reading_title_and_publisher_comes_from_the_seed(project, seed_lines):
    for r in project.content.readings:
        _line_of(r.title, seed_lines)  # asserts the title is in the seed
        if r.publisher:
            assert _norm(r.publisher) in _norm(" ".join(seed_lines)), (r.id, r.publisher)


def test_reading_dates_match_the_seed(project, seed_lines):
    for r in project.content.readings:
        if r.date is None:
            continue
        line = _line_of(r.title, seed_lines)
        assert str(r.date.year) in line, (r.id, r.date)
        if r.date.month:
            months = {
                MONTHS[m.lower()[:3]]
                for m in re.findall(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b", line, re.I)
            }
            assert r.date.month in months, (r.id, r.date, line[-80:])


def test_each_entry_once(project):
    titles = [_norm(r.title).casefold() for r in project.content.readings]
    assert len(titles) == len(set(titles))
    names = [_norm(o.name).casefold() for o in project.content.organisations]
    assert len(names) == len(set(names))
    # The review by Naoko Obi appears three times in the seed and once here.
    assert sum("review of assistance programmes" in t for t in titles) == 1
    assert sum("international social service japan" in n for n in names) == 1


def test_every_organisation_of_the_seed_is_there(project, seed_lines):
    divider = next(i for i, line in enumerate(seed_lines) if line.startswith(">>>"))
    first_org = next(i for i, line in enumerate(seed_lines) if line.startswith("Japan Association for Refugees"))
    assert first_org > divider
    org_lines = seed_lines[first_org:]
    text = " ".join(_norm(line) for line in org_lines)
    for o in project.content.organisations:
        assert _norm(_as_in_seed(o.name)) in text, o.name
        for alt in o.alt_names.values():
            assert _norm(alt) in text, alt
    # Every organisation line of the seed is matched by some organisation's name.
    names = [_norm(_as_in_seed(o.name)) for o in project.content.organisations]
    for line in org_lines:
        assert any(name in _norm(line) for name in names), line[:60]


def test_sections_follow_the_divider(project, seed_lines):
    divider = next(i for i, line in enumerate(seed_lines) if line.startswith(">>>"))
    before = " ".join(_norm(line) for line in seed_lines[:divider])
    for r in project.content.readings:
        first_seen_before = _norm(r.title) in before
        assert r.section == ("general" if first_seen_before else "detention"), r.id


def test_the_seed_url_is_kept_and_names_the_seed(project):
    """The only URL the seed gives is kept, and its source is the seed itself; every other link
    came from the organisations' own pages (test below)."""
    welgee = next(r for r in project.content.readings if r.id == "report-on-the-work-of-welgee")
    assert welgee.url == "https://www.welgee.jp/img/updated_2019_cocreative_adventure.pdf"
    assert "000_b77cf2f0b8858a55.txt" in welgee.sources[0].document


def test_japanese_names_are_the_seed_own(project):
    ushiku = next(o for o in project.content.organisations if o.name == "Ushiku no Kai")
    assert ushiku.alt_names["ja"].startswith("牛久の会")


def test_every_contact_and_link_names_its_source():
    """Facts in content come from a source a person can check: no url, e-mail, phone or address
    without a `sources` entry that supports it (refpub check -v lists them)."""
    from refpub.content.load import load_content
    from refpub.diagnostics import Reporter

    content = load_content(REPO, Reporter())
    entries = [*content.readings, *content.organisations]
    with_contacts = [e for e in entries if any(getattr(e, f, "") for f in ("url", "email", "phone", "address"))]
    assert len(with_contacts) >= 20  # the organisations' own sites were found for most of them
    for entry in with_contacts:
        for field in ("url", "email", "phone", "address"):
            if getattr(entry, field, ""):
                assert any(s.supports(field) for s in entry.sources), (entry.id, field)
    assert not any(getattr(o, "checked", None) for o in content.organisations)  # no person has verified them yet


def test_the_seed_typos_are_fixed_in_content_and_catalogs():
    """The English source is clean: no seed typo in content/ (comments included) nor in any
    catalog's msgid, and every fix is noted in a content file's header."""
    from babel.messages.pofile import read_po

    for path in sorted((REPO / "content").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for typo in SEED_TYPOS:
            assert typo not in text, (path.name, typo)
    for path in sorted((REPO / "locales").rglob("*.po*")):
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for typo in SEED_TYPOS:
                assert not any(typo in i for i in ids), (path.name, typo)
    headers = "".join(
        (REPO / "content" / name).read_text(encoding="utf-8").split("\n- id:", 1)[0]
        for name in ("readings.yaml", "organisations.yaml")
    )
    for source_line in ("line 7:", "line 27:", "line 70:", "line 76:", "line 80:", "line 89:"):
        assert source_line in headers, source_line


def test_languages_and_hours_name_their_source():
    """Like contacts, the languages an organisation works in and its hours come from a source that
    gives them (its own page, or the seed list for what the seed says)."""
    from refpub.content.load import load_content
    from refpub.diagnostics import Reporter

    content = load_content(REPO, Reporter())
    stating = [o for o in content.organisations if o.languages]
    assert len(stating) >= 10
    for org in content.organisations:
        for field in ("languages", "hours"):
            if getattr(org, field, None):
                assert any(s.supports(field) for s in org.sources), (org.id, field)
