"""QA19 F9, end to end on both engines through the fake Bot API server: a reminder set by a
manager who is then removed (/removemanager) still reaches the class, but its progress message
and report go to the admin, who now handles the class (as its 问班主任 does), and nothing of it
reaches the removed user."""

from __future__ import annotations

import re

ADMIN, MANAGER = 1, 100
TRAINEES = (201, 202)
# "1分钟后" fires ~15 s after it was set (GUOPEI_TEST_REMINDER_SHIFT_SECONDS, scheduler/service.py)
SHIFT = 45


def test_a_removed_managers_reminder_reports_to_the_admin(start_bot, fake_telegram):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN), extra_env={"GUOPEI_TEST_REMINDER_SHIFT_SECONDS": str(SHIFT)})

    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 英语班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    for trainee in TRAINEES:
        tg.say(trainee, f"/start {code}", "已加入培训班")
    draft = tg.say(MANAGER, "/remind 1分钟后 交作业", "确认后按时发给")
    confirm = next(data for label, data in draft.buttons if "确认" in label)
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=draft.message_id, data=confirm)
    tg.wait_for(method="editMessageText", chat_id=MANAGER, text_contains="提醒已设置", after=mark)
    removed = tg.say(ADMIN, f"/removemanager {MANAGER}", "已撤销")
    assert "提醒仍会按时发给学员" in removed.text
    removal = tg.mark()

    for trainee in TRAINEES:  # the reminder still reaches the class
        tg.wait_for(method="sendMessage", chat_id=trainee, text_contains="交作业", timeout=60)
    report = tg.wait_for(
        ok=True,
        chat_id=ADMIN,
        after=removal,
        timeout=30,
        predicate=lambda c: "交作业" in (c.text or "") and "送达 2" in (c.text or ""),
    )

    assert "英语班" in report.text
    assert tg.calls(method="sendMessage", chat_id=MANAGER, after=removal) == []
    assert tg.calls(method="editMessageText", chat_id=MANAGER, after=removal) == []
