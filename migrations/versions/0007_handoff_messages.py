"""handoff messages: the Telegram id of each 问班主任 message a manager got

Once the question is answered (by any manager, from /unanswered or from such a message), every
one of them is edited to lose its buttons. Rows from before this revision have no id: those
messages are left as they are.

Revision ID: 0007_handoff_messages
Revises: 0002_questions
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_handoff_messages"
down_revision: str | Sequence[str] | None = "0002_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_handoffs", schema=None) as batch_op:
        batch_op.drop_column("message_id")
