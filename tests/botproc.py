"""Start the real `guopei-bot run` process against the fake Bot API server, and stop it.

Usage (from a test)::

    with FakeTelegram(token=TOKEN) as tg, BotProcess(tg, engine="ptb", data_dir=tmp) as bot:
        tg.send_text(user_id=1001, text="/start")
        tg.wait_for(method="sendMessage", chat_id=1001, text_contains="国培助手")
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakebot import FakeTelegram

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Test"
REPO = Path(__file__).resolve().parents[1]


class BotProcess:
    """The bot as a child process; `stop()` sends SIGTERM and waits for a clean exit."""

    def __init__(
        self,
        tg: FakeTelegram,
        *,
        engine: str,
        data_dir: Path,
        database_url: str | None = None,
        admin_ids: str = "",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.tg = tg
        self.engine = engine
        self.data_dir = data_dir
        self.log_path = data_dir / f"bot-{engine}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
        env.update(
            {
                "BOT_TOKEN": tg.token,
                "BOT_ENGINE": engine,
                "TELEGRAM_API_URL": tg.api_url,
                "DATA_DIR": str(data_dir),
                "ADMIN_IDS": admin_ids,
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        env.update(extra_env or {})
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> BotProcess:
        """Start the process and wait until it polls for updates (or sets its webhook)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        mark = self.tg.mark()
        log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.data_dir,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        log_file.close()
        ready = "setWebhook" if self.env.get("WEBHOOK_URL") else "getUpdates"
        try:
            self.tg.wait_until(
                lambda tg: (
                    self.process.poll() is not None
                    or any(c.method == ready for c in tg.calls()[mark:])
                ),
                timeout=timeout,
            )
        except AssertionError:
            self.stop()
            raise AssertionError(f"bot did not start polling; log:\n{self.log()}") from None
        if self.process.poll() is not None:
            raise AssertionError(f"bot exited with {self.process.returncode}; log:\n{self.log()}")
        return self

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait; returns the exit code (kills after `timeout`)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"bot did not stop on SIGTERM; log:\n{self.log()}") from None

    def kill(self) -> None:
        """SIGKILL: a crash, for the tests of what survives one."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
