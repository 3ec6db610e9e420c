"""What a renderer may read: the project's own files and the packaged templates, nothing else.

WeasyPrint is given :class:`ProjectFetcher`. Every URL that is not a ``data:`` URI or a file
inside an allowed folder (no network, no ``file:`` outside, no redirects) stops the rendering
with :class:`ResourceRefused`, which the exporter turns into a clear build error. Paths are
resolved before they are compared, so a symbolic link inside the project that points outside
it is refused like the outside path itself.

WeasyPrint catches some fetch errors itself (an ``<image>`` inside an SVG, for one) and goes
on without the resource; the fetcher keeps every refusal in :attr:`ProjectFetcher.refused`
so the renderer can still fail the build for it.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..content.project import is_within


class ResourceRefused(FatalURLFetchingError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ProjectFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.allowed_roots = [Path(r).resolve() for r in allowed_roots]
        self.refused: list[ResourceRefused] = []
        self.fetched: list[Path] = []  # the files read (the part cache checks them, pdf/partcache.py)

    def fetch(self, url, headers=None):
        try:
            return self._fetch(url, headers)
        except ResourceRefused as exc:
            self.refused.append(exc)
            raise

    def _fetch(self, url, headers):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ResourceRefused(
                url, "is not a file of the project; only the project's own files may be used (no network access)"
            )
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused(url, "names another machine; only the project's own files may be used")
        path = Path(unquote(parts.path)).resolve()
        if not is_within(path, self.allowed_roots):
            raise ResourceRefused(url, "is outside the project and its templates")
        if not path.is_file():
            raise ResourceRefused(url, "does not exist")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.fetched.append(path)
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


# ----------------------------------------------------------------------------- e-books

# Attributes through which a reading system loads something (as opposed to a link the reader
# may follow). <a href> is a link; everything else here fetches.
_FETCHING_ATTRIBUTES = {
    "src",
    "srcset",
    "data",
    "poster",
    "background",
    "longdesc",
    "usemap",
    "formaction",
    "manifest",
    "codebase",
    "archive",
    "cite",
    "action",
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)


def foreign_references(data: bytes, filename: str, own_files: set[str]) -> list[str]:
    """Resources an e-book document loads that are not files of the book itself.

    A reading system would fetch them from the network or from the reader's device; refpub's
    e-books embed only what they generate, so any such reference is a build error. Links the
    reader follows (``<a href>`` to http, https or mailto) are not resources and are allowed.
    """
    if filename.endswith(".css"):
        references = _css_references(data.decode("utf-8", errors="replace"))
    else:
        references = _document_references(data)
    return [ref for ref in (r.strip() for r in references) if _is_foreign(ref, own_files)]


def _is_foreign(ref: str, own_files: set[str]) -> bool:
    if not ref or ref.startswith("#") or ref.lower().startswith("data:"):
        return False  # a fragment of the same document, or data carried inline
    target = ref.split("#", 1)[0].split("?", 1)[0]
    return ":" in target.split("/", 1)[0] or target.startswith("/") or target not in own_files


def _css_references(css: str) -> Iterator[str]:
    """What ``url(…)`` and ``@import`` in a stylesheet load."""
    for m in _CSS_URL.finditer(css):
        yield m.group(2) if m.group(2) is not None else m.group(4)


def _document_references(data: bytes) -> Iterator[str]:
    """What the elements of an XHTML or SVG document load: their attributes and style sheets."""
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname
        for name, value in element.attrib.items():
            yield from _attribute_references(tag, etree.QName(name).localname, value)
        if tag == "style" and element.text:
            yield from _css_references(element.text)


def _attribute_references(tag: str, local: str, value: str) -> Iterator[str]:
    if local in _FETCHING_ATTRIBUTES:
        for part in value.split(",") if local == "srcset" else [value]:
            yield part.strip().split(" ", 1)[0]
    elif local == "href" and tag != "a":  # <link>, <image>, <use>, <base>: they load
        yield value
    elif local == "style":
        yield from _css_references(value)
