"""The department benchmark (bench/bench_department.py), run small so it cannot rot."""

from __future__ import annotations

import re

from bench import bench_department as bench


def test_the_bench_times_every_command_beside_the_scan(tmp_path, capsys):
    from quizzer.store import Store

    assert bench.main(["--students", "12", "--answers", "3000", "--runs", "1", "--backend", "sqlite",
                       "--folder", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "filled in" in out and "baseline: one full scan of responses" in out
    for name in ("student report (busiest)", "class report, every page", "regrade after a Q1 edit",
                 "full regrade", "exam grade (12 x 8)"):
        line = next(line for line in out.splitlines() if line.strip().startswith(name))
        assert re.search(r"median +\d+\.\d+ s +\d+\.\d+x scan +peak +\d+ MB", line), line
    assert "goal <= 3 s" in out and "goal <= 10 s" in out
    with Store(f"sqlite:///{tmp_path / 'department.sqlite3'}") as store:
        graded = [r for r in store.responses() if r.question_id in bench.EXAM_QUESTIONS]
        with store.engine.connect() as connection:
            exams = connection.exec_driver_sql(
                "SELECT COUNT(*) FROM quiz_sessions WHERE kind = 'exam' AND settings LIKE '%Department exam%'").scalar()
    assert exams == 12  # the exam was graded into the department's store, one sitting a student
    assert graded
