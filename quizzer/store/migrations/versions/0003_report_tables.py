"""Reports: per-criterion rows, running summaries per student, and their indexes.

The per-criterion result of each response is also kept as JSON on the response
(what the student saw); reports of one exam count missed criteria and
misconceptions over its answers, which SQL can only do over a table of its own.
Reports over all practice read running summaries instead (see
``quizzer/store/summaries.py``). Existing responses are copied in and summarised,
so a database from an older version reports its whole history.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

from quizzer.store.models import UTCDateTime, misconception_parts
from quizzer.store.summaries import rebuild

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade() -> None:
    op.create_table(
        "criterion_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("criterion_id", sa.String(80), nullable=False),
        sa.Column("awarded", sa.Float, nullable=False),
        sa.Column("max_marks", sa.Float, nullable=False),
        sa.Column("misconception", sa.Text, nullable=True),
        sa.Column("phrase", sa.Text, nullable=True),
    )
    op.create_index("ix_criterion_results_response", "criterion_results", ["response_id"])
    op.create_index("ix_criterion_results_user", "criterion_results", ["user_id", "question_id", "criterion_id"])
    op.create_index("ix_criterion_results_item", "criterion_results", ["question_id", "criterion_id"])
    op.create_index("ix_responses_user_question", "responses", ["user_id", "question_id", "created_at"])
    op.create_index("ix_quiz_sessions_exam", "quiz_sessions", ["kind", "title"])
    with op.batch_alter_table("quiz_sessions") as batch:
        batch.add_column(sa.Column("answers", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("score", sa.Float, nullable=False, server_default="0"))
        batch.add_column(sa.Column("max_score", sa.Float, nullable=False, server_default="0"))
        batch.add_column(sa.Column("seconds", sa.Float, nullable=False, server_default="0"))
    op.create_index("ix_quiz_sessions_user_answers", "quiz_sessions", ["user_id", "answers"])
    op.create_table(
        "question_progress",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("question_id", sa.String(40), primary_key=True),
        sa.Column("family", sa.String(60), primary_key=True),
        sa.Column("answers", sa.Integer, nullable=False),
        sa.Column("full", sa.Integer, nullable=False),
        sa.Column("zero", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("best", sa.Float, nullable=False),
        sa.Column("latest_id", sa.Integer, nullable=False),
        sa.Column("first_at", UTCDateTime, nullable=False),
        sa.Column("r1", sa.Float, nullable=False),
        sa.Column("t1", UTCDateTime, nullable=False),
        sa.Column("r2", sa.Float, nullable=True),
        sa.Column("t2", UTCDateTime, nullable=True),
        sa.Column("r3", sa.Float, nullable=True),
        sa.Column("t3", UTCDateTime, nullable=True),
        sa.Column("i2", sa.Integer, nullable=True),
        sa.Column("i3", sa.Integer, nullable=True),
    )
    op.create_table(
        "criterion_progress",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("question_id", sa.String(40), primary_key=True),
        sa.Column("criterion_id", sa.String(80), primary_key=True),
        sa.Column("marked", sa.Integer, nullable=False),
        sa.Column("missed", sa.Integer, nullable=False),
        sa.Column("awarded", sa.Float, nullable=False),
        sa.Column("max_marks", sa.Float, nullable=False),
    )
    op.create_table(
        "misconception_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("criterion_id", sa.String(80), nullable=False),
        sa.Column("phrase", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("words", sa.Text, nullable=False),
    )
    op.create_index("ix_misconception_counts_key", "misconception_counts",
                    ["user_id", "question_id", "criterion_id", "phrase"], unique=True)
    _copy_existing()
    rebuild(op.get_bind())


def _copy_existing() -> None:
    connection = op.get_bind()
    responses = sa.table("responses", sa.column("id"), sa.column("user_id"), sa.column("question_id"),
                         sa.column("criteria"))
    results = sa.table("criterion_results", sa.column("response_id"), sa.column("user_id"),
                       sa.column("question_id"), sa.column("criterion_id"), sa.column("awarded"),
                       sa.column("max_marks"), sa.column("misconception"), sa.column("phrase"))
    last = 0
    while True:
        rows = connection.execute(sa.select(responses).where(responses.c.id > last)
                                  .order_by(responses.c.id).limit(BATCH)).all()
        if not rows:
            return
        batch = []
        for row in rows:
            criteria = row.criteria if not isinstance(row.criteria, str) else json.loads(row.criteria)
            for c in criteria or []:
                batch.append({"response_id": row.id, "user_id": row.user_id, "question_id": row.question_id,
                              "criterion_id": str(c.get("id", "")), "awarded": float(c.get("awarded", 0)),
                              "max_marks": float(c.get("max", 0)), "misconception": c.get("misconception") or None,
                              "phrase": misconception_parts(c["misconception"])[0] if c.get("misconception") else None})
        if batch:
            connection.execute(results.insert(), batch)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_table("misconception_counts")
    op.drop_table("criterion_progress")
    op.drop_table("question_progress")
    op.drop_index("ix_quiz_sessions_user_answers", "quiz_sessions")
    with op.batch_alter_table("quiz_sessions") as batch:
        for column in ("seconds", "max_score", "score", "answers"):
            batch.drop_column(column)
    op.drop_index("ix_quiz_sessions_exam", "quiz_sessions")
    op.drop_index("ix_responses_user_question", "responses")
    op.drop_table("criterion_results")
