"""Attacks on printed exams: building over a graded exam, roster ids that make the
same file name, formula names, answers a typist could not read, a full disk, and
ruled answer boxes measured from real prints (WeasyPrint and Chromium)."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quizzer.cli import cli
from quizzer.store import Store

from ..browser import chromium, needs_chromium, needs_poppler

ROSTER = "student_id,name\n1001,Zoë Ångström\n1002,Ben Okafor\n1003,Chen Wei\n"
ATTACK_NAMES = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)"]
XOR = ("A single perceptron draws one straight line. XOR puts its positive points on opposite corners, "
       "so it is not linearly separable and training never converges.")


def _roster(tmp_path: Path, text: str = ROSTER, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _build(runner, roster: Path, out: Path, *extra: str, questions: str = "Q1", numeric: str = "2"):
    return runner.invoke(cli, ["exam", "build", "--roster", str(roster), "--questions", questions, "--numeric",
                               numeric, "--seed", "5", "--out", str(out), *extra])


def _answers(path: Path, rows: list[tuple[str, ...]], raw: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("student_id", "question_id", "answer"), *rows])
    if raw:
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write(raw)
    return path


def _grade(runner, out: Path, answers: Path, db: str, *extra: str):
    return runner.invoke(cli, ["--db", db, "exam", "grade", str(out / "manifest.json"), "--answers", str(answers),
                               *extra])


def _graded_exam(runner, tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "exam"
    assert _build(runner, _roster(tmp_path), out).exit_code == 0
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    graded = _grade(runner, out, _answers(tmp_path / "answers.csv", [("1001", "Q1", XOR)]), db)
    assert graded.exit_code == 0, graded.output
    return out, db


# --- item 2: a build never replaces another build without being asked -------------------------------

def test_building_over_a_graded_exam_is_refused_and_names_what_is_there(runner, tmp_path):
    out, _ = _graded_exam(runner, tmp_path)
    before = (out / "manifest.json").read_bytes()
    result = _build(runner, _roster(tmp_path), out, questions="Q14")
    assert result.exit_code == 1
    assert str(out) in result.output and "manifest.json" in result.output and "marks.csv" in result.output
    assert "graded" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert (out / "manifest.json").read_bytes() == before, "the manifest needed to grade must survive"


def test_a_folder_with_only_a_teachers_file_is_refused_too(runner, tmp_path):
    out = tmp_path / "exam"
    out.mkdir()
    (out / "notes.txt").write_text("room 4, bring pencils", encoding="utf-8")
    result = _build(runner, _roster(tmp_path), out)
    assert result.exit_code == 1 and "notes.txt" in result.output and str(out) in result.output
    assert not (out / "manifest.json").exists()


def test_force_removes_every_file_of_the_previous_build_and_keeps_the_teachers(runner, tmp_path):
    out, _ = _graded_exam(runner, tmp_path)
    old_id = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["exam_id"]
    (out / "pdf").mkdir()
    (out / "pdf" / "sheets.pdf").write_bytes(b"%PDF-1.7 the old exam")  # as --pdf leaves it
    (out / "answers.csv").write_text("student_id,question_id,answer\n", encoding="utf-8")
    (out / "sheets" / "my-notes.txt").write_text("keep me", encoding="utf-8")
    other = _roster(tmp_path, "student_id,name\n2001,Dana Ruiz\n", "other.csv")
    result = _build(runner, other, out, "--force", questions="Q14")
    assert result.exit_code == 0, result.output
    assert old_id in result.output and "marks.csv" in result.output, "say which graded exam was removed"
    assert "answers.csv" in result.output and "my-notes.txt" in result.output, "say what was kept"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [s["student_id"] for s in manifest["students"]] == ["2001"]
    assert not (out / "marks.csv").exists() and not (out / "results").exists() and not (out / "pdf").exists()
    assert sorted(p.name for p in (out / "sheets").iterdir()) == ["2001.html", "my-notes.txt"]
    assert sorted(p.name for p in (out / "keys").iterdir()) == ["2001.html"]
    assert (out / "answers.csv").read_text(encoding="utf-8") == "student_id,question_id,answer\n"


def test_a_file_that_only_looks_like_a_manifest_is_not_removed(runner, tmp_path):
    out = tmp_path / "exam"
    out.mkdir()
    (out / "manifest.json").write_text('{"packages": ["mine"]}', encoding="utf-8")
    result = _build(runner, _roster(tmp_path), out, "--force")
    assert result.exit_code == 1
    assert "manifest.json" in result.output and "not written by Quizzer" in result.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == '{"packages": ["mine"]}'


# --- item 3: one file per student, written whole ----------------------------------------------------

def test_ids_that_clean_to_the_same_name_get_a_file_each(runner, tmp_path):
    roster = _roster(tmp_path, "student_id,name\na/b,Slash Student\na_b,Underscore Student\nA_B,Upper Student\n")
    out = tmp_path / "exam"
    assert _build(runner, roster, out).exit_code == 0
    for folder in ("sheets", "keys"):
        files = sorted((out / folder).iterdir())
        assert len({p.name.casefold() for p in files}) == 3, f"{folder}: {[p.name for p in files]}"
        owners = {BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").select_one("section")["data-student"]
                  for p in files}
        assert owners == {"a/b", "a_b", "A_B"}
    result = _grade(runner, out, _answers(tmp_path / "a.csv", [("a/b", "Q1", XOR)]), f"sqlite:///{tmp_path / 's.db'}")
    assert result.exit_code == 0, result.output
    pages = {p: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in (out / "results").iterdir()}
    assert len({p.name.casefold() for p in pages}) == 3
    by_student = {page.select_one("section")["data-student"]: page for page in pages.values()}
    assert set(by_student) == {"a/b", "a_b", "A_B"}
    assert by_student["a/b"].select_one(".total").get_text(strip=True).startswith("2 /")
    assert by_student["a_b"].select_one(".total").get_text(strip=True).startswith("0 /")


def test_grading_again_replaces_marks_and_pages_whole(runner, tmp_path):
    """A page written in place changes under a reader (and a kill leaves 0 bytes);
    a page written aside and renamed leaves an older link to it untouched."""
    out, db = _graded_exam(runner, tmp_path)
    targets = [out / "marks.csv", out / "results" / "1001.html"]
    links = []
    for target in targets:
        link = tmp_path / f"old-{target.name}"
        os.link(target, link)
        links.append((link, link.read_bytes()))
    again = _grade(runner, out, _answers(tmp_path / "again.csv", [("1002", "Q1", XOR)]), db)
    assert again.exit_code == 0, again.output
    for (link, before), target in zip(links, targets):
        assert link.read_bytes() == before, f"{target.name} was rewritten in place"
        assert target.read_bytes() != before
    assert not [p for p in out.rglob("*.tmp")]


# --- item 9: formula names are defused in marks.csv ------------------------------------------------

def test_marks_csv_defuses_formula_names(runner, tmp_path):
    lines = ["student_id,name"] + [f'{i},"{name.replace(chr(34), chr(34) * 2)}"' for i, name in
                                   enumerate(ATTACK_NAMES, start=1)]
    out = tmp_path / "exam"
    assert _build(runner, _roster(tmp_path, "\n".join(lines) + "\n"), out).exit_code == 0
    result = _grade(runner, out, _answers(tmp_path / "a.csv", [("1", "Q1", XOR)]), f"sqlite:///{tmp_path / 's.db'}")
    assert result.exit_code == 0, result.output
    with (out / "marks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["'" + name for name in ATTACK_NAMES]
    for row in rows:
        assert all(not value.lstrip(" ").startswith(("=", "+", "-", "@")) for value in row.values() if value)


# --- item 7: a full disk is a message, and the old files stay -------------------------------------

def _trap(folder: Path, name: str) -> Path:
    """The kernel's own ENOSPC: the temporary file the writer opens beside ``name``
    is a link to /dev/full, which fails every write with "No space left on device"."""
    trap = folder / f".{name}.{os.getpid()}.tmp"
    trap.symlink_to("/dev/full")
    return trap


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full to give a real ENOSPC")


@needs_dev_full
def test_a_full_disk_during_build_is_a_message(runner, tmp_path):
    out = tmp_path / "exam"
    out.mkdir()
    trap = _trap(out, "sheets.html")
    result = _build(runner, _roster(tmp_path), out)
    assert result.exit_code == 1, result.output
    assert "disk is full" in result.output and "sheets.html" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    assert not trap.is_symlink()
    assert not (out / "manifest.json").exists(), "no manifest for a build that did not finish"


@needs_dev_full
def test_a_full_disk_during_grade_keeps_the_old_marks(runner, tmp_path):
    out, db = _graded_exam(runner, tmp_path)
    before = (out / "marks.csv").read_bytes()
    _trap(out, "marks.csv")
    result = _grade(runner, out, _answers(tmp_path / "again.csv", [("1002", "Q1", XOR)]), db)
    assert result.exit_code == 1
    assert "disk is full" in result.output and "marks.csv" in result.output and "Traceback" not in result.output
    assert (out / "marks.csv").read_bytes() == before


def _limited(args: list[str], tmp_path: Path, limit: int) -> subprocess.CompletedProcess:
    """Run quizzer in a process that may write no file longer than ``limit`` bytes
    (RLIMIT_FSIZE, with SIGXFSZ ignored, so the kernel answers EFBIG): any file
    written outside the shared writer would end in a traceback."""
    code = ("import resource, signal, sys\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
            "from quizzer.launch import main\n"
            "sys.argv = ['quizzer'] + sys.argv[1:]\n"
            "main()\n")
    env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path / "instance")}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def test_a_file_size_limit_is_a_message_in_build_and_grade(runner, tmp_path):
    roster = _roster(tmp_path)
    warm = _limited(["exam", "build", "--roster", str(roster), "--questions", "Q1", "--out", str(tmp_path / "w")],
                    tmp_path, 2**30)  # fills the bank cache without a limit
    assert warm.returncode == 0, warm.stderr
    out = tmp_path / "exam"
    build = _limited(["exam", "build", "--roster", str(roster), "--questions", "Q1", "--numeric", "1",
                      "--out", str(out)], tmp_path, 6000)
    assert build.returncode == 1, build.stderr
    assert "Traceback" not in build.stderr and "Cannot write" in build.stderr
    assert not (out / "manifest.json").exists()
    answers = _answers(tmp_path / "a.csv", [("1001", "Q1", XOR)])
    grade = _limited(["exam", "grade", str(tmp_path / "w" / "manifest.json"), "--answers", str(answers),
                      "--no-store"], tmp_path, 2500)
    assert grade.returncode == 1, grade.stderr
    assert "Traceback" not in grade.stderr and "Cannot write" in grade.stderr


# --- item 11: what the typist could not read is said, not silently 0 ----------------------------------

def _numeric_labels(out: Path) -> dict[str, list[tuple[int, str]]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {s["student_id"]: [(i["number"], i["label"]) for i in s["items"] if i["family"]]
            for s in manifest["students"]}


def test_unreadable_answers_and_absent_students_are_reported(runner, tmp_path):
    out = tmp_path / "exam"
    assert _build(runner, _roster(tmp_path), out).exit_code == 0
    numeric = _numeric_labels(out)
    (n2, label2), (n3, _) = numeric["1001"]
    answers = _answers(tmp_path / "a.csv", [("1001", "Q1", XOR), ("1001", label2, "-1.6 -1.0 1.0"),
                                            ("1001", str(n3), "abc"), ("1002", "Q1", XOR)])
    result = _grade(runner, out, answers, f"sqlite:///{tmp_path / 's.db'}")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    row3 = next(line for line in lines if "row 3" in line)
    assert "1001" in row3 and f"item {n2}" in row3 and "-1.6 -1.0 1.0" in row3 and "not a number" in row3
    row4 = next(line for line in lines if "row 4" in line)
    assert "1001" in row4 and f"item {n3}" in row4 and "abc" in row4
    absent = [line for line in lines if "1003" in line]
    assert absent and "no answers" in absent[0], result.output
    assert not [line for line in lines if "1002" in line and "Warning" in line]
    with (out / "marks.csv").open(encoding="utf-8", newline="") as handle:
        marks = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert f"item {n2}" in marks["1001"]["notes"] and "could not read" in marks["1001"]["notes"]
    assert "no answers" in marks["1003"]["notes"] and marks["1002"]["notes"] == ""
    page = BeautifulSoup((out / "results" / "1001.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert "type a number" not in page, "a paper student did not type anything"
    assert "write" in page.lower() and "could not read" in page.lower()
    absent_page = BeautifulSoup((out / "results" / "1003.html").read_text(encoding="utf-8"), "html.parser")
    assert "no answers" in absent_page.get_text()


def test_an_answer_cut_by_unquoted_commas_is_a_named_problem(runner, tmp_path):
    out = tmp_path / "exam"
    assert _build(runner, _roster(tmp_path), out).exit_code == 0
    number, label = _numeric_labels(out)["1001"][0]
    answers = _answers(tmp_path / "a.csv", [("1001", "Q1", XOR)], raw=f"1001,{label},0.25, 0.5, 0.75\n")
    result = _grade(runner, out, answers, f"sqlite:///{tmp_path / 's.db'}")
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "row 3" in line)
    assert "quote" in line.lower() and "comma" in line.lower()
    with (out / "marks.csv").open(encoding="utf-8", newline="") as handle:
        marks = {r["student_id"]: r for r in csv.DictReader(handle)}
    with Store(f"sqlite:///{tmp_path / 's.db'}") as stored:
        answered = {r.position: r.answer for r in stored.responses(user="1001")}
    assert answered[number - 1] != "0.25", "the cut answer must not be graded as if whole"
    assert marks["1001"]


def test_grade_prints_the_session_ids_for_the_class_report(runner, tmp_path):
    out, db = _graded_exam(runner, tmp_path)
    result = _grade(runner, out, _answers(tmp_path / "b.csv", [("1001", "Q1", XOR)]), db)
    assert result.exit_code == 0, result.output
    match = re.search(r"report --class --session (\d+)", result.output)
    assert match, result.output
    exam_id = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["exam_id"]
    with Store(db) as stored:
        ids = {s.id for s in stored.sessions() if s.kind == "exam" and s.title == exam_id}
    assert int(match.group(1)) in ids and len(ids) == 3
    report = runner.invoke(cli, ["--db", db, "report", "--class", "--session", match.group(1),
                                 "--out", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output


# --- item 16: ruled lines that print evenly -----------------------------------------------------------

DPI = 150


def _boxes(png: Path) -> list[tuple[int, list[float], int]]:
    """Each answer box on a page: the row of its top border, the centre rows of the
    ruled lines inside it, and the row of its bottom border, read from the pixels.
    A box is found by its left and right borders: dark columns taller than 30 mm."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    tall = 30 * DPI / 25.4
    spans: dict[tuple[int, int], list[int]] = {}
    for x in range(width):
        y = 0
        while y < height:
            if pixels[x, y] < 128:
                start = y
                while y < height and pixels[x, y] < 128:
                    y += 1
                if y - start > tall:
                    key = next((k for k in spans if abs(k[0] - start) <= 2 and abs(k[1] - y) <= 2), (start, y))
                    spans.setdefault(key, []).append(x)
            y += 1
    boxes = []
    for (top, bottom), xs in spans.items():
        centre = (min(xs) + max(xs)) // 2
        if max(xs) - min(xs) < 50 * DPI / 25.4:
            continue
        inside = [y for y in range(top + 4, bottom - 3) if pixels[centre, y] < 235]
        runs: list[list[int]] = []
        for y in inside:
            if runs and y == runs[-1][-1] + 1:
                runs[-1].append(y)
            else:
                runs.append([y])
        # the top border's own last rows are dark too: skip a run that touches it
        lines = [sum(r) / len(r) for r in runs if r[0] > top + 4]
        bottom_border = next(y for y in range(bottom - 1, top, -1) if pixels[centre, y] < 128)
        boxes.append((top, lines, bottom_border))
    return sorted(boxes)


