"""Reports under attack and under kill -9 (issue 12, items 8, 9 and 14).

The kill tests run the real ``quizzer report --class`` in a subprocess on a real
SQLite store big enough that its forked workers draw pages for a while, kill it
mid-run, and look in /proc for what is left. The other tests build reports from
answers recorded through the real store, and read the pages as a browser would.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quizzer.reports import class_report, student_report
from quizzer.store import NewResponse, Store
from quizzer.textfile import FORMULA_STARTS

from .processes import children, still_running

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
QUIZZER = [str(Path(sys.executable).with_name("quizzer"))]
STUDENTS = 150  # more than write.PARALLEL_FROM, so the pages are drawn by forked workers


# --- processes, as /proc shows them ---------------------------------------------------

def _wait_for_workers(proc: subprocess.Popen, out: Path, timeout: float = 60.0) -> dict[int, int]:
    """Wait until the report's forked workers are drawing students' pages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = children(proc.pid)
        if len(workers) >= 2:
            return workers
        assert proc.poll() is None, f"the report ended before its workers were seen: {proc.returncode}"
        time.sleep(0.005)
    raise AssertionError("no worker processes appeared")


def _dead_pid() -> int:
    """The pid of a process that has ended (for a temporary file a killed run left)."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    return int(ended.stdout)


def _report(db: Path, out: Path, *extra: str, **popen) -> subprocess.Popen:
    """``quizzer report --class`` running; its output goes to a file beside ``out``
    (a pipe would keep a test waiting for as long as any orphaned worker holds it)."""
    log = (out.parent / f"{out.name}.log").open("w", encoding="utf-8")
    with log:
        return subprocess.Popen([*QUIZZER, "--db", str(db), "report", "--class", "--out", str(out), *extra],
                                stdout=log, stderr=subprocess.STDOUT, **popen)


def _finish(proc: subprocess.Popen, out: Path) -> None:
    assert proc.wait(timeout=120) == 0, (out.parent / f"{out.name}.log").read_text(encoding="utf-8")


def _complete(folder: Path) -> dict[str, int]:
    """Every page and CSV in a class report folder, checked whole: name -> size
    (a killed run's temporary files are not outputs: the next run removes them)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".tmp"):
            name = str(path.relative_to(folder))
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".html":
                assert text.rstrip().endswith("</html>"), f"{name} is cut short"
            elif path.suffix == ".csv":
                rows = list(csv.reader(text.splitlines()))
                assert len(rows) == STUDENTS + 1, f"{name} has {len(rows)} lines"
            found[name] = len(text)
    return found


def _temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def big_store(tmp_path_factory, shipped_bank) -> Path:
    """A class big enough that its students' pages take a while, and a finished report of it."""
    from bench.synthetic import fill

    folder = tmp_path_factory.mktemp("big")
    fill(f"sqlite:///{folder / 'quizzer.sqlite3'}", shipped_bank, users=STUDENTS, responses=3000, seed=3, now=NOW)
    return folder / "quizzer.sqlite3"


@pytest.fixture(scope="module")
def first_report(big_store) -> Path:
    out = big_store.parent / "class"
    _finish(_report(big_store, out), out)
    assert len(list((out / "students").iterdir())) == STUDENTS
    return out


@pytest.fixture
def finished_report(first_report, tmp_path) -> Path:
    """A copy of a finished class report, for one test to kill a re-run over."""
    return Path(shutil.copytree(first_report, tmp_path / "class"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, which only Linux has")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="with one core the report draws its pages without workers")
def test_kill_9_of_a_class_report_leaves_no_worker_and_the_old_report_whole(big_store, finished_report):
    before = _complete(finished_report)
    proc = _report(big_store, finished_report)
    workers = _wait_for_workers(proc, finished_report)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 5
    while still_running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = still_running(workers)
    for pid in left:  # do not leave them behind this test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived the killed report"
    after = _complete(finished_report)
    assert set(after) == set(before), "every page of the previous report is still there, whole"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, which only Linux has")
def test_a_report_killed_with_its_group_leaves_no_temporary_file_after_a_rerun(big_store, finished_report):
    proc = _report(big_store, finished_report, start_new_session=True)
    if (os.cpu_count() or 1) >= 2:
        _wait_for_workers(proc, finished_report)
    else:
        time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # what a killed run leaves, whether or not this kill came mid-write
    dead = _dead_pid()
    for folder in (finished_report, finished_report / "students"):
        (folder / f".index.html.{dead}.tmp").write_text("<html><body>half a pa")
    # the overview alone does not write into students/, and still cleans it
    _finish(_report(big_store, finished_report, "--no-student-pages"), finished_report)
    assert _temporaries(finished_report) == []
    (finished_report / "students" / f".x.html.{dead}.tmp").write_text("half")
    _finish(_report(big_store, finished_report), finished_report)
    assert _temporaries(finished_report) == []
    _complete(finished_report)


# --- small stores made answer by answer ------------------------------------------------

def _answer(question_id: str, score: float, top: float, *, family: str | None = None, position: int = 0,
            text: str = "an answer") -> NewResponse:
    criteria = [] if family else [{"id": "c", "awarded": min(score, 1.0), "max": 1.0}]
    return NewResponse(position=position, question_id=question_id, content_hash="h", answer=text, score=score,
                       max_score=top, criteria=criteria, family=family, variant_seed=1 if family else None)


def _practise(store: Store, user: str, answers: list[NewResponse], when: datetime, *, cards: bool = False,
              kind: str = "quiz", title: str = "") -> int:
    """One session of ``answers``; with ``cards``, each moves its FSRS card as a quiz does."""
    from quizzer.progress.schedule import rating_for, review

    info = store.start_session(user, kind=kind, mode="practice", seed=1, plan=[{}] * len(answers), settings={},
                               now=when, title=title)
    for i, answer in enumerate(answers):
        card = None
        if cards:
            previous = store.review_cards(user).get(answer.question_id)
            card = review(previous, answer.question_id, rating_for(answer.score, answer.max_score), when)
        store.record(info.id, answer, when + timedelta(seconds=i), card)
    store.finish_session(info.id, when + timedelta(minutes=5))
    return info.id


@pytest.fixture
def small_store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'small.sqlite3'}") as store:
        yield store


def _page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- item 9: formulas and markup in names and answers ------------------------------------

HOSTILE_NAMES = ['=HYPERLINK("http://x")', "<script>alert(1)</script>", "+cmd|' /C calc'!A0", "@SUM(1+1)",
                 "-2+3", " =1+1", "\t=1", "＝1", '"><img src=x onerror=alert(1)>']


def test_formulas_and_markup_in_names_and_answers_stay_text(small_store, shipped_bank, tmp_path):
    for i, name in enumerate(HOSTILE_NAMES):
        _practise(small_store, name, [_answer("Q1", 1.0, 2.0, text=f"{name} <b>bold</b> <script>alert(2)</script>")],
                  NOW - timedelta(days=2, minutes=i), cards=True)
    out = tmp_path / "class"
    written = class_report(shipped_bank, small_store, out, NOW)
    csvs = [p for p in written if p.suffix == ".csv"]
    assert csvs, "the class report writes a CSV"
    for path in out.rglob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for row in rows:
            for cell in row:
                assert cell.lstrip(" ")[:1] not in FORMULA_STARTS, (path.name, cell)
        names = [row[0] for row in rows[1:]]
        assert sorted(n.lstrip("'") for n in names) == sorted(HOSTILE_NAMES)
    for path in out.rglob("*.html"):
        page = _page(path)
        assert page.find("script") is None and page.find("img") is None and page.find("b") is None, path.name
        assert page.find(onerror=True) is None, path.name
    index = _page(out / "index.html")
    shown = {a.get_text() for a in index.select("a[href^='students/']")}
    assert shown == set(HOSTILE_NAMES), "every name is shown, as text"
    alone = student_report(shipped_bank, small_store, "<script>alert(1)</script>", tmp_path / "one.html", NOW)
    page = _page(alone)
    assert page.find("script") is None and "<script>alert(1)</script>" in page.h1.get_text()
    assert "<script>alert(2)</script>" in page.get_text(), "the latest answer is shown as text"


# --- item 14: what the pages say -------------------------------------------------------

def _questions_table(page: BeautifulSoup) -> dict[str, list[str]]:
    """The student page's Questions table: question id -> its cells' texts."""
    heading = next(h for h in page.find_all("h2") if h.get_text() == "Questions")
    table = heading.find_next("table")
    return {tr.find("strong").get_text(): [" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
            for tr in table.select("tbody tr")}


def test_a_mastery_that_includes_the_numeric_variant_says_so(small_store, shipped_bank, tmp_path):
    """Best 50%, latest 50% and mastery 75%: the mastery also counts the numeric variant's full marks."""
    _practise(small_store, "ann", [_answer("Q1", 1.0, 2.0), _answer("Q1", 1.0, 1.0, family="perceptron_update",
                                                                    position=1)], NOW - timedelta(days=1))
    _practise(small_store, "ann", [_answer("Q5", 2.0, 2.0)], NOW - timedelta(hours=3))
    page = _page(student_report(shipped_bank, small_store, "ann", tmp_path / "ann.html", NOW))
    rows = _questions_table(page)
    q1 = rows["Q1"]
    assert q1[2:4] == ["50%", "50%"], q1  # best and latest short answer
    assert q1[4] == "100% (1)", q1  # the numeric variant's latest, and how many
    assert q1[5].startswith("75%") and "numeric" in q1[5], f"the mastery says what it includes: {q1}"
    assert rows["Q5"][5] == "100%", "a mastery from short answers alone needs no remark"
    heading = next(h for h in page.find_all("h2") if h.get_text() == "Questions")
    headers = " ".join(th.get_text(" ") for th in heading.find_next("table").select("thead th"))
    assert "Short answer" in headers and "Numeric variant" in headers, headers
    note = heading.find_next("p", class_="note").get_text()
    assert "numeric" in note and "latest three" in note


def _due_rows(page: BeautifulSoup) -> dict[str, list[str]]:
    heading = next(h for h in page.find_all("h2") if h.get_text() == "Due for review")
    return {tr.find("strong").get_text(): [td.get_text(" ").strip() for td in tr.find_all("td")]
            for tr in heading.find_next("table").select("tbody tr")}


def test_a_question_shown_as_due_never_claims_full_recall(small_store, shipped_bank, tmp_path):
    """Q7 answered wrongly an hour ago comes back within minutes (FSRS's learning
    steps) while FSRS, counting whole days, still puts recall at 100%; Q1, learnt
    a month ago, is due because its recall has fallen to about the 90% target."""
    month_ago = NOW - timedelta(days=40)
    _practise(small_store, "ann", [_answer("Q1", 2.0, 2.0)], month_ago, cards=True)
    _practise(small_store, "ann", [_answer("Q1", 2.0, 2.0)], month_ago + timedelta(minutes=15), cards=True)
    _practise(small_store, "ann", [_answer("Q7", 0.0, 2.0)], NOW - timedelta(hours=1), cards=True)
    page = _page(student_report(shipped_bank, small_store, "ann", tmp_path / "ann.html", NOW))
    due = _due_rows(page)
    assert set(due) == {"Q1", "Q7"}
    assert "100%" not in " ".join(due["Q7"]), due["Q7"]
    assert "minutes" in " ".join(due["Q7"]), "says why it is due so soon"
    recall_q1 = int(due["Q1"][2].rstrip("%"))
    assert recall_q1 <= 92, due["Q1"]  # at most the target, give or take a whole-day interval
    advice = page.find("ol", class_="next").get_text(" ")
    assert "about 100%" not in advice and "due" in advice
    rows = _questions_table(page)
    assert rows["Q7"][6] != "100%", "the Questions table does not contradict it either"


PLURAL = ("answers", "sessions", "questions", "students", "days", "times", "marks")


def _singular_mistakes(text: str) -> list[str]:
    import re

    return re.findall(r"(?<![\d.,])1 (?:%s)\b" % "|".join(PLURAL), " ".join(text.split()))


def test_one_of_anything_is_singular(small_store, shipped_bank, tmp_path, runner):
    from quizzer.cli import cli

    _practise(small_store, "ann", [_answer("Q1", 1.0, 2.0)], NOW - timedelta(days=3), cards=True)
    out = tmp_path / "class"
    class_report(shipped_bank, small_store, out, NOW)
    for path in out.rglob("*.html"):
        assert _singular_mistakes(_page(path).get_text(" ")) == [], path.name
    student = student_report(shipped_bank, small_store, "ann", tmp_path / "ann.html", NOW)
    text = " ".join(_page(student).get_text(" ").split())
    assert _singular_mistakes(text) == []
    assert "1 answer in 1 session" in text
    result = runner.invoke(cli, ["--db", small_store.url, "report", "--class", "--out", str(tmp_path / "again")])
    assert result.exit_code == 0 and "with 1 student page " in result.output, result.output
    assert "(s)" not in result.output


def test_the_student_table_comes_first_in_a_class_report(small_store, shipped_bank, tmp_path):
    for i, name in enumerate(("ann", "bo", "cy")):
        _practise(small_store, name, [_answer("Q1", i / 2, 2.0), _answer("Q5", 1.0, 2.0, position=1)],
                  NOW - timedelta(days=i + 1))
    out = tmp_path / "class"
    class_report(shipped_bank, small_store, out, NOW)
    index = _page(out / "index.html")
    headings = [h.get_text() for h in index.find_all("h2")]
    assert headings.index("Students") < headings.index("Item statistics"), headings
    assert headings.index("Students") < headings.index("Score distribution"), headings
    contents = index.find("nav", class_="contents")
    assert contents is not None and {a["href"] for a in contents.find_all("a")} >= {"#students", "#items"}
    assert index.find(id="items") is not None
