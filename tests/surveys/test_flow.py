"""The survey conversation in-process (real Conversation, fresh SQLite/PostgreSQL database):
sending, answering by buttons and text, changing an answer, resuming, submitting, refusals."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.db.survey_models import SurveyAnswer, SurveyResponse
from tests.surveys.helpers import (
    SurveyEnv,
    button_data,
    buttons,
    first_text,
    notice,
)

MANAGER = 500
TRAINEES = [1001, 1002, 1003]


def answers_of(env: SurveyEnv, user_id: int) -> tuple[SurveyResponse, list[SurveyAnswer]]:
    with env.services.session() as session:
        response = session.exec(
            select(SurveyResponse).where(SurveyResponse.user_id == user_id)
        ).one()
        answers = list(
            session.exec(select(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
        )
    return response, answers


def test_send_answer_change_resume_submit(
    env: SurveyEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    invitation = env.delivered[-1]
    assert invitation["class_id"] == class_id and invitation["recipient_ids"] == TRAINEES
    start = invitation["buttons"][0][0].data
    assert start == f"sv:1:s:{survey_id}"

    user = TRAINEES[0]
    replies = env.press(user, start, message_id=50)
    assert "1/7" in first_text(replies)
    # likert: 非常满意 for q1, 满意 for q2 ...
    first = env.press(user, button_data(replies, "非常满意"), message_id=50)
    assert "2/7" in first_text(first)
    # a double tap of q1's button changes nothing and shows the current question
    again = env.press(user, button_data(replies, "非常满意"), message_id=50)
    assert "2/7" in first_text(again)
    second = env.press(user, button_data(first, "满意"), message_id=50)
    assert "3/7" in first_text(second)
    # 上一题: back to q2, which shows the stored answer; change it to 一般
    back = env.press(user, button_data(second, "上一题"), message_id=50)
    assert "2/7" in first_text(back)
    assert any(text.startswith("✅ 满意") for text, _ in buttons(back))
    changed = env.press(user, button_data(back, "一般"), message_id=50)
    assert "3/7" in first_text(changed)

    # "restart": a new Conversation on the same database resumes where the trainee left off
    from bot.conversation import Conversation
    from handlers import routing_table

    env.services.extras.clear()
    env.conversation = Conversation(env.services, routing_table())
    resumed = env.press(user, start, message_id=50)
    assert "3/7" in first_text(resumed)
    current = resumed
    for _ in range(4):  # q3..q6
        current = env.press(user, button_data(current, "满意"), message_id=50)
    assert "7/7" in first_text(current) and "请直接发送文字" in first_text(current)
    # free text answer: the next plain message
    after_text = env.text(user, "希望多安排课堂观摩")
    review = first_text(after_text[-1:])
    assert "请核对" in review and "希望多安排课堂观摩" in review
    # change q1 from the review, then come back to the review
    edit_q1 = env.press(user, button_data(after_text, "✏️ 第1题"), message_id=51)
    assert "1/7" in first_text(edit_q1)
    nxt = env.press(user, button_data(edit_q1, "不满意"), message_id=51)
    # an answer changed from the review goes straight back to it (QA21 F6), the others kept
    assert "请核对" in first_text(nxt) and "希望多安排课堂观摩" in first_text(nxt)
    done = env.press(user, button_data(nxt, "提交"), message_id=51)
    assert "已提交" in first_text(done)
    # after submission every button answers clearly and changes nothing
    late = env.press(user, button_data(nxt, "提交"), message_id=51)
    assert "已经提交" in notice(late).text
    late_start = env.press(user, start, message_id=51)
    assert "已经提交" in notice(late_start).text

    response, answers = answers_of(env, user)
    assert response.status == "submitted"
    by_question = sorted((a.question_id, a.choice, a.text) for a in answers)
    assert len(by_question) == 7
    choices = [c for _, c, _ in by_question[:6]]
    assert choices == [3, 2, 1, 1, 1, 1]
    assert by_question[6][2] == "希望多安排课堂观摩"


def test_forged_and_closed(env: SurveyEnv, caplog: pytest.LogCaptureFixture) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    other_class = env.new_class(MANAGER, [2001], name="数学班")
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    other_survey = env.send_survey(MANAGER, other_class, "course_feedback")
    a, b = TRAINEES[0], TRAINEES[1]
    start_a = env.press(a, f"sv:1:s:{survey_id}", message_id=60)
    assert "1/4" in first_text(start_a)
    data = button_data(start_a, "适中")  # sv:1:a:<sid>:<rid>:0:1
    _, _, _, sid, rid, pos, choice = data.split(":")
    caplog.set_level(logging.WARNING, logger="guopei.surveys")
    forged = [
        (b, data),  # another user's response
        (a, f"sv:1:a:{other_survey}:{rid}:{pos}:{choice}"),  # another survey
        (a, f"sv:1:a:{sid}:{rid}:{pos}:9"),  # out-of-range choice
        (a, f"sv:1:t:{sid}:{rid}:{pos}:0"),  # toggle on a single-choice question
        (a, f"sv:1:a:{sid}:{rid}:99:0"),  # out-of-range question
        (a, f"sv:2:a:{sid}:{rid}:{pos}:0"),  # unknown version
        (a, "sv:1:a:x:y:z:w"),
        (a, f"sv:1:s:{other_survey}"),  # a survey of a class they are not in
        (a, f"sv:1:u:{sid}:{rid}:0"),  # submit outside the review
    ]
    for user, forged_data in forged:
        replies = env.press(user, forged_data, message_id=60)
        assert notice(replies) is not None and notice(replies).alert, forged_data
        assert "无效" in notice(replies).text, forged_data
    assert caplog.text.count("refused survey callback") == len(forged)
    _, stored = answers_of(env, a)
    assert stored == []
    # a trainee cannot use manager commands or buttons
    assert "班主任" in first_text(env.command(a, "/results"))
    assert notice(env.press(a, f"sr:1:x:{survey_id}")).alert
    # multiple choice: toggles + 完成; max one answer row
    q2 = env.press(a, data, message_id=60)
    assert "2/4" in first_text(q2)
    t1 = env.press(a, button_data(q2, "案例研讨"), message_id=60)
    t1 = env.press(a, button_data(t1, "课堂观摩"), message_id=60)
    t1 = env.press(a, button_data(t1, "课堂观摩"), message_id=60)  # untoggle
    t1 = env.press(a, button_data(t1, "专家讲座"), message_id=60)
    assert "☑️ 案例研讨" in [t for t, _ in buttons(t1)]
    q3 = env.press(a, button_data(t1, "选好了"), message_id=60)
    assert "3/4" in first_text(q3)
    _, stored = answers_of(env, a)
    assert [s.choices for s in stored if s.choices] == [[0, 2]]
    # the manager closes the survey early: buttons then refuse and change nothing
    env.press(MANAGER, f"sr:1:zz:{survey_id}")
    closed = env.press(a, button_data(q3, "满意"), message_id=60)
    assert "截止" in notice(closed).text
    _, after = answers_of(env, a)
    assert len(after) == len(stored)
