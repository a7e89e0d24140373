"""Fill a database with realistic synthetic practice: students, quizzes, exams, answers, cards.

    python bench/fill_store.py --db /tmp/class.sqlite3 --users 1000 --responses 1000000 --seed 0
    python bench/fill_store.py --db postgresql://me@localhost/quizzer_bench --replace

Answers are marked consistently with the bank (see bench/synthetic/), spread
over the 90 days before --now, with two exams graded for the class. The same
seed gives the same rows. A database that already has users is refused unless
--replace, which deletes everything in it first. Prints what was written and
the rate (goal: 1,000 users and 1,000,000 responses in at most 3 minutes).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL or SQLite file path")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replace", action="store_true", help="delete everything in the database first")
    parser.add_argument("--bank", help="question bank folder (default: QUIZZER_BANK, else the course bank)")
    parser.add_argument("--now", type=datetime.fromisoformat, default=None,
                        help="end of the 90 days, ISO 8601 in UTC (default: the current time)")
    return parser.parse_args(argv)


def report(summary, url: str) -> None:
    print(f"database          {url}")
    print(f"users             {summary.users:>10,}")
    print(f"sessions          {summary.sessions:>10,}   ({summary.unfinished:,} unfinished)")
    print(f"responses         {summary.responses:>10,}")
    print(f"criterion rows    {summary.criterion_results:>10,}")
    print(f"review cards      {summary.review_states:>10,}")
    for exam_id, title in summary.exams:
        print(f"exam              {exam_id}   ({title})")
    print(f"time              {summary.seconds:10.1f} s   (goal <= 180 s for 1,000 users and 1,000,000 responses)")
    print(f"rate              {summary.rows / summary.seconds:10,.0f} rows/s, "
          f"{summary.responses / summary.seconds:,.0f} responses/s")


def main(argv: list[str] | None = None) -> int:
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # bench.synthetic, from the checkout
    from bench.synthetic import fill
    from quizzer.bank import load_bank
    from quizzer.config import load_settings
    from quizzer.errors import QuizzerError
    from quizzer.store.engine import display_url
    from quizzer.variants import family_ids

    args = parse_args(argv)
    now = args.now or datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    settings = load_settings(bank=args.bank, db=args.db)
    try:
        bank = load_bank(settings.bank_path, families=family_ids())
        summary = fill(settings.db_url, bank, users=args.users, responses=args.responses, seed=args.seed,
                       now=now, replace=args.replace)
    except QuizzerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    report(summary, display_url(settings.db_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
