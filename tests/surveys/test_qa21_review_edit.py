"""QA21 F6: a trainee changes an answer from a survey's review page (「✏️ 第N题」) and is taken
straight back to the review, updated, instead of on through every question after it; a first
pass still walks question by question. It holds across a restart between the ✏️ tap and the
answer (the real bot process, its database), and old or forged buttons are refused as before.
An optional free-text question already answered offers 「🗑 清空回答」; a required one does not."""

from __future__ import annotations

import logging

import pytest

from bot.db.survey_models import SurveyAnswer
from handlers.survey_answer import FORGED, SUBMITTED
from tests.e2e.test_surveys import labels, message
from tests.surveys import seeding
from tests.surveys.helpers import SurveyEnv, button_data, buttons, first_text, notice
from tests.surveys.limits_helpers import write_template
from tests.surveys.test_addressees_e2e import press, reply
from tests.surveys.test_flow import answers_of
from tests.surveys.test_qa15_anonymous_text import age_pending

MANAGER = 500
TRAINEE, OTHER = 1001, 1002
SHEET = 51  # the message id of the trainee's sheet
REVIEW = "请核对您的回答"
BACK = "↩️ 回到核对页"
CLEAR = "🗑 清空回答"


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


def labels_of(replies: list) -> list[str]:  # type: ignore[type-arg]
    return [text for text, _ in buttons(replies)]


def to_review(env: SurveyEnv) -> tuple[int, list]:  # type: ignore[type-arg]
    """course_feedback answered question by question (each press shows the next question):
    the survey's id and the review page."""
    class_id = env.new_class(MANAGER, [TRAINEE, OTHER])
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    page = env.press(TRAINEE, f"sv:1:s:{survey_id}", message_id=SHEET)
    assert "1/4" in first_text(page)
    page = env.press(TRAINEE, button_data(page, "适中"), message_id=SHEET)
    assert "2/4" in first_text(page)
    page = env.press(TRAINEE, button_data(page, "案例研讨"), message_id=SHEET)
    page = env.press(TRAINEE, button_data(page, "选好了，下一题 ➡️"), message_id=SHEET)
    assert "3/4" in first_text(page)
    page = env.press(TRAINEE, button_data(page, "满意"), message_id=SHEET)
    assert "4/4" in first_text(page)
    review = env.text(TRAINEE, "案例很实用")
    assert REVIEW in first_text(review[-1:])
    return survey_id, review[-1:]


def stored(env: SurveyEnv) -> list[SurveyAnswer]:
    _, answers = answers_of(env, TRAINEE)
    return sorted(answers, key=lambda a: a.question_id)


