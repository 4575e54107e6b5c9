"""Groups and messages that are not text, end to end on both engines through the fake Bot API
server: in a class group the bot answers only its own commands. A manager's talk there is not
the answer the bot waits for in the private chat, long talk gets no size refusal, commands for
other bots and unknown ones get nothing, files and stickers are left alone; a sticker in the
private chat gets a hint that the bot reads text.

Nothing-was-sent is shown the same way each time: the same user then writes in the private
chat (one user's updates are handled in order, replies included), and once that reply is there
nothing else came."""

from __future__ import annotations

import itertools
import re
import time

ADMIN, MANAGER, TRAINEE, OTHER = 900, 501, 1001, 1002
GROUP = -100777
BOT = "guopei_test_bot"  # the fake server's getMe
OUT_OF_SCOPE = "明天北京天气怎么样"
AGE_QUESTION = "参训教师年龄有什么要求"
_sticker_ids = itertools.count(9000)


def data_of(call, label: str) -> str:
    for text, data in call.buttons:
        if label in text and data:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons}")


def sticker(tg, user_id: int, chat_id: int) -> None:
    """Queue a sticker from `user_id` in their private chat or in the group."""
    chat = (
        {"id": chat_id, "type": "private", "first_name": "张老师"}
        if chat_id > 0
        else {"id": chat_id, "type": "supergroup", "title": "语文一班交流群"}
    )
    tg.queue_update(
        {
            "message": {
                "message_id": next(_sticker_ids),
                "from": {"id": user_id, "is_bot": False, "first_name": "张老师"},
                "chat": chat,
                "date": int(time.time()),
                "sticker": {
                    "file_id": "STK1",
                    "file_unique_id": "ustk1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )


def test_the_bot_answers_only_its_commands_in_a_group(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    def say(user_id: int, text: str, expected: str, chat: int | None = None):
        mark = tg.mark()
        if chat is None:
            tg.send_text(user_id=user_id, text=text)
        else:
            tg.send_text(user_id=user_id, text=text, chat_id=chat, chat_type="supergroup")
        return tg.wait_for(
            method="sendMessage", chat_id=chat or user_id, text_contains=expected, after=mark
        )

    def group(user_id: int, text: str) -> None:
        tg.send_text(user_id=user_id, text=text, chat_id=GROUP, chat_type="supergroup")

    def nothing_in_group_since(mark: int) -> None:
        assert [c.short() for c in tg.calls(chat_id=GROUP, after=mark)] == []

    say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = say(MANAGER, "/newclass 语文一班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    say(TRAINEE, f"/start {code}", "已加入培训班")

    # A handed-off question: the manager presses 回答, then talks in the class group first.
    declined = say(TRAINEE, OUT_OF_SCOPE, "没有找到")
    mark = tg.mark()
    tg.press_button(
        user_id=TRAINEE, message_id=declined.message_id, data=data_of(declined, "问班主任")
    )
    handed = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains=OUT_OF_SCOPE, after=mark
    )
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=handed.message_id, data=data_of(handed, "回答"))
    tg.wait_for(method="sendMessage", chat_id=MANAGER, text_contains="请直接发送您的回答")
    mark = tg.mark()
    group(MANAGER, "大家好,下午开会")
    group(MANAGER, "大家好" * 400)  # long talk: no size refusal
    group(MANAGER, f"/ask@other_bot {AGE_QUESTION}")  # another bot's commands
    group(MANAGER, "/start@other_bot")
    group(MANAGER, "/foo")  # unknown here: perhaps another bot's
    tg.send_document(user_id=MANAGER, filename="t.yaml", content=b"key: x\n", chat_id=GROUP)
    sticker(tg, MANAGER, GROUP)
    # the answer typed in the private chat is the one the trainee gets
    tg.send_text(user_id=MANAGER, text="下雨时课程照常进行,请带好雨具。")
    tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="已把回答发给学员", after=mark
    )
    to_trainee = [c.text for c in tg.calls(method="sendMessage", chat_id=TRAINEE, after=mark)]
    assert len(to_trainee) == 1 and "请带好雨具" in to_trainee[0], to_trainee
    nothing_in_group_since(mark)

    # The bot's own commands work in the group, addressed to it or not (any letter case).
    mark = tg.mark()
    answered = say(TRAINEE, f"/ask@{BOT.upper()} {AGE_QUESTION}", "—— 《", chat=GROUP)
    assert "<b>参训教师年龄</b>" in answered.text
    too_long = say(TRAINEE, f"/ask {'年龄' * 600}", "消息太长了", chat=GROUP)
    assert [c.message_id for c in tg.calls(chat_id=GROUP, after=mark)] == [
        answered.message_id,
        too_long.message_id,
    ]

    # A sticker in the private chat gets a hint; in the group, nothing.
    mark = tg.mark()
    sticker(tg, TRAINEE, GROUP)
    sticker(tg, TRAINEE, TRAINEE)
    hint = tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="文字", after=mark)
    assert hint.text.startswith("我只能看懂文字消息")
    nothing_in_group_since(mark)
    assert len(tg.calls(method="sendMessage", chat_id=TRAINEE, after=mark)) == 1

    # Lists that name trainees stay in the private chat; joining points there too, as a
    # trainee who never opened it could not get the class's reminders.
    for user, command in (
        (MANAGER, "/myclass"),
        (MANAGER, "/reminders"),
        (MANAGER, "/unanswered"),
        (ADMIN, "/kbstats"),
    ):
        refused = say(user, command, "请在与我的私聊中进行", chat=GROUP)
        assert refused.text.endswith(f"请点下面的按钮打开私聊，再发送一次 {command}。")
        assert refused.buttons == [("👉 私聊", f"https://t.me/{BOT}")]
    pointed = say(OTHER, f"/join@{BOT} {code}", "在与我的私聊里加入「语文一班」", chat=GROUP)
    assert pointed.buttons == [("👉 私聊加入", f"https://t.me/{BOT}?start={code}")]
    not_joined = say(OTHER, "/myclass", "您还没有加入培训班")
    assert not_joined.chat_id == OTHER

    assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log
    assert re.search(rf"update user={MANAGER} kind=text handler=group_message ms=", log)
    assert re.search(rf"update user={MANAGER} kind=command handler=other_bot ms=", log)
