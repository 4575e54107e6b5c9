"""A manager's long answer to a trainee reaches the trainee whole (QA20 F6), on both engines,
through the fake Bot API server:

- an answer past the 1,000 characters a question may have (1,500) is no longer refused with
  「分几次发送」 (only its first part would have reached the trainee): it is sent whole;
- one that does not fit in one message with a long question (3,470) reaches the trainee in two
  messages, the second headed as the rest of the answer;
- past 3,500 characters the answer is refused without 「分几次发送」, and the bot goes on
  waiting for it: the next text is the answer;
- after an answer was sent, 「✍️ 再补充一段」 under 「✅ 已把回答发给学员」 takes one more part,
  sent to the trainee as 「王芳老师补充回复」, never answered as the manager's own question.
"""

from __future__ import annotations

from tests.e2e.test_handoff_restart import ADMIN, MANAGER, NAMES, TRAINEE, Conversation

QUESTION = "结业证书啥时候发"


def paragraphs(mark: str, count: int, size: int = 99) -> str:
    """`count` lines of `size` characters each (a long answer), each starting with `mark`."""
    return "\n".join(f"{mark}{n:02d}" + "答" * (size - len(mark) - 2) for n in range(count))


def hand_on(talk: Conversation, tg, question: str = QUESTION) -> object:
    """The trainee asks something the notices do not answer and hands it on: the 问班主任
    message the manager receives."""
    mark = tg.mark()
    tg.send_text(user_id=TRAINEE, text=question, first_name=NAMES[TRAINEE])
    declined = tg.wait_for(
        method="sendMessage",
        chat_id=TRAINEE,
        after=mark,
        predicate=lambda call: any("问班主任" in text for text, _ in call.buttons),
    )
    mark = tg.mark()
    data = next(d for text, d in declined.buttons if "问班主任" in text)
    tg.press_button(user_id=TRAINEE, message_id=declined.message_id, data=data)
    return tg.wait_for(method="sendMessage", chat_id=MANAGER, text_contains=QUESTION, after=mark)


def test_a_long_answer_reaches_the_trainee_whole(start_bot, fake_telegram):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    question = QUESTION + "？" + "我们班有的老师说结业后马上发，有的说要等学分认定之后，" * 30
    assert 700 < len(question) < 1000
    handoff = hand_on(talk, tg, question)
    talk.press(MANAGER, handoff, "回答", "请直接发送您的回答")

    # Past 3,500: refused, without advice to send it in parts; the answer is still awaited.
    asked = tg.mark()
    refused = talk.say(MANAGER, "太" * 3600, "回答太长了")
    assert "3600 字" in refused.text and "最多 3500 字" in refused.text, refused.text
    assert "分几次发送" not in refused.text
    assert "再补充一段" in refused.text
    assert tg.calls(method="sendMessage", chat_id=TRAINEE, after=asked) == []

    # 3,470 characters in 36 lines: with the question, two messages to the trainee.
    answer = paragraphs("第一部分", 35, size=98) + "\n全文完。"
    assert 3400 < len(answer) <= 3500
    sent = talk.say(MANAGER, answer, "已把回答发给学员")
    first = tg.wait_for(
        method="sendMessage", chat_id=TRAINEE, text_contains="王芳老师回复了您的问题", after=asked
    )
    rest = tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="全文完", after=asked)
    assert first.message_id != rest.message_id
    assert f"问：{question}\n" in first.text and "（未完，接下一条）" in first.text
    assert rest.text.startswith("💬 <b>王芳老师回复（续）</b>\n")
    head = first.text.split("答：", 1)[1].removesuffix("\n（未完，接下一条）")
    tail = rest.text.split("\n", 1)[1]
    assert head + "\n" + tail == answer
    assert tg.calls(method="sendMessage", chat_id=TRAINEE, after=asked) == [first, rest]
    assert "分几次发送" not in sent.text

    # 「✍️ 再补充一段」: the next part goes to the trainee as a supplement.
    talk.press(MANAGER, sent, "再补充一段", "再发一次会作为补充回答发给学员")
    more = tg.mark()
    part = paragraphs("第二部分", 15)  # 1,500 characters: more than a question may have
    talk.say(MANAGER, part, "已把回答发给学员")
    supplement = tg.wait_for(
        method="sendMessage", chat_id=TRAINEE, text_contains="王芳老师补充回复", after=more
    )
    assert supplement.text.endswith(f"答：{part}")
    assert not [
        c
        for c in tg.calls(method="sendMessage", chat_id=MANAGER, after=more)
        if "按提问处理" in c.text or "没有找到能回答" in c.text
    ]


def test_an_answer_of_1500_characters_is_sent_in_one_message(start_bot, fake_telegram):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    handoff = hand_on(talk, tg)
    talk.press(MANAGER, handoff, "回答", "请直接发送您的回答")
    asked = tg.mark()
    answer = "证书" + "答" * 1498

    done = talk.say(MANAGER, answer, "已把回答发给学员")

    letter = tg.wait_for(
        method="sendMessage", chat_id=TRAINEE, text_contains="王芳老师回复了您的问题", after=asked
    )
    assert letter.text.endswith(f"答：{answer}")
    assert len(tg.calls(method="sendMessage", chat_id=TRAINEE, after=asked)) == 1
    assert "消息太长了" not in done.text
    assert ("✍️ 再补充一段", f"kbm:1:ans:{letter_question_id(done)}") in done.buttons
    assert NAMES[MANAGER] == "王芳"


def letter_question_id(done) -> str:
    """The question id in the ⭐ button of 「✅ 已把回答发给学员」."""
    return next(d for text, d in done.buttons if "保存为标准答案" in text).rsplit(":", 1)[1]
