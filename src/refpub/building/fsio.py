"""Writing files so that a failed or killed build never leaves a half-written output.

Every output goes to a temporary file in the same folder, is flushed to disk, then renamed
over the old one (``os.replace`` is atomic on POSIX). A temporary's name carries the id of the
process that writes it (``.web.refpub-tmp-1234-…``): it belongs to that process, and is only
removed by another once that process is gone. Stray temporary files of a killed build are
removed by the next one (the whole output folder at the start of a build, and the temporaries of
one file whenever that file is written again, e.g. a catalog).

A write that fails (a full disk, a read-only or immutable file) raises :class:`WriteFailed`,
which names the file and the reason; the old file is left as it was.
:func:`file_digest` is a file's sha256 (the part cache checks with it that a file is unchanged).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..diagnostics import Location
from ..errors import RefpubError

TEMP_MARK = ".refpub-tmp-"
_OWNER = re.compile(re.escape(TEMP_MARK) + r"(\d+)-")


class WriteFailed(RefpubError, OSError):
    """A file could not be written (the disk is full, the folder read-only, …); the old one is kept.
    Also an OSError, so that a cache which cannot be written stays a quiet miss."""


def write_failed(path: Path, exc: OSError) -> WriteFailed:
    reason = exc.strerror or str(exc)
    return WriteFailed(f"cannot write the file ({reason}); the old output is kept", Location(str(path)))


def _temp_prefix(name: str) -> str:
    return f".{name}{TEMP_MARK}{os.getpid()}-"


def is_stray(name: str) -> bool:
    """Whether ``name`` is a temporary whose writer is gone (killed): safe to remove."""
    return TEMP_MARK in name and not _owner_alive(name)


def _owner_alive(name: str) -> bool:
    """Whether the process that made the temporary ``name`` is still running (so it is not a stray)."""
    m = _OWNER.search(name)
    if not m:
        return False  # written by an older refpub: no owner to wait for
    pid = int(m.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A process that has ended but was not reaped yet (a killed build's worker, whose parent
    died too, waits for init): it will never finish its write. Linux only; elsewhere False."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return False
    fields = stat[stat.rfind(")") + 2 :].split()
    return bool(fields) and fields[0] in ("Z", "X")


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` as ``path``, atomically; :class:`WriteFailed` (old file kept) if it cannot.

    ``durable``: the data is on the disk before the file takes its name (fsync), so a crash
    leaves the old file or the new one, never an empty one. A cache whose entries are checked
    against their digests when read (pdf/partcache.py) does without: a damaged entry is a miss.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path.name), dir=path.parent)
    except OSError as exc:
        raise write_failed(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_failed(path, exc) from None
        raise
    _remove_strays_of(path)


def _remove_strays_of(path: Path) -> None:
    """Remove temporaries of ``path`` left by a writer that was killed (a build, or
    ``refpub i18n update`` next to a translator's catalogs), now that ``path`` is whole."""
    for stray in path.parent.glob(f".{glob.escape(path.name)}{TEMP_MARK}*"):
        if _owner_alive(stray.name):
            continue
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            stray.unlink()


def atomic_write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write a folder of files (relative path -> bytes) in place of ``folder``.

    The new tree is written into a temporary sibling folder, then swapped in by two renames:
    the old folder steps aside, the new one takes its name, the old one is removed. A reader
    never sees a half-written folder, only (for an instant) none.
    """
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(folder.name), dir=folder.parent))
    except OSError as exc:
        raise write_failed(folder, exc) from None
    old = None
    try:
        for name, data in files.items():
            target = (tmp / name).resolve()
            if not target.is_relative_to(tmp.resolve()):
                raise ValueError(f"{name!r} is outside the folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        for path in sorted(p for p in tmp.rglob("*") if p.is_dir()):
            os.chmod(path, 0o755)
        os.chmod(tmp, 0o755)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=_temp_prefix(folder.name) + "old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(tmp, folder)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and (old / folder.name).exists() and not folder.exists():
            os.replace(old / folder.name, folder)  # the old tree goes back where it was
        if isinstance(exc, OSError):
            raise write_failed(folder, exc) from None
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def file_digest(path: str | Path) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read (absent, a folder)."""
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def remove_stray_temporaries(folder: Path) -> int:
    """Remove temporary files left by a build that was killed; returns how many. A temporary
    whose writer is still running is not a stray and is left alone."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if TEMP_MARK in path.name and _owner_alive(path.name):
            continue
        if TEMP_MARK in path.name and path.is_file():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        elif TEMP_MARK in path.name and path.is_dir() and not path.is_symlink():  # a folder output's
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
