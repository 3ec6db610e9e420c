"""One embedded subset per font in a PDF joined from parts, whatever order they were made in.

WeasyPrint embeds in each PDF it writes a subset of each font: the glyphs that PDF draws, at
their original glyph numbers (HarfBuzz's ``RETAIN_GIDS``), with their widths (``/W``) and text
(``/ToUnicode``). A book joined from parts (pdf/book.py) would repeat each font once per
part. Instead, the join embeds each font once, subset to the union of the glyphs of every part:

- while a part is written, :func:`record_fonts` notes for each font the glyphs it draws, their
  widths and text, and which font file they come from (a digest; the file's bytes are kept in
  :class:`FontSources`, and on disk with a cached part, see pdf/partcache.py);
- :func:`embed_once` then subsets each font file once (with HarfBuzz, as WeasyPrint does) and
  points every page at that one embedding.

The result depends only on the set of parts, never on the order they were laid out or on which
of them came from the cache, so a rebuild that lays out one part gives the same bytes as a
build that lays out all of them. A glyph drawn with slightly different rounded widths in two
parts, or with two texts (a space and a no-break space share a glyph), takes the first part's,
in page order.

Fonts that cannot be merged this way keep each part's own embedding (correct, only larger):
bitmap and colour fonts, variable fonts (WeasyPrint instantiates them while embedding), fonts
drawn inside forms (embedded whole) and fonts with characters they lack (their glyph numbers
for the missing characters are made up per PDF).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from math import ceil
from pathlib import Path

from ..building.fsio import atomic_write_bytes, file_digest
from ..content.project import DEFAULT_OUT, PART_CACHE_FOLDER

# Tables WeasyPrint drops from embedded fonts (weasyprint/pdf/fonts.py, _harfbuzz_subset).
_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


@dataclass
class FontUse:
    """What one PDF draws with one font (by its PDF name, e.g. ``/ABCDEF+Noto-Sans-CJK-JP``)."""

    name: str
    source: str  # sha256 of the font file
    index: int  # face in a collection (.ttc)
    mergeable: bool
    widths: dict[int, int] = field(default_factory=dict)
    to_unicode: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "source": self.source,
            "index": self.index,
            "mergeable": self.mergeable,
            "widths": [[glyph, width] for glyph, width in sorted(self.widths.items())],
            "to_unicode": [[glyph, text] for glyph, text in sorted(self.to_unicode.items())],
        }

    @classmethod
    def from_json(cls, data: dict) -> FontUse:
        return cls(
            data["name"],
            data["source"],
            int(data["index"]),
            bool(data["mergeable"]),
            {int(g): w for g, w in data["widths"]},
            {int(g): str(t) for g, t in data["to_unicode"]},
        )


class FontSources:
    """The font files parts were drawn with, by digest.

    With a ``folder`` (the part cache's), each file is stored there once and read back only
    while the join subsets it, so a process does not hold a copy of every font it has seen
    (a CJK font is about 20 MB); a part taken from the cache in a later build finds its fonts
    there. Without one, they are kept in memory for the one book being joined.
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self._data: dict[str, bytes] = {}
        self._stored: set[str] = set()  # on disk and checked, in this process

    def add(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()  # about 10 ms for a CJK font of 20 MB
        path = self._path(digest)
        if path is None:
            self._data.setdefault(digest, data)
        elif digest not in self._stored:
            if file_digest(path) != digest:  # absent or damaged
                try:
                    atomic_write_bytes(path, data, durable=False)  # checked by its digest when read
                except OSError:
                    self._data.setdefault(digest, data)  # a cache that cannot be written
                    return digest
            self._stored.add(digest)
        return digest

    def _path(self, digest: str) -> Path | None:
        return self.folder / f"{digest}.font" if self.folder is not None else None

    def has(self, digest: str) -> bool:
        if digest in self._data or digest in self._stored:
            return True
        path = self._path(digest)
        if path is not None and file_digest(path) == digest:
            self._stored.add(digest)
            return True
        return False

    def locate(self, digest: str) -> bytes | Path | None:
        """The font file: its path when it is stored (HarfBuzz then maps it instead of copying
        20 MB into memory), else its bytes."""
        path = self._path(digest)
        if path is not None and self.has(digest) and digest not in self._data:
            return path
        return self.get(digest)

    def get(self, digest: str) -> bytes | None:
        if digest in self._data:
            return self._data[digest]
        path = self._path(digest)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def touch(self, digest: str) -> None:
        path = self._path(digest)
        if path is not None:
            try:
                os.utime(path)
            except OSError:
                pass


# (description digest, face, size, head and tail of the file) -> the file's sha256, per process:
# each part's PDF brings a fresh copy of every font file, and hashing a CJK font takes ~10 ms.
_DIGESTS: dict[tuple, str] = {}


def _source(font, sources: FontSources) -> str:
    data = font.file_content
    key = (font.hash, font.index, len(data), data[:4096], data[-4096:])
    digest = _DIGESTS.get(key)
    if digest is None or not sources.has(digest):
        digest = _DIGESTS[key] = sources.add(data)
    return digest


def _pdf_name(font) -> str:
    """A WeasyPrint font's name in the PDF (``/ABCDEF+Noto-Sans-CJK-JP``), as pikepdf shows it."""
    return font.name.decode("latin-1") if isinstance(font.name, bytes) else str(font.name)


def record_fonts(fonts, sources: FontSources) -> dict[str, FontUse]:
    """The fonts of one PDF being written (WeasyPrint's ``Font`` objects, before they are
    subset), as :class:`FontUse` records."""
    uses: dict[str, FontUse] = {}
    for font in fonts.values():
        name = _pdf_name(font)
        mergeable = not (
            font.bitmap
            or font.used_in_forms
            or font.missing
            or font.png
            or font.svg
            or getattr(font, "colr", False)
            or "fvar" in font.tables
        )
        use = uses.get(name)
        if use is None:
            use = uses[name] = FontUse(name, _source(font, sources), font.index, mergeable)
        use.mergeable = use.mergeable and mergeable
        for glyph, width in font.widths.items():
            use.widths.setdefault(glyph, width)
        for glyph, text in font.to_unicode.items():
            use.to_unicode.setdefault(glyph, text)
    return uses


def subset_program(source: bytes | Path, index: int, glyphs: set[int]) -> bytes:
    """The font file ``source`` (its bytes or path; face ``index``) cut down to ``glyphs``,
    keeping their numbers: HarfBuzz with the flags and dropped tables WeasyPrint uses (no
    hinting)."""
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(source) if isinstance(source, Path) else hb.Blob(source)
    face = hb.Face(blob, index)
    first = hb.SubsetInput()
    first.glyph_set.update(sorted(glyphs))
    first.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    for tag in _DROPPED_TABLES:
        first.sets(hb.SubsetInputSets.DROP_TABLE_TAG).add(_tag(tag))
    kept = hb.subset(face, first)
    # Then without the empty glyphs after the last one used.
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(glyphs) + 1))
    second.flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING
    return hb.subset(kept, second).blob.data


