"""Grading speed: batch answers per second and one answer's latency, after start-up.

Answers are the bank's sample answers, each made distinct (so no per-text cache
can help), graded 1) in one batch and 2) one at a time. The baseline, run in the
same process, is splitting the same answers into words with a regular
expression: the cheapest possible reading of the text. Goals: at least 1,000
answers/s in a batch, at most 20 ms for one answer. Start-up (loading
the bank and fitting the vectorisers) is reported separately.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time


def main() -> None:
    started = time.perf_counter()
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.scoring import Scorer
    from quizzer.variants import family_ids

    bank = load_bank(resource_path("questions"), families=family_ids())
    scorer = Scorer(bank)
    startup = time.perf_counter() - started
    items = [(q, f"{s.text} (copy {n})") for n in range(5) for q in bank for s in q.samples]
    scorer.grade_many([(q, q.model_answer) for q in bank])  # compile every question once

    t = time.perf_counter()
    for _, text in items:
        re.findall(r"\w+", text)
    baseline = (time.perf_counter() - t) / len(items)

    t = time.perf_counter()
    scorer.grade_many(items)
    batch = (time.perf_counter() - t) / len(items)

    singles = []
    for question, text in items[:300]:
        t = time.perf_counter()
        scorer.grade(question, text + " once")
        singles.append(time.perf_counter() - t)

    import_cost = subprocess.run(
        [sys.executable, "-c", "import time; t=time.perf_counter(); import quizzer.cli.grade, quizzer.bank;"
         "print(time.perf_counter()-t); import sys; print('sklearn' in sys.modules)"],
        capture_output=True, text=True, check=True).stdout.split()
    print(f"answers graded            {len(items)}")
    print(f"start-up (bank + scorer)  {startup:.2f} s")
    print(f"batch                     {1 / batch:8.0f} answers/s   (goal >= 1000)")
    print(f"single answer             median {statistics.median(singles) * 1000:.2f} ms, "
          f"max {max(singles) * 1000:.2f} ms   (goal <= 20 ms)")
    print(f"baseline regex split      {1 / baseline:8.0f} answers/s   batch costs {batch / baseline:.0f}x the baseline")
    print(f"importing the grade command loads scikit-learn: {import_cost[1]}")


if __name__ == "__main__":
    main()
