"""What the manager sees when Telegram fails during a broadcast, on SQLite and PostgreSQL, with
a fake messenger that keeps every message as the chat shows it:

* the final report survives failed edits and sends, and a report that could not be shown
  (Telegram down, or the bot killed right after the last member) is shown later, or after a
  restart, once;
* the report's headline says ✅ all got it / ⚠️ some failed / ❌ nobody got it;
* an outage of Telegram costs the broadcast one wait, not one per member, and nobody is given
  up while it lasts less than the retry window;
* after a crash the count line adds up (状态未知 is in it);
* a deactivated account is not reported as having blocked the bot.

Retry delays are a few milliseconds here (the defaults are seconds), so nothing waits long.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import DeliveryError, Keyboard, Sent, TransientError, Unreachable
from bot.db import reminder_crud as rcrud
from bot.db.models import Membership, utcnow
from bot.db.reminder_models import BroadcastStatus
from bot.services import Services
from bot.settings import Settings
from scheduler.broadcaster import Broadcaster, broadcast
from scheduler.ratelimit import RateLimiter
from tests.scheduler.test_broadcaster import MANAGER, FakeMessenger, drain, make_class

REPORT = "人：送达"


class ChatMessenger(FakeMessenger):
    """Keeps each message as the chat shows it; `fail(when, errors)` makes the calls for
    which `when(method, chat_id, text)` holds raise `errors`, one per call, in turn."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[int, tuple[int, str, Keyboard]] = {}
        self.calls: list[tuple[str, int, str, str]] = []  # method, chat, text, "ok" / error
        self.rules: list[tuple[Callable[[str, int, str], bool], list[Exception]]] = []

    def fail(self, when: Callable[[str, int, str], bool], errors: list[Exception]) -> None:
        self.rules.append((when, list(errors)))

    def _check(self, method: str, chat_id: int, text: str) -> None:
        for when, errors in self.rules:
            if errors and when(method, chat_id, text):
                error = errors.pop(0)
                self.calls.append((method, chat_id, text, type(error).__name__))
                raise error
        self.calls.append((method, chat_id, text, "ok"))

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        self._check("send", chat_id, text)
        sent = await super().send(chat_id, text, buttons)
        self.messages[sent.message_id] = (chat_id, text, buttons)
        return sent

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        self._check("edit", chat_id, text)
        await super().edit(chat_id, message_id, text, buttons)
        self.messages[message_id] = (chat_id, text, buttons)

    def shown_to(self, chat_id: int) -> list[str]:
        """The texts of the chat's messages, as they read now, oldest first."""
        return [text for chat, text, _ in self.messages.values() if chat == chat_id]

    def received(self, chat_id: int) -> int:
        return sum(1 for chat, _, _ in self.sent if chat == chat_id)


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Services:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", bot_token=None)
    services = Services.create(settings)
    services.messenger = ChatMessenger()
    return services


def sender(services: Services, **options: float) -> Broadcaster:
    """A sender with fast retries (a restart is simply a new one)."""
    limiter = RateLimiter(per_second=100000, per_chat=100000, per_group_minute=100000)
    defaults: dict[str, float] = {
        "max_attempts": 3,
        "backoff_seconds": 0.001,
        "max_backoff_seconds": 0.004,
        "retry_window_seconds": 30.0,
        "report_backoff_seconds": 0.001,
        "report_retry_seconds": 0.01,
        "progress_seconds": 0,
    }
    return Broadcaster(services, limiter, **{**defaults, **options})  # type: ignore[arg-type]


def is_report(method: str, chat_id: int, text: str) -> bool:
    return chat_id == MANAGER and REPORT in text


async def start(services: Services, members: int, text: str = "明天上午交研修日志") -> int:
    class_id = make_class(services, members)
    return await broadcast(
        services, class_id=class_id, text=text, created_by=MANAGER, report_chat_id=MANAGER
    )


# ---------------------------------------------------------------- M2: the report gets through


