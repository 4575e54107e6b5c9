"""A reminder that was due while the bot was offline goes out when it starts (within the grace
period), on the real bot (both engines) against the fake Bot API server: the trainees'
reminder says when it was due, and the manager reads it in the broadcast's own progress
message and report (「⏰ 原定 …,机器人当时不在线,… 补发」), with no separate message before
them. A reminder sent on time says nothing of the kind."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.db.models import utcnow
from tests.e2e.test_reminders import MANAGER, seed_class, seed_reminder

REPORT = "人：送达"
TZ = ZoneInfo("Asia/Shanghai")  # the bot's default time zone


def test_a_late_reminder_says_so_in_its_report(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    members = [5101, 5102]
    class_id = seed_class(data_dir, "迟到一班", members)
    due = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
    seed_reminder(data_dir, class_id, "停机时到点的提醒", MANAGER, due)
    seed_reminder(data_dir, class_id, "准时的提醒", MANAGER, utcnow())
    mark = tg.mark()
    before = utcnow().astimezone(TZ)
    start_bot()

    local = due.astimezone(TZ)
    note = f"（原定 {local.month}月{local.day}日 {local:%H:%M} 发送，因机器人离线延后）"
    for user_id in members:
        late = tg.wait_for(
            method="sendMessage", ok=True, chat_id=user_id, text_contains="停机时到点的提醒"
        )
        assert late.text.endswith(f"\n{note}")
    report = tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="停机时到点的提醒",
        after=mark,
        timeout=20,
        predicate=lambda c: REPORT in (c.text or ""),
    )
    after = utcnow().astimezone(TZ)
    assert report.text.startswith("✅ 提醒已发给「迟到一班」：停机时到点的提醒\n")
    line = report.text.splitlines()[1]
    said = [  # when it went out: the day too if not the day it was due (around midnight)
        f"{at.month}月{at.day}日 {at:%H:%M}" if at.date() != local.date() else f"{at:%H:%M}"
        for at in (before, after)
    ]
    expected = [
        f"⏰ 原定 {local.month}月{local.day}日 {local:%H:%M}，机器人当时不在线，{at} 补发；"
        "学员收到的提醒里注明了原定时间。"
        for at in said
    ]
    assert line in expected, line
    assert "共 2 人：送达 2" in report.text
    assert "因机器人离线延后" not in report.text  # the trainees' note is not repeated

    on_time = tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="准时的提醒",
        after=mark,
        timeout=20,
        predicate=lambda c: REPORT in (c.text or ""),
    )
    assert "原定" not in on_time.text and "不在线" not in on_time.text
    tg.wait_idle(quiet=1.0)
    # the manager got the two progress messages (edited into the reports), nothing else
    to_manager = tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)
    assert len(to_manager) == 2, [c.short() for c in to_manager]
    assert all(c.text.startswith("📤 正在向「迟到一班」发送提醒") for c in to_manager)
    progress = next(c for c in to_manager if "停机时到点的提醒" in c.text)
    assert progress.text.splitlines()[1] == line
    assert report.params["message_id"] == progress.message_id
