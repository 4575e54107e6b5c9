"""`guopei-bot chat` beside a Telegram bot (QA20 F1, F2): on a DATA_DIR the bot serves, the
terminal never takes the scheduler (reminders and broadcasts went to the terminal and were
counted as delivered), and --role holds in the terminal only (it promoted the real Telegram
user while the chat was open, and for good when the window was closed). On a DATA_DIR of its
own the role is put back however the chat ends, SIGHUP included."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.cli import BOT_MARK
from tests.unit.test_console import role_in_database, run_cli


def open_chat(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env |= {"DATA_DIR": str(data_dir), "BOT_TOKEN": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=data_dir,
    )


def say(chat: subprocess.Popen[str], text: str, until: str) -> list[str]:
    """Type a line; the output lines up to the one holding `until` (the chat then waits)."""
    assert chat.stdin and chat.stdout
    chat.stdin.write(text + "\n")
    chat.stdin.flush()
    shown = []
    for line in chat.stdout:
        shown.append(line)
        if until in line:
            return shown
    raise AssertionError(f"{until!r} never shown: {''.join(shown)}")


def scheduler_lock_is_free(data_dir: Path) -> bool:
    with (data_dir / "scheduler.lock").open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True


def test_on_a_bot_data_dir_the_role_is_the_terminals_and_no_job_runs(tmp_path: Path) -> None:
    run_cli(["chat", "--user", "201"], ["/start"], tmp_path)  # a real trainee of the bot
    (tmp_path / BOT_MARK).write_text("served\n", encoding="utf-8")
    chat = open_chat(tmp_path, "--user", "201", "--role", "manager")
    try:
        created = say(chat, "/newclass 语文一班", "已创建培训班")
        assert any("语文一班" in line for line in created)
        assert role_in_database(tmp_path, 201) == "trainee"  # the bot still sees a trainee
        assert scheduler_lock_is_free(tmp_path)  # the bot keeps (or takes back) the scheduler
    finally:
        assert chat.stdin
        chat.stdin.close()
        chat.wait(timeout=60)
    assert chat.stderr and "由 Telegram 机器人使用" in chat.stderr.read()
    assert role_in_database(tmp_path, 201) == "trainee"


def test_a_closed_terminal_puts_the_stored_role_back(tmp_path: Path) -> None:
    chat = open_chat(tmp_path, "--user", "77", "--role", "manager")
    try:
        say(chat, "/newclass 语文一班", "已创建培训班")
        assert role_in_database(tmp_path, 77) == "manager"  # its own DATA_DIR: stored
        assert not scheduler_lock_is_free(tmp_path)  # and the terminal runs the reminders
        chat.send_signal(signal.SIGHUP)
        chat.wait(timeout=60)
    finally:
        if chat.poll() is None:
            chat.kill()
    assert role_in_database(tmp_path, 77) == "trainee"
