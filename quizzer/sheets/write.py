"""Write an exam to a folder: sheets, keys, marking scheme, manifest, and PDFs.

Layout of the output folder::

    manifest.json            rebuild and grade the exam from this
    sheets.html, keys.html   every student, one page break apart, for printing in one go
    marking-scheme.html      the short-answer rubrics and model answers
    sheets/<id>.html, keys/<id>.html   one file per student
    pdf/...                  the same as PDF, with --pdf

Each student's sheet and key is rendered once; the combined files reuse the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..errors import QuizzerError
from ..render import render
from .build import Exam
from .manifest import manifest_json

__all__ = ["WrittenExam", "write_exam", "safe_filename", "html_to_pdf", "PAPERS"]

PAPERS = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class WrittenExam:
    folder: Path
    manifest: Path
    sheets: Path
    keys: Path
    scheme: Path
    pdfs: tuple[Path, ...] = ()


def safe_filename(student_id: str) -> str:
    """A file name that keeps the id readable but cannot leave the folder."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", student_id).strip("._") or "student"
    return cleaned[:80]


def _document(kind: str, title: str, body: str, paper: str) -> str:
    return render("exam/document.html", kind=kind, title=title, body=Markup(body), paper=PAPERS[paper])


def write_exam(exam: Exam, folder: Path, paper: str = "a4", pdf: bool = False) -> WrittenExam:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sheets").mkdir(exist_ok=True)
    (folder / "keys").mkdir(exist_ok=True)
    questions = {q.id: q for q in exam.questions}
    date = exam.created_at.strftime("%d %B %Y")
    title = exam.spec.title
    sheet_parts, key_parts = [], []
    names: set[str] = set()
    for sheet in exam.sheets:
        name = safe_filename(sheet.student.student_id)
        while name in names:  # two ids that clean to the same name
            name += "_"
        names.add(name)
        body = render("exam/sheet.html", exam=exam, sheet=sheet, questions=questions, date=date)
        key = render("exam/key.html", exam=exam, sheet=sheet, questions=questions)
        sheet_parts.append(body)
        key_parts.append(key)
        (folder / "sheets" / f"{name}.html").write_text(_document("sheet", f"{title} · {sheet.student.name}", body, paper), encoding="utf-8")
        (folder / "keys" / f"{name}.html").write_text(_document("key", f"Key · {sheet.student.name}", key, paper), encoding="utf-8")
    sheets = folder / "sheets.html"
    keys = folder / "keys.html"
    scheme = folder / "marking-scheme.html"
    sheets.write_text(_document("sheet", title, "\n".join(sheet_parts), paper), encoding="utf-8")
    keys.write_text(_document("key", f"{title} · answer keys", "\n".join(key_parts), paper), encoding="utf-8")
    scheme.write_text(_document("scheme", f"{title} · marking scheme",
                                render("exam/scheme.html", exam=exam), paper), encoding="utf-8")
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(manifest_json(exam), indent=2, ensure_ascii=False), encoding="utf-8")
    pdfs: tuple[Path, ...] = ()
    if pdf:
        (folder / "pdf").mkdir(exist_ok=True)
        pdfs = tuple(html_to_pdf(source, folder / "pdf" / f"{source.stem}.pdf") for source in (sheets, keys, scheme))
    return WrittenExam(folder, manifest, sheets, keys, scheme, pdfs)


def html_to_pdf(source: Path, target: Path) -> Path:
    """Render an HTML file to PDF with WeasyPrint, explaining what is missing if it cannot."""
    try:
        import weasyprint
    except ImportError:
        raise QuizzerError("PDF output needs WeasyPrint, which is not installed.",
                           "pip install 'quizzer[pdf]'") from None
    except OSError as exc:  # WeasyPrint is there but a system library (Pango) is not
        raise QuizzerError(f"WeasyPrint cannot load a system library it needs: {exc}.",
                           "on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                           "(see WeasyPrint's installation guide for other systems)") from None
    weasyprint.HTML(filename=str(source)).write_pdf(str(target))
    return target