def _check_ruling(pdf: Path, tmp_path: Path, what: str) -> None:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-gray", "-png", str(pdf),
                    str(tmp_path / what)], check=True)
    (png,) = tmp_path.glob(f"{what}*.png")
    boxes = _boxes(png)
    assert boxes, f"{what}: no lined answer box found on {png}"
    for top, lines, bottom in boxes:
        assert len(lines) >= 3, f"{what}: box at row {top} has lines at {lines}"
        gaps = [b - a for a, b in zip(lines, lines[1:])]
        assert max(gaps) - min(gaps) <= 1.5, f"{what}: uneven gaps {gaps} in the box at row {top}"
        assert bottom - lines[-1] >= 2.5 * DPI / 25.4, \
            f"{what}: the last line ({lines[-1]}) sits on the bottom border ({bottom})"
        assert lines[0] - top >= min(gaps) - 2, f"{what}: the first line crowds the top border"


@needs_poppler
def test_weasyprint_rules_answer_boxes_evenly(runner, tmp_path):
    out = tmp_path / "exam"
    result = _build(runner, _roster(tmp_path, "student_id,name\n1001,Zoë\n"), out, "--pdf",
                    questions="Q1,Q14", numeric="1")
    assert result.exit_code == 0, result.output
    _check_ruling(out / "pdf" / "sheets.pdf", tmp_path, "weasyprint")


