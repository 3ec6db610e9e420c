"""The guides cannot rot: every `refpub` command in a ```sh block of the README and docs/ must
parse with the real argument parser, and is then run, in order, against a new project from
`refpub init` (except --watch, which never ends). Each must exit 0."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from refpub.build import OUTPUT_KINDS
from refpub.cli import build_parser

from support import REPO, run_cli

GUIDES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
PLACEHOLDER = re.compile(r"^\[?[A-Z][A-Z_]*\]?$")  # PROJECT, [PROJECT], DIR


def sh_commands(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, argv) of every `refpub …` line in the ```sh blocks of a Markdown file."""
    commands, in_sh = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_sh = line.strip() == "```sh"
            continue
        if in_sh:
            argv = shlex.split(line, comments=True)
            if argv and argv[0] == "refpub":
                commands.append((number, argv[1:]))
    return commands


def test_every_guide_is_linked_from_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    guides = readme[readme.index("## Guides") :]
    for doc in (REPO / "docs").glob("*.md"):
        assert f"(docs/{doc.name})" in guides, f"README's Guides section does not link docs/{doc.name}"
    for name in ("editors.md", "translators.md", "printers.md", "developers.md"):
        assert (REPO / "docs" / name).is_file()


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_documented_commands_parse(guide):
    parser = build_parser()
    for number, argv in sh_commands(guide):
        where = f"{guide.name}:{number}: refpub {' '.join(argv)}"
        try:
            args = parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{where}: not accepted by the command line")
        for kind in getattr(args, "only", None) or ():
            assert kind in OUTPUT_KINDS, f"{where}: unknown output '{kind}'"


def _runnable(argv: list[str], tmp_path: Path, counter: list[int]) -> list[str] | None:
    if "--watch" in argv or argv[:1] == ["serve"]:  # both run until Ctrl-C
        return None
    out = []
    for i, arg in enumerate(argv):
        if argv[0] == "init" and i == len(argv) - 1:
            counter[0] += 1
            out.append(str(tmp_path / f"new-{counter[0]}"))  # `init DIR`: a fresh folder each time
        elif i and argv[i - 1] == "--out":
            out.append(str(tmp_path / f"out-{i}" / Path(arg).name))
        elif argv[:2] == ["import", "zotero"] and i == 2:
            out.append(str(REPO / "tests" / "data" / "zotero" / "library.json"))  # the guide's export: a fixture
        elif not PLACEHOLDER.match(arg):
            out.append(arg)
    return out


@pytest.mark.parametrize("guide", [g for g in GUIDES if sh_commands(g)], ids=lambda p: p.name)
def test_documented_commands_run(guide, tmp_path):
    commands = sh_commands(guide)
    project = tmp_path / "project"
    assert run_cli("init", "-q", str(project)).returncode == 0
    counter = [0]
    for number, argv in commands:
        runnable = _runnable(argv, tmp_path, counter)
        if runnable is None:
            continue
        result = run_cli(*runnable, cwd=project, env={"CI": "true"})
        assert result.returncode == 0, f"{guide.name}:{number}: refpub {' '.join(argv)}\n{result.stderr}"
        assert "Traceback" not in result.stderr
