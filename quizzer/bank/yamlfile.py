"""Read one YAML file safely and remember where each value came from.

PyYAML's safe loader refuses any tag that would construct a Python object. Every
key and list item can be traced to its line, so a teacher told "line 14:
rubric[1].marks" can fix the file without hunting. Lines are only needed when
something is wrong, so the node tree that holds them is composed on the first
question about a line, not on every load: a valid bank loads at libyaml's speed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from .cache import MISSING, ParseCache

__all__ = ["YamlDoc", "read_yaml"]

Location = tuple[Any, ...]
# libyaml's parser when PyYAML was built with it; the safe constructor either way.
_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
            node = yaml.compose(text, Loader=_FastSafeLoader)
            if node is not None:
                _record_lines(node, (), self._lines)
        return self._lines

    def line(self, *location: Any) -> int | None:
        """The line of ``location``, or of its nearest recorded parent."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _record_lines(node: yaml.Node, location: Location, lines: dict[Location, int]) -> None:
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            _record_lines(value_node, location + (key,), lines)
            lines[location + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, location + (index,), lines)


def read_yaml(path: Path, cache: "ParseCache | None" = None) -> YamlDoc | Problem:
    """Parse ``path`` (or take it from ``cache``); on failure return a ``Problem``
    naming the line and the fix."""
    try:
        if cache is not None:
            stat = path.stat()
            data = cache.get(path, stat)
            if data is not MISSING:
                return YamlDoc(path, data)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Problem(path, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")
    except OSError as exc:
        return Problem(path, f"cannot be read: {exc.strerror}")
    try:
        data = yaml.load(text, Loader=_FastSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        if exc.problem and "could not determine a constructor" in exc.problem:
            what = "uses a YAML tag that could construct objects; only plain data is allowed"
        return Problem(path, f"YAML syntax error: {what}", line=line)
    except yaml.YAMLError as exc:
        return Problem(path, f"YAML error: {exc}")
    if cache is not None:
        cache.put(path, stat, data)
    return YamlDoc(path, data, text)
