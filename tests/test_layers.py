"""The package layout shows the layers, and imports point down only (docs/developers.md, "Layers").

Read with the standard library's ``ast``: every ``import`` of a refpub module, at the top of a
module or inside a function, counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from refpub.content import schema

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "refpub"

# Bottom to top: a module may import from its own layer and the layers below it, never above.
LAYERS = ("content", "i18n", "views", "pdf", "export", "building", "build", "commands", "cli")
# Shared by every layer: they import nothing of refpub but each other.
FOUNDATIONS = {
    "refpub.errors",
    "refpub.diagnostics",
    "refpub.version",
    "refpub.i18n.names",  # the one language parser (content checks `language` with it)
    "refpub.building.fsio",  # atomic writes (catalogs, the part cache and `refpub import` write too)
    "refpub.building.clock",  # SOURCE_DATE_EPOCH (catalog headers, edition dates)
    "refpub.building.stopping",  # Ctrl-C between two parts of the handbook
}
# The package face re-exports the public API; `python -m refpub` runs the CLI.
FACE = {"refpub", "refpub.__main__"}
TOP_LEVEL = {"__init__.py", "__main__.py", "version.py", "build.py", "errors.py", "diagnostics.py"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "scaffold" in parts[1:2] and len(parts) > 2 and path.parent.name != "commands":
            continue  # the files `refpub init` copies, not code of refpub
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The refpub modules ``name`` imports (``from .x import y`` counts y when y is a module)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "refpub"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "refpub":
                continue
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(module: str) -> int | None:
    if module in FOUNDATIONS or module in FACE:
        return None
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return LAYERS.index(parts[1])


def test_only_the_shared_modules_sit_at_the_top_of_the_package():
    top = {path.name for path in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert packages == set(LAYERS) - {"build"}


def test_every_module_belongs_to_a_layer():
    for module in MODULES:
        if module not in FOUNDATIONS | FACE:
            assert layer(module) is not None, module


def test_imports_point_down_only():
    upward = []
    for module, imported in GRAPH.items():
        if module in FACE:
            continue
        for target in imported:
            if target in FOUNDATIONS:
                continue
            if module in FOUNDATIONS or layer(target) > layer(module):
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_no_import_circles():
    """No module reaches itself through its imports (inside functions included)."""
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state and module not in FACE:
            visit(module, [module])
    assert circles == []


@pytest.mark.parametrize("module", sorted(FOUNDATIONS))
def test_foundations_import_only_foundations(module):
    assert GRAPH[module] <= FOUNDATIONS


def test_the_import_graph_is_read():
    """The reader finds imports of every form (a guard against a test that passes on nothing)."""
    assert "refpub.content.schema" in GRAPH["refpub.content.load"]  # from . import schema as S
    assert "refpub.content.model" in GRAPH["refpub.content.load"]  # from .model import ...
    assert "refpub.pdf.fonts" in GRAPH["refpub.commands.doctor"]  # inside a function
    assert schema.__name__ in MODULES
