"""A trainee who edits a message (to fix a typo in a question) is told, in the private chat,
to send it again: the bot answers messages, not their edits (QA 5c L2). In a group an edit is
left alone like other talk. Both engines, long polling and webhook, through the fake server."""

from __future__ import annotations

import pytest

from bot.engines.base import ALLOWED_UPDATES
from tests.e2e.test_webhook import webhook_env

TRAINEE, OTHER = 1001, 1002
GROUP = -100888
HINT = "修改后的消息我看不到，请把问题重新发一遍。"
TYPO, FIXED = "参训教师年龄有什么要球", "参训教师年龄有什么要求"


@pytest.mark.parametrize("serving", ["polling", "webhook"])
def test_an_edited_question_gets_a_hint_in_private_and_nothing_in_a_group(
    start_bot, fake_telegram, engine: str, serving: str
) -> None:
    tg = fake_telegram
    bot = start_bot(extra_env=webhook_env() if serving == "webhook" else {})
    subscribed = tg.calls(method="setWebhook" if serving == "webhook" else "getUpdates")
    assert subscribed[0].params["allowed_updates"] == ALLOWED_UPDATES
    assert "edited_message" in ALLOWED_UPDATES

    tg.send_text(user_id=TRAINEE, text=TYPO)
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, ok=True)
    mark = tg.mark()
    tg.edit_text(user_id=TRAINEE, text=FIXED)
    hint = tg.wait_for(method="sendMessage", chat_id=TRAINEE, ok=True, after=mark)
    assert hint.text == HINT

    # In the group: an edited /ask and edited talk get nothing. The same user's next private
    # message is answered after them (one user's updates in order), so nothing else came.
    tg.send_text(user_id=OTHER, text=f"/ask {TYPO}", chat_id=GROUP, chat_type="supergroup")
    tg.wait_for(method="sendMessage", chat_id=GROUP, ok=True)
    tg.send_text(user_id=OTHER, text="大家好", chat_id=GROUP, chat_type="supergroup")
    mark = tg.mark()
    tg.edit_text(user_id=OTHER, text=f"/ask {FIXED}", chat_id=GROUP, message_id=1)
    tg.edit_text(user_id=OTHER, text="大家下午好", chat_id=GROUP)
    tg.send_text(user_id=OTHER, text="/help")
    tg.wait_for(method="sendMessage", chat_id=OTHER, ok=True, after=mark)
    assert [c.short() for c in tg.calls(chat_id=GROUP, after=mark)] == []
    assert HINT not in [c.text for c in tg.calls(method="sendMessage", chat_id=OTHER)]

    bot.stop()
    assert "kind=edited handler=edited_message" in bot.log()
    if engine == "aiogram":
        assert "aiogram models built ahead" in bot.log()
