"""QA16 H1, M1, M2: the survey's text watch and its 「✅ 记作第N题的回答」 offer.

H1: a repeated tap on 「✅ 记作…」 (or the offer's 「✖ 不记录」) after the text was recorded only
says 「已经记下了」; it never edits the success into 「没有记录」, and never submits the sheet.
M1: a text is held back only within half an hour of the sheet's last touch (a held text does
not extend it); later it is a question. Replacing an answer is said with the answer itself.
M2: once the survey is closed, the watch ends and the text is answered as a question."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from bot.chat import Edit, Send
from bot.db import crud
from bot.db.models import utcnow
from bot.db.survey_models import ResponseStatus, Survey, SurveyResponse
from tests.surveys.helpers import SurveyEnv, button_data, buttons, first_text, notice, texts
from tests.surveys.test_qa15_anonymous_text import (
    SUGGESTION,
    TRAINEE,
    age_pending,
    open_sheet,
    questions_logged,
    text_answer,
)

POLICY_QUESTION = "参加国培有年龄限制吗"


def age_touch(env: SurveyEnv, *, minutes: int) -> None:
    """Make the sheet's last touch, as the trainee's watch recorded it, `minutes` older."""
    with env.services.session() as session:
        pending = crud.get_pending(session, user_id=TRAINEE)
        assert pending is not None
        payload = dict(pending.payload)
        touched = datetime.fromisoformat(payload["touched"]) - timedelta(minutes=minutes)
        pending.payload = payload | {"touched": touched.isoformat()}
        session.add(pending)
        session.commit()


def response_status(env: SurveyEnv) -> str:
    """The trainee's sheet: still in progress, or submitted."""
    with env.services.session() as session:
        (response,) = session.exec(select(SurveyResponse))
        return response.status


def only_a_toast(replies: list) -> bool:
    """The reply changes no message and sends none: a toast 「已经记下了」 only."""
    shown = [r for r in replies if isinstance(r, Send | Edit)]
    toast = notice(replies)
    return not shown and toast is not None and toast.text == "已经记下了"


def test_a_double_tap_on_the_offer_at_a_choice_question_changes_nothing(
    env: SurveyEnv,
) -> None:
    open_sheet(env, answered=1)  # at question 2
    offer = env.text(TRAINEE, SUGGESTION)
    keep = button_data(offer, "记作第7题的回答")

    recorded = env.press(TRAINEE, keep, message_id=70)
    assert "已记作第 7 题的回答" in first_text(recorded) and text_answer(env) == SUGGESTION

    again = env.press(TRAINEE, keep, message_id=70)
    assert only_a_toast(again)
    dropped_late = env.press(TRAINEE, button_data(offer, "不记录"), message_id=70)
    assert only_a_toast(dropped_late)
    assert text_answer(env) == SUGGESTION and questions_logged(env) == []


def test_a_double_tap_at_the_review_never_submits(env: SurveyEnv) -> None:
    open_sheet(env, answered=6)
    env.text(TRAINEE, "学到了很多")  # question 7: now at the review
    offer = env.text(TRAINEE, SUGGESTION)
    keep = button_data(offer, "记作第7题的回答")

    recorded = env.press(TRAINEE, keep, message_id=71)
    review = next(r for r in recorded if isinstance(r, Edit))
    assert "请核对您的回答" in review.text and SUGGESTION in review.text
    # 「✅ 提交」 is not where 「✅ 记作…」 was: a second tap there lands on no submit
    assert "提交" not in review.buttons[0][0].text
    assert any("提交" in label for label, _ in buttons(recorded))

    assert only_a_toast(env.press(TRAINEE, keep, message_id=71))
    assert response_status(env) == ResponseStatus.started


def test_replacing_an_answer_shows_the_answer_it_replaces(env: SurveyEnv) -> None:
    open_sheet(env, answered=6)
    env.text(TRAINEE, "学到了很多")

    offer = env.text(TRAINEE, SUGGESTION)

    said = first_text(offer)
    assert "第 7 题已有回答" in said and "「学到了很多」" in said
    assert any("替换原回答" in label for label, _ in buttons(offer))


def test_only_the_first_held_text_shows_the_question_again(env: SurveyEnv) -> None:
    open_sheet(env, answered=2)
    first = env.text(TRAINEE, "课程很好")
    second = env.text(TRAINEE, "还想多听几节示范课")

    assert sum(isinstance(r, Send) for r in first) == 2  # the offer, then question 3 again
    assert sum(isinstance(r, Send) for r in second) == 1  # the offer only
    assert "第 3 题请点按钮作答" in first_text(second)


def test_a_question_long_after_the_sheet_was_touched_is_answered(env: SurveyEnv) -> None:
    open_sheet(env, answered=1)
    age_pending(env, TRAINEE, minutes=24 * 60)

    asked = "\n".join(texts(env.text(TRAINEE, POLICY_QUESTION)))

    assert "没有记作问卷回答" not in asked and "记作第" not in asked
    assert questions_logged(env) == [POLICY_QUESTION]


def test_held_texts_do_not_stretch_the_half_hour(env: SurveyEnv) -> None:
    open_sheet(env, answered=1)
    offer = env.text(TRAINEE, SUGGESTION)  # held: a minute after the sheet was touched
    age_touch(env, minutes=31)  # the watch itself was refreshed by the held text

    asked = "\n".join(texts(env.text(TRAINEE, POLICY_QUESTION)))

    assert "没有记作问卷回答" not in asked and questions_logged(env) == [POLICY_QUESTION]
    # the earlier offer still records its own text
    kept = env.press(TRAINEE, button_data(offer, "记作第7题的回答"), message_id=72)
    assert "已记作第 7 题的回答" in first_text(kept) and text_answer(env) == SUGGESTION


def test_after_the_survey_is_closed_the_next_text_is_a_question(env: SurveyEnv) -> None:
    open_sheet(env, answered=1)
    with env.services.session() as session:
        session.execute(update(Survey).values(status="closed", closed_at=utcnow()))
        session.commit()

    asked = "\n".join(texts(env.text(TRAINEE, POLICY_QUESTION)))

    assert "已截止" not in asked and questions_logged(env) == [POLICY_QUESTION]
    with env.services.session() as session:
        assert crud.get_pending(session, user_id=TRAINEE) is None
