"""Work spread over the cores, results in input order.

Grading is pure Python, so one process uses one core; a batch of answers or a
regrade of a department's store is split into chunks that worker processes
grade at once. The workers are forked from the process that already built the
bank and the scorer (``context``), so they start in milliseconds and nothing is
pickled but the chunks and their results. At most two chunks per worker are in
flight, so memory stays flat however long the input; results come back in the
order the chunks went in. Where fork is not available (not on Linux or macOS),
or one job is asked for, the work runs in this process.

``beside`` runs one piece of work in a forked process while this one goes on with
another (an exam's review count while its result pages are written).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["ordered_map", "default_jobs", "beside", "die_with_parent"]

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
        # a killed parent cannot stop its pool: each worker watches for that itself
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            pending: deque[Future] = deque()
            for item in items:
                pending.append(pool.submit(_call, (work, item)))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        _CONTEXT = None


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ORPHAN_CHECK_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """A forked worker's first step: end it when the process that forked it ends.

    A forked worker holds its own copy of the pipe it reads work from, so with the
    parent killed (``kill -9`` leaves it no time to stop its pool) it would wait on
    that pipe forever. On Linux the kernel kills it with its parent
    (``PR_SET_PDEATHSIG``); everywhere, a watch thread ends it once its parent is
    gone, and a parent already gone before either was set up is caught at once.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def _send(parent: int, send, work: Callable[..., Any], args: tuple) -> None:
    die_with_parent(parent)
    try:
        outcome: tuple[str, Any] = ("done", work(*args))
    except BaseException:  # the parent does the work itself, and so raises the error properly
        outcome = ("failed", None)
    try:
        send.send(outcome)
    finally:
        send.close()
        os._exit(0)  # no atexit handlers of the parent's (its pooled connections, its temporary files)


def beside(work: Callable[..., Result], *args: Any, jobs: int | None = None) -> Callable[[], Result]:
    """Start ``work(*args)`` in a forked process and return what waits for its
    result, so that this process can do something else meanwhile. The result must
    pickle. If the worker fails or dies, waiting runs ``work`` here instead, so a
    failure is raised as it would be without a worker (and the work is never lost).
    With one job, or where fork is not available, ``work`` runs when waited for."""
    if (jobs if jobs is not None else default_jobs()) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: work(*args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_send, args=(os.getpid(), send, work, args), daemon=True)
    process.start()
    send.close()

    def wait() -> Result:
        try:
            kind, value = receive.recv()
        except (EOFError, OSError):  # the worker ended without an answer
            kind, value = "failed", None
        finally:
            receive.close()
            process.join()
        return value if kind == "done" else work(*args)

    return wait
