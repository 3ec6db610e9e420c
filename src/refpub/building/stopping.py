"""How a command stops: SIGTERM and SIGHUP are handled like Ctrl-C, and worker processes
never outlive the process that started them, however it ends (even SIGKILL).

``kill``, CI time-outs, systemd and ``docker stop`` send SIGTERM; closing a terminal sends
SIGHUP. Each becomes a :class:`Stopped` exception in the main thread, so the same clean-up as
for Ctrl-C runs: workers stopped, temporaries removed, previous outputs left as they were, a
one-line message and the exit code 128 + the signal's number.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable

# Signals that stop a command the way Ctrl-C does.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by a signal (SIGINT, SIGTERM or SIGHUP)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name


def exit_code_of(interrupt: KeyboardInterrupt) -> int:
    """128 + the signal's number (130 for a plain Ctrl-C), as shells report it."""
    return interrupt.exit_code if isinstance(interrupt, Stopped) else 128 + signal.SIGINT


def describe(interrupt: KeyboardInterrupt) -> str:
    if isinstance(interrupt, Stopped) and interrupt.signum != signal.SIGINT:
        return f"stopped by {interrupt.signal_name}"
    return "interrupted"


@contextlib.contextmanager
def stop_on_signals(signals=STOP_SIGNALS, on_stop: Callable[[], None] | None = None):
    """While a command runs (main thread only): ``signals`` raise :class:`Stopped`, after
    calling ``on_stop`` (the watcher sets its stop event, in case a library swallows the
    exception). The previous handlers come back afterwards (``main()`` may run inside another
    program)."""

    def handler(signum, _frame) -> None:
        if on_stop is not None:
            on_stop()
        raise Stopped(signum)

    previous: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in signals:
            with contextlib.suppress(ValueError, OSError):
                previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)  # type: ignore[arg-type]  # what signal() returned


# ----------------------------------------------------------------------------- workers

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """In a forked worker: be killed as soon as ``parent_pid`` ends, however it ends.

    On Linux the kernel does it (``PR_SET_PDEATHSIG``, which also covers SIGKILL of the
    parent); elsewhere a daemon thread notices that the worker was re-parented. The worker also
    drops the parent's handlers: SIGTERM kills it at once (the parent uses it to stop workers),
    and Ctrl-C in a terminal, which reaches the whole process group, is left to the parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    if not _kernel_kills_on_parent_death():
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="refpub-parent-watch").start()
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)


def _kernel_kills_on_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def stop_pool(pool) -> None:
    """Stop a process pool's workers now, in the middle of their work (they write atomically)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
