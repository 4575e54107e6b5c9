"""A survey's addressees are the class's members when it was sent (QA 5c H1), in-process on
SQLite and PostgreSQL: someone who left or was removed cannot answer from any button or by
typing (「您已不在「班名」里…」, nothing stored); /results keeps the original denominator,
counts the answers of those who left and says 「已退出 N 人」; a member who joins later is not
an addressee (not listed, not reminded, cannot answer); reminders reach only addressees still
in the class. Also: 🔄 刷新 without new figures sends no second chart (L1), and a second
📥 tap within seconds sends no second file (L7)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select, update

from bot.db import crud
from bot.db.models import Membership
from bot.db.survey_models import SurveyAddressee, SurveyAnswer, SurveyResponse
from handlers.start import LEAVE_PREFIX
from handlers.survey_answer import FORGED, LEFT, NOT_ADDRESSED
from handlers.survey_results import nudge_survey
from tests.surveys.helpers import (
    SurveyEnv,
    button_data,
    buttons,
    files,
    first_text,
    notice,
)

MANAGER = 500
TRAINEES = [1001, 1002, 1003, 1004]
NEWCOMER = 1009
GONE = LEFT.format(name="语文一班")


def answers_stored(env: SurveyEnv, user_id: int) -> int:
    with env.services.session() as session:
        return session.exec(
            select(func.count())
            .select_from(SurveyAnswer)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.user_id == user_id)
        ).one()[0]


def has_response(env: SurveyEnv, user_id: int) -> bool:
    with env.services.session() as session:
        statement = select(SurveyResponse.id).where(SurveyResponse.user_id == user_id)
        return session.exec(statement).first() is not None


def submit_all(env: SurveyEnv, user: int, start: str) -> None:
    """Answer the course_feedback survey (4 questions) and submit it."""
    page = env.press(user, start, message_id=60)
    page = env.press(user, button_data(page, "适中"), message_id=60)
    page = env.press(user, button_data(page, "案例研讨"), message_id=60)
    page = env.press(user, button_data(page, "选好了，下一题 ➡️"), message_id=60)
    page = env.press(user, button_data(page, "满意"), message_id=60)
    page = env.text(user, "很好")
    done = env.press(user, button_data(page, "提交"), message_id=61)
    assert "已提交" in first_text(done), done


def leave_by_myclass(env: SurveyEnv, user: int, class_id: int) -> None:
    """The trainee's own /myclass → 退出 → 确定退出."""
    env.press(user, f"{LEAVE_PREFIX}:1:ask:{class_id}")
    left = env.press(user, f"{LEAVE_PREFIX}:1:bye:{class_id}")
    assert "已退出" in first_text(left), left


