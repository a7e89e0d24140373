"""How fast does ``quizzer --help`` start, against a bare ``python -c pass``?

Both are run from this same process, alternating, so machine load affects them
alike. Prints the medians and their ratio; the goal is at most 3. The top-level
help is served from the instance folder's cache (see quizzer/launch.py), so the
script also times the same help rendered by click itself, without that cache,
and ``quizzer bank --help``, to show what click costs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

RUNS = 15
CLICK_HELP = "import sys; from quizzer.cli import main; sys.argv[1:] = ['--help']; main()"


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    script = os.path.join(os.path.dirname(sys.executable), "quizzer")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "quizzer --help": [script, "--help"],
        "--help through click": [sys.executable, "-c", CLICK_HELP],
        "quizzer bank --help": [script, "bank", "--help"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():
        timed(argv)  # warm the file cache
    for _ in range(RUNS):
        for name, argv in commands.items():
            times[name].append(timed(argv))
    baseline = statistics.median(times["python -c pass"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:22} median {median * 1000:7.1f} ms   ratio {median / baseline:5.2f}")
    print("goal: quizzer --help ratio <= 3")


if __name__ == "__main__":
    main()
