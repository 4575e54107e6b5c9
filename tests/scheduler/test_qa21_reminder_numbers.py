"""/reminders over several classes numbers its items in the order shown (QA21 F3): class after
class under their headings, 1, 2, 3 down the page, and 「取消第 N 条」 asks about the reminder
shown as N; for a manager with two classes, for the admin's list of every class, and on the
second page. Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from bot.db import crud
from bot.db.models import Role
from tests.inprocess import buttons_of, text_of
from tests.questions.conftest import ADMIN, MANAGER, Chat

OTHER_MANAGER = 502


async def set_reminder(
    chat: Chat, manager: int, typed: str, class_name: str | None = None
) -> None:
    """`manager` sends /remind `typed` (choosing `class_name` if they run several), confirms."""
    draft = await chat.say(manager, f"/remind {typed}")
    if class_name is not None:
        label = next(label for label in buttons_of(draft) if class_name in label)
        draft = await chat.press(manager, buttons_of(draft)[label])
    assert "提醒已设置" in text_of(await chat.press(manager, buttons_of(draft)["✅ 确认"]))


def shown(text: str) -> list[tuple[int, str]]:
    """(number, content) of each item of a listing, top to bottom."""
    return [
        (int(found["n"]), found["content"])
        for found in re.finditer(r"^(?P<n>\d+)\. .* · (?P<content>\S+)$", text, re.M)
    ]


async def assert_buttons_match(chat: Chat, user: int, listing: list) -> list[tuple[int, str]]:
    """The items are numbered 1, 2, 3 … down the page (from the page's first number), there is a
    「取消第 N 条」 button for each N in that order, and each asks about the item shown as N."""
    items = shown(text_of(listing))
    first = items[0][0]
    assert [n for n, _ in items] == list(range(first, first + len(items))), text_of(listing)
    labels = [label for label in buttons_of(listing) if label.startswith("取消第")]
    assert labels == [f"取消第 {n} 条" for n, _ in items]
    for number, content in items:
        ask = text_of(await chat.press(user, buttons_of(listing)[f"取消第 {number} 条"]))
        assert "确定取消这条提醒吗" in ask and f"内容：{content}" in ask, (number, ask)
    return items


async def test_a_manager_with_two_classes_reads_the_numbers_in_order(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.create_class(session, name="数学二班", manager_id=MANAGER)
    # soonest first: 语文 09:00, 数学 10:00, 语文 11:00 — numbered soonest first these were
    # 「【语文一班】 1. … 3. … 【数学二班】 2. …」
    await set_reminder(chat, MANAGER, "明天上午9点 交教案", "语文一班")
    await set_reminder(chat, MANAGER, "明天上午10点 交作业", "数学二班")
    await set_reminder(chat, MANAGER, "明天上午11点 交日志", "语文一班")

    listing = await chat.say(MANAGER, "/reminders")

    text = text_of(listing)
    assert text.index("【语文一班】") < text.index("交日志") < text.index("【数学二班】"), text
    items = await assert_buttons_match(chat, MANAGER, listing)
    assert items == [(1, "交教案"), (2, "交日志"), (3, "交作业")]


async def test_the_admins_list_of_every_class_reads_in_order(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="赵老师")
        crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
        crud.create_class(session, name="数学二班", manager_id=OTHER_MANAGER)
    await set_reminder(chat, MANAGER, "明天上午9点 交教案")
    await set_reminder(chat, OTHER_MANAGER, "明天上午10点 交作业")
    await set_reminder(chat, MANAGER, "明天上午11点 交日志")

    listing = await chat.say(ADMIN, "/reminders")

    assert f"【语文一班】班主任：用户{MANAGER}" in text_of(listing)
    items = await assert_buttons_match(chat, ADMIN, listing)
    assert items == [(1, "交教案"), (2, "交日志"), (3, "交作业")]


async def test_the_second_page_goes_on_in_order(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.create_class(session, name="数学二班", manager_id=MANAGER)
    # two pages of five, the classes taking turns hour by hour
    for hour in range(8, 15):
        class_name = "语文一班" if hour % 2 == 0 else "数学二班"
        await set_reminder(chat, MANAGER, f"明天{hour}:00 作业{hour}", class_name)

    first = await chat.say(MANAGER, "/reminders")
    assert [content for _, content in await assert_buttons_match(chat, MANAGER, first)] == [
        "作业8",
        "作业10",
        "作业12",
        "作业9",
        "作业11",
    ]
    second = await chat.press(MANAGER, buttons_of(first)["下一页 ▶"])
    items = await assert_buttons_match(chat, MANAGER, second)
    assert items == [(6, "作业13"), (7, "作业14")]  # 数学二班 first: its 13:00 is the soonest