def test_who_left_cannot_answer_and_results_keep_the_addressees(
    env: SurveyEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    start = f"sv:1:s:{survey_id}"
    removed, submitted_then_left, never_started, stays = TRAINEES

    # removed: answered question 1, is at question 2 when the manager removes them
    page = env.press(removed, start, message_id=50)
    removed_page = env.press(removed, button_data(page, "适中"), message_id=50)
    assert "2/4" in first_text(removed_page)
    submit_all(env, submitted_then_left, start)
    # stays: reaches the free-text question 4 (a pending typed answer)
    page = env.press(stays, start, message_id=70)
    page = env.press(stays, button_data(page, "偏难"), message_id=70)
    page = env.press(stays, button_data(page, "专家讲座"), message_id=70)
    page = env.press(stays, button_data(page, "选好了，下一题 ➡️"), message_id=70)
    text_page = env.press(stays, button_data(page, "满意"), message_id=70)
    assert "4/4" in first_text(text_page)

    with env.services.session() as session:
        crud.leave_class(session, user_id=removed, class_id=class_id)  # 移出 by the manager
    leave_by_myclass(env, submitted_then_left, class_id)
    leave_by_myclass(env, never_started, class_id)

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="guopei.surveys"):
        # every button of the removed member's sheet, and the invitation's start button
        toggle = env.press(removed, button_data(removed_page, "案例研讨"), message_id=50)
        done = env.press(removed, button_data(removed_page, "选好了，下一题 ➡️"), message_id=50)
        back = env.press(removed, button_data(removed_page, "⬅️ 上一题"), message_id=50)
        again = env.press(removed, start, message_id=50)
        # the submitter who left, on their old sheet; the one who left before starting
        old = env.press(submitted_then_left, start, message_id=60)
        fresh = env.press(never_started, start, message_id=80)
    for replies in (toggle, done, back, again, old, fresh):
        assert notice(replies).text == GONE and notice(replies).alert, replies
        assert GONE in first_text(replies) and not buttons(replies), replies
        assert FORGED not in str(replies)
    assert "refused survey callback" not in caplog.text  # not taken for a forgery
    assert answers_stored(env, removed) == 1  # question 1 only: nothing stored since
    assert not has_response(env, never_started)

    # the removed member's typed answer to a question they had reached is refused too: make
    # `stays` leave while the bot waits for their typed answer
    leave_by_myclass(env, stays, class_id)
    typed = env.text(stays, "这条不应记录")
    assert first_text(typed) == GONE, typed
    assert answers_stored(env, stays) == 3
    # /mysurveys no longer lists it for any of them
    for user in TRAINEES:
        assert "目前没有需要填写的问卷" in first_text(env.command(user, "/mysurveys"))

    # the manager: the leaver's submitted answers count; those who left without submitting are
    # out of the 回收率 (QA13 L6), and the line says so
    shown = env.command(MANAGER, f"/results {survey_id}")
    text = first_text(shown)
    assert "（1/1）" in text and "100.0%" in text, text
    assert "已提交 1 · 填写中 0 · 未开始 0" in text, text
    leavers = "已退出 4 人：1 人退出前已提交（答卷照常计入），3 人未提交（不计入回收率）"
    assert leavers in text, text
    assert "（单选，1 人作答）" in text, text
    named = text.split("已退出：")[1]
    assert all(str(user) in named for user in TRAINEES), text


