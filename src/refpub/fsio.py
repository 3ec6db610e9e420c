"""Writing files so that a failed or killed build never leaves a half-written output.

Every output goes to a temporary file in the same folder, is flushed to disk, then renamed
over the old one (``os.replace`` is atomic on POSIX). Stray temporary files of a killed build
are removed by the next one (the whole output folder at the start of a build, and the
temporaries of one file whenever that file is written again, e.g. a catalog).
:func:`file_digest` is a file's sha256 (the part cache checks with it that a file is unchanged).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

TEMP_MARK = ".refpub-tmp-"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _remove_strays_of(path)


def _remove_strays_of(path: Path) -> None:
    """Remove temporaries of ``path`` left by a writer that was killed (a build, or
    ``refpub i18n update`` next to a translator's catalogs), now that ``path`` is whole."""
    for stray in path.parent.glob(f".{glob.escape(path.name)}{TEMP_MARK}*"):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            stray.unlink()


def atomic_write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write a folder of files (relative path -> bytes) in place of ``folder``.

    The new tree is written into a temporary sibling folder, then swapped in by two renames:
    the old folder steps aside, the new one takes its name, the old one is removed. A reader
    never sees a half-written folder, only (for an instant) none.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}{TEMP_MARK}", dir=folder.parent))
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
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}{TEMP_MARK}old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
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
    """Remove temporary files left by a build that was killed; returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if TEMP_MARK in path.name and path.is_file():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        elif TEMP_MARK in path.name and path.is_dir() and not path.is_symlink():  # a folder output's
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
