"""QA20 on the real bot (both engines) through the fake Bot API:

- F7: /remind measures the reminder's text alone against its 1,900-character limit, not the
  time words before it, and says so (「提醒太长了（1901 字，只算内容，不算时间）」);
- F13: an admin who cancels a manager's reminder in /reminders is told the manager is informed
  (「已通知设置人 王芳」), and the manager gets 「ℹ️ 管理员 陈静 取消了您给「书法班」设的提醒：
  🔁 每周一 08:00 交周志」; a manager cancelling their own reminder gets no such message.
"""

from __future__ import annotations

from tests.e2e.test_handoff_restart import ADMIN, MANAGER, Conversation

LIMIT = 1900


def test_only_the_reminder_text_counts_against_its_limit(start_bot, fake_telegram):
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(fake_telegram)
    talk.set_up_class()

    draft = talk.say(MANAGER, "/remind 明天9点 " + "字" * (LIMIT - 1), "新提醒")
    assert [label for label, _ in draft.buttons][:2] == ["✅ 确认", "✖ 取消"]
    draft = talk.say(MANAGER, "/remind 12月31日 23:59 " + "字" * LIMIT, "新提醒")
    assert "✅ 确认" in [label for label, _ in draft.buttons]

    refused = talk.say(MANAGER, "/remind 明天9点 " + "字" * (LIMIT + 1), "太长")
    assert refused.text.startswith("提醒太长了（1901 字，只算内容，不算时间）。"), refused.text
    assert "请控制在 1900 字以内" in refused.text
    refused = talk.say(MANAGER, "/remind 明天9点 " + "🔔" * 951, "太长")
    emoji = "提醒太长了（1902 字，表情符号每个按 2 字计，只算内容，不算时间）"
    assert refused.text.startswith(emoji), refused.text


def test_a_manager_is_told_when_an_admin_cancels_their_reminder(start_bot, fake_telegram):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    draft = talk.say(MANAGER, "/remind 每周一早上8点 交周志", "新提醒")
    talk.press(MANAGER, draft, "确认", "提醒已设置", "editMessageText")

    listing = talk.say(ADMIN, "/reminders", "所有培训班待发送的提醒")
    ask = talk.press(ADMIN, listing, "取消第 1 条", "确定取消这条提醒吗", "editMessageText")
    mark = tg.mark()
    done = talk.press(ADMIN, ask, "确定取消", "已取消提醒", "editMessageText")
    assert "已通知设置人 王芳。" in done.text, done.text
    told = tg.wait_for(method="sendMessage", chat_id=MANAGER, after=mark)
    assert told.text.startswith(
        "ℹ️ 管理员 陈静 取消了您给「书法班」设的提醒：🔁 每周一 08:00 交周志"
    ), told.text
    talk.say(MANAGER, "/reminders", "目前没有待发送的提醒")

    # Cancelling one's own reminder tells nobody.
    draft = talk.say(MANAGER, "/remind 明天9点 交研修日志", "新提醒")
    talk.press(MANAGER, draft, "确认", "提醒已设置", "editMessageText")
    listing = talk.say(MANAGER, "/reminders", "待发送的提醒")
    ask = talk.press(MANAGER, listing, "取消第 1 条", "确定取消这条提醒吗", "editMessageText")
    mark = tg.mark()
    done = talk.press(MANAGER, ask, "确定取消", "已取消提醒", "editMessageText")
    tg.wait_idle()
    assert "通知设置人" not in done.text
    sent = [c.text for c in tg.calls(method="sendMessage", after=mark)]
    assert not any("取消了您给" in text for text in sent), sent
