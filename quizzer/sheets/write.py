"""Write an exam to a folder: sheets, keys, marking scheme, manifest, and PDFs.

Layout of the output folder::

    manifest.json            rebuild and grade the exam from this
    sheets.html, keys.html   every student, one page break apart, for printing in one go
    marking-scheme.html      the short-answer rubrics and model answers
    sheets/<name>.html, keys/<name>.html   one file per student (names: ``folder.student_filenames``)
    pdf/...                  the three combined files as PDF, with --pdf

The pages are rendered in chunks of students on worker processes and streamed to
disk (see ``stream``): the pages into a hidden staging folder, the combined files
into ``textfile`` temporaries beside their names, so memory stays flat in the size
of the class. A build that fails (a template, WeasyPrint missing, a full disk)
leaves the previous build as it was; only once everything is rendered is the
folder checked again and cleared (see ``folder``), the new pages moved into place
and the combined files renamed over the old, and the manifest written last: a
folder with a manifest holds a whole build.
"""

from __future__ import annotations

import contextlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from jinja2 import TemplateError

from ..errors import QuizzerError
from ..parallel import default_jobs
from ..templating import render
from ..textfile import open_atomic, read_utf8, write_bytes, write_failure, write_utf8
from .build import Exam, with_variants
from .folder import FolderContents, check_folder, clear_previous, student_filenames
from .manifest import manifest_pieces
from .stream import (
    PAPERS,
    PageContext,
    _document,
    answer_lines,
    document_parts,
    move_pages,
    remove_stale_staging,
    render_chunks,
    staging_folder,
    sync_folder_tree,
    template_failure,
)

__all__ = ["WrittenExam", "write_exam", "write_files", "html_to_pdf", "pdf_bytes", "answer_lines", "PAPERS"]

WRITERS = 8  # files written at once (see write_files)


@dataclass(frozen=True)
class WrittenExam:
    folder: Path
    manifest: Path
    sheets: Path
    keys: Path
    scheme: Path
    pdfs: tuple[Path, ...] = ()
    replaced: FolderContents | None = field(default=None, compare=False)  # what was there before


def _render(exam: Exam, paper: str) -> dict[str, str]:
    """Every HTML file of the exam by its path inside the folder."""
    questions = {q.id: q for q in exam.questions}
    date = exam.created_at.strftime("%d %B %Y")
    title = exam.spec.title
    names = student_filenames([s.student.student_id for s in exam.sheets])
    files: dict[str, str] = {}
    sheet_parts, key_parts = [], []
    for sheet in map(with_variants, exam.sheets):
        name = names[sheet.student.student_id]
        body = render("exam/sheet.html", exam=exam, sheet=sheet, questions=questions, date=date,
                      answer_lines=answer_lines)
        key = render("exam/key.html", exam=exam, sheet=sheet, questions=questions)
        sheet_parts.append(body)
        key_parts.append(key)
        files[f"sheets/{name}.html"] = _document("sheet", f"{title} · {sheet.student.name}", body, paper)
        files[f"keys/{name}.html"] = _document("key", f"Key · {sheet.student.name}", key, paper)
    files["sheets.html"] = _document("sheet", title, "\n".join(sheet_parts), paper)
    files["keys.html"] = _document("key", f"{title} · answer keys", "\n".join(key_parts), paper)
    files["marking-scheme.html"] = _document("scheme", f"{title} · marking scheme",
                                             render("exam/scheme.html", exam=exam), paper)
    return files


def write_exam(exam: Exam, folder: Path, paper: str = "a4", pdf: bool = False, force: bool = False,
               jobs: int | None = None) -> WrittenExam:
    """Write the exam into ``folder``: refused if it holds anything, unless ``force``,
    which replaces the previous build (see ``folder``). The pages are rendered in
    chunks on ``jobs`` processes (default: every core) and streamed to disk (see
    ``stream``); the previous build is removed only once the new one is rendered."""
    folder = Path(folder)
    if pdf:
        _weasyprint()  # missing WeasyPrint stops the build before anything is written
    names = student_filenames([s.student.student_id for s in exam.sheets])
    try:
        scheme = _document("scheme", f"{exam.spec.title} · marking scheme", render("exam/scheme.html", exam=exam),
                           paper)
    except TemplateError as exc:
        raise template_failure(exc) from None
    check_folder(folder, force)  # refuse before the work
    created = not folder.exists()
    try:
        contents, pdfs = _stream_build(exam, folder, paper, names, scheme if pdf else None, force,
                                       jobs or default_jobs())
        write_files(folder, {"marking-scheme.html": scheme, **pdfs})
        with open_atomic(folder / "manifest.json") as stream:
            stream.writelines(manifest_pieces(exam))
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if the failed build left it empty
        raise
    return WrittenExam(folder, folder / "manifest.json", folder / "sheets.html", folder / "keys.html",
                       folder / "marking-scheme.html", tuple(folder / name for name in pdfs),
                       contents if not contents.empty else None)


