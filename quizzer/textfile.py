"""Text files in and out: read what a teacher made (with a message that says how to
fix it if we cannot), and write files so that no reader ever sees half of one."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import QuizzerError

__all__ = ["read_utf8", "write_utf8"]


def read_utf8(path: Path, what: str = "") -> str:
    """The file's text (a UTF-8 byte-order mark, as spreadsheets write, is dropped).

    ``what`` names the file in messages, for example "the roster".
    """
    name = f"{what} {path}".strip()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuizzerError(f"Cannot read {name}: {exc.strerror}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise QuizzerError(
            f"{name} is not UTF-8 text (an undecodable byte on line {line}).",
            "save the file as 'CSV UTF-8' (in a spreadsheet: Save As, CSV UTF-8) and run again.",
        ) from None


def write_utf8(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically: to a temporary file beside it, then
    renamed into place, so an interrupted write leaves the old file (or none).
    The folder is made if needed; ``OSError`` is the caller's to word."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise
    return path
