"""A department's term on one machine: 2,000 students and 5,000,000 answers.

    python bench/bench_department.py [--students 2000] [--answers 5000000] [--runs 3]
                                     [--full-runs 1] [--backend sqlite|postgres|both]

Each database is filled with synthetic practice and exams (bench.synthetic, seed 0):
SQLite in a file kept under --folder and reused while it holds this very fill,
PostgreSQL in QUIZZER_BENCH_POSTGRES (a URL; refused if it holds other data) or
else a private throw-away cluster started as the tests start one. Then, against
each database, every command is a fresh ``quizzer`` process, timed with its peak
memory (the largest of its processes, workers included), median of --runs runs:

- one student's report (the busiest student);
- the class report with every student's page;
- a regrade after one question's rubric is edited (``regrade --dry-run``: only that
  question's answers are read and graded);
- a full regrade (``regrade --all --dry-run``; --full-runs runs, since at five
  million answers one run takes many minutes);
- grading one printed exam of --students students x 8 short-answer items
  (``exam grade``, stored into the department's store, for the store's own
  students; grading again replaces it, so every run does the same work). Their
  answers are the store's and the held-out calibration answers, most with a
  sentence of another answer added, so that nearly every one is its own text. The
  exam's sittings stay in the store, so the next run fills the database again.

The baseline, measured in the same run on the same database, is one full scan of
the responses, ``SELECT COUNT(*), SUM(score), SUM(max_score) FROM responses``:
each ratio says how many such scans a command costs. The regrades are dry runs so
that the store stays the fill that was measured. Goals (issue #15): the class
report within 3 s, the exam within 10 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_regrade import QUIZZER, edited_bank, timed  # noqa: E402

CALIBRATION = REPO / "tests" / "data" / "heldout" / "saq" / "calibration.yaml"
EXAM_QUESTIONS = ("Q1", "Q2", "Q3", "Q5", "Q7", "Q9", "Q12", "Q14")
GOALS = {"class report, every page": 3.0, "exam grade": 10.0}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "quizzer-bench-department",
                        help="where the SQLite database is kept between runs")
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--answers", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full-runs", type=int, default=1, help="runs of the full regrade (0: none)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    return parser.parse_args(argv)


def scan_time(url: str, runs: int) -> float:
    from bench.bench_reports import SCAN
    from quizzer.store import Store

    with Store(url) as store:
        def scan() -> None:
            with store.engine.connect() as connection:
                connection.exec_driver_sql(SCAN).all()

        scan()  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            scan()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def busiest_and_names(url: str) -> tuple[str, list[str]]:
    from bench.bench_reports import subjects
    from quizzer.store import Store

    with Store(url) as store:
        busiest = subjects(store)["busiest"][0]
        with store.engine.connect() as connection:
            names = [n for (n,) in connection.exec_driver_sql("SELECT name FROM users ORDER BY id")]
    return busiest, names


def answer_pool(url: str) -> dict[str, list[str]]:
    """For each exam question, the answers the store's students wrote to it (the
    bank's graded samples, in a synthetic store) and the held-out calibration
    answers, written and marked outside the project."""
    import yaml

    from quizzer.store import Store

    pool: dict[str, list[str]] = {q: [] for q in EXAM_QUESTIONS}
    with Store(url) as store:
        for question in EXAM_QUESTIONS:
            for rows in store.stream_regradable(question_id=question):
                pool[question].extend(r.answer for r in rows if r.answer and not r.family)
                if len(pool[question]) >= 5000:
                    break
    calibration = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))["answers"]
    for item in calibration:
        if item["question_id"] in pool:
            pool[item["question_id"]].append(item["text"])
    return {q: sorted(set(texts)) for q, texts in pool.items()}


def varied_answer(rnd: random.Random, texts: list[str]) -> str:
    """One student's answer: a written answer, often with a sentence of another one
    added, so that nearly every answer of the class is its own text (a class repeats
    few answers word for word, and the scorer reads each distinct one)."""
    if not texts:
        return ""
    answer = rnd.choice(texts)
    if rnd.random() < 0.8:
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", rnd.choice(texts)) if s.strip()]
        answer = f"{answer} {rnd.choice(sentences)}" if sentences else answer
    return answer


def exam_files(url: str, names: list[str], students: int, work: Path, env: dict[str, str]) -> tuple[Path, Path, int]:
    """A printed exam for the store's own students, and their typed answers (``varied_answer``);
    also how many distinct (question, answer) pairs they hold."""
    import subprocess

    roster = work / "roster.csv"
    chosen = names[:students]
    with roster.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student_id", "name"])
        writer.writerows((f"s{i:05d}", name) for i, name in enumerate(chosen))
    out = work / "exam"
    subprocess.run([QUIZZER, "exam", "build", "--roster", str(roster), "--questions", ",".join(EXAM_QUESTIONS),
                    "--title", "Department exam", "--seed", "7", "--out", str(out)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    pool = answer_pool(url)
    rnd = random.Random(0)
    rows = [(f"s{i:05d}", q, varied_answer(rnd, pool[q])) for i in range(len(chosen)) for q in EXAM_QUESTIONS]
    answers = work / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student_id", "question_id", "answer"])
        writer.writerows(rows)
    return out / "manifest.json", answers, len({(q, a) for _, q, a in rows})


def run_cases(label: str, url: str, args: argparse.Namespace) -> None:
    from quizzer.store.engine import display_url

    print(f"\n{label}: {display_url(url)}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        env = {**os.environ, "QUIZZER_INSTANCE": str(work / "instance"), "QUIZZER_DB": url}
        baseline = scan_time(url, args.runs)
        print(f"  {'baseline: one full scan of responses':<36} median {baseline:8.3f} s", flush=True)
        busiest, names = busiest_and_names(url)
        edited = edited_bank(work)
        manifest, answers, distinct = exam_files(url, names, args.students, work, env)
        print(f"  exam answers: {args.students * len(EXAM_QUESTIONS):,}, of which {distinct:,} distinct "
              "(question, text) pairs", flush=True)
        cases: list[tuple[str, list[str], int]] = [
            ("student report (busiest)", [QUIZZER, "report", "--user", busiest, "--out", str(work / "one.html")],
             args.runs),
            ("class report, every page", [QUIZZER, "report", "--class", "--out", str(work / "class")], args.runs),
            ("regrade after a Q1 edit", [QUIZZER, "--bank", str(edited), "regrade", "--dry-run"], args.runs),
            ("full regrade", [QUIZZER, "regrade", "--all", "--dry-run"], args.full_runs),
            (f"exam grade ({args.students:,} x 8)",
             [QUIZZER, "exam", "grade", str(manifest), "--answers", str(answers)], args.runs),
        ]
        for name, command, runs in cases:
            if runs == 0:
                print(f"  {name:<36} not run (--full-runs 0)", flush=True)
                continue
            measured = [timed(command, env) for _ in range(runs)]
            seconds = statistics.median(s for s, _ in measured)
            peak = max(m for _, m in measured)
            goal = next((g for key, g in GOALS.items() if name.startswith(key)), None)
            verdict = "" if goal is None else f"   goal <= {goal:g} s: {'ok' if seconds <= goal else 'OVER'}"
            print(f"  {name:<36} median {seconds:8.2f} s   {seconds / baseline:8.1f}x scan   "
                  f"peak {peak:6.0f} MB   ({len(measured)} run{'s' * (len(measured) > 1)}){verdict}", flush=True)


def with_postgres(action: Callable[[str], None]) -> None:
    url = os.environ.get("QUIZZER_BENCH_POSTGRES")
    if url:
        action(url)
        return
    from tests.postgres import start_server

    server, reason = start_server()
    if server is None:
        print(f"\nPostgreSQL skipped: {reason}")
        return
    try:
        action(server.create_database())
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    from bench.bench_reports import ensure_filled
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.variants import family_ids

    args = parse_args(argv)
    args.users, args.responses = args.students, args.answers  # the names ensure_filled reads
    bank = load_bank(resource_path("questions"), families=family_ids())
    print(f"{args.students:,} students, {args.answers:,} answers, seed {args.seed}; medians of {args.runs} runs "
          f"({args.full_runs} for the full regrade) on {os.cpu_count()} cores")

    def fill_and_run(label: str, url: str, marker: Path | None, may_replace: bool) -> None:
        started = time.perf_counter()
        done = ensure_filled(url, bank, args, marker, may_replace)
        print(f"\n{label} fill: {done}; {time.perf_counter() - started:.1f} s in all", flush=True)
        run_cases(label, url, args)

    if args.backend in ("sqlite", "both"):
        args.folder.mkdir(parents=True, exist_ok=True)
        fill_and_run("SQLite", f"sqlite:///{args.folder / 'department.sqlite3'}", args.folder / "department.json",
                     True)
    if args.backend in ("postgres", "both"):
        with_postgres(lambda url: fill_and_run("PostgreSQL", url, None,
                                               not os.environ.get("QUIZZER_BENCH_POSTGRES")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
