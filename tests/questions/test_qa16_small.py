"""QA16 L1 in the chat.

L1: a broadcast text typed after its wait expired gets a ⌛ line that says /broadcast was
cancelled, not 「要群发，请重新发送 /broadcast」, since the 「📢 群发这段文字」 offer follows;
where no offer follows the line still says to send /broadcast again.
"""

from __future__ import annotations

from bot.chat import Send
from tests.questions.conftest import MANAGER, button, text_of
from tests.questions.test_qa15_expired_input import (
    GATHERING,
    age_pending,
    broadcasts,
)

# ----- L1 ------------------------------------------------------------------------------------


async def test_the_expired_line_before_the_broadcast_offer_does_not_say_to_resend(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, GATHERING)

    line, offer = (r.text for r in late if isinstance(r, Send))
    assert line.startswith("⌛") and "之前的 /broadcast 已自动取消" in line
    assert "重新发送" not in line and "相应的按钮" not in line
    assert "要群发刚才这段文字吗" in offer and button(late, "群发这段文字")
    assert broadcasts(chat) == []


async def test_without_an_offer_the_expired_line_still_says_to_resend(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, "取消")  # nothing to offer

    said = text_of(late)
    assert said.startswith("⌛") and "要群发，请重新发送 /broadcast" in said
    assert "群发这段文字" not in said and broadcasts(chat) == []
