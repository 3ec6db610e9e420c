"""Which entries a handout shows: its selection applied to the content. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Content, Handout, Organisation, OrganisationSelection, Reading, ReadingSelection


def select_organisations(content: Content, sel: OrganisationSelection) -> tuple[Organisation, ...]:
    """Organisations named by id (in that order), then those matching every filter given.

    An empty selection selects nothing: a handout shows only what it asks for.
    """
    if sel.is_empty:
        return ()
    by_id = {o.id: o for o in content.organisations}
    chosen = [by_id[i] for i in sel.ids if i in by_id]
    if sel.services or sel.region:
        for org in content.organisations:
            if org in chosen:
                continue
            if sel.services and not set(sel.services) & set(org.services):
                continue
            if sel.region and sel.region.casefold() not in org.region.casefold():
                continue
            chosen.append(org)
    return tuple(chosen)


def select_readings(content: Content, sel: ReadingSelection) -> tuple[Reading, ...]:
    """Readings named by id, then those matching section and topics; ``newest`` keeps the N
    most recent of the filtered ones (undated readings last)."""
    if sel.is_empty:
        return ()
    by_id = {r.id: r for r in content.readings}
    chosen = [by_id[i] for i in sel.ids if i in by_id]
    if sel.section or sel.topics or sel.newest:
        matches = [
            r
            for r in content.readings
            if r not in chosen
            and (not sel.section or r.section == sel.section)
            and (not sel.topics or set(sel.topics) & set(r.topics))
        ]
        if sel.newest:
            matches.sort(key=lambda r: (r.date is not None, r.date.as_date() if r.date else None), reverse=True)
            matches = matches[: sel.newest]
        chosen.extend(matches)
    return tuple(chosen)


@dataclass(frozen=True)
class HandoutEntries:
    """What one handout shows, in print order."""

    organisations: tuple[Organisation, ...]
    readings: tuple[Reading, ...]

    def __bool__(self) -> bool:
        return bool(self.organisations or self.readings)


def select_for_handout(content: Content, handout: Handout) -> HandoutEntries:
    """The organisations and readings of ``handout`` (the one selection logic of handouts,
    shared by the build and by ``refpub check``'s staleness warnings)."""
    return HandoutEntries(
        select_organisations(content, handout.organisations),
        select_readings(content, handout.readings),
    )


# A handout without `languages` shows these, where the publication has them.
DEFAULT_LANGUAGES = ("en", "ja")


def handout_languages(handout: Handout, content: Content) -> tuple[str, ...]:
    if handout.languages:
        return handout.languages
    pub = content.publication
    return tuple(lang for lang in DEFAULT_LANGUAGES if lang in pub.languages) or pub.languages[:2]
