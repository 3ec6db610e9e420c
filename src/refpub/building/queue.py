"""One work queue for a build: every job of every output, across the worker processes.

A job is an output rendered whole (a reader, a handout), or a stage of an output rendered in
stages (a unit of a handbook's body; the handbook's finishing, which needs every unit). The
queue keeps every worker busy: whenever one is free it takes, of the jobs whose inputs are
done, the costliest (longest first, so that no long job starts last); a job that finishes an
output goes before any other, since the output waits for nothing else. Jobs run in a
``concurrent.futures`` pool of forked workers (see build.py); their results come back to the
build, which may drop the remaining jobs of an output that failed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import Any

FIRST = math.inf  # the cost of a job that finishes an output: it runs as soon as it can


@dataclass(frozen=True)
class Job:
    key: Hashable
    cost: float  # expected seconds (or FIRST)
    function: Callable[..., Any]  # a module-level function: the workers are forked processes
    args: tuple = ()
    needs: tuple = ()  # keys of jobs whose results are passed after ``args``, in this order (to this job only)
    output: str = ""  # the output it belongs to (dropped together)


def run(pool, jobs: list[Job], workers: int, done: Callable[[Job, Any], bool]) -> None:
    """Run ``jobs`` in ``pool``, at most ``workers`` at a time. ``done(job, result)`` is called
    as each finishes; False drops the jobs of its output that have not started."""
    results: dict[Hashable, Any] = {}  # of finished jobs, until the one job that needs them starts
    completed: set[Hashable] = set()
    waiting = list(jobs)
    running: dict[Future, Job] = {}
    while waiting or running:
        ready = [job for job in waiting if all(key in completed for key in job.needs)]
        ready.sort(key=lambda job: job.cost, reverse=True)  # stable: plan order among equals
        for job in ready[: max(0, workers - len(running))]:
            waiting.remove(job)
            args = job.args + tuple(results.pop(key) for key in job.needs)
            running[pool.submit(job.function, *args)] = job
        if not running:
            return  # nothing can start: what waits needs a job that was dropped
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            job = running.pop(future)
            results[job.key] = result = future.result()
            completed.add(job.key)
            if not done(job, result):
                waiting = [j for j in waiting if not (job.output and j.output == job.output)]
