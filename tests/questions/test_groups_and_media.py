"""Groups, commands for other bots, and messages that are not text, in-process: each message is
a Bot API message translated by the real `message_event` (from python-telegram-bot's and from
aiogram's own Message, which must give the same) and handled by the real Conversation.

In a group the bot answers only its commands: people's talk there never answers the input the
bot waits for in the private chat (nor ends it), gets no size refusal, and a command for another
bot or an unknown one gets nothing. A sticker or a photo in the private chat gets a hint; a
manager's forwarded photo or file is a broadcast offer of its text only, or a clear refusal."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from sqlmodel import select

from bot.chat import Event, Reply
from bot.db import crud
from bot.db.survey_models import Survey, SurveyAnswer
from bot.engines.base import message_event
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, Chat, button, text_of

GROUP = -100500
OUT_OF_SCOPE = "明天北京天气怎么样"
AGE_QUESTION = "参训教师年龄有什么要求"
TEXT_ONLY = "我只能看懂文字消息"
_message_ids = itertools.count(100)
_file_ids = itertools.count(1)

STICKER = {
    "sticker": {
        "file_id": "STK",
        "file_unique_id": "ustk",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
}
PHOTO = {"photo": [{"file_id": "PH", "file_unique_id": "uph", "width": 90, "height": 90}]}
NOT_TEXT = {
    "sticker": STICKER,
    "photo": PHOTO,
    "voice": {"voice": {"file_id": "VO", "file_unique_id": "uvo", "duration": 3}},
    "video": {
        "video": {
            "file_id": "VI",
            "file_unique_id": "uvi",
            "width": 1,
            "height": 1,
            "duration": 2,
        }
    },
    "location": {"location": {"latitude": 39.9, "longitude": 116.4}},
    "contact": {"contact": {"phone_number": "13800000000", "first_name": "王"}},
}


@pytest.fixture(params=["ptb", "aiogram"])
def library(request: pytest.FixtureRequest) -> str:
    return request.param


def telegram_message(
    user_id: int, chat_id: int | None = None, forwarded_from: int | None = None, **content: Any
) -> dict:
    """A Bot API message from `user_id`, in their private chat or in the group `chat_id`."""
    chat_id = user_id if chat_id is None else chat_id
    chat = (
        {"id": chat_id, "type": "private", "first_name": f"用户{user_id}"}
        if chat_id > 0
        else {"id": chat_id, "type": "supergroup", "title": "语文一班交流群"}
    )
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "from": {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"},
        "chat": chat,
        "date": int(time.time()),
        **content,
    }
    if "text" in content and content["text"].startswith("/"):
        head = content["text"].split(" ", 1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(head)}]
    if forwarded_from is not None:
        sender = {"id": forwarded_from, "is_bot": False, "first_name": "教育厅"}
        message["forward_origin"] = {"type": "user", "date": 1, "sender_user": sender}
    return message


def translate(library: str, message: dict) -> Event | None:
    """What the engine of `library` turns this message into."""
    if library == "ptb":
        from telegram import Message as PtbMessage

        return message_event(PtbMessage.de_json(message, None))
    from aiogram.types import Message as AiogramMessage

    return message_event(AiogramMessage.model_validate(message))


def document(chat: Chat, name: str, content: bytes) -> dict:
    """A file the messenger can download, as the `document` of a message."""
    file_id = f"doc-{next(_file_ids)}"
    chat.messenger.files[file_id] = content
    return {
        "document": {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "file_size": len(content),
        }
    }


async def send(chat: Chat, library: str, message: dict) -> list[Reply]:
    event = translate(library, message)
    assert event is not None
    return await chat.conversation.handle(event)


async def manager_starts_answering(chat: Chat) -> None:
    """A trainee hands a question over; the manager presses 回答 and is asked for the text."""
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (to_manager,) = chat.messenger.to(MANAGER)
    asked = await chat.press(MANAGER, to_manager[1][0][0].data)
    assert "请直接发送您的回答" in text_of(asked)


def pending_kind(chat: Chat, user_id: int) -> str | None:
    with chat.services.session() as session:
        pending = crud.get_pending(session, user_id=user_id)
        return pending.kind if pending else None


# ----- the input the bot waits for belongs to the private chat ------------------------------


async def test_group_talk_is_not_the_answer_to_a_handed_off_question(chat, library):
    await manager_starts_answering(chat)
    waiting = pending_kind(chat, MANAGER)

    in_group = telegram_message(MANAGER, GROUP, text="大家好,下午开会")
    assert await send(chat, library, in_group) == []

    assert chat.messenger.to(TRAINEE) == []
    assert pending_kind(chat, MANAGER) == waiting  # still waiting for the answer
    answered = await send(chat, library, telegram_message(MANAGER, text="下雨照常上课。"))
    assert "已把回答发给学员" in text_of(answered)
    (to_trainee,) = chat.messenger.to(TRAINEE)
    assert "下雨照常上课" in to_trainee[0] and "下午开会" not in to_trainee[0]


async def test_a_command_in_a_group_leaves_the_private_wait_alone(chat, library):
    await manager_starts_answering(chat)

    asked = await send(
        chat, library, telegram_message(MANAGER, GROUP, text=f"/ask {AGE_QUESTION}")
    )
    assert "—— 《" in text_of(asked)
    cancel = await send(chat, library, telegram_message(MANAGER, GROUP, text="/cancel"))
    assert "私聊" in text_of(cancel)

    answered = await send(chat, library, telegram_message(MANAGER, text="下雨照常上课。"))
    assert "已把回答发给学员" in text_of(answered)


async def walk_to_the_free_text_question(chat: Chat) -> int:
    """The manager sends 专题课程反馈 to the class; the trainee answers up to its text question."""
    await chat.say(MANAGER, "/survey")
    with chat.services.session() as session:
        class_id = crud.classes_managed_by(session, manager_id=MANAGER)[0].id
    await chat.press(MANAGER, "sm:1:t:course_feedback")
    await chat.press(MANAGER, f"sm:1:c:course_feedback:{class_id}")
    confirm = await chat.press(MANAGER, f"sm:1:d:course_feedback:{class_id}:1")
    assert "已向" in text_of(await chat.press(MANAGER, button(confirm, "确认发送")))
    with chat.services.session() as session:
        survey_id = session.exec(select(Survey.id)).one()
    current = await chat.press(TRAINEE, f"sv:1:s:{survey_id}", message_id=60)
    for label in ("偏难", "案例研讨", "选好了", "非常满意"):
        current = await chat.press(TRAINEE, button(current, label), message_id=60)
    assert "请直接发送文字" in text_of(current)
    return survey_id


async def test_group_talk_is_not_a_survey_answer(chat, library):
    await walk_to_the_free_text_question(chat)

    in_group = telegram_message(TRAINEE, GROUP, text="谁中午一起吃饭?")
    assert await send(chat, library, in_group) == []
    with chat.services.session() as session:
        assert all(a.text != "谁中午一起吃饭?" for a in session.exec(select(SurveyAnswer)))

    review = await send(chat, library, telegram_message(TRAINEE, text="多安排课堂观摩"))
    assert "请核对" in text_of(review) and "多安排课堂观摩" in text_of(review)
    assert "吃饭" not in text_of(review)


async def test_group_talk_is_not_a_surveys_closing_time(chat, library):
    await chat.say(MANAGER, "/survey")
    with chat.services.session() as session:
        class_id = crud.classes_managed_by(session, manager_id=MANAGER)[0].id
    await chat.press(MANAGER, "sm:1:t:course_feedback")
    await chat.press(MANAGER, f"sm:1:c:course_feedback:{class_id}")
    asked = await chat.press(MANAGER, f"sm:1:w:course_feedback:{class_id}")
    assert "请发送截止时间" in text_of(asked)

    in_group = telegram_message(MANAGER, GROUP, text="明天下午开会")
    assert await send(chat, library, in_group) == []

    confirm = await send(chat, library, telegram_message(MANAGER, text="5天后18:00"))
    assert "确认发送问卷" in text_of(confirm) and "18:00" in text_of(confirm)


# ----- size: only what the bot reads is checked ----------------------------------------------


async def test_long_group_talk_gets_no_size_refusal_but_a_long_command_does(chat, library):
    long_text = "大家好" * 400
    assert await send(chat, library, telegram_message(TRAINEE, GROUP, text=long_text)) == []
    captioned = telegram_message(TRAINEE, GROUP, caption="看这张" * 400, **PHOTO)
    assert await send(chat, library, captioned) == []

    long_ask = telegram_message(TRAINEE, GROUP, text=f"/ask {long_text}")
    assert "消息太长了（1200 字）" in text_of(await send(chat, library, long_ask))
    private = telegram_message(TRAINEE, text=long_text)
    assert "消息太长了（1200 字）" in text_of(await send(chat, library, private))


# ----- commands for other bots ---------------------------------------------------------------


async def test_commands_for_other_bots_and_unknown_ones_in_groups_are_ignored(chat, library):
    for text in (f"/ask@other_bot {AGE_QUESTION}", "/start@other_bot", "/foo", "/foo@other_bot"):
        assert await send(chat, library, telegram_message(TRAINEE, GROUP, text=text)) == [], text

    ours = telegram_message(TRAINEE, GROUP, text=f"/ask@Guopei_Bot {AGE_QUESTION}")
    assert "—— 《" in text_of(await send(chat, library, ours))
    greeting = await send(chat, library, telegram_message(TRAINEE, text="/start@GUOPEI_BOT"))
    assert "国培助手" in text_of(greeting)
    # in the private chat an unknown command still gets its hint; another bot's gets nothing
    unknown = await send(chat, library, telegram_message(TRAINEE, text="/foo"))
    assert "没有这个命令：/foo" in text_of(unknown)
    assert await send(chat, library, telegram_message(TRAINEE, text="/help@other_bot")) == []


# ----- messages that are not text ------------------------------------------------------------


@pytest.mark.parametrize("what", sorted(NOT_TEXT))
async def test_not_text_in_private_gets_a_hint_and_nothing_in_a_group(chat, library, what):
    content = NOT_TEXT[what]
    hint = text_of(await send(chat, library, telegram_message(TRAINEE, **content)))
    assert hint.startswith(TEXT_ONLY) and "用文字提问" in hint
    assert "通知文件" not in hint and "知识库" not in hint  # a trainee cannot add notices

    assert await send(chat, library, telegram_message(TRAINEE, GROUP, **content)) == []


async def test_the_hint_tells_an_admin_how_to_add_a_notice(chat, library):
    hint = text_of(await send(chat, library, telegram_message(ADMIN, **STICKER)))
    assert hint.startswith(TEXT_ONLY) and "pdf" in hint and "知识库" in hint


# ----- a manager's forwarded photo or file -----------------------------------------------------


async def test_a_managers_forwarded_photo_or_file_without_text_is_refused_clearly(chat, library):
    photo = telegram_message(MANAGER, forwarded_from=42, **PHOTO)
    refused = text_of(await send(chat, library, photo))
    assert "没有文字内容（只有图片）" in refused and "只能群发文字" in refused

    pdf = telegram_message(MANAGER, forwarded_from=42, **document(chat, "通知.pdf", b"%PDF"))
    refused = text_of(await send(chat, library, pdf))
    assert "只有文件「通知.pdf」" in refused and "只能群发文字" in refused
    assert "请转给班主任" not in refused

    sticker = telegram_message(MANAGER, forwarded_from=42, **STICKER)
    assert "只有贴纸" in text_of(await send(chat, library, sticker))


async def test_a_forwarded_caption_is_offered_without_the_photo(chat, library):
    photo = telegram_message(MANAGER, forwarded_from=42, caption="周五下午交研修日志", **PHOTO)
    offer = await send(chat, library, photo)

    assert "周五下午交研修日志" in text_of(offer) and "请选择要发给哪个培训班" in text_of(offer)
    assert "原消息中的图片不会发出" in text_of(offer)
    button(offer, "语文一班")

    captioned_file = document(chat, "日程.docx", b"PK")
    with_file = telegram_message(
        MANAGER, forwarded_from=42, caption="日程见附件", **captioned_file
    )
    assert "原消息中的文件「日程.docx」不会发出" in text_of(await send(chat, library, with_file))


async def test_a_forwarded_text_is_still_an_offer_without_a_warning(chat, library):
    offer = await send(
        chat, library, telegram_message(MANAGER, forwarded_from=42, text="明天集合")
    )
    assert "明天集合" in text_of(offer) and "不会发出" not in text_of(offer)


async def test_a_trainees_forwarded_photo_gets_the_hint(chat, library):
    photo = telegram_message(TRAINEE, forwarded_from=42, **PHOTO)
    assert text_of(await send(chat, library, photo)).startswith(TEXT_ONLY)


async def test_an_admins_forwarded_notice_file_is_still_added(chat, library):
    notice = (
        "title: 关于开展2026年乡村教师书法研修营的通知\n"
        "doc_number: 测试〔2026〕7号\n"
        "date: 2026-03-01\n"
        "---\n"
        "一、研修营安排\n"
        "(一)书法研修营于每年暑假在云南大理举办,每期十天,参训学员须自带毛笔和宣纸。\n"
        "(二)请各地于2026年5月20日前将参训学员名单报送项目办。\n"
    ).encode()
    forwarded = telegram_message(
        ADMIN, forwarded_from=42, **document(chat, "书法研修营.txt", notice)
    )
    report = text_of(await send(chat, library, forwarded))
    assert "已加入知识库" in report and "书法研修营" in report
    assert "大理" in text_of(await chat.say(TRAINEE, "书法研修营在哪里举办"))


async def test_a_managers_own_notice_file_is_sent_on_to_the_admin_not_to_themselves(chat, library):
    sent = telegram_message(MANAGER, **document(chat, "通知.pdf", b"%PDF-1.4"))
    refusal = text_of(await send(chat, library, sent))
    assert "只有管理员" in refusal and "请转给项目管理员" in refusal and "班主任" not in refusal


async def test_a_managers_forwarded_template_is_still_added(chat, library):
    template = (
        "key: group_test\ntitle: 群测试问卷\nquestions:\n  - text: 有什么建议?\n    kind: text\n"
    ).encode()
    forwarded = telegram_message(
        MANAGER, forwarded_from=42, **document(chat, "group_test.yaml", template)
    )
    assert "已添加问卷模板「群测试问卷」" in text_of(await send(chat, library, forwarded))


# ----- files in a group ------------------------------------------------------------------------


async def test_files_in_a_group_are_left_alone(chat, library):
    broken = document(chat, "t.yaml", b"key: x\n")
    assert await send(chat, library, telegram_message(MANAGER, GROUP, **broken)) == []
    notice = document(chat, "通知.txt", "title: 通知\n---\n一、安排\n".encode())
    assert await send(chat, library, telegram_message(ADMIN, GROUP, **notice)) == []
    assert chat.messenger.sent == []
