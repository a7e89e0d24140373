"""Work done beside this process (``parallel.beside``): the result comes back from
a real forked process, and a worker that fails or dies never loses the work."""

from __future__ import annotations

import os
import signal

import pytest

from quizzer.parallel import beside, ordered_map


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def test_beside_runs_in_another_process_and_returns_its_result():
    wait = beside(_pid_and, 21, jobs=2)
    pid, doubled = wait()
    assert doubled == 42
    assert pid != os.getpid()


def test_beside_with_one_job_runs_here_when_waited_for():
    wait = beside(_pid_and, 5, jobs=1)
    assert wait() == (os.getpid(), 10)


_CALLS = {"n": 0}


def _fails_in_a_worker(parent: int) -> str:
    if os.getpid() != parent:
        raise RuntimeError("only the worker fails")
    _CALLS["n"] += 1
    return "done here"


def test_a_failing_worker_is_redone_here():
    _CALLS["n"] = 0
    assert beside(_fails_in_a_worker, os.getpid(), jobs=2)() == "done here"
    assert _CALLS["n"] == 1


def _dies_in_a_worker(parent: int) -> str:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


def test_a_killed_worker_is_redone_here():
    assert beside(_dies_in_a_worker, os.getpid(), jobs=2)() == "survived"


def _always_fails(_: int) -> str:
    raise ValueError("a real mistake")


def test_an_error_the_work_itself_makes_is_raised_here():
    with pytest.raises(ValueError, match="a real mistake"):
        beside(_always_fails, 0, jobs=2)()


def _square(_context, n: int) -> int:
    return n * n


def test_ordered_map_keeps_the_input_order_over_workers():
    assert list(ordered_map(_square, range(50), None, jobs=2)) == [n * n for n in range(50)]
