"""A survey that ends while a trainee is part-way stays in their /mysurveys as 「已结束，未提交」
for a week, saying their partial answers are not counted (QA13 L5), instead of vanishing; those
who submitted or never started see nothing of it. In-process, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.db.models import utcnow
from bot.db.survey_models import Survey
from handlers.surveys import RECENTLY_ENDED_DAYS
from tests.surveys.helpers import (
    SurveyEnv,
    button_data,
    buttons,
    first_text,
    submit_course_feedback,
)

MANAGER = 500
PART_WAY, NOT_STARTED, SUBMITTER = 1001, 1002, 1003


def test_a_survey_ended_part_way_is_listed_as_ended_unsubmitted(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [PART_WAY, NOT_STARTED, SUBMITTER])
    ended_id = env.send_survey(MANAGER, class_id, "course_feedback", days=1)
    open_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction", days=3)
    page = env.press(PART_WAY, f"sv:1:s:{ended_id}", message_id=50)
    env.press(PART_WAY, button_data(page, "适中"), message_id=50)
    submit_course_feedback(env, SUBMITTER, ended_id)

    env.press(MANAGER, f"sr:1:zz:{ended_id}")  # ⏹ 结束问卷

    mine = env.command(PART_WAY, "/mysurveys")
    text = first_text(mine)
    assert "国培项目培训满意度调查" in text and "未开始" in text, text  # the open one
    ended = text.split("已结束，未提交")[1]
    assert "专题课程反馈（语文一班）" in ended and "已于" in ended, text
    assert "不计入结果" in text, text
    # a button only for the open survey
    assert [data for _, data in buttons(mine)] == [f"sv:1:s:{open_id}"], buttons(mine)
    for user in (NOT_STARTED, SUBMITTER):
        assert "已结束" not in first_text(env.command(user, "/mysurveys")), user

    # once the other survey ends too (never started by anyone): nothing to fill in, and the one
    # ended part-way still said
    with env.services.session() as session:
        session.execute(
            update(Survey).where(Survey.id == open_id).values(status="closed", closed_at=utcnow())
        )
        session.commit()
    text = first_text(env.command(SUBMITTER, "/mysurveys"))
    assert text.startswith("目前没有需要填写的问卷。班主任发起问卷后"), text
    text = first_text(env.command(PART_WAY, "/mysurveys"))
    assert "目前没有需要填写的问卷" in text and "专题课程反馈" in text, text
    assert "国培项目培训满意度调查" not in text, text  # never started: not 未提交


def test_an_ended_survey_is_listed_for_a_week_only(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [PART_WAY])
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback", days=1)
    page = env.press(PART_WAY, f"sv:1:s:{survey_id}", message_id=50)
    env.press(PART_WAY, button_data(page, "适中"), message_id=50)
    past = utcnow() - timedelta(days=RECENTLY_ENDED_DAYS - 1)
    with env.services.session() as session:  # ended at its time, six days ago
        session.execute(update(Survey).values(closes_at=past))
        session.commit()
    assert "已结束，未提交" in first_text(env.command(PART_WAY, "/mysurveys"))
    with env.services.session() as session:
        session.execute(update(Survey).values(closes_at=past - timedelta(days=2)))
        session.commit()
    assert "目前没有需要填写的问卷。班主任" in first_text(env.command(PART_WAY, "/mysurveys"))
