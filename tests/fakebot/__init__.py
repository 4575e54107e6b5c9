"""Fake Telegram Bot API server for end-to-end tests (see server.py / README.md)."""

from tests.fakebot.server import ApiError, Call, FakeTelegram

__all__ = ["ApiError", "Call", "FakeTelegram"]
