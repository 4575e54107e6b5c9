"""QA18 F8 (second part): a closing time typed after its wait expired that reads as a time but
cannot close a survey (too near, already past) says why and to send /survey again, instead of
「这条消息没有处理」; nothing is sent."""

from __future__ import annotations

import pytest

from bot.chat import Send
from tests.questions.conftest import MANAGER, TRAINEE, buttons_of
from tests.questions.test_qa16_small import surveys, waiting_for_closing_time


@pytest.mark.parametrize(
    ("typed", "why"),
    [("3分钟后", "「3分钟后」太近了：至少要在 5 分钟以后"), ("3天前", "「3天前」已经过去了")],
)
async def test_a_late_closing_time_that_cannot_close_a_survey_says_why(chat, typed, why) -> None:
    await waiting_for_closing_time(chat)

    late = await chat.say(MANAGER, typed)

    line, refusal = (r.text for r in late if isinstance(r, Send))
    assert line.startswith("⌛") and "之前的 /survey 已自动取消，还没有发送" in line
    assert why in refusal and refusal.endswith("要发问卷，请重新发送 /survey。")
    assert "没有处理" not in refusal and "请再发一次截止时间" not in refusal
    assert buttons_of(late) == []
    assert surveys(chat) == [] and chat.messenger.to(TRAINEE) == []
