"""The broadcaster's rate limiter, on a fake clock (no real waiting)."""

from __future__ import annotations

import asyncio

from scheduler.ratelimit import RateLimiter, Window


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def make(clock: FakeClock, **kwargs: float) -> RateLimiter:
    options = {"per_second": 30.0, "per_chat": 1.0, "per_group_minute": 20} | kwargs
    return RateLimiter(clock=clock, sleep=clock.sleep, **options)  # type: ignore[arg-type]


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def send_all(limiter: RateLimiter, clock: FakeClock, chats: list[int], latency: float):
    """Acquire, 'send' (latency on the fake clock), release; returns the start times."""
    starts = []
    for chat in chats:
        slot = await limiter.acquire(chat)
        starts.append(clock.now)
        clock.now += latency
        slot.done()
    return starts


async def test_overall_rate_never_exceeds_30_in_any_second() -> None:
    clock = FakeClock()
    limiter = make(clock)
    starts = await send_all(limiter, clock, list(range(1, 301)), latency=0.004)
    assert max_in_window(starts, 1.0) == 30
    steady = 270 / (starts[299] - starts[29])  # after the first second's burst
    assert 29.5 <= steady <= 30.0  # close to the limit: round trips cost only a little


async def test_window_counts_from_the_answer_not_the_start() -> None:
    clock = FakeClock()
    limiter = make(clock, per_second=2)
    first = await limiter.acquire(1)
    await limiter.acquire(2)
    clock.now += 0.5
    first.done()  # answered at t+0.5: the third send may start at t+1.5 at the earliest
    third = asyncio.create_task(limiter.acquire(3))
    await asyncio.sleep(0)
    assert not third.done()  # the second is still in flight and the first counts until +1.5
    await third
    assert clock.now >= 1000.0 + 1.5


async def test_per_chat_one_per_second_and_groups_twenty_per_minute() -> None:
    clock = FakeClock()
    limiter = make(clock, per_second=1000)
    starts = await send_all(limiter, clock, [7] * 5, latency=0.0)
    assert [round(b - a, 6) for a, b in zip(starts, starts[1:], strict=False)] == [1.0] * 4
    clock2 = FakeClock()
    limiter2 = make(clock2, per_second=1000, per_chat=100)
    group_starts = await send_all(limiter2, clock2, [-100] * 41, latency=0.0)
    assert max_in_window(group_starts, 60.0) == 20
    assert group_starts[-1] - group_starts[0] >= 120.0


async def test_pause_stops_everyone() -> None:
    clock = FakeClock()
    limiter = make(clock)
    await send_all(limiter, clock, [1], latency=0.0)
    limiter.pause(5)
    start = clock.now
    await send_all(limiter, clock, [2], latency=0.0)
    assert clock.now - start >= 5
    assert limiter.pauses == 1


async def test_fractional_rates_and_memory_is_swept() -> None:
    assert (Window.for_rate(30).limit, Window.for_rate(30).seconds) == (30, 1.0)
    half = Window.for_rate(0.5)
    assert (half.limit, half.seconds) == (1, 2.0)
    clock = FakeClock()
    limiter = make(clock, per_second=100000)
    await send_all(limiter, clock, list(range(1, 5001)), latency=0.001)
    assert len(limiter.chats) < 2100  # idle chats are forgotten, not kept per recipient
