"""`refpub serve` facing odd clients (issue 30): a path no file can have is answered 400, a
client that goes away is not an error, idle connections time out, --port is checked."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time

import pytest

from refpub.commands.serve import LISTEN_BACKLOG, READ_TIMEOUT_SECONDS, BuildCounter, make_server

from support import run_cli


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    (tmp_path / "a.css").write_text("body {}", encoding="utf-8")
    srv = make_server(tmp_path, BuildCounter(), 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _get(srv, path: str, method: str = "GET") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
    connection.request(method, path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.css", "/%0a", "/..%5c..%5cetc%5cpasswd", "/%ff%fe"])
def test_a_path_no_file_can_have_is_a_bad_request(server, path, capfd):
    assert _get(server, path) == 400
    assert _get(server, path, "HEAD") == 400
    assert _get(server, "/") == 200
    assert _get(server, "/a.css") == 200
    assert "Traceback" not in capfd.readouterr().err


def test_clients_that_go_away_are_not_errors(server, capfd):
    port = server.server_address[1]
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not close
        s.close()
    time.sleep(0.5)
    assert _get(server, "/") == 200
    assert "Traceback" not in capfd.readouterr().err


def test_each_connection_has_a_read_timeout_and_the_backlog_is_larger():
    assert 0 < READ_TIMEOUT_SECONDS <= 60
    assert LISTEN_BACKLOG >= 64
    srv = make_server(__import__("pathlib").Path("."), BuildCounter(), 0)
    try:
        assert srv.request_queue_size == LISTEN_BACKLOG
        assert srv.RequestHandlerClass.func.timeout == READ_TIMEOUT_SECONDS
    finally:
        srv.server_close()


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_the_port_is_checked_by_the_parser(port):
    proc = run_cli("serve", "--port", port)
    assert proc.returncode == 2
    assert "argument --port" in proc.stderr
    assert "Traceback" not in proc.stderr
