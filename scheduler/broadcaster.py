"""Broadcasts: one message to many members, at Telegram's limits, exactly once through crashes.

Public API (used by handlers, reminders and surveys)::

    from scheduler.broadcaster import broadcast
    broadcast_id = await broadcast(
        services, class_id=3, text="明天交作业", created_by=manager_id,
        buttons=keyboard([Button("填写", data="sv:1:7")]),   # optional
        recipient_ids=None,         # None: every unblocked member of the class
        report_chat_id=manager_id,  # progress message + final report there (None: no report)
        kind="broadcast",           # or "reminder", "survey" …
    )

`broadcast()` writes the broadcast and one pending delivery row per recipient in one commit,
wakes the sender and returns at once. The sender (`Broadcaster`, one task in the one process
holding the scheduler lock, see scheduler/leader.py) sends the rows in id order through the
shared `RateLimiter`:

* each row goes pending → sending (committed) → the HTTP call → sent/blocked/failed;
* 429 RetryAfter: the row goes back to pending and the whole sender pauses `retry_after`;
* Unreachable (403 blocked, chat not found): `blocked`; 403 "user is deactivated" (a deleted
  account): `deactivated`. Either way the membership is flagged (`crud.mark_blocked`) so later
  broadcasts skip the user;
* NeverStarted (403 "bot can't initiate conversation with a user": a member who joined from a
  group and never opened the private chat): `not_started`, not flagged, since they blocked
  nothing: the report asks the manager to have them open the bot and press 「🔁 重发」, and the
  next broadcast tries them again;
* TransientError (5xx, network): back to pending, and the *whole sender* pauses, 1, 2, 4, 4 …
  seconds while the errors go on (any answer from Telegram ends the streak), so an outage
  costs one wait, not one per member. A member is `failed` once Telegram has failed for
  `retry_window_seconds` (2 minutes) on end, or after `max_attempts` errors of its own while
  the others get through (a bad chat must not hold up the broadcast);
* a row still `sending` when the process died (SIGKILL, power loss) is set to `unknown` when
  the next leader starts and is *not* sent again. Telegram gives no way to ask whether that
  message arrived; re-sending could message someone twice, skipping it can at worst miss
  one person per crash (the sender has one message in flight, and a row is claimed only
  after its rate-limit slot is granted, right before the request, so the window is a few ms).
  The final report lists these recipients as "状态未知" so the manager can follow up.

The final report (✅ all reached / ⚠️ some failed / ❌ nobody reached) replaces the progress
message. Each report call is retried (429 after its wait, 5xx after a short backoff); the
broadcast is marked `reported_at` only once the report is shown, and a report that could not
be shown is tried again every `report_retry_seconds` and by the next leader after a restart
(`unreported_broadcast_ids`). The report fits Telegram's 4,096 visible UTF-16 units (names cut
and their lists stopped in time, see `report_message`); should Telegram still refuse it, the
counts alone are shown instead. A report with members whose delivery failed or who had never
opened the private chat carries 「🔁 重发给未送达的 N 人」: `resend_failed` (handlers/broadcast.py
calls it) makes one new broadcast of the same message to just those members
(`reminder_crud.create_resend`, once per broadcast), sent and reported like any; one still
not started is reported so again.
A reminder that went out late (the bot was offline at its time) says so in a line of its
progress message and report (scheduler/jobs.py `late_line`).

An occurrence of a recurring reminder (a daily 20:00 one) is *quiet*: no progress message, and
its report (a message of its own) is shown only if someone was not reached (failed, blocked,
deleted, never started, unknown, or nobody to send to) or it went out late; one sent on time
to everyone is marked reported without a word, so three daily reminders do not fill the
manager's chat (its delivery rows are kept, and /reminders still lists it). One-off
reminders, resends and broadcasts are reported as always.

Memory stays flat: members are copied into delivery rows by one INSERT … SELECT and read back
in small batches; per-chat limiter state is swept.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from html import escape, unescape
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlmodel import Session

from bot.chat import (
    Button,
    DeliveryError,
    Keyboard,
    NeverStarted,
    RetryAfter,
    TransientError,
    Unreachable,
    keyboard,
)
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import TrainingClass, utcnow
from bot.db.reminder_models import Broadcast, BroadcastStatus, DeliveryStatus, Reminder
from bot.limits import MAX_MESSAGE_UNITS, fit_html, shorten, utf16_length, visible_length
from scheduler.jobs import late_due, late_line, late_notes
from scheduler.ratelimit import RateLimiter

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# Replies to users (not paced by us) share Telegram's per-bot budget: keep one send a second
# free for them, so a manager's command during or right after a broadcast is not answered 429.
INTERACTIVE_RESERVE_PER_SECOND = 1
NAMES_IN_REPORT = 20  # per section of the report, at most
NAME_CHARS = 20  # a listed name is cut to this, keeping its tail (bot.limits.shorten)
TAGS = re.compile(r"<[^>]+>")
# A report that could not be shown is retried for this long after the broadcast finished.
REPORT_MAX_AGE = timedelta(days=1)
RESEND_PREFIX = "bcr"  # 「🔁 重发给未送达的 N 人」, handled in handlers/broadcast.py
# Run by each new sender before its first pass, `repair(session)`: the queues other modules
# hold back send what a crash left held (handlers/surveys.py: a new survey's invitations,
# held while its send report is shown).
STARTUP_REPAIRS: list[Callable[[Session], object]] = []


def keyboard_to_json(buttons: Keyboard) -> list:
    return [[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in buttons or ()]


def keyboard_from_json(rows: list) -> Keyboard:
    return tuple(
        tuple(Button(b["text"], data=b.get("data"), url=b.get("url")) for b in row)
        for row in rows or []
    )


async def broadcast(
    services: Services,
    *,
    class_id: int,
    text: str,
    buttons: Keyboard = (),
    created_by: int,
    recipient_ids: list[int] | None = None,
    report_chat_id: int | None = None,
    kind: str = "broadcast",
    occurrence_key: str | None = None,
    progress_message_id: int | None = None,
) -> int:
    """Persist a broadcast and its pending deliveries, start sending in the background.

    `occurrence_key` (unique) may name a report of its own (`OWN_REPORTS`), and
    `progress_message_id` the message that report then replaces (shown by the caller)."""
    if not text.strip():
        raise ValueError("broadcast text is empty")
    if visible_length(text) > MAX_MESSAGE_UNITS:
        raise ValueError(f"broadcast text longer than {MAX_MESSAGE_UNITS} UTF-16 units")
    room = stored_text_room(services)
    if room is not None and len(text) > room:
        raise ValueError(f"broadcast HTML longer than the {room} characters the database holds")

    def persist() -> int:
        with services.session() as session:
            record = rcrud.create_broadcast(
                session,
                class_id=class_id,
                text=text,
                buttons=keyboard_to_json(buttons),
                created_by=created_by,
                kind=kind[:16],
                report_chat_id=report_chat_id,
                recipient_ids=recipient_ids,
                occurrence_key=occurrence_key,
                progress_message_id=progress_message_id,
            )
            assert record.id is not None
            return record.id

    broadcast_id = await asyncio.to_thread(persist)
    wake_sender(services)
    return broadcast_id


def stored_text_room(services: Services) -> int | None:
    """How many characters of HTML `broadcasts.text` holds where the database enforces its
    declared length (PostgreSQL: varchar(4096)); None where it does not (SQLite). The HTML of
    a notice with links or many `&` is longer than what Telegram counts (its visible text)."""
    if services.engine.dialect.name == "sqlite":
        return None
    return Broadcast.__table__.c.text.type.length


def wake_sender(services: Services) -> None:
    """Make this process's sender look at the queue now (if this process runs it)."""
    service = services.extras.get("scheduler")
    if service is not None and service.broadcaster is not None:
        service.broadcaster.poke()


