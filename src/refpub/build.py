"""The build: plan the targets, skip what is up to date, render the rest in parallel, write
each atomically into the output folder.

Problems are collected across all outputs and reported together; an output that fails leaves
the previous file of the same name untouched.

Skipping (see building/manifest.py): a build whose inputs have not changed at all is recognised from
file digests alone, before the content is parsed or any renderer is imported. Otherwise the
content is loaded once, each output's inputs are digested, and only outputs whose digest
changed (or whose file is missing or was replaced) are rendered.

Parallelism: outputs are rendered by a pool of forked worker processes, longest first. The
parent loads and checks the content once; the workers inherit it (no pickling), and each
keeps one RenderSession (translations, Jinja environments, fonts) for all the outputs it
renders. Workers write their outputs themselves and send back only a small result.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .building.fsio import WriteFailed, atomic_write_bytes, atomic_write_tree, remove_stray_temporaries
from .building.manifest import (  # light: digests and a JSON file (the no-op build needs it first)
    Manifest,
    diagnostic_from_record,
    diagnostic_record,
    output_digests,
    target_record,
)
from .building.manifest import environment as inputs_environment
from .building.manifest import fingerprint as inputs_fingerprint
from .building.outlock import output_lock
from .building.stopping import die_with_parent, stop_pool
from .content.project import DEFAULT_OUT  # noqa: F401 (re-exported: refpub.build.DEFAULT_OUT)
from .diagnostics import Diagnostic
from .errors import BuildError, BuildErrors, EnvironmentProblem, UsageError

# re-exported: refpub.build.OUTPUT_KINDS, refpub.build.exporters
from .export.protocol import COSTS, OUTPUT_KINDS, Rendered, Target, exporters

if TYPE_CHECKING:
    import jinja2

    from .building.manifest import Environment
    from .content.project import Project, ProjectPaths


@dataclass
class OutputResult:
    target: Target
    path: Path
    state: str  # "built", "up to date", "failed"
    seconds: float = 0.0
    size: int = 0
    fallbacks: int = 0
    pages: int | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # details for --verbose


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


def check_names(option: str, given: Iterable[str] | None, valid: Iterable[str], what: str) -> None:
    """A usage error for the first value of ``option`` that is not one of ``valid``."""
    valid = list(valid)
    for name in given or ():
        if name not in valid:
            raise UsageError(f"{option}: unknown {what} {name!r} (valid: {', '.join(valid)})")


def plan(content, only: Iterable[str] | None = None, langs: Iterable[str] | None = None) -> list:
    """The targets to build, filtered by output kind and language (unknown names: UsageError)."""
    check_names("--only", only, OUTPUT_KINDS, "output")
    check_names("--lang", langs, content.publication.languages, "language")
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


def default_jobs() -> int:
    """Worker processes: one per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build(
    path: str | Path = ".",
    out: str | Path | None = None,
    only: Iterable[str] | None = None,
    langs: Iterable[str] | None = None,
    on_output: Callable[[OutputResult], None] | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the project at ``path``. Raises ContentError when the content has errors.

    ``jobs`` is the number of worker processes (default: one per core; 1 renders in this
    process). ``force`` rebuilds every output even if it is up to date. While another build
    writes into the same output folder, this one waits (``on_wait`` is told), or with ``wait``
    False raises OutputBusy (see building/outlock.py).

    The recipe: resolve and prepare the output folder; answer at once if nothing changed since
    the last build (the no-op shortcut); load the content and digest each output's inputs;
    render what changed; record the build in the manifest.
    """
    from .content.project import ProjectPaths, check_out_dir

    started = time.perf_counter()
    check_names("--only", only, OUTPUT_KINDS, "output")  # before the no-op shortcut can answer
    paths = ProjectPaths.find(path, out)
    check_out_dir(paths.root, paths.out_dir)
    _prepare_out_dir(paths.out_dir)
    with output_lock(paths.out_dir, wait=wait, on_wait=on_wait):
        return _build_locked(paths, only, langs, on_output, jobs, force, started)


def _build_locked(
    paths: ProjectPaths,
    only: Iterable[str] | None,
    langs: Iterable[str] | None,
    on_output: Callable[[OutputResult], None] | None,
    jobs: int | None,
    force: bool,
    started: float,
) -> BuildResult:
    """The build, once it holds the output folder's lock (no other build writes there now)."""
    root, out_dir = paths.root, paths.out_dir
    remove_stray_temporaries(out_dir)
    options = {"only": sorted(set(only or ())), "langs": sorted(set(langs or ()))}
    env = inputs_environment(root)
    fingerprint = inputs_fingerprint(root, env, options)
    manifest = Manifest.read(out_dir)
    unchanged = None if force else _unchanged_build(out_dir, manifest, fingerprint, on_output, started)
    if unchanged is not None:
        return unchanged

    work = _load_and_digest(paths, only, langs, env, manifest, force)
    diagnostics = [*work.diagnostics, *_require_fonts(work.todo)]
    outputs = _render_changed(work, out_dir, manifest, on_output, jobs or default_jobs())
    _record_build(manifest, out_dir, fingerprint, work.targets, outputs, diagnostics)
    return BuildResult(outputs, diagnostics, time.perf_counter() - started)


def _unchanged_build(
    out_dir: Path,
    manifest: Manifest,
    fingerprint: str,
    on_output: Callable[[OutputResult], None] | None,
    started: float,
) -> BuildResult | None:
    """The no-op shortcut: if nothing the last build read has changed and its outputs are
    intact, that build's outputs (all up to date) and diagnostics; otherwise None. Decided
    from file digests, before the content is parsed or a renderer is imported."""
    unchanged = manifest.unchanged_build(out_dir, fingerprint)
    if unchanged is None:
        return None
    current = []
    for target in unchanged:
        result = _up_to_date(target, out_dir, manifest)
        current.append(result)
        if on_output:
            on_output(result)
    diagnostics = [diagnostic_from_record(d) for d in manifest.last_build.get("diagnostics", ())]
    return BuildResult(current, diagnostics, time.perf_counter() - started)


@dataclass
class _Work:
    """What a build that is not a no-op has to do, once the content is loaded."""

    project: Project
    targets: list[Target]  # every output of the build, in plan order
    digests: dict[str, str]  # output file name -> digest of its inputs
    todo: list[Target]  # the outputs to render: changed, missing or replaced (all of them with force)
    diagnostics: list[Diagnostic]  # the content's warnings


def _load_and_digest(
    paths: ProjectPaths,
    only: Iterable[str] | None,
    langs: Iterable[str] | None,
    env: Environment,
    manifest: Manifest,
    force: bool,
) -> _Work:
    """Load and check the content once, plan the targets and digest each one's inputs: those
    whose digest differs from the manifest's are to be rendered."""
    from .building.loading import load_project

    project = load_project(paths)
    registry = exporters()
    targets = plan(project.content, only, langs)
    digests = output_digests(paths.root, targets, lambda t: registry[t.kind].inputs(t, project.content), env)
    todo = [t for t in targets if force or not manifest.is_current(paths.out_dir, t.filename, digests[t.filename])]
    return _Work(project, targets, digests, todo, list(project.warnings))


def _require_fonts(todo: list[Target]) -> list[Diagnostic]:
    """Before a PDF is rendered: an error if a font face refpub needs is missing, and the
    warning about slow font subsetting, if any."""
    if not (todo and _needs_fonts(todo)):
        return []
    from .diagnostics import Severity
    from .pdf.fonts import require_faces, slow_subsetting_warning

    require_faces()
    slow = slow_subsetting_warning()
    return [Diagnostic(Severity.WARNING, slow)] if slow else []


def _render_changed(
    work: _Work,
    out_dir: Path,
    manifest: Manifest,
    on_output: Callable[[OutputResult], None] | None,
    jobs: int,
) -> list[OutputResult]:
    """Report the outputs that are up to date, render the others, longest first, and report
    each as it finishes, remembering it in the manifest. The results, in plan order."""
    results: dict[str, OutputResult] = {}

    def finished(result: OutputResult) -> None:
        results[result.target.filename] = result
        name = result.target.filename
        if result.state == "built":
            manifest.record_output(out_dir, name, work.digests[name], result.seconds, result.fallbacks, result.pages)
        elif result.state == "failed":
            manifest.forget_output(name)
        if on_output:
            on_output(result)

    for target in work.targets:
        if target not in work.todo:
            finished(_up_to_date(target, out_dir, manifest))
    costs = {t.filename: _expected_seconds(t, manifest) for t in work.todo}
    todo = sorted(work.todo, key=lambda t: costs[t.filename], reverse=True)
    try:
        _render_all(work.project, todo, out_dir, finished, jobs, costs)
    except BaseException:
        # Stopped (Ctrl-C, SIGTERM, SIGHUP) or a bug: the workers are gone; what finished is
        # kept and remembered, nothing half-written stays, every other output is as it was.
        remove_stray_temporaries(out_dir)
        manifest.last_build = {}
        manifest.write(out_dir)
        raise
    return [results[t.filename] for t in work.targets]


def _record_build(
    manifest: Manifest,
    out_dir: Path,
    fingerprint: str,
    targets: list[Target],
    outputs: list[OutputResult],
    diagnostics: list[Diagnostic],
) -> None:
    """Write the manifest. A build without a failed output is remembered whole, so that the
    next one with the same fingerprint is a no-op; after a failure, only its outputs are."""
    if all(o.state != "failed" for o in outputs):
        manifest.last_build = {
            "fingerprint": fingerprint,
            "targets": [target_record(t) for t in targets],
            "diagnostics": [diagnostic_record(d) for d in diagnostics],
        }
    else:
        manifest.last_build = {}
    manifest.write(out_dir)


def _up_to_date(target, out_dir: Path, manifest) -> OutputResult:
    record = manifest.outputs.get(target.filename, {})
    return OutputResult(
        target,
        out_dir / target.filename,
        "up to date",
        size=record.get("size", 0),
        fallbacks=record.get("fallbacks", 0),
        pages=record.get("pages"),
    )


def _expected_seconds(target, manifest) -> float:
    record = manifest.outputs.get(target.filename)
    if record and record.get("seconds"):
        return float(record["seconds"])
    return COSTS.get(target.kind, 1.0)


@dataclass
class CustomHandoutResult:
    path: Path
    rendered: Rendered
    diagnostics: list[Diagnostic]


def build_custom_handout(
    project_path: str | Path | None,
    handout,
    out: str | Path | None = None,
    *,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> CustomHandoutResult:
    """Check, render and write an ad-hoc handout (`refpub handout`); raises ContentError or
    BuildError. Like :func:`build`, the exporter renders and this writes, atomically."""
    from .building.loading import load_project
    from .content.adhoc import check_custom_handout
    from .content.project import ProjectPaths, check_out_dir
    from .diagnostics import Severity
    from .errors import ContentError
    from .export.base import RenderSession
    from .export.handouts import render_handout
    from .pdf.fonts import require_faces

    paths = ProjectPaths.find(project_path)
    path = Path(out).absolute() if out else paths.out_dir / f"handout-{handout.id}.pdf"
    check_out_dir(paths.root, path)
    project = load_project(paths)
    diagnostics = check_custom_handout(project.content, handout)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise ContentError(diagnostics)
    require_faces()
    rendered = render_handout(handout, RenderSession(project))
    _prepare_out_dir(path.parent)
    with output_lock(path.parent, wait=wait, on_wait=on_wait):
        atomic_write_bytes(path, rendered.data)
    return CustomHandoutResult(path, rendered, diagnostics + rendered.warnings)


# ----------------------------------------------------------------------------- rendering

# The project of the build in progress, inherited by forked workers (never pickled: the
# content model holds read-only mappings that pickle cannot copy).
_WORKER_STATE: dict = {}


def _render_all(
    project,
    targets: list,
    out_dir: Path,
    finished: Callable[[OutputResult], None],
    jobs: int,
    costs: dict[str, float] | None = None,
) -> None:
    if not targets:
        return
    started = time.time()
    try:
        _render_targets(project, targets, out_dir, finished, jobs, costs or {})
    finally:
        from .pdf.partcache import prune

        prune(project.paths.part_cache, since=started - 1)


def _part_cache(project: Project, targets: list):
    """The cache of laid-out handbook parts in the output folder (pdf/partcache.py)."""
    if not _needs_fonts(targets):
        return None
    from .building.manifest import code_digest
    from .pdf.fonts import installed_fonts_digest
    from .pdf.partcache import PartCache

    return PartCache(project.paths.part_cache, salt=f"{code_digest()}:{installed_fonts_digest()}")


def _render_targets(
    project, targets: list, out_dir: Path, finished: Callable[[OutputResult], None], jobs: int, costs: dict
) -> None:
    workers = min(jobs, len(targets))
    context = _fork_context()
    if workers <= 1 or context is None:
        from .export.base import RenderSession

        session = RenderSession(project)
        session.part_cache = _part_cache(project, targets)
        session.part_workers = jobs  # one output (or jobs=1): its parts may use every core
        registry = exporters()
        for target in targets:
            finished(_build_one(registry[target.kind], target, session, out_dir))
        return

    from concurrent.futures import ProcessPoolExecutor

    from .building import queue
    from .export.base import RenderSession

    # Work every worker would repeat is done once, here, before the fork: parsing the catalogs
    # of every language and reading the fonts' character maps; and each handbook is planned
    # (its views, its chapters in units), so that its units can be laid out by any worker.
    session = RenderSession(project)
    session.part_cache = _part_cache(project, targets)
    for lang in project.languages:
        session.translations(lang)
    if _needs_fonts(targets):
        from .pdf.fonts import missing_glyphs

        missing_glyphs("")
    registry = exporters()
    books, failed = _plan_books(targets, session, out_dir, finished, registry)
    work = _jobs([t for t in targets if t.filename not in failed], books, costs)
    if not work:
        return
    import gc

    # What the workers inherit stays shared with this process: objects the collector has seen
    # are not touched (and so not copied) by the workers' collections.
    gc.collect()
    gc.freeze()
    _WORKER_STATE.clear()
    _WORKER_STATE.update(project=project, out_dir=out_dir, session=session, registry=registry, books=books)
    by_name = {t.filename: t for t in targets}
    dropped: set[str] = set()  # handbooks a unit of which failed (reported once)

    def done(job: queue.Job, result) -> bool:
        if job.function is _unit_in_worker:
            if job.output in dropped:  # another unit, running when the first one failed
                return False
            if result.get("errors"):  # the handbook failed: its other jobs are dropped
                dropped.add(job.output)
                target = by_name[job.output]
                finished(OutputResult(target, out_dir / target.filename, "failed", errors=result["errors"]))
                return False
            return True
        finished(_result_from_worker(by_name[job.output], out_dir, result))
        return True

    pool_size = min(jobs, len(work))
    try:
        with ProcessPoolExecutor(
            max_workers=pool_size, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            try:
                queue.run(pool, work, pool_size, done)
            except BaseException:
                stop_pool(pool)
                raise
    finally:
        _WORKER_STATE.clear()
        gc.unfreeze()


def _plan_books(
    targets: list, session, out_dir: Path, finished: Callable[[OutputResult], None], registry
) -> tuple[dict[str, Any], set[str]]:
    """The outputs rendered in stages (the handbooks: exporters with a ``plan``), planned here
    before the workers start, and those whose planning failed (a missing glyph, a broken
    template), which are reported failed at once."""
    books: dict[str, Any] = {}
    failed: set[str] = set()
    if session.part_cache is None:  # the workers share fonts through the part cache's folder
        return books, failed
    for target in targets:
        plan = getattr(registry[target.kind], "plan", None)
        if plan is None:
            continue
        started = time.perf_counter()
        session.begin_output()
        try:
            book = plan(target, session)
        except (BuildErrors, BuildError, _template_error()) as exc:
            finished(_failed(target, out_dir / target.filename, started, exc, session))
            failed.add(target.filename)
            continue
        book.missing = session.missing_messages()  # the strings its views lacked, counted at its end
        books[target.filename] = book
    return books, failed


def _jobs(targets: list, books: dict, costs: dict) -> list:
    """A job per output, but per handbook a job for each unit of its body (its share of the
    handbook's expected time as cost) and one to finish it, which needs them all."""
    from .building.queue import FIRST, Job

    work = []
    for target in targets:
        name = target.filename
        cost = costs.get(name, 1.0)
        book = books.get(name)
        if book is None:
            work.append(Job(("output", name), cost, _render_in_worker, (target,), output=name))
            continue
        sizes = book.unit_sizes()
        units = [
            Job(("unit", name, i), cost * size / (sum(sizes) or 1), _unit_in_worker, (name, i), output=name)
            for i, size in enumerate(sizes)
        ]
        finish = Job(("finish", name), FIRST, _finish_in_worker, (target,), tuple(u.key for u in units), name)
        work += [*units, finish]
    return work


def _fork_context():
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: render in this process
        return None


def _render_in_worker(target) -> dict:
    """In a worker: render and write one output; returns a small, picklable summary."""
    # The session was made in the parent and inherited; each worker then keeps its own copy,
    # with the Jinja environments it makes, for every output it renders.
    session = _WORKER_STATE["session"]
    return _summary(_build_one(_WORKER_STATE["registry"][target.kind], target, session, _WORKER_STATE["out_dir"]))


def _summary(result: OutputResult) -> dict:
    """What a worker sends back of an output's result: picklable, small (no target, no path)."""
    return {
        "state": result.state,
        "seconds": result.seconds,
        "size": result.size,
        "fallbacks": result.fallbacks,
        "pages": result.pages,
        "errors": result.errors,
        "notes": result.notes,
    }


def _unit_in_worker(name: str, index: int) -> dict:
    """In a worker: lay out one unit of a handbook's body; its parts and what it counted."""
    session = _WORKER_STATE["session"]
    book = _WORKER_STATE["books"][name]
    started = time.perf_counter()
    session.begin_output()
    _layout_warnings(session)  # an earlier job's are not this one's
    before = book.renderer.laid_out, book.renderer.reused
    try:
        parts = book.lay_out(index)
    except (BuildErrors, BuildError, _template_error()) as exc:
        failed = _failed(book.target, _WORKER_STATE["out_dir"] / name, started, exc, session)
        return {"errors": failed.errors}
    return {
        "parts": parts,
        "fallbacks": set(book.views.localizer.fallbacks),
        "missing": session.missing_messages(),
        "warnings": _layout_warnings(session),
        "laid_out": book.renderer.laid_out - before[0],
        "reused": book.renderer.reused - before[1],
        "seconds": time.perf_counter() - started,
    }


class _Finishing:
    """A handbook's last stage as an exporter for :func:`_build_one`: the counts of its units
    (done in other processes) added to its own, then the back and front matter, furniture, join."""

    def __init__(self, book, units: tuple[dict, ...]):
        self.book = book
        self.units = units

    def render(self, target, session):
        book = self.book
        session.add_missing_messages(book.missing)
        for unit in self.units:
            book.views.localizer.fallbacks.update(unit["fallbacks"])
            session.add_missing_messages(unit["missing"])
        # This process may have laid out some of the units itself: each is counted once.
        book.renderer.laid_out = sum(unit["laid_out"] for unit in self.units)
        book.renderer.reused = sum(unit["reused"] for unit in self.units)
        return book.finish([part for unit in self.units for part in unit["parts"]])


def _finish_in_worker(target, *units: dict) -> dict:
    """In a worker: finish a handbook from its units' parts, write it; a small summary."""
    session = _WORKER_STATE["session"]
    book = _WORKER_STATE["books"][target.filename]
    result = _build_one(_Finishing(book, units), target, session, _WORKER_STATE["out_dir"])
    summary = _summary(result)
    summary["seconds"] += sum(unit["seconds"] for unit in units)  # the whole handbook's, for the next build's order
    warnings = [w for unit in units for w in unit["warnings"]]
    summary["errors"] = list(dict.fromkeys(warnings + result.errors))
    return summary


def _result_from_worker(target, out_dir: Path, summary: dict) -> OutputResult:
    return OutputResult(target, out_dir / target.filename, **summary)


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
        session.begin_output()
        _layout_warnings(session)  # those of an output before this one are not this one's
        rendered = exporter.render(target, session)
    except (BuildErrors, BuildError, _template_error()) as exc:
        return _failed(target, path, started, exc, session)
    try:
        if rendered.files is not None:
            atomic_write_tree(path, rendered.files)
            size = sum(len(data) for data in rendered.files.values())
        else:
            atomic_write_bytes(path, rendered.data)
            size = len(rendered.data)
    except WriteFailed as exc:  # a full disk, a read-only or immutable file: the old output stays
        return OutputResult(target, path, "failed", time.perf_counter() - started, errors=[exc.error_line()])
    return OutputResult(
        target,
        path,
        "built",
        time.perf_counter() - started,
        size=size,
        fallbacks=rendered.fallbacks,
        pages=rendered.pages,
        errors=[str(w) for w in rendered.warnings] + _layout_warnings(session),
        notes=rendered.notes,
    )


def _template_error() -> type[Exception]:
    """Jinja's error class (a project's template that is broken or reaches outside), imported
    only once something is rendered."""
    import jinja2

    return jinja2.TemplateError


def _failed(target, path: Path, started: float, exc: Exception, session) -> OutputResult:
    """The result of an output that could not be rendered, with its error lines."""
    seconds = time.perf_counter() - started
    if isinstance(exc, BuildErrors):
        return OutputResult(target, path, "failed", seconds, errors=[e.error_line() for e in exc.errors])
    if isinstance(exc, BuildError):
        return OutputResult(target, path, "failed", seconds, errors=[exc.error_line()])
    # a project's template that is broken or reaches outside
    from .views.environment import template_problem

    problem = template_problem(cast("jinja2.TemplateError", exc), session.project.root)
    return OutputResult(target, path, "failed", seconds, errors=[problem.error_line()])


def _layout_warnings(session) -> list[str]:
    """WeasyPrint's warnings while this output was laid out (a CSS property it ignores, say),
    which would otherwise vanish: most come from a project's own templates."""
    from .pdf.writer import take_layout_warnings

    taken = take_layout_warnings()
    if not taken:
        return []
    from .views.environment import template_dirs

    overrides = template_dirs(session.project.root)[:-1]  # the last is refpub's own
    hint = " (the project's own templates/ override refpub's: check them)" if overrides else ""
    return [f"warning: WeasyPrint: {message}{hint}" for message in taken]
