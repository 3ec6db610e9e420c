"""The command line: parse arguments, call the library, map problems to exit codes.

Exit codes: 0 success (warnings allowed), 1 problems in the project's content or a failed
build, 2 usage errors (unknown option, missing project directory).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import __version__
from .diagnostics import Reporter, format_json, format_text
from .errors import ContentError, EnvironmentProblem, ProjectNotFound, RefpubError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _print_diagnostics(diagnostics, fmt: str = "text", stream=None) -> None:
    stream = stream or sys.stderr
    stream.write(format_json(diagnostics) if fmt == "json" else format_text(diagnostics))


def cmd_check(args: argparse.Namespace) -> int:
    from .project import check_project, find_root

    root = find_root(args.project)
    reporter = Reporter()
    check_project(root, reporter)
    diagnostics = reporter.sorted()
    if args.format == "json":
        _print_diagnostics(diagnostics, "json", sys.stdout)
    else:
        _print_diagnostics(diagnostics)
        errors, warnings = len(reporter.errors), len(reporter.warnings)
        if not args.quiet:
            print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_CONTENT if reporter.has_errors else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    def show(result) -> None:
        if args.quiet:
            for line in result.errors:
                print(line, file=sys.stderr)
            return
        size = f"{result.size / 1024:,.0f} KiB" if result.size else ""
        extra = f", {result.fallbacks} strings fell back" if result.fallbacks else ""
        print(f"{result.state:>10}  {result.path.name}  {size}  {result.seconds:.1f} s{extra}", file=sys.stderr)
        for line in result.errors:
            print(f"  {line}", file=sys.stderr)

    result = build(args.project, out=args.out, only=args.only, langs=args.lang, on_output=show)
    _print_diagnostics(result.diagnostics)
    failed = [o for o in result.outputs if o.state == "failed"]
    if not args.quiet:
        print(
            f"built {len(result.built)} output(s) in {result.seconds:.1f} s"
            + (f", {len(failed)} failed" if failed else "")
            + f", {result.fallbacks} strings fell back to the source language",
            file=sys.stderr,
        )
    return EXIT_OK if result.ok else EXIT_CONTENT


def _split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refpub",
        description="Build print and e-book publications from curated readings and organisations.",
    )
    parser.add_argument("--version", action="version", version=f"refpub {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="report every problem in a project's content and catalogs")
    check.add_argument("project", nargs="?", default=".", help="project folder (default: current folder)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    check.set_defaults(func=cmd_check)

    from .build import OUTPUT_KINDS

    build = sub.add_parser("build", help="build the publications into build/")
    build.add_argument("project", nargs="?", default=".", help="project folder (default: current folder)")
    build.add_argument("--only", type=_split_list, help=f"build only these outputs ({', '.join(OUTPUT_KINDS)})")
    build.add_argument("--lang", type=_split_list, help="build only these languages (e.g. ja or en,ja)")
    build.add_argument("--out", help="output folder (default: build/ in the project)")
    build.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    build.set_defaults(func=cmd_build)

    from .i18n.cli import register as register_i18n

    register_i18n(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except ProjectNotFound as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics)
        print(f"refpub: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except EnvironmentProblem as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except RefpubError as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("refpub: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
