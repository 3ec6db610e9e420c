"""QR codes for printed links, as inline vector SVG (WeasyPrint draws inline ``<svg>``).

Paper has no links, so a handout prints every URL in full and, beside it, a small QR code.
The code is drawn as one ``<path>`` of dark runs in module units, scaled to a size in mm: it
stays sharp at any printer resolution and adds a few hundred bytes, not an image.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

# Error correction M survives a crease or a smudge and keeps short URLs at version 2-4.
ERROR_CORRECTION = "m"
# The standard asks for 4 modules of quiet zone; 2 are drawn here, the rest is the white of the
# cell the code sits in (the handout stylesheet keeps text away from it).
QUIET_ZONE = 2
DEFAULT_SIZE_MM = 20.0


@dataclass(frozen=True)
class QrCode:
    data: str
    matrix: tuple[tuple[bool, ...], ...]  # dark modules, without the quiet zone
    version: int

    @property
    def modules(self) -> int:
        return len(self.matrix)


@lru_cache(maxsize=256)
def make_qr(data: str) -> QrCode:
    """The QR code of ``data`` (always a full QR code, never a Micro QR: phones read those badly)."""
    import segno

    code = segno.make(data, error=ERROR_CORRECTION, micro=False, boost_error=False)
    matrix = tuple(tuple(bool(cell) for cell in row) for row in code.matrix)
    return QrCode(data, matrix, int(code.version))


def svg_path(matrix: tuple[tuple[bool, ...], ...], offset: int = 0) -> str:
    """SVG path data drawing each horizontal run of dark modules as one rectangle."""
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        width = len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            parts.append(f"M{start + offset} {y + offset}h{x - start}v1h-{x - start}z")
    return "".join(parts)


def qr_svg(data: str, size_mm: float = DEFAULT_SIZE_MM, label: str = "") -> Markup:
    """An inline ``<svg>`` of the QR code of ``data``, ``size_mm`` wide and high.

    ``label`` is its text alternative (in the tagged PDF and for screen readers); it defaults to
    the encoded data, which is also printed next to the code.
    """
    code = make_qr(data)
    side = code.modules + 2 * QUIET_ZONE
    path = svg_path(code.matrix, QUIET_ZONE)
    size = f"{size_mm:g}mm"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="{escape(label or data)}" '
        f'width="{size}" height="{size}" viewBox="0 0 {side} {side}" shape-rendering="crispEdges" '
        f'data-qr-modules="{code.modules}">'
        f"<title>{escape(label or data)}</title>"  # the figure's /Alt in a tagged PDF (WeasyPrint)
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )
