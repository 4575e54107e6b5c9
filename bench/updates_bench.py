"""Updates/s and reply latency of `/start` through the fake Bot API server, per engine.

    python bench/updates_bench.py [--updates 2000] [--users 50] [--sequential 200]

For each engine it starts the real `guopei-bot run` process (and, for reference, a bare echo
bot on the same framework), queues `--updates` messages from `--users` users at once and
times until every reply was sent (throughput), then sends `--sequential` messages one at a
time and reports p50/p99 of update-queued → reply-sent (latency).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.botproc import TOKEN, BotProcess  # noqa: E402
from tests.fakebot import FakeTelegram  # noqa: E402


def burst(tg: FakeTelegram, text: str, updates: int, users: int) -> float:
    """Queue all updates at once; return updates per second until the last reply."""
    position = tg.mark()
    started = time.perf_counter()
    for number in range(updates):
        tg.send_text(user_id=10_000 + number % users, text=text)
    for _ in range(updates):  # incremental waits: each reply is looked at once
        position = tg.wait_for(method="sendMessage", ok=True, after=position, timeout=60).index + 1
    return updates / (time.perf_counter() - started)


def latencies(tg: FakeTelegram, text: str, count: int) -> list[float]:
    """Send one message at a time; milliseconds from queueing to the reply being sent."""
    result = []
    for number in range(count):
        mark = tg.mark()
        started = time.perf_counter()
        tg.send_text(user_id=20_000 + number % 10, text=text)
        tg.wait_for(method="sendMessage", after=mark, timeout=30)
        result.append((time.perf_counter() - started) * 1000)
    return result


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else 0.0


def measure_echo(engine: str, args: argparse.Namespace) -> tuple[float, list[float]]:
    with FakeTelegram(token=TOKEN) as tg:
        env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": tg.api_url, "PATH": "/usr/bin:/bin"}
        mark = tg.mark()
        process = subprocess.Popen(
            [sys.executable, str(REPO / "bench" / "echo_bot.py"), engine],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            tg.wait_for(method="getUpdates", after=mark, timeout=60)
            rate = burst(tg, "hello", args.updates, args.users)
            return rate, latencies(tg, "hello", args.sequential)
        finally:
            process.terminate()
            process.wait(timeout=30)


def measure_bot(engine: str, args: argparse.Namespace) -> tuple[float, list[float]]:
    with FakeTelegram(token=TOKEN) as tg, tempfile.TemporaryDirectory() as tmp:
        bot = BotProcess(tg, engine=engine, data_dir=Path(tmp), extra_env={"LOG_LEVEL": "WARNING"})
        with bot:
            burst(tg, "/start", 100, args.users)  # warm-up: users created, caches filled
            rate = burst(tg, "/start", args.updates, args.users)
            return rate, latencies(tg, "/start", args.sequential)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--engines", default="ptb,aiogram")
    args = parser.parse_args()
    print(f"{args.updates} updates from {args.users} users at once; {args.sequential} one by one")
    print(f"{'engine':<9}{'bot':<12}{'updates/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for engine in args.engines.split(","):
        for label, measure in (("bare echo", measure_echo), ("guopei /start", measure_bot)):
            rate, values = measure(engine, args)
            p50, p99 = statistics.median(values), percentile(values, 0.99)
            print(f"{engine:<9}{label:<14}{rate:>8.0f}{p50:>9.2f}{p99:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
