"""A refpub project on disk: where its parts live (loading and checking it as a whole is
building/loading.py)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..diagnostics import Diagnostic, Location
from ..errors import BuildError, ProjectNotFound, UsageError
from .model import Content

# Where a project's outputs go unless --out says otherwise.
DEFAULT_OUT = "build"
# The folders of a project's sources: no output may be written into them (a build would replace
# or delete the sources, and --watch would rebuild on its own outputs).
SOURCE_FOLDERS = ("content", "locales", "templates")


@dataclass(frozen=True)
class Project:
    root: Path
    content: Content
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def out_dir(self) -> Path:
        """Where outputs go unless ``--out`` says otherwise."""
        return self.root / DEFAULT_OUT

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def languages(self) -> tuple[str, ...]:
        return self.content.publication.languages

    @property
    def source_language(self) -> str:
        return self.content.publication.source_language


def find_root(path: str | Path | None) -> Path:
    root = Path(path if path is not None else ".").resolve()
    if not root.is_dir():
        raise ProjectNotFound(f"{path}: no such directory")
    if not (root / "content").is_dir():
        raise ProjectNotFound(
            f"{root} has no content/ folder; run refpub in a project folder, or create one with `refpub init DIR`"
        )
    return root


def check_out_dir(root: Path, out: Path, option: str = "--out") -> None:
    """A usage error if the output folder (or file) ``out`` is inside one of the project's source
    folders, or the project is inside it (builds would overwrite or delete the sources)."""
    real_out, real_root = out.resolve(), root.resolve()
    for name in SOURCE_FOLDERS:
        source = (root / name).resolve()
        if real_out == source or real_out.is_relative_to(source):
            raise UsageError(
                f"{option} {out}: the output would be written into the project's {name}/ folder, "
                f"which holds its sources; choose a folder outside {name}/ (such as {DEFAULT_OUT}/)"
            )
    if real_root == real_out or real_root.is_relative_to(real_out):
        raise UsageError(
            f"{option} {out}: the project {root} is inside this output folder, whose outputs would replace "
            f"its files; choose a folder of its own (such as {DEFAULT_OUT}/)"
        )


def is_within(path: Path, roots: list[Path]) -> bool:
    """True if the resolved ``path`` is one of ``roots`` (resolved) or inside one of them."""
    return any(path == root or root in path.parents for root in roots)


def default_templates_dir() -> Path:
    return Path(str(files("refpub.templates")))


def template_dirs(project_root: Path | None) -> list[Path]:
    """The folders templates are looked up in: the project's ``templates/``, then refpub's.

    A project's ``templates/`` that is a link to a folder outside the project is refused: the
    templates and everything they reference must be the project's own files.
    """
    dirs = []
    if project_root is not None and (project_root / "templates").is_dir():
        own = (project_root / "templates").resolve()
        if not is_within(own, [project_root.resolve()]):
            raise BuildError(
                f"templates/ is a link to {own}, outside the project; copy the templates into the project",
                Location("templates"),
            )
        dirs.append(own)
    default = default_templates_dir().resolve()
    if default not in dirs:
        dirs.append(default)
    return dirs
