"""/deadlines lists the deadlines still ahead first (soonest first), then undated ones, then
the past ones (latest first); 设为提醒 offers only the lead times whose reminder time is still
ahead. The ordering and the lead times with a fixed "now"; the whole flow through the
conversation core with the real knowledge base, on SQLite and PostgreSQL, with a notice whose
dates are set relative to today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db import reminder_crud as rcrud
from handlers.deadlines import REMINDER_DAYS, upcoming_first
from knowledge.models import Deadline
from scheduler.deadlines import lead_days_left
from scheduler.timeparse import format_day, format_when
from tests.questions.conftest import ADMIN, MANAGER, buttons_of, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 11, 51, tzinfo=TZ)


def deadline(due: date | None, text: str) -> Deadline:
    return Deadline(
        due=due,
        text=text,
        when_text="",
        clause="",
        title="",
        doc_number="",
        source="",
        doc_id=text,
    )


def test_upcoming_first_then_undated_then_past_latest_first() -> None:
    found = [
        deadline(date(2013, 12, 31), "old"),
        deadline(date(2019, 4, 12), "past"),
        deadline(None, "undated"),
        deadline(date(2026, 12, 20), "later"),
        deadline(date(2026, 12, 6), "today"),
        deadline(date(2026, 12, 8), "soon"),
        deadline(date(2026, 12, 5), "yesterday"),
    ]
    ordered = [d.text for d in upcoming_first(found, NOW.date())]
    assert ordered == ["today", "soon", "later", "undated", "yesterday", "past", "old"]


@pytest.mark.parametrize(
    ("due", "left"),
    [
        (date(2026, 12, 8), [1]),  # two days away: 提前3天/7天 would be in the past
        (date(2026, 12, 9), [1]),  # 3 days before = today 09:00, already gone at 11:51
        (date(2026, 12, 10), [1, 3]),
        (date(2026, 12, 14), [1, 3, 7]),
        (date(2026, 12, 7), []),  # tomorrow: even 提前1天 (today 09:00) has passed
    ],
)
def test_only_lead_times_still_ahead_are_offered(due: date, left: list[int]) -> None:
    assert lead_days_left(due, NOW, REMINDER_DAYS) == left


def test_lead_time_on_the_day_before_nine() -> None:
    early = datetime(2026, 12, 6, 8, 59, tzinfo=TZ)
    assert lead_days_left(date(2026, 12, 7), early, REMINDER_DAYS) == [1]


async def test_deadlines_list_upcoming_first_and_offer_only_future_lead_times(chat) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(TZ).date()
    soon, later = today + timedelta(days=2), today + timedelta(days=30)
    notice = (
        "title: 关于报送研修材料的通知\n---\n"
        "一、报送要求\n"
        "(一)各培训班要结合参训教师的实际需求,认真制订研修计划,明确研修主题、"
        "时间安排和考核方式,确保研修取得实效。\n"
        f"(二)请各培训班于{cn_date(later)}前将研修计划报送项目办。\n"
        f"(三)请各培训班于{cn_date(soon)}前将参训学员名单报送项目办。\n"
    ).encode()
    assert "已加入知识库" in text_of(await chat.send_file(ADMIN, "plan.txt", notice))

    listing = await chat.say(MANAGER, "/deadlines")
    text = text_of(listing)
    first = text.index(f"1. 📅 <b>{format_day(soon, today)}</b>前")
    assert first < text.index(f"2. 📅 <b>{format_day(later, today)}</b>前")
    reminders = [b for b in buttons_of(listing) if "设为提醒" in b.text]
    assert [b.text for b in reminders[:2]] == ["⏰ 第 1 项设为提醒", "⏰ 第 2 项设为提醒"]

    choices = await chat.press(MANAGER, reminders[0].data)
    labels = [b.text for b in buttons_of(choices)]
    assert labels == ["语文一班 提前1天"]  # two days away: 提前3天 / 提前7天 are not offered
    assert "截止日前 3、7 天的 9:00 已经过去" in text_of(choices)
    one_day = buttons_of(choices)[0].data
    stale = await chat.press(MANAGER, one_day.rsplit(":", 1)[0] + ":3")  # an old button
    assert stale[0].alert and "提前 3 天的提醒时间" in stale[0].text
    done = await chat.press(MANAGER, one_day)
    day_before = datetime.combine(soon - timedelta(days=1), time(9), TZ)
    assert text_of(done).startswith(
        f"✅ 已为「语文一班」设提醒：{format_when(day_before, datetime.now(TZ))} 发给全体学员"
        f"（截止日 {format_day(soon, today)} 前 1 天）。"
    )
    with chat.services.session() as session:
        (reminder,) = (r for r, _ in rcrud.reminders_of_manager(session, manager_id=MANAGER))
    assert reminder.next_run_at is not None
    assert reminder.next_run_at.astimezone(TZ) == datetime.combine(
        soon - timedelta(days=1), datetime.min.time(), TZ
    ) + timedelta(hours=9)

    later_choices = await chat.press(MANAGER, reminders[1].data)
    assert [b.text for b in buttons_of(later_choices)] == [
        "语文一班 提前1天",
        "语文一班 提前3天",
        "语文一班 提前7天",
    ]
