"""Spaced repetition and regrading: review states, regrade history, response ratings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from quizzer.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("rating", sa.Integer, nullable=True))
    op.create_table(
        "review_states",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("question_id", sa.String(40), primary_key=True),
        sa.Column("card", sa.JSON, nullable=False),
        sa.Column("due", UTCDateTime, nullable=False),
        sa.Column("stability", sa.Float, nullable=True),
        sa.Column("reviews", sa.Integer, nullable=False),
        sa.Column("last_review", UTCDateTime, nullable=True),
    )
    op.create_index("ix_review_states_due", "review_states", ["due"])
    op.create_table(
        "regrades",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("old_score", sa.Float, nullable=False),
        sa.Column("new_score", sa.Float, nullable=False),
        sa.Column("old_hash", sa.String(40), nullable=False),
        sa.Column("new_hash", sa.String(40), nullable=False),
        sa.Column("old_criteria", sa.JSON, nullable=False),
        sa.Column("regraded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_regrades_response_id", "regrades", ["response_id"])


def downgrade() -> None:
    op.drop_table("regrades")
    op.drop_table("review_states")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("rating")
