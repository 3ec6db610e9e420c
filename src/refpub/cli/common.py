"""What every command shares: the exit codes, printing diagnostics, option types."""

from __future__ import annotations

import argparse
import sys

from ..diagnostics import format_json, format_text

# The exit codes of every command (the one table): 0 success (warnings allowed); 1 problems in
# the project's content or catalogs, a failed build, or a missing tool; 2 a usage error (an
# unknown option, output kind or language); 3 another build is writing into the output folder
# and --no-wait was given (see building/outlock.py); 128 + N stopped by signal N (see building/stopping.py).
EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


def print_diagnostics(diagnostics, fmt: str = "text", stream=None) -> None:
    stream = stream or sys.stderr
    stream.write(format_json(diagnostics) if fmt == "json" else format_text(diagnostics))


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return number


def port_number(value: str) -> int:
    """A TCP port: 1-65535, or 0 for any free one."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535 (0: any free port), not {value!r}")
    return number


def add_no_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="if another build is writing into the output folder, stop at once (exit code 3) instead of waiting",
    )


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="also print paths, page counts and details")


def add_project(parser: argparse.ArgumentParser, help_text: str = "project folder (default: current folder)") -> None:
    parser.add_argument("project", nargs="?", default=".", help=help_text)
