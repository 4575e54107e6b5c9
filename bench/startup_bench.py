"""Bot start-up time and memory, per engine: the real `guopei-bot run` process against the fake
Bot API server, on SQLite.

    python bench/startup_bench.py [--engines ptb,aiogram] [--runs 3]

For each engine: one first start in a new DATA_DIR (the knowledge index is built and cached),
then `--runs` starts on that warm DATA_DIR. A start is timed from spawning the process until it
first polls getUpdates; memory is the process's RSS after it has answered one question, and again
after it has then idled for SETTLE_SECONDS (what a running bot holds once any background
start-up work is done). The bot
runs from compiled bytecode, as an installed bot does, even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.botproc import TOKEN, BotProcess  # noqa: E402
from tests.fakebot import FakeTelegram  # noqa: E402

QUESTION = "参训教师年龄有什么要求"
SETTLE_SECONDS = 10.0


def one_start(tg: FakeTelegram, engine: str, data_dir: Path) -> tuple[float, float, float]:
    """Seconds from spawn to the first getUpdates, RSS in MB after one answered question, and
    RSS in MB SETTLE_SECONDS later."""
    bot = BotProcess(tg, engine=engine, data_dir=data_dir, extra_env={"LOG_LEVEL": "WARNING"})
    started = time.perf_counter()
    with bot:
        seconds = time.perf_counter() - started
        mark = tg.mark()
        tg.send_text(user_id=30_001, text=QUESTION)
        tg.wait_for(method="sendMessage", after=mark, timeout=60)
        assert bot.process is not None
        process = psutil.Process(bot.process.pid)
        rss = process.memory_info().rss / 2**20
        time.sleep(SETTLE_SECONDS)
        settled = process.memory_info().rss / 2**20
    return seconds, rss, settled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="ptb,aiogram")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the first start writes what later ones read
    print(
        f"{'engine':<9}{'first start s':>14}{'warm start s (median)':>23}{'RSS MB':>8}"
        f"{f'RSS +{SETTLE_SECONDS:.0f} s':>12}"
    )
    for engine in args.engines.split(","):
        with FakeTelegram(token=TOKEN) as tg, tempfile.TemporaryDirectory() as tmp:
            first, _, _ = one_start(tg, engine, Path(tmp))
            warm = [one_start(tg, engine, Path(tmp)) for _ in range(args.runs)]
        seconds = statistics.median(s for s, _, _ in warm)
        rss = statistics.median(r for _, r, _ in warm)
        settled = statistics.median(r for _, _, r in warm)
        print(f"{engine:<9}{first:>14.2f}{seconds:>23.2f}{rss:>8.0f}{settled:>12.0f}", flush=True)


if __name__ == "__main__":
    main()
