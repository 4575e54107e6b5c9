"""Revision 0011_survey_send_token on SQLite and PostgreSQL (QA18 F6): surveys sent before it
get the empty token (a confirmation shown before tokens still tells its double tap by the
closing time); afterwards two surveys of one template to one class with one closing time are
allowed when their tokens differ, and the same token twice is refused by the database.
Downgrading restores (class, template, closing time) as unique: of surveys sharing one, the
later close a minute after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import bot.db.all_models  # noqa: F401
from bot.db.models import TrainingClass, User, utcnow
from bot.db.session import alembic_config, make_engine, upgrade
from tests.migrations import upgrade_all_but

REVISION = "0011_survey_send_token"
BEFORE = "0010_survey_addressees_at_close"
INSERT = text(
    "INSERT INTO surveys (id, class_id, template_key, title, description, anonymous,"
    " created_by, status, created_at, closes_at{token})"
    " VALUES (:id, :cls, 'course_feedback', '反馈', '', false, 500, 'open', :at, :closes{value})"
)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Every other feature at its head, the surveys' branch just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but(engine, branch_of=REVISION, to=BEFORE)
    yield engine
    engine.dispose()


def a_class(engine: Engine) -> int:
    with Session(engine) as session:
        session.add(User(id=500, first_name="班主任"))
        session.flush()
        cls = TrainingClass(name="云南乡村班", manager_id=500, join_code="ABCDEFGH")
        session.add(cls)
        session.commit()
        return cls.id  # type: ignore[return-value]


def add(
    engine: Engine, survey_id: int, class_id: int, closes: object, token: str | None = None
) -> None:
    statement = INSERT.text.format(
        token="" if token is None else ", send_token", value="" if token is None else ", :token"
    )
    with engine.begin() as connection:
        connection.execute(
            text(statement),
            {
                "id": survey_id,
                "cls": class_id,
                "at": utcnow(),
                "closes": closes,
                "token": token,
            },
        )


def test_up_and_down(engine: Engine) -> None:
    class_id = a_class(engine)
    closes = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    add(engine, 1, class_id, closes)
    with pytest.raises(IntegrityError):  # before: one survey per deadline
        add(engine, 2, class_id, closes)

    upgrade(engine)
    with engine.connect() as connection:
        tokens = dict(connection.execute(text("SELECT id, send_token FROM surveys")).all())
    assert tokens == {1: ""}
    add(engine, 2, class_id, closes, token="Ab3xYz")  # a second /survey run: a new survey
    add(engine, 3, class_id, closes, token="Qw7rTy")
    with pytest.raises(IntegrityError):  # the same confirmation twice
        add(engine, 4, class_id, closes, token="Ab3xYz")
    with pytest.raises(IntegrityError):  # a pre-token confirmation twice
        add(engine, 4, class_id, closes, token="")

    command.downgrade(alembic_config(engine), BEFORE)
    columns = {c["name"] for c in inspect(engine).get_columns("surveys")}
    assert "send_token" not in columns
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, closes_at FROM surveys ORDER BY id")).all()
    assert [r[0] for r in rows] == [1, 2, 3]
    assert len({r[1] for r in rows}) == 3  # no two share a deadline any more
    with pytest.raises(IntegrityError):  # the old check is back
        add(engine, 4, class_id, rows[0][1])

    upgrade(engine)  # and up again
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM surveys")).scalar_one() == 3
