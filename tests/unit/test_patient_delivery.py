"""A message someone is waiting for survives a 502 or two flood-control waits; a blocked user
is not tried again. Replies go through `perform`, messages outside a reply through `deliver`."""

from __future__ import annotations

import pytest

import bot.chat
from bot.chat import (
    Event,
    EventKind,
    Keyboard,
    Messenger,
    RetryAfter,
    Send,
    Sent,
    TransientError,
    Unreachable,
)
from bot.engines.base import perform
from handlers.ask import deliver
from tests.inprocess import TextMessenger


class FlakyMessenger(TextMessenger):
    """Fails the first sends with the given errors, then delivers."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.attempts = 0
        self.delivered: list[str] = []

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append(text)
        return Sent(chat_id=chat_id, message_id=self.attempts)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        await self.send(chat_id, text, buttons)


class Services:
    def __init__(self, messenger: Messenger) -> None:
        self.messenger = messenger


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.chat, "PATIENT_BACKOFF_SECONDS", (0.0, 0.0))


EVENT = Event(kind=EventKind.command, user_id=7, chat_id=7, text="/myclass", command="myclass")


@pytest.mark.parametrize(
    "failures",
    [
        (TransientError("Bad Gateway"),),
        (TransientError("Bad Gateway"), TransientError("Bad Gateway")),
        (RetryAfter(0.01), RetryAfter(0.01)),
    ],
    ids=["one 502", "two 502s", "two 429s"],
)
async def test_a_reply_gets_through_a_502_or_flood_control(failures) -> None:
    messenger = FlakyMessenger(*failures)

    await perform(EVENT, [Send("您的培训班:语文一班")], messenger)

    assert messenger.delivered == ["您的培训班:语文一班"]


async def test_a_reply_to_a_blocked_user_is_tried_once() -> None:
    messenger = FlakyMessenger(Unreachable("Forbidden: bot was blocked by the user"))

    await perform(EVENT, [Send("您的培训班:语文一班")], messenger)

    assert (messenger.attempts, messenger.delivered) == (1, [])


async def test_deliver_says_why_a_message_did_not_arrive() -> None:
    flaky = FlakyMessenger(TransientError("Bad Gateway"))
    assert await deliver(Services(flaky), 7, "答:12点开饭") is None  # type: ignore[arg-type]
    assert flaky.delivered == ["答:12点开饭"]

    down = FlakyMessenger(*[TransientError("Bad Gateway")] * 3)
    assert isinstance(await deliver(Services(down), 7, "答"), TransientError)  # type: ignore[arg-type]

    blocked = FlakyMessenger(Unreachable("Forbidden: bot was blocked by the user"))
    assert isinstance(await deliver(Services(blocked), 7, "答"), Unreachable)  # type: ignore[arg-type]
    assert blocked.attempts == 1
