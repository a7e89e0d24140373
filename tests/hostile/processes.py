"""Processes as /proc shows them, for the kill -9 tests: which children a process
has, and which of them still run (a pid reused by a new process has another start
time, so it does not count)."""

from __future__ import annotations

import os
from pathlib import Path


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19])


def children(parent: int) -> dict[int, int]:
    """The live children of ``parent``: pid -> start time (a reused pid has another)."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = proc_stat(int(entry.name))
            if stat and stat[1] == parent and stat[0] != "Z":
                found[int(entry.name)] = stat[2]
    return found


def still_running(processes: dict[int, int]) -> list[int]:
    alive = []
    for pid, started in processes.items():
        stat = proc_stat(pid)
        if stat and stat[2] == started and stat[0] != "Z":
            alive.append(pid)
    return alive
