"""Ad-hoc handouts: the handout ``refpub handout`` describes with its options, checked as
``refpub check`` checks a declared one."""

from __future__ import annotations

import dataclasses

from ..diagnostics import Diagnostic, Reporter
from .model import Content, Handout, OrganisationSelection, ReadingSelection

CUSTOM_ID = "custom"  # the id of a handout made with `refpub handout`


def custom_handout(
    *,
    organisations: OrganisationSelection = OrganisationSelection(),
    readings: ReadingSelection = ReadingSelection(),
    languages: tuple[str, ...] = (),
    paper: str = "",
    pages: int = 1,
    two_up: bool = False,
    title: str = "",
) -> Handout:
    """A handout that is not in publication.yaml (``refpub handout``)."""
    return Handout(
        id=CUSTOM_ID,
        title=title,
        languages=languages,
        paper=paper,
        pages=pages,
        two_up=two_up,
        organisations=organisations,
        readings=readings,
    )


def custom_handout_from_options(
    *,
    orgs=(),
    services=(),
    region: str = "",
    readings=(),
    section: str = "",
    topics=(),
    newest: int | None = None,
    languages=(),
    paper: str | None = None,
    pages: int = 1,
    two_up: bool = False,
    title: str = "",
) -> Handout:
    """The handout `refpub handout` describes with its options."""
    return custom_handout(
        organisations=OrganisationSelection(ids=tuple(orgs or ()), services=tuple(services or ()), region=region or ""),
        readings=ReadingSelection(
            ids=tuple(readings or ()), section=section or "", topics=tuple(topics or ()), newest=newest
        ),
        languages=tuple(languages or ()),
        paper=paper or "",
        pages=pages,
        two_up=two_up,
        title=title or "",
    )


def check_custom_handout(content: Content, handout: Handout) -> list[Diagnostic]:
    """The checks `refpub check` makes of a declared handout (unknown ids, languages, staleness),
    made of an ad-hoc one."""
    from .validate import validate

    reporter = Reporter()
    pub = dataclasses.replace(content.publication, handouts=(handout,))
    validate(dataclasses.replace(content, publication=pub), reporter)
    prefix = f"handout '{handout.id}'"
    return [d for d in reporter.sorted() if d.message.startswith(prefix)]
