"""refpub: curated readings and support organisations -> PDF handbook, EPUB reader, handouts.

The public API is small: :func:`load_project`, :func:`check` and :func:`build` (as in
``refpub.build("path/to/project")``, the way WeasyPrint offers ``weasyprint.HTML``). Everything
else is internal. ``build`` is the function: the module it comes from is reached as
``from refpub.build import …``, which still works.
"""

from __future__ import annotations

from pathlib import Path

# After the submodule is imported, the package's `build` names the function, not the module.
from .build import BuildResult, OutputResult, build  # light: no WeasyPrint, no Jinja
from .building.loading import load_project
from .content.project import Project, ProjectPaths
from .diagnostics import Diagnostic, Location, Reporter
from .errors import BuildError, ContentError, EnvironmentProblem, ProjectNotFound, RefpubError
from .version import __version__ as __version__  # refpub.__version__


def check(path: str | Path = ".") -> list[Diagnostic]:
    """Every problem of the project at ``path``, sorted by file and line."""
    from .building.loading import check_project
    from .content.project import find_root

    reporter = Reporter()
    check_project(find_root(path), reporter)
    return reporter.sorted()


__all__ = [
    "BuildError",
    "BuildResult",
    "ContentError",
    "Diagnostic",
    "EnvironmentProblem",
    "Location",
    "OutputResult",
    "Project",
    "ProjectNotFound",
    "ProjectPaths",
    "RefpubError",
    "build",
    "check",
    "load_project",
]
