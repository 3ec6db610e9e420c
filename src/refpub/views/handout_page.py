"""A handout as HTML, before layout: its rows (an entry's columns in every language, its
contacts and QR code) and what laying it out needs (``pdf/fitting.py`` fits it to its pages)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from ..content.model import Handout
from ..diagnostics import Diagnostic, Location
from .handout_geometry import Geometry


@dataclass(frozen=True)
class HandoutEntry:
    """One row of the handout: the entry's columns (one per language), contacts and QR code."""

    kind: str  # "organisation" or "reading"
    id: str
    anchor: str
    columns: tuple[Markup, ...]
    contacts: tuple[tuple[str, str, str], ...]  # (kind, value as printed, link or "")
    qr: Markup | None
    location: Location | None


@dataclass
class HandoutPage:
    """A handout as HTML, before layout: what `pdf.fitting.fit_pages` lays out and checks."""

    handout: Handout
    html: str
    paper: str
    geometry: Geometry
    entries: list[HandoutEntry]
    warnings: list[Diagnostic]
    fallbacks: int
    # The same handout with its rows in another order (organisations, readings): see `pdf.fitting.balance`.
    reordered: Callable[[list[HandoutEntry], list[HandoutEntry]], str]
    # The footer alone on n pages (drawn onto the handout's pages as an artifact).
    furniture: Callable[[int], str]
    # What each language's columns print untranslated: content contexts and "ui:<msgid>"
    # (for `refpub check`, export/untranslated.py).
    untranslated: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)

    @property
    def organisations(self) -> list[HandoutEntry]:
        return [e for e in self.entries if e.kind == "organisation"]

    @property
    def readings(self) -> list[HandoutEntry]:
        return [e for e in self.entries if e.kind == "reading"]
