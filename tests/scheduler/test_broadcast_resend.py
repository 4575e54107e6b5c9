"""「🔁 重发给未送达的 N 人」 on a broadcast's report, through the conversation core, on SQLite
and PostgreSQL: the same message again to exactly the members whose delivery failed (not
those who blocked the bot or got it), once, only for the broadcast's manager, restart-safe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import DeliveryError, Edit, TransientError, Unreachable
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.services import Services
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import buttons_of, fresh_services, text_of
from tests.scheduler.test_broadcast_reliability import ChatMessenger, sender
from tests.scheduler.test_broadcaster import drain

MANAGER, OTHER_MANAGER = 900, 901
GOT_IT, FAILED, BLOCKER, GONE = 1001, 1002, 1003, 1004


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Conversation, Services]]:
    services = fresh_services(database_url, tmp_path)
    services.messenger = ChatMessenger()
    with services.session() as session:
        for manager in (MANAGER, OTHER_MANAGER):
            crud.set_role(session, user_id=manager, role=Role.manager)
        a_class = crud.create_class(session, name="A班", manager_id=MANAGER)
        for user in (GOT_IT, FAILED, BLOCKER, GONE):
            crud.upsert_user(session, user_id=user, first_name=f"学员{user}")
            crud.join_class(session, user_id=user, class_id=a_class.id)
    yield Conversation(services, routing_table()), services
    services.engine.dispose()


async def broadcast_with_a_failure(conversation: Conversation, services: Services) -> str:
    """/broadcast to A班: one member gets it, one fails (Telegram errors all along), one has
    blocked the bot, one deleted the account. Returns the data of the report's button."""
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    messenger.fail(lambda m, c, t: c == FAILED, [TransientError("Bad Gateway")] * 10_000)
    messenger.fail(lambda m, c, t: c == BLOCKER, [Unreachable("Forbidden: bot was blocked")])
    messenger.fail(lambda m, c, t: c == GONE, [Unreachable("Forbidden: user is deactivated")])
    draft = await conversation.handle(command(MANAGER, "/broadcast 明天上午9点集合"))
    assert "开始发送" in text_of(
        await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认发送"]))
    )
    await drain(sender(services, retry_window_seconds=0.05), services)
    messenger.rules.clear()  # Telegram works again
    report = messenger.messages[5]  # the confirmation (message 5) became the report
    assert report[1].startswith("⚠️ 已发给「A班」，1 人发送失败：明天上午9点集合")
    ((button,),) = report[2]
    assert button.text == "🔁 重发给未送达的 1 人"
    assert button.data is not None
    return button.data


async def test_resend_reaches_only_the_failed_member_once(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    resend = await broadcast_with_a_failure(conversation, services)

    replies = await conversation.handle(press(MANAGER, resend))
    assert "开始重发给 1 人" in text_of(replies)
    (edit,) = [r for r in replies if isinstance(r, Edit)]  # the report, its button gone
    assert edit.text.startswith("⚠️ 已发给「A班」，1 人发送失败")
    assert "🔁 已重发给未送达的 1 人，结果见下面的新消息。" in edit.text
    assert edit.buttons == ()
    again = await conversation.handle(press(MANAGER, resend))  # pressed twice
    assert "已经重发过了，不会再发一次" in text_of(again)

    await drain(sender(services), services)  # sent by the sender after a restart
    assert messenger.received(FAILED) == 1
    assert messenger.received(GOT_IT) == 1  # the first broadcast only
    assert messenger.received(BLOCKER) == 0 and messenger.received(GONE) == 0
    resent_report = messenger.shown_to(MANAGER)[-1]
    assert resent_report.startswith("✅ 已发给「A班」（重发）：明天上午9点集合")
    assert "共 1 人：送达 1" in resent_report

    await conversation.handle(press(MANAGER, resend))  # and once more, later
    await drain(sender(services), services)
    assert messenger.received(FAILED) == 1


async def test_only_the_broadcasts_manager_may_resend(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    resend = await broadcast_with_a_failure(conversation, services)
    other = await conversation.handle(press(OTHER_MANAGER, resend))
    assert "这不是您创建的群发" in text_of(other)
    trainee = await conversation.handle(press(GOT_IT, resend))
    assert "只有班主任可以使用" in text_of(trainee)
    forged = await conversation.handle(press(MANAGER, "bcr:1:x"))
    assert "这个按钮已失效" in text_of(forged)
    assert "这个按钮已失效" in text_of(await conversation.handle(press(MANAGER, "bcr:1:①")))
    await drain(sender(services), services)
    assert messenger.received(FAILED) == 0


async def test_a_member_who_blocked_the_bot_since_is_not_resent(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    resend = await broadcast_with_a_failure(conversation, services)
    with services.session() as session:
        crud.mark_blocked(session, user_id=FAILED)  # a later broadcast found them blocked
    replies = await conversation.handle(press(MANAGER, resend))
    assert "未送达的学员之后都屏蔽了机器人，没有重发" in text_of(replies)
    await drain(sender(services), services)
    assert messenger.received(FAILED) == 0


async def test_no_button_when_nobody_failed(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    messenger.fail(lambda m, c, t: c == BLOCKER, [DeliveryError("Forbidden: bot was blocked")])
    with services.session() as session:
        crud.mark_blocked(session, user_id=BLOCKER)
    draft = await conversation.handle(command(MANAGER, "/broadcast 下午分组讨论"))
    await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认发送"]))
    await drain(sender(services), services)
    _, text, buttons = messenger.messages[5]
    assert text.startswith("✅ 已发给「A班」") and buttons == ()
