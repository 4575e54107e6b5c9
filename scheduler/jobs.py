"""APScheduler job functions: module-level, plain ids in, Services from `scheduler.runtime`.

    scheduler.add_job(fire_reminder, trigger, args=[reminder_id], id=job_id(reminder_id))

`fire_reminder` turns one occurrence of a reminder into a broadcast (kind "reminder") to the
class, so reminders get the broadcaster's rate limits and exactly-once delivery. An occurrence
is claimed in the same commit that creates its broadcast (unique `occurrence_key`, and the
reminder's `next_run_at` moves on), so a job that runs twice for one occurrence sends nothing
the second time.

An occurrence sent more than `LATE_AFTER` after its time (the bot was down, and it is still
within REMINDER_GRACE_SECONDS) says so: the trainees' message ends with
「(原定 12月6日 21:00 发送,因机器人离线延后)」, and the broadcast's progress message and report
tell the manager in a line of their own (`late_line`), read back from the broadcast record by
`late_due`: its occurrence key holds the time it was due, its text the note.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from html import escape

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError

from bot.db import reminder_crud as rcrud
from bot.db.models import Role, TrainingClass, User, utcnow
from bot.db.reminder_models import Reminder, ReminderStatus
from scheduler import runtime

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
    """The next run strictly after `after` (None for a one-off, and for a rule whose cron has
    an `end_date` that has come)."""
    if reminder.cron is None:
        return None
    trigger = CronTrigger(**reminder.cron, timezone=tz)
    return trigger.get_next_fire_time(None, after + timedelta(seconds=1))


def still_manages(creator: User | None, admin_ids: Iterable[int]) -> bool:
    """Whether a reminder's creator still is a class manager (or an admin): not once removed
    with /removemanager."""
    return creator is not None and (creator.role != Role.trainee or creator.id in admin_ids)


def reporting_admin(admin_ids: Iterable[int]) -> int | None:
    """The admin who gets a removed manager's reminder reports: the first of ADMIN_IDS (a
    report is one message); None without admins."""
    return min(admin_ids, default=None)


def report_chat(reminder: Reminder, creator: User | None, admin_ids: Iterable[int]) -> int:
    """Where a reminder's progress, report and notices go: its manager's private chat.

    That is the chat it was set in (a private chat's id is its user's id); a reminder set in
    a class group before /remind became private-only reports privately too, since the report
    names the trainees who blocked the bot. Once its manager was removed (/removemanager, which
    only an admin can send), the reports go to the admins, as the class's 问班主任 does: to the
    first of ADMIN_IDS (a report is one message), not to the removed user."""
    admins = frozenset(admin_ids)
    admin = reporting_admin(admins)
    if creator is not None and admin is not None and not still_manages(creator, admins):
        return admin
    return reminder.chat_id if reminder.chat_id > 0 else reminder.created_by


def late_note(scheduled: datetime) -> str:
    """The line a late occurrence carries; `scheduled` in the bot's time zone."""
    day = f"{scheduled.month}月{scheduled.day}日"
    return f"（原定 {day} {scheduled:%H:%M} 发送，因机器人离线延后）"


def late_notes(scheduled: datetime) -> tuple[str, str]:
    """The note as written now, and as broadcasts stored before the texts took full-width
    punctuation wrote it (both are read back)."""
    day = f"{scheduled.month}月{scheduled.day}日"
    return late_note(scheduled), f"(原定 {day} {scheduled:%H:%M} 发送,因机器人离线延后)"


def reminder_message(
    reminder: Reminder, class_name: str, late_from: datetime | None = None, manager: str = ""
) -> str:
    """The trainees' message, naming the class and its manager (two managers' classes may
    share a name); `late_from` (local time) when it goes out late."""
    sender = f"{class_name} · 班主任 {manager}" if manager else class_name
    text = f"⏰ <b>提醒</b> · {escape(sender)}\n{escape(reminder.text)}"
    return text + f"\n{late_note(late_from)}" if late_from is not None else text


def occurrence_key(reminder_id: int, due: datetime) -> str:
    """The unique key of one occurrence's broadcast: the reminder and the local time it was
    due, to the minute (``r7@20261206T0900``)."""
    return f"r{reminder_id}@{due:%Y%m%dT%H%M}"


def late_due(key: str | None, text: str) -> datetime | None:
    """When a reminder occurrence that went out late was due (local time, to the minute, no
    zone), from its broadcast's occurrence key and text; None for one sent on time (its text
    has no late note), a resend or any other broadcast."""
    reminder, at, when = (key or "").partition("@")
    if not at or not reminder.startswith("r") or not reminder[1:].isdigit():
        return None
    try:
        due = datetime.strptime(when, "%Y%m%dT%H%M")
    except ValueError:
        return None
    return due if any(text.endswith(f"\n{note}") for note in late_notes(due)) else None


def late_line(due: datetime, sent: datetime) -> str:
    """The line of a late occurrence's progress message and report; both in local time."""
    day = f"{sent.month}月{sent.day}日 " if sent.date() != due.date() else ""
    return (
        f"⏰ 原定 {due.month}月{due.day}日 {due:%H:%M}，机器人当时不在线，"
        f"{day}{sent:%H:%M} 补发；"
        "学员收到的提醒里注明了原定时间。"
    )


async def fire_reminder(reminder_id: int) -> int | None:
    """Send one occurrence of a reminder to its class; returns the broadcast id (or None)."""
    import asyncio

    from scheduler.broadcaster import wake_sender

    services = runtime.current()
    tz = services.settings.timezone
    service = services.extras.get("scheduler")
    early = EARLY_SLACK + (service.test_shift if service is not None else timedelta())

    def claim() -> int | None:
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
                if reminder.next_run_at is None:  # its end date has come (「明天至周五 8点」)
                    reminder.status = ReminderStatus.done
            else:
                reminder.status = ReminderStatus.done
                reminder.next_run_at = None
            session.add(reminder)
            training_class = session.get(TrainingClass, reminder.class_id)
            class_name = training_class.name if training_class else ""
            manager = session.get(User, reminder.created_by)
            admin_ids = services.settings.admin_ids
            # A manager removed since (/removemanager) is no longer the class's 班主任.
            still_manager = still_manages(manager, admin_ids)
            manager_name = manager.display_name if manager and still_manager else ""
            try:
                record = rcrud.create_broadcast(
                    session,
                    class_id=reminder.class_id,
                    text=reminder_message(reminder, class_name, late_from, manager_name),
                    created_by=reminder.created_by,
                    kind="reminder",
                    report_chat_id=report_chat(reminder, manager, admin_ids),
                    reminder_id=reminder_id,
                    occurrence_key=occurrence_key(reminder_id, occurrence.astimezone(tz)),
                )
            except IntegrityError:
                session.rollback()
                log.info("reminder %s: occurrence already claimed", reminder_id)
                return None
            assert record.id is not None
            return record.id

    firing.add(reminder_id)
    try:
        broadcast_id = await asyncio.to_thread(claim)
    finally:
        firing.discard(reminder_id)
    if broadcast_id is None:
        return None
    log.info("reminder %s fired as broadcast %s", reminder_id, broadcast_id)
    wake_sender(services)
    return broadcast_id
