"""The class pickers of /broadcast, /remind and /survey a page at a time (`class_page`), through
the conversation core on SQLite and PostgreSQL: a manager with 23 classes pages to the last
page and picks the 23rd class; a forged or stale page number is refused with a toast, or
shows the last page, and changes nothing; a manager with few classes sees them all on one
page without paging buttons, as before."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.chat import Edit, Event, EventKind, Notice, Reply, Send
from bot.db import crud
from bot.db.models import Role
from bot.db.reminder_models import Broadcast, BroadcastStatus, Reminder, ReminderStatus
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from handlers.class_names import CLASSES_PER_PAGE
from tests.questions.conftest import MANAGER, TRAINEE, buttons_of, text_of

CLASSES = 23  # with the fixture's 语文一班
PAGES = -(-CLASSES // CLASSES_PER_PAGE)
NAME = "2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班第{}期"
FORGED = ("-1", "①", "１", "٣", "x", "", "1.0", "+1")
COMMANDS = ("broadcast", "remind", "survey")


def add_classes(chat, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Classes 第2期 … 第<count>期 after the fixture's 语文一班: `count` classes in all, each
    with the fixture's trainee."""
    with chat.services.session() as session:
        first = crud.classes_managed_by(session, manager_id=MANAGER)[0]
        made = [
            crud.create_class(session, name=NAME.format(n), manager_id=MANAGER)
            for n in range(2, count + 1)
        ]
        for training_class in made:
            crud.join_class(session, user_id=TRAINEE, class_id=training_class.id)
    return [first.id, *(c.id for c in made)]


async def open_picker(chat, command: str) -> list[Reply]:  # type: ignore[no-untyped-def]
    """The first page of the command's class picker."""
    if command == "broadcast":
        return await chat.say(MANAGER, "/broadcast 周五下午三点交研修日志")
    if command == "remind":
        return await chat.say(MANAGER, "/remind 明天9点 交研修日志")
    await chat.say(MANAGER, "/survey")
    return await chat.press(MANAGER, "sm:1:t:guopei_satisfaction")


def picked(replies: list[Reply]) -> list[str]:
    """The labels of the class buttons of a picker page."""
    return [b.text for b in buttons_of(replies) if "期" in b.text or "语文一班" in b.text]


def data_of(replies: list[Reply], label: str) -> str:
    return next(b.data for b in buttons_of(replies) if b.text == label and b.data)


def fits(replies: list[Reply]) -> None:
    (message,) = [r for r in replies if isinstance(r, Send | Edit)]
    assert visible_length(message.text) <= MAX_MESSAGE_UNITS
    assert len(buttons_of(replies)) <= MAX_BUTTONS
    assert all(len((b.data or "").encode()) <= 64 for b in buttons_of(replies))


def drafts(chat) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    """(status, class) of every broadcast and reminder: what a press may not change."""
    with chat.services.session() as session:
        found = [*session.exec(select(Broadcast)), *session.exec(select(Reminder))]
        return [(str(draft.status), draft.class_id) for draft in found]


