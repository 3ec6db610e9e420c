"""Locations in the user's files, and the reporter that collects every problem of a run.

Problems in content are never raised one at a time: loaders and validators add them to a
:class:`Reporter`, and the caller decides once, at the end, whether the run failed. They print
like a compiler's messages (``content/readings.yaml:12:7: error: …``) so editors can jump to them.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A position in a project file. ``line`` and ``column`` are 1-based; 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.severity.value}: {self.message}"

    def as_error(self) -> Diagnostic:
        """The same problem as an error (``refpub check --strict``)."""
        return Diagnostic(Severity.ERROR, self.message, self.location)

    def to_json(self) -> dict:
        loc = self.location
        return {
            "severity": self.severity.value,
            "message": self.message,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
        }


def _sort_key(d: Diagnostic):
    loc = d.location or Location("")
    return (loc.file, loc.line, loc.column)


@dataclass
class Reporter:
    """Collects diagnostics. Never stops at the first one."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, location: Location | None = None) -> None:
        self.diagnostics.append(Diagnostic(Severity.ERROR, message, location))

    def warning(self, message: str, location: Location | None = None) -> None:
        self.diagnostics.append(Diagnostic(Severity.WARNING, message, location))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def has_errors_in(self, file: str) -> bool:
        return any(
            d.severity is Severity.ERROR and d.location is not None and d.location.file == file
            for d in self.diagnostics
        )

    def sorted(self) -> list[Diagnostic]:
        # Stable: problems without a location keep their order, after located ones of the same file.
        return sorted(self.diagnostics, key=_sort_key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.diagnostics)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(f"{d}\n" for d in diagnostics)


def format_json(diagnostics: Iterable[Diagnostic], provenance: list | None = None, coverage: list | None = None) -> str:
    items = [d.to_json() for d in diagnostics]
    summary = {
        "errors": sum(1 for d in items if d["severity"] == "error"),
        "warnings": sum(1 for d in items if d["severity"] == "warning"),
    }
    data = {"diagnostics": items, **summary}
    if provenance is not None:
        data["provenance"] = provenance
    if coverage is not None:
        data["coverage"] = coverage
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
