"""REMINDER_GRACE_SECONDS and BOT_TIMEZONE changed between two runs reach the reminders already
scheduled: APScheduler pickles each job's grace and its trigger's zone, and the leader brings
the stored jobs in line at start-up, without firing or dropping any reminder.

The jobs an older configuration left are written straight into the job store (a scheduler
started paused, so nothing runs), as a bot stopped under that configuration leaves them."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.conversation import Conversation
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, utcnow
from bot.db.reminder_models import Reminder, ReminderStatus
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table
from scheduler import jobs
from scheduler.service import SchedulerService
from scheduler.timeparse import format_when
from tests.events import command
from tests.scheduler.test_broadcaster import MANAGER, FakeMessenger, make_class
from tests.scheduler.test_service import wait_until

SHANGHAI, UTC = ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC")


def make_services(database_url: str, tmp_path: Path, **settings: object) -> Services:
    services = Services.create(
        Settings(database_url=database_url, data_dir=tmp_path / "data", bot_token=None, **settings)
    )
    services.messenger = FakeMessenger()
    return services


def add_reminder(
    services: Services, class_id: int, text: str, next_run_at: datetime, cron: dict | None = None
) -> Reminder:
    with services.session() as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=MANAGER,
            chat_id=MANAGER,
            class_id=class_id,
            text=text,
            when_text="",
            label=f"每天 {cron['hour']}:{cron['minute']}" if cron else text,
            run_at=None if cron else next_run_at,
            cron=cron,
        )
        assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=next_run_at)
        return rcrud.get_reminder(session, reminder_id=reminder.id)


async def store_job(
    services: Services,
    reminder: Reminder,
    trigger: DateTrigger | CronTrigger,
    grace: int,
    next_run_time: datetime | None = None,
) -> None:
    """The job of `reminder` as a bot run under another configuration left it."""
    scheduler = AsyncIOScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(engine=services.engine, tablename="apscheduler_jobs")
        },
        timezone=getattr(trigger, "timezone", UTC),
    )
    options = {"next_run_time": next_run_time} if next_run_time is not None else {}
    scheduler.add_job(
        jobs.fire_reminder,
        trigger,
        args=[reminder.id],
        id=jobs.job_id(reminder.id),
        misfire_grace_time=grace,
        coalesce=True,
        replace_existing=True,
        **options,
    )
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0)


def texts(services: Services, chat: int) -> list[str]:
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    return [t for c, t, _ in messenger.sent if c == chat]


async def test_a_changed_grace_applies_to_reminders_already_scheduled(
    database_url: str, tmp_path: Path
) -> None:
    services = make_services(database_url, tmp_path, reminder_grace_seconds=20)
    class_id = make_class(services, 1)
    now = utcnow()
    # set while the grace was 3 s, due 10 s ago: within today's 20 s, so it is sent
    kept = add_reminder(services, class_id, "十秒前的提醒", now - timedelta(seconds=10))
    await store_job(services, kept, DateTrigger(kept.next_run_at), grace=3)
    # set while the grace was an hour, due a minute ago: beyond 20 s, so it is missed
    dropped = add_reminder(services, class_id, "一分钟前的提醒", now - timedelta(seconds=60))
    await store_job(services, dropped, DateTrigger(dropped.next_run_at), grace=3600)
    service = SchedulerService(services)
    services.extras["scheduler"] = service
    await service.start()
    try:
        await wait_until(lambda: any("十秒前的提醒" in t for t in texts(services, 1001)))
        await wait_until(lambda: any("没有按时发出" in t for t in texts(services, MANAGER)))
        notice = next(t for t in texts(services, MANAGER) if "没有按时发出" in t)
        assert "一分钟前的提醒" in notice and "补发时限（20 秒）" in notice
        assert not any("十秒前的提醒" in t for t in texts(services, MANAGER) if "没有按时" in t)
        assert not any("一分钟前的提醒" in t for t in texts(services, 1001))
        with services.session() as session:
            assert rcrud.get_reminder(session, reminder_id=kept.id).status == "done"
            assert rcrud.get_reminder(session, reminder_id=dropped.id).status == "missed"
    finally:
        await service.stop()


async def test_a_changed_time_zone_keeps_the_wall_clock_of_recurring_reminders(
    database_url: str, tmp_path: Path
) -> None:
    services = make_services(database_url, tmp_path, bot_timezone="UTC")
    class_id = make_class(services, 1)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
    now = utcnow()
    # 「每天 HH:MM」 set under Asia/Shanghai, HH:MM half a day from now (far from any edge)
    clock = (now + timedelta(hours=12)).astimezone(UTC)
    cron = {
        "minute": str(clock.minute),
        "hour": str(clock.hour),
        "day": "*",
        "month": "*",
        "day_of_week": "*",
    }
    old_rule = CronTrigger(**cron, timezone=SHANGHAI)
    old_next = old_rule.get_next_fire_time(None, now)
    daily = add_reminder(services, class_id, "每天的提醒", old_next, cron)
    await store_job(services, daily, old_rule, grace=3600, next_run_time=old_next)
    # and one whose occurrence (in the old zone) fell due while the bot was down
    due = add_reminder(services, class_id, "下线时到点的提醒", now - timedelta(seconds=10), cron)
    await store_job(services, due, old_rule, grace=3600, next_run_time=due.next_run_at)

    service = SchedulerService(services)
    services.extras["scheduler"] = service
    await service.start()
    try:
        new_rule = CronTrigger(**cron, timezone=UTC)
        expected = new_rule.get_next_fire_time(None, now)
        assert expected != old_next
        # /reminders shows the next run at HH:MM of the new zone, and that is when it runs
        listing = await Conversation(services, routing_table()).handle(
            command(MANAGER, "/reminders")
        )
        text = "\n".join(r.text for r in listing)
        shown = format_when(expected, datetime.now(UTC))
        assert "每天的提醒" in text and f"下次：{shown}" in text, text
        job = service.scheduler.get_job(jobs.job_id(daily.id))
        assert job.next_run_time == expected and str(job.trigger.timezone) == "UTC"
        # the due occurrence is still sent, once; then it follows the new zone too
        await wait_until(lambda: any("下线时到点的提醒" in t for t in texts(services, 1001)))
        await wait_until(
            lambda: service.scheduler.get_job(jobs.job_id(due.id)).next_run_time == expected
        )
        assert not any("每天的提醒" in t for t in texts(services, 1001))
        assert not any("没有按时发出" in t for t in texts(services, MANAGER))
        with services.session() as session:
            assert rcrud.get_reminder(session, reminder_id=daily.id).next_run_at == expected
            reminder = rcrud.get_reminder(session, reminder_id=due.id)
            assert reminder.status == ReminderStatus.active
            assert reminder.next_run_at == expected
        assert len([t for t in texts(services, 1001) if "下线时到点的提醒" in t]) == 1
    finally:
        await service.stop()


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(3600, "1 小时"), (600, "10 分钟"), (90, "1 分 30 秒"), (20, "20 秒"), (1, "1 秒")],
)
def test_the_grace_is_cited_as_written(seconds: int, shown: str) -> None:
    from scheduler.service import _minutes

    assert _minutes(timedelta(seconds=seconds)) == shown