def test_a_newcomer_is_no_addressee_and_reminders_reach_only_those_still_in_the_class(
    env: SurveyEnv,
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    start = f"sv:1:s:{survey_id}"
    assert env.delivered[-1]["recipient_ids"] == TRAINEES  # the invitation: the addressees
    removed, left, *_ = TRAINEES
    env.press(removed, start, message_id=50)  # started, then removed
    with env.services.session() as session:
        crud.leave_class(session, user_id=removed, class_id=class_id)
    leave_by_myclass(env, left, class_id)
    env.new_class(MANAGER, [], name="占位班")  # (another class of the manager's, unrelated)
    with env.services.session() as session:
        crud.upsert_user(session, user_id=NEWCOMER, first_name="新学员")
        crud.join_class(session, user_id=NEWCOMER, class_id=class_id)

    # the newcomer never got the invitation: not listed, cannot answer, not counted
    assert "目前没有需要填写的问卷" in first_text(env.command(NEWCOMER, "/mysurveys"))
    refused = env.press(NEWCOMER, start, message_id=90)
    assert notice(refused).text == NOT_ADDRESSED.format(name="语文一班"), refused
    assert not has_response(env, NEWCOMER)
    text = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert "（0/2）" in text and "未开始 2" in text, text
    assert "已退出 2 人（未提交，不计入回收率）" in text, text
    assert "新学员" not in text

    # 🔔 提醒未提交的学员 and the automatic nudge: the two addressees still in the class only
    reminded = env.press(MANAGER, f"sr:1:n:{survey_id}")
    assert "已提醒 2 名" in first_text(reminded), reminded
    assert env.delivered[-1]["recipient_ids"] == TRAINEES[2:]
    assert asyncio.run(nudge_survey(survey_id, env.services)) == 2
    assert env.delivered[-1]["recipient_ids"] == TRAINEES[2:]

    # the removed member re-joins: an addressee again, their sheet where they left it
    with env.services.session() as session:
        crud.join_class(session, user_id=removed, class_id=class_id)
    resumed = env.press(removed, start, message_id=50)
    assert "1/4" in first_text(resumed) and notice(resumed).text == "开始填写", resumed
    text = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert "（0/3）" in text and "填写中 1" in text and "已退出 1 人" in text, text


def test_refresh_sends_a_chart_only_when_the_figures_changed(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    shown = env.command(MANAGER, f"/results {survey_id}")
    assert not files(shown)  # nobody has answered: no chart of empty bars (QA13 L4)
    assert "回收率" in first_text(shown)
    refresh = button_data(shown, "刷新")
    same = env.press(MANAGER, refresh)
    assert "回收率" in first_text(same) and not files(same)
    assert notice(same).text == "已刷新，数据没有变化"
    assert button_data(same, "刷新") == refresh
    # a trainee starting changes the text (填写中) but not the chart: still no chart
    env.press(TRAINEES[0], f"sv:1:s:{survey_id}", message_id=50)
    started = env.press(MANAGER, refresh)
    assert "填写中 1" in first_text(started) and not files(started)
    # a submission changes the figures: a new chart, and the new button knows it
    submit_all(env, TRAINEES[1], f"sv:1:s:{survey_id}")
    changed = env.press(MANAGER, refresh)
    assert len(files(changed)) == 1 and notice(changed).text == "已刷新"
    assert "（1/4）" in first_text(changed)
    newer = button_data(changed, "刷新")
    assert newer != refresh
    assert not files(env.press(MANAGER, newer))
    # a results message from before this change (no fingerprint) gets its chart, as it did
    assert len(files(env.press(MANAGER, f"sr:1:r:{survey_id}"))) == 1


def test_a_second_export_tap_within_seconds_sends_nothing(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    submit_all(env, TRAINEES[0], f"sv:1:s:{survey_id}")
    xlsx, csv = f"sr:1:x:{survey_id}", f"sr:1:c:{survey_id}"
    first = env.press(MANAGER, xlsx)
    assert len(files(first)) == 1 and files(first)[0].filename.endswith(".xlsx")
    second = env.press(MANAGER, xlsx)
    assert not files(second) and notice(second).text == "文件已发送", second
    assert len(files(env.press(MANAGER, csv))) == 1  # the other format is another file
    assert not files(env.press(MANAGER, csv))
    # new figures make a new file at once
    submit_all(env, TRAINEES[1], f"sv:1:s:{survey_id}")
    assert len(files(env.press(MANAGER, xlsx))) == 1
    # a deliberate re-download later (past the window) is sent again
    monkeypatch.setattr("handlers.survey_results.EXPORT_REPEAT_SECONDS", 0.0)
    assert len(files(env.press(MANAGER, xlsx))) == 1


def test_a_member_who_blocked_the_bot_is_an_addressee_not_invited_until_reachable(
    env: SurveyEnv,
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    blocked = TRAINEES[3]
    with env.services.session() as session:
        session.execute(
            update(Membership).where(Membership.user_id == blocked).values(blocked=True)
        )
        session.commit()
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    with env.services.session() as session:
        stored = session.exec(
            select(SurveyAddressee.user_id).where(SurveyAddressee.survey_id == survey_id)
        )
        assert sorted(stored.scalars()) == TRAINEES
    assert env.delivered[-1]["recipient_ids"] == TRAINEES[:3]  # the invitation cannot reach
    results = first_text(env.command(MANAGER, f"/results {survey_id}"))
    # out of the 回收率 while the invitation cannot reach them (QA23 F5)
    assert "（0/3）" in results and "收不到问卷（屏蔽了机器人）1 人" in results
    # reachable again (any private message clears the mark): the reminder reaches them
    with env.services.session() as session:
        session.execute(
            update(Membership).where(Membership.user_id == blocked).values(blocked=False)
        )
        session.commit()
    env.press(MANAGER, f"sr:1:n:{survey_id}")
    assert env.delivered[-1]["recipient_ids"] == TRAINEES
    assert "1/4" in first_text(env.press(blocked, f"sv:1:s:{survey_id}", message_id=5))
