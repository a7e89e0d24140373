"""Realistic synthetic data for the progress store, for benchmarks and demos.

``fill(url, bank, users=1000, responses=1_000_000, seed=0, now=...)`` writes a
class of students who practise over 90 days and sit two exams, with answers
marked consistently with the bank's rubrics and variant families, review cards
scheduled by FSRS, and ids in time order, deterministically for a seed.
``bench/fill_store.py`` is the command-line front end. It lives beside the
benchmarks, not in the package: only they, the tests and ``docs/screenshots.py``
need it, and it writes through the store's public bulk loader.

The modules follow the data: ``course`` (the bank as arrays, with
difficulties), ``people`` (names and abilities), ``numeric`` (variant answers
marked by the real checker), ``sessions`` (quiz and exam plans), ``timeline``
(when), ``outcomes`` (marks, answers, feedback, ratings), ``cards`` (FSRS),
``rows`` (ids and stored values), written by ``Store.bulk_load``
(``quizzer/store/bulk.py``: COPY or Core inserts, then the store's own
``summaries.rebuild``, in the same transaction).
"""

from .fill import FillSummary, fill

__all__ = ["FillSummary", "fill"]