async def test_report_survives_a_failed_edit_and_a_failed_send(services: Services) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 2)
    # the report's edit fails once (502), and so would the send it falls back to
    messenger.fail(lambda m, c, t: m == "edit" and is_report(m, c, t), [TransientError("502")])
    messenger.fail(lambda m, c, t: m == "send" and is_report(m, c, t), [TransientError("502")])
    await drain(sender(services), services)

    (shown,) = messenger.shown_to(MANAGER)  # the progress message became the report
    assert shown.startswith("✅ 已发给「语文一班」：明天上午交研修日志")
    assert "共 2 人：送达 2" in shown
    assert [c[3] for c in messenger.calls if is_report(*c[:3])] == ["TransientError", "ok"]


async def test_report_lost_to_an_outage_is_shown_when_telegram_is_back(
    services: Services,
) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    broadcast_id = await start(services, 2)
    # every try of the report fails for a while: 2 edits and 2 sends, then 2 more of each
    messenger.fail(is_report, [TransientError("Bad Gateway")] * 8)
    bc = sender(services, report_attempts=2)
    await drain(bc, services)
    assert not any(REPORT in text for text in messenger.shown_to(MANAGER))
    with services.session() as session:
        assert rcrud.get_broadcast(session, broadcast_id=broadcast_id).reported_at is None

    for _ in range(200):  # the same sender tries again later, and then it gets through
        wait = await bc.run_once()
        if any(REPORT in text for text in messenger.shown_to(MANAGER)):
            break
        await asyncio.sleep(min(wait, 0.02))
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("✅ 已发给「语文一班」")
    with services.session() as session:
        assert rcrud.get_broadcast(session, broadcast_id=broadcast_id).reported_at is not None
    assert messenger.received(1001) == 1 and messenger.received(1002) == 1


async def test_report_not_shown_before_a_restart_is_shown_once_after_it(
    services: Services,
) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 2)
    messenger.fail(is_report, [TransientError("Bad Gateway")] * 4)
    await drain(sender(services, report_attempts=2), services)  # then the bot stops
    assert not any(REPORT in text for text in messenger.shown_to(MANAGER))
    (progress,) = messenger.shown_to(MANAGER)
    assert progress.startswith("📤 正在向")

    await sender(services).run_once()  # restarted
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("✅ 已发给「语文一班」") and "送达 2" in shown
    reports = [c for c in messenger.calls if is_report(*c[:3]) and c[3] == "ok"]
    await sender(services).run_once()  # and again: nothing more
    assert [c for c in messenger.calls if is_report(*c[:3]) and c[3] == "ok"] == reports
    assert messenger.received(1001) == 1 and messenger.received(1002) == 1


async def test_killed_after_the_last_member_the_report_comes_after_the_restart(
    services: Services,
) -> None:
    """The process dies between marking the broadcast done and showing its report."""
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    broadcast_id = await start(services, 2)
    bc = sender(services)

    async def killed(state: object) -> None:  # the report was about to be shown
        raise SystemExit

    bc._deliver_report = killed  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        await drain(bc, services)
    with services.session() as session:
        record = rcrud.get_broadcast(session, broadcast_id=broadcast_id)
        assert record.status == BroadcastStatus.done and record.reported_at is None
    assert not any(REPORT in text for text in messenger.shown_to(MANAGER))

    await sender(services).run_once()
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("✅ 已发给「语文一班」") and "送达 2" in shown
    assert messenger.received(1001) == 1 and messenger.received(1002) == 1  # not sent again


# ---------------------------------------------------------------- M3: the headline


async def test_some_failed_the_headline_warns(services: Services) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 3)
    messenger.fail(lambda m, c, t: c == 1002, [DeliveryError("Bad Request: chat is restricted")])
    await drain(sender(services), services)
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("⚠️ 已发给「语文一班」，1 人发送失败：明天上午交研修日志")
    assert "共 3 人：送达 2 · 失败 1" in shown
    assert "✅" not in shown.splitlines()[0]


