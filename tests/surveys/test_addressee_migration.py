"""Revision 0006_survey_addressees on SQLite and PostgreSQL: surveys sent before it get as
addressees those their invitation was delivered to (even if they left since), the members who
had joined before it was sent (a blocked one got no delivery), and anyone with an answer sheet;
not a member who joined later without answering. Downgrading drops the table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, column, insert, inspect, select, table
from sqlmodel import Session

import bot.db.all_models  # noqa: F401
from bot.db.models import Membership, TrainingClass, User, utcnow
from bot.db.reminder_models import Broadcast, BroadcastDelivery
from bot.db.session import alembic_config, make_engine, upgrade
from bot.db.survey_models import Survey, SurveyAddressee, SurveyResponse
from tests.migrations import upgrade_all_but

SENT = utcnow() - timedelta(days=2)
BEFORE, BLOCKED, LEFT, LATE_ANSWERED, LATE = 1, 2, 3, 4, 5


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    # every other feature's head (whatever revisions they have added), surveys before this one
    upgrade_all_but(engine, branch_of="0006_survey_addressees", to="0004_surveys")
    yield engine
    engine.dispose()


def insert_as_stored(session: Session, survey: Survey) -> int:
    """Insert the survey with only the columns its table has at this revision (columns added
    by later revisions, such as send_token, do not exist yet); returns its id."""
    present = {c["name"] for c in inspect(session.connection()).get_columns("surveys")}
    values = {
        c.name: getattr(survey, c.name)
        for c in Survey.__table__.columns
        if c.name in present and c.name != "id" and getattr(survey, c.name) is not None
    }
    stored = table("surveys", *(column(name) for name in values), column("id"))
    session.execute(insert(stored).values(**values))
    return session.execute(
        select(stored.c.id).where(stored.c.class_id == survey.class_id)
    ).scalar_one()


def seed_before_upgrade(engine: Engine) -> tuple[int, int]:
    """Two surveys as the bot stored them before the revision; returns their ids."""
    with Session(engine) as session:
        session.add_all(User(id=i, first_name=f"学员{i}") for i in range(1, 6))
        session.add(User(id=500, first_name="班主任"))
        session.flush()
        cls = TrainingClass(name="语文一班", manager_id=500, join_code="ABCDEFGH")
        other = TrainingClass(name="数学班", manager_id=500, join_code="HGFEDCBA")
        session.add_all([cls, other])
        session.flush()
        late = SENT + timedelta(hours=1)
        session.add_all(
            [
                Membership(class_id=cls.id, user_id=BEFORE, joined_at=SENT - timedelta(days=1)),
                Membership(
                    class_id=cls.id,
                    user_id=BLOCKED,
                    joined_at=SENT - timedelta(days=1),
                    blocked=True,
                ),
                Membership(class_id=cls.id, user_id=LATE_ANSWERED, joined_at=late),
                Membership(class_id=cls.id, user_id=LATE, joined_at=late),
                Membership(class_id=other.id, user_id=LATE, joined_at=SENT - timedelta(days=1)),
            ]
        )
        first, second = (
            insert_as_stored(
                session,
                Survey(
                    class_id=class_id,
                    template_key="t",
                    title="反馈",
                    created_by=500,
                    created_at=SENT,
                    closes_at=SENT + timedelta(days=3),
                ),
            )
            for class_id in (cls.id, other.id)
        )
        # the first survey's invitation (and a later nudge) went through the broadcaster;
        # the second one's was never queued
        for label in ("📝 开始填写", "📝 继续填写"):
            broadcast = Broadcast(
                class_id=cls.id,
                created_by=500,
                kind="survey",
                text="📋 反馈",
                buttons=[[{"text": label, "data": f"sv:1:s:{first}", "url": None}]],
            )
            session.add(broadcast)
            session.flush()
            invited = (BEFORE, LEFT) if label == "📝 开始填写" else (BEFORE,)
            session.add_all(
                BroadcastDelivery(broadcast_id=broadcast.id, user_id=u, status="sent")
                for u in invited
            )
        session.add(
            Broadcast(
                class_id=cls.id,
                created_by=500,
                kind="broadcast",
                text="通知",
                buttons=[[{"text": "x", "data": "sv:1:s:999", "url": None}]],
            )
        )
        session.add(SurveyResponse(survey_id=first, user_id=LATE_ANSWERED))
        session.commit()
        return first, second


def test_surveys_sent_before_get_the_addressees_the_data_recorded(engine: Engine) -> None:
    first, second = seed_before_upgrade(engine)
    upgrade(engine)
    with Session(engine) as session:

        def addressees(survey_id: int) -> list[int]:
            statement = select(SurveyAddressee.user_id).where(
                SurveyAddressee.survey_id == survey_id
            )
            return sorted(session.execute(statement).scalars())

        assert addressees(first) == [BEFORE, BLOCKED, LEFT, LATE_ANSWERED]
        assert addressees(second) == [LATE]  # a member of 数学班 before it was sent
    from alembic import command

    command.downgrade(alembic_config(engine), "0006_survey_addressees-1")
    assert "survey_addressees" not in inspect(engine).get_table_names()
