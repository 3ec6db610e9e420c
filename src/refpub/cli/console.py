"""What the command line prints while it works: progress, problems and a summary.

Two styles, chosen once per run by :func:`make_console`:

* **rich** on an interactive terminal: colour, a spinner while outputs are built, and a table of
  every output at the end;
* **plain** when the stream is not a terminal, or ``CI``, ``NO_COLOR`` or ``TERM=dumb`` is set:
  one stable line per output as it finishes, the same words every time, so logs can be read and
  scripts (and tests) can rely on them.

Everything goes to standard error; standard output is kept for machine-readable results such as
``refpub check --format json``. Verbosity: ``QUIET`` prints errors only, ``NORMAL`` adds progress,
warnings and the summary, ``VERBOSE`` adds paths, page counts and what was checked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from ..diagnostics import Diagnostic, Severity

QUIET, NORMAL, VERBOSE = 0, 1, 2

STATE_STYLES = {"built": "green", "up to date": "dim", "failed": "bold red"}


# --------------------------------------------------------------------------- words


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{max(1, round(size / 1024)):,} KiB" if size else ""


def language_name(code: str) -> str:
    """The English name of a language code (``ja`` -> ``Japanese``), or the code itself."""
    from ..i18n.names import language_name as name

    return name(code)


def output_line(result, verbose: bool = False) -> str:
    """One output, as a stable line: ``built       handbook-ja.pdf (335 KiB, 12 pages, 1.5 s)``."""
    details = []
    if result.size and result.state != "failed":
        details.append(format_size(result.size))
    if verbose and result.pages:
        details.append(plural(result.pages, "page"))
    if result.state != "up to date" or verbose:
        details.append(f"{result.seconds:.1f} s")
    if result.fallbacks:
        details.append(f"{plural(result.fallbacks, 'string')} fell back")
    name = str(result.path) if verbose else result.path.name
    suffix = f" ({', '.join(details)})" if details else ""
    return f"{result.state:<10}  {name}{suffix}"


def build_summary(result, source_language: str = "en") -> str:
    """``built 5 outputs in 3.2 s, 2 up to date, 14 strings fell back to English``."""
    outputs = result.outputs
    up_to_date = sum(1 for o in outputs if o.state == "up to date")
    failed = sum(1 for o in outputs if o.state == "failed")
    parts = [f"built {plural(len(result.built), 'output')} in {result.seconds:.1f} s"]
    if up_to_date:
        parts.append(f"{up_to_date} up to date")
    if failed:
        parts.append(f"{failed} failed")
    if result.fallbacks:
        verb = "string fell" if result.fallbacks == 1 else "strings fell"
        parts.append(f"{result.fallbacks} {verb} back to {language_name(source_language)}")
    return ", ".join(parts)


def check_summary(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return f"{errors} error(s), {len(diagnostics) - errors} warning(s)"


# --------------------------------------------------------------------------- choosing a style


def wants_plain(stream: IO[str], environ: dict | None = None) -> bool:
    """Plain lines unless ``stream`` is an interactive terminal without CI, NO_COLOR or TERM=dumb."""
    env = os.environ if environ is None else environ
    if env.get("CI") or "NO_COLOR" in env or env.get("TERM") == "dumb":
        return True
    isatty = getattr(stream, "isatty", None)
    return not (isatty and isatty())


def make_console(verbosity: int = NORMAL, stream: IO[str] | None = None, plain: bool | None = None) -> PlainConsole:
    stream = stream or sys.stderr
    if plain is None:
        plain = wants_plain(stream)
    if plain:
        return PlainConsole(stream, verbosity)
    try:
        return RichConsole(stream, verbosity)
    except ImportError:  # rich is a dependency, but a broken install should still print
        return PlainConsole(stream, verbosity)


def verbosity_of(args) -> int:
    if getattr(args, "quiet", False):
        return QUIET
    if getattr(args, "verbose", False):
        return VERBOSE
    return NORMAL


# --------------------------------------------------------------------------- consoles


class PlainConsole:
    """Stable lines, no colour, no cursor movement."""

    def __init__(self, stream: IO[str], verbosity: int = NORMAL):
        self.stream = stream
        self.verbosity = verbosity

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    @property
    def verbose(self) -> bool:
        return self.verbosity >= VERBOSE

    def _write(self, line: str, style: str | None = None) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    # -- messages
    def info(self, message: str) -> None:
        """Progress and notes: hidden by --quiet."""
        if not self.quiet:
            self._write(message)

    def detail(self, message: str) -> None:
        """Shown with --verbose only."""
        if self.verbose:
            self._write(message, "dim")

    def error(self, message: str) -> None:
        """A problem that stops the command: always shown."""
        self._write(f"refpub: error: {message}", "bold red")

    def diagnostics(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            if d.severity is Severity.ERROR:
                self._write(str(d), "red")
            elif not self.quiet:
                self._write(str(d), "yellow")

    # -- builds
    @contextmanager
    def building(self) -> Iterator[None]:
        """Around a build: rich shows a spinner here."""
        yield

    def output(self, result) -> None:
        """One output has finished (called by the build as it goes)."""
        failed = result.state == "failed"
        if failed or not self.quiet:
            self._write(output_line(result, self.verbose), STATE_STYLES.get(result.state))
        self._details(result)

    def _details(self, result) -> None:
        """Under an output: its errors, its warnings unless quiet, its notes when verbose."""
        failed = result.state == "failed"
        for line in result.errors:
            if failed or (not self.quiet and " warning: " in f" {line}") or self.verbose:
                self._write(f"  {line}", "red" if failed else "yellow")
        if self.verbose:
            for line in result.notes:
                self._write(f"  {line}")

    def finished(self, result, source_language: str = "en") -> None:
        """After a build: every output (rich only) and the summary line."""
        self.summary(build_summary(result, source_language), ok=result.ok)

    def summary(self, line: str, ok: bool = True) -> None:
        if not self.quiet:
            self._write(line, "bold" if ok else "bold red")

    # -- doctor
    def check_row(self, ok: bool, required: bool, name: str, detail: str) -> None:
        mark = "ok" if ok else ("MISSING" if required else "missing")
        self._write(f"{mark:<8} {name}: {detail}")


class RichConsole(PlainConsole):
    """Colour, a spinner while building, and a table of the outputs at the end."""

    def __init__(self, stream: IO[str], verbosity: int = NORMAL):
        super().__init__(stream, verbosity)
        from rich.console import Console

        self.rich = Console(file=stream, highlight=False, soft_wrap=True)
        self._status: Any = None  # rich's Status while building
        self._results: list = []

    def _write(self, line: str, style: str | None = None) -> None:
        from rich.text import Text

        # Text, never markup: a title such as "[draft]" must print as written.
        self.rich.print(Text(line, style=style or ""))

    @contextmanager
    def building(self) -> Iterator[None]:
        self._results = []
        if self.quiet:
            yield
            return
        with self.rich.status("building…", spinner="dots") as status:
            self._status = status
            try:
                yield
            finally:
                self._status = None

    def output(self, result) -> None:
        self._results.append(result)
        if self._status is not None:
            self._status.update(f"building… {plural(len(self._results), 'output')} done, last {result.path.name}")
        if result.state == "failed":
            self._write(output_line(result, self.verbose), STATE_STYLES["failed"])
        self._details(result)

    def finished(self, result, source_language: str = "en") -> None:
        if not self.quiet and result.outputs:
            from rich.console import JustifyMethod
            from rich.markup import escape
            from rich.table import Table

            table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
            columns: tuple[tuple[str, JustifyMethod], ...] = (
                ("output", "left"),
                ("state", "left"),
                ("size", "right"),
                ("pages", "right"),
                ("time", "right"),
                ("fell back", "right"),
            )
            for column, justify in columns:
                table.add_column(column, justify=justify)
            for o in result.outputs:
                table.add_row(
                    escape(str(o.path) if self.verbose else o.path.name),
                    f"[{STATE_STYLES.get(o.state, '')}]{o.state}[/]",
                    format_size(o.size) if o.state != "failed" else "",
                    str(o.pages or ""),
                    f"{o.seconds:.1f} s",
                    str(o.fallbacks or ""),
                )
            self.rich.print(table)
        super().finished(result, source_language)

    def check_row(self, ok: bool, required: bool, name: str, detail: str) -> None:
        from rich.text import Text

        mark, style = ("✓", "green") if ok else (("✗", "bold red") if required else ("!", "yellow"))
        line = Text()
        line.append(f"{mark} ", style=style)
        line.append(f"{name}: ", style="bold")
        line.append(detail)
        self.rich.print(line)
