"""Laid-out parts of a book, kept between builds in ``build/.refpub-cache/``.

A part of the handbook (pdf/book.py) is one HTML document laid out and written to PDF on its
own; its pages depend on nothing but

- its HTML, which holds its entries, its translated strings, the page numbers it prints (the
  contents and the index) and where a cut chapter resumes;
- the files WeasyPrint reads while laying it out (stylesheets, images, fonts of the project),
  each checked against its digest before an entry is used;
- the installed fonts and the code that lays it out (refpub and the packages it renders with):
  the *salt* of every key.

So a part is looked up by a digest of its HTML and the salt, and an entry is used only when
every file it read is unchanged. Page numbers, running heads and "n / total" are drawn after
layout (pdf/furniture.py), so a part whose pages merely move is found again.

Each entry is the part's PDF, as written, and a JSON record: its pages' anchors and bookmarks
(for the join), where the next part resumes, the glyphs it draws with each font (the join
embeds each font once, pdf/subsets.py), and the files it read. The fonts themselves are
kept once each in ``fonts/``. Entries are written atomically, a damaged one is a miss, the
folder is safe to delete, and :func:`prune` keeps it under a size.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..building.fsio import TEMP_MARK, atomic_write_bytes, file_digest, is_stray
from ..content.project import PART_CACHE_FOLDER as CACHE_DIR  # noqa: F401 (re-exported; in the output folder)
from .subsets import FontSources, FontUse

FORMAT = "refpub-part-2"  # parts carry placeholder fonts (pdf/subsets.py, defer_embedding)
DEFAULT_LIMIT = 512 * 1024 * 1024  # bytes kept after a build (entries of older builds beyond it go)


@dataclass
class PageRecord:
    height_px: float
    anchors: dict[str, tuple[float, float]]  # name -> (x, y) in CSS px from the page's top left
    bookmarks: list[tuple[int, str, tuple[float, float], str]]

    def to_json(self) -> dict:
        return {
            "height": self.height_px,
            "anchors": [[name, x, y] for name, (x, y) in self.anchors.items()],
            "bookmarks": [[level, label, x, y, state] for level, label, (x, y), state in self.bookmarks],
        }

    @classmethod
    def from_json(cls, data: dict) -> PageRecord:
        return cls(
            float(data["height"]),
            {str(name): (float(x), float(y)) for name, x, y in data["anchors"]},
            [
                (int(level), str(label), (float(x), float(y)), str(state))
                for level, label, x, y, state in data["bookmarks"]
            ],
        )


@dataclass
class CachedPart:
    data: bytes  # the part's PDF
    pages: list[PageRecord]
    resume: int  # the item the next part starts from when this one cuts its chapter
    fonts: dict[str, FontUse]
    read: list[tuple[str, str]] = field(default_factory=list)  # (path, sha256) of files it read


class PartCache:
    def __init__(self, folder: Path, salt: str):
        self.folder = folder
        self.salt = salt
        self.sources = FontSources(folder / "fonts")
        self.hits = 0
        self.misses = 0

    def key(self, html: str, tagged: bool = True) -> str:
        digest = hashlib.sha256()
        for piece in (FORMAT, self.salt, "tagged" if tagged else "untagged"):
            digest.update(piece.encode("utf-8") + b"\0")
        digest.update(html.encode("utf-8"))
        return digest.hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / "parts" / key[:2] / key
        return base.with_suffix(".json"), base.with_suffix(".pdf")

    def get(self, key: str) -> CachedPart | None:
        """The part stored under ``key``, if it is whole and every file it read is unchanged."""
        record_path, pdf_path = self._paths(key)
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            if record.get("format") != FORMAT:
                raise ValueError("another format")
            data = pdf_path.read_bytes()
            if hashlib.sha256(data).hexdigest() != record["pdf"]:
                raise ValueError("damaged")
            read = [(str(path), str(sha)) for path, sha in record["read"]]
            if any(file_digest(path) != sha for path, sha in read):
                raise ValueError("a file it read has changed")
            fonts = {name: FontUse.from_json(use) for name, use in record["fonts"].items()}
            if not all(self.sources.has(use.source) for use in fonts.values() if use.mergeable):
                raise ValueError("a font it uses is not kept")
            part = CachedPart(
                data, [PageRecord.from_json(p) for p in record["pages"]], int(record["resume"]), fonts, read
            )
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        now = time.time()
        for path in (record_path, pdf_path):
            try:
                os.utime(path, (now, now))
            except OSError:
                pass
        for use in fonts.values():
            self.sources.touch(use.source)
        self.hits += 1
        return part

    def put(self, key: str, part: CachedPart) -> None:
        record_path, pdf_path = self._paths(key)
        try:
            record = {
                "format": FORMAT,
                "pdf": hashlib.sha256(part.data).hexdigest(),
                "resume": part.resume,
                "pages": [p.to_json() for p in part.pages],
                "fonts": {name: use.to_json() for name, use in sorted(part.fonts.items())},
                "read": [list(item) for item in part.read],
            }
            record_path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(pdf_path, part.data, durable=False)  # checked by its digest when read
            record_data = json.dumps(record, ensure_ascii=False).encode("utf-8")
            atomic_write_bytes(record_path, record_data, durable=False)
        except OSError:
            pass  # a cache that cannot be written only costs time


def files_read(paths) -> list[tuple[str, str]]:
    """(path, digest) of each file, sorted and once each."""
    found = []
    for path in sorted(set(str(p) for p in paths)):
        sha = file_digest(path)
        if sha is not None:
            found.append((path, sha))
    return found


def prune(folder: Path, limit: int = DEFAULT_LIMIT, since: float | None = None) -> int:
    """Remove the least recently used entries until the cache holds at most ``limit`` bytes;
    entries used at or after ``since`` (this build) stay. Then fonts no entry uses go, and what
    a killed build left half-written. Returns the number of entries removed."""
    parts = folder / "parts"
    if not parts.is_dir():
        return 0
    entries = _entries_oldest_first(parts)
    fonts_dir = folder / "fonts"
    font_files = {p.stem: p for p in fonts_dir.glob("*.font")} if fonts_dir.is_dir() else {}
    total = sum(e[1] for e in entries) + sum(_size(p) for p in font_files.values())
    removed = 0
    kept = []
    for mtime, size, record, pdf in entries:
        if total > limit and (since is None or mtime < since):
            _unlink(record, pdf)
            total -= size
            removed += 1
        else:
            kept.append(record)
    used = _fonts_used(kept)
    _unlink(*(path for digest, path in font_files.items() if digest not in used))
    _unlink(*(p for p in folder.rglob(f"*{TEMP_MARK}*") if is_stray(p.name)))  # of a build that was killed
    _unlink(*(p for p in parts.glob("*/*.pdf") if not p.with_suffix(".json").exists()))
    return removed


def _entries_oldest_first(parts: Path) -> list[tuple[float, int, Path, Path]]:
    """(last used, size, record, PDF) of each entry, least recently used first."""
    entries = []
    for record in parts.glob("*/*.json"):
        pdf = record.with_suffix(".pdf")
        try:
            stat = record.stat()
            size = stat.st_size + (pdf.stat().st_size if pdf.exists() else 0)
        except OSError:
            continue
        entries.append((stat.st_mtime, size, record, pdf))
    entries.sort(key=lambda e: e[0])
    return entries


def _fonts_used(records: list[Path]) -> set[str]:
    """The fonts (digests) the entries of ``records`` draw with."""
    used: set[str] = set()
    for record in records:
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            used.update(use["source"] for use in data["fonts"].values())
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return used


def _unlink(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
