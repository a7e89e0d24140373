"""Reports: one row per rubric criterion marked, and indexes for aggregating in SQL.

The per-criterion result of each response is also kept as JSON on the response
(what the student saw); reports need to count missed criteria and misconceptions
over a whole class, which SQL can only do fast over a table of its own. Existing
responses are copied in, so a database from an older version reports its history.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

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
    )
    op.create_index("ix_criterion_results_response", "criterion_results", ["response_id"])
    op.create_index("ix_criterion_results_user", "criterion_results", ["user_id", "question_id", "criterion_id"])
    op.create_index("ix_criterion_results_item", "criterion_results", ["question_id", "criterion_id"])
    op.create_index("ix_responses_user_question", "responses", ["user_id", "question_id", "created_at"])
    op.create_index("ix_quiz_sessions_exam", "quiz_sessions", ["kind", "title"])
    _copy_existing()


def _copy_existing() -> None:
    connection = op.get_bind()
    responses = sa.table("responses", sa.column("id"), sa.column("user_id"), sa.column("question_id"),
                         sa.column("criteria"))
    results = sa.table("criterion_results", sa.column("response_id"), sa.column("user_id"),
                       sa.column("question_id"), sa.column("criterion_id"), sa.column("awarded"),
                       sa.column("max_marks"), sa.column("misconception"))
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
                              "max_marks": float(c.get("max", 0)), "misconception": c.get("misconception") or None})
        if batch:
            connection.execute(results.insert(), batch)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_quiz_sessions_exam", "quiz_sessions")
    op.drop_index("ix_responses_user_question", "responses")
    op.drop_table("criterion_results")
