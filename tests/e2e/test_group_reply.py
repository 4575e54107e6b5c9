"""A reply in a class group to one of the bot's own messages, end to end on both engines
through the fake Bot API server: plain text there is no question, so the bot says how to ask
(/ask, or the private chat) instead of staying silent; other talk in the group, replies to a
person or to another bot included, is still left alone.

Nothing-was-sent is shown as in test_groups.py: the same user then writes in the private chat
(one user's updates are handled in order, replies included), and once that reply is there
nothing else came."""

from __future__ import annotations

import re
import time

TRAINEE, OTHER = 1001, 1002
GROUP = -100778
AGE_QUESTION = "参训教师年龄有什么要求"
HINT = "在群里提问请用 /ask 加问题，例如 /ask 国培计划的培训经费由谁出；也可以私聊我直接提问。"


def in_group(tg, user_id: int, text: str, reply_to: int | None = None) -> None:
    tg.send_text(
        user_id=user_id,
        text=text,
        chat_id=GROUP,
        chat_type="supergroup",
        reply_to_message_id=reply_to,
    )


def last_message_of(tg, user_id: int) -> int:
    """The id of the last message `user_id` wrote in the group."""
    mine = [
        number
        for number, msg in tg.all_messages_in_chat(GROUP).items()
        if msg.get("from", {}).get("id") == user_id
    ]
    return max(mine)


def reply_to_other_bot(tg, user_id: int, text: str) -> None:
    """`user_id` replies in the group to a message of another bot (not this one)."""
    group = {"id": GROUP, "type": "supergroup", "title": "语文一班交流群"}
    other_bot = {"id": 777, "is_bot": True, "first_name": "打卡助手", "username": "daka_bot"}
    now = int(time.time())
    tg.queue_update(
        {
            "message": {
                "message_id": 9001,
                "from": {"id": user_id, "is_bot": False, "first_name": "李老师"},
                "chat": group,
                "date": now,
                "text": text,
                "reply_to_message": {
                    "message_id": 9000,
                    "from": other_bot,
                    "chat": group,
                    "date": now,
                    "text": "今日打卡已开始",
                },
            }
        }
    )


def test_a_reply_to_the_bot_in_a_group_gets_a_hint_how_to_ask(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot()

    # A trainee asks with /ask in the group; the bot answers there.
    mark = tg.mark()
    in_group(tg, TRAINEE, f"/ask {AGE_QUESTION}")
    answer = tg.wait_for(method="sendMessage", chat_id=GROUP, text_contains="—— 《", after=mark)
    asked = last_message_of(tg, TRAINEE)

    # Another teacher replies to that answer with a follow-up in plain text: a hint, in the group.
    mark = tg.mark()
    in_group(tg, OTHER, "那交通费怎么报销?", reply_to=answer.message_id)
    hint = tg.wait_for(method="sendMessage", chat_id=GROUP, text_contains="/ask", after=mark)
    assert hint.text == HINT
    assert hint.buttons == []
    assert [c.message_id for c in tg.calls(chat_id=GROUP, after=mark)] == [hint.message_id]

    # Talk that does not reply to the bot is left alone: plain text, a reply to the trainee's
    # message, a reply to another bot.
    mark = tg.mark()
    in_group(tg, OTHER, "大家下午好")
    in_group(tg, OTHER, "我也想知道", reply_to=asked)
    reply_to_other_bot(tg, OTHER, "已打卡")
    tg.send_text(user_id=OTHER, text="/help")
    tg.wait_for(method="sendMessage", chat_id=OTHER, text_contains="使用帮助", after=mark)
    assert [c.short() for c in tg.calls(chat_id=GROUP, after=mark)] == []

    # The hint's own advice works: /ask in the group is answered there.
    mark = tg.mark()
    in_group(tg, OTHER, f"/ask {AGE_QUESTION}", reply_to=hint.message_id)
    tg.wait_for(method="sendMessage", chat_id=GROUP, text_contains="—— 《", after=mark)

    assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log
    assert re.search(rf"update user={OTHER} kind=text handler=group_reply ms=", log)
    assert re.search(rf"update user={OTHER} kind=text handler=group_message ms=", log)
