"""broadcast reports: when the final report reached the manager

Revision ID: 0005_broadcast_reports
Revises: 0003_reminders
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_broadcast_reports"
down_revision: str | Sequence[str] | None = "0003_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
    # Broadcasts finished before this revision are taken as reported: the bot must not send
    # their managers old reports again at the first start after the upgrade.
    op.execute(
        "UPDATE broadcasts SET reported_at = COALESCE(finished_at, created_at) "
        "WHERE status = 'done'"
    )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("reported_at")
