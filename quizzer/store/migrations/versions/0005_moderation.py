"""Moderation: a teacher's mark replaces the scorer's, and the scorer's stays on record.

``overrides`` keeps every decision a teacher made about one response: who, when,
the marks before and after, the comment for the student, and what the scorer
itself had given (so that agreement between teachers and the scorer can be
measured). An undone override stays in the table with ``undone_at`` set.
``responses.override_id`` names the override in force, NULL when the mark is
the scorer's; a regrade never touches a response that has one. Existing
responses have none.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("moderator", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("old_score", sa.Float, nullable=False),
        sa.Column("new_score", sa.Float, nullable=False),
        sa.Column("old_criteria", sa.JSON, nullable=False),
        sa.Column("new_criteria", sa.JSON, nullable=False),
        sa.Column("scorer_score", sa.Float, nullable=False),
        sa.Column("scorer_criteria", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("previous_id", sa.Integer, nullable=True),
        sa.Column("undone_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_overrides_response", "overrides", ["response_id"])
    op.create_index("ix_overrides_question", "overrides", ["question_id"])
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("override_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("override_id")
    op.drop_index("ix_overrides_question", "overrides")
    op.drop_index("ix_overrides_response", "overrides")
    op.drop_table("overrides")
