"""A long PDF laid out in parts: memory bounded by the part, time linear in the entries.

WeasyPrint keeps every laid-out page of a document in memory until the PDF is written (about
1.3 MB a page), and some of its layout work grows faster than the page count. A book is
therefore laid out as a series of small documents, each written to PDF at once and dropped,
and the PDFs are joined into one tagged PDF at the end (pikepdf):

1. *Body parts*: consecutive chapters, up to ``budget`` items (articles) per part; a part ends
   where a chapter ends (chapters start on a new page). A chapter longer than that is cut
   between items; the cut part's last pages are laid out again by the next part (from an item
   that starts at the top of a page), so the pages are the ones one long document would have
   had.
2. *Front matter* (cover, contents) is laid out once the page of every chapter is known; the
   numbers are printed from that layout (``data-page``), the links are joined in step 5.
3. *Back matter* (the index) likewise, after the front matter has its page count.
4. *Page furniture*: running headers and "n / total" are laid out as one document of empty
   pages (the same stylesheet's margin boxes) and drawn onto each page as an artifact, since
   the total is only known at the end.
5. *Joining*: pages, structure tree (WeasyPrint tags each page's boxes separately, so the parts'
   trees are concatenated), named destinations, outline (rebuilt from the bookmarks of every
   page, so a chapter cut between parts stays one branch), links between parts (written as
   ``refpub-anchor:`` URIs and turned into named destinations), metadata of the first part,
   and each font embedded once, subset to the glyphs of every part (pdf/subsets.py).

A part is looked up in the part cache (pdf/partcache.py) before it is laid out: a rebuild
after one edit lays out the parts whose HTML changed and takes the others as they were. The
joined PDF is the same whichever parts came from the cache.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError
from .furniture import draw_as_artifact, save
from .partcache import CachedPart, PageRecord, PartCache, files_read
from .subsets import FontSources, FontUse, defer_embedding, embed_once, record_fonts
from .tagging import fonts_seen_by
from .writer import PdfResult, release_memory, render_document, write_pdf

ANCHOR_SCHEME = "refpub-anchor:"  # links between parts; resolved when the parts are joined
PX_TO_PT = 0.75


@dataclass(frozen=True)
class Chapter:
    """A run of items that starts on a new page: a section of readings, the organisations…"""

    kind: str  # the template's name for it
    anchor: str  # id of the chapter's element, for the contents and the outline
    running: str  # running header on its pages
    items: Sequence  # each has an ``anchor``
    data: object = None  # anything else the template needs (e.g. the section's view)
    back: bool = False  # back matter: printed after the front matter knows the page numbers
    weight: float = 1.0  # how much of a part's budget each item takes (parts of about equal length)


@dataclass(frozen=True)
class Slice:
    chapter: Chapter
    start: int
    stop: int

    @property
    def opens(self) -> bool:
        return self.start == 0

    @property
    def items(self) -> Sequence:
        return self.chapter.items[self.start : self.stop]


@dataclass
class Part:
    """What one document of the book holds; the template reads it as ``part``."""

    front: bool = False
    slices: tuple[Slice, ...] = ()
    pages: Mapping[str, int] | None = None  # anchor -> printed page number, once known
    whole: bool = False  # everything in one document (inspection, tests): plain #links

    def href(self, anchor: str) -> str:
        return f"#{anchor}" if self.whole else f"{ANCHOR_SCHEME}{anchor}"

    def page(self, anchor: str) -> str:
        """The printed page number of ``anchor``; empty when not known (target-counter then)."""
        if self.pages is None:
            return ""
        return str(self.pages.get(anchor, ""))


@dataclass
class _Written:
    """One part as written: its PDF, its pages' anchors and bookmarks, the glyphs it draws."""

    data: bytes
    pages: list[PageRecord]
    fonts: dict[str, FontUse]
    resume: int = 0  # the item the next part starts from, when this part cuts its chapter
    openings: dict[str, str] = field(default_factory=dict)  # anchor of a chapter it opens -> its running head
    runnings: list[str | None] = field(default_factory=list)  # running header per page (None: none)


