"""Work spread over the cores, results in input order.

Grading is pure Python, so one process uses one core; a batch of answers or a
regrade of a department's store is split into chunks that worker processes
grade at once. The workers are forked from the process that already built the
bank and the scorer (``context``), so they start in milliseconds and nothing is
pickled but the chunks and their results. At most two chunks per worker are in
flight, so memory stays flat however long the input; results come back in the
order the chunks went in. Where fork is not available (not on Linux or macOS),
or one job is asked for, the work runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["ordered_map", "default_jobs"]

Item = TypeVar("Item")
Result = TypeVar("Result")

_CONTEXT: Any = None  # what a forked worker works with (set before the pool forks)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _call(job: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    work, item = job
    return work(_CONTEXT, item)


def ordered_map(work: Callable[[Any, Item], Result], items: Iterable[Item], context: Any,
                jobs: int) -> Iterator[Result]:
    """``work(context, item)`` for each item, in order, on up to ``jobs`` processes.
    ``work`` must be a module-level function (the workers find it by name)."""
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield work(context, item)
        return
    from concurrent.futures import ProcessPoolExecutor

    global _CONTEXT
    _CONTEXT = context
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            pending: deque[Future] = deque()
            for item in items:
                pending.append(pool.submit(_call, (work, item)))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        _CONTEXT = None
