"""``refpub serve``: build the web edition, serve it on this computer, rebuild and reload on change.

The site is served from ``build/web/`` on 127.0.0.1 only. Every change the watcher of
``refpub build --watch`` sees rebuilds the web edition; pages opened in a browser ask the
server every second which build they show and reload when a newer one is there. The reload
script is added to the pages as they are served, never to the files of the build.
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from pathlib import Path
from urllib.parse import unquote

# A connection that sends nothing for this long is closed (a stalled or idle client holds a
# thread otherwise); pending connections the server queues before refusing more.
READ_TIMEOUT_SECONDS = 30
LISTEN_BACKLOG = 128

RELOAD_PATH = "/__refpub__/build"
# The page knows the build it was served from, so a rebuild that ends before its first question
# still reloads it.
RELOAD_SCRIPT = (
    '<script>(function(){var shown="%d";setInterval(function(){fetch(\'' + RELOAD_PATH + "',{cache:'no-store'})"
    ".then(function(r){return r.text()}).then(function(v){if(v!==shown)location.reload()})"
    ".catch(function(){})},1000)})();</script>"
)


class BuildCounter:
    """How many builds the server has seen; pages reload when it changes."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1


class _Handler(http.server.SimpleHTTPRequestHandler):
    counter: BuildCounter
    timeout = READ_TIMEOUT_SECONDS  # per connection: StreamRequestHandler sets it on the socket

    def __init__(self, *args, counter: BuildCounter, **kwargs):
        self.counter = counter
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # the console shows builds, not requests
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _bad_path(self) -> bool:
        """A request path no file can have (a NUL byte, a control character, a backslash)."""
        path = unquote(self.path.split("?")[0].split("#")[0], errors="strict")
        return any(ord(c) < 0x20 or c in "\\\x7f" for c in path)

    def do_GET(self):
        self._answer(self._get)

    def do_HEAD(self):
        self._answer(super().do_HEAD)

    def _answer(self, respond) -> None:
        """Answer 400 for a path no file can have, instead of failing on it."""
        try:
            if not self._bad_path():
                respond()
                return
        except (ValueError, UnicodeError):  # undecodable, or refused by the file system
            pass
        self.send_error(400, "Bad request path")

    def _get(self):
        if self.path.split("?")[0] == RELOAD_PATH:
            return self._send(str(self.counter.value).encode(), "text/plain; charset=utf-8")
        url_path = self.path.split("?")[0].split("#")[0]
        path = Path(self.translate_path(self.path))  # never outside the folder (".." removed)
        if path.is_dir() and url_path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_bytes()
            marker = b"</body>"
            if marker in html:
                script = RELOAD_SCRIPT % self.counter.value
                html = html.replace(marker, script.encode() + marker, 1)
            return self._send(html, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, data: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that went away (a closed tab, a reload mid-page) or timed out is not an error
        to print; anything else is a bug, printed once, without stopping the server."""
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)


def make_server(folder: Path, counter: BuildCounter, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server of ``folder`` on 127.0.0.1 (``port`` 0: any free port)."""
    handler = functools.partial(_Handler, directory=str(folder), counter=counter)
    return _Server(("127.0.0.1", port), handler)
