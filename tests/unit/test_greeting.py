"""/start greets a manager whose Telegram name already ends with 老师 or 班主任 by that name
(「您好，张老师！」, not 「张老师班主任」), and everyone else as before: through the conversation
core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Event, EventKind
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from handlers import routing_table
from tests.inprocess import fresh_services, text_of

MANAGER, TRAINEE = 2101, 2102


@pytest.fixture
def conversation(database_url: str, tmp_path: Path) -> Iterator[Conversation]:
    services = fresh_services(database_url, tmp_path)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
    yield Conversation(services, routing_table())
    services.engine.dispose()


async def greeting(conversation: Conversation, user: int, first_name: str) -> str:
    """The first line of the reply to /start from `user` whose Telegram first name is this."""
    start = Event(
        kind=EventKind.command,
        user_id=user,
        chat_id=user,
        first_name=first_name,
        text="/start",
        command="start",
    )
    return text_of(await conversation.handle(start)).splitlines()[0]


@pytest.mark.parametrize(
    ("first_name", "expected"),
    [
        ("张老师", "您好，张老师！我是国培助手 🤖"),
        ("李班主任", "您好，李班主任！我是国培助手 🤖"),
        ("王芳", "您好，王芳班主任！我是国培助手 🤖"),
        ("", "您好，班主任！我是国培助手 🤖"),
    ],
)
async def test_a_manager_is_greeted_without_a_doubled_title(
    conversation: Conversation, first_name: str, expected: str
) -> None:
    assert await greeting(conversation, MANAGER, first_name) == expected


@pytest.mark.parametrize(
    ("first_name", "expected"),
    [
        ("张老师", "您好，张老师！我是国培助手 🤖"),
        ("王芳", "您好，王芳！我是国培助手 🤖"),
        ("", "您好，老师！我是国培助手 🤖"),
    ],
)
async def test_a_trainee_is_greeted_by_their_name_alone(
    conversation: Conversation, first_name: str, expected: str
) -> None:
    assert await greeting(conversation, TRAINEE, first_name) == expected
