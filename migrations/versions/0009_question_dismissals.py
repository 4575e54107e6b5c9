"""question dismissals: a waiting question a manager set aside with 「🗑 忽略」 in /unanswered

- `question_logs.dismissed_at`: when it was set aside (None: not dismissed, as every row from
  before this revision); such a question leaves every manager's and admin's /unanswered, and
  nothing is sent to the trainee. The question's repeats (asked again by the same trainee)
  dismissed with it share the time, which is what 「↩️ 撤销忽略」 restores.
- `question_logs.dismissed_by`: the manager (or admin) who set it aside.

Revision ID: 0009_question_dismissals
Revises: 0008_handoff_memory
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_question_dismissals"
down_revision: str | Sequence[str] | None = "0008_handoff_memory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dismissed_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_logs", schema=None) as batch_op:
        batch_op.drop_column("dismissed_by")
        batch_op.drop_column("dismissed_at")
