"""Settings: defaults, parsing, and one clear line naming the variable for a bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

VARIABLES = (
    "BOT_TOKEN",
    "BOT_ENGINE",
    "TELEGRAM_API_URL",
    "DATABASE_URL",
    "ADMIN_IDS",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_use_sqlite_under_data_dir_and_official_api(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATA_DIR", "/srv/guopei")
    settings = load_settings()
    assert settings.bot_engine == "ptb"
    assert settings.api_base == "https://api.telegram.org"
    assert settings.database_url_resolved == "sqlite:////srv/guopei/guopei.db"
    assert settings.token is None
    assert str(settings.timezone) == "Asia/Shanghai"


def test_values_are_read_from_env_file(tmp_path: Path):
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=42:abc\nADMIN_IDS=7, 8 ,9\nBOT_ENGINE=aiogram\n"
        "DATABASE_URL=postgresql://u@h/db\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.token == "42:abc"
    assert settings.admin_ids == {7, 8, 9}
    (tmp_path / ".env").write_text("ADMIN_IDS=7，8\n", encoding="utf-8")  # typed on a Chinese IME
    assert load_settings().admin_ids == {7, 8}
    assert settings.bot_engine == "aiogram"
    assert settings.database_url_resolved == "postgresql+psycopg://u@h/db"
    assert "42:abc" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("BOT_ENGINE", "telethon", "BOT_ENGINE: 只能是 'ptb' 或 'aiogram'"),
        ("TELEGRAM_API_URL", "not a url", "TELEGRAM_API_URL: 应当是 http(s) 地址"),
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS: 应当是用逗号分隔的 Telegram 用户 ID"),
        ("BOT_TIMEZONE", "Mars/Base", "BOT_TIMEZONE: 不认识的时区 'Mars/Base'"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: 应当是 sqlite:///路径 或 postgresql"),
        ("REMINDER_GRACE_SECONDS", "-1", "REMINDER_GRACE_SECONDS: 不能小于 0"),
        ("BROADCAST_RATE_PER_CHAT", "abc", "BROADCAST_RATE_PER_CHAT: 应当是数字"),
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT: 不能大于 65535"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(expected)


def test_cli_stops_with_one_line_not_a_traceback(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={"BOT_ENGINE": "nope", "PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "配置错误（.env / environment）：BOT_ENGINE: 只能是 'ptb' 或 'aiogram'"
    ]
    assert "Traceback" not in result.stderr


def test_webhook_mode_is_off_by_default_and_a_bad_secret_is_named(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WEBHOOK_URL", "")
    assert load_settings().webhook_url is None
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", "abc_DEF-123")
    settings = load_settings()
    assert settings.webhook_path == "/telegram/hook" and settings.webhook_port == 8080
    assert settings.webhook_secret is not None and "abc" not in repr(settings)
    monkeypatch.setenv("WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(SettingsError, match=r"WEBHOOK_SECRET: 只能是 1–256 个"):
        load_settings()
    monkeypatch.setenv("WEBHOOK_URL", "bot.example.org")
    with pytest.raises(SettingsError, match=r"WEBHOOK_URL: 应当是 http\(s\) 地址"):
        load_settings()
