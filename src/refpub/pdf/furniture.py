"""Page furniture (running heads, page numbers, a handout's footer) drawn as an artifact.

Furniture repeats on every page and is not part of the reading order: PDF/UA asks that it be
marked ``/Artifact`` so a screen reader does not read "Edition of May 20, 2026" on every page.
WeasyPrint tags everything it draws in the page's body, so the furniture is laid out as a
document of its own (the same page size and stylesheet, nothing but the furniture), written
untagged, and each of its pages is drawn onto the page of the same number as one artifact.
"""

from __future__ import annotations

import io
from typing import cast


def draw_as_artifact(out, furniture) -> None:
    """Draw page ``i`` of ``furniture`` (a pikepdf.Pdf) on page ``i`` of ``out``, as an artifact."""
    import pikepdf

    name = pikepdf.Name("/RefpubFurniture")
    for page, furniture_page in zip(out.pages, furniture.pages):
        form = out.copy_foreign(furniture_page.as_form_xobject())
        # WeasyPrint shares one resource dictionary between pages: each page gets its own copy.
        resources = pikepdf.Dictionary(cast(dict, page.obj.get("/Resources", {})))
        xobjects = pikepdf.Dictionary(cast(dict, resources.get("/XObject", {})))
        xobjects[name] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        # Drawn first, as WeasyPrint draws margin boxes before the page's content (text
        # extraction keeps that order), in its own q … Q.
        drawing = b"/Artifact BMC q " + bytes(name.unparse()) + b" Do Q EMC\n"
        page.contents_add(pikepdf.Stream(out, drawing), prepend=True)


def save(pdf, min_version: str | None = None) -> bytes:
    """``pdf`` as bytes, the same for the same input (no random /ID, no timestamps)."""
    import pikepdf

    buffer = io.BytesIO()
    pdf.save(
        buffer,
        min_version=min_version or pdf.pdf_version,
        deterministic_id=True,
        compress_streams=True,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,  # streams are copied as they are
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return buffer.getvalue()


def furnish(pdf_data: bytes, furniture_data: bytes) -> bytes:
    """The PDF ``pdf_data`` with each page of ``furniture_data`` drawn on it as an artifact."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_data)) as pdf, pikepdf.open(io.BytesIO(furniture_data)) as furniture:
        if len(furniture.pages) != len(pdf.pages):
            raise ValueError(f"{len(furniture.pages)} pages of furniture for {len(pdf.pages)} pages")
        draw_as_artifact(pdf, furniture)
        return save(pdf)
