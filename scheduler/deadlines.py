"""Deadline reminders: a deadline found in the notices (/deadlines) becomes a class reminder.

Called by the "⏰ 设为提醒" buttons of handlers/deadlines.py::

    reminder_id = await schedule_deadline_reminder(services, manager_id, class_id, deadline, 3)

The reminder fires at 09:00 (BOT_TIMEZONE) `days_before` days before the due date, quotes
the duty and its notice, and is listed and cancelled like any other (/reminders).
Raises ValueError (a Chinese sentence) when that time has already passed, and
`ReminderExists` when the class has it already: the row carries `reminder_key`, unique among
the active reminders in the database, so two processes (or two taps racing past the
handler's check) cannot both set it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from bot.db import reminder_crud as rcrud
from bot.db.models import TrainingClass, utcnow
from knowledge.deadlines import is_on_the_day
from knowledge.models import clause_label
from scheduler import service as scheduler_service
from scheduler.timeparse import format_datetime

if TYPE_CHECKING:
    from bot.db.reminder_models import Reminder
    from bot.services import Services
    from knowledge.models import Deadline

REMIND_AT = time(9, 0)
MAX_TEXT = 600
CHANGED_MEANWHILE = "刚才有人同时改动了这个培训班的提醒，请重新发送 /deadlines 再试。"


class ReminderExists(Exception):
    """The class has this reminder already (set by another process a moment ago)."""

    def __init__(self, reminder: Reminder) -> None:
        super().__init__("这个提醒已经设置过了。")
        self.reminder = reminder


def reminder_key(class_id: int, text: str, run_at: datetime, days_before: int) -> str:
    """The reminder's `dedup_key`: the same class, text, time and lead days are one reminder."""
    moment = run_at.astimezone(UTC).isoformat()
    raw = "\0".join((str(class_id), moment, str(days_before), text))
    return "deadline:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def reminder_run_at(due: date, days_before: int, tz: tzinfo) -> datetime:
    """When the reminder `days_before` days ahead of `due` is sent: 09:00 that day."""
    return datetime.combine(due - timedelta(days=days_before), REMIND_AT, tz)


def lead_days_left(due: date, now: datetime, choices: Iterable[int]) -> list[int]:
    """The lead times (days before `due`) whose reminder time is still ahead of `now`."""
    assert now.tzinfo is not None
    return [days for days in choices if reminder_run_at(due, days, now.tzinfo) > now]


def deadline_message(deadline: Deadline, days_before: int) -> str:
    """The reminder's text (plain: it is escaped when sent)."""
    assert deadline.due is not None
    where = " · ".join(p for p in (deadline.doc_number, clause_label(deadline.clause)) if p)
    source = (f"《{deadline.title}》" if deadline.title else "") + (
        f"（{where}）" if where else ""
    )
    noun = "" if is_on_the_day(deadline) else "截止日 "  # 「于2026年12月19日报到」: no limit
    text = f"距{noun}{deadline.due:%Y年%m月%d日} 还有 {days_before} 天：{deadline.text.strip()}"
    if source:
        text += f"\n依据：{source}"
    return text[:MAX_TEXT]


async def schedule_deadline_reminder(
    services: Services, manager_id: int, class_id: int, deadline: Deadline, days_before: int
) -> int:
    """Create and schedule the reminder; returns its id. Raises `ReminderExists` when the class
    has it already (the database refuses the copy)."""
    if deadline.due is None:
        raise ValueError("这项截止事项没有具体日期，请用 /remind 手动设置。")
    run_at = reminder_run_at(deadline.due, days_before, services.settings.timezone)
    ahead, before = f"截止前{days_before}天", f"截止日前 {days_before} 天"
    if is_on_the_day(deadline):  # 「于2026年12月19日报到」: that day, no limit
        day = f"{deadline.due.month}月{deadline.due.day}日"
        ahead, before = f"提前{days_before}天", f"{day}前 {days_before} 天"
    if run_at <= utcnow():
        raise ValueError(f"提醒时间 {format_datetime(run_at)} 已经过去了。")

    text = deadline_message(deadline, days_before)
    key = reminder_key(class_id, text, run_at, days_before)

    def create() -> object:
        with services.session() as session:
            if session.get(TrainingClass, class_id) is None:
                raise ValueError("这个培训班不存在了。")
            try:  # active at once: a draft would not hold the key (the index counts active)
                return rcrud.create_reminder(
                    session,
                    created_by=manager_id,
                    chat_id=manager_id,
                    class_id=class_id,
                    text=text,
                    when_text=ahead,
                    label=f"{format_datetime(run_at)}（{before}）",
                    run_at=run_at,
                    cron=None,
                    active=True,
                    dedup_key=key,
                )
            except IntegrityError:  # another process set it since the handler looked
                session.rollback()
                found = rcrud.active_reminder_by_key(session, dedup_key=key)
                if found is None:  # not the key (the class was deleted), or cancelled already
                    raise ValueError(CHANGED_MEANWHILE) from None
                raise ReminderExists(found) from None

    reminder = await asyncio.to_thread(create)
    service = scheduler_service.get(services)
    if service is not None:
        service.schedule(reminder)  # type: ignore[arg-type]
    return reminder.id  # type: ignore[attr-defined]
