"""End to end (both engines, the fake Bot API server): a manager with 60 long reminders in
classes of 64-character names gets /reminders as pages Telegram accepts (QA H1, M1), pages to
the ninth, cancels reminder 45 there by the number shown next to it (the classes follow each
other, numbered in the order shown: QA21 F3) and sees the ninth page again, with one reminder
fewer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from bot.db import reminder_crud as rcrud
from bot.db.models import utcnow
from bot.db.reminder_models import Reminder
from bot.db.session import make_engine
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from tests.e2e.test_reminders import MANAGER, seed_class
from tests.scheduler.test_reminder_paging import (
    class_name,
    listed_in_order,
    number_shown,
    reminder_of,
    reminder_text,
)


def seed_reminders(data_dir: Path, count: int) -> list[int]:
    """`count` active reminders in three classes, number N due N days from now (listed N-th)."""
    class_ids = [seed_class(data_dir, class_name(n), [2000 + n]) for n in range(1, 4)]
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    ids = []
    with Session(engine, expire_on_commit=False) as session:
        for number in range(1, count + 1):
            due = utcnow() + timedelta(days=number)
            label = f"{due:%Y-%m-%d} 🔁&<b>{number}</b>" * 10
            reminder = rcrud.create_reminder(
                session,
                created_by=MANAGER,
                chat_id=MANAGER,
                class_id=class_ids[number % 3],
                text=reminder_text(number),
                when_text=label,
                label=label,
                run_at=due,
                cron=None,
            )
            assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=due)
            ids.append(reminder.id)
    engine.dispose()
    return ids


def status_of(data_dir: Path, reminder_id: int) -> str:
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        status = session.get(Reminder, reminder_id).status
    engine.dispose()
    return status


def test_sixty_reminders_are_paged_and_the_45th_is_cancelled(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    ids = seed_reminders(data_dir, 60)
    bot = start_bot()

    def fits(call) -> dict[str, str]:  # type: ignore[no-untyped-def]
        assert call.ok and visible_length(call.text) <= MAX_MESSAGE_UNITS
        assert len(call.buttons) <= MAX_BUTTONS
        return dict(call.buttons)

    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/reminders")
    listing = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="待发送的提醒", after=mark
    )
    buttons = fits(listing)
    assert "（共 60 条）" in listing.text and "第 1/12 页" in listing.text
    assert list(buttons)[:5] == [f"取消第 {n} 条" for n in range(1, 6)]
    for page in range(2, 10):
        mark = tg.mark()
        tg.press_button(user_id=MANAGER, message_id=listing.message_id, data=buttons["下一页 ▶"])
        shown = tg.wait_for(
            method="editMessageText",
            chat_id=MANAGER,
            text_contains=f"第 {page}/12 页",
            after=mark,
        )
        buttons = fits(shown)
    assert [label for label in buttons if label.startswith("取消")] == [
        f"取消第 {n} 条" for n in range(41, 46)
    ]
    assert [n for n, _ in listed_in_order(shown.text)] == list(range(41, 46))
    # 45 is in class 45 % 3, after 41 and 44 (class 2) and 42: shown, and cancelled, as 44
    shown_as = number_shown(shown.text, 45)
    assert shown_as == 44

    mark = tg.mark()
    cancel = buttons[f"取消第 {shown_as} 条"]
    tg.press_button(user_id=MANAGER, message_id=listing.message_id, data=cancel)
    ask = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="确定取消", after=mark
    )
    assert "第45条提醒" in ask.text
    tg.press_button(user_id=MANAGER, message_id=listing.message_id, data=fits(ask)["🗑 确定取消"])
    done = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="已取消提醒", after=mark
    )
    buttons = fits(done)
    assert "第45条提醒" in done.text.split("\n")[0]
    assert "（共 59 条）" in done.text and "第 9/12 页" in done.text
    assert [label for label in buttons if label.startswith("取消")] == [
        f"取消第 {n} 条" for n in range(41, 46)
    ]
    assert "第46条提醒" in done.text and "第45条提醒" not in done.text.split("\n", 1)[1]
    # the 46th moved up; the button of the number shown next to it is its own
    assert reminder_of(buttons[f"取消第 {number_shown(done.text, 46)} 条"]) == ids[45]
    assert status_of(data_dir, ids[44]) == "cancelled"
    assert status_of(data_dir, ids[45]) == "active"
    refused = [c.short() for c in tg.calls(chat_id=MANAGER) if not c.ok]
    assert refused == []

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