@pytest.mark.parametrize("command", COMMANDS)
async def test_the_23rd_class_is_picked_on_the_last_page(chat, command: str) -> None:  # type: ignore[no-untyped-def]
    class_ids = add_classes(chat, CLASSES)
    replies = await open_picker(chat, command)
    fits(replies)
    assert f"第 1/{PAGES} 页，共 {CLASSES} 个班" in text_of(replies)
    assert [b.text for b in buttons_of(replies) if "页" in b.text] == ["下一页 ▶"]
    assert len(picked(replies)) == CLASSES_PER_PAGE
    assert picked(replies)[0].startswith("语文一班")

    for page in range(2, PAGES + 1):
        replies = await chat.press(MANAGER, data_of(replies, "下一页 ▶"))
        fits(replies)
        assert isinstance(replies[0], Edit) and f"第 {page}/{PAGES} 页" in text_of(replies)
    assert [b.text for b in buttons_of(replies) if "页" in b.text] == ["◀ 上一页"]
    last = picked(replies)
    assert len(last) == CLASSES - (PAGES - 1) * CLASSES_PER_PAGE
    back = await chat.press(MANAGER, data_of(replies, "◀ 上一页"))
    assert f"第 {PAGES - 1}/{PAGES} 页" in text_of(back) and picked(back) != last

    chosen = await chat.press(MANAGER, data_of(replies, last[-1]))

    name = NAME.format(CLASSES)
    if command == "broadcast":
        assert "确认群发" in text_of(chosen) and name in text_of(chosen)
        ok = data_of(chosen, "✅ 确认发送")
        assert ok.endswith(f":{class_ids[-1]}")
    elif command == "remind":
        assert f"班级：{name}" in text_of(chosen)
        assert drafts(chat) == [(str(ReminderStatus.draft), class_ids[-1])]
    else:
        assert "第 3 步" in text_of(chosen) and name in text_of(chosen)
        assert all(f":{class_ids[-1]}" in b.data for b in buttons_of(chosen) if ":d:" in b.data)


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_forged_page_is_refused_and_one_past_the_end_shows_the_last(
    chat, command: str
) -> None:  # type: ignore[no-untyped-def]
    add_classes(chat, CLASSES)
    first = await open_picker(chat, command)
    turn = data_of(first, "下一页 ▶")
    head = turn.rsplit(":", 1)[0]
    before = drafts(chat)

    for forged in FORGED:
        (refusal,) = await chat.press(MANAGER, f"{head}:{forged}")
        assert isinstance(refusal, Notice) and refusal.alert, forged
        assert "按钮已失效" in refusal.text and f"/{command}" in refusal.text, refusal.text
    past = await chat.press(MANAGER, f"{head}:{PAGES + 5}")
    assert isinstance(past[0], Edit) and f"第 {PAGES}/{PAGES} 页" in text_of(past)
    assert any(f"第{CLASSES}期" in label for label in picked(past))
    assert drafts(chat) == before


async def test_a_forwarded_photo_keeps_its_note_on_the_next_page(chat) -> None:  # type: ignore[no-untyped-def]
    add_classes(chat, CLASSES)
    offer = await chat.conversation.handle(
        Event(
            kind=EventKind.text,
            user_id=MANAGER,
            chat_id=MANAGER,
            first_name="王老师",
            text="周五下午三点交研修日志",
            forwarded=True,
            media="photo",
        )
    )
    assert "原消息中的图片不会发出" in text_of(offer)
    second = await chat.press(MANAGER, data_of(offer, "下一页 ▶"))
    assert "原消息中的图片、文件等内容不会发出" in text_of(second)
    assert f"第 2/{PAGES} 页" in text_of(second)
    back = await chat.press(MANAGER, data_of(second, "◀ 上一页"))
    assert "原消息中的图片、文件等内容不会发出" in text_of(back)


async def test_someone_elses_draft_cannot_be_paged(chat) -> None:  # type: ignore[no-untyped-def]
    add_classes(chat, CLASSES)
    broadcast = await open_picker(chat, "broadcast")
    remind = await open_picker(chat, "remind")
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=502, first_name="李老师")
        crud.set_role(session, user_id=502, role=Role.manager)
    before = drafts(chat)
    (refused,) = await chat.press(502, data_of(broadcast, "下一页 ▶"))
    assert refused.alert and "不是您创建的群发" in refused.text
    (refused,) = await chat.press(502, data_of(remind, "下一页 ▶"))
    assert refused.alert and "不是您设置的提醒" in refused.text
    assert drafts(chat) == before


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_few_classes_are_one_page_without_paging_buttons(chat, command: str) -> None:  # type: ignore[no-untyped-def]
    add_classes(chat, 3)
    replies = await open_picker(chat, command)
    assert len(picked(replies)) == 3
    assert not [b for b in buttons_of(replies) if "页" in b.text]
    assert "页" not in text_of(replies)


async def test_a_processed_broadcast_is_not_paged_again(chat) -> None:  # type: ignore[no-untyped-def]
    add_classes(chat, CLASSES)
    offer = await open_picker(chat, "broadcast")
    turn = data_of(offer, "下一页 ▶")
    assert isinstance((await chat.press(MANAGER, data_of(offer, "✖ 取消")))[0], Edit)
    (notice,) = await chat.press(MANAGER, turn)
    assert isinstance(notice, Notice) and "已经处理过了" in notice.text
    assert [status for status, _ in drafts(chat)] == [str(BroadcastStatus.cancelled)]
