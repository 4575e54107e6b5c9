"""What the manager-answer flow remembers survives a restart of the bot, on both engines with
SQLite and PostgreSQL, through the fake Bot API server:

- an answer that did not reach the trainee (who had none): after the restart, the admin's
  answer, begun before it, is not held against it and reaches the trainee headed
  「陈静老师回复了您的问题」, not 「补充回复」;
- a saved answer (「📌 用标准答案回复」) declined with 「🚫 不发了」 over the manager's answer:
  after the restart, the 「📨 仍要作为补充发给学员」 of a second prompt for it sends nothing.
"""

from __future__ import annotations

import re

ADMIN, MANAGER, TRAINEE = 900, 501, 1001
WEATHER = "明天北京天气怎么样"  # declined: the notices do not cover it
LOST = "下雨时课程照常进行，请带好雨具。"
RESENT = "请以当地天气预报为准。"
SAVED_QUESTION = "今天北京天气怎么样"
SAVED_ANSWER = "请看中国天气网的北京预报，出门带伞。"
NEAR = "北京今天天气如何"  # close to the saved question: 📌 is offered, not matched itself


def data_of(call, label: str) -> str:
    for text, data in call.buttons:
        if label in text and data:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons}")


class Conversation:
    """The fake Telegram with the users' names, and helpers that wait for the bot's reply."""

    def __init__(self, tg) -> None:
        self.tg = tg

    def say(self, user_id: int, text: str, expected: str, chat: int | None = None):
        mark = self.tg.mark()
        self.tg.send_text(user_id=user_id, text=text, first_name=NAMES[user_id])
        return self.tg.wait_for(
            method="sendMessage", chat_id=chat or user_id, text_contains=expected, after=mark
        )

    def press(self, user_id: int, call, label: str, expected: str, method: str = "sendMessage"):
        mark = self.tg.mark()
        data = data_of(call, label)
        self.tg.press_button(user_id=user_id, message_id=call.message_id, data=data)
        return self.tg.wait_for(method=method, text_contains=expected, after=mark)

    def set_up_class(self) -> None:
        """王芳 manages 书法班, which 小张 joined; 陈静 is the admin."""
        self.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
        created = self.say(MANAGER, "/newclass 书法班", "已创建培训班")
        code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
        self.say(TRAINEE, f"/start {code}", "已加入培训班")


NAMES = {ADMIN: "陈静", MANAGER: "王芳", TRAINEE: "小张"}


def test_an_answer_the_trainee_never_got_is_replaced_after_a_restart(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    talk.say(TRAINEE, WEATHER, "没有找到")
    # Both press 「回答」 before either sends.
    for who in (ADMIN, MANAGER):
        listing = talk.say(who, "/unanswered", WEATHER)
        talk.press(who, listing, "回答第 1 条", "请直接发送您的回答")
    tg.blocked_users.add(TRAINEE)  # for a while
    failed = talk.say(MANAGER, LOST, "没能发给学员")
    assert failed.text.startswith("⚠️ 回答已保存，但没能发给学员")
    tg.blocked_users.discard(TRAINEE)

    assert bot.stop() == 0
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    mark = tg.mark()
    sent = talk.say(ADMIN, RESENT, "发给学员")

    assert sent.text.startswith("✅ 已把回答发给学员。"), sent.text
    letter = tg.wait_for(method="sendMessage", chat_id=TRAINEE, ok=True, after=mark)
    assert letter.text == f"💬 <b>陈静老师回复了您的问题</b>\n问：{WEATHER}\n\n答：{RESENT}"
    delivered = [c.text for c in tg.calls(method="sendMessage", chat_id=TRAINEE, ok=True)]
    assert not any(LOST in text for text in delivered)
    assert not any("补充" in text for text in delivered)
    # The lost answer is replaced, not kept above the new one: ⭐ saves the admin's alone.
    saved = talk.press(ADMIN, sent, "保存为标准答案", "已保存为标准答案", "editMessageText")
    assert f"答：{RESENT}" in saved.text and LOST not in saved.text


def test_a_declined_saved_answer_stays_declined_after_a_restart(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    # 王芳 answers a question and saves the answer as a curated one.
    talk.say(TRAINEE, SAVED_QUESTION, "没有找到")
    listing = talk.say(MANAGER, "/unanswered", SAVED_QUESTION)
    talk.press(MANAGER, listing, "回答第 1 条", "请直接发送您的回答")
    offer = talk.say(MANAGER, SAVED_ANSWER, "已把回答发给学员")
    talk.press(MANAGER, offer, "保存为标准答案", "已保存为标准答案", "editMessageText")
    # A close question: 陈静's list offers 📌, then 王芳 answers it herself.
    talk.say(TRAINEE, NEAR, "没有找到")
    listing = talk.say(ADMIN, "/unanswered", NEAR)
    assert "相近的标准答案：「今天北京天气怎么样」（王芳老师）" in listing.text
    answer = talk.say(MANAGER, "/unanswered", NEAR)
    talk.press(MANAGER, answer, "回答第 1 条", "请直接发送您的回答")
    talk.say(MANAGER, "明天有雨，请带伞。", "已把回答发给学员")
    # 陈静 presses 📌 twice (two prompts, as on two devices) and declines in the first.
    first = talk.press(ADMIN, listing, "用标准答案回复", "仍要作为补充发给学员吗")
    second = talk.press(ADMIN, listing, "用标准答案回复", "仍要作为补充发给学员吗")
    assert first.message_id != second.message_id
    talk.press(ADMIN, first, "不发了", "好的，没有发给学员", "editMessageText")

    assert bot.stop() == 0
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    mark = tg.mark()
    refused = talk.press(ADMIN, second, "仍要作为补充", "", "answerCallbackQuery")

    assert "这条标准答案您已经选了「不发了」，没有发送。" in refused.text, refused.text
    tg.wait_idle(timeout=10)
    assert tg.calls(method="sendMessage", chat_id=TRAINEE, after=mark) == []
    # Pressing 📌 again is a new choice: its 📨 sends the saved answer as a supplement.
    again = talk.press(ADMIN, listing, "用标准答案回复", "仍要作为补充发给学员吗")
    done = "已把王芳老师保存的标准答案发给学员"
    talk.press(ADMIN, again, "仍要作为补充", done, "editMessageText")
    letter = tg.wait_for(method="sendMessage", chat_id=TRAINEE, ok=True, after=mark)
    assert letter.text == f"💬 <b>陈静老师补充回复：</b>\n问：{NEAR}\n\n答：{SAVED_ANSWER}"
