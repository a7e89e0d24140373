"""Read a text file a teacher made, with a message that says how to fix it if we cannot."""

from __future__ import annotations

from pathlib import Path

from .errors import QuizzerError

__all__ = ["read_utf8"]


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
