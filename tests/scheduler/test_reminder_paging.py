"""/reminders with many long reminders (QA H1, M1): a page of five at a time, ◀ / ▶, every
reminder reachable and cancellable, the total in the header, and every page within Telegram's
4,096 visible UTF-16 units and 100 buttons whatever the class names (64 characters with
`&`, `<b>`, emoji) and texts (1,900 characters, mostly emoji). After cancelling, the manager
sees the page they were on. On each page the classes follow each other, their reminders numbered
in the order shown, and 「取消第 N 条」 cancels the one shown as N (QA21 F3). Through the
conversation core, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import Edit, Notice, Reply, Send
from bot.conversation import Conversation
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, utcnow
from bot.db.reminder_models import Reminder
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from bot.services import Services
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import buttons_of, fresh_services, text_of

MANAGER = 900
PREFIX = "2026年国培计划(中西部项目)<b>初中语文</b>&骨干教师能力提升培训班🌸🌸🌸🌸🌸🌸"
SOURCE = (
    "\n依据：《教育部办公厅 财政部办公厅关于做好2026年中小学幼儿园教师国家级培训计划"
    "<示范>&组织实施工作的通知😀😀》（教师厅〔2026〕2号 · 条款 七、）"
)


def class_name(number: int) -> str:
    """64 characters, the same long head for every class, differing only at the end."""
    tail = f"🌸&<b>第{number}期"
    return (PREFIX * 3)[: 64 - len(tail)] + tail


def reminder_text(number: int) -> str:
    """1,900 characters, mostly emoji and HTML characters; every third cites a notice."""
    body = f"第{number}条提醒😀&<b>请按时提交研修日志</b>🌸" + "😀🌸&<i>" * 400
    source = SOURCE if number % 3 == 0 else ""
    return body[: 1900 - len(source)] + source


class Chat:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.conversation = Conversation(services, routing_table())

    async def say(self, text: str) -> list[Reply]:
        return await self.conversation.handle(command(MANAGER, text))

    async def press(self, data: str) -> list[Reply]:
        return await self.conversation.handle(press(MANAGER, data))


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    services = fresh_services(database_url, tmp_path)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
    yield Chat(services)
    services.engine.dispose()


def add_reminders(chat: Chat, count: int, classes: int = 3) -> list[int]:
    """`count` active reminders, number N due N hours from now (so listed N-th), spread over
    `classes` classes; their ids in that order."""
    now = utcnow()
    ids = []
    with chat.services.session() as session:
        class_ids = [
            crud.create_class(session, name=class_name(n), manager_id=MANAGER).id
            for n in range(1, classes + 1)
        ]
        for number in range(1, count + 1):
            due = now + timedelta(hours=number)
            label = (f"每周五 20:00 🔁&<i>{number}</i>" * 20)[:200] if number % 2 else "3天后"
            reminder = rcrud.create_reminder(
                session,
                created_by=MANAGER,
                chat_id=MANAGER,
                class_id=class_ids[number % classes],
                text=reminder_text(number),
                when_text=label,
                label=label,
                run_at=None if number % 2 else due,
                cron={"day_of_week": "fri", "hour": 20, "minute": 0} if number % 2 else None,
            )
            assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=due)
            ids.append(reminder.id)
    return ids


def message(replies: list[Reply]) -> Send | Edit:
    (shown,) = (r for r in replies if isinstance(r, Send | Edit))
    return shown


def check_fits(shown: Send | Edit) -> int:
    """The message's visible length, asserted within Telegram's limits."""
    units = visible_length(shown.text)
    assert units <= MAX_MESSAGE_UNITS, (units, shown.text[:300])
    assert sum(len(row) for row in shown.buttons) <= MAX_BUTTONS
    return units


def cancel_buttons(replies: list[Reply]) -> dict[int, str]:
    """The list's 「取消第 N 条」 buttons: N → callback data."""
    return {
        int(found.group(1)): data
        for label, data in buttons_of(replies).items()
        if (found := re.fullmatch(r"取消第 (\d+) 条", label))
    }


