"""HTML -> PDF with WeasyPrint: tagged (PDF/UA-1), reproducible, and reading only the project."""

from __future__ import annotations

import hashlib
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import BuildError
from ..views.resources import ProjectFetcher, ResourceRefused

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

# One dictionary of options for every PDF refpub writes.
PDF_OPTIONS = {
    "pdf_variant": "pdf/ua-1",  # tagged: structure, reading order and the language of passages
    "pdf_tags": True,
    "optimize_images": False,
}


@dataclass
class PdfResult:
    data: bytes
    pages: int


class _CollectWarnings(logging.Handler):
    """WeasyPrint's warnings (a CSS property it ignores, an image it cannot read), kept for the
    build to report with the output they concern: WeasyPrint itself only logs them, and nobody
    reads that log."""

    def __init__(self):
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in _layout_warnings:
            _layout_warnings.append(message)


_layout_warnings: list[str] = []


def take_layout_warnings() -> list[str]:
    """WeasyPrint's warnings since the last call (each once)."""
    taken = list(_layout_warnings)
    _layout_warnings.clear()
    return taken


@contextmanager
def _collecting():
    handler = _CollectWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def render_document(html: str, resource_roots: list[Path], base_dir: Path, font_config=None):
    """Lay out ``html``; returns WeasyPrint's Document (pages can be inspected before writing).

    ``font_config`` (a WeasyPrint FontConfiguration) can be shared by the documents of one book.
    """
    import weasyprint

    from .tagging import install

    install()  # some patches act while the text is laid out
    fetcher = ProjectFetcher(resource_roots)
    try:
        with _collecting():
            document = weasyprint.HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
                font_config=font_config, **PDF_OPTIONS
            )
    except ResourceRefused as exc:
        raise BuildError(f"a template or stylesheet asks for {exc.url}, which {exc.reason}") from None
    # WeasyPrint catches some refusals itself (an <image> inside an SVG is fetched while the PDF
    # is drawn); the fetcher keeps them, and write_pdf fails for them too.
    document.refused_resources = fetcher.refused
    document.fetched_files = fetcher.fetched  # grows while the PDF is written, too
    _raise_refused(document)
    return document


def _raise_refused(document) -> None:
    refused = getattr(document, "refused_resources", None)
    if refused:
        exc = refused[0]
        raise BuildError(f"a template or stylesheet asks for {exc.url}, which {exc.reason}")


def write_pdf(document, identifier_seed: str, tagged: bool = True) -> bytes:
    """Serialise a laid-out document; the PDF identifier derives from the inputs, not chance.

    ``tagged=False`` writes an untagged PDF (for content that is drawn as an artifact).
    """
    from .tagging import install

    install()
    identifier = hashlib.sha256(identifier_seed.encode("utf-8")).hexdigest()[:32].encode("ascii")
    options = PDF_OPTIONS if tagged else {"optimize_images": False}
    with _collecting():
        data = document.write_pdf(pdf_identifier=identifier, **options)
    _raise_refused(document)
    return data


def html_to_pdf(html: str, resource_roots: list[Path], base_dir: Path) -> PdfResult:
    document = render_document(html, resource_roots, base_dir)
    return PdfResult(write_pdf(document, html), len(document.pages))


_released_at: list[int] = [0]  # resident size (bytes) after the last release, this process


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):  # not Linux
        return None


def release_memory(force: bool = False, growth: int = 96 * 1024 * 1024) -> None:
    """Free the laid-out documents that are gone and give the memory back to the system.

    WeasyPrint's boxes refer to each other in cycles, so a dropped document is only freed by
    the garbage collector; and glibc keeps freed memory in its heap unless asked to return it.
    Called between the parts of a book, it keeps a worker's memory near what one part needs.
    A full collection costs tens of milliseconds, so it runs only once the process has grown
    by ``growth`` since the last one (or when ``force``d).
    """
    import gc

    resident = _resident_bytes()
    if not force and resident is not None and resident - _released_at[0] < growth:
        return
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    _released_at[0] = _resident_bytes() or 0


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, looked up once; None elsewhere."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None