@dataclass
class _Running:
    """What the sender keeps in memory about one broadcast it is sending."""

    id: int
    kind: str
    text: str
    buttons: Keyboard
    class_name: str
    report_chat_id: int | None
    progress_message_id: int | None
    resend: bool = False
    title_text: str = ""  # what the excerpt is taken from (the text without its late note)
    late: str = ""  # a reminder sent late: the line saying so
    # a recurring reminder's occurrence: no progress message, and a report only if someone
    # was not reached or it went out late
    quiet: bool = False
    # its report is made by `OWN_REPORTS` (a survey's invitations): its message is the
    # caller's until the report replaces it, no progress is shown there
    own_report: bool = False
    finished_at: datetime | None = None
    last_progress: float = 0.0
    last_progress_text: str = ""
    retry_after_met: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class Broadcaster:
    """The single sender loop of the process (only the scheduler leader runs one)."""

    def __init__(
        self,
        services: Services,
        limiter: RateLimiter | None = None,
        *,
        max_attempts: int = 5,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 4.0,
        retry_window_seconds: float = 120.0,
        report_attempts: int = 4,
        report_backoff_seconds: float = 1.0,
        report_retry_seconds: float = 30.0,
        poll_seconds: float = 2.0,
        progress_seconds: float = 3.0,
        batch: int = 50,
    ) -> None:
        settings = services.settings
        self.services = services
        overall = settings.broadcast_rate_per_second
        if overall > 2 * INTERACTIVE_RESERVE_PER_SECOND:
            overall -= INTERACTIVE_RESERVE_PER_SECOND
        self.limiter = limiter or RateLimiter(
            per_second=overall,
            per_chat=settings.broadcast_rate_per_chat,
            per_group_minute=settings.broadcast_rate_per_group_minute,
        )
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.retry_window_seconds = retry_window_seconds
        self.report_attempts = report_attempts
        self.report_backoff_seconds = report_backoff_seconds
        self.report_retry_seconds = report_retry_seconds
        self.poll_seconds = poll_seconds
        self.progress_seconds = progress_seconds
        self.batch = batch
        self.running: dict[int, _Running] = {}
        self.retry_after_met = 0
        # the current streak of transient errors (None: the last send got an answer)
        self._outage_since: float | None = None
        self._outage_last = 0.0
        self._outage_errors = 0
        # finished broadcasts whose report is not shown yet → when to try again (monotonic);
        # None until loaded from the database by the first pass
        self._unreported: dict[int, float] | None = None
        self._repaired = False  # STARTUP_REPAIRS run
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="broadcaster-db")
        self._session: Session | None = None
        self._connection: Connection | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="broadcaster")

    def poke(self) -> None:
        self._wake.set()

    async def stop(self, timeout: float = 5.0) -> None:
        """Finish the message in flight, then stop (cancel after `timeout`)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, timeout)
            self._task = None
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close_db)
        self._executor.shutdown(wait=False)

    async def _db(self, func: Callable[..., Any], **kwargs: Any) -> Any:
        """Run `func(session, **kwargs)` on the sender's own database thread and connection.

        One thread and one connection kept open: no pool checkout (and pre-ping) per state
        change, which would add to every message's round trip and so slow the sender.
        """
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, functools.partial(self._run_db, func, kwargs)
        )

    def _run_db(self, func: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        if self._session is None:
            self._connection = self.services.engine.connect()
            self._session = Session(bind=self._connection, expire_on_commit=False)
        try:
            result = func(self._session, **kwargs)
            self._session.commit()  # end every transaction: never keep a stale read snapshot
            return result
        except Exception:
            self._close_db()  # start afresh next time (the connection may be broken)
            raise

    def _close_db(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):
                self._session.close()
            self._session = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                wait = await self.run_once()
            except Exception:
                log.exception("broadcaster pass failed; retrying shortly")
                wait = self.poll_seconds
            if wait > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)

    # ------------------------------------------------------------ one pass

    async def run_once(self) -> float:
        """Send one batch of every running broadcast; returns how long to idle (0: go on)."""
        if not self._repaired:
            self._repaired = True
            for repair in STARTUP_REPAIRS:
                try:
                    await self._db(repair)
                except Exception:
                    log.exception("start-up repair %s failed", repair)
        idle = await self._retry_reports(self.poll_seconds)
        for broadcast_id in await self._db(rcrud.active_broadcast_ids):
            if self._stopping:
                return 0
            state = self.running.get(broadcast_id) or await self._open(broadcast_id)
            if state is None:
                continue
            rows = await self._db(
                rcrud.next_pending, broadcast_id=broadcast_id, now=utcnow(), limit=self.batch
            )
            for delivery_id, user_id, attempts in rows:
                if self._stopping:
                    return 0
                await self.deliver(state, delivery_id, user_id, attempts)
                await self._progress(state)
            if rows:
                idle = 0
                continue
            waiting = await self._db(rcrud.earliest_retry, broadcast_id=broadcast_id)
            if waiting is False:
                await self._finish(state)
            elif waiting is True:
                idle = 0
            else:
                idle = min(idle, max(0.05, (waiting - utcnow()).total_seconds()))
        return idle

    async def deliver(self, state: _Running, delivery_id: int, user_id: int, attempts: int) -> str:
        """Send one delivery row; returns its new status."""
        messenger = self.services.messenger
        assert messenger is not None, "the broadcaster runs once the messenger is set"
        while True:
            slot = await self.limiter.acquire(user_id)
            if not await self._db(rcrud.claim_delivery, delivery_id=delivery_id):
                slot.done()
                return "skipped"
            try:
                await messenger.send(user_id, state.text, state.buttons)
            except RetryAfter as error:
                slot.done()
                self._outage_since = None  # Telegram answered: not an outage
                self.limiter.pause(error.seconds)
                self.retry_after_met += 1
                state.retry_after_met += 1
                log.warning("flood control: pausing all sends for %.1f s", error.seconds)
                await self._db(rcrud.release_delivery, delivery_id=delivery_id)
                continue
            except NeverStarted as error:  # they blocked nothing: not marked, tried next time
                slot.done()
                self._outage_since = None
                await self._db(
                    rcrud.finish_delivery,
                    delivery_id=delivery_id,
                    status=DeliveryStatus.not_started,
                    error=str(error),
                )
                return DeliveryStatus.not_started
            except Unreachable as error:
                slot.done()
                self._outage_since = None
                gone = "deactivated" in str(error).lower()  # "Forbidden: user is deactivated"
                status = DeliveryStatus.deactivated if gone else DeliveryStatus.blocked
                await self._db(
                    rcrud.finish_delivery,
                    delivery_id=delivery_id,
                    status=status,
                    error=str(error),
                )
                await self._db(crud.mark_blocked, user_id=user_id)
                return status
            except TransientError as error:
                slot.done()
                return await self._transient(delivery_id, user_id, attempts + 1, str(error))
            except DeliveryError as error:
                slot.done()
                self._outage_since = None
                await self._fail(delivery_id, str(error))
                return DeliveryStatus.failed
            except Exception as error:  # a bug in a messenger must not stop the broadcast
                slot.done()
                log.exception("unexpected error sending broadcast %s", state.id)
                await self._fail(delivery_id, repr(error))
                return DeliveryStatus.failed
            slot.done()
            self._outage_since = None
            await self._db(
                rcrud.finish_delivery, delivery_id=delivery_id, status=DeliveryStatus.sent
            )
            return DeliveryStatus.sent

    async def _transient(self, delivery_id: int, user_id: int, attempts: int, error: str) -> str:
        """A 5xx or network error: pause the whole sender, or give this member up."""
        now = time.monotonic()
        quiet = now - self._outage_last > self.retry_window_seconds / 2  # nothing sent since
        if self._outage_since is None or quiet:
            self._outage_since, self._outage_errors = now, 0
        self._outage_errors += 1
        self._outage_last = now
        outage = now - self._outage_since
        isolated = self._outage_errors == 1  # the send before this one got through
        if outage >= self.retry_window_seconds or (isolated and attempts >= self.max_attempts):
            log.warning("giving up sending to %s after %d tries: %s", user_id, attempts, error)
            await self._fail(delivery_id, error)
            return DeliveryStatus.failed
        pause = self._backoff(self._outage_errors)
        self.limiter.pause(pause)  # Telegram may be down: everybody waits, once
        delay = self._backoff(attempts)
        log.info(
            "transient error to %s (try %d, errors on end %d for %.1f s): pausing %.1f s",
            user_id,
            attempts,
            self._outage_errors,
            outage,
            pause,
        )
        await self._db(
            rcrud.release_delivery,
            delivery_id=delivery_id,
            not_before=utcnow() + timedelta(seconds=max(pause, delay)),
            count_attempt=True,
            error=error,
        )
        return DeliveryStatus.pending

    def _backoff(self, errors: int) -> float:
        """1, 2, 4, 4 … seconds (by default) after the first, second, third … error."""
        return min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (errors - 1))

    async def _fail(self, delivery_id: int, error: str) -> None:
        await self._db(
            rcrud.finish_delivery,
            delivery_id=delivery_id,
            status=DeliveryStatus.failed,
            error=error,
        )

    # ------------------------------------------------------------ reports

    async def _load(self, broadcast_id: int) -> tuple[_Running, str] | None:
        """What the sender needs to send or report a broadcast, and its status."""

        def load() -> tuple[_Running, str] | None:
            with self.services.session() as session:
                record = rcrud.get_broadcast(session, broadcast_id=broadcast_id)
                if record is None:
                    return None
                training_class = session.get(TrainingClass, record.class_id)
                title_text, late = lateness(record, self.services.settings.timezone)
                state = _Running(
                    id=broadcast_id,
                    kind=record.kind,
                    text=record.text,
                    buttons=keyboard_from_json(record.buttons),
                    class_name=training_class.name if training_class else "",
                    report_chat_id=record.report_chat_id,
                    progress_message_id=record.progress_message_id,
                    resend=rcrud.is_resend(record),
                    title_text=title_text,
                    late=late,
                    quiet=recurring_occurrence(session, record),
                    finished_at=record.finished_at,
                    own_report=own_report(record) is not None,
                )
                return state, record.status

        return await asyncio.to_thread(load)

    async def _open(self, broadcast_id: int) -> _Running | None:
        loaded = await self._load(broadcast_id)
        if loaded is None or loaded[1] != BroadcastStatus.sending:
            return None
        state = loaded[0]
        self.running[broadcast_id] = state
        reporting = state.report_chat_id is not None and not state.quiet  # quiet: no progress
        if reporting and state.progress_message_id is None:
            text = await self._progress_text(state)
            chat_id = state.report_chat_id
            messenger = self.services.messenger
            assert messenger is not None
            outcome, sent = await self._reliably(chat_id, lambda: messenger.send(chat_id, text))
            if outcome == "ok" and sent is not None:
                state.progress_message_id = sent.message_id
                state.last_progress_text = text
                await self._db(
                    rcrud.set_progress_message,
                    broadcast_id=broadcast_id,
                    message_id=sent.message_id,
                )
        elif (
            state.progress_message_id is not None
            and not state.last_progress_text
            and not state.own_report
        ):
            # resumed, or the confirmation message becomes the progress message: show it now
            state.last_progress_text = await self._progress_text(state)
            await self._edit(state, state.last_progress_text)
        state.last_progress = time.monotonic()
        return state

    async def _reliably(self, chat_id: int, call: Callable[[], Awaitable[Any]]) -> tuple[str, Any]:
        """Make one report call through the limiter, retrying what may pass: a 429 after its
        wait, a 5xx or network error after a short backoff, `report_attempts` tries in all.

        ("ok", the call's result), ("transient", None) when every try failed for a passing
        reason, or ("refused", None) when Telegram refused it for good.
        """
        for attempt in range(self.report_attempts):
            slot = await self.limiter.acquire(chat_id)
            try:
                result = await call()
            except RetryAfter as error:
                slot.done()
                self.limiter.pause(error.seconds)
                continue
            except TransientError as error:
                slot.done()
                log.warning("report to %s failed (try %d): %s", chat_id, attempt + 1, error)
                if attempt + 1 < self.report_attempts:
                    await asyncio.sleep(self.report_backoff_seconds * 2**attempt)
                continue
            except DeliveryError as error:
                slot.done()
                log.warning("report to %s refused: %s", chat_id, error)
                return "refused", None
            slot.done()
            return "ok", result
        return "transient", None

    async def _progress_text(self, state: _Running) -> str:
        counts = await self._db(rcrud.delivery_counts, broadcast_id=state.id)
        total = sum(counts.values())
        done = total - counts.get(DeliveryStatus.pending, 0) - counts.get("sending", 0)
        head = heading(state.kind, state.class_name, state.resend, "sending")
        excerpt = excerpt_of(state.title_text or state.text)
        return (
            f"📤 {head}：{excerpt}\n"
            + (f"{state.late}\n" if state.late else "")
            + f"进度 {done}/{total}：{count_summary(counts)}"
        )

    async def _progress(self, state: _Running) -> None:
        if state.progress_message_id is None or state.report_chat_id is None:
            return
        if state.own_report:  # the caller's message stays until the report
            return
        if time.monotonic() - state.last_progress < self.progress_seconds:
            return
        state.last_progress = time.monotonic()
        text = await self._progress_text(state)
        if text == state.last_progress_text:
            return
        state.last_progress_text = text
        await self._edit(state, text)

    async def _edit(self, state: _Running, text: str) -> bool:
        messenger = self.services.messenger
        assert messenger is not None and state.report_chat_id is not None
        if state.progress_message_id is None:
            return False
        try:
            await messenger.edit(state.report_chat_id, state.progress_message_id, text)
        except DeliveryError as error:
            log.warning("progress of broadcast %s not shown: %s", state.id, error)
            return False
        return True

    async def _finish(self, state: _Running) -> None:
        finished = await self._db(
            rcrud.set_broadcast_status,
            broadcast_id=state.id,
            status=BroadcastStatus.done,
            expected=BroadcastStatus.sending,
        )
        self.running.pop(state.id, None)
        if not finished:
            return
        log.info("broadcast %s finished", state.id)
        if state.report_chat_id is not None:
            state.finished_at = utcnow()
            await self._deliver_report(state)

    async def _deliver_report(self, state: _Running) -> None:
        """Show the final report: edit the progress message into it, or else send it. Marked
        reported only once shown; if Telegram keeps failing, tried again later. If Telegram
        refuses it, the short report (the counts, no names) is shown instead, so the manager is
        never left on 「📤 正在…」. A quiet broadcast (a recurring reminder's occurrence) sent
        on time that reached everyone is marked reported without showing anything."""
        unreported = self._unreported if self._unreported is not None else {}
        if (
            state.quiet
            and not state.late  # rare, and the manager should know the trainees got it late
            and everyone_reached(await self._db(rcrud.delivery_counts, broadcast_id=state.id))
        ):
            log.info("broadcast %s reached everyone: no report (a recurring reminder)", state.id)
            unreported.pop(state.id, None)
            await self._db(rcrud.set_broadcast_reported, broadcast_id=state.id)
            return
        bot = self.services.bot_username
        tz = self.services.settings.timezone
        text, buttons = await self._db(
            report_message, broadcast_id=state.id, bot_username=bot, tz=tz
        )
        outcome = await self._show_report(state, text, buttons)
        if outcome == "refused":  # Telegram would not take it: the counts alone, not the names
            log.warning("report of broadcast %s refused; showing the short report", state.id)
            text, buttons = await self._db(
                report_message, broadcast_id=state.id, names=False, bot_username=bot, tz=tz
            )
            outcome = await self._show_report(state, text, buttons)
        if outcome == "transient":
            too_old = state.finished_at is not None and utcnow() - state.finished_at > (
                REPORT_MAX_AGE
            )
            if too_old:
                log.warning("report of broadcast %s given up: Telegram kept failing", state.id)
                unreported.pop(state.id, None)
            else:
                log.warning(
                    "report of broadcast %s not shown; trying again in %.0f s",
                    state.id,
                    self.report_retry_seconds,
                )
                unreported[state.id] = time.monotonic() + self.report_retry_seconds
            self._unreported = unreported
            return
        if outcome == "refused":  # e.g. the manager blocked the bot: nothing more to try
            log.warning("report of broadcast %s could not be shown", state.id)
        unreported.pop(state.id, None)
        await self._db(rcrud.set_broadcast_reported, broadcast_id=state.id)

    async def _show_report(self, state: _Running, text: str, buttons: Keyboard) -> str:
        """Edit the progress message into the report, or else send it: "ok", "transient"
        (Telegram kept failing) or "refused"."""
        messenger = self.services.messenger
        chat_id = state.report_chat_id
        assert messenger is not None and chat_id is not None
        outcome = "refused"
        message_id = state.progress_message_id
        if message_id is not None:
            outcome, _ = await self._reliably(
                chat_id, lambda: messenger.edit(chat_id, message_id, text, buttons)
            )
        if outcome != "ok":  # no progress message, it cannot be edited, or Telegram is failing
            outcome, _ = await self._reliably(
                chat_id, lambda: messenger.send(chat_id, text, buttons)
            )
        return outcome

    async def _retry_reports(self, idle: float) -> float:
        """Show the reports that failed before (or before a restart) once they are due."""
        if self._unreported is None:
            ids = await self._db(
                rcrud.unreported_broadcast_ids, finished_after=utcnow() - REPORT_MAX_AGE
            )
            self._unreported = dict.fromkeys(ids, 0.0)
        for broadcast_id, due in list(self._unreported.items()):
            if self._stopping:
                break
            wait = due - time.monotonic()
            if wait > 0:
                idle = min(idle, wait)
                continue
            loaded = await self._load(broadcast_id)
            if loaded is None or loaded[1] != BroadcastStatus.done:
                self._unreported.pop(broadcast_id, None)
                continue
            await self._deliver_report(loaded[0])
        return idle


# ---------------------------------------------------------------- the report and its button


EXCERPT_CHARS = 30
# A link in an excerpt is kept whole or left out, never cut into 「https:/…」.
URL = re.compile(r"(?:https?://|www\.|t\.me/)[!-~]+", re.IGNORECASE)
NOUNS = {"reminder": "提醒", "survey": "问卷"}  # any other kind is a 群发


def excerpt_of(text: str) -> str:
    """The first EXCERPT_CHARS characters of a broadcast's text, as escaped HTML, without its
    own header line (「📢 班级通知 …」, 「⏰ 提醒 …」) and never ending inside a link: a link
    the cut falls in is left out, or kept whole when it comes first (and is not too long)."""
    lines = text.splitlines()
    if len(lines) > 1 and lines[0].startswith(("📢", "⏰")):  # our own header line
        lines = lines[1:]
    plain = unescape(TAGS.sub("", " ".join(lines))).strip()
    if len(plain) <= EXCERPT_CHARS:
        return escape(plain)
    cut = EXCERPT_CHARS
    for link in URL.finditer(plain):
        if link.start() < cut < link.end():
            early = link.start() < EXCERPT_CHARS // 3  # little would be left before it
            cut = link.end() if early and link.end() <= 4 * EXCERPT_CHARS else link.start()
            break
    excerpt = plain[:cut].rstrip()
    return escape(excerpt + "…" if cut < len(plain) else excerpt)


def heading(kind: str, class_name: str, resend: bool, stage: str, failed: int = 0) -> str:
    """What the progress message and the report say happened, before the excerpt:
    「正在向「语文一班」群发」 (stage "sending"), 「已发给「语文一班」」 (or 「…,2 人发送失败」:
    "done"), 「群发没有送达「语文一班」的任何人」 ("none"); a reminder or a survey is named
    (「提醒已发给「语文一班」」), a resend says so (「(重发)」)."""
    noun = NOUNS.get(kind)
    where = f"「{escape(class_name)}」" if class_name else ""
    again = "（重发）" if resend else ""
    if stage == "sending":
        verb = f"发送{noun}" if noun else "群发"
        return f"正在向{where or '学员'}{verb}{again}"
    if stage == "none":
        return f"{noun or '群发'}{again}没有送达{where}{'的' if where else ''}任何人"
    done = f"{noun or ''}已发给{where or '学员'}{again}"
    return f"{done}，{failed} 人发送失败" if failed else done


# The counts of the progress message and the report, named the same way in both; a count of
# zero is left out, except 送达.
COUNTED = (
    (DeliveryStatus.not_started, "还没有私聊过机器人"),
    (DeliveryStatus.blocked, "屏蔽了机器人"),
    (DeliveryStatus.deactivated, "账号已注销"),
    (DeliveryStatus.failed, "失败"),
    (DeliveryStatus.unknown, "状态未知"),
)


def count_summary(counts: dict[str, int]) -> str:
    """「送达 2」, 「送达 2 · 屏蔽了机器人 1 · 失败 1」: the outcomes so far, zeros left out."""
    parts = [f"送达 {counts.get(DeliveryStatus.sent, 0)}"]
    parts += [f"{name} {counts[status]}" for status, name in COUNTED if counts.get(status)]
    return " · ".join(parts)


def everyone_reached(counts: dict[str, int]) -> bool:
    """Every delivery of a finished broadcast was sent (and there was someone to send to)."""
    sent = counts.get(DeliveryStatus.sent, 0)
    return sent > 0 and sent == sum(counts.values())


def recurring_occurrence(session: Session, record: Broadcast) -> bool:
    """The broadcast is an occurrence of a recurring reminder (a resend of one is not)."""
    if record.reminder_id is None:
        return False
    reminder = session.get(Reminder, record.reminder_id)
    return reminder is not None and reminder.is_recurring


REPORT_SECTIONS = (
    (DeliveryStatus.not_started, "💬 还没有私聊过机器人"),
    (DeliveryStatus.blocked, "🚫 屏蔽了机器人（已标记，之后不再发送）"),
    (DeliveryStatus.deactivated, "🗑 账号已注销（之后不再发送）"),
    (DeliveryStatus.failed, "⚠️ 发送失败"),
    (DeliveryStatus.unknown, "❓ 发送时机器人重启，状态未知（可能已收到，未重发）"),
)


# Reports of their own, by the prefix of the broadcast's `occurrence_key`: the lines that
# replace the report's heading and counts (its lists of names, hints and 🔁 button stay), made
# from the finished broadcast and its delivery counts. handlers/surveys.py registers
# "survey:" (the invitations of survey N, key "survey:N"): its send report, corrected.
OwnReport = Callable[[Session, Broadcast, dict[str, int], tzinfo], list[str]]
OWN_REPORTS: dict[str, OwnReport] = {}


def own_report(record: Broadcast) -> OwnReport | None:
    key = record.occurrence_key or ""
    return next((made for prefix, made in OWN_REPORTS.items() if key.startswith(prefix)), None)


def resend_data(broadcast_id: int) -> str:
    return f"{RESEND_PREFIX}:1:{broadcast_id}"


def lateness(record: Broadcast, tz: tzinfo) -> tuple[str, str]:
    """(the text to take the excerpt from, the line saying it went out late) of a reminder
    sent late (scheduler/jobs.py), its note left out of the excerpt; (its text, "") of any
    other broadcast."""
    due = late_due(record.occurrence_key, record.text)
    if due is None:
        return record.text, ""
    text = record.text
    for note in late_notes(due):  # as written now, or stored before full-width punctuation
        text = text.removesuffix(f"\n{note}")
    return text, late_line(due, record.created_at.astimezone(tz).replace(tzinfo=None))


def report_message(
    session: Session,
    *,
    broadcast_id: int,
    names: bool = True,
    bot_username: str = "",
    tz: tzinfo = UTC,
) -> tuple[str, Keyboard]:
    """The final report of a finished broadcast, and its 「🔁 重发给未送达的 N 人」 button.

    It always fits Telegram's 4,096 visible UTF-16 units: each listed name is cut to
    NAME_CHARS (keeping its tail), at most NAMES_IN_REPORT per section, and names stop before
    the room left runs out (「等 N 人」 then says how many). `names=False` gives the short report
    (the counts only), shown when Telegram refused the full one. Members who never opened the
    private chat are counted apart from those who blocked the bot, with what to ask of them
    (to open `t.me/<bot_username>`, then press the button). A reminder sent late says when it
    was due and when it went out (in `tz`, the bot's time zone).
    """
    record = rcrud.get_broadcast(session, broadcast_id=broadcast_id)
    assert record is not None
    training_class = session.get(TrainingClass, record.class_id)
    class_name = training_class.name if training_class else ""
    resent = rcrud.is_resend(record)
    title_text, late = lateness(record, tz)
    excerpt = excerpt_of(title_text)
    counts = rcrud.delivery_counts(session, broadcast_id=broadcast_id)
    total = sum(counts.values())
    sent = counts.get(DeliveryStatus.sent, 0)
    failed = counts.get(DeliveryStatus.failed, 0)
    unknown = counts.get(DeliveryStatus.unknown, 0)
    if not sent and not unknown:
        head = f"❌ {heading(record.kind, class_name, resent, 'none')}：{excerpt}"
    else:
        done = heading(record.kind, class_name, resent, "done", failed)
        head = f"{'⚠️' if failed else '✅'} {done}：{excerpt}"
    never = counts.get(DeliveryStatus.not_started, 0)
    lines = [head, *([late] if late else []), f"共 {total} 人：{count_summary(counts)}"]
    own = own_report(record)
    if own is not None:  # e.g. a survey's invitations: its send report, corrected
        lines = own(session, record, counts, tz)
    resend = rcrud.resend_of(session, broadcast_id=broadcast_id) if failed or never else None
    offered = rcrud.resend_count(session, record=record) if (failed or never) and not resend else 0
    tail: list[str] = []
    if total == 0:
        tail.append("班里还没有可以接收的学员。")
    if never:
        where = f"打开 t.me/{bot_username} " if bot_username else "在 Telegram 里打开机器人"
        then = (
            "再按下面的「🔁 重发」，这条消息就会补发给他们；之后的群发和提醒他们也能收到。"
            if offered
            else "之后的群发和提醒就能收到。"
        )
        tail.append(
            f"💬 机器人不能主动联系没有私聊过它的人：请让这 {never} 人{where}并点「开始」，{then}"
        )
    buttons: Keyboard = ()
    if resend is not None:
        again = sum(rcrud.delivery_counts(session, broadcast_id=resend.id).values())
        tail.append(f"🔁 已重发给未送达的 {again} 人，结果见下面的新消息。")
    elif offered:
        label = f"🔁 重发给未送达的 {offered} 人"
        buttons = keyboard([Button(label, data=resend_data(broadcast_id))])
    if recurring_occurrence(session, record):
        tail.append("🔁 这是重复提醒：按时全部送达时不发报告，有人没收到时才会告诉您。")
    sections = [
        (status, title, counts[status]) for status, title in REPORT_SECTIONS if counts.get(status)
    ]
    if names:
        lines += _name_sections(
            session,
            broadcast_id,
            sections,
            room=MAX_MESSAGE_UNITS - visible_length("\n".join(lines + tail)),
        )
    elif sections:
        lines.append("（名单未能显示，以上只列出人数。）")
    return fit_html("\n".join(lines + tail)), buttons


def _name_sections(
    session: Session, broadcast_id: int, sections: list[tuple[str, str, int]], room: int
) -> list[str]:
    """One line per section, 「heading:name、name 等 N 人」, within `room` visible units in
    all: every section gets its share of what is left, a share it does not use goes to the
    next, and a name that does not fit ends its list."""
    lines: list[str] = []
    for left, (status, heading, count) in zip(range(len(sections), 0, -1), sections, strict=True):
        line_room = (room - 1) // left  # 1: the newline before the line
        listed: list[str] = []
        used = utf16_length(f"{heading}：") + utf16_length(f" 等 {count} 人")
        for name in rcrud.recipients_with_status(
            session, broadcast_id=broadcast_id, status=status, limit=NAMES_IN_REPORT
        ):
            name = shorten(" ".join(name.split()), NAME_CHARS)
            size = utf16_length(name) + (1 if listed else 0)  # 「、」
            if used + size > line_room:
                break
            listed.append(name)
            used += size
        if not listed:
            line = f"{heading}：{count} 人"
        else:
            more = f" 等 {count} 人" if count > len(listed) else ""
            line = f"{heading}：{escape('、'.join(listed))}{more}"
        lines.append(line)
        room -= 1 + visible_length(line)
    return lines


@dataclass(frozen=True)
class ResendAnswer:
    """What to answer a press of 「🔁 重发给未送达的 N 人」."""

    notice: str  # the short answer to the press (the refusal if `refused`)
    report: tuple[str, Keyboard] | None = None  # the report as it reads now: edit it in place
    refused: bool = False


def resend_failed(services: Services, *, broadcast_id: int, user_id: int) -> ResendAnswer:
    """Send a finished broadcast again to the members it did not reach (their delivery failed,
    or they had never opened the private chat), not to those who blocked the bot, deleted their
    account or got it, once: only its author may, and a second press sends nothing. The resend
    is a broadcast of its own: restart-safe, with its own progress and report.

    `broadcast_id` is read from the button (`bcr:1:<id>`) by handlers/broadcast.py with the
    routing's checked parser (`button_id`), which refuses ids the database cannot hold."""
    tz = services.settings.timezone
    with services.session() as session:
        original = rcrud.get_broadcast(session, broadcast_id=broadcast_id)
        if original is None:
            return ResendAnswer("这个按钮已失效。", refused=True)
        if original.created_by != user_id:
            return ResendAnswer("这不是您创建的群发。", refused=True)
        if original.status != BroadcastStatus.done:
            return ResendAnswer("这条群发还没有发送完毕。", refused=True)
        resend, count, never = rcrud.create_resend(session, broadcast_id=broadcast_id)
        report = report_message(
            session, broadcast_id=broadcast_id, bot_username=services.bot_username, tz=tz
        )
        if resend is None:
            counts = rcrud.delivery_counts(session, broadcast_id=broadcast_id)
            if rcrud.resend_of(session, broadcast_id=broadcast_id) is not None:
                notice = "已经重发过了，不会再发一次。"
            elif any(counts.get(status) for status in rcrud.RESENT):
                notice = "未送达的学员之后都屏蔽了机器人，没有重发。"
            else:
                notice = "这条群发没有未送达的学员。"
            return ResendAnswer(notice, report)
    wake_sender(services)
    if never:
        return ResendAnswer(
            f"开始重发给 {count} 人；其中 {never} 人还没有私聊过机器人，"
            "他们点了「开始」才能收到。",
            report,
        )
    return ResendAnswer(f"开始重发给 {count} 人", report)
