"""End to end, both engines: on a phone a manager sends `/broadcast`, then the text in the next
message. The bot asks for the text, takes the next message as it (not as a question), and it
goes through confirmation to every member; 「取消」 ends the wait and sends nothing."""

from __future__ import annotations

from tests.e2e.test_broadcast_text import confirm
from tests.e2e.test_reminders import MANAGER, seed_class

MEMBERS = [5001, 5002]
NOTICE = "明天8点集合，请带好笔记本。" + "各位学员请准时到达报告厅。" * 90  # 1,184 characters


def test_broadcast_alone_asks_for_the_text(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    seed_class(data_dir, "提示一班", MEMBERS)
    start_bot()

    # 「取消」 ends the wait: nothing is sent, and nothing is answered as a question
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast")
    asked = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    assert "请发送要群发的内容（最多 3500 字），或发送「取消」" in asked.text
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="取消")
    cancelled = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    assert "已取消，没有群发" in cancelled.text

    # the text in the next message: longer than other messages may be, as a notice can be
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast")
    tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, text_contains="最多", after=mark)
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=NOTICE)
    confirm(tg, mark)
    for member in MEMBERS:
        sent = tg.wait_for(method="sendMessage", ok=True, chat_id=member, after=mark)
        assert sent.text.startswith("📢 <b>班级通知</b> · 提示一班")
        assert NOTICE in sent.text
    tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains="人：送达", after=mark
    )
    to_manager = [c.text or "" for c in tg.calls(method="sendMessage", chat_id=MANAGER)]
    assert not any("提问" in text or "没有找到" in text for text in to_manager)
