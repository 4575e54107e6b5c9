"""While Telegram is unreachable, each failed poll is one log line on both engines (QA20 F16):
python-telegram-bot logged a 30-line traceback per retry, burying an outage in the log an
admin reads. The real bot, against the fake server, which is then stopped."""

from __future__ import annotations

import time

UNREACHABLE = {"ptb": "Telegram unreachable", "aiogram": "Failed to fetch updates"}


def wait_for_log(bot, text: str, timeout: float = 60.0) -> str:  # type: ignore[no-untyped-def]
    """The bot's log once it holds `text` (polled: the log is the only sign of a failed poll)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = bot.log()
        if text in log:
            return log
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not logged in {timeout} s; log:\n{bot.log()}")


def test_a_failed_poll_is_one_line_not_a_traceback(start_bot, fake_telegram, engine) -> None:
    bot = start_bot()
    fake_telegram.stop()
    log = wait_for_log(bot, UNREACHABLE[engine])
    assert "Traceback" not in log
    assert "No error handlers are registered" not in log
    assert fake_telegram.token not in log
    assert bot.stop() == 0
