"""The scheduler and broadcaster of one process, started and stopped by Services hooks.

Registered once in `bot/app.py` (so it runs under every engine, the console included)::

    from scheduler.service import register
    register(services)     # adds a start-up and a shutdown hook

At start-up the process tries to become the leader (scheduler/leader.py). The leader runs an
APScheduler `AsyncIOScheduler` whose jobs live in a SQLAlchemyJobStore on DATABASE_URL (job id
"reminder:<id>", replace_existing, so a restart never adds a second copy), and the single
`Broadcaster`. Other processes keep trying to take over every few seconds; meanwhile they only
write rows (reminders, broadcasts) that the leader picks up (`sync_jobs`, the sender's poll).

A reminder whose time passed while no leader ran is sent on start-up when within
`settings.reminder_grace_seconds` (APScheduler's misfire_grace_time); later than that it is
reported to its manager as missed, citing that grace.

APScheduler pickles each job's misfire_grace_time and its trigger's time zone, so a change of
REMINDER_GRACE_SECONDS or BOT_TIMEZONE would not reach reminders already scheduled. The leader
therefore starts its scheduler paused and, before any job runs, brings the stored jobs in line
(`_align`): every job gets the current grace, and a recurring reminder whose next run was
computed in another zone gets its trigger in the current zone at the same wall-clock time (the
rule /reminders shows, e.g. 每天 06:12), its next run recomputed from now. An occurrence that
was already due is left due (sent within the grace or reported missed), so nothing fires twice
or is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlmodel import Session

from bot.chat import DeliveryError
from bot.db import reminder_crud as rcrud
from bot.db.models import User, utcnow
from bot.db.reminder_models import Reminder, ReminderStatus
from scheduler import jobs, runtime
from scheduler.broadcaster import Broadcaster
from scheduler.leader import LeaderLock
from scheduler.timeparse import format_datetime

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

TEST_SHIFT_ENV = "GUOPEI_TEST_REMINDER_SHIFT_SECONDS"
TAKEOVER_SECONDS = 5.0
SYNC_SECONDS = 5.0


def register(services: Services) -> SchedulerService:
    """Attach the scheduler to the services: start-up and shutdown hooks, `extras["scheduler"]`."""
    service = SchedulerService(services)
    services.extras["scheduler"] = service
    services.startup_hooks.append(service.start)
    services.shutdown_hooks.append(service.stop)
    return service


def get(services: Services) -> SchedulerService | None:
    return services.extras.get("scheduler")


class SchedulerService:
    """Leadership, the APScheduler instance and the broadcaster of this process."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.lock = LeaderLock(services.engine, services.settings.data_dir)
        self.scheduler: AsyncIOScheduler | None = None
        self.broadcaster: Broadcaster | None = None
        self._tasks: list[asyncio.Task] = []
        # Test-only: one-off reminders fire this many seconds early, so an end-to-end test
        # can schedule "1分钟后" and see it fire in a few seconds. Never set in production.
        self.test_shift = timedelta(seconds=float(os.environ.get(TEST_SHIFT_ENV, "0") or 0))

    @property
    def is_leader(self) -> bool:
        return self.scheduler is not None

    # ------------------------------------------------------------ lifecycle

    async def start(self, _services: Services | None = None) -> None:
        runtime.install(self.services)
        if await asyncio.to_thread(self.lock.try_acquire):
            await self._lead()
        else:
            log.info("another process runs the scheduler; this one will take over if it stops")
            self._tasks.append(asyncio.create_task(self._wait_for_leadership()))

    async def stop(self, _services: Services | None = None) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.broadcaster is not None:
            await self.broadcaster.stop()
            self.broadcaster = None
        await asyncio.to_thread(self.lock.release)
        runtime.uninstall(self.services)

    async def _wait_for_leadership(self) -> None:
        while True:
            await asyncio.sleep(TAKEOVER_SECONDS)
            if await asyncio.to_thread(self.lock.try_acquire):
                log.info("took over the scheduler")
                await self._lead()
                return

    @property
    def grace_seconds(self) -> int:
        """The misfire grace every job gets (and the missed-reminder notice cites)."""
        return max(1, self.services.settings.reminder_grace_seconds)

    async def _lead(self) -> None:
        settings = self.services.settings
        unknown = await asyncio.to_thread(self._with_session, rcrud.mark_inflight_unknown)
        if unknown:
            log.warning("%d broadcast messages were in flight at a crash: not resent", unknown)
        self.broadcaster = Broadcaster(self.services)
        self.broadcaster.start()
        scheduler = AsyncIOScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(
                    engine=self.services.engine, tablename="apscheduler_jobs"
                )
            },
            job_defaults={
                "misfire_grace_time": self.grace_seconds,
                "coalesce": True,
                "max_instances": 1,
            },
            timezone=settings.timezone,
        )
        scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        reminders = await asyncio.to_thread(self._with_session, self._realign_next_runs)
        # paused: no job runs before the stored jobs carry the current grace and time zone
        scheduler.start(paused=True)
        self.scheduler = scheduler
        self._align(reminders)
        # every active reminder without a job (written by another process, or due while no
        # leader ran) gets one
        self._sync(reminders)
        scheduler.resume()
        self._tasks.append(asyncio.create_task(self._sync_forever()))
        log.info("scheduler started (this process is the leader)")

    def _realign_next_runs(self, session: Session) -> list[Reminder]:
        """The active reminders; a recurring one whose future next run is not a run of its
        rule in the current time zone (BOT_TIMEZONE changed) moves to the rule's next run
        from now in this zone, in the database too (fire_reminder checks it)."""
        tz = self.services.settings.timezone
        now = utcnow()
        reminders = rcrud.active_reminders(session)
        for reminder in reminders:
            upcoming = reminder.next_run_at
            if reminder.cron is None or reminder.id is None or upcoming is None or upcoming <= now:
                continue
            trigger = CronTrigger(**reminder.cron, timezone=tz)
            if trigger.get_next_fire_time(None, upcoming) == upcoming:
                continue
            later = trigger.get_next_fire_time(None, now)
            log.info(
                "reminder %s: next run %s moved to %s (time zone %s)",
                reminder.id,
                upcoming.isoformat(),
                later.isoformat() if later else None,
                tz,
            )
            rcrud.set_next_run(session, reminder_id=reminder.id, next_run_at=later)
            reminder.next_run_at = later
        return reminders

    def _align(self, reminders: list[Reminder]) -> None:
        """Replace the stored jobs whose grace or trigger time zone is not the current one."""
        assert self.scheduler is not None
        zone = str(self.services.settings.timezone)
        wanted = {jobs.job_id(r.id): r for r in reminders if r.id is not None}
        for job in self.scheduler.get_jobs():
            reminder = wanted.get(job.id)
            if reminder is None:
                continue  # no longer active: the sync removes it
            stale_zone = isinstance(job.trigger, CronTrigger) and str(job.trigger.timezone) != zone
            if job.misfire_grace_time != self.grace_seconds or stale_zone:
                log.info("reminder %s: job brought in line with the settings", reminder.id)
                self.schedule(reminder)

    def _with_session(self, func, **kwargs):  # type: ignore[no-untyped-def]
        with self.services.session() as session:
            return func(session, **kwargs)

    # ------------------------------------------------------------ jobs

    def trigger_for(self, reminder: Reminder) -> DateTrigger | CronTrigger:
        tz = self.services.settings.timezone
        if reminder.cron is not None:
            return CronTrigger(**reminder.cron, timezone=tz)
        assert reminder.run_at is not None
        run_date = (reminder.next_run_at or reminder.run_at) - self.test_shift
        return DateTrigger(run_date=run_date, timezone=tz)

    def schedule(self, reminder: Reminder) -> None:
        """Add (or replace) the job of an active reminder; a no-op outside the leader."""
        if self.scheduler is None or reminder.id is None:
            return
        options: dict = {}
        if reminder.cron is not None and reminder.next_run_at is not None:
            options["next_run_time"] = reminder.next_run_at
        self.scheduler.add_job(
            jobs.fire_reminder,
            self.trigger_for(reminder),
            args=[reminder.id],
            id=jobs.job_id(reminder.id),
            name=f"reminder {reminder.id}",
            replace_existing=True,
            **options,
        )

    def unschedule(self, reminder_id: int) -> None:
        if self.scheduler is None:
            return
        with contextlib.suppress(Exception):
            self.scheduler.remove_job(jobs.job_id(reminder_id))

    async def sync_jobs(self) -> None:
        """Make the jobs match the active reminders (some may come from other processes)."""
        if self.scheduler is None:
            return
        reminders = await asyncio.to_thread(self._with_session, rcrud.active_reminders)
        self._sync(reminders)

    def _sync(self, reminders: list[Reminder]) -> None:
        """Add missing jobs, drop jobs of reminders no longer active.

        A one-off whose job has just run may still read as active here and get its job back;
        that second run finds the occurrence claimed (jobs.fire_reminder) and sends nothing.
        """
        assert self.scheduler is not None
        wanted = {jobs.job_id(r.id): r for r in reminders if r.id is not None}
        existing = {job.id for job in self.scheduler.get_jobs()}
        for job in existing - wanted.keys():
            reminder_id = jobs.reminder_id_of(job)
            if reminder_id is not None and reminder_id not in jobs.firing:
                self.unschedule(reminder_id)
        for job, reminder in wanted.items():
            if job not in existing and reminder.id not in jobs.firing:
                self.schedule(reminder)

    async def _sync_forever(self) -> None:
        while True:
            await asyncio.sleep(SYNC_SECONDS)
            try:
                await self.sync_jobs()
            except Exception:
                log.exception("could not synchronise reminder jobs")

    # ------------------------------------------------------------ missed reminders

    def _on_missed(self, event: JobExecutionEvent) -> None:
        reminder_id = jobs.reminder_id_of(event.job_id)
        if reminder_id is None:
            return
        self._tasks.append(
            asyncio.get_running_loop().create_task(
                self.report_missed(reminder_id, event.scheduled_run_time)
            )
        )

    async def report_missed(self, reminder_id: int, scheduled: datetime) -> None:
        """Tell the manager an occurrence was not sent (it was due too long ago)."""
        tz = self.services.settings.timezone
        ended = False  # a rule whose end date has come (「明天至周五 8点」)
        report_to = 0  # `jobs.report_chat`, set with the reminder

        def update() -> Reminder | None:
            nonlocal ended, report_to
            with self.services.session() as session:
                reminder = rcrud.get_reminder(session, reminder_id=reminder_id)
                if reminder is None or reminder.status != ReminderStatus.active:
                    return None
                creator = session.get(User, reminder.created_by)
                admin_ids = self.services.settings.admin_ids
                report_to = jobs.report_chat(reminder, creator, admin_ids)
                later = jobs.next_occurrence(reminder, max(utcnow(), scheduled), tz)
                ended = reminder.is_recurring and later is None
                if reminder.is_recurring and not ended:
                    rcrud.set_next_run(session, reminder_id=reminder_id, next_run_at=later)
                else:
                    rcrud.set_reminder_status(
                        session,
                        reminder_id=reminder_id,
                        status=ReminderStatus.missed,
                        expected=ReminderStatus.active,
                    )
                return reminder

        reminder = await asyncio.to_thread(update)
        messenger = self.services.messenger
        if reminder is None or messenger is None:
            return
        grace = timedelta(seconds=self.grace_seconds)
        text = (
            f"⚠️ 提醒没有按时发出：「{escape(reminder.text[:60])}」\n"
            f"原定 {format_datetime(scheduled.astimezone(tz))}，当时机器人不在线，"
            f"重启时已超过补发时限（{_minutes(grace)}），所以没有发给学员。"
        )
        if ended:
            text += "\n这是这条重复提醒的最后一次。"
        elif reminder.is_recurring:
            text += "\n这是重复提醒，之后的时间照常发送。"
        else:
            text += "\n如仍需要，请用 /remind 重新设置。"
        try:
            await messenger.send(report_to, text)
        except DeliveryError as error:
            log.warning("missed-reminder notice not delivered: %s", error)


def _minutes(delta: timedelta) -> str:
    """A grace period as written in Chinese: 「1 小时」「10 分钟」「1 分 30 秒」「20 秒」."""
    seconds = int(delta.total_seconds())
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} 秒"
    return f"{minutes} 分钟" if not rest else f"{minutes} 分 {rest} 秒"
