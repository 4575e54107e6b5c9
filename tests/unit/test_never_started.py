"""Telegram's 403 for someone who never opened the private chat becomes the neutral
`NeverStarted` on both engines; a block or a deleted account stays a plain `Unreachable`."""

from __future__ import annotations

import pytest

from bot.chat import NeverStarted, Unreachable, unreachable

NEVER = "Forbidden: bot can't initiate conversation with a user"
BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"


def test_the_description_decides() -> None:
    assert type(unreachable(NEVER)) is NeverStarted
    assert type(unreachable(BLOCKED)) is Unreachable
    assert type(unreachable(DEACTIVATED)) is Unreachable
    assert type(unreachable("Bad Request: chat not found")) is Unreachable


@pytest.mark.parametrize(("description", "kind"), [(NEVER, NeverStarted), (BLOCKED, Unreachable)])
def test_ptb(description: str, kind: type) -> None:
    from telegram.error import Forbidden

    from bot.engines.ptb import translate

    error = translate(Forbidden(description))
    assert type(error) is kind and isinstance(error, Unreachable)


@pytest.mark.parametrize(("description", "kind"), [(NEVER, NeverStarted), (BLOCKED, Unreachable)])
def test_aiogram(description: str, kind: type) -> None:
    from aiogram.exceptions import TelegramForbiddenError
    from aiogram.methods import SendMessage

    from bot.engines.aiogram import translate

    error = translate(TelegramForbiddenError(SendMessage(chat_id=1, text="x"), description))
    assert type(error) is kind and isinstance(error, Unreachable)
