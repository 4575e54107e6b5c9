"""A question handed on (问班主任) and dismissed, brought back with 「↩️ 撤销忽略」 and dismissed
again (QA15 #1): the trainee reads 「班主任暂时无法回复」 once, not at every dismissal; the
manager is told so in the confirmation and after it. Another ask of it the trainee hands on
after that is a new request, and its dismissal tells them again. Through the conversation
core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Edit, Notice, Reply
from bot.db import question_crud
from bot.db.question_models import QuestionLog
from tests.questions.conftest import MANAGER, TRAINEE, Chat, button, text_of
from tests.questions.dismissals import LOTTERY, WANG_FANG, open_two_class_chat

TOLD = f"您转给班主任的问题「{LOTTERY}」班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
TOLD_BEFORE = (
    "这位学员点过「问班主任」，上次忽略时已经告诉过学员班主任暂时无法回复，这次没有再发消息给学员。"
)


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_two_class_chat(database_url, tmp_path, index_cache)


def edited(replies: list[Reply]) -> Edit:
    (edit,) = [r for r in replies if isinstance(r, Edit)]
    return edit


def told_trainee(chat: Chat) -> int:
    """How many times the trainee was told the manager cannot reply."""
    return sum(text == TOLD for text, _ in chat.messenger.to(TRAINEE))


async def handed_on(chat: Chat, text: str = LOTTERY) -> int:
    """The trainee asks `text`, the bot declines, the trainee presses 问班主任; its id."""
    await chat.press(TRAINEE, button(await chat.say(TRAINEE, text), "问班主任"))
    with chat.services.session() as session:
        return max(q.id for q in session.exec(select(QuestionLog)) if q.question == text)


async def dismiss_confirmed(chat: Chat, question_id: int, by: int = MANAGER) -> list[Reply]:
    """🗑 pressed on the handed-on question, then 「🗑 确定忽略」 in the confirmation."""
    asked = edited(await chat.press(by, f"kbm:1:dis:{question_id}:30:0"))
    assert "🗑 确定忽略" in [b.text for row in asked.buttons for b in row], asked.text
    return await chat.press(by, f"kbm:1:dsy:{question_id}:30:0")


async def test_dismissed_again_after_undo_the_trainee_is_not_told_twice(chat: Chat) -> None:
    question_id = await handed_on(chat)
    first = await dismiss_confirmed(chat, question_id)
    assert f"我已告诉学员：{TOLD}" in edited(first).text
    assert told_trainee(chat) == 1
    restored = edited(await chat.press(MANAGER, f"kbm:1:und:{question_id}:30:0"))
    assert "学员已收到过「班主任暂时无法回复」，再次忽略不会再发给学员。" in restored.text

    asked = edited(await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0"))

    assert asked.text == (
        f"🗑 要忽略「{LOTTERY}」吗？\n\n这位学员点过「问班主任」。上次忽略时我已告诉学员："
        "班主任暂时无法回复，可以换个说法再问，或当面问班主任。这次忽略不会再给学员发消息。"
        "确定忽略吗？"
    )
    again = await chat.press(MANAGER, f"kbm:1:dsy:{question_id}:30:0")

    page = edited(again)
    assert page.text.startswith(f"🗑 已忽略「{LOTTERY}」。")
    assert TOLD_BEFORE in page.text and "我已告诉学员" not in page.text
    assert Notice("已忽略，学员上次已收到「班主任暂时无法回复」，没有再发") in again
    assert told_trainee(chat) == 1
    with chat.services.session() as session:
        stored = question_crud.get_question(session, question_id=question_id)
    assert stored is not None and stored.dismissed_at is not None


async def test_restored_from_the_dismissed_list_and_dismissed_by_another_manager(
    chat: Chat,
) -> None:
    question_id = await handed_on(chat)
    await dismiss_confirmed(chat, question_id)
    restored = edited(await chat.press(MANAGER, f"kbm:1:rst:{question_id}:30:0"))
    assert "又回到了待解答的列表里" in restored.text

    again = await dismiss_confirmed(chat, question_id, by=WANG_FANG)

    assert TOLD_BEFORE in edited(again).text
    assert told_trainee(chat) == 1
    # A third round changes nothing either.
    await chat.press(WANG_FANG, f"kbm:1:und:{question_id}:30:0")
    await dismiss_confirmed(chat, question_id)
    assert told_trainee(chat) == 1


async def test_junk_dismissed_and_restored_then_handed_on_is_told_when_dismissed(
    chat: Chat,
) -> None:
    reply = await chat.say(TRAINEE, LOTTERY)
    with chat.services.session() as session:
        question_id = max(q.id for q in session.exec(select(QuestionLog)))
    junk = await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0")  # one tap: not handed on
    assert Notice("已忽略，学员不会收到任何消息") in junk
    await chat.press(MANAGER, f"kbm:1:und:{question_id}:30:0")
    await chat.press(TRAINEE, button(reply, "问班主任"))

    done = await dismiss_confirmed(chat, question_id)

    assert f"我已告诉学员：{TOLD}" in edited(done).text
    assert told_trainee(chat) == 1


async def test_a_repeat_handed_on_after_the_undo_is_a_new_request(chat: Chat) -> None:
    first = await handed_on(chat)
    await dismiss_confirmed(chat, first)
    await chat.press(MANAGER, f"kbm:1:und:{first}:30:0")
    # The trainee asks again and hands this ask on too: they are waiting again.
    second = await handed_on(chat, f"{LOTTERY}？")
    listing = text_of(await chat.say(MANAGER, "/unanswered"))
    assert "（问了 2 次）" in listing

    done = await dismiss_confirmed(chat, second)

    told_again = TOLD.replace(f"「{LOTTERY}」", f"「{LOTTERY}？」")
    assert f"我已告诉学员：{told_again}" in edited(done).text
    assert told_trainee(chat) == 1
    assert [text for text, _ in chat.messenger.to(TRAINEE)].count(told_again) == 1
