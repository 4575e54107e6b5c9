"""QA19 F6: a survey closing time of 「今天」 or today's date, typed after its 09:00 has passed,
closes at 23:59 today like 「明天」 and 「今天前」, not 「已经过去了」; 23:59 less than 5 minutes
away is 「太近了」, and yesterday is still past."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.db.survey_models import Survey
from tests.surveys.helpers import SurveyEnv, button_data, first_text
from tests.surveys.test_closing_by_day import KEY, MANAGER, ask_closing

SHANGHAI_AFTERNOON = datetime(2026, 12, 7, 7, 45, tzinfo=UTC)  # Mon 15:45 in Asia/Shanghai
SHANGHAI_LATE = datetime(2026, 12, 7, 15, 57, tzinfo=UTC)  # Mon 23:57 in Asia/Shanghai


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """The survey steps read the clock as `moment` (the conversation's own clock is real)."""
    monkeypatch.setattr("handlers.surveys.utcnow", lambda: moment)


def closes_at_of(confirm: list, env: SurveyEnv) -> datetime:  # type: ignore[type-arg]
    """The local closing time the confirmation's 「✅ 确认发送」 would send the survey with."""
    stamp = int(button_data(confirm, "确认发送").split(":")[5])
    return datetime.fromtimestamp(stamp, env.services.settings.timezone)


@pytest.mark.parametrize("typed", ["今天", "12月7日", "2026年12月7日", "今天 "])
def test_today_without_a_clock_closes_tonight(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    at(monkeypatch, SHANGHAI_AFTERNOON)
    ask_closing(env)

    confirm = env.text(MANAGER, typed)

    text = first_text(confirm)
    assert "确认发送问卷" in text and "已经过去" not in text, text
    assert "23:59" in text and f"（「{typed.strip()}」没写钟点，按当天 23:59 截止）" in text, text
    closes = closes_at_of(confirm, env)
    assert (closes.month, closes.day, closes.hour, closes.minute) == (12, 7, 23, 59)


def test_today_less_than_five_minutes_before_its_end_is_too_near(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, SHANGHAI_LATE)
    ask_closing(env)

    refused = first_text(env.text(MANAGER, "今天"))

    assert "「今天」太近了：至少要在 5 分钟以后" in refused and "请再发一次截止时间" in refused


@pytest.mark.parametrize("typed", ["昨天", "12月6日", "今天上午"])
def test_a_past_day_or_todays_past_morning_is_still_past(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    at(monkeypatch, SHANGHAI_AFTERNOON)
    ask_closing(env)

    refused = first_text(env.text(MANAGER, typed))

    assert "确认发送问卷" not in refused
    assert "已经过去" in refused or "写上年份" in refused, refused


def test_today_sends_a_survey_that_closes_tonight(env: SurveyEnv) -> None:
    now = datetime.now(env.services.settings.timezone)
    if now.hour == 23 and now.minute >= 50:
        pytest.skip("23:59 today is less than 5 minutes ahead: refused as too near")
    ask_closing(env)

    confirm = env.text(MANAGER, "今天")
    done = env.press(MANAGER, button_data(confirm, "确认发送"))

    assert "发送问卷" in first_text(done), first_text(done)
    with env.services.session() as session:
        survey = session.exec(select(Survey).where(Survey.template_key == KEY)).one()
    closes = survey.closes_at.replace(tzinfo=UTC).astimezone(env.services.settings.timezone)
    assert (closes.date(), closes.hour, closes.minute) == (now.date(), 23, 59)
