"""问班主任 on a question a manager set aside with 「🗑 忽略」, or on another ask of it: the
trainee asks for a person, so the question waits in /unanswered again (with the asks dismissed
with it) and each manager's 问班主任 message says 「这个问题您之前忽略过，学员又问了一次」
(「用户501老师之前忽略过」 to the others). The trainee's 「已转给班主任」 stays true; a double
tap sends nothing twice; dismissed again, the trainee is told once that no reply will come.
A stale 问班主任 of a question handed on and then dismissed says so instead of 「已经转给班主任」.
Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Notice, Reply
from bot.db import question_crud
from bot.db.question_models import QuestionLog
from tests.questions.conftest import MANAGER, TRAINEE, Chat, button, text_of
from tests.questions.dismissals import LOTTERY, WANG_FANG, WEATHER, open_two_class_chat
from tests.questions.test_qa15_dismiss_again import dismiss_confirmed, edited, handed_on

HANDED = "✅ 已转给班主任，回复会发到与我的私聊里。"
BACK_AGAIN = "学员又问了一次，已放回 /unanswered。"
YOU_DISMISSED = f"这个问题您之前忽略过，{BACK_AGAIN}"
MANAGER_DISMISSED = f"这个问题用户{MANAGER}老师之前忽略过，{BACK_AGAIN}"
NO_REPLY = "班主任暂时无法回复"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_two_class_chat(database_url, tmp_path, index_cache)


def asked_about(chat: Chat, manager: int, text: str = LOTTERY) -> list[str]:
    """The 问班主任 messages `manager` got about `text`."""
    return [m for m, _ in chat.messenger.to(manager) if "学员提问" in m and f"：{text}\n" in m]


def told_no_reply(chat: Chat) -> list[str]:
    """What the trainee was sent saying the manager cannot reply."""
    return [m for m, _ in chat.messenger.to(TRAINEE) if NO_REPLY in m]


def stored(chat: Chat, question_id: int) -> QuestionLog:
    with chat.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
    assert question is not None
    return question


async def junk_dismissed(chat: Chat, text: str = LOTTERY) -> tuple[list[Reply], int]:
    """The trainee asks `text` (declined, not handed on) and MANAGER dismisses it in one tap:
    the bot's reply to the trainee and the question's id."""
    reply = await chat.say(TRAINEE, text)
    with chat.services.session() as session:
        question_id = max(q.id for q in session.exec(select(QuestionLog)) if q.question == text)
    dismissed = await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0")
    assert Notice("已忽略，学员不会收到任何消息") in dismissed
    return reply, question_id


async def test_handed_on_after_a_dismissal_it_waits_again_and_managers_are_told(
    chat: Chat,
) -> None:
    reply, question_id = await junk_dismissed(chat)
    await junk_dismissed(chat, WEATHER)  # another question, which stays dismissed

    pressed = await chat.press(TRAINEE, button(reply, "问班主任"))

    assert Notice(HANDED) in pressed
    assert "✅ 已于" in text_of(pressed) and "问班主任" not in str(pressed)
    (to_manager,) = asked_about(chat, MANAGER)
    assert YOU_DISMISSED in to_manager
    assert "再点「🗑 忽略」，我会告诉学员班主任暂时无法回复" in to_manager
    (to_wang_fang,) = asked_about(chat, WANG_FANG)
    assert MANAGER_DISMISSED in to_wang_fang
    question = stored(chat, question_id)
    assert question.dismissed_at is None and question.dismissed_by is None
    for manager in (MANAGER, WANG_FANG):
        listing = text_of(await chat.say(manager, "/unanswered"))
        assert f"🙋 等您回复（未能回答）\n{LOTTERY}" in listing, manager
        assert WEATHER not in listing and "已忽略 1 条" in listing, manager
    assert told_no_reply(chat) == []


async def test_dismissed_again_the_trainee_is_told_once(chat: Chat) -> None:
    reply, question_id = await junk_dismissed(chat)
    await chat.press(TRAINEE, button(reply, "问班主任"))

    done = await dismiss_confirmed(chat, question_id, by=WANG_FANG)
    await chat.press(MANAGER, f"kbm:1:und:{question_id}:30:0")
    await dismiss_confirmed(chat, question_id)

    assert "我已告诉学员" in edited(done).text
    assert told_no_reply(chat) == [
        f"您转给班主任的问题「{LOTTERY}」班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
    ]
    assert stored(chat, question_id).dismissed_at is not None


async def test_a_repeat_handed_on_brings_back_the_dismissed_asks(chat: Chat) -> None:
    first = await handed_on(chat)
    await dismiss_confirmed(chat, first)
    assert len(told_no_reply(chat)) == 1

    again = f"{LOTTERY}？"
    second = await handed_on(chat, again)

    (to_manager,) = asked_about(chat, MANAGER, again)
    assert YOU_DISMISSED in to_manager
    listing = text_of(await chat.say(MANAGER, "/unanswered"))
    assert f"{again}（问了 2 次）" in listing and "已忽略" not in listing
    assert stored(chat, first).dismissed_at is None
    # The trainee asked for a person again: dismissing it now tells them, once more.
    await dismiss_confirmed(chat, second)
    assert len(told_no_reply(chat)) == 2
    assert stored(chat, first).dismissed_at == stored(chat, second).dismissed_at is not None


async def test_answered_from_the_new_message_closes_every_ask(chat: Chat) -> None:
    first = await handed_on(chat)
    await dismiss_confirmed(chat, first)
    second = await handed_on(chat, f"{LOTTERY}？")

    prompt = text_of(await chat.press(MANAGER, f"kbm:1:ans:{second}:ho"))
    assert "忽略" not in prompt
    sent = text_of(await chat.say(MANAGER, "彩票的事请看彩票站公告。"))

    assert sent.startswith("✅ 已把回答发给学员。") and "撤销忽略" not in sent
    for asked in (first, second):
        assert stored(chat, asked).manager_answer == "彩票的事请看彩票站公告。"
    assert "最近 30 天没有忽略的问题" in text_of(await chat.press(MANAGER, "kbm:1:dpg:30:0"))


async def test_a_double_tap_sends_each_manager_one_message(chat: Chat) -> None:
    reply, question_id = await junk_dismissed(chat)
    hand_on = button(reply, "问班主任")

    first, second = await asyncio.gather(
        chat.press(TRAINEE, hand_on), chat.press(TRAINEE, hand_on)
    )

    assert len(asked_about(chat, MANAGER)) == 1 and len(asked_about(chat, WANG_FANG)) == 1
    pop_ups = [r.text for r in [*first, *second] if isinstance(r, Notice)]
    assert HANDED in pop_ups
    assert "这个问题已经转给班主任了，回复会发到与我的私聊里。" in pop_ups
    with chat.services.session() as session:
        recipients = question_crud.handoff_recipients(session, question_id=question_id)
    assert sorted(r.user_id for r in recipients) == [MANAGER, WANG_FANG]


async def test_a_stale_button_on_a_question_dismissed_after_it_was_handed_on(
    chat: Chat,
) -> None:
    reply = await chat.say(TRAINEE, LOTTERY)
    hand_on = button(reply, "问班主任")
    await chat.press(TRAINEE, hand_on)
    with chat.services.session() as session:
        question_id = max(q.id for q in session.exec(select(QuestionLog)))
    await dismiss_confirmed(chat, question_id)
    sent_before = len(chat.messenger.sent)

    pressed = await chat.press(TRAINEE, hand_on)

    no_reply = "班主任暂时无法回复这个问题，可以换个说法再问，或当面问班主任。"
    assert Notice(no_reply, alert=True) in pressed
    assert len(chat.messenger.sent) == sent_before
    assert stored(chat, question_id).dismissed_at is not None


def test_claim_handoff_once_and_only_the_same_question(chat: Chat) -> None:
    with chat.services.session() as session:
        lottery = question_crud.log_question(
            session, user_id=TRAINEE, chat_id=TRAINEE, question=LOTTERY, answered=False
        )
        weather = question_crud.log_question(
            session, user_id=TRAINEE, chat_id=TRAINEE, question=WEATHER, answered=False
        )
        repeat = question_crud.log_question(
            session, user_id=TRAINEE, chat_id=TRAINEE, question=f" {LOTTERY}?", answered=False
        )
        for question in (lottery, weather):
            assert question_crud.dismiss_question(
                session, question_id=question.id, manager_id=MANAGER
            )

        undone = question_crud.claim_handoff(session, question_id=repeat.id)
        twice = question_crud.claim_handoff(session, question_id=repeat.id)

        assert undone is not None and [(d.dismissed_by, d.asks) for d in undone] == [(MANAGER, 1)]
        assert twice is None
        assert question_crud.get_question(session, question_id=lottery.id).dismissed_at is None
        assert question_crud.get_question(session, question_id=weather.id).dismissed_at