def test_each_kind_of_question_changed_from_the_review_returns_to_it(env: SurveyEnv) -> None:
    _, review = to_review(env)

    # a single choice: one tap, and the review shows the new answer
    q1 = env.press(TRAINEE, button_data(review, "✏️ 第1题"), message_id=SHEET)
    assert "1/4" in first_text(q1) and "改好后直接回到核对页" in first_text(q1)
    assert BACK in labels_of(q1) and "下一题 ➡️" not in labels_of(q1)
    review = env.press(TRAINEE, button_data(q1, "偏难"), message_id=SHEET)
    assert REVIEW in first_text(review) and "→ 偏难" in first_text(review)
    assert notice(review).text == "已记录"  # type: ignore[union-attr]

    # a multiple choice: toggles stay on the question, 「选好了」 goes back to the review
    q2 = env.press(TRAINEE, button_data(review, "✏️ 第2题"), message_id=SHEET)
    q2 = env.press(TRAINEE, button_data(q2, "案例研讨"), message_id=SHEET)  # none left
    refused = env.press(TRAINEE, button_data(q2, "选好了，回到核对页 ↩️"), message_id=SHEET)
    assert notice(refused).text == "请至少选择一项"  # type: ignore[union-attr]
    q2 = env.press(TRAINEE, button_data(q2, "案例研讨"), message_id=SHEET)
    q2 = env.press(TRAINEE, button_data(q2, "专家讲座"), message_id=SHEET)
    assert "2/4" in first_text(q2) and "☑️ 专家讲座" in labels_of(q2)
    assert "选好了，回到核对页 ↩️" in labels_of(q2)
    review = env.press(TRAINEE, button_data(q2, "选好了，回到核对页 ↩️"), message_id=SHEET)
    assert "→ 案例研讨、专家讲座" in first_text(review)

    # the free text: the next text is the answer, and the review follows it
    q4 = env.press(TRAINEE, button_data(review, "✏️ 第4题"), message_id=SHEET)
    assert "4/4" in first_text(q4) and "当前回答：案例很实用" in first_text(q4)
    replies = env.text(TRAINEE, "希望多一些课堂观摩")
    assert "已记录：希望多一些课堂观摩" in first_text(replies)  # the question's message
    review = replies[-1:]
    assert REVIEW in first_text(review) and "→ 希望多一些课堂观摩" in first_text(review)

    # opened and left as it was: 「回到核对页」 changes nothing
    q3 = env.press(TRAINEE, button_data(review, "✏️ 第3题"), message_id=52)
    review = env.press(TRAINEE, button_data(q3, BACK), message_id=52)
    assert REVIEW in first_text(review) and "→ 满意" in first_text(review)

    done = env.press(TRAINEE, button_data(review, "✅ 提交"), message_id=52)
    assert "已提交" in first_text(done)
    answers = stored(env)
    assert [a.choice for a in answers[:1]] == [0] and answers[1].choices == [0, 2]
    assert answers[2].choice == 1 and answers[3].text == "希望多一些课堂观摩"


def test_a_first_pass_and_the_review_back_button_still_walk(env: SurveyEnv) -> None:
    _, review = to_review(env)  # every answer of the first pass showed the next question
    # 「⬅️ 上一题」 from the review is no change from it: question 4, then 3, as before
    q4 = env.press(TRAINEE, button_data(review, "⬅️ 上一题"), message_id=SHEET)
    assert "4/4" in first_text(q4) and "⬅️ 上一题" in labels_of(q4)
    assert BACK not in labels_of(q4)
    q3 = env.press(TRAINEE, button_data(q4, "⬅️ 上一题"), message_id=SHEET)
    q4 = env.press(TRAINEE, button_data(q3, "一般"), message_id=SHEET)
    assert "4/4" in first_text(q4)


def test_a_restart_between_the_tap_and_the_answer(env: SurveyEnv) -> None:
    """The in-process restart of tests/surveys/test_flow.py: a new Conversation, nothing kept
    in memory; the state is the database's."""
    from bot.conversation import Conversation
    from handlers import routing_table

    def restart() -> None:
        env.services.extras.clear()
        env.conversation = Conversation(env.services, routing_table())

    survey_id, review = to_review(env)
    q4 = env.press(TRAINEE, button_data(review, "✏️ 第4题"), message_id=SHEET)
    assert "4/4" in first_text(q4)
    restart()
    review = env.text(TRAINEE, "重启之后写的")[-1:]
    assert REVIEW in first_text(review) and "→ 重启之后写的" in first_text(review)

    q1 = env.press(TRAINEE, button_data(review, "✏️ 第1题"), message_id=SHEET)
    restart()
    # the invitation's button again: still the question opened from the review
    again = env.press(TRAINEE, f"sv:1:s:{survey_id}", message_id=SHEET)
    assert "1/4" in first_text(again) and BACK in labels_of(again)
    restart()
    review = env.press(TRAINEE, button_data(q1, "偏易"), message_id=SHEET)
    assert REVIEW in first_text(review) and "→ 偏易" in first_text(review)


