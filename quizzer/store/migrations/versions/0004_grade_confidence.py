"""Grades say how sure they are: confidence and review reasons on each response.

The scorer reports, with every free-text grade, a confidence from 0 to 1 and the
reasons it doubts the mark, so that a teacher can check the doubtful ones first.
Answers stored before this revision have neither (NULL): nobody asked the scorer
then, and a regrade fills them in.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("confidence", sa.Float, nullable=True))
        batch.add_column(sa.Column("review_reasons", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("review_reasons")
        batch.drop_column("confidence")
