"""Loading a project and checking it as a whole: content, cross references and catalogs."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ..content.load import load_content
from ..content.model import Content
from ..content.project import Project, ProjectPaths
from ..content.text import direction_marks
from ..content.validate import validate
from ..diagnostics import Reporter
from ..errors import ContentError


def check_project(root: Path, reporter: Reporter, today: _dt.date | None = None) -> Content | None:
    """Load and check everything: content, cross references and catalogs."""
    content = load_content(root, reporter)
    if content is None:
        return None
    validate(content, reporter, today=today)
    from ..i18n.checks import check_catalogs  # Babel, only when checking (a no-op build loads none)

    pub = content.publication
    check_catalogs(root, pub.languages, pub.source_language, reporter)
    return content


def direction_mark_notes(root: Path) -> list[str]:
    """Where content and catalogs use a direction mark (LRM, RLM, ALM): allowed, but invisible,
    so `refpub check -v` lists each one (``content/organisations.yaml:12:7: U+200F …``)."""
    from ..i18n.catalogs import catalog_languages

    paths = ProjectPaths.at(root)
    files = sorted(paths.content_dir.glob("*.yaml"))
    for lang in catalog_languages(root):
        files += sorted(paths.catalogs_dir(lang).glob("*.po"))
    notes = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the checks
        rel = path.relative_to(root).as_posix()
        notes += [f"{rel}:{line}:{column}: {name} (allowed)" for line, column, name in direction_marks(text)]
    return notes


def load_project(path: str | Path | ProjectPaths | None = None) -> Project:
    """Load a project (a folder, or its paths already resolved), raising :class:`ContentError`
    with every problem if it has errors."""
    paths = path if isinstance(path, ProjectPaths) else ProjectPaths.find(path)
    reporter = Reporter()
    content = check_project(paths.root, reporter)
    if content is None or reporter.has_errors:
        raise ContentError(reporter.sorted())
    return Project(paths, content, tuple(reporter.sorted()))
