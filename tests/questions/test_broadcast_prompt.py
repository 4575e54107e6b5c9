"""`/broadcast` alone asks for the text, and the manager's next message is broadcast exactly as
`/broadcast TEXT` would be (confirmation, class picker); it is never taken as a question.
「取消」 or a command ends the wait; a text too long, an empty one, a photo or a file is refused
clearly, nothing is sent and the wait goes on."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.chat import Event, EventKind
from bot.db import crud
from bot.db.models import PendingInput, utcnow
from bot.db.reminder_models import Broadcast
from handlers.broadcast import TEXT_STATE
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, button, text_of

ASKED = "请发送要群发的内容（最多 3500 字），或发送「取消」"
CONTENT = "明天8点集合"


def pending_kind(chat, user_id: int = MANAGER) -> str | None:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        pending = crud.get_pending(session, user_id=user_id)
        return pending.kind if pending is not None else None


def drafts(chat) -> list[Broadcast]:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        return list(session.exec(select(Broadcast)))


async def test_the_next_message_is_the_broadcast_text(chat) -> None:
    asked = text_of(await chat.say(MANAGER, "/broadcast"))
    assert ASKED in asked
    assert pending_kind(chat) == TEXT_STATE

    confirm = await chat.say(MANAGER, CONTENT)
    shown = text_of(confirm)
    assert "确认群发" in shown and "语文一班（1 人）" in shown and CONTENT in shown
    assert "没有找到" not in shown and "提问" not in shown  # not answered as a question
    assert pending_kind(chat) is None
    started = text_of(await chat.press(MANAGER, button(confirm, "确认发送")))
    assert "开始发送" in started
    (sent,) = drafts(chat)
    assert sent.status == "sending" and sent.text.endswith(CONTENT)

    # the wait is over: the next message is a question again
    after = text_of(await chat.say(MANAGER, "培训期间的交通费怎么报销"))
    assert "确认群发" not in after


async def test_several_classes_get_the_class_picker(chat) -> None:
    with chat.services.session() as session:
        crud.create_class(session, name="数学二班", manager_id=MANAGER)
    await chat.say(MANAGER, "/broadcast")
    picker = await chat.say(MANAGER, CONTENT)
    assert "请选择要发给哪个培训班" in text_of(picker)
    confirm = await chat.press(MANAGER, button(picker, "语文一班"))
    assert "确认群发" in text_of(confirm) and CONTENT in text_of(confirm)


async def test_cancel_and_commands_end_the_wait(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    assert "已取消，没有群发" in text_of(await chat.say(MANAGER, "取消"))
    assert pending_kind(chat) is None and drafts(chat) == []

    await chat.say(MANAGER, "/broadcast")
    ended = text_of(await chat.say(MANAGER, "/myclass"))
    assert "已取消群发，没有发送。要群发，请重新发送 /broadcast。" in ended
    assert "我管理的培训班" in ended
    assert pending_kind(chat) is None and drafts(chat) == []

    # /broadcast TEXT while waiting: the text given wins, as before
    await chat.say(MANAGER, "/broadcast")
    direct = text_of(await chat.say(MANAGER, f"/broadcast {CONTENT}"))
    assert "确认群发" in direct and pending_kind(chat) is None


async def test_bad_input_is_refused_and_the_wait_goes_on(chat) -> None:
    await chat.say(MANAGER, "/broadcast")

    too_long = text_of(await chat.say(MANAGER, "请" * 3600))  # more than MAX_MESSAGE_CHARS too
    assert "内容太长了（3600 字）" in too_long and "3500 字以内" in too_long
    assert "请重新发送要群发的内容，或发送「取消」" in too_long
    assert "1000" not in too_long  # the broadcast's limit, not the one of other messages
    assert "内容不能为空" in text_of(await chat.say(MANAGER, "   "))

    photo = Event(kind=EventKind.media, user_id=MANAGER, chat_id=MANAGER, media="photo")
    refused = text_of(await chat.conversation.handle(photo))
    assert "图片、语音和文件不能作为回复" in refused and "/cancel" in refused
    refused = text_of(await chat.send_file(MANAGER, "通知.pdf", b"%PDF-1.4"))
    assert "图片、语音和文件不能作为回复" in refused and "知识库" not in refused

    assert drafts(chat) == [] and pending_kind(chat) == TEXT_STATE
    confirm = text_of(await chat.say(MANAGER, "请" * 3500))  # at the limit: fine
    assert "确认群发" in confirm and pending_kind(chat) is None


async def test_a_forwarded_message_is_taken_as_the_text(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    forwarded = Event(
        kind=EventKind.text, user_id=MANAGER, chat_id=MANAGER, text=CONTENT, forwarded=True
    )
    offer = text_of(await chat.conversation.handle(forwarded))
    assert "请选择要发给哪个培训班" in offer and CONTENT in offer
    assert pending_kind(chat) is None


async def test_who_may_be_asked(chat) -> None:
    # a manager without a class is told to create one first, and nothing waits
    assert "您还没有培训班" in text_of(await chat.say(ADMIN, "/broadcast"))
    assert pending_kind(chat, ADMIN) is None
    # a trainee may not broadcast; their text stays a question
    assert "只有班主任" in text_of(await chat.say(TRAINEE, "/broadcast"))
    assert pending_kind(chat, TRAINEE) is None


async def test_an_admins_notice_file_is_still_added_while_waiting(chat) -> None:
    with chat.services.session() as session:
        crud.create_class(session, name="管理员的班", manager_id=ADMIN)
    assert ASKED in text_of(await chat.say(ADMIN, "/broadcast"))
    notice = "关于国培计划书法研修营报名的通知\n一、报名时间为12月1日至12月10日。".encode()
    report = text_of(await chat.send_file(ADMIN, "书法研修营.txt", notice))
    assert "「书法研修营.txt」" in report and "知识库" in report  # the upload read it
    assert "不能作为回复" not in report
    assert pending_kind(chat, ADMIN) == TEXT_STATE  # still waiting for the broadcast text


async def test_a_wait_past_30_minutes_says_it_ended_and_offers_the_text(chat) -> None:
    """After 30 minutes the text is a new message: the reply says that /broadcast was cancelled
    and offers to broadcast the text, without telling the manager to send /broadcast again
    (QA16 L1); nothing is drafted before the button."""
    await chat.say(MANAGER, "/broadcast")
    with chat.services.session() as session:
        pending = session.get(PendingInput, MANAGER)
        pending.updated_at = utcnow() - timedelta(minutes=31)
        session.add(pending)
        session.commit()
    late = text_of(await chat.say(MANAGER, CONTENT))
    assert "超过 30 分钟，之前的 /broadcast 已自动取消" in late
    assert "重新发送 /broadcast" not in late and "相应的按钮" not in late
    assert "要群发刚才这段文字吗" in late
    assert "确认群发" not in late and not drafts(chat)
