"""Revision 0010_survey_addressees_at_close on SQLite and PostgreSQL (QA17 F1): a survey closed
before it is frozen as its class stands at the upgrade (a member: their membership id; someone
no longer in the class: 0), an open survey is not (None); downgrading drops the column."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session

import bot.db.all_models  # noqa: F401
from bot.db.models import Membership, TrainingClass, User, utcnow
from bot.db.session import alembic_config, make_engine, upgrade
from tests.migrations import upgrade_all_but

REVISION = "0010_survey_addressees_at_close"
STAYS, LEFT = 1, 2


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Every other feature at its head, the surveys' branch just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but(engine, branch_of=REVISION, to="0006_survey_addressees")
    yield engine
    engine.dispose()


def test_closed_surveys_are_frozen_at_the_upgrade(engine: Engine) -> None:
    now = utcnow()
    with Session(engine) as session:
        session.add_all([User(id=STAYS, first_name="留"), User(id=LEFT, first_name="走")])
        session.add(User(id=500, first_name="班主任"))
        session.flush()
        cls = TrainingClass(name="语文一班", manager_id=500, join_code="ABCDEFGH")
        session.add(cls)
        session.flush()
        membership = Membership(class_id=cls.id, user_id=STAYS)
        session.add(membership)
        session.flush()
        class_id, membership_id = cls.id, membership.id
        session.commit()
    with engine.begin() as connection:
        for survey_id, status in ((1, "closed"), (2, "open")):
            connection.execute(
                text(
                    "INSERT INTO surveys (id, class_id, template_key, title, description,"
                    " anonymous, created_by, status, created_at, closes_at)"
                    " VALUES (:id, :cls, :key, '反馈', '', false, 500, :status, :at, :closes)"
                ),
                {
                    "id": survey_id,
                    "cls": class_id,
                    "key": f"t{survey_id}",
                    "status": status,
                    "at": now - timedelta(days=1),
                    "closes": now + timedelta(days=1),
                },
            )
            for user_id in (STAYS, LEFT):
                connection.execute(
                    text("INSERT INTO survey_addressees (survey_id, user_id) VALUES (:s, :u)"),
                    {"s": survey_id, "u": user_id},
                )

    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT survey_id, user_id, membership_at_close FROM survey_addressees")
        )
        frozen = {(s, u): m for s, u, m in rows}
    assert frozen == {(1, STAYS): membership_id, (1, LEFT): 0, (2, STAYS): None, (2, LEFT): None}

    command.downgrade(alembic_config(engine), "0006_survey_addressees")
    columns = {c["name"] for c in inspect(engine).get_columns("survey_addressees")}
    assert columns == {"survey_id", "user_id"}
