"""Render an exam's pages in chunks of students on worker processes, so memory stays
flat however large the class.

Each worker renders about ``CHUNK`` students and writes their sheet and key pages
into a hidden staging folder inside the output folder (``.build.PID.tmp``, a name
``folder.survey`` skips); it hands back only that chunk's part of the combined
``sheets.html`` and ``keys.html``, which the parent appends in roster order as the
chunks complete. The pages are not flushed one by one: the staging folder is synced
once (``syncfs``) before it is moved into place, and the manifest, written after
that, is what marks a folder as holding a whole build. A killed build leaves only
the staging folder, which the next build into that folder removes.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..errors import QuizzerError
from ..parallel import ordered_map
from ..templating import render
from ..textfile import write_failure
from .build import Exam, with_variants

__all__ = ["CHUNK", "PAPERS", "answer_lines", "Chunk", "PageContext", "document_parts", "render_chunks",
           "staging_folder",
           "remove_stale_staging", "sync_folder_tree", "move_pages"]

CHUNK = 25  # students a worker renders at once: a few chunks in flight stay a few MB
STAGING = re.compile(r"^\.build\.(\d+)\.tmp$")
_SEPARATOR = "\x00body\x00"
PAPERS = {"a4": "A4", "letter": "letter"}
LINES_PER_MARK = 3  # ruled lines of writing space per mark of a short-answer question


def answer_lines(marks: float) -> int:
    """How many ruled lines a short-answer box gets: three a mark, at least two."""
    return max(2, math.ceil(marks * LINES_PER_MARK))


def _document(kind: str, title: str, body: str, paper: str) -> str:
    return render("exam/document.html", kind=kind, title=title, body=Markup(body), paper=PAPERS[paper])


@dataclass(frozen=True)
class PageContext:
    """What every worker needs, set up once before the pool forks."""

    exam: Exam
    paper: str
    names: dict[str, str]  # student id -> file name
    staging: Path


@dataclass(frozen=True)
class Chunk:
    """One chunk's part of the combined files: its students' bodies, joined."""

    sheets: str
    keys: str


def document_parts(kind: str, title: str, paper: str) -> tuple[str, str]:
    """The combined page's text before and after its body, so the body can be
    written piece by piece and the file still equals the page rendered whole."""
    page = render("exam/document.html", kind=kind, title=title, body=Markup(_SEPARATOR), paper=PAPERS[paper])
    head, separator, tail = page.partition(_SEPARATOR)
    if not separator or _SEPARATOR in tail:
        raise QuizzerError("The page template exam/document.html must show {{ body }} exactly once.")
    return head, tail


def staging_folder(folder: Path) -> Path:
    return folder / f".build.{os.getpid()}.tmp"


def remove_stale_staging(folder: Path) -> None:
    """Remove the staging folders of builds whose process is gone (killed midway)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = STAGING.match(entry.name)
            if match and entry.is_dir(follow_symlinks=False) and not _alive(int(match.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_page(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise write_failure(path, exc) from None


def _render_chunk(context: PageContext, bounds: tuple[int, int]) -> Chunk:
    """Render students ``bounds[0]:bounds[1]``, write their pages, return their bodies."""
    from jinja2 import TemplateError

    exam = context.exam
    questions = {q.id: q for q in exam.questions}
    date = exam.created_at.strftime("%d %B %Y")
    sheet_parts, key_parts = [], []
    for sheet in map(with_variants, exam.sheets[bounds[0]:bounds[1]]):
        name = context.names[sheet.student.student_id]
        try:
            body = render("exam/sheet.html", exam=exam, sheet=sheet, questions=questions, date=date,
                          answer_lines=answer_lines)
            key = render("exam/key.html", exam=exam, sheet=sheet, questions=questions)
            sheet_page = _document("sheet", f"{exam.spec.title} · {sheet.student.name}", body, context.paper)
            key_page = _document("key", f"Key · {sheet.student.name}", key, context.paper)
        except TemplateError as exc:
            raise template_failure(exc, sheet.student.student_id) from None
        _write_page(context.staging / "sheets" / f"{name}.html", sheet_page)
        _write_page(context.staging / "keys" / f"{name}.html", key_page)
        sheet_parts.append(body)
        key_parts.append(key)
    return Chunk("\n".join(sheet_parts), "\n".join(key_parts))


def template_failure(exc: Exception, student_id: str | None = None) -> QuizzerError:
    """A template that cannot be rendered, in words (a teacher's own templates, QUIZZER_TEMPLATES)."""
    where = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    place = f" ({where}{f', line {line}' if line else ''})" if where else ""
    whose = f" for student {student_id}" if student_id else ""
    return QuizzerError(f"An exam template could not be rendered{whose}{place}: {exc}.",
                        "fix the template (or unset QUIZZER_TEMPLATES to use the shipped ones) and build again; "
                        "nothing was written.")


def render_chunks(context: PageContext, jobs: int) -> Iterator[Chunk]:
    """Every chunk's bodies in roster order, rendered on up to ``jobs`` processes."""
    for kind in ("sheets", "keys"):
        (context.staging / kind).mkdir(parents=True, exist_ok=True)
    count = len(context.exam.sheets)
    bounds = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    return ordered_map(_render_chunk, bounds, context, jobs)


def sync_folder_tree(folder: Path) -> None:
    """Flush everything written to the folder's file system at once (``syncfs``),
    not page by page; ``os.sync`` where syncfs is not available."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if getattr(libc, "syncfs", None) is None or libc.syncfs(fd) != 0:
            os.sync()
    except OSError:
        os.sync()
    finally:
        os.close(fd)


def move_pages(staging: Path, folder: Path) -> None:
    """Move the staged page folders into place: whole when the folder is not there,
    page by page where a teacher's files keep it."""
    for kind in ("sheets", "keys"):
        source, target = staging / kind, folder / kind
        try:
            if not target.exists():
                os.replace(source, target)
                continue
            for entry in os.scandir(source):
                os.replace(entry.path, target / entry.name)
        except OSError as exc:
            raise write_failure(target, exc) from None
