"""The message a manager answers a question from is edited once the answer reached the trainee:
the /unanswered page 「回答」 was pressed in is shown again without the question (as after
「📌 用标准答案回复」, tests/questions/test_curated_reply.py), and the message a trainee's
问班主任 brought loses its buttons and says 「✅ 已回复。」. Not when the answer did not reach
the trainee (「回答」 stays there to send it again), nor for a button from before buttons said
which message they are in. Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import Edit, Notice, Reply, Send
from bot.db import question_crud
from bot.db.models import utcnow
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

WEATHER = "明天北京天气怎么样"  # the notices do not cover either: both are declined
RAIN = "明天上海会下雨吗"
LIST_MESSAGE = 41  # the ids of the messages the manager presses in
PUSHED_MESSAGE = 42
ANSWER_HINT = "请点「回答」，您的回复会直接发给这位学员。"
STALE = "这个按钮已失效，请重新发送 /unanswered。"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


async def declined(chat: Chat, question: str) -> list[Reply]:
    """The trainee asks something the notices do not cover; the bot's reply."""
    reply = await chat.say(TRAINEE, question)
    assert "问班主任" in str(buttons_of(reply)), text_of(reply)
    return reply


async def handed_off(chat: Chat, to: int = MANAGER) -> tuple[str, str]:
    """The trainee hands WEATHER off with 问班主任: the message `to` got, and its 「回答」."""
    await chat.press(TRAINEE, button(await declined(chat, WEATHER), "问班主任"))
    ((pushed, buttons),) = [m for m in chat.messenger.to(to) if WEATHER in m[0]]
    assert [[b.text for b in row] for row in buttons] == [["✍️ 回答"]]
    assert pushed.endswith(f"{ANSWER_HINT}</i>") or "没有班主任" in pushed, pushed
    return pushed, buttons[0][0].data or ""


def edits(replies: list[Reply]) -> list[Edit]:
    return [reply for reply in replies if isinstance(reply, Edit)]


def answers_to_trainee(chat: Chat) -> list[str]:
    return [text for text, _ in chat.messenger.to(TRAINEE) if text.startswith("💬 <b>")]


async def test_a_typed_answer_shows_the_list_again_without_the_question(chat: Chat) -> None:
    await declined(chat, RAIN)
    await declined(chat, WEATHER)
    listing = await chat.say(MANAGER, "/unanswered 7")
    assert "共 2 条" in text_of(listing)
    assert text_of(listing).index(WEATHER) < text_of(listing).index(RAIN)  # newest first
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    replies = await chat.say(MANAGER, "明天有雨，请带伞。")

    sent, refreshed = replies
    assert isinstance(sent, Send) and sent.text.startswith("✅ 已把回答发给学员。")
    # The list pressed in, not a new message: the same page of the same days, renumbered.
    assert isinstance(refreshed, Edit) and refreshed.message_id == LIST_MESSAGE
    (fresh,) = await chat.say(MANAGER, "/unanswered 7")
    assert (refreshed.text, refreshed.buttons) == (fresh.text, fresh.buttons)
    assert "（最近 7 天，共 1 条，新的在前）" in refreshed.text
    assert WEATHER not in refreshed.text and f"1. 用户{TRAINEE}" in refreshed.text
    assert RAIN in refreshed.text
    assert [b.text for b in buttons_of([refreshed])] == ["✍️ 回答第 1 条", "🗑 忽略"]
    assert [a.split("答：")[1] for a in answers_to_trainee(chat)] == ["明天有雨，请带伞。"]


async def test_the_last_answer_of_the_list_leaves_it_empty(chat: Chat) -> None:
    await declined(chat, WEATHER)
    listing = await chat.say(MANAGER, "/unanswered")
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    (refreshed,) = edits(await chat.say(MANAGER, "明天有雨，请带伞。"))

    assert refreshed.message_id == LIST_MESSAGE
    assert (refreshed.text, refreshed.buttons) == ("👍 最近 30 天没有待解答的问题。", ())


