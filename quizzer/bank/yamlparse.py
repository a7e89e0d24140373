"""Parsing bank YAML with PyYAML, refusing what a question never needs (see ``yamlfile``).

Kept apart from ``yamlfile`` so that reading a cached bank needs no PyYAML at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["parse", "record_lines"]

Location = tuple[Any, ...]  # a path of keys and indexes, as in yamlfile

# libyaml's parser when PyYAML was built with it; the safe constructor either way.
_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NO_ALIASES = "anchors and aliases (&name, *name) are not allowed in a bank file; write the value out in full"


def record_lines(text: str, lines: dict[Location, int]) -> None:
    """Fill ``lines`` with the line of every key and list item of ``text``."""
    node = yaml.compose(text, Loader=_FastSafeLoader)
    if node is not None:
        _record_node_lines(node, lines)


def _record_node_lines(root: yaml.Node, lines: dict[Location, int]) -> None:
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


def parse(path: Path, text: str, max_nodes: int) -> tuple[Any, list[Problem]]:
    """The data in ``text`` and no problems, or ``None`` and the problems that refuse
    it, each with its line."""
    try:
        _prescan(text, max_nodes)
        try:
            data, duplicates = _build(_BankLoader, text)
        except (ValueError, OverflowError) as exc:
            _build(_LocatingLoader, text)  # raises the same, with its line
            return None, [Problem(path, f"holds a value that cannot be read ({exc})")]
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(path, text, exc)]
    if duplicates:
        return None, [Problem(path, f"key {str(key)!r} appears twice (first on line {first}); keep one", line=line)
                      for line, key, first in duplicates]
    return data, []