class BookRenderer:
    """Lays out and joins the parts of one book.

    ``render_part(part) -> html`` renders a part with the book's template,
    ``render_furniture(runnings) -> html`` the document of empty pages with the margin boxes.
    With a ``cache`` (pdf/partcache.py), a part whose HTML and files are unchanged since an
    earlier build is taken from it instead of being laid out again.
    """

    def __init__(
        self,
        render_part: Callable[[Part], str],
        render_furniture: Callable[[list[str | None]], str],
        resource_roots: list[Path],
        base_dir: Path,
        budget: int = 400,
        cache: PartCache | None = None,
        workers: int = 1,
    ):
        self.render_part = render_part
        self.render_furniture = render_furniture
        self.resource_roots = resource_roots
        self.base_dir = base_dir
        self.budget = max(1, budget)
        self.cache = cache
        self.workers = workers
        self.sources = cache.sources if cache is not None else FontSources()
        self._font_config = None
        self.laid_out = 0  # parts laid out by this renderer (the others came from the cache)
        self.reused = 0

    # ------------------------------------------------------------------ laying out

    def _layout(self, html: str):
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            self._font_config = FontConfiguration()
        return render_document(html, self.resource_roots, self.base_dir, font_config=self._font_config)

    def _part(self, html: str, keep: Callable[[Any], tuple[int, int] | None], tagged: bool = True) -> _Written | None:
        """The part laid out from ``html``, from the cache when it is there.

        ``keep(document) -> (pages to keep, item to resume from)``, or None when the part must
        be laid out longer (then None is returned and nothing is kept).
        """
        key = self.cache.key(html, tagged) if self.cache is not None else ""
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            self.reused += 1
            return _Written(cached.data, cached.pages, cached.fonts, cached.resume)
        document = self._layout(html)
        kept = keep(document)
        if kept is None:
            return None
        count, resume = kept
        self.laid_out += 1
        pages = document.pages[:count]
        chosen = document.copy(pages) if count != len(document.pages) else document
        fonts: dict[str, FontUse] = {}

        def record(seen) -> None:
            fonts.update(record_fonts(seen, self.sources))
            defer_embedding(seen, fonts)

        with fonts_seen_by(record):
            data = write_pdf(chosen, "", tagged=tagged)
        records = [
            PageRecord(
                page.height,
                {name: (box[0], box[1]) for name, box in page.anchors.items()},
                list(page.bookmarks),
            )
            for page in pages
        ]
        written = _Written(data, records, fonts, resume)
        if self.cache is not None:
            read = files_read(getattr(document, "fetched_files", ()))
            self.cache.put(key, CachedPart(data, records, resume, fonts, read))
        del document, chosen, pages
        release_memory()
        return written

    def _units(self, chapters: Sequence[Chapter]) -> list[list[Chapter]]:
        """``chapters`` in units laid out independently of each other, in order: consecutive
        chapters of ``budget`` items at most (each counted with its chapter's weight: one part),
        or one longer chapter (cut into parts as it is laid out). Chapters start on a new page,
        so nothing carries over between units.
        """
        units: list[list[Chapter]] = []
        current: list[Chapter] = []
        count = 0.0
        for chapter in chapters:
            size = len(chapter.items) * chapter.weight
            if current and (count + size > self.budget or size > self.budget):
                units.append(current)
                current, count = [], 0.0
            current.append(chapter)
            count += size
        if current:
            units.append(current)
        return units

    def _step(self, chapter: Chapter) -> int:
        """How many of ``chapter``'s items a part of it holds."""
        return max(1, round(self.budget / chapter.weight))

    def _unit(self, unit: list[Chapter], pages: Mapping[str, int] | None) -> list[_Written]:
        """Lay out one unit; a chapter longer than the budget is cut between items."""
        if len(unit) > 1 or len(unit[0].items) <= self._step(unit[0]):
            slices = [Slice(chapter, 0, len(chapter.items)) for chapter in unit]
            part = self._lay_out_slices(slices, pages)
            part.openings = {c.anchor: c.running for c in unit}
            return [part]
        chapter = unit[0]
        written: list[_Written] = []
        start = 0
        while start < len(chapter.items):
            slices = [Slice(chapter, start, min(len(chapter.items), start + self._step(chapter)))]
            part = self._lay_out_slices(slices, pages)
            part.openings = {chapter.anchor: chapter.running} if start == 0 else {}
            written.append(part)
            last = slices[-1]  # possibly lengthened
            start = part.resume if last.stop < len(chapter.items) else len(chapter.items)
        return written

    def _chapters(self, chapters: Sequence[Chapter], pages: Mapping[str, int] | None) -> list[_Written]:
        """Lay out ``chapters`` in parts of about ``budget`` items, in ``workers`` processes
        when there are several (and a cache, through which they share the fonts)."""
        units = self._units(chapters)
        if self.workers > 1 and self.cache is not None and len(units) > 1:
            done = _in_workers(self, units, pages)
        else:
            done = [self._unit(unit, pages) for unit in units]
        return [part for parts in done for part in parts]

    def _lay_out_slices(self, slices: list[Slice], pages) -> _Written:
        """Lay out a part (``slices`` may be lengthened in place).

        When the last slice cuts its chapter, the pages from the last one whose top is the start
        of an item are dropped and laid out again by the next part (from that item). The cut
        slice is lengthened until such a page exists (or the chapter ends), so that the next
        part never starts where one document would not have started a page.
        """
        while True:
            last = slices[-1]

            def keep(document, last=last):
                if last.stop >= len(last.chapter.items):
                    return len(document.pages), 0
                return _resume_point(document.pages, last)

            part = self._part(self.render_part(Part(slices=tuple(slices), pages=pages)), keep)
            if part is not None:
                return part
            step = self._step(last.chapter)
            slices[-1] = Slice(last.chapter, last.start, min(len(last.chapter.items), last.stop + step))

    def _front(self, pages: Mapping[str, int]) -> _Written:
        """The front matter numbered with ``pages``."""
        front = self._part(self.render_part(Part(front=True, pages=pages)), lambda document: (len(document.pages), 0))
        assert front is not None
        front.runnings = [None] + [""] * (len(front.pages) - 1)  # no furniture on the cover
        return front

    # ------------------------------------------------------------------ the book

    def lay_out_body(self, chapters: Sequence[Chapter]) -> list[_Written]:
        """The body (every chapter but the back matter) laid out here, in ``workers`` processes
        when there are several; then :meth:`finish`."""
        return self._chapters(_body(chapters), None)

    def body_units(self, chapters: Sequence[Chapter]) -> list[list[Chapter]]:
        """The body's units (see :meth:`_units`), which can be laid out in any order, in any
        process: :meth:`lay_out_unit` each, then :meth:`finish` with their parts in order."""
        return self._units(_body(chapters))

    def lay_out_unit(self, unit: list[Chapter]) -> list[_Written]:
        return self._unit(unit, None)

    def finish(self, chapters: Sequence[Chapter], body: list[_Written]) -> PdfResult:
        """The book from its laid-out body: the back matter and the front matter numbered, the
        page furniture, the join."""
        body_pages = _anchor_pages(body, first=1)
        body_count = sum(len(w.pages) for w in body)
        front_count = 2  # a cover and one page of contents; laid out again if the contents are longer
        for _ in range(4):
            pages = {name: page + front_count for name, page in body_pages.items()}
            back = self._chapters([c for c in chapters if c.back], pages)
            for name, page in _anchor_pages(back, first=body_count + 1).items():
                pages.setdefault(name, page + front_count)
            front = self._front(pages)
            if len(front.pages) == front_count:
                break
            front_count = len(front.pages)
        else:
            raise BuildError("the contents pages could not be numbered: their length changes with the numbers")
        parts = [front, *body, *back]
        _set_runnings([*body, *back])
        runnings = [r for w in parts for r in w.runnings]
        furniture = self._part(self.render_furniture(runnings), lambda d: (len(d.pages), 0), tagged=False)
        assert furniture is not None
        if len(furniture.pages) != len(runnings):
            raise BuildError(
                f"the page furniture has {len(furniture.pages)} pages for a book of {len(runnings)}; "
                "check the margin boxes of handbook.css"
            )
        data = join(parts, furniture, self.sources)
        del parts, body, back, front, furniture
        release_memory(force=True)  # the join's copies of every page
        return PdfResult(data, len(runnings))


