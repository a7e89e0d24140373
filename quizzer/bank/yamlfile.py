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
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..limits import MAX_BANK_FILE_BYTES, MAX_YAML_NODES
from .cache import MISSING, ParseCache

__all__ = ["YamlDoc", "read_yaml", "file_size_problem"]

Location = tuple[Any, ...]
# libyaml's parser when PyYAML was built with it; the safe constructor either way.
_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NO_ALIASES = "anchors and aliases (&name, *name) are not allowed in a bank file; write the value out in full"


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
                _record_lines(node, self._lines)
        return self._lines

    def line(self, *location: Any) -> int | None:
        """The line of ``location``, or of its nearest recorded parent."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _record_lines(root: yaml.Node, lines: dict[Location, int]) -> None:
    """Walk the tree with a list, not recursion: libyaml allows nesting 1,000 deep,
    as deep as Python's own recursion limit."""
    stack: list[tuple[yaml.Node, Location]] = [(root, ())]
    while stack:
        node, location = stack.pop()
        lines.setdefault(location, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                lines[location + (key,)] = key_node.start_mark.line + 1
                stack.append((value_node, location + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, location + (index,)) for index, item in enumerate(node.value))


class _Refused(yaml.MarkedYAMLError):
    """Something ``_BankLoader`` will not build, at ``problem_mark``."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(problem=message, problem_mark=mark)


class _BankLoader(_FastSafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, noting each key that a mapping already holds (YAML would
    keep the second silently). Anchors, aliases and the number of values are
    checked before, by ``_prescan``."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any, int]] = []  # (line, key, first line)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):  # only then are the keys looked at again
            self._note_duplicates(node)
        return mapping

    def _note_duplicates(self, node: yaml.MappingNode) -> None:
        first_line: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node)  # built already: taken from the loader's memo
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.duplicates.append((line, key, first_line[key]))
            else:
                first_line[key] = line


class _LocatingLoader(_BankLoader):
    """Used only after a value could not be built (an integer of 5,000 digits, the
    date 2024-13-45): builds the file again to find that value's line. Kept off
    the normal path, where wrapping every number would cost a few percent."""

    def _guarded(self, build, node: yaml.Node, what: str):
        try:
            return build(self, node)
        except (ValueError, OverflowError) as exc:
            raise _Refused(f"{what} {node.value[:40]!r} cannot be read ({exc}); "
                           "correct it, or put it in quotes if it is text", node.start_mark) from None

    def construct_yaml_int(self, node: yaml.Node) -> int:
        return self._guarded(yaml.SafeLoader.construct_yaml_int, node, "the number")

    def construct_yaml_float(self, node: yaml.Node) -> float:
        return self._guarded(yaml.SafeLoader.construct_yaml_float, node, "the number")

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        return self._guarded(yaml.SafeLoader.construct_yaml_timestamp, node, "the date")


for _tag, _method in (("int", _LocatingLoader.construct_yaml_int), ("float", _LocatingLoader.construct_yaml_float),
                      ("timestamp", _LocatingLoader.construct_yaml_timestamp)):
    _LocatingLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)


def _prescan(text: str, max_nodes: int) -> None:
    """Raise at the first anchor or alias, or at the value beyond ``max_nodes``,
    before a node is built: libyaml reads events three to four times faster than
    it composes them into nodes (200,000 values: about 0.45 s against 1.5 s on an
    idle laptop core), and the scan stops at the first offence.

    Most files need no scan: every anchor and alias needs an ``&``, and YAML text
    makes at most two values per character plus one (``?`` alone is a mapping, its
    key and its value; a search of all short texts found no more), so a file
    without ``&`` and shorter than half of ``max_nodes`` (every file of the shipped
    bank) passes untouched. Were the bound ever beaten, such a file would still be
    far too small to be slow.
    """
    if "&" not in text and 2 * len(text) + 1 <= max_nodes:
        return
    count = 0
    for event in yaml.parse(text, Loader=_FastSafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(_NO_ALIASES, event.start_mark)
        if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            count += 1
            if count > max_nodes:
                raise _Refused(f"holds more than {max_nodes:,} values (texts, numbers, lists and mappings), "
                               "the most a file may hold: split it, or shorten its lists", event.start_mark)


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


def _syntax_problem(path: Path, raw_text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        if isinstance(exc, _Refused):
            return Problem(path, what, line=line)
        if "could not determine a constructor" in what:
            what = "uses a YAML tag that could construct objects; only plain data is allowed"
        return Problem(path, f"YAML syntax error: {what}", line=line)
    if isinstance(exc, yaml.reader.ReaderError):
        return _control_character(path, raw_text, exc)
    return Problem(path, f"YAML error: {exc}")


def _control_character(path: Path, text: str, exc: yaml.reader.ReaderError) -> Problem:
    """libyaml counts the position in UTF-8 bytes, PyYAML's own reader in characters."""
    character = exc.character if isinstance(exc.character, int) else ord(exc.character)
    if _FastSafeLoader is not yaml.SafeLoader:
        line = text.encode("utf-8")[: exc.position].count(b"\n") + 1
    else:
        line = text[: exc.position].count("\n") + 1
    return Problem(path, f"holds a control character (U+{character:04X}), which YAML does not allow; delete it",
                   line=line)


def _build(loader_class: type, text: str) -> tuple[Any, list]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _parse(path: Path, text: str, max_nodes: int) -> YamlDoc | list[Problem]:
    try:
        _prescan(text, max_nodes)
        try:
            data, duplicates = _build(_BankLoader, text)
        except (ValueError, OverflowError) as exc:
            _build(_LocatingLoader, text)  # raises the same, with its line
            return [Problem(path, f"holds a value that cannot be read ({exc})")]
    except yaml.YAMLError as exc:
        return [_syntax_problem(path, text, exc)]
    if duplicates:
        return [Problem(path, f"key {str(key)!r} appears twice (first on line {first}); keep one", line=line)
                for line, key, first in duplicates]
    return YamlDoc(path, data, text)


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
    doc = _parse(path, text, max_nodes)
    if cache is not None and isinstance(doc, YamlDoc):
        cache.put(path, digest, doc.data)
    return doc
