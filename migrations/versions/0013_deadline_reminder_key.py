"""deadline reminder key: a deadline's class reminder is set once, across processes

- `reminders.dedup_key`: set only for a reminder made from a deadline (/deadlines
  「⏰ 设为提醒」): its class, text, time and lead days. A unique index over it, partial to the
  active reminders, lets the database refuse a second copy even when two bot processes share
  it; a cancelled, done or missed one does not block setting it again.

Rows from before this revision get None (as /remind reminders do): NULLs never collide.

Revision ID: 0013_deadline_reminder_key
Revises: 0006_broadcast_text
Create Date: 2026-12-07 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_deadline_reminder_key"
down_revision: str | Sequence[str] | None = "0006_broadcast_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedup_key", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_reminder_dedup_key",
        "reminders",
        ["dedup_key"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_reminder_dedup_key", table_name="reminders")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("dedup_key")
