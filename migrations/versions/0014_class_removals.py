"""class removals: a member a manager removed stays out; a class's join code can be replaced

- `class_removals`: a member whom the class's manager removed (👥 成员 → 移出). The class's
  join code no longer lets them back in; the manager's 「↩️ 允许重新加入」 deletes the row.
  `rejoin_asked_at`: when they first tried the code again (the manager is told that once).
- `retired_join_codes`: a join code the manager replaced (「🔄 更换加入码」); it joins nobody and
  tells whoever uses it that it expired.

Removals made before this revision were not recorded: those members may rejoin, as before.

Revision ID: 0014_class_removals
Revises: 0001_core
Create Date: 2026-12-07 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014_class_removals"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "class_removals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("removed_by", sa.BigInteger(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rejoin_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["class_id"], ["training_classes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("class_id", "user_id", name="uq_class_removal"),
    )
    with op.batch_alter_table("class_removals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_removals_class_id"), ["class_id"])
        batch_op.create_index(batch_op.f("ix_class_removals_user_id"), ["user_id"])
    op.create_table(
        "retired_join_codes",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["training_classes.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("retired_join_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retired_join_codes_class_id"), ["class_id"])


def downgrade() -> None:
    with op.batch_alter_table("retired_join_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_join_codes_class_id"))
    op.drop_table("retired_join_codes")
    with op.batch_alter_table("class_removals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_removals_user_id"))
        batch_op.drop_index(batch_op.f("ix_class_removals_class_id"))
    op.drop_table("class_removals")
