"""Revision 0008_handoff_memory on SQLite and PostgreSQL: a manager's answer stored before it
counts as delivered (the next answer is a supplement, as after a restart before), a decline of
a saved answer is kept once it exists, and downgrading removes both again. What the bot does
with them through a restart: tests/e2e/test_handoff_restart.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from bot.db import question_crud
from bot.db.models import utcnow
from bot.db.session import alembic_config, make_engine, upgrade
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE
from tests.questions.test_handoff_copies import upgrade_all_but_questions

ASKED = "培训期间的住宿费谁出"
ANSWER = "住宿由承训院校统一安排。"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database at every feature's head, the questions' just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but_questions(engine, "0007_handoff_messages")
    yield engine
    engine.dispose()


def test_an_answer_from_before_the_revision_counts_as_delivered(engine: Engine) -> None:
    names = [
        "id",
        "user_id",
        "chat_id",
        "question",
        "answered",
        "hit_count",
        "elapsed_ms",
        "manager_answer",
        "answered_by",
        "manager_answered_at",
        "created_at",
    ]
    questions = sa.table("question_logs", *(sa.column(name) for name in names))
    now = utcnow()
    with Session(engine) as session:  # answered as the bot stored it before the revision
        old = session.execute(
            questions.insert()
            .values(
                user_id=TRAINEE,
                chat_id=TRAINEE,
                question=ASKED,
                answered=False,
                hit_count=0,
                elapsed_ms=0.0,
                manager_answer=ANSWER,
                answered_by=MANAGER,
                manager_answered_at=now,
                created_at=now,
            )
            .returning(questions.c.id)
        ).scalar_one()
        session.commit()

    upgrade(engine)

    with Session(engine) as session:
        log = question_crud.get_question(session, question_id=old)
        assert log is not None and log.manager_answer == ANSWER
        assert log.answer_undelivered_at is None
        assert question_crud.undelivered_answer_at(log) is None
        # From now on a failed delivery is kept, and cleared once one arrives.
        assert question_crud.mark_answer_undelivered(session, question_id=old, manager_id=MANAGER)
        log = question_crud.get_question(session, question_id=old)
        assert log is not None
        assert question_crud.undelivered_answer_at(log) == log.manager_answered_at
        curated = question_crud.add_curated(
            session, question=ASKED, answer=ANSWER, created_by=MANAGER
        )
        assert curated.id is not None
        offer = {"question_id": old, "manager_id": ADMIN, "curated_id": curated.id}
        question_crud.decline_curated_offer(session, answer_seen_at=now, **offer)
        assert question_crud.curated_offer_declined(session, answer_seen_at=now, **offer)
    command.downgrade(alembic_config(engine), "0008_handoff_memory-1")
    assert "declined_curated_offers" not in inspect(engine).get_table_names()
    columns = {c["name"] for c in inspect(engine).get_columns("question_logs")}
    assert "answer_undelivered_at" not in columns and "manager_answered_at" in columns
