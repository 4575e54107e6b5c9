"""QA15 M5 and L4: a text that comes after an input expired (30 minutes) is never answered as a
policy question: no decline, no /unanswered hint, nothing in the question log (/kbstats).
A broadcast text is offered for broadcasting, and the ⌛ line before an offer does not say to
start again (QA16 L1); other inputs say how to start again. And /broadcast while its text is
awaited simply starts over."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.db import crud
from bot.db.question_models import QuestionLog
from bot.db.reminder_models import Broadcast
from tests.questions.conftest import MANAGER, TRAINEE, button, buttons_of, text_of

GATHERING = "明天上午9点在302教室集合，请带好身份证"
ASKED = "请发送要群发的内容"


def age_pending(chat, user_id: int, *, minutes: int) -> None:  # type: ignore[no-untyped-def]
    """Make the user's pending input look `minutes` older."""
    with chat.services.session() as session:
        pending = crud.get_pending(session, user_id=user_id)
        pending.updated_at -= timedelta(minutes=minutes)
        session.add(pending)
        session.commit()


def questions_logged(chat) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text taken as a question (what /unanswered and /kbstats count)."""
    with chat.services.session() as session:
        return [log.question for log in session.exec(select(QuestionLog))]


def broadcasts(chat) -> list[Broadcast]:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        return list(session.exec(select(Broadcast)))


def assert_not_a_question(said: str) -> None:
    assert "没有找到" not in said and "按提问处理" not in said and "/unanswered" not in said


async def test_a_broadcast_text_after_the_wait_expired_is_offered_for_broadcasting(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, GATHERING)

    said = text_of(late)
    assert said.startswith("⌛") and "已自动取消" in said
    assert "要群发刚才这段文字吗" in said and GATHERING in said
    assert "重新发送 /broadcast" not in said  # the button follows: no 「send it again」
    assert_not_a_question(said)
    assert questions_logged(chat) == [] and broadcasts(chat) == []  # nothing sent unasked
    confirm = await chat.press(MANAGER, button(late, "群发这段文字"))
    assert "确认群发" in text_of(confirm) and GATHERING in text_of(confirm)
    started = await chat.press(MANAGER, button(confirm, "确认发送"))
    assert "开始发送" in text_of(started)
    (sent,) = broadcasts(chat)
    assert sent.status == "sending" and sent.text.endswith(GATHERING)


async def test_the_broadcast_offer_ends_with_a_command(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, GATHERING)

    listed = text_of(await chat.say(MANAGER, "/myclass"))
    assert "我管理的培训班" in listed and not listed.startswith("已取消")  # no note to read

    gone = text_of(await chat.press(MANAGER, button(late, "群发这段文字")))
    assert "已经不在了" in gone and "/broadcast" in gone and broadcasts(chat) == []


async def test_a_closing_time_after_the_wait_expired_says_how_to_start_again(chat) -> None:
    with chat.services.session() as session:
        crud.set_pending(session, user_id=MANAGER, kind="survey_close", payload={"key": "x"})
    age_pending(chat, MANAGER, minutes=31)

    late = text_of(await chat.say(MANAGER, "下周五"))

    assert late.startswith("⌛") and "要发问卷，请重新发送 /survey" in late
    assert "这条消息没有处理" in late
    assert_not_a_question(late)
    assert questions_logged(chat) == []


async def test_survey_again_while_its_closing_time_is_awaited_simply_starts_over(chat) -> None:
    with chat.services.session() as session:
        crud.set_pending(session, user_id=MANAGER, kind="survey_close", payload={"key": "x"})

    again = text_of(await chat.say(MANAGER, "/survey"))

    assert "已取消发送问卷" not in again and "重新发送 /survey" not in again


async def test_only_the_first_text_after_the_expiry_is_held_back(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)
    await chat.say(MANAGER, GATHERING)

    await chat.say(MANAGER, "培训期间的交通费怎么报销")

    assert questions_logged(chat) == ["培训期间的交通费怎么报销"]


async def test_a_reply_to_a_trainee_after_the_wait_expired_is_no_question(chat) -> None:
    declined = await chat.say(TRAINEE, "明天北京天气怎么样")
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (to_manager,) = chat.messenger.to(MANAGER)
    await chat.press(MANAGER, to_manager[1][0][0].data)
    age_pending(chat, MANAGER, minutes=31)

    late = text_of(await chat.say(MANAGER, "下雨照常上课。"))

    # the reply is offered (QA16 M3): the ⌛ line does not also send them back to 「回答」
    assert late.startswith("⌛") and "要把这段话作为回复发给学员吗" in late
    assert "重新点「回答」" not in late
    assert questions_logged(chat) == ["明天北京天气怎么样"]  # the trainee's only
    assert chat.messenger.to(TRAINEE) == []


async def test_broadcast_again_while_its_text_is_awaited_simply_starts_over(chat) -> None:
    await chat.say(MANAGER, "/broadcast")

    again = text_of(await chat.say(MANAGER, "/broadcast"))
    assert again.startswith("📢") and ASKED in again
    assert "已取消" not in again and "重新发送 /broadcast" not in again

    direct = await chat.say(MANAGER, f"/broadcast {GATHERING}")
    assert "确认群发" in text_of(direct) and "已取消" not in text_of(direct)
    assert any("确认发送" in b.text for b in buttons_of(direct))
    # another command still says what it ended
    await chat.say(MANAGER, "/broadcast")
    assert "已取消群发" in text_of(await chat.say(MANAGER, "/myclass"))
