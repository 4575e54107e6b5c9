"""/curated in-process on SQLite and PostgreSQL: a manager lists the curated answers (标准答案),
pages through them and retires a wrong one, which the knowledge base stops serving at once;
trainees and forged or stale buttons are refused and change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Edit, Notice, Send
from bot.db import question_crud
from bot.db.models import Role
from bot.db.question_models import CuratedAnswer
from handlers import routing_table
from handlers.ask import refresh_curated
from handlers.start import help_text
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

OUT_OF_SCOPE = "明天北京天气怎么样"
WRONG_ANSWER = (
    "培训期间下雨课程照常进行,请大家自带雨具,务必准时到达教室签到,"
    "迟到三次以上将取消结业资格,另外午餐由承办单位统一安排在一楼食堂。"
)


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """The questions conftest's chat (admin 900, manager 501 with trainee 1001 in 语文一班,
    1002 without a class), on each database."""
    yield from open_chat(database_url, tmp_path, index_cache)


def curated_rows(chat: Chat) -> list[CuratedAnswer]:
    from sqlmodel import select

    with chat.services.session() as session:
        return list(session.exec(select(CuratedAnswer).order_by(CuratedAnswer.id)))


def add_curated(chat: Chat, question: str, answer: str) -> int:
    with chat.services.session() as session:
        curated_id = question_crud.add_curated(
            session, question=question, answer=answer, created_by=MANAGER
        ).id
    refresh_curated(chat.services)
    return curated_id


async def save_through_the_handoff(chat: Chat) -> None:
    """A trainee's declined question, handed off, answered and saved by the manager."""
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (handed,) = chat.messenger.to(MANAGER)
    await chat.press(MANAGER, handed[1][0][0].data)
    reply = await chat.say(MANAGER, WRONG_ANSWER)
    saved = await chat.press(MANAGER, button(reply, "保存为标准答案"))
    assert "已保存为标准答案" in text_of(saved)


async def test_manager_lists_and_retires_a_curated_answer(chat):
    await save_through_the_handoff(chat)
    assert f"用户{MANAGER}老师的解答" in text_of(await chat.say(OTHER, OUT_OF_SCOPE))
    (saved,) = curated_rows(chat)

    # The list shows the question, the start of the answer, who saved it and when.
    listing = await chat.say(MANAGER, "/curated")
    (message,) = listing
    assert isinstance(message, Send)
    assert "标准答案" in message.text and "共 1 条" in message.text
    assert f"问：{OUT_OF_SCOPE}" in message.text
    assert WRONG_ANSWER[:60] + "…" in message.text and "一楼食堂" not in message.text
    when = saved.created_at.astimezone(chat.services.settings.timezone)
    day = f"{when.month}月{when.day}日（周{'一二三四五六日'[when.weekday()]}）"
    # Their Telegram name, and the time as the bot writes times (format_when).
    assert f"用户{MANAGER} · 今天 {day} {when:%H:%M} 保存" in message.text
    assert "上一页" not in str(listing) and "下一页" not in str(listing)

    # 停用 asks first; 取消 goes back to the list and keeps it.
    ask = await chat.press(MANAGER, button(listing, "停用第 1 条"))
    (confirm,) = [r for r in ask if isinstance(r, Edit)]
    assert "停用这条标准答案" in confirm.text and "一楼食堂" in confirm.text
    cancelled = await chat.press(MANAGER, button(ask, "取消"))
    assert any(isinstance(r, Edit) and OUT_OF_SCOPE in r.text for r in cancelled)
    assert curated_rows(chat)[0].active
    assert f"用户{MANAGER}老师的解答" in text_of(await chat.say(OTHER, OUT_OF_SCOPE))

    # 确认停用: retired, the message says so, and the question is no longer answered by it.
    ask = await chat.press(MANAGER, button(cancelled, "停用第 1 条"))
    confirm_data = button(ask, "确认停用")
    done = await chat.press(MANAGER, confirm_data)
    assert any(isinstance(r, Edit) and "已停用这条标准答案" in r.text for r in done)
    assert any(isinstance(r, Notice) and r.text == "已停用" for r in done)
    assert not curated_rows(chat)[0].active
    again = text_of(await chat.say(OTHER, OUT_OF_SCOPE))
    assert "的解答" not in again and "一楼食堂" not in again and "没有找到" in again
    assert "目前没有启用的标准答案" in text_of(await chat.say(MANAGER, "/curated"))
    back = await chat.press(MANAGER, button(done, "返回列表"))
    assert "目前没有启用的标准答案" in text_of(back)

    # Pressing 确认停用 again (a stale message) says so and changes nothing.
    stale = await chat.press(MANAGER, confirm_data)
    assert isinstance(stale[0], Notice) and stale[0].alert and "已经停用" in stale[0].text
    assert len(curated_rows(chat)) == 1 and not curated_rows(chat)[0].active


async def test_trainee_is_refused_and_nothing_changes(chat):
    curated_id = add_curated(chat, OUT_OF_SCOPE, "下雨时课程照常进行。")
    refused = await chat.say(TRAINEE, "/curated")
    assert "/curated 只有班主任可以使用" in text_of(refused)
    assert "/curated" not in help_text(Role.trainee) and "/curated" in help_text(Role.manager)
    assert "curated" not in dict(routing_table().menu_for(Role.trainee))
    assert "curated" in dict(routing_table().menu_for(Role.manager))
    assert "curated" in dict(routing_table().menu_for(Role.admin))

    for data in (f"kbc:1:rt:{curated_id}:0", f"kbc:1:ok:{curated_id}:0", "kbc:1:pg:0"):
        (notice,) = await chat.press(TRAINEE, data)
        assert isinstance(notice, Notice) and notice.alert and "只有班主任" in notice.text, data
    assert curated_rows(chat)[0].active
    assert "下雨时课程照常进行" in text_of(await chat.say(TRAINEE, OUT_OF_SCOPE))


