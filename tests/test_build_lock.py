"""One build per output folder at a time (issue 30): a second build into the same folder waits
for the first (or, with --no-wait, stops with exit code 3), temporaries belong to the process
that writes them, and an output folder inside the project's sources is refused."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refpub.building.fsio import TEMP_MARK, remove_stray_temporaries
from refpub.building.outlock import LOCK_NAME

from support import EPOCH, ROOTS, WITH_EPOCH, refpub_command, run_cli


def _env() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CI": "1"}


_cmd = refpub_command  # for a build this test starts and stops itself


def _run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, env={**WITH_EPOCH, "CI": "1"})


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "good", root)
    return root


def test_two_builds_into_one_folder_leave_a_complete_web_edition(project, tmp_path):
    solo = tmp_path / "solo"
    assert _run("build", str(project), "--only", "web", "--out", str(solo), "-q").returncode == 0
    expected = _files(solo / "web")
    assert len(expected) > 10

    out = tmp_path / "shared"
    first = subprocess.Popen(
        _cmd("build", str(project), "--only", "web", "--out", str(out), "--force"),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The second starts once the first holds the lock (its pid is in the lock file).
    deadline = time.monotonic() + 60
    lock = out / LOCK_NAME
    while time.monotonic() < deadline and first.poll() is None:
        if lock.is_file() and lock.read_text().strip() == str(first.pid):
            break
        time.sleep(0.01)
    second = _run("build", str(project), "--only", "web", "--out", str(out), "--force")
    first_err = first.communicate(timeout=600)[1]
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in first_err + second.stderr
    assert _files(out / "web") == expected
    assert not [p for p in out.iterdir() if TEMP_MARK in p.name]
    assert not (out / LOCK_NAME).exists()  # removed by the last build as it finished


def test_a_second_build_waits_for_the_lock_holder_or_stops_with_no_wait(project, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCK_NAME, "w") as held:  # this test plays the first build
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()

        busy = _run("build", str(project), "--only", "web", "--out", str(out), "--no-wait")
        assert busy.returncode == 3
        lines = busy.stderr.strip().splitlines()
        assert len(lines) == 1
        assert f"process {os.getpid()}" in lines[0]
        assert str(out) in lines[0]
        assert not (out / "web").exists()

        waiting = subprocess.Popen(
            _cmd("build", str(project), "--only", "web", "--out", str(out)),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        said = waiting.stderr.readline()
        assert "waiting for it to finish" in said
        assert waiting.poll() is None
        assert not (out / "web").exists()
    # The lock is released: the waiting build goes on and finishes.
    _, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    assert (out / "web" / "index.html").is_file()


def test_temporaries_of_a_running_writer_are_not_strays(tmp_path):
    mine = tmp_path / f".web{TEMP_MARK}{os.getpid()}-abc"
    mine.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = tmp_path / f".handbook-en.pdf{TEMP_MARK}{int(dead.stdout)}-xyz"
    gone.write_bytes(b"half")
    older = tmp_path / f".reader-en.epub{TEMP_MARK}k2j3"  # from a refpub without owners
    older.write_bytes(b"half")
    assert remove_stray_temporaries(tmp_path) == 2
    assert mine.is_dir()
    assert not gone.exists()
    assert not older.exists()


@pytest.mark.parametrize("out", ["templates", "templates/out", "content/site", "locales/ja", ".", ".."])
def test_an_output_folder_in_the_project_s_sources_is_refused(project, out):
    (project / "templates" / "web").mkdir(parents=True)
    (project / "templates" / "web" / "extra.css").write_text("body { color: black }\n")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    proc = run_cli("build", "--only", "web", "--out", out, cwd=project, env={**WITH_EPOCH, "CI": "1"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "--out" in proc.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("command", [["build", "--watch"], ["serve", "--port", "0"]])
def test_watch_and_serve_refuse_an_output_folder_in_the_sources_before_watching(project, command):
    proc = run_cli(*command, "--out", "templates/out", cwd=project, env={**WITH_EPOCH, "CI": "1"}, timeout=60)
    assert proc.returncode == 2
    assert "templates/" in proc.stderr
    assert not (project / "templates").exists()


def test_a_handout_into_the_sources_is_refused(project):
    proc = _run("handout", str(project), "--orgs", "x", "--out", str(project / "content" / "h.pdf"))
    assert proc.returncode == 2
    assert "content/" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (project / "content" / "h.pdf").exists()
