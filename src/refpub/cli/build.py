"""`refpub build` (and the rebuilds of `--watch` and `refpub serve`)."""

from __future__ import annotations

import argparse

from ..diagnostics import Reporter
from ..export.protocol import OUTPUT_KINDS
from .common import EXIT_CONTENT, EXIT_OK, add_no_wait, add_project, add_verbosity, positive_int, split_list


def _source_language(project: str) -> str:
    """The project's source language, for the summary's "fell back to English"."""
    from ..content.load import load_publication
    from ..content.project import find_root

    publication = load_publication(find_root(project), Reporter())
    return publication.source_language if publication else "en"


def _published(project: str, langs: list[str] | None) -> list[str] | None:
    """Of the languages a change affects (watch mode), those the publication has: a catalog of
    a language not (yet) in `languages` changes no output."""
    from ..content.load import load_publication
    from ..content.project import find_root

    if langs is None:
        return None
    publication = load_publication(find_root(project), Reporter())
    return langs if publication is None else [lang for lang in langs if lang in publication.languages]


def _build_options(args: argparse.Namespace) -> dict:
    """Options of `refpub build` that go to refpub.build.build() unchanged, when the parser has them."""
    return {name: getattr(args, name) for name in ("jobs", "force") if getattr(args, name, None) is not None}


def _narrow(chosen: list[str] | None, affected: list[str] | None) -> list[str] | None:
    if chosen is None or affected is None:
        return chosen if affected is None else affected
    return [value for value in chosen if value in affected]


def run_build(args: argparse.Namespace, console, only=None, langs=None):
    """One build with progress on ``console``; ``only``/``langs`` narrow the command's own filters."""
    from ..build import build

    only, langs = _narrow(args.only, only), _narrow(args.lang, _published(args.project, langs))
    if only == [] or langs == []:
        return None  # watch mode: the change affects nothing the command builds
    with console.building():
        result = build(
            args.project,
            out=args.out,
            only=only,
            langs=langs,
            on_output=console.output,
            wait=not getattr(args, "no_wait", False),
            on_wait=console.info,
            **_build_options(args),
        )
    console.diagnostics(result.diagnostics)
    console.finished(result, _source_language(args.project))
    return result


def check_out_option(project: str, out: str | None) -> None:
    """A usage error for an ``--out`` inside the project's sources (see project.check_out_dir)."""
    from ..content.project import ProjectPaths, check_out_dir

    paths = ProjectPaths.find(project, out)
    check_out_dir(paths.root, paths.out_dir)


def cmd_build(args: argparse.Namespace) -> int:
    from .console import make_console, verbosity_of

    console = make_console(verbosity_of(args))
    if getattr(args, "watch", False):
        from ..building.watch import watch

        check_out_option(args.project, args.out)  # before watching: a rebuild's errors do not stop it
        return watch(args.project, lambda only, langs: run_build(args, console, only, langs), console)
    result = run_build(args, console)
    return EXIT_OK if result.ok else EXIT_CONTENT


def register(sub) -> None:
    build = sub.add_parser("build", help="build the publications into build/")
    add_project(build)
    build.add_argument("--only", type=split_list, help=f"build only these outputs ({', '.join(OUTPUT_KINDS)})")
    build.add_argument("--lang", type=split_list, help="build only these languages (e.g. ja or en,ja)")
    build.add_argument("--out", help="output folder (default: build/ in the project)")
    build.add_argument(
        "--watch",
        action="store_true",
        help="rebuild when content, catalogs, templates or settings change (Ctrl-C stops)",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=positive_int,
        metavar="N",
        help="worker processes (default: one per core; 1 builds in one process)",
    )
    build.add_argument(
        "--force", action="store_true", default=None, help="rebuild every output, even those that are up to date"
    )
    add_no_wait(build)
    add_verbosity(build)
    build.set_defaults(func=cmd_build)
