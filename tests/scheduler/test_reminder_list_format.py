"""/reminders says each thing once (QA 6b L2): a one-off reminder is
「1. 12月7日(周一) 15:00 · 交结业论文」 with no 「下次」, a 🔁 one shows its rule and 「下次」;
the notes the confirmation gave on how the time was read (「(未写具体时间,默认 15:00)」)
stay at the confirmation; the class is a heading when the list spans several classes, and
absent when it is one. After 确认, a one-off reminder names its time once. The ids in the
buttons are read with `button_id` (QA 6a #5). Through the conversation core on SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.reminder_models import Reminder
from scheduler.timeparse import format_when
from tests.questions.conftest import MANAGER, Chat, button, buttons_of, text_of

TZ = ZoneInfo("Asia/Shanghai")


async def set_reminder(chat: Chat, typed: str, class_name: str | None = None) -> tuple[str, int]:
    """/remind `typed` (in `class_name` when the manager runs several) and 确认: the
    confirmation's text and the reminder's id."""
    draft = await chat.say(MANAGER, f"/remind {typed}")
    if class_name is not None:
        draft = await chat.press(MANAGER, button(draft, class_name))
    data = button(draft, "✅ 确认")
    return text_of(await chat.press(MANAGER, data)), int(data.split(":")[3])


def next_run(chat: Chat, reminder_id: int) -> datetime:
    with chat.services.session() as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None and reminder.next_run_at is not None
        return reminder.next_run_at


async def test_one_class_one_off_and_weekly(chat: Chat) -> None:
    confirmed, one_off = await set_reminder(chat, "后天下午 交结业论文")
    # the confirmation explains the time it chose, once, and does not repeat it as 「下次发送」
    assert "未写具体时间，默认 15:00" in confirmed and "下次发送" not in confirmed, confirmed
    confirmed, weekly = await set_reminder(chat, "每周五20:00 提交本周研修日志")
    assert "下次发送：" in confirmed

    listing = await chat.say(MANAGER, "/reminders")

    text = text_of(listing)
    now = datetime.now(TZ)
    when = format_when(next_run(chat, one_off), now)
    assert when.endswith(" 15:00") and "（周" in when
    line = next(x for x in text.split("\n") if "交结业论文" in x)
    assert re.fullmatch(rf"[12]\. {re.escape(when)} · 交结业论文", line), line
    weekly_at = format_when(next_run(chat, weekly), now)
    assert f". 🔁 每周五 20:00 · 提交本周研修日志\n   下次：{weekly_at}" in text, text
    assert text.count("下次") == 1  # only the 🔁 one
    assert "未写具体时间" not in text and "默认" not in text
    assert "【" not in text and "语文一班" not in text  # one class: no heading
    assert "2026-" not in text
    # The cancel confirmation writes the time the same way.
    number = 1 if text.index("交结业论文") < text.index("提交本周") else 2
    ask = text_of(await chat.press(MANAGER, button(listing, f"取消第 {number} 条")))
    assert f"【语文一班】{when}\n内容：交结业论文" in ask, ask


async def test_several_classes_are_headings(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.create_class(session, name="数学二班", manager_id=MANAGER)
    await set_reminder(chat, "明天上午10点 交教案", "语文一班")
    await set_reminder(chat, "明天上午9点 交作业", "数学二班")
    await set_reminder(chat, "明天上午11点 交日志", "语文一班")

    listing = await chat.say(MANAGER, "/reminders")

    text = text_of(listing)
    assert text.count("【语文一班】") == 1 and text.count("【数学二班】") == 1, text
    # the soonest reminder's class first; the numbers stay soonest first
    assert (
        "【数学二班】\n1. 明天 " in text
        and "09:00 · 交作业\n\n【语文一班】\n2. 明天 " in text
        and "10:00 · 交教案\n3. 明天 " in text
        and text.endswith("11:00 · 交日志")
    ), text
    assert [b.text for b in buttons_of(listing)] == ["取消第 1 条", "取消第 2 条", "取消第 3 条"]
    with chat.services.session() as session:
        assert rcrud.count_reminders_of_manager(session, manager_id=MANAGER) == 3


async def test_forged_reminder_ids_get_the_stale_reply(chat: Chat) -> None:
    confirmed, reminder_id = await set_reminder(chat, "明天上午10点 交教案")
    for forged in (
        "rm:1:ok:2147483648",
        "rm:1:cx:2147483648:0",
        "rm:1:cy:0:0",
        f"rm:1:cls:{reminder_id}:2147483648",
        "rm:1:td:99999999999",
        "rm:1:ls:²",
    ):
        assert "已失效" in text_of(await chat.press(MANAGER, forged)), forged
    with chat.services.session() as session:
        assert rcrud.count_reminders_of_manager(session, manager_id=MANAGER) == 1
    assert "提醒已设置" in confirmed
