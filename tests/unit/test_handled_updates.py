"""An update is handled once: one stored as handled by an earlier process (before a crash) is
skipped after the restart, and one Telegram sends again to the same process (a webhook post
whose answer was lost) too; a new update is not. Through the conversation core and the engines'
`respond`, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import Event, EventKind
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import utcnow
from bot.engines.base import PerUserOrder, respond
from handlers import routing_table
from tests.inprocess import fresh_services

USER = 2201


class Recorder:
    """A messenger that keeps the texts it was asked to send (/help only sends)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, chat_id: int, text: str, buttons: object = ()) -> None:
        self.sent.append(text)


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Iterator[object]:
    services = fresh_services(database_url, tmp_path)
    yield services
    services.engine.dispose()


def help_event() -> Event:
    return Event(kind=EventKind.command, user_id=USER, chat_id=USER, text="/help", command="help")


async def deliver(conversation: Conversation, update_id: int) -> list[str]:
    """What the user is sent for the update with this id."""
    messenger = Recorder()
    await respond(help_event(), conversation, messenger, PerUserOrder(), update_id)  # type: ignore[arg-type]
    return messenger.sent


async def test_an_update_is_answered_once_across_a_restart_and_a_resend(services) -> None:
    first = Conversation(services, routing_table())
    assert await deliver(first, 41)
    assert await deliver(first, 41) == []  # sent again to the same process
    assert await deliver(first, 42)

    restarted = Conversation(services, routing_table())  # a new process, the same database
    assert await deliver(restarted, 41) == []
    assert await deliver(restarted, 42) == []
    assert await deliver(restarted, 43)  # new: answered
    assert await deliver(restarted, 43) == []


async def test_without_an_update_id_every_event_is_answered(services) -> None:
    conversation = Conversation(services, routing_table())
    messenger = Recorder()
    for _ in range(2):  # the terminal chat has no update ids
        await respond(help_event(), conversation, messenger, PerUserOrder())  # type: ignore[arg-type]
    assert len(messenger.sent) == 2


async def test_ids_older_than_two_days_are_forgotten_at_the_start(services) -> None:
    """Telegram may start its ids anew after a quiet week: an old stored id does not silence
    a new update."""
    with services.session() as session:
        crud.mark_handled(session, update_id=5, now=utcnow() - timedelta(days=3))
        crud.mark_handled(session, update_id=9, now=utcnow())
    conversation = Conversation(services, routing_table())
    assert await deliver(conversation, 5)  # new: answered
    assert await deliver(conversation, 9) == []  # handled yesterday: skipped
