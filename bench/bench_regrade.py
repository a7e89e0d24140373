"""Regrade at a department's size: a full regrade and one after a rubric edit,
each beside ``grade --batch`` of the same answers, measured in the same run.

    python bench/bench_regrade.py --answers 200000 [--runs 3]

A synthetic store (bench/synthetic) of ``--answers`` answers is filled once. Then,
each run: the baseline the issue names, ``quizzer grade --batch --jobs 1`` on a
CSV of the store's free-text answers (one process, the scorer's batch path);
``quizzer regrade --all --dry-run`` over the same store (every stored answer,
numeric ones too, on every core); and ``quizzer regrade --dry-run`` after one
question's rubric is edited (only that question's answers are read). Each is a
fresh process, so start-up counts in all three alike; peak memory is the largest
process's (workers included).
Goals (issue #15): the full regrade at most 0.7x the baseline, the edited one at
most 0.2x the full, peak memory under 400 MB and flat in the store's size.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
QUIZZER = str(Path(sys.executable).with_name("quizzer"))


WRAP = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak MB of one command: the largest of its processes (workers
    included), read by a fresh wrapper process so that earlier runs do not count."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", WRAP, *args], env=env, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    return seconds, int(out.stdout.split()[-1]) / 1024  # ru_maxrss is in KB on Linux


def edited_bank(work: Path) -> Path:
    """The course bank with Q1's first criterion narrowed, as a teacher would edit it."""
    folder = work / "bank"
    shutil.copytree(REPO / "questions", folder)
    path = folder / "module1" / "q1.yaml"
    q1 = yaml.safe_load(path.read_text(encoding="utf-8"))
    q1["rubric"][0].update(concepts=[["hyperplane"]], need=1, misconceptions=[])
    path.write_text(yaml.safe_dump(q1, sort_keys=False), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.append(str(REPO))
    from bench.synthetic import fill
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.store import Store
    from quizzer.variants import family_ids

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        db = work / "store.sqlite3"
        bank = load_bank(resource_path("questions"), families=family_ids())
        fill(f"sqlite:///{db}", bank, users=args.users, responses=args.answers, seed=1,
             now=datetime(2026, 11, 30, tzinfo=UTC))
        answers = work / "answers.csv"
        with Store(f"sqlite:///{db}") as store, answers.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["question_id", "answer"])
            free = [(r.question_id, r.answer) for r in store.responses() if not r.family and not r.skipped]
            writer.writerows(free)
            q1 = sum(1 for qid, _ in free if qid == "Q1")
        env = {**os.environ, "QUIZZER_INSTANCE": str(work / "instance"), "QUIZZER_DB": str(db)}
        edited = edited_bank(work)
        rows: dict[str, list[tuple[float, float]]] = {"baseline": [], "full": [], "edited": []}
        for _ in range(args.runs):
            rows["baseline"].append(timed([QUIZZER, "grade", "--batch", str(answers), "--jobs", "1", "--out",
                                           str(work / "marked.csv")], env))
            rows["full"].append(timed([QUIZZER, "regrade", "--all", "--dry-run"], env))
            rows["edited"].append(timed([QUIZZER, "--bank", str(edited), "regrade", "--dry-run"], env))
        median = {k: statistics.median(s for s, _ in v) for k, v in rows.items()}
        peak = {k: max(m for _, m in v) for k, v in rows.items()}
        print(f"stored answers            {args.answers:>10,}   ({len(free):,} free text, {q1:,} to Q1)")
        print(f"grade --batch --jobs 1    {median['baseline']:8.1f} s   peak {peak['baseline']:6.0f} MB")
        print(f"regrade --all --dry-run   {median['full']:8.1f} s   peak {peak['full']:6.0f} MB   "
              f"{median['full'] / median['baseline']:.2f}x the baseline (goal <= 0.7x)")
        print(f"regrade after a Q1 edit   {median['edited']:8.1f} s   peak {peak['edited']:6.0f} MB   "
              f"{median['edited'] / median['full']:.2f}x the full regrade (goal <= 0.2x)")
        print(f"medians of {args.runs} runs on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
