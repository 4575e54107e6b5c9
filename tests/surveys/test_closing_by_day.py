"""A survey's closing time typed as notices write a deadline (QA13 M10): 「12月10日前」,
「12月10日之前」, 「12月10日前截止」 close at the end of that day, 23:59, and the confirmation says
so; a clock before 前 is kept; a past day is refused in the survey's words. /remind still
refuses 「12月10日前」 as a reminder time (the suffix is read by the survey step only)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.db.survey_models import Survey
from scheduler.timeparse import TimeParseError, parse_reminder
from tests.surveys.helpers import SurveyEnv, button_data, first_text

MANAGER = 500
KEY = "course_feedback"


def ask_closing(env: SurveyEnv) -> int:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [1001, 1002])
    env.command(MANAGER, "/survey")
    env.press(MANAGER, f"sm:1:t:{KEY}")
    env.press(MANAGER, f"sm:1:c:{KEY}:{class_id}")
    asked = env.press(MANAGER, f"sm:1:w:{KEY}:{class_id}")
    assert "12月10日前" in first_text(asked)  # the prompt shows the form too
    return class_id


def day_in(env: SurveyEnv, days: int) -> datetime:
    return datetime.now(env.services.settings.timezone) + timedelta(days=days)


@pytest.mark.parametrize("suffix", ["前", "之前", "前截止", "以前"])
def test_a_day_before_which_closes_at_its_end(env: SurveyEnv, suffix: str) -> None:
    ask_closing(env)
    day = day_in(env, 3)
    typed = f"{day.month}月{day.day}日{suffix}"

    confirm = env.text(MANAGER, typed)

    text = first_text(confirm)
    assert "确认发送问卷" in text, text
    assert f"{day.month}月{day.day}日" in text and "23:59" in text, text
    assert f"（「{typed}」按当天 23:59 截止）" in text, text
    env.press(MANAGER, button_data(confirm, "确认发送"))
    with env.services.session() as session:
        survey = session.exec(select(Survey)).one()
    closes = survey.closes_at.astimezone(env.services.settings.timezone)
    assert (closes.date(), closes.hour, closes.minute) == (day.date(), 23, 59)


def test_a_clock_before_qian_is_kept_and_a_past_day_refused(env: SurveyEnv) -> None:
    ask_closing(env)
    yesterday = day_in(env, -1)
    refused = first_text(env.text(MANAGER, f"{yesterday.month}月{yesterday.day}日前"))
    assert "已经过去了" in refused and "例如" in refused, refused

    day = day_in(env, 4)
    text = first_text(env.text(MANAGER, f"{day.month}月{day.day}日18:00前"))
    assert "确认发送问卷" in text and "18:00" in text and "按当天" not in text, text


def test_today_before_closes_tonight(env: SurveyEnv) -> None:
    now = datetime.now(env.services.settings.timezone)
    if now.hour == 23 and now.minute >= 50:
        pytest.skip("23:59 today is less than 5 minutes ahead: refused as too near")
    ask_closing(env)
    text = first_text(env.text(MANAGER, "今天前"))
    assert "今天" in text and "23:59" in text and "按当天 23:59 截止" in text, text


def test_remind_still_refuses_a_deadline_as_its_time() -> None:
    now = datetime(2026, 12, 7, 15, 0).astimezone()
    with pytest.raises(TimeParseError, match="像是截止时间"):
        parse_reminder("12月10日前 交材料", now)


def test_a_day_without_a_clock_closes_at_its_end(env: SurveyEnv) -> None:
    """「12月10日」 alone is through that day, not the reminders' 09:00; 「下午」 keeps 15:00."""
    ask_closing(env)
    day = day_in(env, 5)
    typed = f"{day.month}月{day.day}日"
    text = first_text(env.text(MANAGER, typed))
    assert "确认发送问卷" in text and "23:59" in text, text
    assert f"（「{typed}」没写钟点，按当天 23:59 截止）" in text, text

    ask_closing(env)
    text = first_text(env.text(MANAGER, f"{day.month}月{day.day}日下午"))
    assert "确认发送问卷" in text and "15:00" in text and "23:59" not in text, text
