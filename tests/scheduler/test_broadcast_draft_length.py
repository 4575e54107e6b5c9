"""What a broadcast draft may hold, measured as Telegram measures it (the visible text in UTF-16
units), on SQLite and PostgreSQL, through the conversation core: an emoji-heavy notice is
refused at once, with a figure and a limit in the same units; hidden links and `&` do not count
against it. And the /broadcast class picker tells apart long class names that differ only at
the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import func, select

from bot.chat import Event, EventKind
from bot.conversation import Conversation
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role
from bot.db.reminder_models import Broadcast
from bot.limits import MAX_MESSAGE_UNITS, utf16_length, visible_text
from bot.services import Services
from handlers import routing_table
from scheduler.broadcaster import stored_text_room
from tests.events import command, press
from tests.inprocess import buttons_of, text_of
from tests.scheduler.test_broadcast_reliability import services as services  # noqa: F401
from tests.scheduler.test_broadcaster import MANAGER


@pytest.fixture
def chat(services: Services) -> Iterator[tuple[Conversation, Services]]:  # noqa: F811
    with services.session() as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="王老师")
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        a_class = crud.create_class(session, name="语文一班", manager_id=MANAGER)
        crud.join_class(session, user_id=1001, class_id=a_class.id)
    yield Conversation(services, routing_table()), services
    services.engine.dispose()


def holds_long_html(services: Services) -> bool:
    """Whether the database takes a broadcast's HTML past 4,096 characters: both do since
    migration 0006 (broadcasts.text was varchar(4096) on PostgreSQL); where one did not, a
    notice whose HTML is longer is refused politely, naming the links and `&`."""
    return stored_text_room(services) is None


# 31: the header 「📢 <b>班级通知</b> · 语文一班 · 班主任 王老师\n」
MARKUP_REFUSAL = (
    "这条通知的链接网址和 &、<、> 等符号保存时要占更多位置：连同它们共 {length} 个字符"
)


def broadcasts(services: Services) -> int:
    with services.session() as session:
        return session.exec(select(func.count()).select_from(Broadcast)).one()


async def test_an_emoji_heavy_notice_is_refused_in_the_units_telegram_counts(chat) -> None:  # type: ignore[no-untyped-def]
    conversation, services = chat
    notice = "🔔通知" * 1100  # 3,300 characters, 4,400 UTF-16 units
    replies = await conversation.handle(command(MANAGER, f"/broadcast {notice}"))
    assert text_of(replies) == (
        "内容太长了（4400 字，表情符号每个按 2 字计），请控制在 3500 字以内，分几次发送。"
    )
    assert buttons_of(replies) == {} and broadcasts(services) == 0

    # the limit is the figure: 3,500 units pass, one more does not
    at_limit = await conversation.handle(command(MANAGER, "/broadcast " + "🔔" * 1750))
    assert "确认群发" in text_of(at_limit)
    over = await conversation.handle(command(MANAGER, "/broadcast " + "🔔" * 1750 + "a"))
    assert "内容太长了（3501 字，表情符号每个按 2 字计），请控制在 3500 字以内" in text_of(over)
    plain = await conversation.handle(command(MANAGER, "/broadcast " + "通" * 3501))
    assert "内容太长了（3501 字），请控制在 3500 字以内" in text_of(plain)
    assert broadcasts(services) == 1


async def test_ampersands_do_not_count_against_a_notice(chat) -> None:  # type: ignore[no-untyped-def]
    conversation, services = chat
    notice = ("A&B " * 800).strip()  # 3,199 characters; 6,399 as HTML
    replies = await conversation.handle(command(MANAGER, f"/broadcast {notice}"))
    if not holds_long_html(services):
        assert text_of(replies).startswith(MARKUP_REFUSAL.format(length=6399 + 31))
        assert broadcasts(services) == 0
        return
    assert "确认群发" in text_of(replies)
    send = buttons_of(replies)["✅ 确认发送"]
    assert "开始发送" in text_of(await conversation.handle(press(MANAGER, send)))
    with services.session() as session:
        sent = rcrud.get_broadcast(session, broadcast_id=int(send.split(":")[3]))
    assert visible_text(sent.text).endswith(notice)
    assert utf16_length(visible_text(sent.text)) < MAX_MESSAGE_UNITS


LINK = "https://www.moe.gov.cn/srcsite/A10/s7034/202604/t20260411_377663.html?from=notice&id=" + (
    "0" * 15
)


def forwarded_notice() -> tuple[str, str]:
    """A 3,000-character notice with 10 hidden links of 100 characters: (text, html)."""
    sentence = "各位学员:请点击此处查看通知。"  # 15 characters
    text = (sentence * 200)[:3000]
    html = sentence.replace("此处", f'<a href="{LINK.replace("&", "&amp;")}">此处</a>') * 10
    return text, html + text[150:]


async def test_a_forwarded_notice_with_hidden_links_is_measured_by_its_words(chat) -> None:  # type: ignore[no-untyped-def]
    conversation, services = chat
    text, html = forwarded_notice()
    assert len(LINK) == 100 and len(text) == 3000 and visible_text(html) == text
    event = Event(
        kind=EventKind.text, user_id=MANAGER, chat_id=MANAGER, text=text, html=html, forwarded=True
    )
    replies = await conversation.handle(event)
    if holds_long_html(services):
        assert "请选择要发给哪个培训班" in text_of(replies)
        pick = buttons_of(replies)["语文一班（1 人）"]
        confirm = await conversation.handle(press(MANAGER, pick))
        send = buttons_of(confirm)["✅ 确认发送"]
        assert "开始发送" in text_of(await conversation.handle(press(MANAGER, send)))
        with services.session() as session:
            sent = rcrud.get_broadcast(session, broadcast_id=int(send.split(":")[3]))
        assert sent.text.count(f'<a href="{LINK.replace("&", "&amp;")}">此处</a>') == 10
    else:
        assert text_of(replies).startswith(MARKUP_REFUSAL.format(length=len(html) + 31))
        assert broadcasts(services) == 0


# ---------------------------------------------------------------- M3: the class picker


async def test_picker_tells_apart_long_names_that_differ_at_the_end(chat) -> None:  # type: ignore[no-untyped-def]
    conversation, services = chat
    with services.session() as session:
        for number in range(1, 13):
            crud.create_class(
                session,
                name=f"2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班第{number}期",
                manager_id=MANAGER,
            )
        for subject in ("语文", "数学"):  # these differ in the middle only
            crud.create_class(
                session,
                name=f"2026年国培计划(中西部项目)初中{subject}学科骨干教师能力提升培训班第1期",
                manager_id=MANAGER,
            )
    replies = await conversation.handle(command(MANAGER, "/broadcast 明天交研修日志"))
    labels = [label for label in buttons_of(replies) if label != "✖ 取消"]
    assert len(labels) == len(set(labels)) == 15
    for number in range(2, 13):  # 20 characters: the head, 「…」 and the tail
        (label,) = [label for label in labels if label.endswith(f"班第{number}期（0 人）")]
        assert label.startswith("2026年国培计划(中西部…") and len(label) == 20 + len("（0 人）")
    coded = [label for label in labels if "加入码" in label]
    assert len(coded) == 3  # 第1期 three times (语文 twice): told apart by their join code
