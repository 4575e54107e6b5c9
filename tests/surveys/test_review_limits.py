"""The trainee's review page at Telegram's limits (QA 5b L1): a 50-question survey fits, with
a 「✏️ 第N题」 button for each answer shown, and an answer is cut before it is escaped."""

from __future__ import annotations

import re

import pytest

from bot.limits import visible_length, visible_text
from tests.surveys.helpers import SurveyEnv, button_data, buttons, first_text
from tests.surveys.limits_helpers import (
    assert_telegram_takes,
    big_questions,
    last_message,
    message,
    telegram_problems,
    write_template,
)

MANAGER = 500


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


# ---------------------------------------------------------------- L1: the trainee's review


def test_review_of_a_50_question_survey(env: SurveyEnv) -> None:
    questions = big_questions(50, text_chars=120)
    write_template(env.services.settings.data_dir / "survey_templates", "big50", questions)
    class_id = env.new_class(MANAGER, [1001])
    survey_id = env.send_survey(MANAGER, class_id, "big50")
    answer = "x" * 76 + "&<b>😀" * 20  # QA's: it showed 「xxxx…x&amp…」
    page = env.press(1001, f"sv:1:s:{survey_id}", message_id=7)
    for question in questions:
        if question["kind"] == "text":
            page = env.text(1001, answer)
        elif question["kind"] == "multiple":
            env.press(1001, button_data(page, question["options"][2]), message_id=7)
            page = env.press(1001, button_data(page, "选好了"), message_id=7)
        else:
            label = question["options"][1] if question["kind"] == "single" else "满意"
            page = env.press(1001, button_data(page, label), message_id=7)
    review = last_message(page)
    assert "请核对" in review.text
    units = assert_telegram_takes(review)
    visible = visible_text(review.text)
    assert "&amp" not in visible and "&lt" not in visible
    assert "x&<b>😀" in visible or "xxxx…" in visible
    edits = [t for t, d in buttons([review]) if t.startswith("✏️ 第")]
    assert edits == [f"✏️ 第{n}题" for n in range(1, 51)]
    for number in range(1, 51):  # every answer that has a ✏️ 第N题 button is on the page
        assert re.search(rf"(^|\n){number}\. ", visible), number
    assert len(buttons([review])) == 52
    # ✏️ 第50题 opens question 50, and 回到核对页 comes back to the same review
    again = env.press(1001, button_data([review], "✏️ 第50题"), message_id=7)
    assert "50/50" in first_text(again)
    back = message(env.press(1001, button_data(again, "↩️ 回到核对页"), message_id=7))
    assert visible_length(back.text) == units


def test_review_cuts_an_answer_before_escaping_it(env: SurveyEnv) -> None:
    write_template(
        env.services.settings.data_dir / "survey_templates",
        "one_text",
        [{"text": "意见建议", "kind": "text"}],
        title="意见",
    )
    class_id = env.new_class(MANAGER, [1001])
    survey_id = env.send_survey(MANAGER, class_id, "one_text")
    env.press(1001, f"sv:1:s:{survey_id}", message_id=7)
    review = last_message(env.text(1001, "x" * 76 + "&<b>😀" * 20))
    assert not telegram_problems(review.text, review.buttons)
    assert "→ " + "x" * 76 + "&<b>…" in visible_text(review.text)