def reminder_of(data: str) -> int:
    return int(data.split(":")[3])


def listed_in_order(text: str) -> list[tuple[int, int]]:
    """(the number shown, the reminder's own number 「第K条提醒」) of each entry, top to bottom."""
    return [
        (int(found[1]), int(found[2]))
        for found in re.finditer(r"^(\d+)\. [^\n]*? · 第(\d+)条提醒", text, re.M)
    ]


def number_shown(text: str, reminder: int) -> int:
    """The number shown next to 「第`reminder`条提醒」 in a listing."""
    (number,) = (n for n, own in listed_in_order(text) if own == reminder)
    return number


async def test_sixty_long_reminders_are_paged_fit_and_each_can_be_cancelled(chat: Chat) -> None:
    ids = add_reminders(chat, 60)
    pages: list[list[Reply]] = [await chat.say("/reminders")]
    while (following := buttons_of(pages[-1]).get("下一页 ▶")) is not None:
        pages.append(await chat.press(following))
    assert len(pages) == 12
    lengths = [check_fits(message(page)) for page in pages]
    assert max(lengths) < MAX_MESSAGE_UNITS // 2, lengths  # room to spare
    cancels: dict[int, int] = {}  # the reminder's own number → the id its button cancels
    for number, page in enumerate(pages, start=1):
        text = text_of(page)
        assert text.startswith("⏰ 待发送的提醒（共 60 条）") or "（共 60 条）" in text
        assert f"第 {number}/12 页" in text
        entries = listed_in_order(text)
        # the page's five soonest, numbered 1, 2, 3 … down the page, a button for each number
        first = 5 * number - 4
        assert [n for n, _ in entries] == list(range(first, first + 5)), entries
        assert sorted(own for _, own in entries) == list(range(first, first + 5)), entries
        assert sorted(cancel_buttons(page)) == [n for n, _ in entries]
        cancels |= {own: reminder_of(cancel_buttons(page)[n]) for n, own in entries}
    assert cancels == {own: ids[own - 1] for own in range(1, 61)}  # all 60, each as shown
    # Class after class: reminder N is in class N % 3 (第3期 for 2, 5 …), its soonest first.
    assert [own for _, own in listed_in_order(text_of(pages[0]))] == [1, 4, 2, 5, 3]
    # Each entry names its class in short, keeping the distinguishing end, escaped.
    first = message(pages[0]).text
    assert "…&amp;&lt;b&gt;第1期】" in first and "…&amp;&lt;b&gt;第2期】" in first
    assert "<b>第" not in first and "<b>初中语文" not in first
    # ◀ goes back.
    back = await chat.press(buttons_of(pages[5])["◀ 上一页"])
    assert "第 5/12 页" in text_of(back) and set(cancel_buttons(back)) == {21, 22, 23, 24, 25}

    # Reminder 45 is on page 9, shown as 44 (after 41 and 44 of 第3期, and 42 of 第1期):
    # cancel it there by the number shown; the list shown after is page 9 again.
    page9 = pages[8]
    shown_as = number_shown(text_of(page9), 45)
    assert shown_as == 44
    ask = await chat.press(cancel_buttons(page9)[shown_as])
    check_fits(message(ask))
    assert "确定取消这条提醒吗" in text_of(ask) and "第45条提醒" in text_of(ask)
    done = await chat.press(buttons_of(ask)["🗑 确定取消"])
    units = check_fits(message(done))
    text = text_of(done)
    assert text.startswith("🗑 已取消提醒：第45条提醒"), text[:100]
    assert "（共 59 条）" in text and "第 9/12 页" in text, text
    assert set(cancel_buttons(done)) == {41, 42, 43, 44, 45}
    assert "第45条提醒" not in text.split("\n", 1)[1]
    assert [n for n, _ in listed_in_order(text)] == [41, 42, 43, 44, 45]
    moved_up = number_shown(text, 46)  # the 46th moved up, its button by its number
    assert reminder_of(cancel_buttons(done)[moved_up]) == ids[45]
    assert units < MAX_MESSAGE_UNITS
    with chat.services.session() as session:
        assert session.get(Reminder, ids[44]).status == "cancelled"
        assert rcrud.count_reminders_of_manager(session, manager_id=MANAGER) == 59
    # 返回 from a confirmation goes back to the page it came from.
    ask = await chat.press(cancel_buttons(pages[10])[52])
    back = await chat.press(buttons_of(ask)["↩ 返回"])
    assert "第 11/12 页" in text_of(back)


