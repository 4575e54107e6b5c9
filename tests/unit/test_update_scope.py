"""One update, one database connection: `Services.update_scope` on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.chat import Event, EventKind
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import User
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Iterator[Services]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, _env_file=None)
    services = Services.create(settings)
    yield services
    services.engine.dispose()


def count_checkouts(services: Services) -> list[object]:
    checkouts: list[object] = []
    event.listen(services.engine, "checkout", lambda *args: checkouts.append(args))
    return checkouts


def names(services: Services) -> set[str]:
    with services.session() as session:
        return {user.first_name for user in session.exec(select(User))}


async def test_an_update_checks_out_one_connection(services: Services):
    conversation = Conversation(services, routing_table())
    checkouts = count_checkouts(services)
    start = Event(kind=EventKind.command, user_id=7, chat_id=7, first_name="李", command="start")
    replies = await conversation.handle(start)
    assert replies and len(checkouts) == 1
    assert names(services) == {"李"}


async def test_blocks_of_one_update_share_a_session_and_drop_what_they_leave_uncommitted(
    services: Services,
):
    with services.update_scope():
        with services.session() as first:
            crud.upsert_user(first, user_id=1, first_name="张")
        with services.session() as second:
            assert second is first
            second.add(User(id=2, first_name="未提交"))  # never committed: dropped
        with pytest.raises(ZeroDivisionError), services.session() as third:
            third.add(User(id=3, first_name="出错"))
            third.flush()
            raise ZeroDivisionError
        with services.session() as fourth:
            crud.upsert_user(fourth, user_id=4, first_name="王")
    assert names(services) == {"张", "王"}


async def test_tasks_and_threads_started_during_an_update_get_their_own_sessions(
    services: Services,
):
    def in_thread() -> object:
        with services.session() as session:
            crud.upsert_user(session, user_id=5, first_name="线程")
            return session

    async def in_task() -> object:
        await asyncio.sleep(0)
        with services.session() as session:
            crud.upsert_user(session, user_id=6, first_name="任务")
            return session

    with services.update_scope():
        with services.session() as shared:
            pass
        task = asyncio.create_task(in_task())
        assert await asyncio.to_thread(in_thread) is not shared
    assert await task is not shared  # it finishes after the update's session has closed
    assert names(services) == {"线程", "任务"}
