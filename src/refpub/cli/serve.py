"""`refpub serve`: build the web edition, serve it on this computer, rebuild and reload on change
(the server itself is refpub/commands/serve.py)."""

from __future__ import annotations

import argparse
import threading

from ..commands.serve import BuildCounter, make_server
from .build import check_out_option, run_build
from .common import add_project, add_verbosity, port_number


def cmd_serve(args: argparse.Namespace) -> int:
    from ..building.watch import watch
    from ..content.project import ProjectPaths
    from ..errors import EnvironmentProblem
    from .console import make_console, verbosity_of

    console = make_console(verbosity_of(args))
    paths = ProjectPaths.find(args.project, args.out)
    check_out_option(args.project, args.out)
    folder = paths.out_dir / "web"
    folder.mkdir(parents=True, exist_ok=True)
    counter = BuildCounter()
    try:
        server = make_server(folder, counter, args.port)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); choose another port with --port"
        ) from None
    build_args = argparse.Namespace(project=args.project, out=args.out, only=["web"], lang=None, jobs=1, force=None)

    def rebuild(only, langs):
        result = run_build(build_args, console, only, langs)
        if result is not None:
            counter.bump()
        return result

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    console.info(f"serving {folder} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        return watch(args.project, rebuild, console)
    finally:
        server.shutdown()
        server.server_close()


def register(sub) -> None:
    serve = sub.add_parser(
        "serve", help="build the web edition, serve it on this computer, rebuild and reload on change"
    )
    add_project(serve)
    serve.add_argument(
        "--port", type=port_number, default=8000, help="port on 127.0.0.1, 1-65535 (default: 8000; 0 picks a free one)"
    )
    serve.add_argument("--out", help="output folder (default: build/ in the project)")
    add_verbosity(serve)
    serve.set_defaults(func=cmd_serve)
