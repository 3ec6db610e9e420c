"""`refpub build --watch`: a change is rebuilt within seconds, a mistake is reported without
stopping, and Ctrl-C ends the watcher cleanly. Every wait is bounded."""

from __future__ import annotations

import io
import queue
import signal
import subprocess
import threading
import time

import pytest

from refpub.building.watch import EVERYTHING, Affected, affected_by, combine, is_relevant, watch
from refpub.cli.console import PlainConsole

from support import REPO, refpub_command

TIMEOUT = 30.0


def test_what_a_change_affects(tmp_path):
    root = tmp_path
    assert affected_by(root, root / "content/readings.yaml") == EVERYTHING
    assert affected_by(root, root / "content/publication.yaml") == EVERYTHING
    assert affected_by(root, root / "locales/ja/LC_MESSAGES/content.po") == Affected(langs=frozenset({"ja"}))
    assert affected_by(root, root / "templates/handbook.css") == Affected(only=frozenset({"handbook"}))
    assert affected_by(root, root / "templates/_handout.html") == Affected(only=frozenset({"handouts"}))
    assert affected_by(root, root / "templates/reader/reader.css") == Affected(only=frozenset({"reader"}))
    assert affected_by(root, root / "templates/_macros.html") == EVERYTHING
    assert is_relevant(root, root / "content/readings.yaml")
    assert not is_relevant(root, root / "build/handbook-en.pdf")
    assert not is_relevant(root, root / "content/.readings.yaml.swp")
    assert not is_relevant(root, root / "locales/content.pot")


def test_changes_combine_into_one_rebuild():
    ja, fr = Affected(langs=frozenset({"ja"})), Affected(langs=frozenset({"fr"}))
    handbook = Affected(only=frozenset({"handbook"}))
    assert combine([]) is None
    assert combine([ja, fr]) == Affected(langs=frozenset({"ja", "fr"}))
    assert combine([handbook, Affected(only=frozenset({"reader"}))]) == Affected(only=frozenset({"handbook", "reader"}))
    assert combine([ja, handbook]) == EVERYTHING
    assert combine([ja, EVERYTHING]) == EVERYTHING


def _wait_for(events: queue.Queue, predicate, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            item = events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if predicate(item):
            return item
    pytest.fail(f"no {what} within {TIMEOUT:.0f} s")


def test_watch_rebuilds_and_survives_mistakes(make_project):
    """In a thread: the real build of the reader, a broken file reported, then fixed."""
    from refpub.build import build

    root = make_project("good")
    events: queue.Queue = queue.Queue()
    stream = io.StringIO()
    console = PlainConsole(stream)

    def rebuild(only, langs):
        events.put(("rebuild", only, langs))
        result = build(root, only=["reader"], langs=langs, on_output=console.output)
        events.put(("built", [o.path.name for o in result.built]))
        return result

    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(root, rebuild, console), kwargs={"stop_event": stop, "debounce_ms": 100}, daemon=True
    )
    thread.start()
    try:
        _wait_for(events, lambda e: e[0] == "built", "first build")
        deadline = time.monotonic() + TIMEOUT  # "watching" is said once the watcher listens
        while "watching " not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)

        catalog = root / "locales/ja/LC_MESSAGES/content.po"
        catalog.write_text(catalog.read_text(encoding="utf-8").replace("テスト出版物", "テスト版"), encoding="utf-8")
        assert _wait_for(events, lambda e: e[0] == "rebuild", "rebuild after a catalog edit") == (
            "rebuild",
            None,
            ["ja"],
        )
        assert _wait_for(events, lambda e: e[0] == "built", "rebuilt reader") == ("built", ["reader-ja.epub"])

        readings = root / "content/readings.yaml"
        good = readings.read_text(encoding="utf-8")
        readings.write_text(good.replace('date: "2015-05-19"', 'date: "2015-13-19"'), encoding="utf-8")
        _wait_for(events, lambda e: e[0] == "rebuild", "rebuild after a broken edit")
        deadline = time.monotonic() + TIMEOUT
        while "not rebuilt" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "content/readings.yaml:9:9: error: reading 'closed-door-policy': date '2015-13-19'" in stream.getvalue()
        assert thread.is_alive()

        # The fix, with a new summary (an unchanged file would leave the outputs up to date).
        readings.write_text(good.replace("An overview", "A new overview"), encoding="utf-8")
        built = _wait_for(events, lambda e: e[0] == "built", "rebuild after the fix")
        assert built == ("built", ["reader-en.epub", "reader-ja.epub"])
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert "changed: content/readings.yaml" in stream.getvalue()
    assert stream.getvalue().splitlines()[-1] == "stopped watching"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_watch_command_rebuilds_and_ctrl_c_exits_cleanly(make_project, signum):
    """Ctrl-C ends the watcher; so does SIGTERM (a terminal closed, a service stopped)."""
    root = make_project("good")
    proc = subprocess.Popen(
        refpub_command("build", "--watch", "--only", "reader", "--lang", "en", str(root)),
        cwd=REPO,
        env={**__import__("os").environ, "CI": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in proc.stdout], daemon=True).start()
    try:
        _wait_for(lines, lambda ln: ln.startswith("watching "), "'watching' line")  # listening from then on
        readings = root / "content/readings.yaml"
        readings.write_text(
            readings.read_text(encoding="utf-8").replace("An overview", "A short overview"), encoding="utf-8"
        )
        _wait_for(lines, lambda ln: ln == "changed: content/readings.yaml", "change line")
        _wait_for(lines, lambda ln: ln.startswith("built 1 output in "), "rebuild summary")
        proc.send_signal(signum)
        _wait_for(lines, lambda ln: ln == "stopped watching", "'stopped watching'")
        assert proc.wait(TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_locales_folder_that_is_not_a_language_is_not_watched(tmp_path):
    root = tmp_path
    assert is_relevant(root, root / "locales/ja/LC_MESSAGES/content.po")
    assert not is_relevant(root, root / "locales/backup/LC_MESSAGES/content.po")


def test_a_catalog_of_an_unpublished_language_rebuilds_nothing(tmp_path):
    import argparse
    import shutil

    from refpub.cli.build import run_build

    from support import ROOTS

    root = tmp_path / "project"
    shutil.copytree(ROOTS / "good", root)
    args = argparse.Namespace(project=str(root), out=None, only=None, lang=None, jobs=1, force=None)
    assert run_build(args, PlainConsole(io.StringIO()), None, ["fr"]) is None  # not a usage error
