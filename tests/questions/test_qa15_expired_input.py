"""QA15 L4: /broadcast while its text is awaited simply starts over, without telling the
manager to send /broadcast."""

from __future__ import annotations

from tests.questions.conftest import MANAGER, buttons_of, text_of

GATHERING = "明天上午9点在302教室集合，请带好身份证"
ASKED = "请发送要群发的内容"


async def test_broadcast_again_while_its_text_is_awaited_simply_starts_over(chat) -> None:
    await chat.say(MANAGER, "/broadcast")

    again = text_of(await chat.say(MANAGER, "/broadcast"))
    assert again.startswith("📢") and ASKED in again
    assert "已取消" not in again and "重新发送 /broadcast" not in again

    direct = await chat.say(MANAGER, f"/broadcast {GATHERING}")
    assert "确认群发" in text_of(direct) and "已取消" not in text_of(direct)
    assert any("确认发送" in b.text for b in buttons_of(direct))
    # another command still says what it ended
    await chat.say(MANAGER, "/broadcast")
    assert "已取消群发" in text_of(await chat.say(MANAGER, "/myclass"))