async def test_cancelling_the_last_entry_of_the_last_page_shows_the_page_before(
    chat: Chat,
) -> None:
    ids = add_reminders(chat, 6, classes=1)
    first = await chat.say("/reminders")
    assert "（共 6 条）" in text_of(first) and "第 1/2 页" in text_of(first)
    assert set(cancel_buttons(first)) == {1, 2, 3, 4, 5}
    # With one class, its label is still short; no 上一页 on the first page.
    assert "◀ 上一页" not in buttons_of(first)
    second = await chat.press(buttons_of(first)["下一页 ▶"])
    assert set(cancel_buttons(second)) == {6} and "下一页 ▶" not in buttons_of(second)
    ask = await chat.press(cancel_buttons(second)[6])
    done = await chat.press(buttons_of(ask)["🗑 确定取消"])
    text = text_of(done)
    assert "已取消提醒" in text and "（共 5 条）" in text and "页" not in text.split("条）")[-1]
    assert set(cancel_buttons(done)) == {1, 2, 3, 4, 5}
    assert not {"◀ 上一页", "下一页 ▶"} & set(buttons_of(done))
    # A second press of the same 确定取消: a toast only, the message keeps its ✅ text (QA19 F8).
    again = await chat.press(buttons_of(ask)["🗑 确定取消"])
    assert again == [Notice("已经取消了，这条提醒已不在待发送列表里。")]
    # A cancel button from before paging (no page in its data) still works, on page 1.
    old_style = await chat.press(f"rm:1:cx:{ids[0]}")
    assert "确定取消这条提醒吗" in text_of(old_style)
    assert buttons_of(old_style)["↩ 返回"] == "rm:1:ls:0"


async def test_classes_alike_once_shortened_are_told_apart(chat: Chat) -> None:
    """Names that differ only in the middle look alike once shortened: the join code tells
    them apart (as in the class pickers)."""
    head, tail = "2026年国培计划(中西部项目)初中语文", "骨干教师能力提升培训班第3期"
    with chat.services.session() as session:
        classes = [
            crud.create_class(session, name=f"{head}{middle}{tail}", manager_id=MANAGER)
            for middle in ("学科", "教研")
        ]
        for training_class in classes:
            reminder = rcrud.create_reminder(
                session,
                created_by=MANAGER,
                chat_id=MANAGER,
                class_id=training_class.id,
                text="交研修日志",
                when_text="3天后",
                label="3天后",
                run_at=utcnow() + timedelta(days=3),
                cron=None,
            )
            rcrud.activate_reminder(
                session, reminder_id=reminder.id, next_run_at=utcnow() + timedelta(days=3)
            )
    text = text_of(await chat.say("/reminders"))
    for training_class in classes:
        assert f"…第3期（加入码 {training_class.join_code}）】" in text, text
    # Forged page or id numbers (① is a digit to Python, not to int()) are refused politely.
    for forged in ("rm:1:ls:①", "rm:1:cx:①:0", "rm:1:ls:", "rm:1:cx:1:x"):
        assert "已失效" in text_of(await chat.press(forged)), forged
