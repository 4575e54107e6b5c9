"""End to end (the real bot process, the fake Bot API server): QA20 F10. A trainee at a survey's
review page (not submitted) sends a command (/cancel), then types a text meant to replace the
comment: it is offered as the comment (「要把这段话记作第 3 题…的回答吗？」), as it is without
the command, and never answered as a policy question nor logged for /unanswered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from bot.db.question_models import QuestionLog
from bot.db.session import make_engine
from tests.e2e.test_surveys import labels, message
from tests.surveys import seeding
from tests.surveys.test_addressees_e2e import press, reply

TRAINEE = 201
TITLE = "专题课程反馈"
OFFER = "要把这段话记作第 3 题（还有什么想对授课老师说的？）的回答吗？"


def seed_survey(data_dir: Path) -> int:
    difficulty = {"kind": "single", "text": "课程难度", "options": ["偏难", "适中", "偏易"]}
    comment = {
        "kind": "text",
        "text": "还有什么想对授课老师说的？",
        "options": [],
        "required": False,
    }
    return seeding.seed_survey(
        data_dir,
        class_name="英语三班",
        trainees=[TRAINEE, 202],
        title=TITLE,
        anonymous=False,
        questions=[difficulty, seeding.OVERALL, comment],
    )


def questions_logged(data_dir: Path) -> int:
    """How many texts the bot took as a question (what /unanswered is made of)."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        count = session.execute(select(func.count()).select_from(QuestionLog)).scalar_one()
    engine.dispose()
    return count


def at_review(tg) -> int:  # type: ignore[no-untyped-def]
    """Answer questions 1–3 (the comment 「😀😀」): the review page's message id."""
    sheet = reply(tg, TRAINEE, "/mysurveys", TITLE).message_id
    press(tg, TRAINEE, sheet, "开始", "开始填写", shows="1/3")
    press(tg, TRAINEE, sheet, "适中", "已记录", shows="2/3")
    press(tg, TRAINEE, sheet, "非常满意", "已记录", shows="3/3")
    return reply(tg, TRAINEE, "😀😀", "请核对您的回答").message_id


def test_a_text_after_a_command_at_the_review_is_offered_as_the_comment(
    start_bot, fake_telegram, data_dir
):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    seed_survey(data_dir)
    start_bot()
    at_review(tg)
    reply(tg, TRAINEE, "/cancel", "")

    mark = tg.mark()
    offer = reply(tg, TRAINEE, "老师讲得很好", "记作")
    assert OFFER in offer.text, offer.text
    assert "第 3 题已有回答，原来的回答会被替换：「😀😀」" in offer.text, offer.text
    found = labels(message(tg, TRAINEE, offer.message_id))
    assert "记作第3题的回答（替换原回答）" in found and "✖ 不记录" in found, found
    said = [c.params.get("text", "") for c in tg.calls()[mark:] if c.method == "sendMessage"]
    assert not any("抱歉" in text or "问班主任" in text for text in said), said
    assert questions_logged(data_dir) == 0

    # 「✅ 记作…」: the review shows the new comment; 提交 sends it
    press(tg, TRAINEE, offer.message_id, "记作第3题", "已记录", shows="老师讲得很好")
    press(tg, TRAINEE, offer.message_id, "提交", "提交成功", shows="已提交")
    assert questions_logged(data_dir) == 0

    # submitted: the next text is a question again
    reply(tg, TRAINEE, "参加国培有年龄限制吗", "")
    tg.wait_until(lambda t: questions_logged(data_dir) == 1, timeout=30)


def test_a_text_at_the_review_is_offered_without_a_command_too(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    seed_survey(data_dir)
    start_bot()
    at_review(tg)
    offer = reply(tg, TRAINEE, "老师讲得很好", "记作")
    assert OFFER in offer.text, offer.text
    assert questions_logged(data_dir) == 0

    # 「✖ 不记录」: it was meant for the bot; later texts are questions, after a command too
    press(tg, TRAINEE, offer.message_id, "不记录", "", shows="没有记录")
    reply(tg, TRAINEE, "参加国培有年龄限制吗", "")
    tg.wait_until(lambda t: questions_logged(data_dir) == 1, timeout=30)
    reply(tg, TRAINEE, "/help", "")
    reply(tg, TRAINEE, "培训期间的交通费怎么报销", "")
    tg.wait_until(lambda t: questions_logged(data_dir) == 2, timeout=30)
