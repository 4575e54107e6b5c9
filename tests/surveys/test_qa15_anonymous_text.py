"""QA15 H1: a text a trainee types for an anonymous survey never becomes a question to the bot.
Asked as one, it would reach every manager's /unanswered under the trainee's name. Typed more
than 30 minutes after the text question was shown, or at the review, or at a choice question,
it is not recorded unasked either: the bot says how to go on and offers to record it as the
answer to the free-text question (question 7 of the satisfaction survey)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.chat import Event, EventKind
from bot.db import crud
from bot.db import survey_crud as scrud
from bot.db.question_models import QuestionLog
from bot.db.survey_models import SurveyResponse
from tests.surveys.helpers import SurveyEnv, button_data, first_text, texts

MANAGER = 500
TRAINEE = 1001
SUGGESTION = "希望下次培训时间安排在暑假，不要占用上课时间"


def questions_logged(env: SurveyEnv) -> list[str]:
    """Every text the bot took as a question (what /unanswered and /kbstats are made of)."""
    with env.services.session() as session:
        return [log.question for log in session.exec(select(QuestionLog))]


def age_pending(env: SurveyEnv, user_id: int, *, minutes: int) -> None:
    """Make the user's pending input look `minutes` older."""
    with env.services.session() as session:
        pending = crud.get_pending(session, user_id=user_id)
        assert pending is not None
        pending.updated_at -= timedelta(minutes=minutes)
        session.add(pending)
        session.commit()


def text_answer(env: SurveyEnv) -> str | None:
    """The trainee's stored answer to question 7 (the free-text one)."""
    with env.services.session() as session:
        (response,) = session.exec(select(SurveyResponse))
        answers = scrud.load_answers(session, response_id=response.id)
        return next((a.text for a in answers.values() if a.text), None)


def open_sheet(env: SurveyEnv, answered: int) -> list:
    """The anonymous satisfaction survey sent to the class; the trainee answers `answered` of
    its six choice questions; returns the sheet as shown then."""
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [TRAINEE])
    env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    current = env.press(TRAINEE, env.delivered[-1]["buttons"][0][0].data, message_id=50)
    for _ in range(answered):
        current = env.press(TRAINEE, button_data(current, "满意"), message_id=50)
    return current


def test_a_suggestion_typed_after_half_an_hour_is_offered_as_the_answer(env: SurveyEnv) -> None:
    shown = open_sheet(env, answered=6)
    assert "请直接发送文字" in first_text(shown)
    age_pending(env, TRAINEE, minutes=31)

    late = env.text(TRAINEE, SUGGESTION)

    said = "\n".join(texts(late))
    assert said.startswith("⌛") and "要把这段话记作第 7 题" in said
    assert "没有找到" not in said and "班主任" not in said  # no decline, no 「问班主任」
    assert questions_logged(env) == [] and text_answer(env) is None
    review = env.press(TRAINEE, button_data(late, "记作第7题的回答"), message_id=60)
    assert "已记作第 7 题的回答" in first_text(review) and "请核对您的回答" in first_text(review)
    assert text_answer(env) == SUGGESTION
    done = env.press(TRAINEE, button_data(review, "提交"), message_id=60)
    assert "已提交" in first_text(done) and questions_logged(env) == []


def test_text_typed_at_the_review_is_no_question(env: SurveyEnv) -> None:
    open_sheet(env, answered=6)
    env.text(TRAINEE, "学到了很多")
    typed = env.text(TRAINEE, SUGGESTION)  # at the review: no text is awaited

    said = "\n".join(texts(typed))
    assert "没有记作问卷回答" in said and "请核对回答后点「✅ 提交」" in said
    assert "原来的回答会被替换" in said  # question 7 has 「学到了很多」
    assert questions_logged(env) == []
    assert text_answer(env) == "学到了很多"
    review = env.press(TRAINEE, button_data(typed, "记作第7题的回答"), message_id=61)
    assert SUGGESTION in first_text(review) and text_answer(env) == SUGGESTION
    # 「跳过」 typed at the review (QA15 saw it in /unanswered) is no question either
    assert "没有记作问卷回答" in "\n".join(texts(env.text(TRAINEE, "跳过")))
    assert questions_logged(env) == []


def test_at_a_choice_question_the_text_waits_for_the_trainee_to_choose(env: SurveyEnv) -> None:
    open_sheet(env, answered=2)
    typed = env.text(TRAINEE, SUGGESTION)

    said = texts(typed)
    assert "第 3 题请点按钮作答" in said[0] and "要把这段话记作第 7 题" in said[0]
    assert said[-1].startswith("📋") and "3/7" in said[-1]  # the question again, to answer
    assert questions_logged(env) == []
    # 「✖ 不记录」: it was a question after all; the next text goes to the question answerer
    dropped = env.press(TRAINEE, button_data(typed, "不记录"), message_id=62)
    assert "没有记录" in first_text(dropped) and text_answer(env) is None
    env.text(TRAINEE, "培训期间的交通费怎么报销")
    assert questions_logged(env) == ["培训期间的交通费怎么报销"]


def test_an_older_offer_does_not_record_a_later_text(env: SurveyEnv) -> None:
    open_sheet(env, answered=6)
    env.text(TRAINEE, "学到了很多")
    first = env.text(TRAINEE, "第一段")
    env.text(TRAINEE, "第二段")

    older = env.press(TRAINEE, button_data(first, "记作第7题的回答"), message_id=63)

    assert "已经不在了" in first_text(older) and text_answer(env) == "学到了很多"


def test_a_command_or_a_photo_at_a_choice_question_says_nothing_of_the_survey(
    env: SurveyEnv,
) -> None:
    open_sheet(env, answered=2)
    photo = Event(kind=EventKind.media, user_id=TRAINEE, chat_id=TRAINEE, media="photo")
    refused = "\n".join(texts(env.run(photo)))
    assert "不能作为回复" not in refused and "文字" in refused  # the usual 「只能看懂文字」

    helped = texts(env.command(TRAINEE, "/help"))
    assert not any("已退出问卷" in text for text in helped) and "使用帮助" in helped[0]
    with env.services.session() as session:
        assert crud.get_pending(session, user_id=TRAINEE) is None


def test_a_sheet_left_at_the_review_for_half_an_hour_lets_a_question_through(
    env: SurveyEnv,
) -> None:
    """Text typed more than 30 minutes after the sheet was last touched is a question (QA16
    M1: a watch without a limit swallowed a trainee's real questions a day later)."""
    open_sheet(env, answered=6)
    env.text(TRAINEE, "学到了很多")
    age_pending(env, TRAINEE, minutes=31)

    typed = "\n".join(texts(env.text(TRAINEE, SUGGESTION)))

    assert "⌛" not in typed  # nothing was awaited there
    assert "要把这段话记作第 7 题" not in typed
    assert questions_logged(env) == [SUGGESTION]
