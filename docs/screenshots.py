"""Make the README's pictures of the reports: a demo class, its reports, and
headless Chromium screenshots of them.

    .venv/bin/python docs/screenshots.py

Needs Debian's chromium. The class is synthetic (bench/synthetic), 40 students
over 90 days, so the pictures show what a real term's data looks like.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def shoot(page: Path, picture: Path, height: int, profile: Path, width: int = 1000) -> None:
    subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                    f"--screenshot={picture}", page.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"wrote {picture}")


def main() -> None:
    sys.path.append(str(HERE.parent))  # bench.synthetic, from the checkout
    from bench.synthetic import fill
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.reports import class_report
    from quizzer.store import Store
    from quizzer.variants import family_ids

    now = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
    bank = load_bank(resource_path("questions"), families=family_ids())
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        url = f"sqlite:///{work / 'demo.sqlite3'}"
        fill(url, bank, users=40, responses=24_000, seed=3, now=now)
        with Store(url) as store:
            files = class_report(bank, store, work / "class", now)
        student = next(p for p in files if p.parent.name == "students")
        shoot(files[0], HERE / "report-class.png", 1900, work / "profile")
        shoot(student, HERE / "report-student.png", 2300, work / "profile")


if __name__ == "__main__":
    sys.exit(main())
