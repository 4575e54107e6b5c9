"""handled updates: an update handled before a crash is not handled again after the restart

- `handled_updates`: the ids of the Telegram updates the bot handled and answered. Long
  polling confirms an update only at the next getUpdates, so one handled just before a crash
  comes back after the restart; the bot skips it instead of answering it twice. Rows older
  than two days are pruned now and then (Telegram keeps an update 24 hours).

Revision ID: 0015_handled_updates
Revises: 0001_core
Create Date: 2026-12-07 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_handled_updates"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handled_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )


def downgrade() -> None:
    op.drop_table("handled_updates")
