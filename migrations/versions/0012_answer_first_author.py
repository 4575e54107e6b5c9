"""answer first author: who wrote the start of a manager's answer that others added to

- `question_logs.first_answered_by`: the manager (or admin) whose answer the stored
  `manager_answer` begins with. It differs from `answered_by` (who answered last) once another
  manager's supplement was appended (「李强老师补充：…」), so that 「⭐ 保存为标准答案」 signs
  the saved answer with the name of whoever wrote its first part, and 「已经回答过」 says who
  answered and who added to it (QA19 F4).

Rows from before this revision get None: their first author is read as `answered_by`, as the
bot did before.

Revision ID: 0012_answer_first_author
Revises: 0009_question_dismissals
Create Date: 2026-12-07 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_answer_first_author"
down_revision: str | Sequence[str] | None = "0009_question_dismissals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_answered_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_logs", schema=None) as batch_op:
        batch_op.drop_column("first_answered_by")
