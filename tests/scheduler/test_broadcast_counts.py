"""The /broadcast confirmation counts the members who will actually receive it: members who
blocked the bot are skipped by the sender, so they are not counted (and the confirmation
says how many are skipped). On SQLite and PostgreSQL, through the conversation core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role
from bot.services import Services
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import buttons_of, fresh_services, text_of

MANAGER = 900
READER, BLOCKER = 1001, 1002


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Conversation, Services, int]]:
    services = fresh_services(database_url, tmp_path)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        a_class = crud.create_class(session, name="A班", manager_id=MANAGER)
        for user in (READER, BLOCKER):
            crud.join_class(session, user_id=user, class_id=a_class.id)
        crud.mark_blocked(session, user_id=BLOCKER)  # as a 403 from Telegram does
    assert a_class.id is not None
    yield Conversation(services, routing_table()), services, a_class.id
    services.engine.dispose()


async def test_confirmation_counts_only_members_who_will_receive_it(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services, _ = world
    draft = await conversation.handle(command(MANAGER, "/broadcast 明天上午9点集合"))
    text = text_of(draft)
    assert "班级：A班（共 2 人）" in text
    assert "将发给 1 人；另有 1 人屏蔽了机器人或已注销账号，不会发给他们" in text
    send = buttons_of(draft)["✅ 确认发送"]
    assert "开始发送" in text_of(await conversation.handle(press(MANAGER, send)))
    broadcast_id = int(send.split(":")[3])
    with services.session() as session:  # what the sender will send: the number confirmed
        assert rcrud.delivery_counts(session, broadcast_id=broadcast_id) == {"pending": 1}


async def test_class_picker_and_its_confirmation_use_the_same_count(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services, a_class = world
    with services.session() as session:
        crud.create_class(session, name="B班", manager_id=MANAGER)
    picker = await conversation.handle(command(MANAGER, "/broadcast 交研修日志"))
    buttons = buttons_of(picker)
    assert "A班（1 人）" in buttons and "B班（0 人）" in buttons
    confirm = await conversation.handle(press(MANAGER, buttons["A班（1 人）"]))
    assert "将发给 1 人；另有 1 人屏蔽了机器人" in text_of(confirm)
    assert "✅ 确认发送" in buttons_of(confirm)


async def test_nobody_to_receive_it_offers_no_send_button(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services, _ = world
    with services.session() as session:
        crud.mark_blocked(session, user_id=READER)
    draft = await conversation.handle(command(MANAGER, "/broadcast 明天集合"))
    text = text_of(draft)
    assert "无法群发" in text and "班级：A班（共 2 人）" in text and "将发给 0 人" in text
    assert "这 2 人都屏蔽了机器人" in text and "/myclass" in text
    assert list(buttons_of(draft)) == ["✖ 取消"]
    assert "已取消" in text_of(
        await conversation.handle(press(MANAGER, buttons_of(draft)["✖ 取消"]))
    )
