"""What a renderer may read: the project's own files and the packaged templates, nothing else.

WeasyPrint is given :class:`ProjectFetcher`. Every URL that is not a ``data:`` URI or a file
inside an allowed folder (no network, no ``file:`` outside, no redirects) stops the rendering
with :class:`ResourceRefused`, which the exporter turns into a clear build error.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class ResourceRefused(FatalURLFetchingError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ProjectFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.allowed_roots = [Path(r).resolve() for r in allowed_roots]

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ResourceRefused(url, "only the project's own files may be used (no network access)")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path == root or root in path.parents for root in self.allowed_roots):
            raise ResourceRefused(url, "is outside the project and its templates")
        if not path.is_file():
            raise ResourceRefused(url, "no such file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
