"""Revision 0009_question_dismissals on SQLite and PostgreSQL: a question stored before it is
not dismissed (it still waits in /unanswered), can be dismissed and restored afterwards, and
downgrading removes the two columns again. What the bot does with them through a restart:
tests/e2e/test_unanswered_dismiss.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from bot.db import crud, question_crud
from bot.db.models import utcnow
from bot.db.session import alembic_config, make_engine, upgrade
from tests.questions.conftest import MANAGER, TRAINEE
from tests.questions.test_handoff_copies import upgrade_all_but_questions

ASKED = "双色球开奖号码"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database at every feature's head, the questions' just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but_questions(engine, "0008_handoff_memory")
    yield engine
    engine.dispose()


def test_a_question_from_before_the_revision_waits_and_can_be_dismissed(engine: Engine) -> None:
    names = ["id", "user_id", "chat_id", "question", "answered", "hit_count", "elapsed_ms"]
    questions = sa.table("question_logs", *(sa.column(n) for n in [*names, "created_at"]))
    with Session(engine) as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="王老师")
        crud.upsert_user(session, user_id=TRAINEE, first_name="小李")
        training_class = crud.create_class(session, name="语文一班", manager_id=MANAGER)
        crud.join_class(session, user_id=TRAINEE, class_id=training_class.id)
        old = session.execute(
            questions.insert()
            .values(
                user_id=TRAINEE,
                chat_id=TRAINEE,
                question=ASKED,
                answered=False,
                hit_count=0,
                elapsed_ms=0.0,
                created_at=utcnow(),
            )
            .returning(questions.c.id)
        ).scalar_one()
        session.commit()

    upgrade(engine)

    since = utcnow() - timedelta(days=1)
    with Session(engine) as session:
        log = question_crud.get_question(session, question_id=old)
        assert log is not None and log.dismissed_at is None and log.dismissed_by is None
        (waiting,) = question_crud.unanswered_for(session, manager_id=MANAGER, since=since)
        assert waiting.id == old
        assert question_crud.dismiss_question(session, question_id=old, manager_id=MANAGER)
        assert question_crud.unanswered_for(session, manager_id=MANAGER, since=since) == []
        assert question_crud.restore_dismissed(session, question_id=old) == 1
        assert len(question_crud.unanswered_for(session, manager_id=MANAGER, since=since)) == 1
    command.downgrade(alembic_config(engine), "0009_question_dismissals-1")
    columns = {c["name"] for c in inspect(engine).get_columns("question_logs")}
    assert "dismissed_at" not in columns and "dismissed_by" not in columns
    assert "answer_undelivered_at" in columns
