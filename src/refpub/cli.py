"""The command line: parse arguments, call the library, map problems to exit codes.

Exit codes: 0 success (warnings allowed), 1 problems in the project's content or a failed
build, 2 usage errors (unknown option, missing project directory).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .diagnostics import Reporter, format_json, format_text
from .errors import ContentError, EnvironmentProblem, RefpubError, UsageError
from .stopping import describe as describe_stop
from .stopping import exit_code_of, stop_on_signals

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _print_diagnostics(diagnostics, fmt: str = "text", stream=None) -> None:
    stream = stream or sys.stderr
    stream.write(format_json(diagnostics) if fmt == "json" else format_text(diagnostics))


def cmd_check(args: argparse.Namespace) -> int:
    from .console import check_summary, make_console, plural, verbosity_of
    from .project import check_project, find_root
    from .provenance import provenance, provenance_lines

    root = find_root(args.project)
    reporter = Reporter()
    content = check_project(root, reporter)
    diagnostics = reporter.sorted()
    if args.strict:  # what a volunteer runs before printing: every warning must be dealt with
        diagnostics = [d.as_error() for d in diagnostics]
    failed = any(d.severity.value == "error" for d in diagnostics)
    if args.format == "json":
        sys.stdout.write(format_json(diagnostics, provenance=provenance(content) if content else None))
        return EXIT_CONTENT if failed else EXIT_OK
    console = make_console(verbosity_of(args))
    if content is not None:
        pub = content.publication
        console.detail(
            f"checked {root}: {plural(len(content.readings), 'reading')}, "
            f"{plural(len(content.organisations), 'organisation')}, {plural(len(pub.handouts), 'handout')}, "
            f"languages {', '.join(pub.languages)}"
        )
    if content is not None:
        for line in provenance_lines(content):
            console.detail(line)
    console.diagnostics(diagnostics)
    console.summary(check_summary(diagnostics), ok=not failed)
    return EXIT_CONTENT if failed else EXIT_OK


def _source_language(project: str) -> str:
    """The project's source language, for the summary's "fell back to English"."""
    from .load import load_publication
    from .project import find_root

    publication = load_publication(find_root(project), Reporter())
    return publication.source_language if publication else "en"


def _build_options(args: argparse.Namespace) -> dict:
    """Options of `refpub build` that go to refpub.build.build() unchanged, when the parser has them."""
    return {name: getattr(args, name) for name in ("jobs", "force") if getattr(args, name, None) is not None}


def _narrow(chosen: list[str] | None, affected: list[str] | None) -> list[str] | None:
    if chosen is None or affected is None:
        return chosen if affected is None else affected
    return [value for value in chosen if value in affected]


def run_build(args: argparse.Namespace, console, only=None, langs=None):
    """One build with progress on ``console``; ``only``/``langs`` narrow the command's own filters."""
    from .build import build

    only, langs = _narrow(args.only, only), _narrow(args.lang, langs)
    if only == [] or langs == []:
        return None  # watch mode: the change affects nothing the command builds
    with console.building():
        result = build(
            args.project, out=args.out, only=only, langs=langs, on_output=console.output, **_build_options(args)
        )
    console.diagnostics(result.diagnostics)
    console.finished(result, _source_language(args.project))
    return result


def cmd_build(args: argparse.Namespace) -> int:
    from .console import make_console, verbosity_of

    console = make_console(verbosity_of(args))
    if getattr(args, "watch", False):
        from .watch import watch

        return watch(args.project, lambda only, langs: run_build(args, console, only, langs), console)
    result = run_build(args, console)
    return EXIT_OK if result.ok else EXIT_CONTENT


