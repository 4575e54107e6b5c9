"""The broadcaster's delivery state machine, on SQLite and PostgreSQL, with a fake messenger."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import (
    Button,
    DeliveryError,
    Keyboard,
    RetryAfter,
    Sent,
    TransientError,
    Unreachable,
    keyboard,
)
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Membership, utcnow
from bot.db.reminder_models import BroadcastDelivery, BroadcastStatus, DeliveryStatus
from bot.services import Services
from bot.settings import Settings
from scheduler.broadcaster import Broadcaster, broadcast
from scheduler.ratelimit import RateLimiter
from tests.inprocess import TextMessenger

MANAGER = 900


class FakeMessenger(TextMessenger):
    """Records sends; scripted failures per chat: a list of exceptions raised in turn."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, Keyboard]] = []
        self.edits: list[tuple[int, int, str]] = []
        self.failures: dict[int, list[Exception]] = {}
        self.next_id = 1

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, text, buttons))
        self.next_id += 1
        return Sent(chat_id=chat_id, message_id=self.next_id)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        self.edits.append((chat_id, message_id, text))


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Services:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", bot_token=None)
    services = Services.create(settings)
    services.messenger = FakeMessenger()
    return services


def make_class(services: Services, members: int, blocked: set[int] = frozenset()) -> int:
    with services.session() as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="班主任")
        training_class = crud.create_class(session, name="语文一班", manager_id=MANAGER)
        for user_id in range(1001, 1001 + members):
            crud.upsert_user(session, user_id=user_id, first_name=f"学员{user_id}")
            membership, _ = crud.join_class(session, user_id=user_id, class_id=training_class.id)
            if user_id in blocked:
                membership.blocked = True
                session.add(membership)
                session.commit()
        return training_class.id


def sender(services: Services) -> Broadcaster:
    limiter = RateLimiter(per_second=100000, per_chat=100000, per_group_minute=100000)
    return Broadcaster(
        services,
        limiter,
        max_attempts=3,
        backoff_seconds=0.01,
        max_backoff_seconds=0.02,
        retry_window_seconds=0.2,
        report_backoff_seconds=0.01,
        progress_seconds=0,
    )


async def drain(bc: Broadcaster, services: Services) -> None:
    for _ in range(500):
        wait = await bc.run_once()
        with services.session() as session:
            if not rcrud.active_broadcast_ids(session):
                return
        if wait:
            await asyncio.sleep(min(wait, 0.02))
    raise AssertionError("broadcast did not finish")


def statuses(services: Services, broadcast_id: int) -> dict[int, str]:
    with services.session() as session:
        rows = session.exec(
            select(BroadcastDelivery.user_id, BroadcastDelivery.status).where(
                BroadcastDelivery.broadcast_id == broadcast_id
            )
        )
        return {int(user_id): status for user_id, status in rows}


async def test_every_outcome_of_the_state_machine(services: Services) -> None:
    class_id = make_class(services, 8, blocked={1008})
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    messenger.failures = {
        1002: [Unreachable("Forbidden: bot was blocked by the user")],
        1003: [TransientError("Bad Gateway")],  # once: retried and delivered
        1004: [TransientError("Bad Gateway")] * 1000,  # beyond the retry window: failed
        1005: [RetryAfter(0.01)],  # the whole sender pauses, then it is sent
        1006: [DeliveryError("Bad Request: can't parse entities")],
    }
    buttons = keyboard([Button("填写问卷", data="sv:1:7")])
    broadcast_id = await broadcast(
        services,
        class_id=class_id,
        text="明天上午交研修日志",
        buttons=buttons,
        created_by=MANAGER,
        report_chat_id=MANAGER,
    )
    assert statuses(services, broadcast_id) == {u: "pending" for u in range(1001, 1008)}
    bc = sender(services)
    await drain(bc, services)

    assert statuses(services, broadcast_id) == {
        1001: DeliveryStatus.sent,
        1002: DeliveryStatus.blocked,
        1003: DeliveryStatus.sent,
        1004: DeliveryStatus.failed,
        1005: DeliveryStatus.sent,
        1006: DeliveryStatus.failed,
        1007: DeliveryStatus.sent,
    }
    to_members = [chat for chat, _, _ in messenger.sent if chat != MANAGER]
    assert sorted(to_members) == [1001, 1003, 1005, 1007]  # each exactly once
    assert all(b == buttons for chat, _, b in messenger.sent if chat != MANAGER)
    assert bc.retry_after_met == 1
    with services.session() as session:
        blocked_rows = session.exec(select(Membership.user_id).where(Membership.blocked))
        blocked = {int(user_id) for user_id in blocked_rows}
        assert blocked == {1002, 1008}  # marked, so the next broadcast skips them
        assert rcrud.get_broadcast(session, broadcast_id=broadcast_id).status == "done"
    progress = [m for m in messenger.sent if m[0] == MANAGER]
    assert len(progress) == 1 and "📤 正在向" in progress[0][1]
    final = messenger.edits[-1][2]
    assert "送达 4" in final and "屏蔽了机器人 1" in final and "失败 2" in final
    assert "学员1002" in final and "学员1004" in final and "学员1006" in final


async def test_crash_in_flight_is_never_resent_and_the_rest_resumes(services: Services) -> None:
    class_id = make_class(services, 5)
    broadcast_id = await broadcast(services, class_id=class_id, text="通知", created_by=MANAGER)
    with services.session() as session:
        rows = rcrud.next_pending(session, broadcast_id=broadcast_id, now=utcnow(), limit=10)
        # two were sent, the third was claimed when the process was killed
        for delivery_id, _, _ in rows[:3]:
            assert rcrud.claim_delivery(session, delivery_id=delivery_id)
        for delivery_id, _, _ in rows[:2]:
            rcrud.finish_delivery(session, delivery_id=delivery_id, status=DeliveryStatus.sent)
        # a second claim of the same row fails: only one sender can hold it
        assert not rcrud.claim_delivery(session, delivery_id=rows[2][0])
        assert rcrud.mark_inflight_unknown(session) == 1
    bc = sender(services)
    await drain(bc, services)
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    assert sorted(chat for chat, _, _ in messenger.sent) == [1004, 1005]
    assert statuses(services, broadcast_id)[1003] == DeliveryStatus.unknown


async def test_explicit_recipients_and_drafts(services: Services) -> None:
    class_id = make_class(services, 3)
    broadcast_id = await broadcast(
        services,
        class_id=class_id,
        text="请填写问卷",
        created_by=MANAGER,
        recipient_ids=[1002, 1002, 1003],
        kind="survey",
    )
    assert statuses(services, broadcast_id) == {1002: "pending", 1003: "pending"}
    with services.session() as session:
        draft = rcrud.create_broadcast(
            session, class_id=class_id, text="草稿", created_by=MANAGER, status="draft"
        )
        assert statuses(services, draft.id) == {}
        assert rcrud.start_draft_broadcast(session, broadcast_id=draft.id, class_id=class_id)
        assert not rcrud.start_draft_broadcast(session, broadcast_id=draft.id, class_id=class_id)
        assert (
            rcrud.get_broadcast(session, broadcast_id=draft.id).status == BroadcastStatus.sending
        )
    assert len(statuses(services, draft.id)) == 3
    with pytest.raises(ValueError):
        await broadcast(services, class_id=class_id, text=" ", created_by=MANAGER)
