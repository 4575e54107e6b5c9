"""End to end: /remind on the real bot (both engines) fires on time, survives a restart,
can be listed and cancelled, refuses bad times; the reminder reaches every member once.

One-off reminders are written as "1分钟后" and fire early through the test-only
GUOPEI_TEST_REMINDER_SHIFT_SECONDS hook (scheduler/service.py), so nobody waits a minute.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Membership, Role, User, utcnow
from bot.db.session import make_engine, upgrade

MANAGER = 900
SHIFT = 56  # "1分钟后" fires ~4 s after it was scheduled


def seed_class(
    data_dir: Path,
    name: str,
    member_ids: list[int],
    manager_id: int = MANAGER,
    database_url: str | None = None,
) -> int:
    """Create the schema, the manager and a class with members, straight in the bot's DB."""
    engine = make_engine(database_url or f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        crud.set_role(session, user_id=manager_id, role=Role.manager)
        training_class = crud.create_class(session, name=name, manager_id=manager_id)
        existing = set(session.exec(select(User.id).where(User.id.in_(member_ids))))
        session.add_all(
            User(id=user_id, first_name=f"学员{user_id}")
            for user_id in member_ids
            if user_id not in existing
        )
        session.add_all(Membership(class_id=training_class.id, user_id=u) for u in member_ids)
        session.commit()
        class_id = training_class.id
    engine.dispose()
    return class_id


def last_buttons(tg, chat_id: int, text_contains: str, after: int):  # type: ignore[no-untyped-def]
    call = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=chat_id,
        text_contains=text_contains,
        after=after,
        timeout=15,
    )
    return call.message_id, dict((text, data) for text, data in call.buttons)