def test_a_text_typed_late_or_at_a_choice_question_opened_from_the_review(env: SurveyEnv) -> None:
    """The text after the wait expired is offered (「✅ 记作…」), and recorded it leads back to
    the review; a text at a choice question opened from the review keeps that question so."""
    _, review = to_review(env)
    env.press(TRAINEE, button_data(review, "✏️ 第4题"), message_id=SHEET)
    age_pending(env, TRAINEE, minutes=31)
    offer = env.text(TRAINEE, "慢慢写好的建议")
    review = env.press(TRAINEE, button_data(offer, "记作第4题"), message_id=60)
    assert REVIEW in first_text(review) and "→ 慢慢写好的建议" in first_text(review)

    env.press(TRAINEE, button_data(review, "✏️ 第1题"), message_id=60)
    held = env.text(TRAINEE, "老师讲得很好")  # no answer to question 1: held back, offered
    assert "第 1 题请点按钮作答" in first_text(held)
    shown = held[-1:]  # question 1 again, still opened from the review
    assert "1/4" in first_text(shown) and BACK in labels_of(shown)
    review = env.press(TRAINEE, button_data(shown, "偏易"), message_id=61)
    assert REVIEW in first_text(review) and "→ 偏易" in first_text(review)


def test_old_and_forged_buttons_are_refused_as_before(
    env: SurveyEnv, caplog: pytest.LogCaptureFixture
) -> None:
    survey_id, review = to_review(env)
    q1 = env.press(TRAINEE, button_data(review, "✏️ 第1题"), message_id=SHEET)
    hard = button_data(q1, "偏难")
    assert hard.endswith(":0:0:1"), hard  # question 1, option 1, opened from the review
    review = env.press(TRAINEE, hard, message_id=SHEET)
    assert REVIEW in first_text(review)

    # a double tap: the sheet is at the review, which is shown again; nothing changes
    again = env.press(TRAINEE, button_data(q1, "偏易"), message_id=SHEET)
    assert notice(again).text == "已为您显示当前题目"  # type: ignore[union-attr]
    assert REVIEW in first_text(again) and "→ 偏难" in first_text(again)

    caplog.set_level(logging.WARNING, logger="guopei.surveys")
    prefix = hard.rsplit(":", 3)[0]  # sv:1:a:<survey>:<response>
    response = prefix.split(":")[4]
    forged = [
        (OTHER, hard),  # another trainee's sheet
        (TRAINEE, hard[:-1] + "2"),  # a flag no button carries
        (TRAINEE, hard + ":1"),  # one field too many
        (TRAINEE, f"sv:1:r:{survey_id}:{response}:4"),  # back to the review from the review
        (TRAINEE, f"sv:1:c:{survey_id}:{response}:0"),  # 清空 on a choice question
        (TRAINEE, f"sv:1:c:{survey_id}:{response}:3:0"),  # 清空 with a bad flag
        (TRAINEE, f"sv:1:a:{survey_id + 7}:{response}:0:0:1"),  # another survey
    ]
    for user, data in forged:
        refused = env.press(user, data, message_id=SHEET)
        assert notice(refused).text == FORGED, data  # type: ignore[union-attr]
        assert notice(refused).alert, data  # type: ignore[union-attr]
    assert caplog.text.count("refused survey callback") == len(forged)
    assert stored(env)[0].choice == 0

    done = env.press(TRAINEE, button_data(review, "✅ 提交"), message_id=SHEET)
    assert "已提交" in first_text(done)
    late = env.press(TRAINEE, button_data(q1, "偏易"), message_id=SHEET)
    assert notice(late).text == SUBMITTED  # type: ignore[union-attr]
    assert stored(env)[0].choice == 0


def test_an_optional_text_answer_can_be_cleared(env: SurveyEnv) -> None:
    _, review = to_review(env)
    q4 = env.press(TRAINEE, button_data(review, "⬅️ 上一题"), message_id=SHEET)
    assert CLEAR in labels_of(q4) and "下一题 ➡️" in labels_of(q4)
    cleared = env.press(TRAINEE, button_data(q4, CLEAR), message_id=SHEET)
    assert notice(cleared).text == "已清空回答"  # type: ignore[union-attr]
    assert "4/4" in first_text(cleared) and "当前回答" not in first_text(cleared)
    assert "跳过 ➡️" in labels_of(cleared) and CLEAR not in labels_of(cleared)
    assert len(stored(env)) == 3
    review = env.press(TRAINEE, button_data(cleared, "跳过 ➡️"), message_id=SHEET)
    assert "→ （未填）" in first_text(review)

    # from the review: written, then taken back, then back to the review
    q4 = env.press(TRAINEE, button_data(review, "✏️ 第4题"), message_id=SHEET)
    assert CLEAR not in labels_of(q4)  # nothing to clear
    review = env.text(TRAINEE, "写错了")[-1:]
    q4 = env.press(TRAINEE, button_data(review, "✏️ 第4题"), message_id=53)
    cleared = env.press(TRAINEE, button_data(q4, CLEAR), message_id=53)
    assert "4/4" in first_text(cleared) and labels_of(cleared) == [BACK]
    review = env.press(TRAINEE, button_data(cleared, BACK), message_id=53)
    assert "→ （未填）" in first_text(review) and len(stored(env)) == 3


