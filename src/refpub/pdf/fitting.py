"""Fitting a handout to its pages with WeasyPrint: the largest type that fits them (down to
the legibility floor), rows reordered so no page but the last is left half empty, and, for a
handout that does not fit, errors naming the entries that fall beyond its pages and by how much.

A handout that does not fit its declared pages is a build error, never a silently clipped page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..content.model import Handout
from ..errors import BuildError, BuildErrors
from ..views.handout_geometry import TYPE_SIZES, Geometry, TypeSizes
from ..views.handout_page import HandoutEntry, HandoutPage

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels


@dataclass(frozen=True)
class Fitted:
    """A handout laid out on its pages."""

    page: HandoutPage  # the HTML, in the type that fits
    sizes: TypeSizes
    document: Any  # WeasyPrint's Document
    html: str  # the HTML laid out: ``page.html``, or the same rows in another order (`balance`)
    moved: list[HandoutEntry]  # the rows `balance` moved up to fill a page


def fit_pages(page_in: Callable[[TypeSizes], HandoutPage], layout: Callable[[str], Any]) -> Fitted:
    """The handout ``page_in`` makes, in the largest type that fits its declared pages; smaller
    type only down to the floor. Raises BuildErrors when even the smallest does not fit."""
    for sizes in TYPE_SIZES:
        page = page_in(sizes)
        too_tall = rows_taller_than_a_page(page)
        if too_tall:  # decided from the text alone: laying such a row out would take minutes
            raise BuildErrors(too_tall)
        document, html, moved = balance(page, layout(page.html), layout)
        if len(document.pages) <= page.handout.pages:
            return Fitted(page, sizes, document, html, moved)
    raise BuildErrors(overflow_errors(document, page.handout, page.paper, page.geometry, page.entries))


# A lower bound of the room text needs, whatever the font: no glyph of the handout's smallest
# text (8.5 pt) is narrower than a quarter em, no East Asian wide one narrower than an em, and
# no line is lower than 1.2 em.
_SMALLEST_PT = 8.5
_MIN_LATIN_MM = 0.25 * _SMALLEST_PT * 25.4 / 72
_MIN_WIDE_MM = 1.0 * _SMALLEST_PT * 25.4 / 72
_MIN_LINE_MM = 1.2 * _SMALLEST_PT * 25.4 / 72


def _min_height_mm(text: str, width_mm: float) -> float:
    """The least height ``text`` can take in a column ``width_mm`` wide."""
    import unicodedata

    length = sum(
        _MIN_WIDE_MM if unicodedata.east_asian_width(c) in ("W", "F") else _MIN_LATIN_MM
        for c in text
        if not unicodedata.combining(c) and not c.isspace()
    )
    return math.ceil(length / width_mm) * _MIN_LINE_MM if length else 0.0


def rows_taller_than_a_page(page: HandoutPage) -> list[BuildError]:
    """Errors for rows whose text cannot fit on one page in any font, found before layout.

    A row is kept on one page (a café reader should not turn the sheet mid-entry); a row that
    is taller than the page (a 10,000-character word, say) would have WeasyPrint split a table
    row over dozens of pages for minutes before the page count says it does not fit.
    """
    from lxml import html as lxml_html

    geometry = page.geometry
    errors = []
    for entry in page.entries:
        width = geometry.language_column(len(entry.columns), entry.qr is not None)
        columns = [lxml_html.fragment_fromstring(str(c), create_parent="div").text_content() for c in entry.columns]
        contacts_width = width * len(entry.columns) + geometry.column_gap * (len(entry.columns) - 1)
        needed = max((_min_height_mm(text, width) for text in columns), default=0.0)
        needed += _min_height_mm(" ".join(f"{kind} {value}" for kind, value, _ in entry.contacts), contacts_width)
        if needed > geometry.content_height:
            errors.append(
                BuildError(
                    f"handout '{page.handout.id}': {entry.kind} '{entry.id}' needs at least {needed:.0f} mm of a "
                    f"{geometry.content_height:.0f} mm page in any font, so it cannot fit on one page; shorten its text",
                    entry.location,
                )
            )
    return errors


def _entry_fragments(document) -> dict[str, list[tuple[int, float]]]:
    """anchor -> [(page number, height in mm)] of every laid-out fragment of every entry."""
    found: dict[str, list[tuple[int, float]]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) != "article":
                continue
            anchor = element.get("id")
            if anchor and (anchor.startswith("org-") or anchor.startswith("reading-")):
                found.setdefault(anchor, []).append((number, box.margin_height() / PX_PER_MM))
    return found


def _rows_on(page) -> Iterator[tuple[str, Any]]:
    """(kind, box) of the rows of a laid-out page: "head", "group-heading" or "entry" (the
    outermost box of each: a table's wrapper, not the table inside it)."""
    seen = set()
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None or getattr(box, "element_tag", None) not in ("article", "header", "div"):
            continue
        if id(element) in seen:
            continue
        seen.add(id(element))
        classes = (element.get("class") or "").split()
        if "entry" in classes:
            yield "entry", box
        elif "row" in classes and "footer" not in classes:
            yield ("head" if "head" in classes else "group-heading"), box


def used_mm(document) -> list[float]:
    """How far down each page its rows reach, in mm from the top of the page area."""
    used = []
    for page in document.pages:
        top = page._page_box.content_box_y()
        bottom = max((box.position_y + box.margin_height() for _, box in _rows_on(page)), default=top)
        used.append((bottom - top) / PX_PER_MM)
    return used


def page_fill(document, geometry: Geometry) -> list[float]:
    """The share of each page's height that its rows use (0 to 1)."""
    return [mm / geometry.content_height for mm in used_mm(document)]


def fill_report(fill: list[float]) -> str:
    return "pages filled " + ", ".join(f"{n}: {share:.0%}" for n, share in enumerate(fill, start=1))


def _overflow_mm(document, allowed: int) -> float:
    """How much content (mm) the pages beyond the allowed ones carry: on each, from the top of
    the page area to the bottom of the lowest entry or heading."""
    return sum(used_mm(document)[allowed:])


# A page is filled when its rows use this much of it; below, `balance` tries another order.
FILLED = 0.8


def _measured_groups(document, page: HandoutPage) -> tuple[float, list[tuple[float, list[HandoutEntry]]], dict] | None:
    """From a layout: the header's height, each group's heading height and rows, and each row's
    height (mm); None when a row is split over pages (then no order helps)."""
    geometry = page.geometry
    left_copy_end = (geometry.margin_side + geometry.copy_width) * PX_PER_MM
    header = 0.0
    headings: list[float] = []
    for doc_page in document.pages:
        for kind, box in _rows_on(doc_page):
            if box.position_x >= left_copy_end:  # the second copy of a two-up sheet
                continue
            if kind == "head":
                header = box.margin_height() / PX_PER_MM
            elif kind == "group-heading":
                headings.append(box.margin_height() / PX_PER_MM)
    fragments = _entry_fragments(document)
    if any(len(fragments.get(e.anchor, ())) != 1 for e in page.entries):
        return None
    heights = {e.anchor: fragments[e.anchor][0][1] for e in page.entries}
    groups = [rows for rows in (page.organisations, page.readings) if rows]
    if len(headings) != len(groups):
        return None
    return header, list(zip(headings, groups)), heights


def pack(header: float, groups: list[tuple[float, list]], height_of, capacity: float) -> tuple[list[list], list[float]]:
    """Rows onto pages: in their declared order while they fit; when the next one does not, the
    tallest later rows of its group that still fit fill the page first. A group's heading stays
    with its first row. Returns each group's rows in the new order and each page's height used."""
    pages: list[float] = []
    used = header
    orders = []
    for heading, rows in groups:
        rest = list(rows)
        order: list = []
        while rest:
            above = heading if not order else 0.0
            fitting = [r for r in rest if used + above + height_of(r) <= capacity]
            if rest[0] in fitting:
                pick = rest[0]
            elif fitting and used > 0:  # the tallest that fits; of equals, the first declared
                pick = max(fitting, key=lambda r: (round(height_of(r), 1), -rest.index(r)))
            elif used > 0:
                pages.append(used)
                used = 0.0
                continue
            else:  # taller than a page: it goes where it is
                pick = rest[0]
            order.append(pick)
            rest.remove(pick)
            used += above + height_of(pick)
        orders.append(order)
    pages.append(used)
    return orders, pages


def balance(page: HandoutPage, document, layout) -> tuple[Any, str, list[HandoutEntry]]:
    """The laid-out handout with its pages filled: when a page before the last is less than
    `FILLED` full (a row that does not fit went whole to the next page), the rows are packed
    again (`pack`) and laid out anew; the new order is kept only if it needs fewer pages, or as
    many with its least filled page (but the last) fuller. Returns the document, its HTML and the
    rows moved up."""
    fill = page_fill(document, page.geometry)
    if len(fill) < 2 or min(fill[:-1]) >= FILLED:
        return document, page.html, []
    measured = _measured_groups(document, page)
    if measured is None:
        return document, page.html, []
    header, groups, heights = measured
    orders, _ = pack(header, groups, lambda e: heights[e.anchor], page.geometry.content_height - 0.5)
    by_kind = {rows[0].kind: order for (_, rows), order in zip(groups, orders)}
    organisations, readings = by_kind.get("organisation", []), by_kind.get("reading", [])
    if organisations == page.organisations and readings == page.readings:
        return document, page.html, []
    html = page.reordered(organisations, readings)
    candidate = layout(html)
    new_fill = page_fill(candidate, page.geometry)
    better = len(new_fill) < len(fill) or (len(new_fill) == len(fill) and min(new_fill[:-1]) > min(fill[:-1]))
    if not better:
        return document, page.html, []
    declared = [*page.organisations, *page.readings]
    placed = [*organisations, *readings]
    moved = [e for e in placed if placed.index(e) < declared.index(e)]
    return candidate, html, moved


def overflow_errors(document, handout: Handout, paper: str, geometry: Geometry, entries) -> list[BuildError]:
    """Build errors for a handout that needs more pages than declared: which entries fall beyond
    the allowed pages, and by how much."""
    allowed = handout.pages
    needed = len(document.pages)
    fragments = _entry_fragments(document)
    overflow = _overflow_mm(document, allowed)
    sheet = f"{paper} two-up" if handout.two_up else paper
    errors = [
        BuildError(
            f"handout '{handout.id}' must fit {allowed} {sheet} page(s) but needs {needed}: about "
            f"{overflow:.0f} mm too much ({overflow / geometry.content_height:.0%} of a page); shorten or drop "
            f"the entries below, narrow the selection, or set 'pages: {needed}'",
            handout.location("pages") or handout.location(),
        )
    ]
    for entry in entries:
        pieces = fragments.get(entry.anchor, [])
        beyond = [(page, mm) for page, mm in pieces if page > allowed]
        if not beyond:
            continue
        first_page = beyond[0][0]
        spilled = sum(mm for _, mm in beyond)
        errors.append(
            BuildError(
                f"handout '{handout.id}': {entry.kind} '{entry.id}' does not fit on {allowed} page(s); "
                f"{spilled:.0f} mm of it falls on page {first_page}",
                entry.location,
            )
        )
    return errors
