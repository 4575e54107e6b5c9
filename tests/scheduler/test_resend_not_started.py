"""「🔁 重发给未送达的 N 人」 also sends to the members who had never opened the private chat
with the bot (Telegram's 403 「bot can't initiate conversation with a user」), through the
conversation core, on SQLite and PostgreSQL: the report counts them in N and tells the manager
to have them tap 「开始」 first; one who has since opened the bot gets the message, one who has
not is reported as not started again (not as failed); those who blocked the bot or deleted
their account are not tried again, nobody gets it twice, a double tap resends once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Edit, Keyboard, NeverStarted, TransientError, Unreachable
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.services import Services
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import buttons_of, fresh_services, text_of
from tests.scheduler.test_broadcast_reliability import ChatMessenger, sender
from tests.scheduler.test_broadcaster import drain

MANAGER = 900
GOT_IT, OPENS_LATER, NEVER_OPENS, FAILED, BLOCKER, GONE = 1001, 1002, 1003, 1004, 1005, 1006
NEVER_STARTED = "Forbidden: bot can't initiate conversation with a user"


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Conversation, Services]]:
    services = fresh_services(database_url, tmp_path)
    services.messenger = ChatMessenger()
    services.bot_username = "guopei_test_bot"
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        a_class = crud.create_class(session, name="A班", manager_id=MANAGER)
        for user in (GOT_IT, OPENS_LATER, NEVER_OPENS, FAILED, BLOCKER, GONE):
            crud.upsert_user(session, user_id=user, first_name=f"学员{user}")
            crud.join_class(session, user_id=user, class_id=a_class.id)
    yield Conversation(services, routing_table()), services
    services.engine.dispose()


def report_in(messenger: ChatMessenger, needle: str) -> tuple[str, Keyboard]:
    """The manager's message that reads as a report containing `needle`, as it reads now."""
    (shown,) = [
        (text, buttons)
        for chat, text, buttons in messenger.messages.values()
        if chat == MANAGER and "人：送达" in text and needle in text
    ]
    return shown


async def broadcast(
    conversation: Conversation, services: Services, not_started: set[int], failing: set[int]
) -> tuple[str, Keyboard]:
    """/broadcast to A班 and confirm; `not_started` have never opened the bot, `failing` meet
    Telegram errors all along, one member blocked the bot, one deleted the account."""
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    never = NeverStarted(NEVER_STARTED)
    messenger.fail(lambda m, c, t: m == "send" and c in not_started, [never] * 10_000)
    messenger.fail(lambda m, c, t: c in failing, [TransientError("Bad Gateway")] * 10_000)
    messenger.fail(lambda m, c, t: c == BLOCKER, [Unreachable("Forbidden: bot was blocked")])
    messenger.fail(lambda m, c, t: c == GONE, [Unreachable("Forbidden: user is deactivated")])
    draft = await conversation.handle(command(MANAGER, "/broadcast 明天上午9点集合"))
    await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认发送"]))
    await drain(sender(services, retry_window_seconds=0.05), services)
    return report_in(messenger, "明天上午9点集合")


async def test_resend_reaches_who_has_opened_the_bot_since_and_reports_who_has_not(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    not_started = {OPENS_LATER, NEVER_OPENS}
    failing = {FAILED}
    report, buttons = await broadcast(conversation, services, not_started, failing)
    assert report.startswith("⚠️ 已发给「A班」，1 人发送失败：明天上午9点集合")
    assert (
        "共 6 人：送达 1 · 还没有私聊过机器人 2 · 屏蔽了机器人 1 · 账号已注销 1 · 失败 1" in report
    )
    assert (
        "请让这 2 人打开 t.me/guopei_test_bot 并点「开始」，再按下面的「🔁 重发」，"
        "这条消息就会补发给他们" in report
    )
    ((button,),) = buttons
    assert button.text == "🔁 重发给未送达的 3 人"  # the failed one and the two not started
    assert button.data is not None

    not_started.discard(OPENS_LATER)  # opens the bot and taps 开始; the other does not
    failing.clear()  # Telegram works again
    replies = await conversation.handle(press(MANAGER, button.data))
    assert "开始重发给 3 人；其中 2 人还没有私聊过机器人，他们点了「开始」才能收到" in text_of(
        replies
    )
    (first,) = [r for r in replies if isinstance(r, Edit)]  # the report, its button gone
    assert "🔁 已重发给未送达的 3 人，结果见下面的新消息" in first.text and first.buttons == ()
    assert (
        "请让这 2 人打开 t.me/guopei_test_bot 并点「开始」，之后的群发和提醒就能收到" in first.text
    )
    again = await conversation.handle(press(MANAGER, button.data))  # a double tap
    assert "已经重发过了，不会再发一次" in text_of(again)
    await drain(sender(services), services)

    assert messenger.received(OPENS_LATER) == 1 and messenger.received(FAILED) == 1
    assert messenger.received(GOT_IT) == 1  # the first broadcast only
    assert messenger.received(NEVER_OPENS) == 0
    tried = [c for _, c, _, _ in messenger.calls if c in (BLOCKER, GONE)]
    assert tried == [BLOCKER, GONE]  # the first broadcast only
    resent, resent_buttons = report_in(messenger, "（重发）")
    assert resent.startswith("✅ 已发给「A班」（重发）：明天上午9点集合")
    assert "共 3 人：送达 2 · 还没有私聊过机器人 1" in resent
    assert f"💬 还没有私聊过机器人：学员{NEVER_OPENS}" in resent
    assert "发送失败" not in resent
    assert [b.text for row in resent_buttons for b in row] == ["🔁 重发给未送达的 1 人"]


async def test_only_members_who_never_started_get_a_resend_button(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    not_started = {OPENS_LATER}
    report, buttons = await broadcast(conversation, services, not_started, set())
    assert report.startswith("✅ 已发给「A班」")
    assert "还没有私聊过机器人 1" in report and "失败" not in report  # none: not listed
    ((button,),) = buttons
    assert button.text == "🔁 重发给未送达的 1 人"
    assert button.data is not None

    not_started.clear()
    replies = await conversation.handle(press(MANAGER, button.data))
    assert "开始重发给 1 人" in text_of(replies)
    await drain(sender(services), services)
    assert messenger.received(OPENS_LATER) == 1
    resent, resent_buttons = report_in(messenger, "（重发）")
    assert "共 1 人：送达 1" in resent and resent_buttons == ()


async def test_one_who_blocked_the_bot_since_is_not_resent(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    _, buttons = await broadcast(conversation, services, {OPENS_LATER}, set())
    ((button,),) = buttons
    assert button.data is not None
    with services.session() as session:
        crud.mark_blocked(session, user_id=OPENS_LATER)  # a later broadcast found them blocked
    replies = await conversation.handle(press(MANAGER, button.data))
    assert "未送达的学员之后都屏蔽了机器人，没有重发" in text_of(replies)
    await drain(sender(services), services)
    assert messenger.received(OPENS_LATER) == 0
