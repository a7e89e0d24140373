"""Progress reports over 1,000 students and 1,000,000 answers, on SQLite and PostgreSQL.

The database is filled with realistic synthetic practice (bench.synthetic,
seed 0) once and reused while complete and made by the same code (schema
migrations and generator): SQLite under --folder, PostgreSQL in
QUIZZER_BENCH_POSTGRES (a database URL; refused if it holds other data) or else
a private throw-away cluster started as the tests start one (filled afresh each
run). Then, per database, the median of --runs runs (after one warm-up) of:

- the student report of the most active student and of a typical one;
- the class report of everyone, and of one exam (all its graded sessions).

The baseline, measured in the same run on the same database, is one full scan
``SELECT COUNT(*), SUM(score), SUM(max_score) FROM responses``: each report's
ratio to it says how many such scans the report costs. Goal: every report in
at most 3 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
GOAL = 3.0
SCAN = "SELECT COUNT(*), SUM(score), SUM(max_score) FROM responses"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "quizzer-bench-reports",
                        help="where the SQLite database is kept between runs")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def median_time(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: caches, connection pool, templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def counts(store) -> tuple[int, int]:
    with store.engine.connect() as connection:
        users = connection.exec_driver_sql("SELECT COUNT(*) FROM users").scalar()
        responses = connection.exec_driver_sql("SELECT COUNT(*) FROM responses").scalar()
    return users, responses


def code_version() -> str:
    """A digest of the schema (migrations and models), of the running summaries and of the
    generator: a cached fill made by other code is stale."""
    import bench.synthetic
    from quizzer.store.migrate import MIGRATIONS

    digest = hashlib.sha256()
    store = MIGRATIONS.parent
    files = [store / "models.py", store / "summaries.py", store / "bulk.py"]
    for folder in (MIGRATIONS, Path(bench.synthetic.__file__).parent):
        files += sorted(folder.rglob("*.py"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def ensure_filled(url: str, bank, args, marker: Path | None, may_replace: bool) -> str:
    """Fill the database unless it already holds this very fill; returns what was done."""
    from bench.synthetic import fill
    from quizzer.store import Store

    wanted = {"users": args.users, "responses": args.responses, "seed": args.seed, "now": NOW.isoformat(),
              "code": code_version()}
    with Store(url) as store:
        have = counts(store)
    marked = marker is None or (marker.is_file() and json.loads(marker.read_text()) == wanted)
    if have == (args.users, args.responses) and marked:
        return f"reused ({have[0]:,} users, {have[1]:,} responses)"
    if have[0] and not may_replace:
        raise RuntimeError(f"the database holds other data ({have[0]:,} users, {have[1]:,} responses); "
                           "empty it or name another")
    if marker is not None:  # our own cache: start from a new file, made by the current schema
        for suffix in ("", "-wal", "-shm"):
            Path(f"{cache_file(url)}{suffix}").unlink(missing_ok=True)
    summary = fill(url, bank, users=args.users, responses=args.responses, seed=args.seed, now=NOW, replace=True)
    if marker is not None:
        marker.write_text(json.dumps(wanted))
    return (f"filled in {summary.seconds:.1f} s ({summary.rows / summary.seconds:,.0f} rows/s, "
            f"{summary.responses:,} responses, {summary.criterion_results:,} criterion rows)")


def subjects(store) -> dict[str, object]:
    """The busiest student, a typical one (median answers), and one exam's first session."""
    with store.engine.connect() as connection:
        per_user = connection.exec_driver_sql(
            "SELECT u.name, COUNT(*) AS n FROM responses r JOIN users u ON u.id = r.user_id "
            "GROUP BY u.name ORDER BY n, u.name").all()
        exam = connection.exec_driver_sql(
            "SELECT MIN(id), title, COUNT(*) FROM quiz_sessions WHERE kind = 'exam' "
            "GROUP BY title ORDER BY MIN(started_at) DESC LIMIT 1").first()
    return {"busiest": per_user[-1], "typical": per_user[len(per_user) // 2], "exam": exam}


def report_cases(bank, store, out: Path) -> list[tuple[str, Callable[[], object]]]:
    """(name, action) for each report timed; the import fails while quizzer.reports does not exist."""
    from quizzer.reports import class_report, student_report

    who = subjects(store)
    busiest, typical, exam = who["busiest"], who["typical"], who["exam"]
    cases = [
        (f"student report, busiest ({busiest[1]:,} answers)",
         lambda: student_report(bank, store, busiest[0], out / "busiest.html", NOW)),
        (f"student report, typical ({typical[1]:,} answers)",
         lambda: student_report(bank, store, typical[0], out / "typical.html", NOW)),
        ("class report, everyone, overview only",
         lambda: class_report(bank, store, out / "overview", NOW, student_pages=False)),
        ("class report, everyone, with 1 page each", lambda: class_report(bank, store, out / "class", NOW)),
    ]
    if exam:
        cases.append((f"class report, exam ({exam[2]:,} sittings)",
                      lambda: class_report(bank, store, out / "exam", NOW, session_id=exam[0])))
    return cases


def bench_database(label: str, url: str, bank, args, marker: Path | None = None, may_replace: bool = True) -> None:
    from quizzer.store import Store
    from quizzer.store.engine import display_url

    print(f"\n{label}: {display_url(url)}")
    started = time.perf_counter()
    done = ensure_filled(url, bank, args, marker, may_replace)
    print(f"  {'fill':<40} {done}; {time.perf_counter() - started:.1f} s in all")
    with Store(url) as store, tempfile.TemporaryDirectory() as out:
        def scan() -> None:
            with store.engine.connect() as connection:
                connection.exec_driver_sql(SCAN).all()

        baseline = median_time(scan, args.runs)
        print(f"  {'baseline: one full scan of responses':<40} median {baseline:6.3f} s")
        try:
            cases = report_cases(bank, store, Path(out))
        except ImportError as exc:
            print(f"  reports skipped: quizzer.reports is not available ({exc})")
            return
        for name, action in cases:
            try:
                t = median_time(action, args.runs)
            except Exception as exc:  # the reports are code under test: say what broke, go on
                print(f"  {name:<40} failed: {type(exc).__name__}: {exc}".splitlines()[0])
                continue
            verdict = "ok" if t <= GOAL else "OVER"
            print(f"  {name:<40} median {t:6.3f} s   ratio {t / baseline:6.1f}x scan   (goal <= {GOAL:g} s: {verdict})")


def postgres(bank, args) -> None:
    url = os.environ.get("QUIZZER_BENCH_POSTGRES")
    if url:
        try:
            bench_database("PostgreSQL (QUIZZER_BENCH_POSTGRES)", url, bank, args, may_replace=False)
        except RuntimeError as exc:
            print(f"\nPostgreSQL skipped: {exc}")
        return
    sys.path.insert(0, str(REPO))
    try:
        from tests.postgres import start_server
    except ImportError as exc:
        print(f"\nPostgreSQL skipped: the test helper tests/postgres.py cannot be imported ({exc})")
        return
    server, reason = start_server()
    if server is None:
        print(f"\nPostgreSQL skipped: {reason}")
        return
    try:
        bench_database("PostgreSQL (private cluster)", server.create_database(), bank, args)
    finally:
        server.stop()


def main() -> None:
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.variants import family_ids

    args = parse_args()
    sys.path.append(str(REPO))  # bench.synthetic, from the checkout
    bank = load_bank(resource_path("questions"), families=family_ids())
    args.folder.mkdir(parents=True, exist_ok=True)
    print(f"{args.users:,} students, {args.responses:,} responses, seed {args.seed}, "
          f"median of {args.runs} runs after a warm-up")
    sqlite_path = args.folder / "reports.sqlite3"
    bench_database("SQLite", f"sqlite:///{sqlite_path}", bank, args, marker=args.folder / "reports.json")
    postgres(bank, args)


if __name__ == "__main__":
    main()
