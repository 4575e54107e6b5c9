"""An input the bot waits for, replaced by another, is never dropped without a word (QA20 F8),
on both engines, through the fake Bot API server:

- `/broadcast` alone waits for the text; 「✍️ 回答」 pressed on a trainee's question meanwhile
  says 「之前的 /broadcast 已取消，还没有发送」 before asking for the answer;
- a reply to a trainee ended by a command says how to answer again; the 「⚠️」 message and its
  「📨」 button are named only when the manager has one (an answer held back because someone
  else answered first), not when nobody else answered.
"""

from __future__ import annotations

from tests.e2e.test_handoff_restart import ADMIN, MANAGER, Conversation
from tests.e2e.test_qa20_long_answer import hand_on

CANCELLED = "之前的 /broadcast 已取消，还没有发送。"


def test_answer_pressed_while_a_broadcast_text_is_awaited_says_the_broadcast_is_cancelled(
    start_bot, fake_telegram
):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    handoff = hand_on(talk, tg)
    talk.say(MANAGER, "/broadcast", "请发送要群发的内容")

    mark = tg.mark()
    talk.press(MANAGER, handoff, "回答", "请直接发送您的回答")
    said = [c.text for c in tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)]
    assert said[0].startswith(f"⚠️ {CANCELLED}"), said
    assert said[1].startswith("✍️ 请直接发送您的回答"), said
    talk.say(MANAGER, "在三楼会议室。", "已把回答发给学员")

    # A second 回答 (no broadcast awaited any more) says nothing of it.
    mark = tg.mark()
    talk.say(MANAGER, "/broadcast", "请发送要群发的内容")
    talk.say(MANAGER, "明天放假一天", "明天放假一天")  # the broadcast's text, no question
    said = tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)
    assert not [c for c in said if "没有找到" in c.text]


def test_an_abandoned_answer_names_the_warning_message_only_when_there_is_one(
    start_bot, fake_telegram
):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    handoff = hand_on(talk, tg)

    # Nobody else answered: no 「⚠️」 message, no 「📨」 button to speak of.
    talk.press(MANAGER, handoff, "回答", "请直接发送您的回答")
    ended = talk.say(MANAGER, "/help", "已取消给学员的回复")
    assert (
        ended.text == "已取消给学员的回复，没有发送。要回复，请在 /unanswered 里重新点「回答」。"
    ), ended.text

    # The admin answers while the manager writes: the manager's answer is held back (⚠️ …📨).
    talk.press(MANAGER, handoff, "回答", "请直接发送您的回答")
    listing = talk.say(ADMIN, "/unanswered", "结业证书")
    talk.press(ADMIN, listing, "回答第 1 条", "请直接发送您的回答")
    talk.say(ADMIN, "下个月统一发放。", "已把回答发给学员")
    talk.say(MANAGER, "结业后一周内发。", "还没有发给学员")
    held = talk.say(MANAGER, "/help", "已取消给学员的回复")
    assert "「⚠️」" in held.text and "「📨」" in held.text, held.text
    assert "/unanswered" not in held.text
