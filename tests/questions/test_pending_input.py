"""What the bot waits for ends: a command or half an hour ends a pending input, so a later
message is never taken as the answer to an old request. And any private message after
unblocking the bot."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.db import crud
from bot.db.models import Membership, PendingInput
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, button, text_of

OUT_OF_SCOPE = "明天北京天气怎么样"
UNRELATED = "明天的课几点开始"


async def manager_starts_answering(chat) -> None:
    """A trainee hands a question over; the manager presses 回答 and is asked for the text."""
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (to_manager,) = chat.messenger.to(MANAGER)
    asked = await chat.press(MANAGER, to_manager[1][0][0].data)
    assert "请直接发送您的回答" in text_of(asked)


def pending_of(chat, user_id: int) -> PendingInput | None:
    with chat.services.session() as session:
        return crud.get_pending(session, user_id=user_id)


def age_pending(chat, user_id: int, *, minutes: int) -> None:
    """Make the user's pending input look `minutes` older."""
    with chat.services.session() as session:
        pending = crud.get_pending(session, user_id=user_id)
        pending.updated_at -= timedelta(minutes=minutes)
        session.add(pending)
        session.commit()


async def test_a_command_ends_the_wait_for_a_reply(chat):
    await manager_starts_answering(chat)

    listed = await chat.say(MANAGER, "/reminders")

    assert text_of(listed).startswith("已取消")  # said first, then the reminders
    assert "回答" not in text_of(listed).split("\n", 1)[1]
    assert pending_of(chat, MANAGER) is None
    later = await chat.say(MANAGER, UNRELATED)
    assert "已把回答发给学员" not in text_of(later)
    assert chat.messenger.to(TRAINEE) == []


async def test_cancel_says_whether_anything_was_cancelled(chat):
    assert "没有等待您输入" in text_of(await chat.say(MANAGER, "/cancel"))
    await manager_starts_answering(chat)

    assert "已取消" in text_of(await chat.say(MANAGER, "/cancel"))
    await chat.say(MANAGER, UNRELATED)
    assert chat.messenger.to(TRAINEE) == []


async def test_a_wait_older_than_half_an_hour_has_expired(chat):
    await manager_starts_answering(chat)
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, UNRELATED)

    assert text_of(late).startswith("⌛") and "已自动取消" in text_of(late)
    assert chat.messenger.to(TRAINEE) == []
    # The reply wait is over; the late text is only kept for a one-tap 「📨 发给学员」 (QA16 M3).
    pending = pending_of(chat, MANAGER)
    assert pending is None or pending.kind == "handoff_answer_offer"


async def test_a_recent_wait_still_takes_the_reply(chat):
    await manager_starts_answering(chat)
    age_pending(chat, MANAGER, minutes=25)

    assert "已把回答发给学员" in text_of(await chat.say(MANAGER, "下雨照常上课。"))
    assert "下雨照常上课" in chat.messenger.to(TRAINEE)[0][0]


def blocked_marks(chat, user_id: int) -> list[bool]:
    with chat.services.session() as session:
        memberships = session.exec(select(Membership).where(Membership.user_id == user_id))
        return [m.blocked for m in memberships]


async def test_any_private_message_after_unblocking_makes_the_trainee_reachable(chat):
    for message in ("/start", "参训教师年龄有什么要求", "/myclass"):
        with chat.services.session() as session:
            crud.mark_blocked(session, user_id=TRAINEE)

        await chat.say(TRAINEE, message)

        assert blocked_marks(chat, TRAINEE) == [False], message


async def test_a_group_message_does_not_clear_the_mark(chat):
    """Writing in a group says nothing about the private chat the trainee blocked."""
    with chat.services.session() as session:
        crud.mark_blocked(session, user_id=TRAINEE)

    await chat.say(TRAINEE, "/ask 参训教师年龄有什么要求", chat_type="group")

    assert blocked_marks(chat, TRAINEE) == [True]


async def test_adding_a_manager_twice_says_so(chat):
    first = await chat.say(ADMIN, "/addmanager 4242")
    second = await chat.say(ADMIN, "/addmanager 4242")

    assert "✅ 已将" in text_of(first)
    assert "已经是班主任" in text_of(second) and "✅" not in text_of(second)


async def test_a_refusal_reads_without_a_stray_space(chat):
    refused = await chat.say(TRAINEE, "/unanswered")
    assert "抱歉，/unanswered 只有班主任可以使用" in text_of(refused)


async def test_a_double_tap_on_answer_asks_once(chat) -> None:  # type: ignore[no-untyped-def]
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (to_manager,) = chat.messenger.to(MANAGER)
    answer = to_manager[1][0][0].data

    first = await chat.press(MANAGER, answer)
    second = await chat.press(MANAGER, answer)

    assert "请直接发送您的回答" in text_of(first)
    assert [type(r).__name__ for r in second] == ["Notice"]
    assert "我在等着" in text_of(second)
    await chat.say(MANAGER, "下雨照常上课。")
    assert any("下雨照常上课" in text for text, _ in chat.messenger.to(TRAINEE))
