"""How long exporting the whole bank takes: every question, 20 variants per family, each format.

Goal (issue #16): under 2 seconds per format. Two figures per format, medians of
``ROUNDS`` rounds:

- in process: ``exchange.export_bank`` (draw the variants, lay out the file,
  write it atomically) with the bank already loaded, against the baseline of
  writing the same bytes to the same path (``textfile.write_bytes``, also atomic
  and fsynced), timed alternately in the same run so machine load affects both;
- end to end: ``quizzer export FORMAT`` as a teacher runs it, a fresh process
  (Python start-up, imports, bank load from its cache), against a fresh process
  that only starts Python, imports Quizzer's CLI and writes the same bytes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 5
VARIANTS = 20
SEED = 2026
GOAL = 2.0
ENDINGS = {"moodle": "xml", "qti": "zip", "gift": "txt"}
WRITE_ONLY = ("import sys, quizzer.cli; from quizzer.textfile import write_bytes; "
              "write_bytes(sys.argv[1], open(sys.argv[2], 'rb').read())")


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def in_process(bank, fmt: str, folder: Path) -> tuple[float, float, int]:
    from quizzer.exchange import Selection, export_bank
    from quizzer.textfile import write_bytes

    out = folder / f"bank.{ENDINGS[fmt]}"
    real, base = [], []
    size = 0
    for _ in range(ROUNDS):
        real.append(timed(lambda: export_bank(bank, fmt, out, Selection(), VARIANTS, SEED)))
        data = out.read_bytes()
        size = len(data)
        base.append(timed(lambda: write_bytes(out, data)))  # noqa: B023 - used at once, in this round
    return statistics.median(real), statistics.median(base), size


def end_to_end(fmt: str, folder: Path) -> tuple[float, float]:
    out, copy = folder / f"cli.{ENDINGS[fmt]}", folder / f"copy.{ENDINGS[fmt]}"
    command = [sys.executable, "-m", "quizzer.launch", "export", fmt, "--out", str(out),
               "--variants", str(VARIANTS), "--seed", str(SEED)]
    env = {**os.environ, "QUIZZER_INSTANCE": str(folder / "instance")}  # the bank cache, not the user's
    real, base = [], []
    for _ in range(ROUNDS):
        real.append(timed(lambda: subprocess.run(command, check=True, capture_output=True, env=env)))
        base.append(timed(lambda: subprocess.run([sys.executable, "-c", WRITE_ONLY, str(copy), str(out)],
                                                 check=True, capture_output=True, env=env)))
    assert copy.read_bytes() == out.read_bytes()
    return statistics.median(real), statistics.median(base)


def main() -> None:
    from quizzer.bank import load_bank
    from quizzer.config import load_settings
    from quizzer.variants import family_ids

    settings = load_settings(bank=None, db=None)
    bank = load_bank(settings.bank_path, families=family_ids())
    families = len({f for q in bank for f in q.variants})
    print(f"{len(bank)} questions, {families} families x {VARIANTS} variants, median of {ROUNDS} rounds")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        in_process(bank, "gift", folder)  # import the writers and every family module before timing
        worst = 0.0
        for fmt in ENDINGS:
            seconds, baseline, size = in_process(bank, fmt, folder)
            cli, cli_base = end_to_end(fmt, folder)
            worst = max(worst, cli)
            print(f"{fmt:6}  {size / 1e3:7.0f} kB  in process {seconds:.3f} s (writing the bytes {baseline:.4f} s, "
                  f"ratio {seconds / baseline:.1f})   quizzer export {cli:.2f} s "
                  f"(start-up and write only {cli_base:.2f} s, ratio {cli / cli_base:.2f})")
    print(f"goal: each format under {GOAL:g} s end to end: {'met' if worst < GOAL else 'NOT met'} "
          f"(slowest {worst:.2f} s)")


if __name__ == "__main__":
    main()
