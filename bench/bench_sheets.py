"""Building exam sheets: 1,000 students' sheets and keys (HTML), and PDF time per sheet.

The exam has 4 short-answer questions and 4 numeric items with numbers unique to
each student. The baseline, in the same process, is writing the same number of
files with the same total size and no rendering (the disk's share). Goal: 1,000
sheets with keys in at most 10 s on one core.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

STUDENTS = 1000
PDF_STUDENTS = 20


def main() -> None:
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.sheets import ExamSpec, build_exam, numbered_students, write_exam
    from quizzer.sheets.write import html_to_pdf
    from quizzer.variants import family_ids

    bank = load_bank(resource_path("questions"), families=family_ids())
    spec = ExamSpec(title="Benchmark", seed=3, questions=("Q1", "Q7", "Q14", "Q15"), numeric=4)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        exam = build_exam(bank, spec, numbered_students(STUDENTS), now)
        built = time.perf_counter()
        written = write_exam(exam, Path(folder) / "exam")
        done = time.perf_counter()
        files = list(Path(folder, "exam").rglob("*.html"))
        size = sum(f.stat().st_size for f in files)
        t = time.perf_counter()
        for index, f in enumerate(files):
            Path(folder, f"copy{index}.html").write_bytes(b"x" * f.stat().st_size)
        baseline = time.perf_counter() - t
        small = build_exam(bank, spec, numbered_students(PDF_STUDENTS), now)
        small_written = write_exam(small, Path(folder) / "small")
        t = time.perf_counter()
        html_to_pdf(small_written.sheets, Path(folder) / "sheets.pdf")
        pdf_each = (time.perf_counter() - t) / PDF_STUDENTS
    total = done - started
    print(f"students                    {STUDENTS}")
    print(f"choose numbers (variants)   {built - started:6.2f} s")
    print(f"render and write HTML       {done - built:6.2f} s  ({len(files)} files, {size / 1e6:.1f} MB)")
    print(f"total                       {total:6.2f} s   (goal <= 10 s)  -> {STUDENTS / total:.0f} sheets+keys/s")
    print(f"baseline: write same bytes  {baseline:6.2f} s   ratio {total / baseline:.1f}x")
    print(f"PDF (WeasyPrint)            {pdf_each * 1000:6.0f} ms per sheet (measured on {PDF_STUDENTS} sheets)")
    del written


if __name__ == "__main__":
    main()
