"""The review queue of a large exam: 1,000 students x 10 free-text questions.

A real SQLite file (in a temporary folder) is filled the way ``exam grade`` fills
it: one finished exam session per student, stored with ``replace_session``,
each answer graded by the real scorer (in batches, once, at set-up) with its
confidence and review reasons. The answers are what a class writes: the bank's
own model answers, alternatives and graded samples, most copied with small
changes (case, punctuation, a typo, a British spelling, a word dropped, a filler
phrase), some cut short, spliced from two answers, turned round with a "not",
or left empty. So there are many near-duplicates to group and disagreements to
find, as in a real class.

Then, the median of --runs runs (after one warm-up) of:

- the baseline: one full read of those answers, ``store.responses()``, the same
  call ``load_queue`` makes;
- ``load_queue(bank, store, Filters())``: that read, then grouping and ordering;
- grouping and ordering alone (``build_queue`` on answers already read).

Goal: the whole queue in under 2 s for 10,000 answers; the ratio to the read
says how many reads grouping costs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GOAL = 2.0
QUESTIONS = 10
EXAM = "BENCH-MODERATION"
CHUNK = 256  # answers per grade_many call, as the batch grader (quizzer/scoring/batch.py) sends them

_FILLERS = ("I think ", "Basically, ", "In short, ", "As far as I remember, ", "")
_ENDINGS = (" This is what we saw in the lectures.", " That is the main reason.", " (see notes)", "")
_SPELLINGS = (("ize", "ise"), ("ization", "isation"), ("yze", "yse"), ("behavior", "behaviour"),
              ("center", "centre"))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs after one warm-up (at least 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=None, help="where the SQLite file goes (default: a temporary "
                                                                  "folder, removed afterwards)")
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs must be at least 3: the figure is a median")
    return args


# answers ---------------------------------------------------------------------
def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\n", " ").split(". ")]
    return [p if p.endswith((".", "!", "?")) else p + "." for p in parts if p]


def _typo(text: str, rnd: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long:
        return text
    i = rnd.choice(long)
    w, k = words[i], rnd.randrange(1, len(words[i]) - 2)
    words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:] if rnd.random() < 0.5 else w[:k] + w[k + 1:]
    return " ".join(words)


def _drop_word(text: str, rnd: random.Random) -> str:
    words = text.split()
    if len(words) < 6:
        return text
    del words[rnd.randrange(len(words))]
    return " ".join(words)


def _spelling(text: str, rnd: random.Random) -> str:
    american, british = rnd.choice(_SPELLINGS)
    return text.replace(american, british) if american in text else text.replace(british, american)


def _turned(text: str, rnd: random.Random) -> str:
    """A claim turned round: the word everything hangs on added or taken away."""
    if " not " in text:
        return text.replace(" not ", " ", 1)
    for verb in (" is ", " are ", " can ", " does "):
        if verb in text:
            return text.replace(verb, f"{verb}not ", 1)
    return "Not really: " + text


def _varied(pool: Sequence[str], rnd: random.Random) -> str:
    """An answer of its own: sentences of two answers, shuffled, a word or two lost."""
    sentences = _sentences(rnd.choice(pool)) + _sentences(rnd.choice(pool))
    rnd.shuffle(sentences)
    text = " ".join(sentences[:rnd.randint(1, max(1, len(sentences) - 1))])
    for _ in range(rnd.randint(1, 3)):
        text = _drop_word(text, rnd)
    return text


def write_answer(pool: Sequence[str], rnd: random.Random) -> str:
    """One student's answer to a question whose known answers are ``pool``."""
    base = rnd.choice(pool)
    roll = rnd.random()
    if roll < 0.30:
        return base
    if roll < 0.45:
        return rnd.choice((base.lower(), base.rstrip("."), base.replace(",", ""), base.upper()[:1] + base[1:] + "!"))
    if roll < 0.55:
        return _typo(base, rnd)
    if roll < 0.60:
        return _spelling(base, rnd)
    if roll < 0.68:
        return _drop_word(base, rnd)
    if roll < 0.76:
        return rnd.choice(_FILLERS) + base[:1].lower() + base[1:] + rnd.choice(_ENDINGS)
    if roll < 0.82:
        return _sentences(base)[0]
    if roll < 0.88:
        first, other = _sentences(base), _sentences(rnd.choice(pool))
        return " ".join(first[:1] + other[1:])
    if roll < 0.91:
        return _turned(base, rnd)
    if roll < 0.99:
        return _varied(pool, rnd)
    return ""  # left blank


def known_answers(question) -> list[str]:
    return [question.model_answer, *question.alternatives, *(s.text for s in question.samples)]


