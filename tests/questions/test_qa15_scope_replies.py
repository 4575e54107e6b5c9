"""QA15 in the chat: a clause of one class's notice is never a sure answer to a question that
does not name the class (M2), and a greeting gets no button hint (L12)."""

from __future__ import annotations

from tests.questions.conftest import TRAINEE

CLASS_NOTICE = "中小学少数民族双语教师普通话培训班"
AGE_QUESTION = "参训教师年龄有什么要求"
UNSURE = "没有十足把握"


async def test_a_class_s_clause_is_said_to_be_unsure(chat):
    # The clause binds the 2011 双语 class alone, and the question names no class (QA15 M2).
    (reply,) = await chat.say(TRAINEE, AGE_QUESTION)
    assert reply.text.startswith("🔎") and UNSURE in reply.text
    assert "只适用于这个培训班" in reply.text
    for question in ("国培的培训费要自己出吗", "国培是免费的吗"):
        (reply,) = await chat.say(TRAINEE, question)
        first = reply.text.split("\n\n2. ")[0]
        assert UNSURE in reply.text or CLASS_NOTICE not in first, question
    # Naming the class: a sure answer, no line.
    (named,) = await chat.say(TRAINEE, "双语教师普通话培训班参训教师年龄有什么要求")
    assert named.text.startswith("📖") and "⚠️" not in named.text


async def test_a_greeting_gets_no_button_hint(chat):
    for greeting in ("大家好", "请问", "老师您好！"):
        (reply,) = await chat.say(TRAINEE, greeting)
        assert "按钮" not in reply.text and "可以直接问我" in reply.text, greeting
    (reply,) = await chat.say(TRAINEE, "3")
    assert "如果是想点按钮，请直接点消息下方的按钮" in reply.text