def _stream_build(exam: Exam, folder: Path, paper: str, names: dict[str, str], scheme: str | None, force: bool,
                  jobs: int) -> tuple[FolderContents, dict[str, str | bytes]]:
    """Render every page into the staging folder and the combined files beside their
    final names; then (and only then) clear the previous build and move the new one
    into place. Returns what was there before and the PDFs (with ``scheme``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(folder, exc) from None
    remove_stale_staging(folder)
    staging = staging_folder(folder)
    try:
        with open_atomic(folder / "sheets.html") as sheets, open_atomic(folder / "keys.html") as keys:
            _write_combined(PageContext(exam, paper, names, staging), jobs, (sheets, keys))
            pdfs = _pdfs(Path(sheets.name), Path(keys.name), scheme) if scheme is not None else {}
            sync_folder_tree(staging)
            contents = check_folder(folder, force)  # again: the folder may have changed meanwhile
            clear_previous(contents)
            move_pages(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return contents, pdfs


def _write_combined(context: PageContext, jobs: int, streams: tuple[IO[str], IO[str]]) -> None:
    """Stream each chunk's bodies into the combined files, in roster order."""
    sheets, keys = streams
    title, paper = context.exam.spec.title, context.paper
    sheet_parts = document_parts("sheet", title, paper)
    key_parts = document_parts("key", f"{title} · answer keys", paper)
    sheets.write(sheet_parts[0])
    keys.write(key_parts[0])
    for index, chunk in enumerate(render_chunks(context, jobs)):
        separator = "\n" if index else ""
        sheets.write(separator + chunk.sheets)
        keys.write(separator + chunk.keys)
    sheets.write(sheet_parts[1])
    keys.write(key_parts[1])
    sheets.flush()
    keys.flush()


def _pdfs(sheets: Path, keys: Path, scheme: str) -> dict[str, str | bytes]:
    """The three combined files as PDF, rendered from the streamed HTML (read whole:
    WeasyPrint takes one document)."""
    return {"pdf/sheets.pdf": pdf_bytes(read_utf8(sheets, "the sheets")),
            "pdf/keys.pdf": pdf_bytes(read_utf8(keys, "the keys")),
            "pdf/marking-scheme.pdf": pdf_bytes(scheme)}


def write_files(folder: Path, files: dict[str, str | bytes]) -> None:
    """Write many files through ``textfile`` at once. Each file is flushed to disk
    before it is renamed; one at a time, 2,000 pages took 22 s on an ext4 disk, and
    eight at a time 2.2 s, because the disk commits waiting flushes together."""
    def one(item: tuple[str, str | bytes]) -> None:
        name, content = item
        if isinstance(content, bytes):
            write_bytes(folder / name, content)
        else:
            write_utf8(folder / name, content)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for _ in pool.map(one, files.items()):  # re-raises the first failure, naming its file
            pass


def _weasyprint():
    try:
        import weasyprint
    except ImportError:
        raise QuizzerError("PDF output needs WeasyPrint, which is not installed.",
                           "pip install 'quizzer[pdf]'") from None
    except OSError as exc:  # WeasyPrint is there but a system library (Pango) is not
        raise QuizzerError(f"WeasyPrint cannot load a system library it needs: {exc}.",
                           "on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                           "(see WeasyPrint's installation guide for other systems)") from None
    return weasyprint


def pdf_bytes(html: str) -> bytes:
    """An exam page as PDF (the pages are self-contained: styles inline, no images)."""
    return _weasyprint().HTML(string=html).write_pdf()


def html_to_pdf(source: Path, target: Path) -> Path:
    """Render an HTML file to a PDF file, written whole (see ``textfile``)."""
    return write_bytes(target, pdf_bytes(read_utf8(source, "the page")))