def _body(chapters: Sequence[Chapter]) -> list[Chapter]:
    return [c for c in chapters if not c.back]


def _set_runnings(parts: list[_Written]) -> None:
    """The running header of each page: the title of the last chapter opened on or before it."""
    running = ""
    for part in parts:
        part.runnings = []
        for page in part.pages:
            for name in page.anchors:
                if name in part.openings:
                    running = part.openings[name]
            part.runnings.append(running)


# The renderer, units and page numbers of the book being laid out in forked workers (inherited,
# never pickled: the renderer holds the templates' closures).
_FORKED: dict = {}


def _in_workers(renderer: BookRenderer, units: list[list[Chapter]], pages) -> list[list[_Written]]:
    """Lay out the units in forked worker processes; their parts come back in order.

    Each worker writes the fonts it draws with into the cache's folder, where the join reads
    them (pdf/subsets.py), so the bytes are those of a build in one process.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from ..building.stopping import die_with_parent, stop_pool

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return [renderer._unit(unit, pages) for unit in units]
    _FORKED.update(renderer=renderer, units=units, pages=pages)
    try:
        with ProcessPoolExecutor(
            max_workers=min(renderer.workers, len(units)),
            mp_context=context,
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            try:
                results = list(pool.map(_unit_in_worker, range(len(units))))
            except BaseException:
                stop_pool(pool)
                raise
    finally:
        _FORKED.clear()
    for _, laid_out, reused in results:
        renderer.laid_out += laid_out
        renderer.reused += reused
    return [parts for parts, _, _ in results]


def _unit_in_worker(index: int) -> tuple[list[_Written], int, int]:
    renderer = _FORKED["renderer"]
    before = renderer.laid_out, renderer.reused
    parts = renderer._unit(_FORKED["units"][index], _FORKED["pages"])
    return parts, renderer.laid_out - before[0], renderer.reused - before[1]


def _anchor_pages(written: list[_Written], first: int) -> dict[str, int]:
    numbers: dict[str, int] = {}
    page_number = first
    for w in written:
        for page in w.pages:
            for name in page.anchors:
                numbers.setdefault(name, page_number)
            page_number += 1
    return numbers


def _resume_point(pages, last: Slice) -> tuple[int, int] | None:
    """Where the next part starts when ``last`` is cut: (pages to keep, first item of the next part).

    The last page (after the first) whose top is the start of one of ``last``'s items: it is
    dropped and laid out again in the next part, from that item, so nothing is cut or moved.
    """
    positions = {item.anchor: last.start + i for i, item in enumerate(last.items)}
    for index in range(len(pages) - 1, 0, -1):
        page = pages[index]
        starts = [(box[1], positions[name]) for name, box in page.anchors.items() if name in positions]
        if not starts:
            continue
        y, item = min(starts)
        # Not the part's last item: where it goes depends on what follows it, which this part
        # does not hold (at the end of a document its bottom margin is not dropped at a page
        # end); so neither that page nor the one before it is final.
        if last.start < item < last.stop - 1 and abs(y - _content_top(page)) < 1:
            return index, item
    return None


def _content_top(page) -> float:
    box = page._page_box
    return box.margin_top + box.padding_top + box.border_top_width


# ----------------------------------------------------------------------------- joining


class _Joined:
    """The book being joined: its PDF, its Document structure element, the ParentTree entries
    of its pages and of its link annotations, and its named destinations."""

    def __init__(self):
        import pikepdf
        from pikepdf import Array, Dictionary, Name

        self.out = pikepdf.new()
        self.document = self.out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.nums: list = []  # ParentTree: page number -> its marked content's elements
        self.annotations: list = []  # (annotation, its element), numbered after the pages
        self.dests = pikepdf.NameTree.new(self.out)

    def append(self, pdf) -> None:
        """A part's pages, structure elements, ParentTree entries and destinations, after the others'."""
        import pikepdf

        out = self.out
        offset = len(out.pages)
        tree = pdf.Root.StructTreeRoot
        parent_tree = dict(pikepdf.NumberTree(tree.ParentTree).items())
        elements = list(tree.K[0].K)
        for element in elements:
            del element["/P"]  # re-parented below; not copied with the part's whole tree
        out.pages.extend(pdf.pages)
        for element in elements:
            copied = _copy(out, pdf, element)
            copied.P = self.document
            self.document.K.append(copied)
        for index in range(len(pdf.pages)):
            page = out.pages[offset + index]
            self.nums.append((offset + index, _copy(out, pdf, parent_tree[index])))
            page.obj.StructParents = offset + index
            for annotation in page.obj.get("/Annots", []):
                old = int(annotation.get("/StructParent", -1))
                if old >= 0:
                    self.annotations.append((annotation, _copy(out, pdf, parent_tree[old])))
        names = pdf.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, dest in pikepdf.NameTree(names.Dests).items():
                if name not in self.dests:
                    self.dests[name] = _copy(out, pdf, dest)

    def number_annotations(self) -> None:
        """Link annotations numbered after the pages in the ParentTree; links between parts
        (``refpub-anchor:``) become links to named destinations."""
        from pikepdf import String

        for key, (annotation, element) in enumerate(self.annotations, start=len(self.out.pages)):
            annotation.StructParent = key
            self.nums.append((key, element))
            action = annotation.get("/A")
            if action is not None and str(action.get("/URI", "")).startswith(ANCHOR_SCHEME):
                name = str(action.URI)[len(ANCHOR_SCHEME) :]
                del annotation["/A"]
                annotation.Dest = String(name)
                if "/Contents" not in annotation:  # the link's own description (pdf/tagging.py) stays
                    annotation.Contents = String(name)

    def finish_structure(self) -> None:
        """The StructTreeRoot over the Document element, with the joined ParentTree."""
        import pikepdf
        from pikepdf import Array, Dictionary, Name

        out = self.out
        joined_tree = pikepdf.NumberTree.new(out)
        for number, value in self.nums:
            joined_tree[number] = value
        out.Root.StructTreeRoot = out.make_indirect(
            Dictionary(
                Type=Name.StructTreeRoot,
                K=Array([self.document]),
                ParentTree=joined_tree.obj,
                ParentTreeNextKey=len(self.nums),
            )
        )
        self.document.P = out.Root.StructTreeRoot
        out.Root.Names = Dictionary(Dests=self.dests.obj)

    def take_document_info(self, first) -> None:
        """The catalog entries (language, MarkInfo, viewer preferences, XMP) and the document
        information of the first part."""
        out = self.out
        for root_key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode"):
            if root_key in first.Root:
                out.Root[root_key] = _copy(out, first, first.Root[root_key])
        for info_key, value in first.docinfo.items():
            out.docinfo[info_key] = _copy(out, first, value)


def join(parts: list[_Written], furniture_part: _Written, sources: FontSources) -> bytes:
    """The parts as one tagged PDF: pages, structure, links, outline, furniture, fonts once."""
    import pikepdf
    from pikepdf import Name

    opened = [pikepdf.open(io.BytesIO(p.data)) for p in parts]
    furniture = pikepdf.open(io.BytesIO(furniture_part.data))
    joined = _Joined()
    for pdf in opened:
        joined.append(pdf)
    joined.number_annotations()
    joined.finish_structure()
    joined.take_document_info(opened[0])
    out = joined.out
    if _outline(out, parts):
        out.Root.PageMode = Name.UseOutlines
    draw_as_artifact(out, furniture)
    embed_once(out, [p.fonts for p in parts for _ in p.pages], furniture_part.fonts, sources)
    return save(out, min_version=opened[0].pdf_version)


def _copy(out, pdf, obj):
    """``obj`` of ``pdf`` copied into ``out`` (references to pages already copied are kept)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object):
        return obj
    if not obj.is_indirect:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
            return obj  # a number, string or name: copied by value
        obj = pdf.make_indirect(obj)
    return out.copy_foreign(obj)


def _outline(out, parts: list[_Written]) -> bool:
    import pikepdf

    count = 0
    with out.open_outline() as outline:
        stack: list[tuple[int, list]] = [(0, outline.root)]
        index = 0
        for written in parts:
            for page in written.pages:
                for level, label, (x, y), state in page.bookmarks:
                    item = pikepdf.OutlineItem(
                        label, index, "XYZ", left=x * PX_TO_PT, top=(page.height_px - y) * PX_TO_PT
                    )
                    item.is_closed = state == "closed"
                    while stack[-1][0] >= level:
                        stack.pop()
                    stack[-1][1].append(item)
                    stack.append((level, item.children))
                    count += 1
                index += 1
    return count > 0


__all__ = ["ANCHOR_SCHEME", "BookRenderer", "Chapter", "Part", "Slice"]
