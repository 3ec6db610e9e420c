"""The few exception types of refpub. Content problems carry their diagnostics and locations."""

from __future__ import annotations

from .diagnostics import Diagnostic, Location


class RefpubError(Exception):
    """Base class: a problem a user can act on (never a bug)."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def error_line(self) -> str:
        """The problem as one line of a report: ``file:line:column: error: message``."""
        return f"{self.location}: error: {self.message}" if self.location else f"error: {self.message}"


class ContentError(RefpubError):
    """The project's content or catalogs have errors; ``diagnostics`` lists all of them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        errors = [d for d in diagnostics if d.severity.value == "error"]
        super().__init__(f"{len(errors)} error(s) in the project")
        self.diagnostics = diagnostics


class UsageError(RefpubError):
    """A command-line value that names nothing refpub knows, such as ``--only web`` (exit 2)."""


class ProjectNotFound(UsageError):
    """The directory given is not a refpub project (a usage error)."""


class EnvironmentProblem(RefpubError):
    """Something the machine lacks (a font, Java, a writable folder): says what to install or change."""


class BuildError(RefpubError):
    """An output could not be produced (layout overflow, missing glyph, refused resource)."""


class BuildErrors(BuildError):
    """Several build errors of one output, reported together."""

    def __init__(self, errors: list[BuildError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
