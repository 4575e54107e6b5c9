"""What trainees read when a reminder fires: the class and its manager (two managers' classes
may share a name), and a note when it goes out late."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.reminder_models import Reminder
from scheduler.jobs import reminder_message


def test_a_reminder_names_its_class_and_manager() -> None:
    reminder = Reminder(class_id=1, chat_id=500, created_by=500, text="交研修日志 <今晚>")
    due = datetime(2026, 12, 6, 21, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    on_time = reminder_message(reminder, "语文一班", None, "王老师")
    late = reminder_message(reminder, "语文一班", due, "王老师")

    assert on_time == "⏰ <b>提醒</b> · 语文一班 · 班主任 王老师\n交研修日志 &lt;今晚&gt;"
    assert late.endswith("（原定 12月6日 21:00 发送，因机器人离线延后）")
