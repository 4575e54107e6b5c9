"""QA15 L8: 🔔 提醒未提交的学员 (and the automatic nudge) says 「开始填写」 to a trainee who never
started and 「继续填写」 only to one who is half-way."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.survey_results import nudge_survey
from tests.surveys.helpers import SurveyEnv, button_data, first_text

MANAGER = 500
TRAINEES = [1001, 1002]


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SurveyEnv]:
    environment = SurveyEnv.create(database_url, tmp_path, monkeypatch)
    environment.manager(MANAGER)
    yield environment
    environment.close()


def labels(delivery: dict) -> list[str]:
    """The button labels of one queued message."""
    return [button.text for row in delivery["buttons"] for button in row]


def sent_survey(env: SurveyEnv) -> int:
    """A survey to two trainees: the first has answered one question, the second has not
    opened it."""
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    half_way = TRAINEES[0]
    page = env.press(half_way, f"sv:1:s:{survey_id}", message_id=20)
    assert "2/4" in first_text(env.press(half_way, button_data(page, "适中"), message_id=20))
    env.delivered.clear()
    return survey_id


def by_recipient(env: SurveyEnv) -> dict[int, dict]:
    """Each reminded trainee's message."""
    return {user: sent for sent in env.delivered for user in sent["recipient_ids"]}


def assert_worded_by_progress(env: SurveyEnv) -> None:
    """The half-way trainee is told to go on, the one who never started to start."""
    half_way, not_started = TRAINEES
    reminders = by_recipient(env)
    assert set(reminders) == {half_way, not_started}
    fresh = reminders[not_started]
    assert "点击下方按钮开始填写" in fresh["text"] and "继续填写" not in fresh["text"], fresh
    assert labels(fresh) == ["📝 开始填写"]
    going = reminders[half_way]
    assert "点击下方按钮继续填写，已填的答案都还在" in going["text"], going
    assert labels(going) == ["📝 继续填写"]


def test_the_reminder_button_says_start_to_who_never_started(env: SurveyEnv) -> None:
    survey_id = sent_survey(env)
    reminded = env.press(MANAGER, f"sr:1:n:{survey_id}")
    assert "已提醒 2 名" in first_text(reminded), reminded
    assert_worded_by_progress(env)


def test_the_automatic_nudge_is_worded_the_same(env: SurveyEnv) -> None:
    survey_id = sent_survey(env)
    assert asyncio.run(nudge_survey(survey_id, env.services)) == 2
    assert_worded_by_progress(env)


def test_nobody_started_gets_one_message(env: SurveyEnv) -> None:
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    env.delivered.clear()
    env.press(MANAGER, f"sr:1:n:{survey_id}")
    assert len(env.delivered) == 1 and env.delivered[0]["recipient_ids"] == TRAINEES
    assert labels(env.delivered[0]) == ["📝 开始填写"]