def _tag(name: str) -> int:
    raw = name.encode("ascii").ljust(4)
    return int.from_bytes(raw, "big")


def defer_embedding(fonts, uses: dict[str, FontUse]) -> None:
    """Let WeasyPrint embed only a placeholder of each mergeable font in a part's PDF.

    :func:`embed_once` replaces the program, widths and text of every such font when the parts
    are joined, so subsetting it per part (HarfBuzz, ToUnicode) would be thrown away. The
    placeholder is the tag by which WeasyPrint tells a CFF subset from a TrueType one (taken
    from the face's tables: a collection's file starts with neither).
    """
    for font in fonts.values():
        name = _pdf_name(font)
        use = uses.get(name)
        if use is not None and use.mergeable:
            cff = "CFF " in font.tables or "CFF2" in font.tables
            font.file_content = b"OTTO" if cff else b"\x00\x01\x00\x00"
            font.clean = _no_cleaning


def _no_cleaning(to_unicode, hinting) -> None:
    return None


def embed_once(out, page_uses: list[dict[str, FontUse]], furniture: dict[str, FontUse], sources: FontSources) -> None:
    """Point every page of the joined PDF ``out`` at one embedding of each mergeable font.

    ``page_uses[i]``: what the part of page ``i`` draws (the same mapping for every page of a
    part); ``furniture``: what the page furniture drawn on every page draws. A font is merged
    by its name and file, so two files that share a name are embedded apart.
    """
    from pikepdf import Name

    from ..errors import BuildError

    merged: dict[tuple[str, str, int], FontUse] = {}
    seen: set[int] = set()
    for uses in [*page_uses, furniture]:
        if id(uses) in seen:
            continue
        seen.add(id(uses))
        for use in uses.values():
            if not use.mergeable:
                continue
            union = merged.setdefault((use.name, use.source, use.index), FontUse(use.name, use.source, use.index, True))
            for glyph, width in use.widths.items():
                union.widths.setdefault(glyph, width)
            for glyph, text in use.to_unicode.items():
                union.to_unicode.setdefault(glyph, text)

    embedded: dict[tuple[str, str, int], object] = {}
    for page, uses in zip(out.pages, page_uses):
        for resources in _resources(page.obj):
            fonts = resources.get("/Font")
            if fonts is None:
                continue
            for key in list(fonts.keys()):
                font = fonts[key]
                name = str(font.get("/BaseFont"))
                drawn = uses.get(name) or furniture.get(name)
                if drawn is None or not drawn.mergeable:
                    continue
                if font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name("/Identity-H"):
                    continue
                ident = (drawn.name, drawn.source, drawn.index)
                if ident not in embedded:
                    union = merged[ident]
                    source = sources.locate(drawn.source)
                    if source is None:
                        raise BuildError(
                            f"the font file of {name.lstrip('/')} is no longer in the part cache; "
                            f"delete {DEFAULT_OUT}/{PART_CACHE_FOLDER} and build again"
                        )
                    glyphs = set(union.to_unicode) or {0}
                    _rewrite(out, font, union, subset_program(source, drawn.index, glyphs))
                    embedded[ident] = font
                fonts[key] = embedded[ident]


