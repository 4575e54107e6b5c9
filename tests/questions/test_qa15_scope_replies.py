"""QA15 in the chat: a greeting gets no button hint (L12)."""

from __future__ import annotations

from tests.questions.conftest import TRAINEE


async def test_a_greeting_gets_no_button_hint(chat):
    for greeting in ("大家好", "请问", "老师您好！"):
        (reply,) = await chat.say(TRAINEE, greeting)
        assert "按钮" not in reply.text and "可以直接问我" in reply.text, greeting
    (reply,) = await chat.say(TRAINEE, "3")
    assert "如果是想点按钮，请直接点消息下方的按钮" in reply.text
