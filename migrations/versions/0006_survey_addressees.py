"""survey addressees: who a survey was sent to, fixed at sending

Revision ID: 0006_survey_addressees
Revises: 0004_surveys
Create Date: 2026-12-07 10:00:00.000000

Surveys sent before this revision get as addressees: the members their invitation broadcast
was delivered to (its delivery rows: the earliest broadcast of kind 'survey' whose button opens
that survey), the members who joined the class before the survey was sent (those who had
blocked the bot got no delivery row), and everyone who has an answer sheet, so no answer
already given stops counting.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_survey_addressees"
down_revision: str | Sequence[str] | None = "0004_surveys"
branch_labels: str | Sequence[str] | None = None
# the backfill reads the invitation broadcasts and their deliveries
depends_on: str | Sequence[str] | None = "0003_reminders"


def upgrade() -> None:
    op.create_table(
        "survey_addressees",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"]),
        sa.PrimaryKeyConstraint("survey_id", "user_id"),
    )
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    surveys = sa.table("surveys", sa.column("id"), sa.column("class_id"), sa.column("created_at"))
    broadcasts = sa.table(
        "broadcasts", sa.column("id"), sa.column("kind"), sa.column("buttons", sa.JSON)
    )
    deliveries = sa.table("broadcast_deliveries", sa.column("broadcast_id"), sa.column("user_id"))
    responses = sa.table("survey_responses", sa.column("survey_id"), sa.column("user_id"))
    memberships = sa.table(
        "memberships", sa.column("class_id"), sa.column("user_id"), sa.column("joined_at")
    )
    addressees = sa.table("survey_addressees", sa.column("survey_id"), sa.column("user_id"))

    invitation_of: dict[int, int] = {}  # survey id → its earliest 'survey' broadcast
    survey_broadcasts = connection.execute(
        sa.select(broadcasts.c.id, broadcasts.c.buttons)
        .where(broadcasts.c.kind == "survey")
        .order_by(broadcasts.c.id)
    )
    for broadcast_id, buttons in survey_broadcasts:
        for row in buttons or []:
            for button in row or []:
                data = button.get("data") if isinstance(button, dict) else None
                if isinstance(data, str) and data.startswith("sv:1:s:") and data[7:].isdigit():
                    invitation_of.setdefault(int(data[7:]), broadcast_id)

    rows = connection.execute(sa.select(surveys.c.id, surveys.c.class_id, surveys.c.created_at))
    for survey_id, class_id, created_at in list(rows):
        members_then = sa.select(memberships.c.user_id).where(
            memberships.c.class_id == class_id, memberships.c.joined_at <= created_at
        )
        people = {user_id for (user_id,) in connection.execute(members_then)}
        broadcast_id = invitation_of.get(survey_id)
        if broadcast_id is not None:
            invited = sa.select(deliveries.c.user_id).where(
                deliveries.c.broadcast_id == broadcast_id
            )
            people |= {user_id for (user_id,) in connection.execute(invited)}
        people |= {
            user_id
            for (user_id,) in connection.execute(
                sa.select(responses.c.user_id).where(responses.c.survey_id == survey_id)
            )
        }
        if people:
            connection.execute(
                addressees.insert(),
                [{"survey_id": survey_id, "user_id": user_id} for user_id in sorted(people)],
            )


def downgrade() -> None:
    op.drop_table("survey_addressees")
