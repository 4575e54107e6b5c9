"""Deadline reminders: a deadline found in the notices (/deadlines) becomes a class reminder.

Called by the "⏰ 设为提醒" buttons of handlers/deadlines.py::

    reminder_id = await schedule_deadline_reminder(services, manager_id, class_id, deadline, 3)

The reminder fires at 09:00 (BOT_TIMEZONE) `days_before` days before the due date, quotes
the duty and its notice, and is listed and cancelled like any other (/reminders).
Raises ValueError (a Chinese sentence) when that time has already passed, and
`ReminderExists` when the class has it already: the row carries `reminder_key`, unique among
the active reminders in the database, so two processes (or two taps racing past the
handler's check) cannot both set it.

When its notice is replaced or removed, the reminder is found by its text: no live deadline
gives it any more (`deadline_marks`, `superseded`). Nothing is stored for this, so a notice
restored (/notices 「恢复」) makes its reminders current again.

The text writes the date as Chinese readers do, 「2027年1月15日」 (QA21 F3). Reminders stored
before wrote it zero-padded, 「2027年01月15日」, and keep that text: every match of a stored
reminder takes both (`deadline_messages`), and the key is hashed over the padded text, so a
reminder set now and one stored before are the same reminder to the database too.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Collection, Iterable
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
    """The reminder's `dedup_key`: the same class, text, time and lead days are one reminder.
    `text` is the padded form (`deadline_messages`), the one the stored keys were made from."""
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
    """The reminder's text (plain: it is escaped when sent), its date unpadded: 「距截止日
    2027年1月15日 还有 3 天：…」."""
    return _message(deadline, days_before, padded=False)


def deadline_messages(deadline: Deadline, days_before: int) -> tuple[str, str]:
    """The texts a reminder of this deadline, `days_before` days ahead, may carry: the one set
    now (`deadline_message`), then the zero-padded one of reminders stored before QA21 F3."""
    return _message(deadline, days_before, padded=False), _message(deadline, days_before, True)


def _message(deadline: Deadline, days_before: int, padded: bool) -> str:
    """`deadline_message`, its date written 「2027年01月15日」 when `padded`."""
    assert deadline.due is not None
    where = " · ".join(p for p in (deadline.doc_number, clause_label(deadline.clause)) if p)
    source = (f"《{deadline.title}》" if deadline.title else "") + (
        f"（{where}）" if where else ""
    )
    noun = "" if is_on_the_day(deadline) else "截止日 "  # 「于2026年12月19日报到」: no limit
    due = deadline.due
    day = f"{due:%Y年%m月%d日}" if padded else f"{due.year}年{due.month}月{due.day}日"
    text = f"距{noun}{day} 还有 {days_before} 天：{deadline.text.strip()}"
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

    text, padded = deadline_messages(deadline, days_before)
    key = reminder_key(class_id, padded, run_at, days_before)

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


# 「还有 3 天：」 of `deadline_message`: the one part that differs between the lead times.
_LEAD = re.compile(r"还有 \d+ 天：")
# The 「依据：」 line: 《title》 (itself perhaps holding 《…》), then （文号 · 条款 …）.
_CITED = re.compile(r"\n依据[：:](?:《(?P<title>.*)》)?(?:（(?P<where>.*)）)?\s*$", re.S)


def lead_free(text: str) -> str:
    """A deadline reminder's text with its lead days blanked: one deadline, any lead time."""
    return _LEAD.sub("还有 N 天：", text, count=1)


def deadline_marks(deadlines: Iterable[Deadline]) -> set[str]:
    """The texts (`lead_free`) that reminders of these deadlines carry (dated ones only), in
    both forms (`deadline_messages`)."""
    return {
        lead_free(text)
        for d in deadlines
        if d.due is not None
        for text in deadline_messages(d, 1)
    }


def cited_notice(text: str) -> tuple[str, str]:
    """(title, 文号) a deadline reminder's 「依据：」 line cites; "" for what it does not."""
    found = _CITED.search(text)
    if found is None:
        return "", ""
    where = (found["where"] or "").split(" · ")[0]
    return found["title"] or "", "" if where.startswith("条款") else where


def superseded(
    reminder: Reminder, marks: Collection[str], titles: Collection[str], numbers: Collection[str]
) -> str:
    """Whether a deadline reminder's notice is gone: "" while a live deadline still gives its
    text (`marks`) or for a reminder not set from /deadlines; "replaced" when a live notice has
    the title or 文号 it cites (a new version), else "removed"."""
    if not (reminder.dedup_key or "").startswith("deadline:"):
        return ""
    if lead_free(reminder.text) in marks:
        return ""
    title, number = cited_notice(reminder.text)
    cited = (title and title in titles) or (number and number in numbers)
    return "replaced" if cited else "removed"
