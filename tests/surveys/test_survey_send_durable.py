"""QA25 finding 1: a survey's invitations are queued in the commit that creates it, held until
the manager's send report is shown, so a crash between the two loses nothing: the sender's
start-up repair lets held invitations go, once, and a closed survey's are dropped.

Here the handler's own release (`invite` → `deliver`) is the test's recorder, as if the bot
died right after showing 「✅ 已向…发送问卷」: what is left in the database is what a restarted
bot finds (tests/e2e/test_survey_crash.py runs the crash itself on the real process)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from bot.db import survey_crud as scrud
from bot.db.models import utcnow
from bot.db.reminder_models import Broadcast, BroadcastDelivery, BroadcastStatus
from bot.db.survey_models import Survey
from handlers.surveys import INVITATIONS_KEY, deliver
from scheduler.broadcaster import STARTUP_REPAIRS
from tests.surveys.helpers import SurveyEnv

MANAGER = 500
TRAINEES = [1001, 1002, 1003]
KEY = "course_feedback"


def invitations(env: SurveyEnv, survey_id: int) -> Broadcast | None:
    with env.services.session() as session:
        statement = select(Broadcast).where(
            Broadcast.occurrence_key == f"{INVITATIONS_KEY}{survey_id}"
        )
        return session.exec(statement).first()


def recipients(env: SurveyEnv, broadcast_id: int) -> list[int]:
    with env.services.session() as session:
        statement = select(BroadcastDelivery.user_id).where(
            BroadcastDelivery.broadcast_id == broadcast_id
        )
        return sorted(session.exec(statement))


def repair(env: SurveyEnv) -> None:
    """What a new sender runs before its first pass."""
    with env.services.session() as session:
        for step in STARTUP_REPAIRS:
            step(session)


def test_invitations_are_queued_with_the_survey_and_repaired_once(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, KEY)

    held = invitations(env, survey_id)  # written with the survey, though never let go here
    assert held is not None and held.status == BroadcastStatus.draft
    assert held.kind == "survey" and held.report_chat_id == MANAGER
    assert held.progress_message_id == 1  # the confirmation, now the send report
    assert f"sv:1:s:{survey_id}" in str(held.buttons) and "专题课程反馈" in held.text
    assert recipients(env, held.id) == []  # type: ignore[arg-type]

    repair(env)  # the restarted bot: the invitations go to every trainee
    started = invitations(env, survey_id)
    assert started is not None and started.status == BroadcastStatus.sending
    assert started.progress_message_id == 1  # its report replaces the manager's message
    assert recipients(env, started.id) == TRAINEES  # type: ignore[arg-type]

    repair(env)  # a second start-up, and the handler's own release too late: nothing twice
    asyncio.run(
        deliver(
            env.services,
            class_id=class_id,
            text=started.text,
            buttons=(),
            created_by=MANAGER,
            recipient_ids=TRAINEES,
            report_chat_id=MANAGER,
            progress_message_id=1,
            occurrence_key=f"{INVITATIONS_KEY}{survey_id}",
            held=True,
        )
    )
    assert recipients(env, started.id) == TRAINEES  # type: ignore[arg-type]
    with env.services.session() as session:
        assert len(list(session.exec(select(Broadcast)))) == 1


def test_the_handler_lets_its_invitations_go_without_a_report_if_none_was_shown(
    env: SurveyEnv,
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, KEY)
    asyncio.run(
        deliver(
            env.services,
            class_id=class_id,
            text="x",
            buttons=(),
            created_by=MANAGER,
            recipient_ids=TRAINEES[:2],
            occurrence_key=f"{INVITATIONS_KEY}{survey_id}",
            held=True,
        )
    )
    started = invitations(env, survey_id)
    assert started is not None and started.status == BroadcastStatus.sending
    assert started.report_chat_id is None and started.progress_message_id is None
    assert recipients(env, started.id) == TRAINEES[:2]  # type: ignore[arg-type]


def test_a_survey_closed_before_the_restart_sends_no_invitations(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, KEY)
    with env.services.session() as session:
        survey = session.get(Survey, survey_id)
        assert survey is not None
        survey.closes_at = utcnow() - timedelta(minutes=1)
        session.add(survey)
        session.commit()
        assert scrud.start_held_invitations(session, prefix=INVITATIONS_KEY) == 0
    dropped = invitations(env, survey_id)
    assert dropped is not None and dropped.status == BroadcastStatus.cancelled
    assert recipients(env, dropped.id) == []  # type: ignore[arg-type]