def class_answers(questions, students: int, seed: int) -> list[list[str]]:
    """``students`` lists of one answer per question, the same for the same seed."""
    rnd = random.Random(seed)
    pools = [known_answers(q) for q in questions]
    return [[write_answer(pool, rnd) for pool in pools] for _ in range(students)]


# the store -------------------------------------------------------------------
def grade_all(scorer, questions, answers: list[list[str]]) -> dict[tuple[str, str], object]:
    """Each distinct (question, answer) graded once, in batches."""
    wanted = list(dict.fromkeys((q, text) for row in answers for q, text in zip(questions, row, strict=True)))
    grades: dict[tuple[str, str], object] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for (question, text), result in zip(chunk, scorer.grade_many(chunk), strict=True):
            grades[(question.id, text)] = result
    return grades


def fill(store, questions, answers: list[list[str]], grades) -> None:
    """One exam session per student, stored as ``exam grade`` stores it."""
    from quizzer.store import NewResponse, confidence_of

    plan = [{"number": n, "label": str(n), "question_id": q.id, "marks": q.marks, "family": None, "seed": None}
            for n, q in enumerate(questions, start=1)]
    for student, row in enumerate(answers):
        responses = []
        for position, (question, text) in enumerate(zip(questions, row, strict=True)):
            result = grades[(question.id, text)]
            responses.append(NewResponse(
                position=position, question_id=question.id, content_hash=question.content_hash, answer=text,
                score=result.score, max_score=result.max, criteria=[c.to_json() for c in result.criteria],
                feedback=result.feedback, skipped=not text, **confidence_of(result)))
        store.replace_session(f"s{student:05d}", kind="exam", mode="paper", seed=1, title=EXAM, plan=plan,
                              settings={"exam_title": "Moderation bench"}, responses=responses, now=NOW)


# timing ----------------------------------------------------------------------
def median_time(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: connection pool, stemmer, NumPy
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@dataclass(frozen=True)
class Figures:
    answers: int
    distinct: int
    groups: int
    queued: int
    setup: float
    read: float  # the baseline
    queue: float  # load_queue: the read, then grouping and ordering
    grouping: float  # build_queue alone

    @property
    def ratio(self) -> float:
        return self.queue / self.read

    @property
    def passed(self) -> bool:
        return self.queue < GOAL


def measure(folder: Path, students: int, runs: int, seed: int = 0) -> Figures:
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.moderation.queue import Filters, build_queue, load_queue
    from quizzer.scoring import Scorer
    from quizzer.store import Store
    from quizzer.variants import family_ids

    started = time.perf_counter()
    bank = load_bank(resource_path("questions"), families=family_ids())
    questions = [q for q in bank if q.rubric][:QUESTIONS]
    answers = class_answers(questions, students, seed)
    grades = grade_all(Scorer(bank), questions, answers)
    with Store(f"sqlite:///{folder / 'moderation.sqlite3'}") as store:
        fill(store, questions, answers, grades)
        setup = time.perf_counter() - started
        read = median_time(store.responses, runs)
        everything = store.responses()
        queue = median_time(lambda: load_queue(bank, store, Filters()), runs)
        grouping = median_time(lambda: build_queue(bank, everything, Filters()), runs)
        built = load_queue(bank, store, Filters())
    return Figures(len(everything), len(grades), len(built.groups), built.answers, setup, read, queue, grouping)


def report(f: Figures, runs: int) -> None:
    print(f"answers stored            {f.answers:,}   ({f.distinct:,} distinct, graded by the scorer at set-up)")
    print(f"set-up                    {f.setup:.1f} s   (grading and storing, not timed below)")
    print(f"queue                     {f.groups:,} groups holding {f.queued:,} answers")
    print(f"baseline: one full read   median {f.read:6.3f} s")
    print(f"load_queue                median {f.queue:6.3f} s   ratio {f.ratio:5.2f}x the read   "
          f"(goal < {GOAL:g} s: {'PASS' if f.passed else 'FAIL'})")
    print(f"  grouping and ordering   median {f.grouping:6.3f} s   (build_queue on answers already read)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median of {runs} runs after a warm-up, SQLite; {os.cpu_count()} cores, load average {load:.1f} "
          "(other work on the machine slows every figure: the goal is for a machine at rest)")


def main(argv: Sequence[str] | None = None) -> int:
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # run from the checkout
    args = parse_args(argv)
    if args.folder is not None:
        args.folder.mkdir(parents=True, exist_ok=True)
        (args.folder / "moderation.sqlite3").unlink(missing_ok=True)
        figures = measure(args.folder, args.students, args.runs, args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="quizzer-bench-moderation-") as folder:
            figures = measure(Path(folder), args.students, args.runs, args.seed)
    report(figures, args.runs)
    return 0 if figures.passed else 1


if __name__ == "__main__":
    sys.exit(main())
