"""handoff memory: an answer that did not reach the trainee, and saved answers declined

Both used to live only in the bot's memory, so a restart brought back the old behaviour: a
manager's answer the trainee never got was held against the next one (which was then headed
「补充回复」), and a saved answer declined with 「不发了」 was sent by its 📨 after all.

- `question_logs.answer_undelivered_at`: the `manager_answered_at` of an answer that did not
  reach a trainee who had none before it (while the two are equal, the next answer replaces it).
- `declined_curated_offers`: one row per 「不发了」 under a saved answer held back.

Rows from before this revision have neither: such answers count as delivered, as after a
restart before.

Revision ID: 0008_handoff_memory
Revises: 0007_handoff_messages
Create Date: 2026-12-06 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_handoff_memory"
down_revision: str | Sequence[str] | None = "0007_handoff_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_logs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answer_undelivered_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "declined_curated_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.BigInteger(), nullable=False),
        sa.Column("curated_id", sa.Integer(), nullable=False),
        sa.Column("answer_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["curated_id"], ["curated_answers.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question_logs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("declined_curated_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declined_curated_offers_question_id"), ["question_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("declined_curated_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declined_curated_offers_question_id"))
    op.drop_table("declined_curated_offers")
    with op.batch_alter_table("question_logs", schema=None) as batch_op:
        batch_op.drop_column("answer_undelivered_at")
