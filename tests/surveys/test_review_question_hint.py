"""A trainee who types a policy question into a survey's free-text box (QA13 L7) is told on the
review page that a survey answer gets no reply, and how to ask instead; the answer is kept as
written, and an ordinary remark gets no hint. In-process, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.chat import Send
from handlers.survey_answer import looks_like_question
from tests.surveys.helpers import SurveyEnv, button_data, first_text

MANAGER = 500
TRAINEE = 1001
HINT = "第 7 题的回答像是一个提问"


def review_after(env: SurveyEnv, typed: str) -> list:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [TRAINEE])
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    page = env.press(TRAINEE, f"sv:1:s:{survey_id}", message_id=50)
    for _ in range(6):
        page = env.press(TRAINEE, button_data(page, "满意"), message_id=50)
    return env.text(TRAINEE, typed)


def review_text(replies: list) -> str:
    """The new message after the typed answer: the review page."""
    return next(reply.text for reply in replies if isinstance(reply, Send))


def test_a_policy_question_gets_a_hint_on_the_review(env: SurveyEnv) -> None:
    review = review_after(env, "请问送教下乡一年要搞几次？")
    text = review_text(review)
    assert "请核对您的回答" in text and "请问送教下乡一年要搞几次？" in text, review
    assert HINT in text and "不会得到解答" in text and "✏️ 第7题" in text, text
    # still submittable as it is
    done = env.press(TRAINEE, button_data(review, "提交"), message_id=51)
    assert "已提交" in first_text(done)


def test_an_ordinary_remark_gets_no_hint(env: SurveyEnv) -> None:
    review = review_after(env, "希望多安排课堂观摩。")
    text = review_text(review)
    assert "请核对您的回答" in text and "像是一个提问" not in text, text


@pytest.mark.parametrize(
    ("typed", "asking"),
    [
        ("请问送教下乡一年要搞几次？", True),
        ("继续教育学分能抵吗", True),
        ("住宿费能报销吗。", True),
        ("how many credits?", True),
        ("专家讲得很好", False),
        ("为什么不多安排实践，希望改进", False),
        ("", False),
    ],
)
def test_what_reads_as_a_question(typed: str, asking: bool) -> None:
    assert looks_like_question(typed) is asking