async def test_nobody_got_it_the_headline_says_so(services: Services) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 2)
    refused = [DeliveryError("Bad Request: chat is restricted")] * 2
    messenger.fail(lambda m, c, t: c != MANAGER, refused)
    await drain(sender(services), services)
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("❌ 群发没有送达「语文一班」的任何人：明天上午交研修日志")
    assert "共 2 人：送达 0 · 失败 2" in shown


# ---------------------------------------------------------------- M3: an outage


async def test_an_outage_costs_one_wait_and_everybody_gets_the_message(
    services: Services,
) -> None:
    """30 sends in a row fail (502) — 5 per member for 6 members, far more than the 3 tries a
    member alone gets — but as the whole sender waits, nobody is given up."""
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 6)
    messenger.fail(lambda m, c, t: c != MANAGER, [TransientError("Bad Gateway")] * 30)
    bc = sender(services)
    await drain(bc, services)

    assert all(messenger.received(user) == 1 for user in range(1001, 1007))
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("✅ 已发给「语文一班」")
    assert shown.endswith("\n共 6 人：送达 6")  # no zero counts
    assert bc.limiter.pauses == 30  # each error paused every send, once


async def test_a_long_outage_gives_up_once_and_the_report_says_nobody_got_it(
    services: Services,
) -> None:
    """Telegram stays down beyond the retry window: the sender waits the window once, then
    gives the rest up at once (not one window per member), and the report does not say ✅."""
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 6)
    messenger.fail(lambda m, c, t: c != MANAGER, [TransientError("Bad Gateway")] * 10_000)
    window = 1.0
    began = time.monotonic()
    await drain(sender(services, retry_window_seconds=window), services)
    # One window, not six one after another (6 s). The margin is for the database: on
    # PostgreSQL under load the rest of the run took 1.1 s, past the 1.0 s allowed before.
    assert time.monotonic() - began < 3 * window

    assert all(messenger.received(user) == 0 for user in range(1001, 1007))
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("❌ 群发没有送达「语文一班」的任何人：明天上午交研修日志")
    assert "共 6 人：送达 0 · 失败 6" in shown
    assert "⚠️ 发送失败：学员1001、学员1002" in shown


# ---------------------------------------------------------------- L2: the count line adds up


async def test_after_a_crash_the_count_line_adds_up(services: Services) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    broadcast_id = await start(services, 3)
    with services.session() as session:  # the first was in flight when the bot was killed
        (delivery_id, _, _), *_ = rcrud.next_pending(
            session, broadcast_id=broadcast_id, now=utcnow()
        )
        assert rcrud.claim_delivery(session, delivery_id=delivery_id)
        assert rcrud.mark_inflight_unknown(session) == 1
    await drain(sender(services), services)
    (shown,) = messenger.shown_to(MANAGER)
    assert shown.startswith("✅ 已发给「语文一班」")
    assert "共 3 人：送达 2 · 状态未知 1" in shown
    assert "❓ 发送时机器人重启，状态未知（可能已收到，未重发）：学员1001" in shown
    assert messenger.received(1001) == 0


# ---------------------------------------------------------------- L1: deactivated accounts


async def test_a_deactivated_account_is_not_reported_as_blocking_the_bot(
    services: Services,
) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    await start(services, 3)
    messenger.fail(
        lambda m, c, t: c == 1002, [Unreachable("Forbidden: bot was blocked by the user")]
    )
    messenger.fail(lambda m, c, t: c == 1003, [Unreachable("Forbidden: user is deactivated")])
    await drain(sender(services), services)
    (shown,) = messenger.shown_to(MANAGER)
    assert "共 3 人：送达 1 · 屏蔽了机器人 1 · 账号已注销 1" in shown
    assert "🚫 屏蔽了机器人（已标记，之后不再发送）：学员1002\n" in shown
    assert "🗑 账号已注销（之后不再发送）：学员1003" in shown
    with services.session() as session:  # neither is sent to again
        blocked = session.exec(select(Membership.user_id).where(Membership.blocked))
        assert set(blocked) == {1002, 1003}