def cmd_init(args: argparse.Namespace) -> int:
    from .console import make_console, verbosity_of
    from .scaffold import TargetNotEmpty, init_project

    console = make_console(verbosity_of(args))
    try:
        root = init_project(args.dir, title=args.title)
    except TargetNotEmpty as exc:
        console.error(str(exc))
        return EXIT_USAGE
    console.info(f"created a new publication in {root}")
    console.info("next:")
    console.info(f"  refpub check {args.dir}")
    console.info(f"  refpub build {args.dir}")
    console.info("then edit content/*.yaml (see docs/editors.md) and translate locales/ja/LC_MESSAGES/*.po")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .importer import import_zotero
    from .project import find_root

    root = find_root(args.project)
    result = import_zotero(root, Path(args.file), section=args.section, topics=args.topics, dry_run=args.dry_run)
    if args.dry_run:
        sys.stdout.write(result.diff)
    for line in result.report:  # "FILE: item N ('title'): what was not kept"
        print(f"warning: {line}", file=sys.stderr)
    verb = "would add" if args.dry_run else "added"
    print(
        f"{verb} {len(result.added)}, {'would update' if args.dry_run else 'updated'} {len(result.updated)}, "
        f"unchanged {len(result.unchanged)} reading(s) in content/readings.yaml",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from .console import make_console, verbosity_of
    from .doctor import run_checks

    console = make_console(verbosity_of(args))
    checks = run_checks(args.project, out=args.out)
    for check in checks:
        console.check_row(check.ok, check.required, check.name, check.detail)
    missing = [c for c in checks if c.required and not c.ok]
    if missing:
        console.summary(f"{len(missing)} required thing(s) missing; fix them as described above", ok=False)
        return EXIT_CONTENT
    console.summary("everything refpub needs is here")
    return EXIT_OK


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return number


def _split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="also print paths, page counts and details")


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
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (run it before printing handouts)")
    _add_verbosity(check)
    check.set_defaults(func=cmd_check)

    from .build import OUTPUT_KINDS

    build = sub.add_parser("build", help="build the publications into build/")
    build.add_argument("project", nargs="?", default=".", help="project folder (default: current folder)")
    build.add_argument("--only", type=_split_list, help=f"build only these outputs ({', '.join(OUTPUT_KINDS)})")
    build.add_argument("--lang", type=_split_list, help="build only these languages (e.g. ja or en,ja)")
    build.add_argument("--out", help="output folder (default: build/ in the project)")
    build.add_argument("--watch", action="store_true", help="rebuild when content, catalogs, templates or settings change (Ctrl-C stops)")
    build.add_argument("-j", "--jobs", type=_positive_int, metavar="N", help="worker processes (default: one per core; 1 builds in one process)")
    build.add_argument("--force", action="store_true", default=None, help="rebuild every output, even those that are up to date")
    _add_verbosity(build)
    build.set_defaults(func=cmd_build)

    init = sub.add_parser("init", help="create a new publication (content, catalogs, templates) in DIR")
    init.add_argument("dir", metavar="DIR", help="the new project folder (must be missing or empty)")
    init.add_argument("--title", help="the publication's title (default: an example title to edit)")
    _add_verbosity(init)
    init.set_defaults(func=cmd_init)

    doctor = sub.add_parser("doctor", help="check this machine: fonts, WeasyPrint and Pango, Java/EPUBCheck, catalogs")
    doctor.add_argument("project", nargs="?", default=".", help="project folder to check too (default: current folder)")
    doctor.add_argument("--out", help="output folder to check (default: build/ in the project)")
    _add_verbosity(doctor)
    doctor.set_defaults(func=cmd_doctor)

    imports = sub.add_parser("import", help="add or update readings from a reference manager's export")
    sources = imports.add_subparsers(dest="source", metavar="SOURCE", required=True)
    zotero = sources.add_parser("zotero", help="CSL JSON or RIS, as Zotero exports it (see docs/zotero.md)")
    zotero.add_argument("file", metavar="FILE", help="a .json (CSL JSON) or .ris file")
    zotero.add_argument("project", nargs="?", default=".", help="project folder (default: current folder)")
    zotero.add_argument("--section", help="the section of new readings (an id from publication.yaml); also moves matched ones")
    zotero.add_argument("--topics", type=_split_list, help="topics of new readings, e.g. policy,detention; also replaces matched ones'")
    zotero.add_argument("--dry-run", action="store_true", help="print the change to readings.yaml as a diff; write nothing")
    zotero.set_defaults(func=cmd_import)

    from .export.handout_cli import register as register_handout

    register_handout(sub)

    from .i18n.cli import register as register_i18n

    register_i18n(sub)

    from .serve import register as register_serve

    register_serve(sub)
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
    try:
        return args.func(args)
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
    except RefpubError as exc:
        print(f"refpub: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP (see stopping.py)
        after = "; unfinished outputs keep their previous version" if args.command == "build" else ""
        print(f"refpub: {describe_stop(exc)}{after}", file=sys.stderr)
        return exit_code_of(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