def _rewrite(out, font, use: FontUse, program: bytes) -> None:
    """Make the Type0 ``font`` (one part's embedding) the book's: ``use``'s glyphs, one program."""
    from pikepdf import Array, Name, Stream

    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    widths = use.widths
    array = Array()
    run = None
    for glyph in sorted(widths):
        if glyph - 1 not in widths or run is None:
            run = Array()
            array.append(glyph)
            array.append(run)
        run.append(widths[glyph])
    descendant.W = array

    key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
    stream = Stream(out, program)
    if key == "/FontFile3":
        stream.Subtype = Name.OpenType
    else:
        stream.Length1 = len(program)
    descriptor[key] = stream
    max_x = max(widths.values()) if widths else 0
    bbox = descriptor.FontBBox
    descriptor.FontBBox = Array([0, bbox[1], max_x, bbox[3]])
    flags = int(descriptor.Flags) & ~1
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= 1  # FixedPitch
    descriptor.Flags = flags
    if "/CIDSet" in descriptor:
        del descriptor["/CIDSet"]  # only for PDF 1.4 and older; it would list the part's glyphs
    font.ToUnicode = Stream(out, _to_unicode_cmap(use.to_unicode))


def _to_unicode_cmap(to_unicode: dict[int, str]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes it (bfchar batches of 100)."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(to_unicode.items())
    for i in range(ceil(len(items) / 100)):
        batch = items[i * 100 : (i + 1) * 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for glyph, text in batch:
            lines.append(f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode())
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _resources(obj):
    """The resource dictionaries of a page or form, and of the forms it draws."""
    resources = obj.get("/Resources")
    if resources is None:
        return
    yield resources
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _resources(xobject)
