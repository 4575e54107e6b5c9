"""The scheduler service on SQLite and PostgreSQL: leadership across two processes, reminders
due while the bot was down (sent within the grace period, reported as missed beyond it), and
an occurrence never fired twice."""

from __future__ import annotations

import asyncio
import select
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from bot.db import reminder_crud as rcrud
from bot.db.models import utcnow
from bot.db.reminder_models import ReminderStatus
from bot.services import Services
from bot.settings import Settings
from scheduler import jobs
from scheduler.service import SchedulerService
from tests.scheduler.test_broadcaster import MANAGER, FakeMessenger, make_class

REPO = Path(__file__).resolve().parents[2]
GROUP = -100555

LOCK_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from bot.db.session import make_engine
    from scheduler.leader import LeaderLock
    lock = LeaderLock(make_engine(sys.argv[1]), Path(sys.argv[2]))
    if lock.try_acquire():
        print("leader", flush=True)
    else:
        print("follower", flush=True)
        while not lock.try_acquire():
            time.sleep(0.05)
        print("leader", flush=True)
    sys.stdin.read()
    lock.release()
    """
)


def spawn(url: str, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LOCK_SCRIPT, url, str(data_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def read_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    return process.stdout.readline().strip() if ready else None


def test_exactly_one_leader_across_processes(database_url: str, tmp_path: Path) -> None:
    first = spawn(database_url, tmp_path)
    assert read_line(first, 30) == "leader"
    second = spawn(database_url, tmp_path)
    try:
        assert read_line(second, 30) == "follower"
        assert read_line(second, 1.0) is None  # still not leader while the first lives
        first.kill()  # a crash: the lock must go with the process
        first.wait()
        assert read_line(second, 30) == "leader"
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Services:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", bot_token=None)
    services = Services.create(settings)
    services.messenger = FakeMessenger()
    return services


def add_reminder(services: Services, class_id: int, text: str, due: timedelta, **kw):  # type: ignore[no-untyped-def]
    run_at = utcnow() + due
    with services.session() as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=MANAGER,
            chat_id=kw.get("chat_id", MANAGER),
            class_id=class_id,
            text=text,
            when_text="",
            label=text,
            run_at=None if kw.get("cron") else run_at,
            cron=kw.get("cron"),
        )
        assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=run_at)
        return rcrud.get_reminder(session, reminder_id=reminder.id)


async def wait_until(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)


async def test_due_reminders_on_start_up(services: Services) -> None:
    class_id = make_class(services, 2)
    late = add_reminder(services, class_id, "晚了十分钟的提醒", timedelta(minutes=-10))
    # set in the class group (before /remind was private-only): reported to the manager
    missed = add_reminder(services, class_id, "两小时前的提醒", timedelta(hours=-2), chat_id=GROUP)
    service = SchedulerService(services)
    services.extras["scheduler"] = service
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    await service.start()
    try:
        assert service.is_leader
        # a second service on the same database stays a follower
        other = SchedulerService(services)
        await other.start()
        assert not other.is_leader
        await other.stop()

        def texts(chat: int) -> list[str]:
            return [t for c, t, _ in messenger.sent if c == chat]

        await wait_until(lambda: any("晚了十分钟" in t for t in texts(1002)))
        # sent late: the trainees' message says when it was due, and so does the report
        due = late.next_run_at.astimezone(services.settings.timezone)
        sent = next(t for t in texts(1002) if "晚了十分钟" in t)
        assert sent.endswith(
            f"\n（原定 {due.month}月{due.day}日 {due:%H:%M} 发送，因机器人离线延后）"
        )
        await wait_until(lambda: any("人：送达" in t for _, _, t in messenger.edits))
        report = next(t for _, _, t in messenger.edits if "人：送达" in t)
        assert report.startswith("✅ 提醒已发给「语文一班」：晚了十分钟的提醒\n")
        assert f"⏰ 原定 {due.month}月{due.day}日 {due:%H:%M}，机器人当时不在线，" in report
        # no message of its own: the progress message (then the report) is the first one
        first = [t for t in texts(MANAGER) if "晚了十分钟" in t][0]
        assert first.startswith("📤 正在向「语文一班」发送提醒")
        await wait_until(lambda: any("没有按时发出" in t for t in texts(MANAGER)))
        notice = next(t for t in texts(MANAGER) if "没有按时发出" in t)
        assert "两小时前的提醒" in notice
        assert not any("两小时前" in t for t in texts(1001))
        assert texts(GROUP) == []
        with services.session() as session:
            assert rcrud.get_reminder(session, reminder_id=late.id).status == "done"
            assert rcrud.get_reminder(session, reminder_id=missed.id).status == "missed"
    finally:
        await service.stop()


async def test_an_occurrence_fires_once(services: Services) -> None:
    class_id = make_class(services, 1)
    cron = {"minute": "0", "hour": "9", "day": "*", "month": "*", "day_of_week": "*"}
    weekly = add_reminder(services, class_id, "每天的提醒", timedelta(seconds=-1), cron=cron)
    service = SchedulerService(services)
    services.extras["scheduler"] = service
    from scheduler import runtime

    runtime.install(services)
    try:
        first = await jobs.fire_reminder(weekly.id)
        second = await jobs.fire_reminder(weekly.id)  # the same occurrence again
        assert first is not None and second is None
        with services.session() as session:
            reminder = rcrud.get_reminder(session, reminder_id=weekly.id)
            assert reminder.status == ReminderStatus.active
            assert reminder.next_run_at > utcnow()  # moved on to tomorrow 9:00
    finally:
        runtime.uninstall(services)


async def test_deadline_becomes_a_reminder(services: Services) -> None:
    from datetime import date

    from knowledge.models import Deadline
    from scheduler.deadlines import schedule_deadline_reminder

    class_id = make_class(services, 1)
    today = utcnow().astimezone(services.settings.timezone).date()

    def deadline(due: date) -> Deadline:
        return Deadline(
            due=due,
            text="报送培训总结材料",
            when_text="前",
            clause="",
            title="关于做好国培计划的通知",
            doc_number="教师厅〔2019〕1号",
            source="",
            doc_id="x",
        )

    reminder_id = await schedule_deadline_reminder(
        services, MANAGER, class_id, deadline(today + timedelta(days=10)), 3
    )
    with services.session() as session:
        reminder = rcrud.get_reminder(session, reminder_id=reminder_id)
        listed = rcrud.reminders_of_manager(session, manager_id=MANAGER)
    local = reminder.next_run_at.astimezone(services.settings.timezone)
    assert (local.date(), local.hour, local.minute) == (today + timedelta(days=7), 9, 0)
    assert "报送培训总结材料" in reminder.text and "教师厅〔2019〕1号" in reminder.text
    assert [r.id for r, _ in listed] == [reminder_id]
    with pytest.raises(ValueError, match="已经过去"):
        await schedule_deadline_reminder(services, MANAGER, class_id, deadline(today), 1)


async def test_follower_takes_over_when_the_leader_stops(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scheduler import service as service_module

    monkeypatch.setattr(service_module, "TAKEOVER_SECONDS", 0.05)
    leader, follower = SchedulerService(services), SchedulerService(services)
    await leader.start()
    await follower.start()
    try:
        assert leader.is_leader and not follower.is_leader
        await leader.stop()
        await wait_until(lambda: follower.is_leader, timeout=10)
        assert follower.broadcaster is not None
    finally:
        await follower.stop()
        await leader.stop()


async def test_leader_picks_up_reminders_written_by_another_process(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scheduler import service as service_module

    monkeypatch.setattr(service_module, "SYNC_SECONDS", 0.05)
    class_id = make_class(services, 1)
    service = SchedulerService(services)
    services.extras["scheduler"] = service
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    await service.start()
    try:
        # as a follower process's /remind would: an active row, no job in this process
        add_reminder(services, class_id, "别的进程设的提醒", timedelta(seconds=1))
        await wait_until(
            lambda: any("别的进程设的提醒" in t for c, t, _ in messenger.sent if c == 1001)
        )
        assert not any("原定" in t for _, t, _ in messenger.sent)  # on time: no late note
    finally:
        await service.stop()
