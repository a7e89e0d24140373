"""Text files in and out: read what a teacher made (with a message that says how to
fix it if we cannot), and write the files users keep so that no reader ever sees
half of one.

One rule for every file a user keeps (sheets, keys, manifests, marks, result pages,
reports, batch output, the bank's cache): write to a temporary file in the same
folder, flush it to disk, then rename it over the old one. A reader sees the old
file or the new one, never a mix; a killed run leaves only a temporary file, named
``.NAME.PID.tmp``, which the next write into that folder removes once its process
is gone. A full disk or a read-only folder is a ``QuizzerError`` that names the file
and says the old one is unchanged, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import QuizzerError
from .limits import MAX_CSV_BYTES, MAX_CSV_CELL

__all__ = ["read_utf8", "read_csv", "CsvTable", "write_utf8", "write_bytes", "write_csv", "open_atomic", "csv_cell",
           "remove_stale_temporaries", "write_failure", "FORMULA_STARTS"]

TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")
STALE_AFTER = 24 * 3600  # a temporary file this old is stale even if its PID was reused
_swept: set[Path] = set()  # folders already cleaned by this process


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


@dataclass(frozen=True)
class CsvTable:
    """A CSV read whole: stripped column names and ``(line, row)`` pairs, where
    ``row`` maps each column to its text (missing cells are "") and ``extra``
    holds fields beyond the header (an answer with unquoted commas)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str], list[str]]]


def _separator(text: str) -> str:
    """The cell separator: a comma, unless the header line has none and uses
    semicolons (what a spreadsheet in a comma-decimal locale saves) or tabs."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in header:
        return ","
    return ";" if ";" in header else "\t" if "\t" in header else ","


def read_csv(path: Path, what: str = "", required: Sequence[str] = ()) -> CsvTable:
    """Read a CSV a teacher made, within ``limits``; any problem with the file as
    a whole (too big, not UTF-8, a cell too long, a missing column) is a
    ``QuizzerError`` naming the file, the line and what to do."""
    name = f"{what} {path}".strip()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QuizzerError(f"Cannot read {name}: {exc.strerror}.") from None
    if size > MAX_CSV_BYTES:
        raise QuizzerError(f"{name} is {size / 1e6:.0f} MB; at most {MAX_CSV_BYTES / 1e6:.0f} MB is read.",
                           "split it into smaller files and run each.")
    text = read_utf8(path, what)
    if not text.strip():
        hint = f"it needs a header line '{','.join(required)}' and one row per line." if required else None
        raise QuizzerError(f"{name} is empty.", hint)
    old = csv.field_size_limit(MAX_CSV_CELL)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
        try:
            header = next(reader, None)
            columns = [c.strip() for c in header or []]
            missing = [c for c in required if c not in columns]
            if missing:
                raise QuizzerError(
                    f"{name} has no column {', '.join(repr(c) for c in missing)} "
                    f"(found: {', '.join(columns) or 'none'}).",
                    f"the first line must name the columns: {','.join(required)}.")
            rows = []
            for fields in reader:
                if not any(f.strip() for f in fields):
                    continue  # a blank line, as spreadsheets leave at the end
                row = {c: (fields[i] if i < len(fields) else "") for i, c in enumerate(columns)}
                rows.append((reader.line_num, row, fields[len(columns):]))
        except csv.Error as exc:
            line = reader.line_num
            detail = (f"a cell is longer than {MAX_CSV_CELL:,} characters" if "field larger" in str(exc)
                      else str(exc))
            raise QuizzerError(f"{name}, line {line}: {detail}.",
                               "fix that line (a long answer may have lost its closing quote) and run again.") from None
    finally:
        csv.field_size_limit(old)
    return CsvTable(columns, rows)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: leave its file alone
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left in ``folder``: those whose
    process is gone, or that are a day old. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = TEMPORARY.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(match.group(1))
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
        except OSError:
            continue
        if pid == os.getpid() and not old:
            continue
        if old or not _alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _sweep_once(folder: Path) -> None:
    key = folder.resolve()
    if key not in _swept:
        _swept.add(key)
        remove_stale_temporaries(key)


def write_failure(path: Path, exc: OSError) -> QuizzerError:
    """A write failure in words a teacher can act on."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return QuizzerError(f"The disk is full: could not write {path}.",
                            "free some space and run again; the file there before, if any, is unchanged.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return QuizzerError(f"Cannot write {path}: {exc.strerror}.",
                            "choose a folder you can write to; nothing there was changed.")
    return QuizzerError(f"Cannot write {path}: {exc.strerror or exc}.",
                        "check the folder and run again; the file there before, if any, is unchanged.")


@contextlib.contextmanager
def open_atomic(path: Path | str, *, binary: bool = False, newline: str | None = None) -> Iterator[IO[Any]]:
    """A stream whose content replaces ``path`` only when the block ends without
    an error; until then readers see the old file. The folder is made if needed."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_once(path.parent)
        mode = "wb" if binary else "w"
        encoding = None if binary else "utf-8"
        with open(temporary, mode, encoding=encoding, newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise write_failure(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut after it keeps the new file)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_utf8(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see the module's rule)."""
    with open_atomic(path) as stream:
        stream.write(text)
    return Path(path)


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see the module's rule)."""
    with open_atomic(path, binary=True) as stream:
        stream.write(data)
    return Path(path)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_cell(value: Any) -> Any:
    """A value for a CSV we write, defused: a spreadsheet runs text starting with
    = + - @ (after any spaces; full-width forms too) or a tab, carriage return or
    line feed as a formula, so such text gets a leading apostrophe (even "-1.5":
    text is never trusted to be only a number). Numbers stay numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    starts = (text[:1], text.lstrip()[:1])  # any kind of space before it (a no-break space too)
    return "'" + text if any(s and s in FORMULA_STARTS for s in starts) else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any] | dict[str, Any]]) -> Path:
    """Write a CSV atomically, every cell defused; ``rows`` are sequences in
    ``header`` order or dicts keyed by it (missing keys are empty)."""
    with open_atomic(path, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([csv_cell(h) for h in header])
        for row in rows:
            values = [row.get(h, "") for h in header] if isinstance(row, dict) else row
            writer.writerow([csv_cell(v) for v in values])
    return Path(path)
