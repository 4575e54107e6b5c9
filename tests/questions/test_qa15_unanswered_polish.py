"""/unanswered after 「🗑 忽略」 (QA15 M8, L1, L2, L3).

- M8: the trainee asking a dismissed question again (the same words, as repeats are matched)
  does not put it back in /unanswered: the new ask is set aside with it, by the same manager,
  one entry of 「🗂 查看已忽略的」 that says 「之后学员又问了 N 次」, restored with it. Only
  问班主任 brings it back; another trainee's ask of it is their own question.
- L1: the list of dismissed questions covers the days /unanswered covers (30 unless typed),
  however long ago the question was dismissed.
- L2: a dismissed handed-on question there says 「🙋 已告诉学员暂时无法回复」, not 「等您回复」.
- L3: the confirmation for a handed-on question the notices now answer asks 「确定忽略吗？」 once.

Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.chat import Edit, Notice, Reply
from bot.db import crud, question_crud
from bot.db.models import Membership
from bot.db.question_models import QuestionLog
from tests.questions.conftest import MANAGER, TRAINEE, Chat, button, text_of
from tests.questions.dismissals import (
    LOTTERY,
    SHOWN,
    WANG_FANG,
    WEATHER,
    declined,
    open_two_class_chat,
)
from tests.questions.test_unanswered_now_answerable import LEAVE, NOTICE

CLASSMATE = 1003  # another trainee of MANAGER's class
ASKED_AGAIN = "之后学员又问了 1 次"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_two_class_chat(database_url, tmp_path, index_cache)


def edited(replies: list[Reply]) -> Edit:
    (edit,) = [r for r in replies if isinstance(r, Edit)]
    return edit


def stored(chat: Chat, question_id: int) -> QuestionLog:
    with chat.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
    assert question is not None
    return question


def latest_id(chat: Chat) -> int:
    with chat.services.session() as session:
        return max(q.id for q in session.exec(select(QuestionLog)))


async def junk_dismissed(chat: Chat, text: str = LOTTERY) -> int:
    """The trainee asks `text` (declined) and MANAGER dismisses it in one tap; its id."""
    question_id = await declined(chat, text)
    pressed = await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0")
    assert Notice("已忽略，学员不会收到任何消息") in pressed
    return question_id


async def test_asked_again_a_dismissed_question_stays_dismissed(chat: Chat) -> None:
    first = await junk_dismissed(chat)
    told = {who: list(chat.messenger.to(who)) for who in (MANAGER, WANG_FANG)}

    reply = await chat.say(TRAINEE, f"{LOTTERY}？")

    assert "没有找到能回答" in text_of(reply) and button(reply, "问班主任")
    assert {who: chat.messenger.to(who) for who in told} == told  # nobody is disturbed
    again = latest_id(chat)
    assert stored(chat, again).dismissed_at == stored(chat, first).dismissed_at is not None
    assert stored(chat, again).dismissed_by == MANAGER
    for manager in (MANAGER, WANG_FANG):
        listing = text_of(await chat.say(manager, "/unanswered"))
        assert LOTTERY not in listing and "已忽略 1 条（最近 30 天）" in listing, manager


async def test_the_dismissed_list_says_it_was_asked_again_and_restores_both(chat: Chat) -> None:
    first = await junk_dismissed(chat)
    await chat.say(TRAINEE, LOTTERY)
    again = latest_id(chat)

    shown = edited(await chat.press(MANAGER, "kbm:1:dpg:30:0"))

    assert "共 1 条" in shown.text
    assert f"\n{LOTTERY}（问了 2 次）\n<i>🗑 用户{MANAGER} 今天 " in shown.text
    assert shown.text.endswith(f" 忽略，{ASKED_AGAIN}</i>")
    restored = edited(await chat.press(MANAGER, f"kbm:1:rst:{again}:30:0"))
    assert "又回到了待解答的列表里" in restored.text
    assert stored(chat, first).dismissed_at is None and stored(chat, again).dismissed_at is None
    listing = text_of(await chat.say(MANAGER, "/unanswered"))
    assert f"{LOTTERY}（问了 2 次）" in listing and "已忽略" not in listing


async def test_undo_in_the_dismissal_message_brings_back_the_later_ask_too(chat: Chat) -> None:
    first = await junk_dismissed(chat)
    await chat.say(TRAINEE, f"{LOTTERY}。")

    await chat.press(MANAGER, f"kbm:1:und:{first}:30:0")

    listing = text_of(await chat.say(MANAGER, "/unanswered"))
    assert "（问了 2 次）" in listing and "已忽略" not in listing


async def test_handed_on_the_repeat_comes_back_with_the_dismissed_ask(chat: Chat) -> None:
    first = await junk_dismissed(chat)
    reply = await chat.say(TRAINEE, f"{LOTTERY}？")
    again = latest_id(chat)

    pressed = await chat.press(TRAINEE, button(reply, "问班主任"))

    assert Notice("✅ 已转给班主任，回复会发到与我的私聊里。") in pressed
    to_manager = [m for m, _ in chat.messenger.to(MANAGER) if "学员提问" in m]
    assert len(to_manager) == 1 and "这个问题您之前忽略过" in to_manager[0]
    assert stored(chat, first).dismissed_at is None and stored(chat, again).dismissed_at is None
    listing = text_of(await chat.say(MANAGER, "/unanswered"))
    assert f"🙋 等您回复（未能回答）\n{LOTTERY}？（问了 2 次）" in listing
    assert "已忽略" not in listing


async def test_another_trainee_asking_it_is_a_new_question(chat: Chat) -> None:
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        crud.upsert_user(session, user_id=CLASSMATE, first_name="李华")
        crud.join_class(session, user_id=CLASSMATE, class_id=training_class.id)
    chat.names[CLASSMATE] = "李华"
    await junk_dismissed(chat)

    theirs = await declined(chat, LOTTERY, user_id=CLASSMATE)

    assert stored(chat, theirs).dismissed_at is None
    listing = text_of(await chat.say(MANAGER, "/unanswered"))
    assert "1. 李华 · " in listing and LOTTERY in listing and "已忽略 1 条" in listing


async def test_a_different_question_of_the_same_trainee_is_listed(chat: Chat) -> None:
    await junk_dismissed(chat)

    other = await declined(chat, WEATHER)

    assert stored(chat, other).dismissed_at is None
    assert WEATHER in text_of(await chat.say(MANAGER, "/unanswered"))


def test_a_thumbs_down_on_a_repeat_answered_since_stays_dismissed(chat: Chat) -> None:
    with chat.services.session() as session:
        junk = question_crud.log_question(
            session, user_id=TRAINEE, chat_id=TRAINEE, question=LOTTERY, answered=False
        )
        assert junk.id is not None
        dismissed_at = question_crud.dismiss_question(
            session, question_id=junk.id, manager_id=WANG_FANG
        )
        answered = question_crud.log_question(
            session, user_id=TRAINEE, chat_id=TRAINEE, question=LOTTERY, answered=True
        )
        assert answered.id is not None and answered.dismissed_at is None
        question_crud.set_feedback(session, question_id=answered.id, feedback="down")
        rated = question_crud.get_question(session, question_id=answered.id)
    assert rated is not None
    assert rated.dismissed_at == dismissed_at and rated.dismissed_by == WANG_FANG


async def test_dismissed_long_ago_it_is_still_listed_and_restorable(chat: Chat) -> None:
    question_id = await junk_dismissed(chat)
    with chat.services.session() as session:
        at = stored(chat, question_id).dismissed_at
        assert at is not None
        session.execute(
            update(QuestionLog)
            .where(QuestionLog.id == question_id)
            .values(dismissed_at=at - timedelta(days=8))
        )
        session.commit()

    listing = await chat.say(MANAGER, "/unanswered")

    assert text_of(listing).endswith("<i>已忽略 1 条（最近 30 天）</i>")
    shown = edited(await chat.press(MANAGER, button(listing, SHOWN)))
    assert "（最近 30 天，共 1 条，最近忽略的在前）" in shown.text and LOTTERY in shown.text
    restored = edited(await chat.press(MANAGER, f"kbm:1:rst:{question_id}:30:0"))
    assert "又回到了待解答的列表里" in restored.text
    assert LOTTERY in text_of(await chat.say(MANAGER, "/unanswered"))


async def test_the_dismissed_list_covers_the_days_the_list_was_asked_for(chat: Chat) -> None:
    question_id = await junk_dismissed(chat)
    with chat.services.session() as session:
        at = stored(chat, question_id).dismissed_at
        assert at is not None
        session.execute(
            update(QuestionLog)
            .where(QuestionLog.id == question_id)
            .values(created_at=at - timedelta(days=40), dismissed_at=at - timedelta(days=39))
        )
        session.execute(  # the trainee had joined by then
            update(Membership)
            .where(Membership.user_id == TRAINEE)
            .values(joined_at=at - timedelta(days=100))
        )
        session.commit()

    assert "已忽略" not in text_of(await chat.say(MANAGER, "/unanswered"))
    longer = await chat.say(MANAGER, "/unanswered 60")
    assert text_of(longer).endswith("<i>已忽略 1 条（最近 60 天）</i>")
    assert button(longer, SHOWN) == "kbm:1:dpg:60:0"
    shown = edited(await chat.press(MANAGER, "kbm:1:dpg:60:0"))
    assert "（最近 60 天，共 1 条" in shown.text and LOTTERY in shown.text
    nothing = edited(await chat.press(MANAGER, "kbm:1:dpg:30:0"))
    assert nothing.text == "最近 30 天没有忽略的问题。"


async def test_a_dismissed_handed_on_question_says_the_trainee_was_told(chat: Chat) -> None:
    await chat.press(TRAINEE, button(await chat.say(TRAINEE, LOTTERY), "问班主任"))
    question_id = latest_id(chat)
    done = await chat.press(MANAGER, f"kbm:1:dsy:{question_id}:30:0")
    assert "我已告诉学员" in edited(done).text

    shown = edited(await chat.press(MANAGER, "kbm:1:dpg:30:0"))

    assert " · 🙋 已告诉学员暂时无法回复（未能回答）\n" in shown.text
    assert "等您回复" not in shown.text


async def test_the_confirmation_asks_once_for_a_handed_on_question_now_answerable(
    chat: Chat,
) -> None:
    await chat.press(TRAINEE, button(await chat.say(TRAINEE, LEAVE), "问班主任"))
    question_id = latest_id(chat)
    report = text_of(await chat.send_file(900, "notice2026.txt", NOTICE.encode()))
    assert "✅ 已加入知识库" in report, report

    asked = edited(await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0"))

    assert asked.text.count("确定忽略吗？") == 1, asked.text
    assert "这位学员点过「问班主任」，还在等您回复。确定忽略吗？" in asked.text
    assert asked.text.endswith(
        "\n要把条款发给学员，请点「↩️ 返回」，再点「📨 把条款发给学员」。"
    ), asked.text
    assert "💡 现在知识库能回答了" in asked.text
