"""``refpub i18n …``: argument parsing and printing for the translator's commands.

The work is done in :mod:`refpub.i18n.workflow`; this module only wires it to argparse.
Exit codes follow refpub's: 0 success (warnings allowed), 1 problems, 2 usage errors.
"""

from __future__ import annotations

import json
import sys

from ..content.project import catalog_file
from ..content.schema import CATALOG_REFERENCES, PUBLICATION_FILE
from ..diagnostics import Reporter, format_text
from .common import EXIT_CONTENT, EXIT_OK


def _finish(reporter: Reporter, written: list[tuple[str, bool]] | None = None, quiet: bool = False) -> int:
    for rel, changed in written or ():
        if not quiet:
            print(f"{'wrote' if changed else 'unchanged'} {rel}", file=sys.stderr)
    sys.stderr.write(format_text(reporter.sorted()))
    return EXIT_CONTENT if reporter.has_errors else EXIT_OK


def _root(args):
    from ..content.project import find_root

    return find_root(args.project)


def cmd_extract(args) -> int:
    from ..i18n.workflow import extract

    reporter = Reporter()
    return _finish(reporter, extract(_root(args), reporter, args.references), args.quiet)


def cmd_update(args) -> int:
    from ..i18n.workflow import update

    reporter = Reporter()
    return _finish(reporter, update(_root(args), reporter, tuple(args.lang or ()), args.references), args.quiet)


def cmd_compile(args) -> int:
    from ..i18n.workflow import compile_catalogs

    reporter = Reporter()
    return _finish(reporter, compile_catalogs(_root(args), reporter), args.quiet)


def cmd_init(args) -> int:
    from ..i18n.workflow import init

    reporter = Reporter()
    code = _finish(reporter, init(_root(args), args.lang, reporter, start_from=args.start_from), args.quiet)
    if code == EXIT_OK and not args.quiet:
        print(
            f"next: add {args.lang} to `languages` in {PUBLICATION_FILE}, translate "
            f"{catalog_file(args.lang, '*')}, then run `refpub i18n status`",
            file=sys.stderr,
        )
    return code


def format_status_table(rows) -> str:
    header = ("language", "catalog", "translated", "fuzzy", "untranslated", "total", "percent", "needs review")
    lines = []
    for row in rows:
        c = row.counts
        if not row.exists:
            lines.append((row.lang, row.domain, "-", "-", "-", "-", "missing", "-"))
            continue
        if row.problem:
            lines.append((row.lang, row.domain, "-", "-", "-", "-", "error", "-"))
            continue
        lang = row.lang if row.published else f"{row.lang} (not published)"
        lines.append(
            (lang, row.domain, c.translated, c.fuzzy, c.untranslated, c.total, f"{c.percent:.1f}%", c.needs_review)
        )
        for kind, k in sorted(row.by_kind.items()):
            lines.append(
                ("", f"  {kind}", k.translated, k.fuzzy, k.untranslated, k.total, f"{k.percent:.1f}%", k.needs_review)
            )
    table = [header, *[tuple(str(v) for v in line) for line in lines]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    out = []
    for r in table:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [r[i].rjust(widths[i]) for i in range(2, len(header))]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


def cmd_status(args) -> int:
    from ..i18n.workflow import status

    reporter = Reporter()
    rows = status(_root(args), reporter)
    if args.json:
        data = {"catalogs": [row.to_json() for row in rows]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_status_table(rows))
    return _finish(reporter, quiet=True)


def cmd_check(args) -> int:
    from ..i18n.workflow import check

    reporter = Reporter()
    check(_root(args), reporter)
    code = _finish(reporter)
    if not args.quiet:
        print(f"{len(reporter.errors)} error(s), {len(reporter.warnings)} warning(s)", file=sys.stderr)
    return code


def register(subparsers) -> None:
    """Add ``i18n`` and its subcommands to refpub's argument parser."""
    i18n = subparsers.add_parser(
        "i18n",
        help="translation catalogs: extract, update, compile, status, check, init",
        description="The gettext workflow for translators (see docs/translators.md).",
    )
    sub = i18n.add_subparsers(dest="i18n_command", metavar="COMMAND")
    i18n.set_defaults(func=lambda args: (i18n.print_help(sys.stderr), 2)[1])

    def add(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--project", "-C", default=".", help="project folder (default: current folder)")
        p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
        p.set_defaults(func=func)
        return p

    extract = add("extract", cmd_extract, "regenerate locales/messages.pot and locales/content.pot")
    update = add("update", cmd_update, "merge the templates into every language's catalogs")
    for p in (extract, update):
        p.add_argument(
            "--references",
            choices=CATALOG_REFERENCES,
            help="what '#:' lines say: file:line (full), the file only, or nothing "
            "(default: catalog_references in content/publication.yaml, else file)",
        )
    update.add_argument("--lang", action="append", help="only this language (repeatable)")
    add("compile", cmd_compile, "write .mo files (the build reads .po directly)")
    st = add("status", cmd_status, "translated / fuzzy / untranslated counts per language and catalog")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    add("check", cmd_check, "check the catalogs: syntax, placeholders, plurals, HTML, links, glossary")
    init = add("init", cmd_init, "create the catalogs of a new language")
    init.add_argument("lang", help="language code, such as fr, pt-BR or ja-x-easy (Easy Japanese)")
    init.add_argument(
        "--from",
        dest="start_from",
        metavar="LANG",
        help="start from this language's translations, each fuzzy until reviewed (ja-x-easy --from ja)",
    )
