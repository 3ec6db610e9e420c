"""`refpub handout`: an ad-hoc bilingual handout from command-line options, without editing YAML.

The handout is content/adhoc.py's; build.py (`build_custom_handout`) renders it with export/handouts.py.
"""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_CONTENT, EXIT_OK, add_no_wait, add_project, print_diagnostics, split_list


def cmd_handout(args: argparse.Namespace) -> int:
    from ..build import build_custom_handout
    from ..content.adhoc import custom_handout_from_options
    from ..errors import BuildErrors

    handout = custom_handout_from_options(
        orgs=args.orgs,
        services=args.services,
        region=args.region,
        readings=args.readings,
        section=args.section,
        topics=args.topics,
        newest=args.newest,
        languages=args.lang,
        paper=args.paper,
        pages=args.pages,
        two_up=args.two_up,
        title=args.title,
    )
    try:
        result = build_custom_handout(
            args.project,
            handout,
            out=args.out,
            wait=not args.no_wait,
            on_wait=lambda message: print(f"refpub: {message}", file=sys.stderr),
        )
    except BuildErrors as exc:
        for error in exc.errors:
            print(error.error_line(), file=sys.stderr)
        return EXIT_CONTENT
    print_diagnostics(result.diagnostics)
    print(f"wrote {result.path} ({result.rendered.pages} page(s))", file=sys.stderr)
    return EXIT_OK


def register(sub) -> None:
    from ..content.schema import PAPER_SIZES

    p = sub.add_parser("handout", help="build a bilingual handout of chosen entries, without editing YAML")
    add_project(p)
    p.add_argument("--orgs", type=split_list, default=[], help="organisation ids, in print order")
    p.add_argument("--services", type=split_list, default=[], help="also organisations offering any of these services")
    p.add_argument("--region", default="", help="only organisations whose region contains this")
    p.add_argument("--readings", type=split_list, default=[], help="reading ids, in print order")
    p.add_argument("--section", default="", help="also readings of this section")
    p.add_argument("--topics", type=split_list, default=[], help="also readings on any of these topics")
    p.add_argument("--newest", type=int, help="keep the N most recent readings matched by --section/--topics")
    p.add_argument("--lang", type=split_list, default=[], help="languages side by side (default: en,ja)")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: the publication's)")
    p.add_argument("--pages", type=int, default=1, help="pages the handout must fit (default: 1)")
    p.add_argument("--two-up", action="store_true", help="print two A5 copies on one landscape A4 sheet")
    p.add_argument("--title", default="", help="title (default: the publication's title)")
    p.add_argument("--out", help="output file (default: build/handout-custom.pdf in the project)")
    add_no_wait(p)
    p.set_defaults(func=cmd_handout)
