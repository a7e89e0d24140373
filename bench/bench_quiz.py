"""Time to the first question of a quiz, and the peak memory of a quiz process.

Each run starts ``quizzer quiz`` on a fresh SQLite file, with answers piped in,
and times until "Question 1 of" is printed; the baselines, run alternately in the
same loop, are ``quizzer --help`` and ``quizzer quiz --help`` (the same
command's help, which goes through click; the goal: at most 2x). Peak memory is the
largest resident set of a quiz process that answers and grades two items
(goal: under 150 MB).

``quizzer --help`` is served from a cache (see quizzer/launch.py), so it costs
little more than a bare Python start. A quiz cannot be: it has to parse its
options (click) and draw in the terminal (rich). The last baseline, ``python -c
"import click, rich.console"``, is that floor, so the report shows how much of
the time to the first question is the quiz's own work.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
QUIZZER = str(Path(sys.executable).with_name("quizzer"))


def first_question(env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen([QUIZZER, "quiz", "--user", "bench", "--count", "2", "--seed", "1"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env, text=True)
    for line in process.stdout:
        if "Question 1 of" in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError("the quiz never showed a question")
    process.stdin.close()
    process.wait()
    return elapsed


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def peak_memory_mb(env: dict[str, str]) -> float:
    answers = "XOR is not linearly separable, so one straight line cannot split it.\n\n0\n"
    subprocess.run([QUIZZER, "quiz", "--user", "mem", "--questions", "Q1", "--count", "2", "--seed", "2"],
                   input=answers, text=True, stdout=subprocess.DEVNULL, env=env, check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    folder = tempfile.mkdtemp(prefix="quizzer-bench-")
    env = {**os.environ, "QUIZZER_DB": os.path.join(folder, "bench.sqlite3"), "NO_COLOR": "1"}
    first_question(env)  # creates the database and warms the file cache
    quiz, help_top, help_quiz, floor = [], [], [], []
    for _ in range(RUNS):
        quiz.append(first_question(env))
        help_top.append(timed([QUIZZER, "--help"], env))
        help_quiz.append(timed([QUIZZER, "quiz", "--help"], env))
        floor.append(timed([sys.executable, "-c", "import click, rich.console"], env))
    q, h, hq, f = (statistics.median(x) for x in (quiz, help_top, help_quiz, floor))
    print(f"time to first question   median {q * 1000:7.1f} ms")
    print(f"quizzer --help           median {h * 1000:7.1f} ms   ratio {q / h:5.2f} (help from the cache)")
    print(f"quizzer quiz --help      median {hq * 1000:7.1f} ms   ratio {q / hq:5.2f} (goal <= 2; help through click)")
    print(f"python: click + rich     median {f * 1000:7.1f} ms   ratio {q / f:5.2f} (the floor for any quiz)")
    print(f"peak memory of a quiz    {peak_memory_mb(env):7.1f} MB (goal < 150 MB)")


if __name__ == "__main__":
    main()
