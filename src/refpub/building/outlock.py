"""One build per output folder at a time.

Two builds writing into one folder would each remove or replace the other's half-written
files (a web edition swapped in while another build still writes it). So every command that
writes into an output folder (``refpub build``, the rebuilds of ``--watch`` and ``refpub
serve``, ``refpub handout``) first takes an exclusive lock on ``.refpub-lock`` in that folder:
an ``fcntl.flock`` lock, which the kernel releases when the process ends, however it ends (even
SIGKILL), so a killed build never leaves a stale lock behind (only, then, an empty file). The
file holds the owner's process id, for the message of the build that waits, and is removed when
the build ends.

A second build waits for the first to finish (saying so once), or, asked not to wait
(``--no-wait``), stops at once with :class:`OutputBusy` (exit code 3).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from ..content.project import LOCK_FILE as LOCK_NAME  # in the output folder
from ..errors import RefpubError


class OutputBusy(RefpubError):
    """Another refpub process is writing into the output folder (``--no-wait``: exit code 3)."""


def _owner(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


@contextlib.contextmanager
def output_lock(out_dir: Path, *, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock for the duration of the ``with`` block.

    ``wait``: block until the other process is done (``on_wait`` is told once, with a message
    naming the folder and the process); otherwise raise :class:`OutputBusy` at once.

    The lock file is removed when the block ends, so a build leaves nothing behind. That is
    safe because a process that got the lock checks that the file it locked is still the one
    at the path (not one removed meanwhile), and otherwise starts again.
    """
    path = out_dir / LOCK_NAME
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            told = _lock(fd, path, out_dir, wait, None if told else on_wait) or told
            if _still_there(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed the file as it finished: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)  # releases the lock


def _lock(fd: int, path: Path, out_dir: Path, wait: bool, on_wait: Callable[[str], None] | None) -> bool:
    """Take the lock on ``fd``; True if it had to wait (and said so)."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise
    busy = f"another refpub build{_owner(path)} is writing into {out_dir}"
    if not wait:
        raise OutputBusy(f"{busy}; try again when it has finished (without --no-wait, refpub waits)")
    if on_wait is not None:
        on_wait(f"{busy}; waiting for it to finish")
    fcntl.flock(fd, fcntl.LOCK_EX)
    return True


def _still_there(fd: int, path: Path) -> bool:
    """Whether the file locked through ``fd`` is still the one at ``path``."""
    try:
        held, current = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)
