"""A recurring reminder does not flood its manager (QA 6b L3), on SQLite and PostgreSQL: an
occurrence that reached everyone sends the manager nothing (no progress message, no report),
its delivery rows are kept and it is marked reported, also when its report was still pending
at a restart; one that missed someone or went out late is reported in one message (no
progress message before it), saying when such reports come; a one-off reminder keeps its
progress message and report."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import Unreachable
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, utcnow
from bot.db.reminder_models import Broadcast, DeliveryStatus, ReminderStatus
from bot.services import Services
from bot.settings import Settings
from scheduler import jobs, runtime
from tests.scheduler.test_broadcaster import (
    MANAGER,
    FakeMessenger,
    drain,
    make_class,
    sender,
    statuses,
)

DAILY = {"minute": "0", "hour": "20", "day": "*", "month": "*", "day_of_week": "*"}
QUIET_NOTE = "🔁 这是重复提醒：按时全部送达时不发报告，有人没收到时才会告诉您。"


@pytest.fixture
def services(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", bot_token=None)
    services = Services.create(settings)
    services.messenger = FakeMessenger()
    runtime.install(services)
    yield services
    runtime.uninstall(services)


def add_reminder(services: Services, class_id: int, text: str, cron: dict | None) -> int:
    """An active reminder due now (a daily one at 20:00 when `cron`, else a one-off)."""
    now = utcnow()
    with services.session() as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=MANAGER,
            chat_id=MANAGER,
            class_id=class_id,
            text=text,
            when_text="",
            label=text,
            run_at=None if cron else now,
            cron=cron,
        )
        assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=now)
        return reminder.id


async def fire(services: Services, reminder_id: int) -> int:
    """This occurrence, sent to the end; the broadcast's id."""
    broadcast_id = await jobs.fire_reminder(reminder_id)
    assert broadcast_id is not None
    await drain(sender(services), services)
    return broadcast_id


def to_manager(services: Services) -> list[str]:
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    sent = [text for chat, text, _ in messenger.sent if chat == MANAGER]
    return sent + [text for chat, _, text in messenger.edits if chat == MANAGER]


def reported(services: Services, broadcast_id: int) -> bool:
    with services.session() as session:
        return session.get(Broadcast, broadcast_id).reported_at is not None


async def test_an_occurrence_that_reached_everyone_is_not_reported(services: Services) -> None:
    class_id = make_class(services, 2)
    reminder_id = add_reminder(services, class_id, "提交当天的研修日志", DAILY)
    broadcast_id = await fire(services, reminder_id)

    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    assert sorted(chat for chat, _, _ in messenger.sent) == [1001, 1002]  # the trainees only
    assert to_manager(services) == []
    # nothing lost: the deliveries are stored, the broadcast is done with, the reminder goes on
    assert statuses(services, broadcast_id) == {1001: "sent", 1002: "sent"}
    assert reported(services, broadcast_id)
    with services.session() as session:
        assert (
            rcrud.unreported_broadcast_ids(session, finished_after=utcnow() - timedelta(1)) == []
        )
        reminder = rcrud.get_reminder(session, reminder_id=reminder_id)
        assert reminder.status == ReminderStatus.active and reminder.next_run_at > utcnow()


async def test_an_occurrence_that_missed_someone_is_reported_once(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    messenger.failures = {1002: [Unreachable("Forbidden: bot was blocked by the user")]}
    class_id = make_class(services, 2)
    reminder_id = add_reminder(services, class_id, "提交当天的研修日志", DAILY)
    broadcast_id = await fire(services, reminder_id)

    # one message, the report: no progress message before it
    (report,) = to_manager(services)
    assert report.startswith(
        "✅ 提醒已发给「语文一班」：提交当天的研修日志\n共 2 人：送达 1 · 屏蔽了机器人 1\n"
    )
    assert "🚫 屏蔽了机器人（已标记，之后不再发送）：学员1002" in report
    assert report.endswith(QUIET_NOTE)
    assert reported(services, broadcast_id)

    # the next day at 20:00 (the clock fixed there): the member who blocked the bot is
    # skipped, everyone else got it: quiet
    with services.session() as session:
        due = rcrud.get_reminder(session, reminder_id=reminder_id).next_run_at
    assert due > utcnow()
    monkeypatch.setattr(jobs, "utcnow", lambda: due)
    tomorrow = await fire(services, reminder_id)
    assert statuses(services, tomorrow) == {1001: DeliveryStatus.sent}
    assert to_manager(services) == [report]


async def test_a_report_pending_at_a_restart_is_not_sent_later(services: Services) -> None:
    """An all-delivered occurrence whose report was still to be shown when the process
    stopped: the next sender marks it reported without a message, and never tries again."""
    class_id = make_class(services, 2)
    broadcast_id = await fire(services, add_reminder(services, class_id, "签到", DAILY))
    with services.session() as session:  # as if the process had died before the report
        record = session.get(Broadcast, broadcast_id)
        record.reported_at = None
        session.add(record)
        session.commit()
        assert rcrud.unreported_broadcast_ids(session, finished_after=utcnow() - timedelta(1))

    after_restart = sender(services)
    await after_restart.run_once()
    await after_restart.run_once()
    assert reported(services, broadcast_id)
    assert to_manager(services) == []
    with services.session() as session:
        assert (
            rcrud.unreported_broadcast_ids(session, finished_after=utcnow() - timedelta(1)) == []
        )


async def test_a_one_off_reminder_is_reported_as_before(services: Services) -> None:
    class_id = make_class(services, 2)
    broadcast_id = await fire(services, add_reminder(services, class_id, "明天交结业论文", None))
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    (progress,) = [text for chat, text, _ in messenger.sent if chat == MANAGER]
    assert progress.startswith("📤 正在向「语文一班」发送提醒：明天交结业论文\n进度 0/2")
    report = messenger.edits[-1][2]
    assert report == "✅ 提醒已发给「语文一班」：明天交结业论文\n共 2 人：送达 2"
    assert reported(services, broadcast_id)


async def test_a_late_occurrence_is_reported_even_if_everyone_got_it(services: Services) -> None:
    """Sent late (the bot was offline at 20:00): the manager is told, once, in the report."""
    class_id = make_class(services, 2)
    reminder_id = add_reminder(services, class_id, "提交当天的研修日志", DAILY)
    with services.session() as session:
        due = utcnow() - timedelta(minutes=10)
        rcrud.set_next_run(session, reminder_id=reminder_id, next_run_at=due)
        session.commit()
    await fire(services, reminder_id)
    (report,) = to_manager(services)
    local = due.astimezone(services.settings.timezone)
    lines = report.splitlines()
    assert lines[0] == "✅ 提醒已发给「语文一班」：提交当天的研修日志"
    assert lines[1].startswith(
        f"⏰ 原定 {local.month}月{local.day}日 {local:%H:%M}，机器人当时不在线"
    )
    assert lines[2:] == ["共 2 人：送达 2", QUIET_NOTE]


async def test_a_removed_managers_reminder_no_longer_names_them_as_班主任(
    services: Services,
) -> None:
    class_id = make_class(services, 1)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
    await fire(services, add_reminder(services, class_id, "提交当天的研修日志", DAILY))
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.trainee)  # /removemanager
    await fire(services, add_reminder(services, class_id, "明天带上教案", None))

    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    first, second = [text for chat, text, _ in messenger.sent if chat == 1001]
    assert first.startswith("⏰ <b>提醒</b> · 语文一班 · 班主任 班主任\n")
    assert second.startswith("⏰ <b>提醒</b> · 语文一班\n")
