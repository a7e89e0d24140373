"""The running summaries against a rebuild from the answers, for the tests that
write answers in many ways (quizzes, regrades, exams, teachers at once)."""

from __future__ import annotations

from datetime import datetime


def snapshot(db, seconds: bool = True) -> dict[str, list]:
    """Every summary row (without ids), and each session's running totals;
    ``seconds=False`` leaves out a session's time total, whose float sum depends
    on the order concurrent writers added to it."""
    from quizzer.store.models import CriterionProgress, MisconceptionCount, QuestionProgress, QuizSession

    tables = {}
    for model in (QuestionProgress, CriterionProgress, MisconceptionCount):
        table = model.__table__
        columns = [c for c in table.c if c.name != "id"]
        tables[table.name] = sorted(tuple(str(v) if isinstance(v, datetime) else v for v in row)
                                    for row in db.execute(table.select().with_only_columns(*columns)))
    s = QuizSession.__table__
    totals = [s.c.id, s.c.answers, s.c.score, s.c.max_score] + ([s.c.seconds] if seconds else [])
    tables["sessions"] = sorted(db.execute(s.select().with_only_columns(*totals)).all())
    return tables


def before_and_after_a_rebuild(store, seconds: bool = True) -> tuple[dict[str, list], dict[str, list]]:
    """The summaries as stored, and as a rebuild from the answers makes them (rolled back)."""
    from quizzer.store import summaries

    with store.engine.connect() as db:
        transaction = db.begin()
        before = snapshot(db, seconds)
        summaries.rebuild(db)
        after = snapshot(db, seconds)
        transaction.rollback()
    return before, after
