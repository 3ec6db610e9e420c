"""Stopping a build (issue 14): SIGTERM and SIGHUP are handled like Ctrl-C, and no worker
process outlives the build, even when the parent is SIGKILLed.

Each build runs in a session of its own (start_new_session), so "every process of the build"
is every process of that session, wherever the kernel re-parented it. Exporters are made to
block in their render step (in the workers, inherited through fork), so the signal always
arrives mid-build. Every wait is a bounded poll.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from refpub.building.fsio import TEMP_MARK

from support import run_cli

DEADLINE = 60.0  # a bound for a loaded machine, not a measurement

# Run refpub's own CLI, with every exporter's render() (and every unit of a handbook's body)
# first saying so, then blocking.
_BLOCKING_BUILD = textwrap.dedent(
    """
    import os, sys, time
    from refpub.build import exporters

    def blocking(self, target, session):
        os.write(1, f"rendering {target.filename}\\n".encode())  # one write: workers print at once
        time.sleep(60)

    for exporter in exporters().values():
        type(exporter).render = blocking

    # A handbook is laid out in stages on the build's work queue: its body's units block too.
    from refpub.export.handbook import BookPlan

    def blocking_unit(self, index):
        blocking(None, self.target, None)

    BookPlan.lay_out = blocking_unit
    from refpub.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _session_processes(sid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            pids.append(int(entry))
    return pids


def _wait_until(predicate, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what} within {DEADLINE:.0f} s")


@pytest.fixture
def built(make_project):
    """A project built once, so a stopped build has previous outputs to keep."""
    root = make_project("good")
    done = run_cli("build", "-q", str(root))
    assert done.returncode == 0, done.stderr
    outputs = _outputs(root)
    # Change every output's content so the next build renders all of them.
    orgs = root / "content/organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("Helps refugees", "Helps people"), encoding="utf-8")
    return root, outputs


def _start_blocking_build(root: Path) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _BLOCKING_BUILD, "build", "--jobs", "2", str(root)],
        env={**os.environ, "CI": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started = [proc.stdout.readline(), proc.stdout.readline()]
    assert all(line.startswith("rendering ") for line in started), (started, proc.stderr.read())
    assert len(_session_processes(proc.pid)) == 3  # the parent and its two workers
    return proc, started


def _no_temporaries(root: Path) -> bool:
    return not [p for p in (root / "build").iterdir() if TEMP_MARK in p.name]


def _outputs(root: Path) -> dict[str, bytes]:
    """name -> bytes of every output; a folder output (the web edition): its files' paths and bytes."""
    outputs = {}
    for p in (root / "build").iterdir():
        if p.name.startswith("."):
            continue
        if p.is_dir():
            outputs[p.name] = b"".join(
                f.relative_to(p).as_posix().encode() + b"\0" + f.read_bytes()
                for f in sorted(p.rglob("*"))
                if f.is_file()
            )
        else:
            outputs[p.name] = p.read_bytes()
    return outputs


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_ends_the_build_cleanly(built, signum):
    root, before = built
    proc, _ = _start_blocking_build(root)
    try:
        proc.send_signal(signum)  # to the parent alone, as kill or a CI time-out does
        returncode = proc.wait(DEADLINE)
        stderr = proc.stderr.read()
        assert returncode == 128 + signum
        lines = [line for line in stderr.splitlines() if line.startswith("refpub:")]
        name = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
        assert lines == [f"refpub: {name}; unfinished outputs keep their previous version"], stderr
        assert "Traceback" not in stderr
        _wait_until(lambda: not _session_processes(proc.pid), "the build's workers did not end")
        assert _outputs(root) == before
        assert _no_temporaries(root)
    finally:
        _kill_session(proc)


def test_workers_die_with_a_sigkilled_parent(built):
    root, before = built
    proc, _ = _start_blocking_build(root)
    try:
        proc.kill()  # SIGKILL: the parent runs no code at all
        proc.wait(DEADLINE)
        _wait_until(lambda: not _session_processes(proc.pid), "workers outlived their SIGKILLed parent")
        assert _outputs(root) == before
    finally:
        _kill_session(proc)


def test_a_real_build_after_a_stopped_one_finishes_the_work(built):
    root, before = built
    proc, _ = _start_blocking_build(root)
    try:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(DEADLINE) == 128 + signal.SIGTERM
    finally:
        _kill_session(proc)
    done = run_cli("build", "-q", str(root))
    assert done.returncode == 0, done.stderr
    after = _outputs(root)
    publications = [name for name in before if name.endswith((".pdf", ".epub"))]  # those showing organisations
    assert set(after) == set(before)
    assert publications
    assert all(after[name] != before[name] for name in publications)


def _kill_session(proc: subprocess.Popen) -> None:
    """Whatever the test's outcome, leave nothing of the session behind."""
    for pid in _session_processes(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if proc.poll() is None:
        proc.wait(DEADLINE)
