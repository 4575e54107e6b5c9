"""What stops `guopei-bot` is told in one Chinese line with exit status 1, and the bot token is
never printed: the real console script, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakebot import FakeTelegram

TOKEN = "123456:SECRET-TOKEN-VALUE"  # not shaped like a real token: only its exact text hides it


def guopei_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("engine", ["ptb", "aiogram"])
def test_a_refused_token_is_one_line_without_the_token(tmp_path: Path, engine: str) -> None:
    with FakeTelegram(token="999:THE-TOKEN-THE-SERVER-KNOWS") as telegram:
        done = guopei_bot(
            "run",
            env={
                "BOT_TOKEN": TOKEN,
                "BOT_ENGINE": engine,
                "TELEGRAM_API_URL": telegram.api_url,
                "DATA_DIR": str(tmp_path),
            },
            cwd=tmp_path,
        )

    assert done.returncode == 1
    assert done.stderr.rstrip().splitlines()[-1].startswith("❌ Telegram 拒绝了 BOT_TOKEN")
    assert TOKEN not in done.stdout + done.stderr
    assert "SECRET-TOKEN-VALUE" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr, "the one line is buried under a traceback"


@pytest.mark.parametrize("engine", ["ptb", "aiogram"])
def test_an_unreachable_server_is_named(tmp_path: Path, engine: str) -> None:
    unreachable = "http://127.0.0.1:9"  # the discard port: nothing listens there
    done = guopei_bot(
        "run",
        env={
            "BOT_TOKEN": TOKEN,
            "BOT_ENGINE": engine,
            "TELEGRAM_API_URL": unreachable,
            "DATA_DIR": str(tmp_path),
        },
        cwd=tmp_path,
    )

    assert done.returncode == 1
    last = done.stderr.rstrip().splitlines()[-1]
    assert last.startswith("❌ 连不上 Telegram 服务器") and unreachable in last
    assert TOKEN not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr, "the one line is buried under a traceback"


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    done = guopei_bot(
        "db",
        "upgrade",
        env={
            "DATABASE_URL": "postgresql+psycopg://guopei:hunter2@127.0.0.1:9/guopei",
            "DATA_DIR": str(tmp_path),
        },
        cwd=tmp_path,
    )

    assert done.returncode == 1
    assert done.stderr.startswith("❌ 连不上数据库 postgresql+psycopg://guopei:***@127.0.0.1:9")
    assert "请检查 DATABASE_URL" in done.stderr
    assert "hunter2" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
