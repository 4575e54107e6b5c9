"""survey addressees at close: where each addressee stood when the survey closed

- `survey_addressees.membership_at_close`: None while the survey is open (the addressee's
  current membership counts); once it closes, the id of their membership of the class then, or
  0 if they had left it by then. A member leaving, being removed or rejoining after the close
  changes nothing in the survey's 回收率, counts, lists, chart or exports.

Surveys already closed before this revision are frozen as their classes stand now (the leaves
before this revision were not recorded).

Revision ID: 0010_survey_addressees_at_close
Revises: 0006_survey_addressees
Create Date: 2026-12-07 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_survey_addressees_at_close"
down_revision: str | Sequence[str] | None = "0006_survey_addressees"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_addressees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("membership_at_close", sa.Integer(), nullable=True))
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    surveys = sa.table("surveys", sa.column("id"), sa.column("class_id"), sa.column("status"))
    memberships = sa.table(
        "memberships", sa.column("id"), sa.column("class_id"), sa.column("user_id")
    )
    addressees = sa.table(
        "survey_addressees",
        sa.column("survey_id"),
        sa.column("user_id"),
        sa.column("membership_at_close"),
    )
    membership_now = (
        sa.select(memberships.c.id)
        .select_from(memberships.join(surveys, surveys.c.class_id == memberships.c.class_id))
        .where(
            surveys.c.id == addressees.c.survey_id,
            memberships.c.user_id == addressees.c.user_id,
        )
        .correlate(addressees)
        .scalar_subquery()
    )
    closed = sa.select(surveys.c.id).where(surveys.c.status == "closed")
    connection.execute(
        addressees.update()
        .where(addressees.c.survey_id.in_(closed))
        .values(membership_at_close=sa.func.coalesce(membership_now, 0))
    )


def downgrade() -> None:
    with op.batch_alter_table("survey_addressees", schema=None) as batch_op:
        batch_op.drop_column("membership_at_close")