@needs_chromium
@needs_poppler
def test_chromium_rules_answer_boxes_evenly(runner, tmp_path):
    out = tmp_path / "exam"
    result = _build(runner, _roster(tmp_path, "student_id,name\n1001,Zoë\n"), out, questions="Q1,Q14", numeric="1")
    assert result.exit_code == 0, result.output
    target = tmp_path / "chromium.pdf"
    chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={target}",
             (out / "sheets.html").as_uri())
    _check_ruling(target, tmp_path, "chromium")


def test_an_unfinished_build_is_replaced_without_force(runner, tmp_path):
    """A build killed (or stopped by a full disk) before its manifest, which is
    written last, left pages that cannot be graded: running again just works."""
    roster = _roster(tmp_path)
    out = tmp_path / "exam"
    assert _build(runner, roster, out).exit_code == 0
    (out / "manifest.json").unlink()
    stale = sorted(p.name for p in (out / "sheets").iterdir())
    result = _build(runner, roster, out)
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").is_file()
    assert sorted(p.name for p in (out / "sheets").iterdir()) == stale
    (out / "manifest.json").unlink()
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # with a teacher's file there, still ask
    refused = _build(runner, roster, out)
    assert refused.exit_code == 1 and "notes.txt" in refused.output


def test_ids_that_differ_only_in_case_are_pointed_out(runner, tmp_path):
    roster = _roster(tmp_path, "student_id,name\nAlice,Alice A\nalice,Alice B\nbob,Bob\nＢob,Bob wide\n")
    result = _build(runner, roster, tmp_path / "exam")
    assert result.exit_code == 0, result.output
    assert "'Alice', 'alice' differ only in case" in result.output
    assert "'bob', 'Ｂob' differ only in case" in result.output
    assert len(list((tmp_path / "exam" / "sheets").iterdir())) == 4
