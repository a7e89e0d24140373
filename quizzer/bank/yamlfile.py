"""Read one YAML file safely and remember where each value came from.

A bank file may come from anyone (a colleague's zip, a shared repository), so it is
read as hostile text. PyYAML's safe loader refuses any tag that would construct a
Python object; on top of it this module refuses what a question never needs and an
attacker does: anchors and aliases (the "billion laughs" bomb: 342 bytes that
expand to hundreds of millions of values), more than ``MAX_YAML_NODES`` values,
duplicate keys (YAML keeps the last one silently, so the file says two things),
and numbers or dates Python cannot hold. The file's size is checked before it is
read, the anchors and the count before a node is built. Each refusal is a
``Problem`` with the file and line.

Every key and list item can be traced to its line, so a teacher told "line 14:
rubric[1].marks" can fix the file without hunting. Lines are only needed when
something is wrong, so the node tree that holds them is composed on the first
question about a line, not on every load: a valid bank loads at libyaml's speed.

The parsing itself, everything that needs PyYAML, is in ``yamlparse``; this module
imports it only for a file the parse cache does not hold (or when a line is asked
for), so a quiz whose bank is cached never imports PyYAML: about 20 ms of the
180 ms to the first question on this machine.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..limits import MAX_BANK_FILE_BYTES, MAX_YAML_NODES
from .cache import MISSING, ParseCache

__all__ = ["YamlDoc", "read_yaml", "file_size_problem"]

Location = tuple[Any, ...]


class YamlDoc:
    """A parsed document and the line of each location (a path of keys and indexes)."""

    def __init__(self, path: Path, data: Any, text: str | None = None) -> None:
        self.path = path
        self.data = data
        self._text = text
        self._lines: dict[Location, int] | None = None

    @property
    def lines(self) -> dict[Location, int]:
        if self._lines is None:
            self._lines = {}
            text = self._text if self._text is not None else self.path.read_text(encoding="utf-8")
            from .yamlparse import record_lines  # PyYAML, only now a line is asked for

            record_lines(text, self._lines)
        return self._lines

    def line(self, *location: Any) -> int | None:
        """The line of ``location``, or of its nearest recorded parent."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def file_size_problem(path: Path, size: int, limit: int = MAX_BANK_FILE_BYTES) -> Problem | None:
    """A problem when a file of ``size`` bytes is over ``limit``: checked on the
    file's ``stat`` before a byte of it is read."""
    if size <= limit:
        return None
    return Problem(path, f"is {size / 1e6:.1f} MB; a file may be at most {limit / 1e6:g} MB: "
                         "split it, or remove what it does not need")


def _decode(path: Path, raw: bytes) -> str | Problem:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(path, f"is not UTF-8 text (an undecodable byte at position {exc.start}); "
                             "save it as UTF-8", line=line)


def read_yaml(path: Path, cache: ParseCache | None = None, limit: int = MAX_BANK_FILE_BYTES,
              max_nodes: int = MAX_YAML_NODES) -> YamlDoc | list[Problem]:
    """Parse ``path`` (or take it from ``cache``); on failure return the problems,
    each naming the line and the fix. A file over ``limit`` bytes is not read, one
    of more than ``max_nodes`` values is not built."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size  # of the very file that is read
            too_big = file_size_problem(path, size, limit)
            if too_big:
                return [too_big]
            raw = handle.read(size + 1)
            if len(raw) > size:  # it grew since: read on, but never past the limit
                raw += handle.read(limit + 1 - len(raw))
    except OSError as exc:
        return [Problem(path, f"cannot be read: {exc.strerror}")]
    if len(raw) > limit:
        return [Problem(path, f"is more than {limit / 1e6:g} MB, the most a file may be: split it")]
    digest = hashlib.sha256(raw).hexdigest() if cache is not None else ""
    if cache is not None:
        data = cache.get(path, digest)
        if data is not MISSING:
            return YamlDoc(path, data, raw.decode("utf-8", errors="replace"))
    text = _decode(path, raw)
    if isinstance(text, Problem):
        return [text]
    from .yamlparse import parse  # PyYAML, only for a file the cache does not hold

    data, problems = parse(path, text, max_nodes)
    if problems:
        return problems
    if cache is not None:
        cache.put(path, digest, data)
    return YamlDoc(path, data, text)
