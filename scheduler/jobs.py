"""APScheduler job functions: module-level, plain ids in, Services from `scheduler.runtime`.

    scheduler.add_job(fire_reminder, trigger, args=[reminder_id], id=job_id(reminder_id))

`fire_reminder` turns one occurrence of a reminder into a broadcast (kind "reminder") to the
class, so reminders get the broadcaster's rate limits and exactly-once delivery. An occurrence
is claimed in the same commit that creates its broadcast (unique `occurrence_key`, and the
reminder's `next_run_at` moves on), so a job that runs twice for one occurrence sends nothing
the second time.

An occurrence sent more than `LATE_AFTER` after its time (the bot was down, and it is still
within REMINDER_GRACE_SECONDS) says so: the trainees' message ends with
「(原定 12月6日 21:00 发送,因机器人离线延后)」 and the manager is told before the report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError

from bot.chat import DeliveryError
from bot.db import reminder_crud as rcrud
from bot.db.models import TrainingClass, User, utcnow
from bot.db.reminder_models import Reminder, ReminderStatus
from scheduler import runtime
from scheduler.timeparse import format_datetime

log = logging.getLogger(__name__)

EARLY_SLACK = timedelta(seconds=60)
LATE_AFTER = timedelta(seconds=60)  # sent later than this after its time: say it is late
firing: set[int] = set()  # reminders whose job is running now (the sync leaves them alone)
JOB_PREFIX = "reminder:"


def job_id(reminder_id: int) -> str:
    return f"{JOB_PREFIX}{reminder_id}"


def reminder_id_of(job: str) -> int | None:
    if not job.startswith(JOB_PREFIX):
        return None
    try:
        return int(job.removeprefix(JOB_PREFIX))
    except ValueError:
        return None


def next_occurrence(reminder: Reminder, after: datetime, tz: object) -> datetime | None:
    """The next run strictly after `after` (None for a one-off)."""
    if reminder.cron is None:
        return None
    trigger = CronTrigger(**reminder.cron, timezone=tz)
    return trigger.get_next_fire_time(None, after + timedelta(seconds=1))


def report_chat(reminder: Reminder) -> int:
    """Where a reminder's progress, report and notices go: its manager's private chat.

    That is the chat it was set in (a private chat's id is its user's id); a reminder set in
    a class group before /remind became private-only reports privately too, since the report
    names the trainees who blocked the bot."""
    return reminder.chat_id if reminder.chat_id > 0 else reminder.created_by


def late_note(scheduled: datetime) -> str:
    """The line a late occurrence carries; `scheduled` in the bot's time zone."""
    return f"(原定 {scheduled.month}月{scheduled.day}日 {scheduled:%H:%M} 发送,因机器人离线延后)"


def reminder_message(
    reminder: Reminder, class_name: str, late_from: datetime | None = None, manager: str = ""
) -> str:
    """The trainees' message, naming the class and its manager (two managers' classes may
    share a name); `late_from` (local time) when it goes out late."""
    sender = f"{class_name} · 班主任 {manager}" if manager else class_name
    text = f"⏰ <b>提醒</b> · {escape(sender)}\n{escape(reminder.text)}"
    return text + f"\n{late_note(late_from)}" if late_from is not None else text


@dataclass(frozen=True)
class _Claimed:
    broadcast_id: int
    report_chat: int
    text: str
    class_name: str
    late_from: datetime | None  # local time it was due, when sent late


def late_notice(claimed: _Claimed, now: datetime) -> str:
    """What the manager reads when an occurrence goes out late."""
    assert claimed.late_from is not None
    where = f"「{escape(claimed.class_name)}」的" if claimed.class_name else ""
    day = f"{now.month}月{now.day}日 " if now.date() != claimed.late_from.date() else ""
    return (
        f"⏰ 提醒延后发出:「{escape(claimed.text[:60])}」\n"
        f"原定 {format_datetime(claimed.late_from)},当时机器人不在线,"
        f"{day}{now:%H:%M} 重启后补发给{where}学员;学员收到的提醒里注明了原定时间。"
    )


async def fire_reminder(reminder_id: int) -> int | None:
    """Send one occurrence of a reminder to its class; returns the broadcast id (or None)."""
    import asyncio

    from scheduler.broadcaster import wake_sender

    services = runtime.current()
    tz = services.settings.timezone
    service = services.extras.get("scheduler")
    early = EARLY_SLACK + (service.test_shift if service is not None else timedelta())

    def claim() -> _Claimed | None:
        now = utcnow()
        with services.session() as session:
            reminder = session.get(Reminder, reminder_id)
            if reminder is None or reminder.status != ReminderStatus.active:
                return None
            if reminder.class_id is None:
                return None
            if reminder.next_run_at is not None and reminder.next_run_at > now + early:
                log.info("reminder %s: occurrence already sent, skipping", reminder_id)
                return None
            occurrence = reminder.next_run_at or now
            late_from = occurrence.astimezone(tz) if now - occurrence > LATE_AFTER else None
            if reminder.is_recurring:
                reminder.next_run_at = next_occurrence(reminder, max(now, occurrence), tz)
            else:
                reminder.status = ReminderStatus.done
                reminder.next_run_at = None
            session.add(reminder)
            training_class = session.get(TrainingClass, reminder.class_id)
            class_name = training_class.name if training_class else ""
            manager = session.get(User, reminder.created_by)
            manager_name = manager.display_name if manager else ""
            try:
                record = rcrud.create_broadcast(
                    session,
                    class_id=reminder.class_id,
                    text=reminder_message(reminder, class_name, late_from, manager_name),
                    created_by=reminder.created_by,
                    kind="reminder",
                    report_chat_id=report_chat(reminder),
                    reminder_id=reminder_id,
                    occurrence_key=f"r{reminder_id}@{occurrence.astimezone(tz):%Y%m%dT%H%M}",
                )
            except IntegrityError:
                session.rollback()
                log.info("reminder %s: occurrence already claimed", reminder_id)
                return None
            assert record.id is not None
            return _Claimed(record.id, report_chat(reminder), reminder.text, class_name, late_from)

    firing.add(reminder_id)
    try:
        claimed = await asyncio.to_thread(claim)
    finally:
        firing.discard(reminder_id)
    if claimed is None:
        return None
    log.info("reminder %s fired as broadcast %s", reminder_id, claimed.broadcast_id)
    if claimed.late_from is not None and services.messenger is not None:
        notice = late_notice(claimed, datetime.now(tz))
        try:  # before the sender starts, so the manager reads it above the progress message
            await services.messenger.send(claimed.report_chat, notice)
        except DeliveryError as error:
            log.warning("late-reminder notice not delivered: %s", error)
    wake_sender(services)
    return claimed.broadcast_id
