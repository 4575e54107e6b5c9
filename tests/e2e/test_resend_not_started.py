"""「🔁 重发给未送达的 N 人」 on the real bot (both engines), against the fake Bot API server
emulating members who never opened the private chat (403 「bot can't initiate conversation
with a user」): N counts them with the failed member, the report asks to have them tap 「开始」
first; after one of them opens the bot, the resend reaches them and the failed member, reports
the other as not started again (not as failed), does not try the member who blocked the bot,
and a second press sends nothing: everybody gets the message at most once."""

from __future__ import annotations

from collections import Counter

from tests.e2e.test_reminders import MANAGER, seed_class
from tests.scheduler.test_broadcast_reports_e2e import REPORT, confirm, received

BOT = "guopei_test_bot"
FAILS, READER, OPENS_LATER, NEVER_OPENS, BLOCKER = 8601, 8602, 8603, 8604, 8605


def test_resend_includes_members_who_never_opened_the_bot(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    members = [FAILS, READER, OPENS_LATER, NEVER_OPENS, BLOCKER]
    seed_class(data_dir, "私聊一班", members)
    tg.never_started_users.update({OPENS_LATER, NEVER_OPENS})
    tg.blocked_users.add(BLOCKER)
    start_bot()
    message_id, send = confirm(tg, "重发测试:周五交作业", len(members))
    tg.fail_next("sendMessage", status=400, count=1)  # Telegram refuses the first member's
    tg.press_button(user_id=MANAGER, message_id=message_id, data=send)
    report = tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains=REPORT, timeout=20
    )
    assert report.text.startswith("⚠️ 已发给「私聊一班」，1 人发送失败：重发测试")
    assert "共 5 人：送达 1 · 还没有私聊过机器人 2 · 屏蔽了机器人 1 · 失败 1" in report.text
    assert (
        f"请让这 2 人打开 t.me/{BOT} 并点「开始」，再按下面的「🔁 重发」，这条消息就会补发给他们"
        in report.text
    )
    ((label, resend),) = report.buttons
    assert label == "🔁 重发给未送达的 3 人"

    mark = tg.mark()  # one of them opens the private chat
    tg.send_text(user_id=OPENS_LATER, text="/start", first_name=f"学员{OPENS_LATER}")
    tg.wait_for(method="sendMessage", ok=True, chat_id=OPENS_LATER, after=mark)

    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=message_id, data=resend)
    tg.wait_for(
        method="answerCallbackQuery",
        text_contains="开始重发给 3 人；其中 2 人还没有私聊过机器人",
        after=mark,
    )
    again = tg.wait_for(  # its own progress message (a new one) becomes its report
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="已发给「私聊一班」（重发）",
        after=mark,
        timeout=20,
    )
    assert again.text.startswith("✅ 已发给「私聊一班」（重发）：重发测试")
    assert "共 3 人：送达 2 · 还没有私聊过机器人 1" in again.text
    assert f"💬 还没有私聊过机器人：学员{NEVER_OPENS}" in again.text
    assert "发送失败" not in again.text
    assert [label for label, _ in again.buttons] == ["🔁 重发给未送达的 1 人"]
    edited = tg.messages_in_chat(MANAGER)[message_id]
    assert "🔁 已重发给未送达的 3 人" in edited["text"]
    assert not (edited.get("reply_markup") or {}).get("inline_keyboard")

    tried = [
        (c.chat_id, c.status)
        for c in tg.calls(method="sendMessage", after=mark)
        if "重发测试" in (c.text or "") and c.chat_id != MANAGER
    ]
    assert sorted(tried) == [(FAILS, 200), (OPENS_LATER, 200), (NEVER_OPENS, 403)]

    mark = tg.mark()  # the old button, pressed again
    tg.press_button(user_id=MANAGER, message_id=message_id, data=resend, check=False)
    tg.wait_for(method="answerCallbackQuery", text_contains="已经重发过了", after=mark, timeout=15)
    tg.wait_idle(quiet=1.0)
    assert received(tg, "重发测试") == Counter({FAILS: 1, READER: 1, OPENS_LATER: 1})
    assert tg.stats()["duplicates"] == 0
