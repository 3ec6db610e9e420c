"""The build: plan the targets, render each, write them atomically into the output folder.

Problems are collected across all outputs and reported together; an output that fails leaves
the previous file of the same name untouched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .diagnostics import Diagnostic, Location, Reporter
from .errors import BuildError, BuildErrors, EnvironmentProblem
from .fsio import atomic_write_bytes, remove_stray_temporaries
from .model import Content
from .project import Project, load_project

DEFAULT_OUT = "build"


def exporters() -> dict:
    """Every output kind refpub can build, in build order (the one registry of outputs)."""
    from .export.handbook import HandbookExporter

    found = {"handbook": HandbookExporter()}
    try:
        from .export.reader import ReaderExporter

        found["reader"] = ReaderExporter()
    except ImportError:
        pass
    try:
        from .export.handouts import HandoutExporter

        found["handouts"] = HandoutExporter()
    except ImportError:
        pass
    return found


OUTPUT_KINDS = ("handbook", "reader", "handouts")


@dataclass
class OutputResult:
    target: object
    path: Path
    state: str  # "built", "up to date", "failed"
    seconds: float = 0.0
    size: int = 0
    fallbacks: int = 0
    pages: int | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    outputs: list[OutputResult]
    diagnostics: list[Diagnostic]
    seconds: float

    @property
    def ok(self) -> bool:
        return not any(o.state == "failed" for o in self.outputs) and not any(
            d.severity.value == "error" for d in self.diagnostics
        )

    @property
    def built(self) -> list[OutputResult]:
        return [o for o in self.outputs if o.state == "built"]

    @property
    def fallbacks(self) -> int:
        return sum(o.fallbacks for o in self.outputs)


def plan(content: Content, only: Iterable[str] | None = None, langs: Iterable[str] | None = None) -> list:
    """The targets to build, filtered by output kind and language."""
    only = set(only or ())
    langs = set(langs or ())
    targets = []
    for kind, exporter in exporters().items():
        if only and kind not in only:
            continue
        for target in exporter.targets(content):
            if langs and target.lang is not None and target.lang not in langs:
                continue
            targets.append(target)
    return targets


def _needs_fonts(targets) -> bool:
    return any(t.filename.endswith(".pdf") for t in targets)


def build(
    path: str | Path = ".",
    out: str | Path | None = None,
    only: Iterable[str] | None = None,
    langs: Iterable[str] | None = None,
    on_output: Callable[[OutputResult], None] | None = None,
) -> BuildResult:
    """Build the project at ``path``. Raises ContentError when the content has errors."""
    started = time.perf_counter()
    project = load_project(path)
    out_dir = Path(out) if out is not None else project.root / DEFAULT_OUT
    if not out_dir.is_absolute():
        out_dir = Path.cwd() / out_dir
    _prepare_out_dir(out_dir)
    remove_stray_temporaries(out_dir)

    targets = plan(project.content, only, langs)
    if _needs_fonts(targets):
        from .render.fonts import require_faces

        require_faces()

    from .export.base import RenderSession

    session = RenderSession(project)
    registry = exporters()
    results = []
    for target in targets:
        result = _build_one(registry[target.kind], target, session, out_dir)
        results.append(result)
        if on_output:
            on_output(result)
    return BuildResult(results, list(project.warnings), time.perf_counter() - started)


def _prepare_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot create the output folder {out_dir} ({exc.strerror}); choose another with --out"
        ) from None
    probe = out_dir / ".refpub-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise EnvironmentProblem(
            f"the output folder {out_dir} is not writable ({exc.strerror}); "
            "fix its permissions or choose another folder with --out"
        ) from None


def _build_one(exporter, target, session, out_dir: Path) -> OutputResult:
    path = out_dir / target.filename
    started = time.perf_counter()
    try:
        rendered = exporter.render(target, session)
    except BuildErrors as exc:
        return OutputResult(target, path, "failed", time.perf_counter() - started, errors=[_located(e) for e in exc.errors])
    except BuildError as exc:
        return OutputResult(target, path, "failed", time.perf_counter() - started, errors=[_located(exc)])
    atomic_write_bytes(path, rendered.data)
    return OutputResult(
        target,
        path,
        "built",
        time.perf_counter() - started,
        size=len(rendered.data),
        fallbacks=rendered.fallbacks,
        pages=rendered.pages,
        errors=[str(w) for w in rendered.warnings],
    )


def _located(exc: BuildError) -> str:
    if exc.location:
        return f"{exc.location}: error: {exc.message}"
    return f"error: {exc.message}"