def test_a_required_text_answer_offers_no_clearing(env: SurveyEnv) -> None:
    write_template(
        env.services.settings.data_dir / "survey_templates",
        "must_write",
        [{"text": "本次培训的收获", "kind": "text"}],
        title="培训收获",
    )
    class_id = env.new_class(MANAGER, [TRAINEE])
    survey_id = env.send_survey(MANAGER, class_id, "must_write")
    env.press(TRAINEE, f"sv:1:s:{survey_id}", message_id=SHEET)
    review = env.text(TRAINEE, "学到了很多")[-1:]
    q1 = env.press(TRAINEE, button_data(review, "✏️ 第1题"), message_id=54)
    assert "当前回答：学到了很多" in first_text(q1) and labels_of(q1) == [BACK]
    review = env.press(TRAINEE, button_data(q1, BACK), message_id=54)
    back = env.press(TRAINEE, button_data(review, "⬅️ 上一题"), message_id=54)
    assert "当前回答：学到了很多" in first_text(back) and CLEAR not in labels_of(back)
    data = button_data(back, "下一题 ➡️")
    refused = env.press(TRAINEE, data.replace(":n:", ":c:"), message_id=54)
    assert notice(refused).text == FORGED  # type: ignore[union-attr]
    assert stored(env)[0].text == "学到了很多"


# ---------------------------------------------------------------- the real bot process

E2E_TRAINEE = 201
E2E_TITLE = "专题课程反馈"


def test_the_real_bot_restarted_between_the_tap_and_the_answer(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    comment = {"kind": "text", "text": "还有什么建议？", "options": [], "required": False}
    seeding.seed_survey(
        data_dir,
        class_name="英语三班",
        trainees=[E2E_TRAINEE],
        title=E2E_TITLE,
        anonymous=False,
        questions=[seeding.DIFFICULTY, seeding.OVERALL, comment],
    )
    bot = start_bot()
    sheet = reply(tg, E2E_TRAINEE, "/mysurveys", E2E_TITLE).message_id
    press(tg, E2E_TRAINEE, sheet, "开始", "开始填写", shows="1/3")
    press(tg, E2E_TRAINEE, sheet, "适中", "已记录", shows="2/3")
    press(tg, E2E_TRAINEE, sheet, "满意", "已记录", shows="3/3")
    review = reply(tg, E2E_TRAINEE, "很好", REVIEW).message_id

    # ✏️ 第3题, the bot restarts, the text: back to the review, not a question to the bot
    press(tg, E2E_TRAINEE, review, "✏️ 第3题", "", shows="3/3")
    bot.stop()
    bot = start_bot()
    review = reply(tg, E2E_TRAINEE, "希望多安排课堂观摩", REVIEW)
    assert "→ 希望多安排课堂观摩" in review.text, review.text

    # ✏️ 第1题, the bot restarts, a tap on the question: back to the review
    press(tg, E2E_TRAINEE, review.message_id, "✏️ 第1题", "", shows="1/3")
    bot.stop()
    bot = start_bot()
    press(tg, E2E_TRAINEE, review.message_id, "偏难", "已记录", shows=REVIEW)
    page = message(tg, E2E_TRAINEE, review.message_id)
    assert "→ 偏难" in page["text"] and "→ 希望多安排课堂观摩" in page["text"], page["text"]
    press(tg, E2E_TRAINEE, review.message_id, "提交", "提交成功", shows="已提交")
    assert "✅ 提交" not in labels(message(tg, E2E_TRAINEE, review.message_id))
