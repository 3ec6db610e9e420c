"""The exporter protocol and the one registry of outputs. Light: no Jinja, no WeasyPrint.

An output is one module under ``refpub/export/`` with an exporter class, and one line in
:data:`REGISTRY` below. The exporter says which files it makes for some content
(:meth:`Exporter.targets`), what each of them shows (:meth:`Exporter.inputs`: the build hashes
exactly that to decide whether the file is up to date, see ``building/manifest.py``), and renders one
target (:meth:`Exporter.render`) without writing anything: the build writes every file
atomically. The registry line gives the module, a first guess of the output's cost (for
ordering work before any build has been timed) and the template names that belong to it alone
(for the watcher). See docs/developers.md, "Add an output".
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..diagnostics import Diagnostic

if TYPE_CHECKING:  # pragma: no cover
    from ..content.model import Content


@dataclass(frozen=True)
class Target:
    """One file (or folder) an exporter makes."""

    kind: str  # the exporter's kind
    filename: str  # relative to the output folder, e.g. "handbook-ja.pdf"
    lang: str | None = None  # one language, or None for multilingual outputs
    handout_id: str | None = None
    variant: str = ""  # e.g. "vertical" for the vertical-writing EPUB

    @property
    def label(self) -> str:
        return self.filename

    @property
    def language(self) -> str:
        """The one language of a target made per language (a handbook, a reader)."""
        if self.lang is None:
            raise ValueError(f"{self.filename} is not in one language")
        return self.lang


@dataclass(frozen=True)
class Inputs:
    """What one target shows, for the manifest to hash: nothing else may change the file.

    ``entries`` are model entries (readings, organisations) whose fields it prints;
    ``settings`` the publication settings it uses; ``languages`` the catalogs it reads, and
    ``contexts`` the msgctxt prefixes of the content strings it reads from them (``None``: all
    of both catalogs; else the interface catalog and those content strings only).
    """

    entries: tuple = ()
    settings: object = None
    languages: tuple[str, ...] = ()
    contexts: tuple[str, ...] | None = None


@dataclass
class Rendered:
    """What an exporter returns for one target: its bytes (or files) and what to report."""

    data: bytes
    fallbacks: int = 0  # strings that fell back to the source language
    warnings: list[Diagnostic] = field(default_factory=list)
    pages: int | None = None
    # A folder output (the web edition): relative path -> bytes; the build writes the folder
    # atomically at the target's filename, and ``data`` is unused.
    files: dict[str, bytes] | None = None
    # Details shown with --verbose (a handout's fill per page, say).
    notes: list[str] = field(default_factory=list)


class Exporter(Protocol):
    kind: str

    def targets(self, content: Content) -> list[Target]: ...

    def inputs(self, target: Target, content: Content) -> Inputs: ...

    def render(self, target: Target, session) -> Rendered:  # session: export/base.py's RenderSession
        ...


@dataclass(frozen=True)
class Output:
    """A registry line: an output kind, where its exporter lives, and what the build needs to
    know of it without importing it."""

    kind: str
    exporter: str  # "module:Class", imported when the output is built
    cost: float  # a first guess of its build time, relative to the others
    templates: tuple[str, ...] = ()  # prefixes of the template files only this output reads


# Build order. Adding an output: a module in refpub/export/ and one line here.
REGISTRY = (
    Output("handbook", "refpub.export.handbook:HandbookExporter", 10.0, ("handbook",)),
    Output("reader", "refpub.export.reader:ReaderExporter", 1.0, ("reader",)),
    Output("handouts", "refpub.export.handouts:HandoutExporter", 1.5, ("handout", "_handout")),
    Output("web", "refpub.export.web:WebExporter", 1.0, ("web",)),
    Output("citations", "refpub.export.citations:CitationsExporter", 0.1),
    Output("hsds", "refpub.export.hsds:HsdsExporter", 0.1),
)
OUTPUT_KINDS = tuple(output.kind for output in REGISTRY)
COSTS = {output.kind: output.cost for output in REGISTRY}


def load(output: Output) -> Exporter:
    module, _, name = output.exporter.partition(":")
    return getattr(importlib.import_module(module), name)()


def exporters() -> dict[str, Exporter]:
    """Every output kind refpub can build, in build order, with its exporter."""
    return {output.kind: load(output) for output in REGISTRY}


def every_language(target: Target, content: Content) -> tuple[str, ...]:
    """The catalogs a target reads: its language, or every language of a multilingual output."""
    return (target.lang,) if target.lang else tuple(content.publication.languages)


def book_settings(content: Content):
    """The publication settings a book-like output shows: all but the handouts (editing a
    handout must not rebuild the handbook)."""
    import dataclasses

    return dataclasses.replace(content.publication, handouts=())


def whole_book(target: Target, content: Content) -> Inputs:
    """The inputs of an output that shows every entry (handbook, reader, web edition)."""
    return Inputs(
        entries=(*content.readings, *content.organisations),
        settings=book_settings(content),
        languages=every_language(target, content),
    )