async def test_forged_callbacks_change_nothing(chat):
    curated_id = add_curated(chat, OUT_OF_SCOPE, "下雨时课程照常进行。")
    for data in (
        "kbc:1:ok:999999:0",
        "kbc:1:rt:999999:0",
        f"kbc:1:ok:{curated_id}:-1",
        f"kbc:1:ok:{curated_id}",
        f"kbc:1:ok:{curated_id}x:0",
        f"kbc:2:ok:{curated_id}:0",
        f"kbc:1:zz:{curated_id}:0",
        "kbc:1:pg:1234567890123",
        "kbc:1",
    ):
        replies = await chat.press(MANAGER, data)
        assert isinstance(replies[0], Notice) and replies[0].alert, data
        assert "/curated" in replies[0].text, data
    (row,) = curated_rows(chat)
    assert row.active
    assert "下雨时课程照常进行" in text_of(await chat.say(TRAINEE, OUT_OF_SCOPE))
    # In a group the list is not shown (it is a management screen).
    assert "私聊" in text_of(await chat.say(MANAGER, "/curated", chat_type="group"))


async def test_pages_of_five_and_retiring_from_the_second_page(chat):
    for number in range(1, 8):
        add_curated(chat, f"第{number}个测试问题是什么", f"这是第{number}条标准答案。")
    first = await chat.say(ADMIN, "/curated")
    text = text_of(first)
    assert "共 7 条" in text and "第 1/2 页" in text
    # Newest first: entries 7 … 3 on the first page.
    assert "第7个测试问题" in text and "第3个测试问题" in text and "第2个测试问题" not in text
    assert [b.text for b in buttons_of(first) if "停用" in b.text] == [
        f"🚫 停用第 {n} 条" for n in range(1, 6)
    ]
    assert "上一页" not in str(first)

    second = await chat.press(ADMIN, button(first, "下一页"))
    (edit,) = [r for r in second if isinstance(r, Edit)]
    assert "第 2/2 页" in edit.text and "第2个测试问题" in edit.text
    assert "第1个测试问题" in edit.text and "第3个测试问题" not in edit.text
    assert "下一页" not in str(second) and button(second, "上一页") == "kbc:1:pg:0"

    # Retire both entries of the second page; 返回列表 then lands on the last page left.
    for _ in range(2):  # the second page shrinks: its first entry is number 6 both times
        listing = await chat.press(ADMIN, "kbc:1:pg:1")
        confirm = await chat.press(ADMIN, button(listing, "停用第 6 条"))
        done = await chat.press(ADMIN, button(confirm, "确认停用"))
        assert "已停用" in text_of(done)
    active = [row.question for row in curated_rows(chat) if row.active]
    assert len(active) == 5 and "第1个测试问题是什么" not in active
    back = await chat.press(ADMIN, "kbc:1:pg:1")
    text = text_of(back)
    assert "共 5 条" in text and "第7个测试问题" in text and "/1 页" not in text
    assert "下一页" not in str(back) and "上一页" not in str(back)
    with chat.services.session() as session:
        assert question_crud.count_curated(session) == 5
        assert len(question_crud.list_curated(session, offset=5, limit=5)) == 0
        assert not question_crud.retire_curated(session, curated_id=999999)


async def test_a_double_tap_of_save_saves_once(chat):
    """QA8 L6: 「⭐ 保存为标准答案」 pressed twice (at once, or again later) saves one row and
    the second press says it is saved already; a supplementary answer can be saved after."""
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (handed,) = chat.messenger.to(MANAGER)
    answer = handed[1][0][0].data
    await chat.press(MANAGER, answer)
    save = button(await chat.say(MANAGER, WRONG_ANSWER), "保存为标准答案")

    at_once = await asyncio.gather(chat.press(MANAGER, save), chat.press(MANAGER, save))
    later = await chat.press(MANAGER, save)

    saved, again = sorted(at_once, key=len, reverse=True)
    assert any(isinstance(r, Edit) and "⭐ 已保存为标准答案。" in r.text for r in saved)
    for replies in (again, later):
        (notice,) = replies
        assert isinstance(notice, Notice)
        assert notice.text == "这条回答已经保存为标准答案了，没有重复保存。"
    (row,) = curated_rows(chat)
    assert row.active and row.answer == WRONG_ANSWER

    # A later answer to the same question (a supplement) is saved in place of the first, which
    # it is kept with (QA11 M2).
    await chat.press(MANAGER, answer)
    save = button(await chat.say(MANAGER, "下雨时课程照常进行。"), "保存为标准答案")
    assert "已保存为标准答案" in text_of(await chat.press(MANAGER, save))
    assert [(r.answer, r.active) for r in curated_rows(chat)] == [
        (WRONG_ANSWER, False),
        (f"{WRONG_ANSWER}\n\n用户501老师补充：下雨时课程照常进行。", True),
    ]
    assert "下雨时课程照常进行" in text_of(await chat.say(OTHER, OUT_OF_SCOPE))
