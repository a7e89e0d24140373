"""How many numeric variants per second: generate and solve every family for 500 seeds.

``generate`` does everything a quiz or a printed exam needs: it seeds the
family's generator, samples the parameters, solves with NumPy, and renders the
prompt and the worked solution. The baseline, timed in the same process and
alternated with the real run so machine load affects both alike, is the part no
family can avoid: creating the seeded ``numpy.random.Generator`` (``rng_for``).
Prints variants per second (goal: at least 10,000 on one core) and the ratio of
the time per variant to that baseline.
"""

from __future__ import annotations

import statistics
import time

SEEDS = 500
ROUNDS = 5


def run_all(ids: list[str]) -> float:
    from quizzer.variants import generate

    start = time.perf_counter()
    for family_id in ids:
        for seed in range(SEEDS):
            generate(family_id, seed)
    return time.perf_counter() - start


def run_baseline(ids: list[str]) -> float:
    from quizzer.variants import rng_for

    start = time.perf_counter()
    for family_id in ids:
        for seed in range(SEEDS):
            rng_for(family_id, seed)
    return time.perf_counter() - start


def main() -> None:
    from quizzer.variants import family_ids

    ids = family_ids()
    run_all(ids[:3])  # import NumPy and every family module before timing
    real, base = [], []
    for _ in range(ROUNDS):
        real.append(run_all(ids))
        base.append(run_baseline(ids))
    count = len(ids) * SEEDS
    seconds, baseline = statistics.median(real), statistics.median(base)
    rate = count / seconds
    print(f"{len(ids)} families x {SEEDS} seeds = {count} variants per round, median of {ROUNDS} rounds")
    print(f"generate (sample + solve + prompt + solution): {seconds:.3f} s, {rate:,.0f} variants/s, "
          f"{seconds / count * 1e6:.1f} us each")
    print(f"baseline (seeded Generator only):              {baseline:.3f} s, {count / baseline:,.0f} /s, "
          f"{baseline / count * 1e6:.1f} us each")
    print(f"ratio generate / baseline: {seconds / baseline:.2f}")
    print(f"goal: >= 10,000 variants/s: {'met' if rate >= 10_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
