"""Building exam sheets for a large class: peak memory and time of the streamed
build (``write_exam``) beside the same run's baseline, the exam rendered whole in
one process and then written (how ``write_exam`` worked before #15).

The exam has 4 short-answer questions and 4 numeric items with numbers unique to
each student. Each measurement runs in a fresh process, so its peak memory is its
own: the peak resident set of the process plus the largest of its workers
(``getrusage`` RUSAGE_SELF and RUSAGE_CHILDREN; with two workers running at once
the tree's true peak lies between that sum and the parent plus both workers).
Goal: under 200 MB for 10,000 students, flat in the class size, and faster than
the baseline on two cores.

    python bench/bench_sheets.py [--students 2500,10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

MODES = ("baseline", "streamed")


def _exam(students: int):
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.sheets import ExamSpec, build_exam, numbered_students
    from quizzer.variants import family_ids

    bank = load_bank(resource_path("questions"), families=family_ids())
    spec = ExamSpec(title="Benchmark", seed=3, questions=("Q1", "Q7", "Q14", "Q15"), numeric=4)
    return build_exam(bank, spec, numbered_students(students), datetime.now(UTC))


def _in_memory(exam, folder: Path) -> None:
    """The baseline: every page rendered into one dict, then written (8 writers)."""
    from quizzer.sheets.manifest import manifest_json
    from quizzer.sheets.write import _render, write_files
    from quizzer.textfile import write_utf8

    folder.mkdir()
    write_files(folder, dict(_render(exam, "a4")))
    write_utf8(folder / "manifest.json", json.dumps(manifest_json(exam), indent=2, ensure_ascii=False))


def measure(mode: str, students: int) -> dict[str, float]:
    """One build in this process: seconds and peak RSS (MB) of this process and its workers."""
    import resource

    from quizzer.sheets import write_exam

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        exam = _exam(students)
        if mode == "baseline":
            _in_memory(exam, Path(folder) / "exam")
        else:
            write_exam(exam, Path(folder) / "exam")
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "self_mb": own, "workers_mb": workers, "peak_mb": own + workers, "bytes": size}


def _fresh(mode: str, students: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--one", mode, str(students)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", default="2500,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("MODE", "STUDENTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]))))
        return
    print(f"{'students':>8} {'mode':>9} {'seconds':>8} {'peak MB':>8} {'(self':>6} {'+ worker)':>9}   "
          f"median of {args.runs} fresh processes each")
    for students in (int(n) for n in args.students.split(",")):
        medians = {}
        for mode in MODES:
            runs = [_fresh(mode, students) for _ in range(args.runs)]
            m = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            medians[mode] = m
            print(f"{students:>8} {mode:>9} {m['seconds']:8.2f} {m['peak_mb']:8.0f} {m['self_mb']:6.0f} "
                  f"{m['workers_mb']:9.0f}   ({m['bytes'] / 1e6:.0f} MB written)", flush=True)
        base, new = medians["baseline"], medians["streamed"]
        ratios = f"{new['seconds'] / base['seconds']:7.2f}x {new['peak_mb'] / base['peak_mb']:7.2f}x"
        print(f"{students:>8} {'ratio':>9} {ratios}"
              "   streamed / baseline (goal: peak < 200 MB at 10,000)", flush=True)


if __name__ == "__main__":
    main()