async def test_the_handoff_message_answered_through_loses_its_buttons(chat: Chat) -> None:
    pushed, answer = await handed_off(chat)
    assert pushed == (
        f"🙋 <b>学员提问</b> · 语文一班\n用户{TRAINEE}：{WEATHER}\n\n"
        f"<i>我未能从通知中找到答案。{ANSWER_HINT}</i>"
    )
    await chat.press(MANAGER, answer, message_id=PUSHED_MESSAGE)

    replies = await chat.say(MANAGER, "明天有雨，请带伞。")

    assert text_of(replies).startswith("✅ 已把回答发给学员。")
    (answered,) = edits(replies)
    # That message, as it was, without the buttons nor the sentence asking to press them.
    assert answered.message_id == PUSHED_MESSAGE and answered.buttons == ()
    assert answered.text == (
        f"🙋 <b>学员提问</b> · 语文一班\n用户{TRAINEE}：{WEATHER}\n\n"
        "<i>我未能从通知中找到答案。</i>\n\n✅ 已回复。"
    )
    assert len(answers_to_trainee(chat)) == 1


async def test_an_admin_standing_in_keeps_the_note_why_it_came_to_them(chat: Chat) -> None:
    await chat.say(ADMIN, f"/removemanager {MANAGER}")
    pushed, answer = await handed_off(chat, to=ADMIN)
    note = "<i>这个培训班目前没有班主任（原班主任已被撤销），所以转给了管理员。</i>"
    assert pushed.endswith(f"{ANSWER_HINT}</i>\n{note}")
    await chat.press(ADMIN, answer, message_id=PUSHED_MESSAGE)

    (answered,) = edits(await chat.say(ADMIN, "明天有雨，请带伞。"))

    assert (answered.message_id, answered.buttons) == (PUSHED_MESSAGE, ())
    assert answered.text == pushed.replace(ANSWER_HINT, "") + "\n\n✅ 已回复。"


async def test_an_answer_that_did_not_reach_the_trainee_edits_nothing(chat: Chat) -> None:
    """The manager is told to press 「回答」 again to resend: the buttons stay for that."""
    _, answer = await handed_off(chat)
    listing = await chat.say(MANAGER, "/unanswered")
    chat.messenger.unreachable.add(TRAINEE)  # the trainee blocked the bot

    await chat.press(MANAGER, answer, message_id=PUSHED_MESSAGE)
    from_handoff = await chat.say(MANAGER, "明天有雨，请带伞。")
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)
    from_list = await chat.say(MANAGER, "明天有雨，请带伞。")

    for replies in (from_handoff, from_list):
        assert "没能发给学员（对方屏蔽了我或注销了账号）" in text_of(replies)
        assert edits(replies) == []


async def test_a_button_from_before_edits_nothing(chat: Chat) -> None:
    """「回答」 in a list or a handoff message sent before buttons said which they are in."""
    await declined(chat, WEATHER)
    listing = await chat.say(MANAGER, "/unanswered")
    old = button(listing, "回答第 1 条").rsplit(":", 2)[0]
    assert old.count(":") == 3  # kbm:1:ans:<id>
    await chat.press(MANAGER, old, message_id=LIST_MESSAGE)

    replies = await chat.say(MANAGER, "明天有雨，请带伞。")

    assert text_of(replies).startswith("✅ 已把回答发给学员。") and edits(replies) == []


async def test_forged_endings_are_refused(chat: Chat) -> None:
    await declined(chat, WEATHER)
    with chat.services.session() as session:
        (entry,) = question_crud.unanswered_for(
            session, manager_id=MANAGER, since=utcnow() - timedelta(days=1)
        )
    for forged in (
        f"kbm:1:ans:{entry.id}:x",
        f"kbm:1:ans:{entry.id}:ho:1",
        f"kbm:1:ans:{entry.id}:0:0",
        f"kbm:1:ans:{entry.id}:30:-1",
        f"kbm:1:ans:{entry.id}:30:0:0",
        f"kbm:1:cur:{entry.id}:ho",
    ):
        (notice,) = await chat.press(MANAGER, forged)
        assert isinstance(notice, Notice) and notice.alert and notice.text == STALE, forged
    await chat.say(MANAGER, "明天有雨，请带伞。")  # not taken as an answer: none was begun
    assert answers_to_trainee(chat) == []
