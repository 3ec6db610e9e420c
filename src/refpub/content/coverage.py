"""How reachable each organisation is: which of web, phone, e-mail, address, languages and hours it
gives, and which sources back each (``refpub check -v``, ``refpub check --format json``).

The report tells a volunteer what to verify first and what is still missing; it never decides
anything (a missing value is not a problem in the content, only a gap to fill).
"""

from __future__ import annotations

from .model import Content, Organisation
from .provenance import source_json

# (label in the report, the organisation's field): what a person holding a handout needs.
COVERAGE_FIELDS = (
    ("web", "url"),
    ("phone", "phone"),
    ("e-mail", "email"),
    ("address", "address"),
    ("languages", "languages"),
    ("hours", "hours"),
)
_REACH = ("phone", "email", "address")  # a way to reach the organisation besides its web address


def _given(org: Organisation, field: str) -> bool:
    return bool(getattr(org, field))


def coverage(content: Content) -> list[dict]:
    """Per organisation: for each field of COVERAGE_FIELDS, whether it is given and its sources."""
    report = []
    for org in content.organisations:
        fields = {}
        for label, field in COVERAGE_FIELDS:
            given = _given(org, field)
            sources = [source_json(s) for s in org.sources if s.supports(field)] if given else []
            fields[label] = {"given": given, "sources": sources}
        report.append({"id": org.id, "checked": str(org.checked) if org.checked else None, "fields": fields})
    return report


def coverage_totals(content: Content) -> dict[str, int]:
    """How many organisations give each field, and how many can be reached besides the web."""
    orgs = content.organisations
    totals = {label: sum(1 for o in orgs if _given(o, field)) for label, field in COVERAGE_FIELDS}
    totals["reachable besides the web"] = sum(1 for o in orgs if any(_given(o, f) for f in _REACH))
    totals["organisations"] = len(orgs)
    return totals


def coverage_lines(content: Content) -> list[str]:
    """The same report as a table for ``refpub check -v``: '+' given with a source, '!' given
    without one, '-' not given."""
    if not content.organisations:
        return []
    labels = [label for label, _ in COVERAGE_FIELDS]
    width = max(len(o.id) for o in content.organisations)
    lines = [
        "coverage ('+' given with a source, '!' given without one, '-' not given):",
        "  " + "organisation".ljust(width) + "  " + "  ".join(labels),
    ]
    for item in coverage(content):
        marks = []
        for label in labels:
            cell = item["fields"][label]
            mark = ("+" if cell["sources"] else "!") if cell["given"] else "-"
            marks.append(mark.center(len(label)))
        lines.append(("  " + item["id"].ljust(width) + "  " + "  ".join(marks)).rstrip())
    totals = coverage_totals(content)
    given = "  ".join(str(totals[lb]).center(len(lb)) for lb in labels)
    lines.append(("  " + "given".ljust(width) + "  " + given).rstrip())
    n = totals["organisations"]
    lines.append(
        f"  {totals['reachable besides the web']} of {n} can be reached besides the web (phone, e-mail or "
        f"address); {totals['languages']} of {n} state their languages; {totals['hours']} of {n} their hours"
    )
    return lines
