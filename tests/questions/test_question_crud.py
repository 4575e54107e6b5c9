"""question_crud on SQLite and PostgreSQL: logging, feedback, handoffs, unanswered, stats."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.db import crud, question_crud
from bot.db.models import utcnow
from bot.db.session import make_engine, upgrade


def test_question_log_lifecycle(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    since = utcnow() - timedelta(days=1)
    with Session(engine, expire_on_commit=False) as session:
        klass = crud.create_class(session, name="一班", manager_id=501)
        crud.join_class(session, user_id=1001, class_id=klass.id)
        hit = dict(
            top_doc_id="d1", top_title="通知甲", top_doc_number="文〔1〕", top_clause="一、"
        )
        good = question_crud.log_question(
            session,
            user_id=1001,
            chat_id=1001,
            question="经费",
            answered=True,
            score=5.0,
            hit_count=3,
            elapsed_ms=1.5,
            **hit,
        )
        question_crud.log_question(
            session, user_id=1001, chat_id=1001, question="学分", answered=True, **hit
        )
        declined = question_crud.log_question(
            session,
            user_id=1001,
            chat_id=1001,
            question="天气",
            answered=False,
            reason="out_of_scope",
        )
        stranger = question_crud.log_question(
            session, user_id=2002, chat_id=2002, question="彩票", answered=False
        )
        question_crud.set_feedback(session, question_id=good.id, feedback="down")

        assert [m.manager_id for m in question_crud.managers_of_member(session, user_id=1001)] == [
            501
        ]
        listed = question_crud.unanswered_for(session, manager_id=501, since=since)
        assert {q.id for q in listed} == {good.id, declined.id}
        everyone = question_crud.unanswered_for(
            session, manager_id=900, since=since, everyone=True
        )
        assert stranger.id in {q.id for q in everyone}

        assert question_crud.may_answer(session, manager_id=501, question=declined, admin=False)
        assert not question_crud.may_answer(
            session, manager_id=777, question=declined, admin=False
        )
        question_crud.record_handoff(
            session, question_id=stranger.id, deliveries=[(777, None, True)]
        )
        assert question_crud.may_answer(session, manager_id=777, question=stranger, admin=False)

        question_crud.save_manager_answer(
            session, question_id=declined.id, manager_id=501, answer="照常上课"
        )
        assert declined.id not in {
            q.id for q in question_crud.unanswered_for(session, manager_id=501, since=since)
        }
        first = question_crud.add_curated(session, question="天气", answer="旧", created_by=501)
        second = question_crud.add_curated(session, question="天气", answer="新", created_by=501)
        assert question_crud.curated_pairs(session) == [(second.id, "天气", "新")]
        assert first.id != second.id

        stats = question_crud.question_stats(session, since=since)
        assert (stats.total, stats.answered, stats.declined) == (4, 2, 2)
        assert stats.thumbs_down == 1 and stats.thumbs_down_rate == 0.5
        assert stats.handed_off == 1 and stats.manager_answered == 1
        assert stats.top_clauses == [("通知甲", "文〔1〕", "一、", 2)]
        assert stats.top_notices == [("通知甲", "文〔1〕", 2)]
    engine.dispose()
