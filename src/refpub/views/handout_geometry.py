"""The page of a handout: paper, margins, columns and type sizes in mm and points, one place for
every number its stylesheet uses (``handout.html``, ``handout.css``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Paper sizes in mm (portrait) and their CSS names.
PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}
CSS_PAGE_SIZE = {"A4": "A4", "A5": "A5", "Letter": "letter"}


@dataclass(frozen=True)
class Geometry:
    """Page geometry of a handout, in mm. One place for every number the stylesheet uses."""

    page_size: str  # CSS `size`
    page_width: float
    page_height: float
    copies: int = 1
    # At least 12 mm all round: inside what every home and office printer can print.
    margin_top: float = 12.0
    margin_side: float = 12.0
    # The footer sits in the bottom margin, its lowest line 12.5 mm above the edge.
    margin_bottom: float = 22.0
    footer_drop: float = 9.5
    qr_size: float = 22.0
    column_gap: float = 5.0

    @property
    def gap(self) -> float:
        """Space between two-up copies: each half keeps a full side margin at the cut line."""
        return 2 * self.margin_side

    @property
    def content_width(self) -> float:
        return self.page_width - 2 * self.margin_side

    @property
    def content_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    @property
    def copy_width(self) -> float:
        return (self.content_width - self.gap * (self.copies - 1)) / self.copies

    @property
    def qr_column(self) -> float:
        return self.qr_size

    def language_column(self, languages: int, with_qr: bool) -> float:
        """Width of one language column of a copy."""
        columns = languages + (1 if with_qr else 0)
        usable = self.copy_width - self.column_gap * (columns - 1) - (self.qr_column if with_qr else 0)
        return usable / languages


@dataclass(frozen=True)
class TypeSizes:
    """The type sizes of a handout, in points: `pdf.fitting.fit_pages` tries them largest first."""

    body: float  # descriptions, summaries
    name: float  # an entry's name or title
    title: float
    heading: float
    small: float  # services, languages, hours, address, checked (Latin and other scripts)
    small_ja: float  # the same in Japanese
    contact: float  # phone, e-mail, web address
    label: float  # the label before a contact


# The legibility floor: nothing smaller than 8.5 pt in Latin script, 9 pt in Japanese (whose
# strokes need more room); the last size tried is the floor itself.
FLOOR_PT, FLOOR_JA_PT = 8.5, 9.0


def _sizes(body: float) -> TypeSizes:
    return TypeSizes(
        body=body,
        name=body + 1,
        title=body + 5,
        heading=body + 0.5,
        small=max(body - 1, FLOOR_PT),
        small_ja=max(body - 1, FLOOR_JA_PT),
        contact=max(body - 0.5, FLOOR_PT),
        label=max(body - 1.5, FLOOR_PT),
    )


TYPE_SIZES = (_sizes(10.0), _sizes(9.5), _sizes(9.0))

# Scripts whose marks stack above and below the letters (Burmese most of all) need taller lines
# than Latin, or the marks of one line touch the next: line heights by CLDR script code.
TALL_SCRIPTS = {"Mymr": 1.75, "Khmr": 1.7, "Thai": 1.6, "Laoo": 1.6, "Tibt": 1.7, "Sinh": 1.6, "Arab": 1.6,
                "Deva": 1.55, "Beng": 1.55, "Guru": 1.55, "Gujr": 1.55, "Taml": 1.55, "Telu": 1.55,
                "Knda": 1.55, "Mlym": 1.55, "Ethi": 1.5}  # fmt: skip


def tall_script_rules(languages: Sequence[str]) -> str:
    """CSS: the line height of each language of the handout written in a tall script."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    rules = []
    for lang in languages:
        parts = str(likely.get(lang.replace("-", "_").split("_")[0], "")).split("_")
        height = TALL_SCRIPTS.get(parts[1]) if len(parts) > 1 else None
        if height:
            selectors = ", ".join(f"{tag}:lang({lang})" for tag in ("", ".services", ".detail", ".meta", "p"))
            rules.append(f"{selectors} {{ line-height: {height}; }}")
    return "\n".join(rules)


def geometry_for(paper: str, two_up: bool, languages: int = 2) -> Geometry:
    """The page of a handout. Three languages or more turn the paper to landscape: each column
    then keeps about the measure of a two-language portrait page (80 mm on A4) instead of
    shrinking to 50 mm, where a line holds three or four English words and hyphenates every
    other one; the rows get shorter as a result, so a handout of the same entries may need a
    second page, which `pages` says."""
    if two_up:
        # Two A5 handouts on one landscape A4 sheet, to be cut in half.
        width, height = PAPER_MM["A4"]
        return Geometry("A4 landscape", height, width, copies=2, qr_size=21.0, column_gap=4.0)
    width, height = PAPER_MM[paper]
    if languages >= 3:
        size = f"{CSS_PAGE_SIZE[paper]} landscape"
        if paper == "A5":
            return Geometry(size, height, width, qr_size=21.0, column_gap=4.0)
        return Geometry(size, height, width)
    if paper == "A5":
        return Geometry(CSS_PAGE_SIZE[paper], width, height, qr_size=21.0, column_gap=4.0)
    return Geometry(CSS_PAGE_SIZE[paper], width, height)
