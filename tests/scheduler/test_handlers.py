"""/remind, /reminders and /broadcast through the conversation core (no Telegram): refusals
of forged or stale buttons and of bad input change nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.db.reminder_models import Broadcast, Reminder
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import buttons_of, text_of

MANAGER, OTHER_MANAGER, TRAINEE = 900, 901, 1001


@pytest.fixture
def world(tmp_path: Path) -> tuple[Conversation, Services, dict[str, int]]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        bot_token=None,
        admin_ids=frozenset(),
    )
    services = Services.create(settings)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
        mine = crud.create_class(session, name="语文一班", manager_id=MANAGER)
        theirs = crud.create_class(session, name="数学二班", manager_id=OTHER_MANAGER)
        crud.join_class(session, user_id=TRAINEE, class_id=mine.id)
    return (
        Conversation(services, routing_table()),
        services,
        {"mine": mine.id, "theirs": theirs.id},
    )


def count(services: Services, model: type) -> int:
    with services.session() as session:
        return len(list(session.exec(select(model))))


async def test_remind_refusals_and_forged_buttons(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services, classes = world
    assert "可以这样写" in text_of(await conversation.handle(command(MANAGER, "/remind")))
    bad = await conversation.handle(command(MANAGER, "/remind 13月45日 <b>交作业</b>"))
    assert "可以这样写" in text_of(bad) or "不存在" in text_of(bad)
    assert "<b>" not in text_of(bad)  # user input is escaped
    assert "只有班主任" in text_of(
        await conversation.handle(command(TRAINEE, "/remind 明天9点 x"))
    )
    assert count(services, Reminder) == 0

    draft = await conversation.handle(command(MANAGER, "/remind 明天9点 交研修日志"))
    assert "2026" in text_of(draft) or "年" in text_of(draft)
    ok = buttons_of(draft)["✅ 确认"]
    reminder_id = int(ok.split(":")[3])
    # another manager, a trainee, garbage and an unknown id: refused, nothing changes
    assert "不是您设置的" in text_of(await conversation.handle(press(OTHER_MANAGER, ok)))
    assert "只有班主任" in text_of(await conversation.handle(press(TRAINEE, ok)))
    for forged in (
        "rm:1:ok:abc",
        "rm:9:ok:1",
        "rm:1:ok:99999",
        f"rm:1:zz:{reminder_id}",
        f"rm:1:cls:{reminder_id}:{classes['theirs']}",
    ):
        reply = text_of(await conversation.handle(press(MANAGER, forged)))
        assert "失效" in reply or "不是" in reply or "处理过" in reply, forged
    with services.session() as session:
        assert session.get(Reminder, reminder_id).status == "draft"
    done = await conversation.handle(press(MANAGER, ok))
    assert "提醒已设置" in text_of(done)
    again = await conversation.handle(press(MANAGER, ok))  # a double press
    assert "已经设置过" in text_of(again)
    listing = await conversation.handle(command(MANAGER, "/reminders"))
    cancel = next(data for label, data in buttons_of(listing).items() if "取消" in label)
    assert "不是您设置的" in text_of(await conversation.handle(press(OTHER_MANAGER, cancel)))
    confirm = await conversation.handle(press(MANAGER, cancel))
    yes = buttons_of(confirm)["🗑 确定取消"]
    assert "已取消提醒" in text_of(await conversation.handle(press(MANAGER, yes)))
    assert "不在待发送列表" in text_of(await conversation.handle(press(MANAGER, yes)))
    with services.session() as session:
        assert session.get(Reminder, reminder_id).status == "cancelled"


async def test_broadcast_refusals_and_forged_buttons(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services, classes = world
    prompt = await conversation.handle(command(MANAGER, "/broadcast"))
    assert "请发送要群发的内容" in text_of(prompt)
    draft = await conversation.handle(command(MANAGER, "/broadcast 明天 <集合>"))
    assert "&lt;集合&gt;" in text_of(draft) and "1 人" in text_of(draft)
    send = buttons_of(draft)["✅ 确认发送"]
    broadcast_id = int(send.split(":")[3])
    forged_class = f"bc:1:ok:{broadcast_id}:{classes['theirs']}"
    assert "不是这个培训班" in text_of(await conversation.handle(press(MANAGER, forged_class)))
    assert "不是您创建" in text_of(await conversation.handle(press(OTHER_MANAGER, send)))
    for circled in (f"bc:1:ok:{broadcast_id}:①", "bc:1:ok:①:1"):  # isdigit() but not int()
        assert "已失效" in text_of(await conversation.handle(press(MANAGER, circled)))
    assert "只有班主任" in text_of(await conversation.handle(press(TRAINEE, send)))
    with services.session() as session:
        assert session.get(Broadcast, broadcast_id).status == "draft"
    started = await conversation.handle(press(MANAGER, send))
    assert "开始发送" in text_of(started)
    assert "处理过" in text_of(await conversation.handle(press(MANAGER, send)))
    with services.session() as session:
        record = session.get(Broadcast, broadcast_id)
        assert record.status == "sending" and record.progress_message_id == 5
        assert "语文一班" in record.text


async def test_a_long_reminder_fits_up_to_its_column(world) -> None:  # type: ignore[no-untyped-def]
    """A 1,500-character reminder (longer than other messages) is taken; past 1,900, refused."""
    conversation, services, _ = world
    long_text = "请各位学员按时提交研修日志。" * 107  # 1,498 characters
    taken = await conversation.handle(command(MANAGER, f"/remind 明天9点 {long_text}"))
    assert "确认" in str(buttons_of(taken)) and count(services, Reminder) == 1

    refused = await conversation.handle(command(MANAGER, f"/remind 明天9点 {long_text * 2}"))
    assert "提醒太长了" in text_of(refused) and count(services, Reminder) == 1


async def test_an_emoji_reminder_is_measured_as_telegram_counts_it(world) -> None:  # type: ignore[no-untyped-def]
    """1,000 emoji are 2,000 units, past the 1,900 a reminder's text may have (with its header
    a message must stay within Telegram's 4,096): refused at once, saying why; the time words
    before it do not count (QA20 F7)."""
    conversation, services, _ = world
    refused = await conversation.handle(command(MANAGER, "/remind 明天9点 " + "🔔" * 1000))
    assert "提醒太长了（2000 字，表情符号每个按 2 字计，只算内容，不算时间）" in text_of(refused)
    assert count(services, Reminder) == 0
    taken = await conversation.handle(command(MANAGER, "/remind 明天9点 " + "🔔" * 900))
    assert "确认" in str(buttons_of(taken)) and count(services, Reminder) == 1


async def test_a_photo_captioned_broadcast_says_the_photo_stays_behind(world) -> None:  # type: ignore[no-untyped-def]
    conversation, _, _ = world
    captioned = replace(command(MANAGER, "/broadcast 看图,明天按图上的路线集合"), media="photo")
    draft = await conversation.handle(captioned)
    assert "明天按图上的路线集合" in text_of(draft)
    assert "只会群发上面这段文字，原消息中的图片不会发出" in text_of(draft)
