"""Revision 0012_answer_first_author on SQLite and PostgreSQL: a question answered before it
keeps its answer, and its first author is read as whoever answered it; another manager's
supplement stored afterwards keeps that author (what ⭐ signs the saved answer with), and
downgrading removes the column again. What the bot does with it: test_qa19_curated_authors."""

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

LI_QIANG = 502
ASKED = "今天北京天气怎么样"
HERS = "请关注天气预报。"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database at every feature's head, the questions' just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but_questions(engine, "0009_question_dismissals")
    yield engine
    engine.dispose()


def test_an_answer_from_before_the_revision_keeps_its_author(engine: Engine) -> None:
    names = ["id", "user_id", "chat_id", "question", "answered", "hit_count", "elapsed_ms"]
    extra = ["created_at", "manager_answer", "answered_by", "manager_answered_at"]
    questions = sa.table("question_logs", *(sa.column(n) for n in [*names, *extra]))
    answered_at = utcnow() - timedelta(hours=1)
    with Session(engine) as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="王芳")
        crud.upsert_user(session, user_id=TRAINEE, first_name="小李")
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
                manager_answer=HERS,
                answered_by=MANAGER,
                manager_answered_at=answered_at,
            )
            .returning(questions.c.id)
        ).scalar_one()
        session.commit()

    upgrade(engine)

    with Session(engine) as session:
        log = question_crud.get_question(session, question_id=old)
        assert log is not None and log.first_answered_by is None
        assert question_crud.first_author(log) == MANAGER
        assert question_crud.answer_unless_overtaken(
            session,
            question_id=old,
            manager_id=LI_QIANG,
            answer="下雨照常上课。",
            since=utcnow(),
            heading="李强老师补充：",
        )
    with Session(engine) as session:
        log = question_crud.get_question(session, question_id=old)
        assert log is not None
        assert log.manager_answer == f"{HERS}\n\n李强老师补充：下雨照常上课。"
        assert (log.answered_by, question_crud.first_author(log)) == (LI_QIANG, MANAGER)
    command.downgrade(alembic_config(engine), "0012_answer_first_author-1")
    columns = {c["name"] for c in inspect(engine).get_columns("question_logs")}
    assert "first_answered_by" not in columns and "dismissed_at" in columns
