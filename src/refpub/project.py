"""A refpub project on disk: where its parts live, and loading + checking it as a whole."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Reporter
from .errors import ContentError, ProjectNotFound, UsageError
from .load import load_content
from .model import Content
from .validate import validate

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


def check_project(root: Path, reporter: Reporter, today: _dt.date | None = None) -> Content | None:
    """Load and check everything: content, cross references and catalogs."""
    content = load_content(root, reporter)
    if content is None:
        return None
    validate(content, reporter, today=today)
    from .i18n.checks import check_catalogs

    pub = content.publication
    check_catalogs(root, pub.languages, pub.source_language, reporter)
    return content


def direction_mark_notes(root: Path) -> list[str]:
    """Where content and catalogs use a direction mark (LRM, RLM, ALM): allowed, but invisible,
    so `refpub check -v` lists each one (``content/organisations.yaml:12:7: U+200F …``)."""
    from .i18n.catalogs import catalog_languages
    from .text import direction_marks

    files = sorted((root / "content").glob("*.yaml"))
    for lang in catalog_languages(root):
        files += sorted((root / "locales" / lang / "LC_MESSAGES").glob("*.po"))
    notes = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the checks
        rel = path.relative_to(root).as_posix()
        notes += [f"{rel}:{line}:{column}: {name} (allowed)" for line, column, name in direction_marks(text)]
    return notes


def load_project(path: str | Path | None = None) -> Project:
    """Load a project, raising :class:`ContentError` with every problem if it has errors."""
    root = find_root(path)
    reporter = Reporter()
    content = check_project(root, reporter)
    if content is None or reporter.has_errors:
        raise ContentError(reporter.sorted())
    return Project(root, content, tuple(reporter.sorted()))
