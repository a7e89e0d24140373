"""Add items to a list in a YAML file a person wrote, leaving the rest as written.

A bank file is a teacher's document: its comments, key order, folded prompts and
line breaks carry meaning that ``yaml.dump`` of the parsed data would throw away.
So new items are written as text, in the block style the file already uses (its
list indentation, folded text wrapped under 90 columns, whole marks as ``2``),
and spliced in after the list's last item; nothing else in the file changes. Each
item is checked to read back as the very values it was made from, and the caller
checks the whole file before it replaces the old one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from ..errors import QuizzerError

__all__ = ["append_to_list", "render_items"]

WIDTH = 80  # folded text wraps here, from the text's own indentation: lines end near column 86
_ANY_KEY = re.compile(r"^[^\s#-]")  # a line that starts a top-level key
_ITEM = re.compile(r"^( *)- ")
_FOLD_FROM = 60  # a text at least this long, or with a line break, is a block, not a one-line value


class _Dumper(yaml.SafeDumper):
    """Long texts as folded blocks (literal where they have line breaks), like the bank's."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if len(value) >= _FOLD_FROM else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _number(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if value.is_integer():
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(float, _number)


def _dump(item: Mapping[str, Any], plain: bool) -> str:
    if plain:  # PyYAML folds some texts wrongly (trailing spaces, leading ones): quote those instead
        return yaml.safe_dump([dict(item)], sort_keys=False, allow_unicode=True, width=WIDTH, default_style=None)
    return yaml.dump([dict(item)], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH)


def _render(item: Mapping[str, Any]) -> str:
    """One list item as block YAML that reads back as ``item`` (numbers compared as numbers)."""
    for plain in (False, True):
        text = _dump(item, plain)
        if yaml.safe_load(text) == [dict(item)]:
            return text
    raise QuizzerError(f"Could not write {str(item)[:80]} as YAML that reads back the same.")


def render_items(items: Sequence[Mapping[str, Any]], indent: int) -> list[str]:
    """The items as lines of a block list indented by ``indent`` spaces."""
    lines = []
    for item in items:
        lines += [(" " * indent + line) if line else "" for line in _render(item).splitlines()]
    return lines


def _block(lines: list[str], key: str) -> tuple[int, str] | None:
    """Where the top-level ``key`` is, and what follows it on its line."""
    pattern = re.compile(rf"^{re.escape(key)}:(.*)$")
    for index, line in enumerate(lines):
        found = pattern.match(line)
        if found:
            return index, found.group(1).split(" #")[0].strip()
    return None


def _end_of_block(lines: list[str], start: int) -> int:
    """The line after the last item of the block list that starts after ``start``:
    the next top-level key, less the blank lines and comments just above it (they
    belong to that key)."""
    end = start + 1
    while end < len(lines) and not _ANY_KEY.match(lines[end]):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return end


def append_to_list(text: str, key: str, items: Sequence[Mapping[str, Any]], default_indent: int = 2) -> str:
    """``text`` with ``items`` added at the end of the top-level list ``key``
    (``key:`` and the list are added at the end of the file if it has none).
    A list written in flow style (``key: [...]``) other than an empty one is
    refused: rewriting it would change lines the teacher wrote."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    found = _block(lines, key)
    if found is None:
        block = [f"{key}:", *render_items(items, default_indent)]
        while lines and not lines[-1].strip():
            lines.pop()
        return newline.join([*lines, *block]) + newline
    start, rest = found
    if rest in ("[]", "null", "~"):
        lines[start] = f"{key}:"
    elif rest:
        raise QuizzerError(f"'{key}:' is written on one line ({rest[:40]}); nothing was added.",
                           f"write it as a block list, one '- ' item per entry under '{key}:', and run again.")
    end = _end_of_block(lines, start)
    first_item = next((m for line in lines[start + 1:end] if (m := _ITEM.match(line))), None)
    indent = len(first_item.group(1)) if first_item else default_indent
    lines[end:end] = render_items(items, indent)
    return newline.join(lines) + newline
