"""Where each contact and link comes from: the report a volunteer works through before setting
``checked:`` on an organisation (``refpub check -v``, ``refpub check --format json``).

Sources are never printed in the publications; they exist so that every fact can be verified.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Content, OpeningHours, Source
from .schema import SOURCED_FIELDS


def _fact_text(value) -> str:
    """A fact as one line: an address per language, the languages, the opening hours."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{lang}: {text}" for lang, text in value.items())
    if all(isinstance(item, OpeningHours) for item in value):
        return "; ".join(f"{' '.join(h.days)} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in value)
    return ", ".join(value)


def source_json(source: Source) -> dict:
    """A source as `refpub check --format json` lists it: its page (or document) and when it was stored."""
    data: dict[str, str | None] = {"url": source.url} if source.url else {"document": source.document}
    data["stored"] = str(source.stored) if source.stored else None
    return data


def provenance(content: Content) -> list[dict]:
    """Per organisation and reading: each contact or link, with the sources that support it."""
    report = []
    for kind, entries in (("organisation", content.organisations), ("reading", content.readings)):
        for entry in entries:
            facts = {name: _fact_text(getattr(entry, name)) for name in SOURCED_FIELDS if getattr(entry, name, "")}
            if not facts and kind == "reading":
                continue
            report.append(
                {
                    "kind": kind,
                    "id": entry.id,
                    "checked": str(getattr(entry, "checked", None) or "") or None,
                    "contacts": [
                        {
                            "field": name,
                            "value": value,
                            "sources": [source_json(s) for s in entry.sources if s.supports(name)],
                        }
                        for name, value in facts.items()
                    ],
                }
            )
    return report


def provenance_lines(content: Content) -> list[str]:
    """The same report as lines for ``refpub check -v``."""
    lines = []
    for item in provenance(content):
        if not item["contacts"]:
            lines.append(f"{item['kind']} '{item['id']}': no contacts")
            continue
        checked = ""
        if item["kind"] == "organisation":
            checked = f", checked {item['checked']}" if item["checked"] else ", not checked by a person yet"
        lines.append(f"{item['kind']} '{item['id']}'{checked}:")
        for contact in item["contacts"]:
            where = (
                "; ".join(
                    (s.get("url") or s.get("document")) + (f" (stored {s['stored']})" if s["stored"] else "")
                    for s in contact["sources"]
                )
                or "NO SOURCE"
            )
            lines.append(f"  {contact['field']} {contact['value']}  <- {where}")
    return lines
