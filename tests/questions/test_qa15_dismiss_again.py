"""A question handed on (问班主任) and dismissed, brought back with 「↩️ 撤销忽略」 and dismissed
again (QA15 #1): the trainee reads 「班主任暂时无法回复」 once, not at every dismissal; the
manager is told so in the confirmation and after it. Another ask of it the trainee hands on
after that is a new request, and its dismissal tells them again.

A dismissed question's 问班主任 messages keep 「回答」 and 「📌 用标准答案回复」 (QA15 #2): the
prompt says it was dismissed and that an answer brings it back; the answer reaches the trainee
and restores it (with the repeats dismissed with it, all answered), and the manager is told;
「取消」 leaves it dismissed. Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Edit, Notice, Reply
from bot.db import question_crud
from bot.db.question_models import QuestionLog
from handlers.ask import refresh_curated
from tests.questions.conftest import MANAGER, TRAINEE, Chat, button, text_of
from tests.questions.dismissals import LOTTERY, WANG_FANG, open_two_class_chat

TOLD = f"您转给班主任的问题「{LOTTERY}」班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
UNDISMISSED = "↩️ 这个问题之前被忽略了，您回答后已撤销忽略。"
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


async def handed_on_later(chat: Chat) -> int:
    """The trainee asks `LOTTERY` again, declined, without handing it on; its id."""
    await chat.say(TRAINEE, f"{LOTTERY}？")
    with chat.services.session() as session:
        return max(q.id for q in session.exec(select(QuestionLog)))


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


def stored(chat: Chat, question_id: int) -> QuestionLog:
    with chat.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
    assert question is not None
    return question


def handoff_message_id(chat: Chat, question_id: int, manager_id: int = MANAGER) -> int:
    """The id of the 问班主任 message `manager_id` got for the question."""
    with chat.services.session() as session:
        rows = question_crud.handoff_messages(session, question_ids=[question_id])
    (message_id,) = [r.message_id for r in rows if r.manager_id == manager_id]
    assert message_id is not None
    return message_id


async def test_answer_in_the_handoff_message_of_a_dismissed_question_restores_it(
    chat: Chat,
) -> None:
    question_id = await handed_on(chat)
    handoff = handoff_message_id(chat, question_id)
    (sent_buttons,) = [b for text, b in chat.messenger.to(MANAGER) if LOTTERY in text]
    assert [b.data for row in sent_buttons for b in row] == [f"kbm:1:ans:{question_id}:ho"]
    await dismiss_confirmed(chat, question_id, by=WANG_FANG)  # the other class's manager
    assert told_trainee(chat) == 1

    prompt = text_of(await chat.press(MANAGER, f"kbm:1:ans:{question_id}:ho", handoff))

    assert (
        f"<i>⚠️ 这个问题已被用户{WANG_FANG}忽略，学员已收到「班主任暂时无法回复」。"
        "您发送回答后，我会撤销忽略，把回答照常发给学员。</i>"
    ) in prompt
    assert stored(chat, question_id).dismissed_at is not None  # nothing changed yet

    sent = await chat.say(MANAGER, "彩票的事请看彩票站公告，培训期间请专心学习。")

    assert text_of(sent).startswith(f"✅ 已把回答发给学员。\n{UNDISMISSED}")
    letter, _ = chat.messenger.to(TRAINEE)[-1]
    assert "回复了您的问题" in letter and "培训期间请专心学习" in letter
    question = stored(chat, question_id)
    assert question.dismissed_at is None and question.answered_by == MANAGER
    # The 问班主任 message answered through says so, without its buttons.
    (marked,) = [r for r in sent if isinstance(r, Edit) and r.message_id == handoff]
    assert marked.text.endswith("✅ 已回复。") and not marked.buttons
    # Gone from both lists, for both managers: answered, not dismissed.
    for who in (MANAGER, WANG_FANG):
        listing = text_of(await chat.say(who, "/unanswered"))
        assert LOTTERY not in listing and "已忽略" not in listing, who
    assert "最近 30 天没有忽略的问题" in text_of(await chat.press(MANAGER, "kbm:1:dpg:30:0"))


async def test_cancelled_the_question_stays_dismissed(chat: Chat) -> None:
    question_id = await handed_on(chat)
    await dismiss_confirmed(chat, question_id)
    prompt = text_of(await chat.press(MANAGER, f"kbm:1:ans:{question_id}:ho"))
    assert "这个问题已被您忽略，学员已收到「班主任暂时无法回复」。" in prompt
    before = list(chat.messenger.to(TRAINEE))

    cancelled = await chat.say(MANAGER, "取消")

    assert text_of(cancelled) == "已取消，没有发送任何回答。"
    assert chat.messenger.to(TRAINEE) == before
    assert stored(chat, question_id).dismissed_at is not None
    assert LOTTERY not in text_of(await chat.say(MANAGER, "/unanswered"))


async def test_the_repeats_dismissed_with_it_are_answered_with_it(chat: Chat) -> None:
    question_id = await handed_on(chat)
    repeat = await handed_on_later(chat)
    await dismiss_confirmed(chat, repeat)
    assert stored(chat, question_id).dismissed_at is not None

    await chat.press(MANAGER, f"kbm:1:ans:{question_id}:ho", handoff_message_id(chat, question_id))
    sent = text_of(await chat.say(MANAGER, "这个不归培训管。"))

    assert UNDISMISSED in sent and "这位学员把这个问题问了 2 次，都已标为已回答。" in sent
    for asked in (question_id, repeat):
        assert stored(chat, asked).dismissed_at is None
        assert stored(chat, asked).manager_answer == "这个不归培训管。"
    assert LOTTERY not in text_of(await chat.say(MANAGER, "/unanswered"))


async def test_a_saved_answer_sent_to_a_dismissed_question_restores_it(chat: Chat) -> None:
    with chat.services.session() as session:
        curated = question_crud.add_curated(
            session,
            question="今天北京天气怎么样",
            answer="请看中国天气网的北京预报，出门带伞。",
            created_by=WANG_FANG,
        )
    refresh_curated(chat.services)
    question_id = await handed_on(chat, "北京今天天气如何")
    use_saved = f"kbm:1:std:{question_id}:{curated.id}:ho"
    (sent_buttons,) = [b for text, b in chat.messenger.to(MANAGER) if "北京今天天气如何" in text]
    assert use_saved in [b.data for row in sent_buttons for b in row]
    await dismiss_confirmed(chat, question_id)

    pressed = await chat.press(MANAGER, use_saved, handoff_message_id(chat, question_id))

    assert text_of(pressed).startswith(f"✅ 已把王芳老师保存的标准答案发给学员。\n{UNDISMISSED}")
    letter, _ = chat.messenger.to(TRAINEE)[-1]
    assert "出门带伞" in letter
    assert stored(chat, question_id).dismissed_at is None
