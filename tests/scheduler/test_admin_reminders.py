"""An admin stops a removed manager's reminder from Telegram (QA 6a, finding 4): /removemanager
says how many of their reminders are still scheduled and where to cancel them; the admin's
/reminders lists the pending reminders of every class, with the class and its manager, a page
at a time, and cancels any of them; a manager still sees and cancels only their own. Through
the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, utcnow
from bot.db.reminder_models import Reminder
from bot.limits import MAX_MESSAGE_UNITS, visible_length
from tests.inprocess import buttons_of, text_of
from tests.questions.conftest import ADMIN, MANAGER, Chat

OTHER_MANAGER = 502


def cancel_buttons(replies: list) -> dict[int, str]:
    """The list's 「取消第 N 条」 buttons: N → callback data."""
    return {
        int(found.group(1)): data
        for label, data in buttons_of(replies).items()
        if (found := re.fullmatch(r"取消第 (\d+) 条", label))
    }


async def set_reminder(chat: Chat, manager: int, text: str) -> int:
    """`manager` sets 「每天21:00 text」 for their one class and confirms; the reminder's id."""
    draft = await chat.say(manager, f"/remind 每天21:00 {text}")
    confirm = buttons_of(draft)["✅ 确认"]
    assert "提醒已设置" in text_of(await chat.press(manager, confirm))
    return int(confirm.split(":")[3])


def status_of(chat: Chat, reminder_id: int) -> str:
    with chat.services.session() as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None
        return reminder.status


def add_other_manager(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="赵老师")
        crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
        crud.create_class(session, name="数学二班", manager_id=OTHER_MANAGER)


async def test_the_admin_cancels_a_removed_managers_reminder(chat: Chat) -> None:
    add_other_manager(chat)
    removed = await set_reminder(chat, MANAGER, "交研修日志")
    kept = await set_reminder(chat, OTHER_MANAGER, "提交作业")

    done = text_of(await chat.say(ADMIN, f"/removemanager {MANAGER}"))

    assert "对方设的 1 条提醒仍会按时发给学员" in done and "/reminders" in done
    assert f"发送进度和报告今后发给您（{ADMIN}）" in done  # QA19 F9: not the removed manager
    listing = await chat.say(ADMIN, "/reminders")
    text = text_of(listing)
    assert "所有培训班待发送的提醒</b>（共 2 条）" in text
    # Each class is a heading with its manager, over its reminders.
    assert f"【语文一班】班主任：用户{MANAGER}（已不是班主任）\n" in text
    assert f"【数学二班】班主任：用户{OTHER_MANAGER}\n" in text
    assert ". 🔁 每天 21:00 · 交研修日志\n" in text and ". 🔁 每天 21:00 · 提交作业\n" in text
    buttons = cancel_buttons(listing)
    assert sorted(int(data.split(":")[3]) for data in buttons.values()) == [removed, kept]
    number = next(n for n, data in buttons.items() if int(data.split(":")[3]) == removed)

    ask = await chat.press(ADMIN, buttons[number])
    assert "确定取消这条提醒吗" in text_of(ask) and f"设置人：用户{MANAGER}" in text_of(ask)
    cancelled = text_of(await chat.press(ADMIN, buttons_of(ask)["🗑 确定取消"]))

    assert cancelled.startswith("🗑 已取消提醒：交研修日志") and "（共 1 条）" in cancelled
    assert status_of(chat, removed) == "cancelled" and status_of(chat, kept) == "active"
    # The other manager still sees only their own, and cannot touch anyone else's.
    mine = text_of(await chat.say(OTHER_MANAGER, "/reminders"))
    assert (
        "待发送的提醒</b>（共 1 条）" in mine
        and "所有培训班" not in mine
        and "班主任：" not in mine
    )
    assert "不是您设置的" in text_of(await chat.press(OTHER_MANAGER, f"rm:1:cy:{removed}:0"))
    # The removed manager's 「取消」 buttons stay refused; re-added, nothing is left to list.
    assert "只有班主任" in text_of(await chat.press(MANAGER, f"rm:1:cx:{removed}:0"))
    await chat.say(ADMIN, f"/addmanager {MANAGER}")
    assert "目前没有待发送的提醒" in text_of(await chat.say(MANAGER, "/reminders"))


async def test_an_admin_may_cancel_but_not_confirm_someone_elses_reminder(chat: Chat) -> None:
    draft = await chat.say(MANAGER, "/remind 每天21:00 交研修日志")
    confirm = buttons_of(draft)["✅ 确认"]
    draft_id = int(confirm.split(":")[3])

    assert "不是您设置的" in text_of(await chat.press(ADMIN, confirm))
    assert "不是您设置的" in text_of(await chat.press(ADMIN, f"rm:1:no:{draft_id}"))
    assert status_of(chat, draft_id) == "draft"
    # A draft is not pending: the admin's list does not show it, nor cancel it.
    assert "目前没有待发送的提醒" in text_of(await chat.say(ADMIN, "/reminders"))
    again = await chat.press(ADMIN, f"rm:1:cy:{draft_id}:0")
    assert "不在待发送列表" in text_of(again) and status_of(chat, draft_id) == "draft"


async def test_the_admins_list_is_paged_over_every_class(chat: Chat) -> None:
    add_other_manager(chat)
    now = utcnow()
    with chat.services.session() as session:
        classes = [
            crud.classes_managed_by(session, manager_id=m)[0] for m in (MANAGER, OTHER_MANAGER)
        ]
        ids = []
        for number in range(1, 8):
            owner = classes[number % 2]
            reminder = rcrud.create_reminder(
                session,
                created_by=owner.manager_id,
                chat_id=owner.manager_id,
                class_id=owner.id,
                text=f"第{number}条提醒",
                when_text="3天后",
                label="3天后",
                run_at=now + timedelta(hours=number),
                cron=None,
            )
            assert rcrud.activate_reminder(
                session, reminder_id=reminder.id, next_run_at=now + timedelta(hours=number)
            )
            ids.append(reminder.id)

    first = await chat.say(ADMIN, "/reminders")
    second = await chat.press(ADMIN, buttons_of(first)["下一页 ▶"])

    for page, numbers in ((first, {1, 2, 3, 4, 5}), (second, {6, 7})):
        text = text_of(page)
        assert "所有培训班待发送的提醒</b>（共 7 条）" in text
        assert visible_length(text) < MAX_MESSAGE_UNITS
        assert set(cancel_buttons(page)) == numbers
        assert "【语文一班】" in text and "【数学二班】" in text
    assert "第1条提醒" in text_of(first) and "第 2/2 页" in text_of(second)
    ask = await chat.press(ADMIN, cancel_buttons(second)[7])
    done = text_of(await chat.press(ADMIN, buttons_of(ask)["🗑 确定取消"]))
    assert "已取消提醒：第7条提醒" in done and "（共 6 条）" in done
    assert status_of(chat, ids[6]) == "cancelled"
    with chat.services.session() as session:
        assert rcrud.count_reminders_of_manager(session, manager_id=ADMIN, everyone=True) == 6
        assert rcrud.count_reminders_of_manager(session, manager_id=MANAGER) == 3
