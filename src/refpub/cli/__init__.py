"""The command line: parse arguments, call the library, map problems to exit codes.

One module per command group (check/init/import/doctor in project.py, build.py, handout.py,
i18n.py, serve.py), each with a ``register(subparsers)``; the exit codes and the printing they
share are in common.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..building.stopping import describe as describe_stop
from ..building.stopping import exit_code_of, stop_on_signals
from ..errors import ContentError, EnvironmentProblem, RefpubError, UsageError
from ..version import __version__
from . import build, handout, i18n, project, serve
from .common import EXIT_BUSY, EXIT_CONTENT, EXIT_OK, EXIT_USAGE

__all__ = ["EXIT_BUSY", "EXIT_CONTENT", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

# The order of `refpub --help`.
COMMAND_GROUPS = (project, build, handout, i18n, serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refpub",
        description="Build print and e-book publications from curated readings and organisations.",
    )
    parser.add_argument("--version", action="version", version=f"refpub {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with stop_on_signals():
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from ..building.outlock import OutputBusy

    try:
        return args.func(args)
    except OutputBusy as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except UsageError as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        from .console import make_console, verbosity_of

        make_console(verbosity_of(args)).diagnostics(exc.diagnostics)  # --quiet: errors only
        print(f"refpub: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except EnvironmentProblem as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except RefpubError as exc:  # located ones (a file that cannot be written) as 'file: error: …'
        print(exc.error_line() if exc.location else f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:  # a file refpub could not read or write, outside a build's outputs
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"refpub: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP (see building/stopping.py)
        after = "; unfinished outputs keep their previous version" if args.command == "build" else ""
        print(f"refpub: {describe_stop(exc)}{after}", file=sys.stderr)
        return exit_code_of(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
