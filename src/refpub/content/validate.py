"""Checks across entries: ids, references, duplicates, selections, staleness.

Field-level checks (types, dates, links) happen while loading; these need the whole content.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

from ..diagnostics import Reporter
from .model import Content, Handout, Organisation, Reading
from .schema import FURIGANA_LEVELS, SOURCED_FIELDS
from .selection import select_organisations


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def _duplicate_ids(kind: str, entries, reporter: Reporter) -> None:
    first: dict[str, Any] = {}
    for entry in entries:
        if entry.id in first:
            prev = first[entry.id].location()
            reporter.error(
                f"{kind} '{entry.id}': duplicate id (first used at {prev}); ids must be unique",
                entry.location("id"),
            )
        else:
            first[entry.id] = entry


def _unsourced_facts(entry, kind: str, reporter: Reporter) -> None:
    """A contact, a link, the languages served or the opening hours must say where they come
    from (a source naming them, or naming nothing in particular): facts in content are never
    written from memory."""
    for name in SOURCED_FIELDS:
        if not getattr(entry, name, ""):
            continue
        if not any(s.supports(name) for s in entry.sources):
            reporter.warning(
                f"{kind} '{entry.id}': '{name}' has no source; add the page it was taken from under 'sources' "
                "(url, and stored: the date the page was read)",
                entry.location(name),
            )


def validate(content: Content, reporter: Reporter, today: _dt.date | None = None) -> None:
    pub = content.publication
    section_ids = {s.id for s in pub.sections}
    topic_ids = {t.id for t in pub.topics}

    _duplicate_ids("section", pub.sections, reporter)
    _duplicate_ids("topic", pub.topics, reporter)
    _duplicate_ids("handout", pub.handouts, reporter)
    _duplicate_ids("reading", content.readings, reporter)
    _duplicate_ids("organisation", content.organisations, reporter)

    if pub.source_language not in pub.languages:
        reporter.error(
            f"publication: source_language '{pub.source_language}' is not in languages ({', '.join(pub.languages)})",
            pub.locations.get("source_language") or pub.locations.get("languages"),
        )
    for lang, level in pub.furigana.items():
        if level not in FURIGANA_LEVELS:
            reporter.error(
                f"publication: furigana for '{lang}' is '{level}'; use one of {', '.join(FURIGANA_LEVELS)}",
                pub.locations.get("furigana"),
            )
        elif lang not in pub.languages:
            reporter.warning(
                f"publication: furigana is set for '{lang}', which is not in languages ({', '.join(pub.languages)})",
                pub.locations.get("furigana"),
            )
    if not pub.sections:
        reporter.error(
            "publication: 'sections' is empty; readings need at least one section", pub.locations.get("sections")
        )

    for entry, kind in [
        *((r, "reading") for r in content.readings),
        *((o, "organisation") for o in content.organisations),
    ]:
        _unsourced_facts(entry, kind, reporter)

    # Probable duplicates: the same title from the same publisher, written twice.
    seen: dict[tuple[str, str], Reading] = {}
    for r in content.readings:
        key = (_norm(r.title), _norm(r.publisher))
        if key in seen:
            reporter.error(
                f"reading '{r.id}': probably the same reading as '{seen[key].id}' "
                f"(same title and publisher, at {seen[key].location()}); merge the two entries",
                r.location("title"),
            )
        else:
            seen[key] = r
        if r.section not in section_ids:
            reporter.error(
                f"reading '{r.id}': unknown section '{r.section}'; sections: {', '.join(sorted(section_ids))}",
                r.location("section"),
            )
        for topic in r.topics:
            if topic not in topic_ids:
                reporter.error(
                    f"reading '{r.id}': unknown topic '{topic}'; declare it under 'topics' in content/publication.yaml",
                    r.location("topics"),
                )

    names: dict[str, Organisation] = {}
    for o in content.organisations:
        name = _norm(o.name)
        if name in names:
            reporter.error(
                f"organisation '{o.id}': probably the same organisation as '{names[name].id}' "
                f"(same name, at {names[name].location()}); merge the two entries",
                o.location("name"),
            )
        else:
            names[name] = o

    for handout in pub.handouts:
        _validate_handout(content, handout, section_ids, topic_ids, reporter, today)


def _validate_handout(content, handout: Handout, section_ids, topic_ids, reporter, today) -> None:
    label = f"handout '{handout.id}'"
    _check_handout_selection(content, handout, label, section_ids, topic_ids, reporter)
    _check_handout_layout(content.publication, handout, label, reporter)
    _check_handout_contacts(content, handout, label, reporter, today)


def _check_handout_selection(content, handout: Handout, label: str, section_ids, topic_ids, reporter) -> None:
    """Every organisation, reading, section and topic a handout names exists."""
    org_ids = {o.id for o in content.organisations}
    reading_ids = {r.id for r in content.readings}
    osel, rsel = handout.organisations, handout.readings
    for oid in osel.ids:
        if oid not in org_ids:
            reporter.error(f"{label}: unknown organisation '{oid}'", osel.locations.get("ids") or handout.location())
    for rid in rsel.ids:
        if rid not in reading_ids:
            reporter.error(f"{label}: unknown reading '{rid}'", rsel.locations.get("ids") or handout.location())
    if rsel.section and rsel.section not in section_ids:
        reporter.error(f"{label}: unknown section '{rsel.section}'", rsel.locations.get("section"))
    for topic in rsel.topics:
        if topic not in topic_ids:
            reporter.error(f"{label}: unknown topic '{topic}'", rsel.locations.get("topics"))


def _check_handout_layout(pub, handout: Handout, label: str, reporter) -> None:
    """Its languages are the publication's; its pages and paper can be printed."""
    for lang in handout.languages:
        if lang not in pub.languages:
            reporter.error(
                f"{label}: language '{lang}' is not one of the publication's languages ({', '.join(pub.languages)})",
                handout.location("languages"),
            )
    if handout.pages < 1:
        reporter.error(f"{label}: 'pages' must be at least 1", handout.location("pages"))
    if handout.two_up and (handout.paper or pub.paper) != "A5":
        reporter.error(
            f"{label}: two_up prints two A5 handouts on one A4 sheet; set paper: A5", handout.location("two_up")
        )


def _check_handout_contacts(content, handout: Handout, label: str, reporter, today) -> None:
    """Contacts that stay true: every organisation on a handout should have been checked recently."""
    today = today or _dt.date.today()
    limit = content.publication.stale_after_months
    for org in select_organisations(content, handout.organisations):
        if not org.contacts:
            reporter.warning(
                f"{label}: organisation '{org.id}' has no way to be contacted (no url, email, phone or "
                "address); add one from the organisation's own source, or leave it off the handout",
                org.location(),
            )
        if org.checked is None:
            reporter.warning(
                f"{label}: organisation '{org.id}' has never been checked; add 'checked: YYYY-MM-DD' "
                "after verifying its contacts",
                org.location(),
            )
            continue
        checked = org.checked.as_date()
        months = (today.year - checked.year) * 12 + (today.month - checked.month)
        if months > limit:
            reporter.warning(
                f"{label}: organisation '{org.id}' was last checked on {org.checked} ({months} months ago, "
                f"more than stale_after_months {limit}); verify its contacts",
                org.location("checked"),
            )