def schedule(tg, text: str, class_name: str) -> int:  # type: ignore[no-untyped-def]
    """/remind TEXT, choose the class, confirm; returns the time it was confirmed."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/remind {text}")
    message_id, buttons = last_buttons(tg, MANAGER, "请选择要提醒的培训班", mark)
    choice = next(data for label, data in buttons.items() if label == class_name)
    tg.press_button(user_id=MANAGER, message_id=message_id, data=choice)
    confirm = tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="确认后按时发给",
        after=mark,
        timeout=15,
    )
    ok = next(data for label, data in confirm.buttons if "确认" in label)
    tg.press_button(user_id=MANAGER, message_id=message_id, data=ok)
    tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="提醒已设置",
        after=mark,
        timeout=15,
    )
    return mark


def texts_to(tg, chat_id: int, needle: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        c.text
        for c in tg.calls(method="sendMessage", chat_id=chat_id, ok=True)
        if needle in (c.text or "")
    ]


def test_reminders_fire_on_time_through_a_restart(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    members = [1001, 1002, 1003]
    seed_class(data_dir, "语文一班", members)
    seed_class(data_dir, "数学二班", [1004])
    env = {"GUOPEI_TEST_REMINDER_SHIFT_SECONDS": str(SHIFT)}
    bot = start_bot(extra_env=env)

    # bad times: a clear message with examples, nothing scheduled
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/remind 昨天下午 交作业")
    tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="可以这样写", after=mark
    )
    tg.send_text(user_id=MANAGER, text="/remind 2026-02-30 9:00 交作业")
    tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="2026-02-30", after=mark
    )
    tg.send_text(user_id=1001, text="/remind 明天9点 交作业")  # a trainee may not
    tg.wait_for(
        method="sendMessage", ok=True, chat_id=1001, text_contains="只有班主任", after=mark
    )

    # a recurring one echoes its next three runs
    tg.send_text(user_id=MANAGER, text="/remind 每周五20:00 提交周报")
    weekly = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="接下来三次", after=mark
    )
    assert weekly.text.count("20:00") >= 3

    # reminder A fires on time, to the chosen class only
    scheduled_at = time.time()
    schedule(tg, "1分钟后 交研修日志", "语文一班")
    # reminder C is cancelled from /reminders (with a confirmation) and never fires
    schedule(tg, "1分钟后 这条会被取消", "语文一班")
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/reminders")
    listing = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="待发送的提醒", after=mark
    )
    assert "交研修日志" in listing.text and "这条会被取消" in listing.text
    cancel = [data for label, data in listing.buttons if "取消" in label][-1]
    tg.press_button(user_id=MANAGER, message_id=listing.message_id, data=cancel)
    ask = tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains="确定取消", after=mark
    )
    assert "这条会被取消" in ask.text
    yes = next(data for label, data in ask.buttons if "确定取消" in label)
    tg.press_button(user_id=MANAGER, message_id=listing.message_id, data=yes)
    tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains="已取消提醒", after=mark
    )

    for user_id in members:
        call = tg.wait_for(
            method="sendMessage", ok=True, chat_id=user_id, text_contains="交研修日志", timeout=30
        )
        assert call.time  # delivered
        assert "原定" not in call.text  # on time: no late note
    fired_after = time.time() - scheduled_at
    assert 60 - SHIFT - 1 <= fired_after <= 60 - SHIFT + 20  # on time, not early
    assert texts_to(tg, 1004, "交研修日志") == []  # the other class got nothing
    tg.wait_for(method="editMessageText", ok=True, chat_id=MANAGER, text_contains="送达 3")

    # a message forwarded by the manager becomes a broadcast to the class they choose
    mark = tg.mark()
    tg.forward_text(user_id=MANAGER, text="请各位老师查收培训手册", from_chat_id=555)
    choose = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="发给哪个培训班", after=mark
    )
    math_class = next(data for label, data in choose.buttons if label.startswith("数学二班"))
    tg.press_button(user_id=MANAGER, message_id=choose.message_id, data=math_class)
    confirm = tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    assert "数学二班（1 人）" in confirm.text
    send = next(data for label, data in confirm.buttons if "确认发送" in label)
    tg.press_button(user_id=MANAGER, message_id=choose.message_id, data=send)
    tg.wait_for(method="sendMessage", ok=True, chat_id=1004, text_contains="查收培训手册")
    report = tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains="人：送达", after=mark
    )
    assert "送达 1" in report.text
    assert texts_to(tg, 1001, "查收培训手册") == []
    # a trainee's forwarded message is not a broadcast: it goes on to the question answerer
    tg.forward_text(user_id=1001, text="国培计划的培训经费怎么管理", from_chat_id=555)
    tg.wait_for(method="sendMessage", ok=True, chat_id=1001, after=mark)
    assert not [
        c
        for c in tg.calls(method="sendMessage", chat_id=1001, after=mark)
        if "群发" in (c.text or "")
    ]

    # reminder B is scheduled, the bot restarts, B fires once after the restart
    schedule(tg, "1分钟后 提交作业", "语文一班")
    bot.stop()
    restart_mark = tg.mark()
    bot.start()
    for user_id in members:
        tg.wait_for(
            method="sendMessage",
            ok=True,
            chat_id=user_id,
            text_contains="提交作业",
            after=restart_mark,
            timeout=30,
        )
    tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="送达 3",
        after=restart_mark,
        timeout=15,
    )
    for user_id in members:
        assert len(texts_to(tg, user_id, "交研修日志")) == 1
        assert len(texts_to(tg, user_id, "提交作业")) == 1
        assert texts_to(tg, user_id, "这条会被取消") == []
    assert tg.stats()["duplicates"] == 0


GROUP = -100555
BOT = "guopei_test_bot"  # the fake server's getMe


def seed_reminder(
    data_dir: Path, class_id: int, text: str, chat_id: int, next_run_at: datetime
) -> int:
    """An active one-off reminder written straight in the bot's DB (as an older version left
    it), due at `next_run_at`."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine, expire_on_commit=False) as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=MANAGER,
            chat_id=chat_id,
            class_id=class_id,
            text=text,
            when_text="",
            label=text,
            run_at=next_run_at,
            cron=None,
        )
        assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=next_run_at)
        reminder_id = reminder.id
    engine.dispose()
    return reminder_id


def test_remind_in_a_group_is_refused_and_group_reminders_report_privately(
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    members = [4001, 4002, 4003]
    tg.blocked_users.add(4003)
    class_id = seed_class(data_dir, "物理一班", members)
    # a reminder set in the group before /remind became private-only, due now
    seed_reminder(data_dir, class_id, "群里设过的提醒", GROUP, utcnow())
    mark = tg.mark()
    start_bot()
    tg.send_text(
        user_id=MANAGER,
        text=f"/remind@{BOT} 1分钟后 群里设的提醒",
        chat_id=GROUP,
        chat_type="supergroup",
    )
    refusal = tg.wait_for(method="sendMessage", ok=True, chat_id=GROUP, after=mark)
    assert "私聊" in refusal.text
    assert refusal.buttons == [("👉 私聊", f"https://t.me/{BOT}")]
    # the old group reminder still reaches the class; its report, which names the trainee who
    # blocked the bot, goes to the manager's private chat
    for user_id in members[:2]:
        tg.wait_for(method="sendMessage", ok=True, chat_id=user_id, text_contains="群里设过的")
    report = tg.wait_for(
        ok=True,
        chat_id=MANAGER,
        after=mark,
        timeout=20,
        predicate=lambda c: "人：送达" in (c.text or ""),
    )
    assert "群里设过的提醒" in report.text and "学员4003" in report.text
    in_group = [c.short() for c in tg.calls(chat_id=GROUP, after=mark)]
    assert in_group == [refusal.short()]
    assert texts_to(tg, 4001, "群里设的提醒") == []
