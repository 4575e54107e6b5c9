"""Settings of guopei-bot, read once from the environment and `.env` (see `.env.example`).

Usage::

    from bot.settings import load_settings
    settings = load_settings()          # raises SettingsError with one line per bad variable
    settings.database_url_resolved      # the SQLAlchemy URL, SQLite under DATA_DIR by default
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Engine = Literal["ptb", "aiogram"]
# What Telegram accepts as a webhook's secret_token.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(Exception):
    """A variable in the environment or `.env` has a value the bot cannot use."""


class Settings(BaseSettings):
    """Every knob of the bot; the names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_engine: Engine = "ptb"
    telegram_api_url: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    database_url: str | None = None
    data_dir: Path = Path("data")
    bot_timezone: str = "Asia/Shanghai"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    bot_username: str | None = None
    reminder_grace_seconds: int = Field(default=3600, ge=0)
    broadcast_rate_per_second: float = Field(default=30.0, gt=0)
    broadcast_rate_per_chat: float = Field(default=1.0, gt=0)
    broadcast_rate_per_group_minute: int = Field(default=20, gt=0)
    max_message_chars: int = Field(default=1000, gt=0)
    survey_nudge_hours: float = Field(default=24.0, ge=0)
    webhook_url: AnyHttpUrl | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_secret: SecretStr | None = None

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "只能是 1–256 个 A-Z、a-z、0-9、_ 和 - 字符，可用这条命令生成："
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace("，", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError:
                raise ValueError(
                    "应当是用逗号分隔的 Telegram 用户 ID（数字），例如 12345,67890；"
                    f"现在是 {value!r}"
                ) from None
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"不认识的时区 {value!r}，例如 Asia/Shanghai") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "应当是 sqlite:///路径 或 postgresql+psycopg://用户@主机/数据库，现在是 "
                f"{value.split(':', 1)[0]}://…"
            )
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.bot_timezone)

    @property
    def api_base(self) -> str:
        return str(self.telegram_api_url).rstrip("/")

    @property
    def database_url_resolved(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'guopei.db').resolve()}"

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL, where the bot's web server takes Telegram's posts."""
        if self.webhook_url is None:
            return "/"
        return urlsplit(str(self.webhook_url)).path or "/"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value raises SettingsError naming the variable and the fix."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            variable = str(problem["loc"][0]).upper() if problem["loc"] else "?"
            lines.append(f"{variable}: {_in_chinese(problem)}")
        raise SettingsError("; ".join(lines)) from None


def _in_chinese(problem: dict) -> str:
    """pydantic's complaint about one value, said in Chinese with what to write instead."""
    kind, context = problem["type"], problem.get("ctx", {})
    if kind.startswith("url"):
        return "应当是 http(s) 地址，例如 https://api.telegram.org"
    if kind == "literal_error":
        return f"只能是 {context['expected'].replace(' or ', ' 或 ')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "应当是整数"
    if kind in ("float_parsing", "float_type"):
        return "应当是数字"
    if kind == "greater_than_equal":
        return f"不能小于 {context['ge']}"
    if kind == "greater_than":
        return f"必须大于 {context['gt']}"
    if kind == "less_than_equal":
        return f"不能大于 {context['le']}"
    if kind == "less_than":
        return f"必须小于 {context['lt']}"
    return str(problem["msg"]).removeprefix("Value error, ")
