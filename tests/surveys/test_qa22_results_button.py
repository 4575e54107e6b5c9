"""QA22 F12: /results offers 「🔔 提醒未提交的学员」 only while someone it would remind has not
submitted. Once everyone has, the button is gone (it could only answer 「无需提醒」); a press on
a button of an older message still answers 「所有学员都已提交，无需提醒」."""

from __future__ import annotations

import pytest

from tests.surveys.helpers import (
    SurveyEnv,
    button_data,
    buttons,
    files,
    first_text,
    notice,
    submit_course_feedback,
)

MANAGER = 500
TRAINEES = [1001, 1002]
REMIND = "🔔 提醒未提交的学员"


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


def labels(replies: list) -> list[str]:
    return [label for label, _ in buttons(replies)]


def test_remind_button_only_while_someone_has_not_submitted(env: SurveyEnv) -> None:
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    first, second = TRAINEES
    submit_course_feedback(env, first, survey_id)
    env.delivered.clear()  # the invitation

    one_missing = env.command(MANAGER, f"/results {survey_id}")
    assert "（1/2）" in first_text(one_missing), first_text(one_missing)
    assert REMIND in labels(one_missing), labels(one_missing)
    assert "⏹ 结束问卷" in labels(one_missing)
    old_remind = button_data(one_missing, REMIND)

    submit_course_feedback(env, second, survey_id)
    all_in = env.command(MANAGER, f"/results {survey_id}")

    assert "（2/2）" in first_text(all_in), first_text(all_in)
    assert REMIND not in labels(all_in), labels(all_in)
    for kept in ("📥 XLSX", "📥 CSV", "🔄 刷新", "⏹ 结束问卷"):
        assert kept in labels(all_in), labels(all_in)
    assert [f.filename for f in files(all_in)] == [f"survey_{survey_id}.png"]  # the chart
    # 🔄 刷新 on the older message drops the button there too
    refreshed = env.press(MANAGER, button_data(one_missing, "🔄 刷新"))
    assert REMIND not in labels(refreshed), labels(refreshed)
    # the button of the older message still answers why nothing is sent
    pressed = env.press(MANAGER, old_remind)
    assert notice(pressed) is not None and notice(pressed).text == "所有学员都已提交，无需提醒。"
    assert env.delivered == []  # nobody reminded
