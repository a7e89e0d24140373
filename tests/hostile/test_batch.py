"""Attacks on ``quizzer grade``: spreadsheets that would run a cell, cells and
streams too big to read, a full disk, a killed run, bytes that are not text."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizzer.cli import cli
from quizzer.limits import MAX_CSV_CELL
from quizzer.textfile import remove_stale_temporaries

from .processes import children, still_running

ATTACKS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3",
           "\t=1+1", "  =1+1"]


def _quizzer(*args: str, tmp_path: Path, stdin=None, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path / "instance"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "quizzer.launch", *args], stdin=stdin, capture_output=True,
                          env=full_env, timeout=120, **kw)


def _write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_formula_cells_are_defused_in_the_batch_output(runner, tmp_path):
    source = _write_rows(tmp_path / "in.csv", [["student", "question_id", "answer"],
                                               *([attack, "Q1", attack] for attack in ATTACKS)])
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(ATTACKS)
    for row, attack in zip(rows, ATTACKS):
        for column in ("student", "answer"):
            assert row[column] == "'" + attack  # kept whole, but a spreadsheet shows it as text
    for row in rows:  # no cell at all starts a formula
        assert all(value.lstrip(" ")[:1] not in "=+-@\t\r" for value in row.values() if value)


def test_a_cell_too_long_to_read_is_named_with_its_line(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"question_id,answer\nQ1,short\nQ1,\"{'x' * (MAX_CSV_CELL + 10)}\"\n", encoding="utf-8")
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert "line 3" in result.output and "longer than" in result.output and str(source) in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out.csv").exists()


def test_a_full_disk_keeps_the_old_output_and_says_so(runner, tmp_path):
    """The kernel's own "no space left on device": the temporary file the writer
    opens is a link to /dev/full, which fails every write with ENOSPC."""
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full to give a real ENOSPC")
    source = _write_rows(tmp_path / "in.csv", [["question_id", "answer"], ["Q1", "XOR is not linearly separable"]])
    out = tmp_path / "out.csv"
    out.write_text("the previous run's marks\n", encoding="utf-8")
    trap = tmp_path / f".out.csv.{os.getpid()}.tmp"
    trap.symlink_to("/dev/full")
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "disk is full" in result.output and str(out) in result.output
    assert out.read_text(encoding="utf-8") == "the previous run's marks\n"
    assert not trap.exists() and not trap.is_symlink()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_runs_temporary_file_is_removed_by_the_next_run(runner, tmp_path):
    source = _write_rows(tmp_path / "in.csv", [["question_id", "answer"], ["Q1", "XOR is not linearly separable"]])
    out = tmp_path / "out.csv"
    stale = tmp_path / f".out.csv.{_dead_pid()}.tmp"
    stale.write_text("half a file", encoding="utf-8")
    alive = tmp_path / f".other.csv.{os.getppid()}.tmp"  # a live process's file is left alone
    alive.write_text("being written", encoding="utf-8")
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and alive.exists()
    assert out.read_text(encoding="utf-8").startswith("question_id,answer,score")


def _records(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


@pytest.mark.slow
def test_kill_9_mid_batch_leaves_the_old_output_whole(tmp_path):
    rows = [["question_id", "answer"]] + [["Q1", f"XOR is not linearly separable, case {i}"] for i in range(6000)]
    source = _write_rows(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    out.write_text("the previous run's marks\n", encoding="utf-8")
    env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path / "instance")}
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen([sys.executable, "-m", "quizzer.launch", "grade", "--batch", str(source), "--out",
                                    str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        text = out.read_text(encoding="utf-8")
        # the old file or a whole new one, never a part
        assert text == "the previous run's marks\n" or _records(out) == len(rows)
    result = _quizzer("grade", "--batch", str(source), "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _records(out) == len(rows)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, which only Linux has")
def test_kill_9_of_a_batch_on_two_cores_leaves_no_worker(tmp_path):
    """The forked graders of ``grade --batch --jobs 2`` end with the batch: killed
    with -9 it cannot stop them, and they would wait on their work pipe for ever."""
    rows = [["question_id", "answer"]] + [["Q1", f"XOR is not linearly separable, case {i}"] for i in range(20000)]
    source = _write_rows(tmp_path / "in.csv", rows)
    env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path / "instance")}
    process = subprocess.Popen([sys.executable, "-m", "quizzer.launch", "grade", "--batch", str(source), "--out",
                                str(tmp_path / "out.csv"), "--jobs", "2"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: dict[int, int] = {}
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers = children(process.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the batch ended before its two workers were seen"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 5
    while still_running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = still_running(workers)
    for pid in left:  # do not leave them behind this test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived the killed batch"


def test_binary_on_standard_input_is_a_message_not_a_traceback(tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x80\x81\xfe")
    with binary.open("rb") as stdin:
        result = _quizzer("grade", "Q1", stdin=stdin, tmp_path=tmp_path,
                          env={"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"})
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"not UTF-8 text" in result.stderr and b"standard input" in result.stderr


def test_an_endless_standard_input_is_cut_off(tmp_path):
    with open("/dev/zero", "rb") as stdin:
        started = time.monotonic()
        result = _quizzer("grade", "Q1", stdin=stdin, tmp_path=tmp_path)
    assert result.returncode == 1 and b"longer than" in result.stderr
    assert time.monotonic() - started < 30


def test_remove_stale_temporaries_keeps_other_files(tmp_path):
    keep = [tmp_path / "marks.csv", tmp_path / ".hidden", tmp_path / ".x.tmp", tmp_path / ".a.b.notpid.tmp"]
    for path in keep:
        path.write_text("mine", encoding="utf-8")
    stale = tmp_path / f".marks.csv.{_dead_pid()}.tmp"
    stale.write_text("half", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert all(p.exists() for p in keep)
