"""survey send token: one confirmation sends one survey, not one deadline

- `surveys.send_token`: the token of the 「✅ 确认发送」 that sent the survey (made when the
  confirmation was shown, carried in the button's data). The duplicate check is now
  (class, template, closing time, token): a double tap or replay of the same confirmation is
  refused, and a second /survey run of the same template to the same class with the same
  deadline (two course sessions a day) is a new survey.

Surveys sent before this revision get "" (as does a confirmation shown before it, which has no
token): for those the closing time alone still tells a double tap, as before.

Revision ID: 0011_survey_send_token
Revises: 0010_survey_addressees_at_close
Create Date: 2026-12-07 05:40:00.000000
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0011_survey_send_token"
down_revision: str | Sequence[str] | None = "0010_survey_addressees_at_close"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("send_token", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.drop_constraint("uq_survey_dedupe", type_="unique")
        batch_op.create_unique_constraint(
            "uq_survey_confirmation", ["class_id", "template_key", "closes_at", "send_token"]
        )


def downgrade() -> None:
    """Back to one survey per (class, template, closing time): of surveys that share one, the
    first keeps it and the later ones close a minute after it (so the old check holds)."""
    connection = op.get_bind()
    surveys = sa.table(
        "surveys",
        sa.column("id"),
        sa.column("class_id"),
        sa.column("template_key"),
        sa.column("closes_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(
        sa.select(
            surveys.c.id, surveys.c.class_id, surveys.c.template_key, surveys.c.closes_at
        ).order_by(surveys.c.id)
    ).all()
    taken: set[tuple] = set()
    for survey_id, class_id, key, closes_at in rows:
        when = closes_at
        while (class_id, key, when) in taken:
            when = when + timedelta(minutes=1)
        taken.add((class_id, key, when))
        if when != closes_at:
            connection.execute(
                surveys.update().where(surveys.c.id == survey_id).values(closes_at=when)
            )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_survey_confirmation", type_="unique")
        batch_op.create_unique_constraint(
            "uq_survey_dedupe", ["class_id", "template_key", "closes_at"]
        )
        batch_op.drop_column("send_token")
