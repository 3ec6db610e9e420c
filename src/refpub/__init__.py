"""refpub: curated readings and support organisations -> PDF handbook, EPUB reader, handouts.

The public API is small: :func:`load_project` and :func:`check` here, :func:`build` in
:mod:`refpub.build`. Everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path

from .diagnostics import Diagnostic, Location, Reporter
from .errors import BuildError, ContentError, EnvironmentProblem, ProjectNotFound, RefpubError
from .project import Project, load_project


def check(path: str | Path = ".") -> list[Diagnostic]:
    """Every problem of the project at ``path``, sorted by file and line."""
    from .project import check_project, find_root

    reporter = Reporter()
    check_project(find_root(path), reporter)
    return reporter.sorted()


__all__ = [
    "BuildError",
    "ContentError",
    "Diagnostic",
    "EnvironmentProblem",
    "Location",
    "Project",
    "ProjectNotFound",
    "RefpubError",
    "check",
    "load_project",
]
