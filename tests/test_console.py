"""The console's words and styles: stable plain lines, a summary naming the source language."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import SimpleNamespace

from refpub.build import BuildResult, OutputResult
from refpub.cli.console import (
    NORMAL,
    QUIET,
    VERBOSE,
    PlainConsole,
    RichConsole,
    build_summary,
    format_size,
    language_name,
    make_console,
    output_line,
    wants_plain,
)
from refpub.diagnostics import Diagnostic, Location, Severity


def result(name="handbook-ja.pdf", state="built", seconds=1.46, size=343040, fallbacks=0, pages=12, errors=()):
    return OutputResult(
        SimpleNamespace(kind="handbook"), Path("/p/build") / name, state, seconds, size, fallbacks, pages, list(errors)
    )


def test_output_lines_are_stable():
    assert output_line(result()) == "built       handbook-ja.pdf (335 KiB, 1.5 s)"
    assert output_line(result(fallbacks=12)) == "built       handbook-ja.pdf (335 KiB, 1.5 s, 12 strings fell back)"
    assert output_line(result(fallbacks=1)) == "built       handbook-ja.pdf (335 KiB, 1.5 s, 1 string fell back)"
    assert output_line(result(state="up to date")) == "up to date  handbook-ja.pdf (335 KiB)"
    assert output_line(result(state="failed", size=0)) == "failed      handbook-ja.pdf (1.5 s)"
    assert output_line(result(), verbose=True) == "built       /p/build/handbook-ja.pdf (335 KiB, 12 pages, 1.5 s)"


def test_summary_line():
    outputs = [result(fallbacks=9)] * 5 + [result(state="up to date", fallbacks=5)] * 2
    summary = build_summary(BuildResult(outputs, [], 3.24), "en")
    assert summary == "built 5 outputs in 3.2 s, 2 up to date, 55 strings fell back to English"
    assert build_summary(BuildResult([result()], [], 0.5), "ja") == "built 1 output in 0.5 s"
    failed = BuildResult([result(), result(state="failed")], [], 2.0)
    assert build_summary(failed, "en") == "built 1 output in 2.0 s, 1 failed"
    assert build_summary(BuildResult([result(fallbacks=1)], [], 1.0), "pt-BR").endswith(
        "1 string fell back to Portuguese (Brazil)"
    )


def test_language_name_and_size():
    assert language_name("ja") == "Japanese"
    assert language_name("not a language") == "not a language"
    assert format_size(0) == ""
    assert format_size(100) == "1 KiB"
    assert format_size(3 * 1024 * 1024) == "3.0 MiB"


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_plain_unless_an_interactive_terminal_without_ci_or_no_color():
    assert wants_plain(io.StringIO(), {})
    assert not wants_plain(Tty(), {"TERM": "xterm"})
    assert wants_plain(Tty(), {"CI": "true"})
    assert wants_plain(Tty(), {"NO_COLOR": ""})
    assert wants_plain(Tty(), {"TERM": "dumb"})
    assert isinstance(make_console(stream=io.StringIO()), PlainConsole)
    assert isinstance(make_console(stream=Tty(), plain=False), RichConsole)


def _run(console, stream):
    warning = Diagnostic(Severity.WARNING, "fuzzy translation", Location("locales/ja/LC_MESSAGES/content.po", 38))
    error = Diagnostic(Severity.ERROR, "does not fit", Location("content/publication.yaml", 18, 5))
    with console.building():
        console.output(result(errors=["content/publication.yaml:19:12: warning: no Japanese title"]))
        console.output(result("handout-help.pdf", state="failed", size=0, errors=[str(error)]))
    build = BuildResult([result(), result("handout-help.pdf", state="failed")], [warning], 4.0)
    console.diagnostics(build.diagnostics)
    console.finished(build, "en")
    return stream.getvalue().splitlines()


def test_plain_console_by_verbosity():
    stream = io.StringIO()
    assert _run(PlainConsole(stream, NORMAL), stream) == [
        "built       handbook-ja.pdf (335 KiB, 1.5 s)",
        "  content/publication.yaml:19:12: warning: no Japanese title",
        "failed      handout-help.pdf (1.5 s)",
        "  content/publication.yaml:18:5: error: does not fit",
        "locales/ja/LC_MESSAGES/content.po:38: warning: fuzzy translation",
        "built 1 output in 4.0 s, 1 failed",
    ]
    stream = io.StringIO()
    assert _run(PlainConsole(stream, QUIET), stream) == [
        "failed      handout-help.pdf (1.5 s)",
        "  content/publication.yaml:18:5: error: does not fit",
    ]
    stream = io.StringIO()
    assert (
        _run(PlainConsole(stream, VERBOSE), stream)[0]
        == "built       /p/build/handbook-ja.pdf (335 KiB, 12 pages, 1.5 s)"
    )


def test_rich_console_prints_markup_literally_and_a_table():
    stream = Tty()
    console = RichConsole(stream, NORMAL)
    console.diagnostics(
        [Diagnostic(Severity.ERROR, "title '[bold]draft[/bold]' is odd", Location("content/readings.yaml", 3, 1))]
    )
    lines = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", line) for line in _run(console, stream)]
    text = "\n".join(lines)
    assert "[bold]draft[/bold]" in text
    assert any(line.split()[:2] == ["output", "state"] for line in lines)
    assert lines[-1] == "built 1 output in 4.0 s, 1 failed"
