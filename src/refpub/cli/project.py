"""`refpub check`, `init`, `import` and `doctor`: the commands about a project and this machine."""

from __future__ import annotations

import argparse
import sys

from ..diagnostics import Reporter, format_json
from .common import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, add_project, add_verbosity, split_list


def cmd_check(args: argparse.Namespace) -> int:
    from ..building.loading import check_project, direction_mark_notes
    from ..content.coverage import coverage, coverage_lines
    from ..content.project import ProjectPaths
    from ..content.provenance import provenance, provenance_lines
    from .console import check_summary, make_console, plural, verbosity_of

    paths = ProjectPaths.find(args.project)
    root = paths.root
    reporter = Reporter()
    content = check_project(root, reporter)
    if content is not None and not reporter.has_errors:
        # What the printed outputs would show untranslated (an error with --strict).
        from ..content.project import Project
        from ..export.untranslated import untranslated_warnings

        reporter.extend(untranslated_warnings(Project(paths, content)))
    diagnostics = reporter.sorted()
    if args.strict:  # what a volunteer runs before printing: every warning must be dealt with
        diagnostics = [d.as_error() for d in diagnostics]
    failed = any(d.severity.value == "error" for d in diagnostics)
    if args.format == "json":
        sys.stdout.write(
            format_json(
                diagnostics,
                provenance=provenance(content) if content else None,
                coverage=coverage(content) if content else None,
            )
        )
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
        for line in [*provenance_lines(content), *coverage_lines(content)]:
            console.detail(line)
    if console.verbose:
        for line in direction_mark_notes(root):
            console.detail(line)
    console.diagnostics(diagnostics)
    console.summary(check_summary(diagnostics), ok=not failed)
    return EXIT_CONTENT if failed else EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from ..commands.scaffold import TargetNotEmpty, init_project
    from ..content.project import CONTENT_FOLDER, catalog_file
    from .console import make_console, verbosity_of

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
    console.info(f"then edit {CONTENT_FOLDER}/*.yaml (see docs/editors.md) and translate {catalog_file('ja', '*')}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..commands.importer import import_zotero
    from ..content.project import find_root

    root = find_root(args.project)
    result = import_zotero(root, Path(args.file), section=args.section, topics=args.topics, dry_run=args.dry_run)
    if args.dry_run:
        sys.stdout.write(result.diff)
    for line in result.report:  # "FILE:LINE: item N ('title'): what was not kept"
        print(f"warning: {line}", file=sys.stderr)
    for reading_id, changes in result.changes.items():  # per reading, what the import changes
        for change in changes:
            print(f"{'would update' if args.dry_run else 'updated'} '{reading_id}': {change}", file=sys.stderr)
    verb = "would add" if args.dry_run else "added"
    print(
        f"{verb} {len(result.added)}, {'would update' if args.dry_run else 'updated'} {len(result.updated)}, "
        f"unchanged {len(result.unchanged)} reading(s) in content/readings.yaml",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from ..commands.doctor import run_checks
    from .console import make_console, verbosity_of

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


def register(sub) -> None:
    check = sub.add_parser("check", help="report every problem in a project's content and catalogs")
    add_project(check)
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (run it before printing handouts)"
    )
    add_verbosity(check)
    check.set_defaults(func=cmd_check)

    init = sub.add_parser("init", help="create a new publication (content, catalogs, templates) in DIR")
    init.add_argument("dir", metavar="DIR", help="the new project folder (must be missing or empty)")
    init.add_argument("--title", help="the publication's title (default: an example title to edit)")
    add_verbosity(init)
    init.set_defaults(func=cmd_init)

    doctor = sub.add_parser("doctor", help="check this machine: fonts, WeasyPrint and Pango, Java/EPUBCheck, catalogs")
    add_project(doctor, "project folder to check too (default: current folder)")
    doctor.add_argument("--out", help="output folder to check (default: build/ in the project)")
    add_verbosity(doctor)
    doctor.set_defaults(func=cmd_doctor)

    imports = sub.add_parser("import", help="add or update readings from a reference manager's export")
    sources = imports.add_subparsers(dest="source", metavar="SOURCE", required=True)
    zotero = sources.add_parser("zotero", help="CSL JSON or RIS, as Zotero exports it (see docs/interchange.md)")
    zotero.add_argument("file", metavar="FILE", help="a .json (CSL JSON) or .ris file")
    add_project(zotero)
    zotero.add_argument(
        "--section", help="the section of new readings (an id from publication.yaml); also moves matched ones"
    )
    zotero.add_argument(
        "--topics", type=split_list, help="topics of new readings, e.g. policy,detention; also replaces matched ones'"
    )
    zotero.add_argument(
        "--dry-run", action="store_true", help="print the change to readings.yaml as a diff; write nothing"
    )
    zotero.set_defaults(func=cmd_import)
