"""``refpub build --watch``: rebuild the outputs a change affects, until Ctrl-C.

The watcher looks at the project's ``content/`` (entries and the settings in
``publication.yaml``), ``locales/`` and ``templates/``. Changes arriving close together are
gathered (debounced) into one rebuild. A rebuild that fails, for instance because an entry has a
typo, is reported and the watcher keeps going, so a translator can keep a PDF viewer open and see
a fix a few seconds after saving.

What a change affects:

* a catalog of one language (``locales/ja/...``) -> that language's outputs and the multilingual
  handouts;
* a template named after an output (``handbook.*``, ``handout*``, ``reader/…``, ``web/…``) -> that output;
* anything else (content, settings, shared templates such as ``_macros.html``) -> every output.
"""

from __future__ import annotations

import signal
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..content.project import LOCALES_FOLDER, SOURCE_FOLDERS, TEMPLATES_FOLDER, find_root
from ..errors import ContentError, RefpubError
from ..export.protocol import REGISTRY
from ..i18n.names import is_known_language
from .stopping import STOP_SIGNALS, stop_on_signals

WATCHED = SOURCE_FOLDERS
DEBOUNCE_MS = 400
# The watcher wakes up this often when nothing changes (the first wake-up says it is listening).
LISTENING_MS = 200
# Editors write these next to the file being edited; they never affect a build.
_IGNORED_SUFFIXES = (".swp", ".swx", ".tmp", "~", ".mo", ".pot")
_IGNORED_PREFIXES = (".#", "#", ".~lock")
_SOURCE_SUFFIXES = (".yaml", ".yml", ".po")


@dataclass(frozen=True)
class Affected:
    """What to rebuild: ``None`` for a field means no filter (every output kind, every language)."""

    only: frozenset[str] | None = None
    langs: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.only is None and self.langs is None


EVERYTHING = Affected()

# Templates named after one output kind, as the registry declares them (the rest, such as
# _macros.html, are shared).
_TEMPLATE_KINDS = tuple((prefix, output.kind) for output in REGISTRY for prefix in output.templates)


def is_relevant(root: Path, path: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if len(parts) < 2 or parts[0] not in WATCHED:
        return False
    if parts[0] == LOCALES_FOLDER and len(parts) >= 3 and not is_known_language(parts[1]):
        return False  # locales/backup/…: not a language, its catalogs are ignored
    name = parts[-1]
    if name.endswith(_IGNORED_SUFFIXES) or name.startswith(_IGNORED_PREFIXES):
        return False
    # Content and catalogs are known file types; anything else there is an editor's or a tool's
    # temporary file (sed -i writes content/sedXXXXXX). Templates may include images and fonts.
    return parts[0] == TEMPLATES_FOLDER or name.endswith(_SOURCE_SUFFIXES)


def affected_by(root: Path, path: Path) -> Affected:
    """The outputs one changed file can change."""
    parts = path.relative_to(root).parts
    top = parts[0]
    if top == LOCALES_FOLDER and len(parts) >= 3:
        return Affected(langs=frozenset({parts[1]}))
    if top == TEMPLATES_FOLDER:
        name = parts[1]
        for prefix, kind in _TEMPLATE_KINDS:
            if name.startswith(prefix):
                return Affected(only=frozenset({kind}))
    return EVERYTHING


def combine(changes: Iterable[Affected]) -> Affected | None:
    """One rebuild for a batch of changes; ``None`` when the batch is empty.

    Filters of different changes only combine when they filter the same thing: a template change
    (one kind, every language) and a catalog change (every kind, one language) make a full rebuild.
    """
    changes = list(changes)
    if not changes:
        return None
    if any(c.everything for c in changes):
        return EVERYTHING
    if all(c.langs is None for c in changes):
        return Affected(only=frozenset().union(*(c.only or () for c in changes)))
    if all(c.only is None for c in changes):
        return Affected(langs=frozenset().union(*(c.langs or () for c in changes)))
    return EVERYTHING


def describe(root: Path, paths: Iterable[Path]) -> str:
    rels = sorted({p.relative_to(root).as_posix() for p in paths})
    shown = ", ".join(rels[:3]) + (f" and {len(rels) - 3} more" if len(rels) > 3 else "")
    return f"changed: {shown}"


def watch(
    project: str | Path,
    rebuild: Callable[[list[str] | None, list[str] | None], object],
    console,
    *,
    stop_event: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    force_polling: bool | None = None,
) -> int:
    """Build once, then rebuild on every change until Ctrl-C (or ``stop_event``). Returns 0.

    ``rebuild(only, langs)`` builds (printing its own progress); the filters are sorted lists, or
    None for no filter. Problems are reported on ``console`` and never end the loop.
    """
    import watchfiles

    root = find_root(project)
    paths = [root / d for d in WATCHED if (root / d).is_dir()]
    stop = stop_event or threading.Event()
    listening = False
    try:
        # Ctrl-C, SIGTERM and SIGHUP also set ``stop``: the watcher then ends at its next step
        # even if a library swallows the KeyboardInterrupt in the middle of a rebuild.
        with stop_on_signals((signal.SIGINT, *STOP_SIGNALS), on_stop=stop.set):
            _rebuild_safely(rebuild, EVERYTHING, console)
            for batch in watchfiles.watch(
                *paths,
                watch_filter=lambda _change, path: is_relevant(root, Path(path)),
                debounce=debounce_ms,
                step=50,
                stop_event=stop,
                force_polling=force_polling,
                raise_interrupt=True,
                rust_timeout=LISTENING_MS,
                yield_on_timeout=True,
            ):
                if not listening:
                    # Said only once the watcher is listening, so a save right after it is seen.
                    console.info(f"watching {', '.join(p.name + '/' for p in paths)} for changes (Ctrl-C to stop)")
                    listening = True
                if batch:
                    _rebuild_batch(root, batch, rebuild, console)
    except KeyboardInterrupt:
        pass
    console.info("stopped watching")
    return 0


def _rebuild_batch(root: Path, batch, rebuild, console) -> None:
    changed = [Path(p) for _change, p in batch]
    affected = combine(affected_by(root, p) for p in changed)
    if affected is None:
        return
    console.info(describe(root, changed))
    _rebuild_safely(rebuild, affected, console)


def _rebuild_safely(rebuild, affected: Affected, console) -> object | None:
    only = sorted(affected.only) if affected.only is not None else None
    langs = sorted(affected.langs) if affected.langs is not None else None
    try:
        return rebuild(only, langs)
    except ContentError as exc:
        console.diagnostics(exc.diagnostics)
        console.summary(f"not rebuilt: {exc}; fix them and save again", ok=False)
    except RefpubError as exc:
        console.error(f"{exc}")
    except KeyboardInterrupt:
        raise
    except Exception:  # a bug in refpub: show it, but a long editing session goes on
        console.error("internal error while building (please report it):\n" + traceback.format_exc())
    return None
