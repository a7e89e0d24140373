"""The exam folder: which files a build and a grading write there, under which names,
and what to do when the folder already holds something.

A build goes into an empty folder. A folder that holds anything is refused, with
what is in it, unless the teacher passes ``--force``; then the previous build and
its grading are removed first, so two exams never sit side by side (new sheets
beside old marks). Only files Quizzer recognises as its own are removed: the fixed
names of a build and a grading (``manifest.json`` only if it is an exam manifest,
``marks.csv`` only if it has our header) and pages with our suffix in ``sheets/``,
``keys/``, ``results/`` and ``pdf/``. Anything else is the teacher's: it is kept and
named, and if the new build would overwrite it the build is refused even with
``--force``.

A grading writes ``marks.csv`` and ``results/`` beside the manifest, or into the
folder given to ``--out``. It is refused before any marking is done where it would
land on what is not this exam's: a folder holding another exam's manifest, a
``marks.csv`` without our header, a result page it would replace that is not a
Quizzer result page, or a ``marks.csv`` or ``results`` that is a link (which would
carry the marks to a folder outside). Its own earlier marks and pages are replaced:
grading again is the common case.

Each student gets one file name, the same in sheets, keys and results: the id
itself when it is a safe file name, otherwise a cleaned id plus a short hash of the
real one, so ``a/b`` and ``a_b`` (or ``A1`` and ``a1`` on a disk that ignores case)
never share a page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuizzerError
from ..textfile import TEMPORARY
from .manifest import FORMAT

__all__ = ["BUILD_FILES", "FolderContents", "survey", "check_folder", "check_grade_folder", "clear_previous",
           "student_filenames"]

BUILD_FILES = ("sheets.html", "keys.html", "marking-scheme.html", "manifest.json")  # the manifest last
MARKS = "marks.csv"
PAGE_FOLDERS = {"sheets": ".html", "keys": ".html", "results": ".html", "pdf": ".pdf"}
BUILD_FOLDERS = ("sheets", "keys", "pdf")
LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}  # what file browsers leave; never counted, never removed
MAX_LISTED = 8
RESULT_PAGE = b'<body class="result">'  # how exam/document.html opens a result page's body
PAGE_HEAD_BYTES = 64_000  # the marker comes after the inline print style (~3 kB)
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def _clean(student_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student_id).strip("._-")[:80] or "student"


def _tag(student_id: str) -> str:
    return hashlib.sha256(student_id.encode("utf-8")).hexdigest()[:8]


def student_filenames(student_ids: Sequence[str]) -> dict[str, str]:
    """One file name (without suffix) per student id, unique even where the disk
    ignores case; the same ids always give the same names, so grading finds the
    names the build chose from the manifest alone."""
    names = {}
    for sid in student_ids:
        base = _clean(sid)
        plain = base == sid and base.split(".")[0].upper() not in _RESERVED
        names[sid] = base if plain else f"{base}-{_tag(sid)}"
    counts = Counter(name.casefold() for name in names.values())
    for sid, name in names.items():
        if counts[name.casefold()] > 1:  # ids that differ only in case
            names[sid] = f"{_clean(sid)}-{_tag(sid)}"
    if len({name.casefold() for name in names.values()}) != len(names):
        raise QuizzerError("Two student ids of the roster give the same file name.",
                           "give every student an id that differs in more than letter case.")
    return names


@dataclass(frozen=True)
class FolderContents:
    """What an output folder holds, sorted into ours and the teacher's."""

    folder: Path
    ours: tuple[Path, ...] = ()  # written by an earlier build or grading: --force removes them
    others: tuple[Path, ...] = ()  # anything else: never removed
    exam_id: str | None = None  # the exam whose manifest is there

    @property
    def empty(self) -> bool:
        return not self.ours and not self.others

    @property
    def unfinished(self) -> bool:
        """Only an earlier build's pages, without its manifest (written last): a
        build killed or stopped by a full disk. Nothing there can be graded, so a
        new build may replace it without ``--force``."""
        return bool(self.ours) and not self.others and self.exam_id is None and not self.graded

    @property
    def graded(self) -> bool:
        return any(self._relative(p).parts[0] in (MARKS, "results") for p in self.ours)

    def _relative(self, path: Path) -> Path:
        return path.relative_to(self.folder)

    def describe(self, paths: Iterable[Path]) -> str:
        """"manifest.json, sheets.html, sheets/ (3 files)": short enough for one line."""
        tops: dict[str, int] = {}
        for path in paths:
            parts = self._relative(path).parts
            key = parts[0] + ("/" if len(parts) > 1 else "")
            tops[key] = tops.get(key, 0) + 1
        shown = [f"{k} ({n} file{'s' if n != 1 else ''})" if k.endswith("/") else k for k, n in tops.items()]
        more = len(shown) - MAX_LISTED
        return ", ".join(shown[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")

    def describe_others(self) -> str:
        names = [str(self._relative(p)) for p in self.others]
        more = len(names) - MAX_LISTED
        return ", ".join(names[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")

    def previous_exam(self) -> str:
        """"exam 20260101-ab12cd34 (graded: marks.csv, results/ (3 files))" or "an earlier build"."""
        what = f"exam {self.exam_id}" if self.exam_id else "an earlier build"
        graded = [p for p in self.ours if self._relative(p).parts[0] in (MARKS, "results")]
        return f"{what} (graded: {self.describe(graded)})" if graded else what


def _manifest(path: Path) -> dict | None:
    """``path`` read as a Quizzer exam manifest, or None if it is not one."""
    try:
        with path.open("rb") as handle:
            data = json.loads(handle.read(50_000_000))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def _is_manifest(path: Path) -> str | None:
    """The exam id if ``path`` is a Quizzer exam manifest, else None."""
    data = _manifest(path)
    return None if data is None else str(data.get("exam_id") or "")


def _is_marks(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.readline().lstrip(b"\xef\xbb\xbf").startswith(b"student_id,name,")
    except OSError:
        return False


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise QuizzerError(f"Cannot read the folder {folder}: {exc.strerror}.") from None


def _skipped(entry: os.DirEntry) -> bool:
    return entry.name in LITTER or bool(TEMPORARY.match(entry.name))


def _sort_page_folder(entry: os.DirEntry, suffix: str, ours: list[Path], others: list[Path]) -> None:
    for inner in _entries(Path(entry.path)):
        if _skipped(inner):
            continue
        mine = inner.name.endswith(suffix) and inner.is_file(follow_symlinks=False)
        if mine and entry.name == "results":  # a teacher's page there is kept by --force
            mine = _is_result_page(Path(inner.path))
        (ours if mine else others).append(Path(inner.path))


def survey(folder: Path) -> FolderContents:
    """Sort what ``folder`` holds into files an earlier build or grading wrote and the rest."""
    folder = Path(folder)
    if not folder.exists():
        return FolderContents(folder)
    if not folder.is_dir():
        raise QuizzerError(f"{folder} is a file, not a folder.", "pass a folder (new or empty) to --out.")
    ours: list[Path] = []
    others: list[Path] = []
    exam_id = None
    for entry in _entries(folder):
        path = Path(entry.path)
        if _skipped(entry):
            continue
        regular = entry.is_file(follow_symlinks=False)
        if entry.name == "manifest.json" and regular and (found := _is_manifest(path)) is not None:
            exam_id = found or None
            ours.append(path)
        elif (entry.name in BUILD_FILES[:-1] and regular) or (entry.name == MARKS and regular and _is_marks(path)):
            ours.append(path)
        elif entry.name in PAGE_FOLDERS and entry.is_dir(follow_symlinks=False):
            _sort_page_folder(entry, PAGE_FOLDERS[entry.name], ours, others)
        else:
            others.append(path)
    return FolderContents(folder, tuple(ours), tuple(others), exam_id)


def _in_the_way(contents: FolderContents) -> list[Path]:
    """The teacher's files at a place the new build writes to."""
    fixed = {contents.folder / name for name in (*BUILD_FILES, *BUILD_FOLDERS)}
    return [p for p in contents.others if p in fixed]  # a page folder here is a file or a link


def check_folder(folder: Path, force: bool) -> FolderContents:
    """Refuse a folder that holds anything unless ``force``, and even then one whose
    files not written by Quizzer the new build would overwrite."""
    contents = survey(folder)
    if contents.empty:
        return contents
    if not force and not contents.unfinished:
        parts = []
        if contents.ours:
            parts.append(f"{contents.previous_exam()}: {contents.describe(contents.ours)}")
        if contents.others:
            parts.append(f"files not written by Quizzer: {contents.describe_others()}")
        keep = " (the manifest is needed to grade that exam again: keep a copy if you may)" if contents.ours else ""
        raise QuizzerError(
            f"The folder {contents.folder} is not empty; it holds " + "; and ".join(parts) + ".",
            "choose a new folder for --out, or pass --force to replace the exam there: --force removes the "
            f"files of the previous build and its grading{keep} and keeps every other file.")
    blocking = _in_the_way(contents)
    if blocking:
        raise QuizzerError(
            f"The folder {contents.folder} holds files not written by Quizzer where the new exam would go: "
            f"{', '.join(str(p.relative_to(contents.folder)) for p in blocking)}.",
            "move them elsewhere (Quizzer never overwrites a file it did not write), or choose another --out.")
    return contents


def clear_previous(contents: FolderContents) -> None:
    """Remove the earlier build's and grading's files (the manifest last, so a run
    killed here still shows which exam the folder held) and their emptied folders."""
    manifest = contents.folder / "manifest.json"
    for path in sorted(contents.ours, key=lambda p: p == manifest):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise QuizzerError(f"Cannot remove {path} of the previous exam: {exc.strerror}.",
                               "check the folder's permissions, or choose another --out.") from None
    for name in PAGE_FOLDERS:
        with contextlib.suppress(OSError):  # not there, or still holds the teacher's files
            (contents.folder / name).rmdir()


def _is_result_page(path: Path) -> bool:
    """Whether ``path`` is a result page an earlier grading wrote (a regular file,
    not a link, whose body is a Quizzer result's)."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            return RESULT_PAGE in handle.read(PAGE_HEAD_BYTES)
    except OSError:
        return False


def _other_exam(folder: Path, exam: tuple[str, str]) -> str | None:
    """The exam whose manifest is in ``folder`` if it is not ``exam`` (its id and
    build time: two builds with one title and seed share an id, not a time)."""
    path = folder / "manifest.json"
    data = _manifest(path) if path.is_file() else None
    if data is None:
        return None  # no manifest, or the teacher's file of that name: grading does not write it
    found = (str(data.get("exam_id") or ""), str(data.get("created_at") or ""))
    return None if found == exam else f"exam {found[0]} built {found[1] or 'at an unknown time'}"


def _not_this_exams(folder: Path, exam: tuple[str, str], pages: Iterable[str]) -> list[str]:
    """Why grading ``exam`` into ``folder`` would land on something not its own."""
    other = _other_exam(folder, exam)
    if other:
        return [f"manifest.json is another exam's ({other})"]
    problems = []
    marks, results = folder / MARKS, folder / "results"
    if marks.is_symlink():
        problems.append(f"{MARKS} is a link")
    elif marks.exists() and not (marks.is_file() and _is_marks(marks)):
        problems.append(f"{MARKS} is not written by Quizzer")
    if results.is_symlink():
        problems.append("results is a link")
    elif results.exists() and not results.is_dir():
        problems.append("results is a file, not a folder")
    elif results.is_dir():
        theirs = [f"results/{p}" for p in pages
                  if (results / p).is_symlink() or ((results / p).exists() and not _is_result_page(results / p))]
        if theirs:
            more = len(theirs) - MAX_LISTED
            problems.append(f"{', '.join(theirs[:MAX_LISTED])}{f' and {more} more' if more > 0 else ''} "
                            "not written by Quizzer")
    return problems


def check_grade_folder(folder: Path, exam: tuple[str, str], student_ids: Sequence[str],
                       pages_of: Collection[str] | None = None) -> None:
    """Refuse to grade ``exam`` (its id and ``created_at`` as the manifest records
    them) into ``folder`` where the marks or the result pages of ``student_ids``
    (or of those among them in ``pages_of``, the pages about to be written; names
    come from every id) would replace or go through what is not this exam's."""
    folder = Path(folder)
    if not folder.exists():
        return
    if not folder.is_dir():
        raise QuizzerError(f"{folder} is a file, not a folder.", "pass a folder (new or empty) to --out.")
    names = student_filenames(student_ids)
    written = student_ids if pages_of is None else [sid for sid in student_ids if sid in pages_of]
    problems = _not_this_exams(folder, exam, [f"{names[sid]}.html" for sid in written])
    if problems:
        raise QuizzerError(
            f"Not grading into {folder}: " + "; ".join(problems) + ".",
            "Quizzer never overwrites a file it did not write, nor another exam's marks: grade into the exam's "
            "own folder (leave out --out) or a new one, or move those files elsewhere.")
