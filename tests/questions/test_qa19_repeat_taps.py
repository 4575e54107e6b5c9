"""QA19 F8 and F9 (toast): a second tap on a confirmation that already worked leaves the success
message as it is and only toasts (/reminders 「🗑 确定取消」, /unanswered 「🗑 确定忽略」, which
keeps its 「↩️ 撤销忽略」); a trainee's repeat tap on 「🙋 问班主任」 after /removemanager says
the question went to 管理员, not 班主任. Through the conversation core on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Edit, Notice, Reply
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

LOTTERY = "双色球开奖号码"
WEATHER = "今天北京天气怎么样"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def edits(replies: list[Reply]) -> list[Edit]:
    return [reply for reply in replies if isinstance(reply, Edit)]


def toasts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies if isinstance(reply, Notice)]


async def test_a_second_tap_of_cancel_keeps_the_reminder_cancelled_message(chat: Chat) -> None:
    drafted = await chat.say(MANAGER, "/remind 明天 9点 带电脑")
    assert "已设置" in text_of(await chat.press(MANAGER, button(drafted, "确认")))
    listing = await chat.say(MANAGER, "/reminders")
    asked = await chat.press(MANAGER, button(listing, "取消第 1 条"))
    confirm = button(asked, "确定取消")

    first = await chat.press(MANAGER, confirm)
    second = await chat.press(MANAGER, confirm)

    (done,) = edits(first)
    assert done.text.startswith("🗑 已取消提醒：带电脑")
    assert second == [Notice("已经取消了，这条提醒已不在待发送列表里。")]  # no edit
    assert "带电脑" not in text_of(await chat.say(MANAGER, "/reminders"))


async def test_a_second_tap_of_confirm_dismiss_keeps_the_undo_button(chat: Chat) -> None:
    declined = await chat.say(TRAINEE, LOTTERY)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    listing = await chat.say(MANAGER, "/unanswered")
    asked = await chat.press(MANAGER, button(listing, "忽略"))
    confirm = button(asked, "确定忽略")
    sent_to_trainee = len(chat.messenger.to(TRAINEE))

    first = await chat.press(MANAGER, confirm)
    second = await chat.press(MANAGER, confirm)

    (done,) = edits(first)
    assert done.text.startswith(f"🗑 已忽略「{LOTTERY}」")
    assert "↩️ 撤销忽略" in [b.text for b in buttons_of(first)]
    assert edits(second) == []  # the message keeps 「🗑 已忽略」 and 「↩️ 撤销忽略」
    assert toasts(second) == ["您已经忽略过这个问题了。"]
    assert len(chat.messenger.to(TRAINEE)) == sent_to_trainee + 1  # told once, not twice
    # The undo button it kept still works.
    undone = await chat.press(MANAGER, button(first, "撤销忽略"))
    assert "已撤销忽略" in text_of(undone)


async def test_a_repeat_tap_after_the_removal_says_the_admin_has_it(chat: Chat) -> None:
    await chat.say(ADMIN, f"/removemanager {MANAGER}")
    declined = await chat.say(TRAINEE, WEATHER)
    ask = button(declined, "问班主任")

    first = await chat.press(TRAINEE, ask)
    again = await chat.press(TRAINEE, ask)

    assert "问题已转给管理员" in " ".join(toasts(first))
    assert toasts(again) == ["这个问题已经转给管理员了，回复会发到与我的私聊里。"]
    assert len([t for t, _ in chat.messenger.to(ADMIN) if WEATHER in t]) == 1


async def test_a_repeat_tap_with_a_manager_still_says_the_manager_has_it(chat: Chat) -> None:
    declined = await chat.say(TRAINEE, WEATHER)
    ask = button(declined, "问班主任")
    await chat.press(TRAINEE, ask)

    again = await chat.press(TRAINEE, ask)

    assert toasts(again) == ["这个问题已经转给班主任了，回复会发到与我的私聊里。"]
