"""End to end, the real bot (both engines) against the fake Bot API server: a broadcast's report
that Telegram refused (502) when the bot was killed is shown after the restart, once; and
「🔁 重发给未送达的 N 人」 under a report sends the message again to the member it failed for,
once, however often it is pressed."""

from __future__ import annotations

from collections import Counter

from tests.e2e.test_reminders import MANAGER, seed_class

REPORT = "人：送达"


def confirm(tg, text: str, members: int) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """/broadcast TEXT; returns the confirmation's message id and its 确认发送 data."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/broadcast {text}")
    message = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    assert f"{members} 人" in message.text
    return message.message_id, next(data for label, data in message.buttons if "确认发送" in label)


def received(tg, needle: str) -> Counter:  # type: ignore[no-untyped-def]
    return Counter(
        c.chat_id
        for c in tg.calls(method="sendMessage", ok=True)
        if needle in (c.text or "") and c.chat_id != MANAGER
    )


def test_report_refused_before_a_kill_is_shown_after_the_restart(
    start_bot, fake_telegram, data_dir
):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    members = [8401, 8402]
    seed_class(data_dir, "报告一班", members)
    bot = start_bot()
    message_id, send = confirm(tg, "报告测试", len(members))
    # the edits of that message fail (502): showing the progress, the report, its first retry
    tg.fail_next("editMessageText", status=502, count=3)
    tg.press_button(user_id=MANAGER, message_id=message_id, data=send)
    tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains=REPORT, ok=False, timeout=20
    )
    bot.kill()  # while it waits to try the report again
    shown = tg.messages_in_chat(MANAGER)[message_id]["text"]
    assert REPORT not in shown

    restart = tg.mark()
    bot.start()
    report = tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains=REPORT,
        after=restart,
        timeout=30,
    )
    assert report.params["message_id"] == message_id
    assert report.text.startswith("✅ 已发给「报告一班」：报告测试")
    assert "共 2 人：送达 2" in report.text
    tg.wait_idle(quiet=1.0)
    shown_reports = [
        c
        for c in tg.calls(chat_id=MANAGER, ok=True)
        if c.method in ("editMessageText", "sendMessage") and REPORT in (c.text or "")
    ]
    assert len(shown_reports) == 1
    assert received(tg, "报告测试") == Counter(members)  # each member once
    assert tg.stats()["duplicates"] == 0


def test_resend_button_reaches_the_failed_member_once(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    members = [8501, 8502, 8503]
    seed_class(data_dir, "重发一班", members)
    start_bot()
    message_id, send = confirm(tg, "重发测试:周五交作业", len(members))
    tg.fail_next("sendMessage", status=400, count=1)  # Telegram refuses the first member's
    tg.press_button(user_id=MANAGER, message_id=message_id, data=send)
    report = tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains=REPORT, timeout=20
    )
    assert report.text.startswith("⚠️ 已发给「重发一班」，1 人发送失败：重发测试")
    assert "共 3 人：送达 2 · 失败 1" in report.text
    assert "⚠️ 发送失败：学员8501" in report.text
    (label, resend), *_ = report.buttons
    assert label == "🔁 重发给未送达的 1 人"
    assert received(tg, "重发测试") == Counter({8502: 1, 8503: 1})

    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=message_id, data=resend)
    tg.wait_for(method="sendMessage", ok=True, chat_id=8501, text_contains="重发测试", after=mark)
    again = tg.wait_for(  # its own progress message (a new one) becomes its report
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="已发给「重发一班」（重发）",
        after=mark,
    )
    assert again.params["message_id"] != message_id
    assert again.text.startswith("✅ 已发给「重发一班」（重发）：重发测试")
    assert "共 1 人：送达 1" in again.text
    edited = tg.messages_in_chat(MANAGER)[message_id]
    assert "🔁 已重发给未送达的 1 人" in edited["text"]
    assert not (edited.get("reply_markup") or {}).get("inline_keyboard")

    mark = tg.mark()  # an old copy of the button, pressed again
    tg.press_button(user_id=MANAGER, message_id=message_id, data=resend, check=False)
    tg.wait_for(method="answerCallbackQuery", text_contains="已经重发过了", after=mark, timeout=15)
    tg.wait_idle(quiet=1.0)
    assert received(tg, "重发测试") == Counter(members)  # everybody exactly once
    assert tg.stats()["duplicates"] == 0
