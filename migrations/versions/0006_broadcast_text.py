"""broadcast text: no length limit in the database

A broadcast's stored HTML is longer than what Telegram counts (its visible text, at most
4,096 UTF-16 units, checked before storing) by its links' addresses and escapes: a notice with
hidden links or many `&` did not fit PostgreSQL's varchar(4096).

Revision ID: 0006_broadcast_text
Revises: 0005_broadcast_reports
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_broadcast_text"
down_revision: str | Sequence[str] | None = "0005_broadcast_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.alter_column(
            "text", existing_type=sa.String(length=4096), type_=sa.Text(), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.alter_column(
            "text", existing_type=sa.Text(), type_=sa.String(length=4096), existing_nullable=False
        )
