"""Daily reminders on the real bot (both engines) against the fake Bot API server (QA 6b L3):
an occurrence that reached every trainee sends the manager nothing, one that missed a trainee
(who blocked the bot) is reported in one message, a one-off reminder is reported as before,
and /reminders still lists the daily ones."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.db import reminder_crud as rcrud
from bot.db.models import utcnow
from bot.db.reminder_models import Broadcast
from bot.db.session import make_engine
from tests.e2e.test_reminders import MANAGER, seed_class, seed_reminder, texts_to

DAILY = {"minute": "0", "hour": "20", "day": "*", "month": "*", "day_of_week": "*"}


def seed_daily(data_dir: Path, class_id: int, text: str, due: datetime) -> int:
    """An active daily 20:00 reminder, its occurrence due at `due`, straight in the DB."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine, expire_on_commit=False) as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=MANAGER,
            chat_id=MANAGER,
            class_id=class_id,
            text=text,
            when_text="每天 20:00",
            label="每天 20:00",
            run_at=None,
            cron=DAILY,
        )
        assert rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=due)
        reminder_id = reminder.id
    engine.dispose()
    return reminder_id


def broadcasts(data_dir: Path) -> list[Broadcast]:
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine, expire_on_commit=False) as session:
        found = list(session.exec(select(Broadcast).order_by(Broadcast.id)))
    engine.dispose()
    return found


def test_daily_reminders_report_only_who_was_missed(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    reached, missed = [5201, 5202], [5301, 5302]
    tg.blocked_users.add(5302)
    everyone = seed_class(data_dir, "日报一班", reached)
    someone_missed = seed_class(data_dir, "日报二班", missed)
    now = utcnow()  # the occurrences are due as the bot starts (the clock of the seed)
    seed_daily(data_dir, everyone, "提交当天的研修日志", now)
    seed_daily(data_dir, someone_missed, "晚上9点前完成签到", now)
    seed_reminder(data_dir, everyone, "明天上午交结业论文", MANAGER, now)  # a one-off
    mark = tg.mark()
    bot = start_bot()

    for user_id in reached:
        for text in ("提交当天的研修日志", "明天上午交结业论文"):
            tg.wait_for(method="sendMessage", ok=True, chat_id=user_id, text_contains=text)
    tg.wait_for(method="sendMessage", ok=True, chat_id=5301, text_contains="完成签到")
    missed_report = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=MANAGER,
        text_contains="完成签到",
        after=mark,
        timeout=20,
    )
    one_off = tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="明天上午交结业论文",
        after=mark,
        timeout=20,
        predicate=lambda c: "人：送达" in (c.text or ""),
    )
    tg.wait_idle(quiet=1.5)

    # the daily reminder that missed a trainee: its report, alone (no progress message)
    assert missed_report.text.startswith(
        "✅ 提醒已发给「日报二班」：晚上9点前完成签到\n共 2 人：送达 1 · 屏蔽了机器人 1\n"
    )
    assert "🚫 屏蔽了机器人（已标记，之后不再发送）：学员5302" in missed_report.text
    assert "有人没收到时才会告诉您" in missed_report.text
    # the one-off: progress message edited into the report, as before
    assert one_off.text == "✅ 提醒已发给「日报一班」：明天上午交结业论文\n共 2 人：送达 2"
    to_manager = tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)
    assert sorted(c.text.splitlines()[0] for c in to_manager) == [
        "✅ 提醒已发给「日报二班」：晚上9点前完成签到",
        "📤 正在向「日报一班」发送提醒：明天上午交结业论文",
    ]
    # the daily reminder that reached everyone: not a word to the manager
    assert not [c for c in tg.calls(chat_id=MANAGER, after=mark) if "研修日志" in (c.text or "")]

    # nothing lost: /reminders lists both daily reminders; each occurrence is stored, reported
    listing_mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/reminders")
    listing = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=MANAGER,
        text_contains="提交当天的研修日志",
        after=listing_mark,
        timeout=15,
    )
    assert "晚上9点前完成签到" in listing.text and "明天上午交结业论文" not in listing.text
    assert bot.stop() == 0
    stored = broadcasts(data_dir)
    assert len(stored) == 3 and all(b.reported_at is not None for b in stored)
    assert all(len(texts_to(tg, user_id, "提交当天的研修日志")) == 1 for user_id in reached)
    assert "Traceback" not in bot.log()
