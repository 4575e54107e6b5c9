"""Client-side flood control for the broadcaster: overall, per chat and per group chat.

Usage::

    limiter = RateLimiter(per_second=30, per_chat=1, per_group_minute=20)
    slot = await limiter.acquire(chat_id)
    try:
        await messenger.send(chat_id, text)
    finally:
        slot.done()                       # the request's answer came back now
    limiter.pause(retry_after)            # on a 429: nobody sends for that long

Each limit is "at most N sends in any window of W seconds". A send occupies its window from
the moment the *answer* came back (`slot.done()`), not from when it started: the server counts
a request when it arrives, which is somewhere between start and answer, so counting from the
answer guarantees the server never sees N+1 in a window, whatever the network jitter, at the
cost of one round-trip per window (≈ 29.9/s instead of 30/s on a LAN). A send still in flight
occupies its place until it is answered.

The clock and sleep are injectable so the tests run on a fake clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

CHAT_SWEEP_EVERY = 1000


class _Entry:
    __slots__ = ("end", "finished")

    def __init__(self) -> None:
        self.end: float | None = None
        self.finished = asyncio.Event()


class Window:
    """At most `limit` entries whose end lies within `seconds` of now (or still running)."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.entries: deque[_Entry] = deque()

    @classmethod
    def for_rate(cls, per_second: float) -> Window:
        """`per_second` as N per window: 30/s → 30 per 1 s, 0.5/s → 1 per 2 s."""
        if per_second >= 1:
            limit = math.floor(per_second)
            return cls(limit, limit / per_second)
        return cls(1, 1 / per_second)

    def _expire(self, now: float) -> None:
        entries = self.entries
        while entries and entries[0].end is not None and entries[0].end + self.seconds <= now:
            entries.popleft()

    def wait_needed(self, now: float) -> float | _Entry | None:
        """None if free now; else seconds to wait, or the in-flight entry to wait for."""
        self._expire(now)
        if len(self.entries) < self.limit:
            return None
        head = self.entries[0]
        if head.end is None:
            return head
        return head.end + self.seconds - now

    @property
    def idle(self) -> bool:
        return not self.entries


class Slot:
    """Permission to send one message; call `done()` when its answer arrived (or it failed)."""

    def __init__(self, entry: _Entry, clock: Clock) -> None:
        self._entry = entry
        self._clock = clock

    def done(self) -> None:
        if self._entry.end is None:
            self._entry.end = self._clock()
            self._entry.finished.set()


class RateLimiter:
    """Shared by every broadcast of the process: one overall window, one per chat."""

    def __init__(
        self,
        *,
        per_second: float = 30.0,
        per_chat: float = 1.0,
        per_group_minute: int = 20,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.overall = Window.for_rate(per_second)
        self.per_chat = per_chat
        self.per_group_minute = per_group_minute
        self.chats: dict[int, Window] = {}
        self.groups: dict[int, Window] = {}
        self.paused_until = 0.0
        self.pauses = 0
        self._acquired = 0

    def pause(self, seconds: float) -> None:
        """Flood control said wait: no slot is handed out for `seconds` from now."""
        self.pauses += 1
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def _windows(self, chat_id: int) -> list[Window]:
        windows = [self.overall]
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Window.for_rate(self.per_chat)
        windows.append(chat)
        if chat_id < 0:  # groups and channels
            group = self.groups.get(chat_id)
            if group is None:
                group = self.groups[chat_id] = Window(self.per_group_minute, 60.0)
            windows.append(group)
        return windows

    async def acquire(self, chat_id: int) -> Slot:
        """Wait until a message to `chat_id` may be sent without breaking any limit."""
        while True:
            now = self.clock()
            if now < self.paused_until:
                await self.sleep(self.paused_until - now)
                continue
            waits = [w.wait_needed(now) for w in self._windows(chat_id)]
            in_flight = [w for w in waits if isinstance(w, _Entry)]
            if in_flight:
                await in_flight[0].finished.wait()
                continue
            delays = [w for w in waits if isinstance(w, float | int)]
            if delays:
                await self.sleep(max(delays))
                continue
            entry = _Entry()
            for window in self._windows(chat_id):
                window.entries.append(entry)
            self._acquired += 1
            if self._acquired % CHAT_SWEEP_EVERY == 0:
                self._sweep(now)
            return Slot(entry, self.clock)

    def _sweep(self, now: float) -> None:
        """Forget idle chats, so memory stays flat however many recipients there are."""
        for table in (self.chats, self.groups):
            for chat_id in [c for c, w in table.items() if w.wait_needed(now) is None]:
                window = table[chat_id]
                window._expire(now)
                if window.idle:
                    del table[chat_id]
