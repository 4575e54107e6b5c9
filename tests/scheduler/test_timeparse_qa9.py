"""/remind as QA9 typed it. A range of days (「明天至周五 8点 签到」「12月12日到14日 8点 培训」)
is a reminder every day from the first to the last at the time written, where it was one
reminder at 09:00 on the first day, said to have no time, with 「至周五 8点」 in the text. A span
of small hours without 上午/下午 (「2-4点」「1点到3点」) is the afternoon and the confirmation says
so; 「12点到1点」「11点到1点」 end at 13:00; 「8:30-9」 is 08:30–09:00, not 「9 晨读」.
「明天开始每天9点」 written before 09:00 starts tomorrow instead of being refused until 09:00;
「从明天开始每天9点」 and 「今天开始每天20点」 are rules. Monday to Friday has one label, however
it was written, and a rule whose last day has come is done."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.db import reminder_crud as rcrud
from bot.db.reminder_models import Reminder, ReminderStatus
from bot.services import Services
from scheduler import jobs, runtime
from scheduler.service import SchedulerService
from scheduler.timeparse import format_datetime, parse_reminder
from tests.events import command, press
from tests.scheduler.test_broadcaster import FakeMessenger, make_class
from tests.scheduler.test_handlers import buttons_of, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_service import add_reminder
from tests.scheduler.test_service import services as services  # noqa: F401
from tests.scheduler.test_timeparse import TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

# when QA typed them: Sunday 2026-12-06 10:14, Monday 2026-12-07 01:13 and 07:00 (Beijing)
SUNDAY = datetime(2026, 12, 6, 10, 14, tzinfo=TZ)
SMALL_HOURS = datetime(2026, 12, 7, 1, 13, tzinfo=TZ)
MONDAY_SEVEN = datetime(2026, 12, 7, 7, 0, tzinfo=TZ)
DEFAULT_NOTE = "（未写具体时间，默认 09:00）"


def every_day(first: datetime, days: int) -> list[datetime]:
    return [first + timedelta(days=n) for n in range(days)]


# ---------------------------------------------------------------- H2: a range of days


@pytest.mark.parametrize(
    ("typed", "label", "first", "days", "message"),
    [
        ("明天至周五 8点 签到", "12月7日（周一）至12月11日（周五）", at(12, 7, 8), 5, "签到"),
        (
            "12月12日到14日 8点 集中培训",
            "12月12日（周六）至12月14日（周一）",
            at(12, 12, 8),
            3,
            "集中培训",
        ),
        (
            "12月12日至12月14日 每天8点 签到",
            "12月12日（周六）至12月14日（周一）",
            at(12, 12, 8),
            3,
            "签到",
        ),
        ("明天到后天 8点 签到", "12月7日（周一）至12月8日（周二）", at(12, 7, 8), 2, "签到"),
        (
            "从12月12日到14日 每天8点 签到",
            "12月12日（周六）至12月14日（周一）",
            at(12, 12, 8),
            3,
            "签到",
        ),
        ("12月12-14日 8点 培训", "12月12日（周六）至12月14日（周一）", at(12, 12, 8), 3, "培训"),
        ("12/12-12/14 8点 培训", "12月12日（周六）至12月14日（周一）", at(12, 12, 8), 3, "培训"),
        ("12.12-12.14 8点 培训", "12月12日（周六）至12月14日（周一）", at(12, 12, 8), 3, "培训"),
        ("明天至周五，早上8点 签到", "12月7日（周一）至12月11日（周五）", at(12, 7, 8), 5, "签到"),
        (
            "明天至周五 每晚8点 交日志",
            "12月7日（周一）至12月11日（周五）",
            at(12, 7, 20),
            5,
            "交日志",
        ),
        (
            "12月28日到1月3日 9点 值班",
            "12月28日（周一）至2027年1月3日（周日）",
            at(12, 28, 9),
            7,
            "值班",
        ),
    ],
)
def test_a_range_of_days_is_every_day_between_them_at_the_time_written(
    typed: str, label: str, first: datetime, days: int, message: str
) -> None:
    parsed = parse_reminder(typed, SUNDAY)
    assert parsed.describe() == f"{label} 每天 {first:%H:%M}"
    assert parsed.message == message
    assert parsed.next_runs(days + 1) == every_day(first, days)
    assert parsed.default_time_note == ""


def test_a_range_without_a_time_says_the_default() -> None:
    parsed = parse_reminder("明天至周五 签到", SUNDAY)
    assert parsed.describe() == f"12月7日（周一）至12月11日（周五） 每天 09:00{DEFAULT_NOTE}"
    assert parsed.next_runs(9) == every_day(at(12, 7, 9), 5)


def test_a_range_keeps_its_span_and_its_rule() -> None:
    span = parse_reminder("明天至周五 8点到9点 晨练", SUNDAY)
    assert span.message == "08:00–09:00 晨练"
    assert span.next_runs(9) == every_day(at(12, 7, 8), 5)
    weekly = parse_reminder("12月1日到12月31日 每周五 8点 交周报", SUNDAY)
    assert weekly.describe() == "12月1日（周二）至12月31日（周四） 每周五 08:00"
    assert weekly.next_runs(9) == [at(12, 11, 8), at(12, 18, 8), at(12, 25, 8)]


def test_a_range_already_begun_runs_from_now_to_its_end() -> None:
    parsed = parse_reminder("12月1日到8日 8点 晨读", SUNDAY)
    assert parsed.describe() == "12月1日（周二）至12月8日（周二） 每天 08:00"
    assert parsed.next_runs(9) == [at(12, 7, 8), at(12, 8, 8)]


def test_a_range_over_this_year_is_next_years_and_says_so() -> None:
    """Over more than RECENT_PAST_DAYS (60) ago; one over lately is refused
    (tests/scheduler/test_timeparse_recent_dates.py)."""
    parsed = parse_reminder("9月1日到5日 8点 晨读", SUNDAY)
    assert parsed.describe() == (
        "2027年9月1日（周三）至2027年9月5日（周日） 每天 08:00（今年的这几天已过，按2027年）"
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "明天到明天 8点 签到",
            "「明天到明天」开始和结束是同一天（明天 12月7日（周一））。只提醒这一天的话，"
            "请写成：/remind 明天 8点 签到",
        ),
        (
            "2026年12月1日到12月5日 8点 签到",
            "时间已经过去了：「2026年12月1日到12月5日」是 12月1日（周二）至12月5日（周六）"
            "（现在是 2026年12月6日（周日） 10:14）。请写将来的日期。",
        ),
        (
            "明天至周五 8点",
            "请在时间后写上提醒内容，例如：/remind 明天至周五 8点 交研修日志",
        ),
        (
            "明天到今天 8点 签到",
            "「明天到今天」的结束日期 今天 12月6日（周日） 早于开始日期 明天 12月7日（周一）："
            # QA10 M4: a reversed range also gives the line with the days the right way round
            "请先写开始日期，再写结束日期。例如：/remind 12月6日到12月7日 8点 签到",
        ),
    ],
)
def test_a_range_that_cannot_be_read_is_refused_with_what_to_write(
    typed: str, reason: str
) -> None:
    assert refusal(typed, SUNDAY) == reason


def test_the_fix_of_a_one_day_range_is_read() -> None:
    fix = suggested(refusal("明天到明天 8点 签到", SUNDAY))[0]
    assert parse_reminder(fix, SUNDAY).run_at == at(12, 7, 8)


def test_a_rule_with_no_run_in_the_range_is_refused() -> None:
    assert refusal("12月12日到14日 每周三 8点 培训", SUNDAY).startswith(
        "「12月12日到14日」（12月12日（周六）至12月14日（周一））里已经没有「每周三 08:00」"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [("明天到3号楼 集合", "到3号楼 集合"), ("明天至少 交三篇", "至少 交三篇")],
)
def test_words_after_a_day_that_are_no_day_stay_in_the_text(typed: str, message: str) -> None:
    parsed = parse_reminder(typed, SUNDAY)
    assert parsed.run_at == at(12, 7, 9) and parsed.message == message


# ---------------------------------------------------------------- M1: small hours in a span


@pytest.mark.parametrize(
    ("typed", "written", "start", "text"),
    [
        ("明天 2-4点 班会", "2-4点", at(12, 7, 14), "14:00–16:00 班会"),
        ("明天 2点到4点 班会", "2点到4点", at(12, 7, 14), "14:00–16:00 班会"),
        ("明天 1点-3点 班会", "1点-3点", at(12, 7, 13), "13:00–15:00 班会"),
        ("明天 5-7点 班会", "5-7点", at(12, 7, 17), "17:00–19:00 班会"),
        ("2点-4点 班会", "2点-4点", at(12, 6, 14), "14:00–16:00 班会"),  # typed at 10:14
    ],
)
def test_a_span_of_small_hours_is_the_afternoon_and_says_so(
    typed: str, written: str, start: datetime, text: str
) -> None:
    parsed = parse_reminder(typed, SUNDAY)
    assert parsed.run_at == start
    assert parsed.message == text
    assert parsed.describe() == (
        f"{format_datetime(start)}（「{written}」按下午理解；凌晨的话请写「凌晨{written}」）"
        "（按开始时间提醒）"
    )


def test_a_span_ending_in_the_afternoon_starts_there_too() -> None:
    parsed = parse_reminder("明天 2点到下午4点 班会", SUNDAY)
    assert parsed.run_at == at(12, 7, 14) and parsed.message == "14:00–16:00 班会"
    assert "按下午理解" in parsed.describe()


@pytest.mark.parametrize(
    ("typed", "start", "text"),
    [
        ("明天 凌晨2-4点 值班", at(12, 7, 2), "02:00–04:00 值班"),
        ("明天 02:00-04:00 值班", at(12, 7, 2), "02:00–04:00 值班"),
        ("明天 6-8点 晨跑", at(12, 7, 6), "06:00–08:00 晨跑"),
        ("明天 下午2-4点 班会", at(12, 7, 14), "14:00–16:00 班会"),
    ],
)
def test_a_span_with_its_period_or_in_the_morning_is_as_written(
    typed: str, start: datetime, text: str
) -> None:
    parsed = parse_reminder(typed, SUNDAY)
    assert parsed.run_at == start and parsed.message == text
    assert "按下午理解" not in parsed.describe()


def test_the_night_a_note_suggests_is_read() -> None:
    assert parse_reminder("明天 凌晨2-4点 班会", SUNDAY).run_at == at(12, 7, 2)


# ---------------------------------------------------------------- M2, M3: noon spans, 「-9」


@pytest.mark.parametrize(
    ("typed", "start", "text"),
    [
        ("明天 12点到1点 午间研讨", at(12, 7, 12), "12:00–13:00 午间研讨"),
        ("明天 11点到1点 午间研讨", at(12, 7, 11), "11:00–13:00 午间研讨"),
        ("明天 上午11点到1点 班会", at(12, 7, 11), "11:00–13:00 班会"),
        ("明天 12:00-1 午休", at(12, 7, 12), "12:00–13:00 午休"),
        ("明天 23点到1点 通宵", at(12, 7, 23), "23:00–次日01:00 通宵"),
        ("明天 8:30-9 晨读", at(12, 7, 8, 30), "08:30–09:00 晨读"),
        ("明天 8点半-9 晨读", at(12, 7, 8, 30), "08:30–09:00 晨读"),
        ("明天 8:30~9，晨读", at(12, 7, 8, 30), "08:30–09:00 晨读"),
    ],
)
def test_noon_spans_and_an_hour_alone_ending_a_span(
    typed: str, start: datetime, text: str
) -> None:
    parsed = parse_reminder(typed, SUNDAY)
    assert parsed.run_at == start and parsed.message == text


def test_every_day_at_noon_to_one() -> None:
    parsed = parse_reminder("每天12点到1点 午休", SUNDAY)
    assert parsed.describe() == "每天 12:00（按开始时间提醒）"
    assert parsed.message == "12:00–13:00 午休"


def test_an_hour_alone_before_the_start_is_text() -> None:
    parsed = parse_reminder("明天8点-3 班集合", SUNDAY)
    assert parsed.run_at == at(12, 7, 8) and parsed.message == "3 班集合"


# ---------------------------------------------------------------- M4, M5: a rule from a day on


@pytest.mark.parametrize("now", [SMALL_HOURS, MONDAY_SEVEN])
@pytest.mark.parametrize(
    "typed", ["明天开始每天9点 打卡", "从明天开始每天9点 打卡", "明天起 每天9点 打卡"]
)
def test_a_rule_from_tomorrow_written_before_its_time_starts_tomorrow(
    typed: str, now: datetime
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.describe() == "每天 09:00（明天开始）"
    assert parsed.next_runs() == every_day(at(12, 8, 9), 3)
    assert parsed.message == "打卡"


def test_a_rule_from_next_monday_starts_next_monday() -> None:
    parsed = parse_reminder("下周一开始 每天8点 签到", SMALL_HOURS)
    assert parsed.describe() == "每天 08:00（下周一开始）"
    assert parsed.next_runs()[0] == at(12, 14, 8)


@pytest.mark.parametrize(
    ("typed", "described", "first"),
    [
        ("今天开始每天20点 打卡", "每天 20:00（今天开始）", at(12, 6, 20)),
        ("从明天开始每天9点 打卡", "每天 09:00（明天开始）", at(12, 7, 9)),
    ],
)
def test_a_rule_from_today_or_tomorrow_in_the_daytime(
    typed: str, described: str, first: datetime
) -> None:
    parsed = parse_reminder(typed, SUNDAY)
    assert parsed.describe() == described
    assert parsed.next_runs()[0] == first and parsed.message == "打卡"


# ---------------------------------------------------------------- L1: labels, this week


@pytest.mark.parametrize(
    "typed",
    ["周一到周五 9点 打卡", "每周一到周五 9点 打卡", "工作日 9点 打卡", "每周一至五 9点 打卡"],
)
def test_monday_to_friday_has_one_label(typed: str) -> None:
    assert parse_reminder(typed, SUNDAY).describe() == "每周一至周五 09:00"


def test_this_saturday_to_monday_on_sunday_runs_on_no_day_past() -> None:
    # QA10 M1: the range of those days (begun: from now), no longer a line for each day
    parsed = parse_reminder("本周六到周一 8点 直播", SUNDAY)
    assert parsed.describe() == "12月5日（周六）至12月7日（周一） 每天 08:00"
    assert parsed.next_runs(3) == [at(12, 7, 8)]


# ---------------------------------------------------------------- /remind


def day_of(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日（周{'一二三四五六日'[moment.weekday()]}）"


async def test_remind_a_range_confirms_each_day_at_the_time_written(tmp_path: Path) -> None:
    conversation, app = conversation_at(tmp_path, 14)
    now = datetime.now(app.settings.timezone)
    draft = await conversation.handle(command(MANAGER, "/remind 明天到后天 8点 签到"))
    text = text_of(draft)
    first, last = now + timedelta(days=1), now + timedelta(days=2)
    assert f"时间：{day_of(first)}至{day_of(last)} 每天 08:00\n共 2 次：\n" in text
    assert f"  · {format_datetime(first.replace(hour=8, minute=0))}" in text
    assert f"  · {format_datetime(last.replace(hour=8, minute=0))}" in text
    assert "未写具体时间" not in text and "内容：签到" in text
    done = text_of(await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"])))
    assert f"下次发送：{format_datetime(first.replace(hour=8, minute=0))}" in done
    with app.session() as session:
        reminder = session.get(Reminder, int(buttons_of(draft)["✅ 确认"].split(":")[3]))
        assert reminder is not None and reminder.status == ReminderStatus.active
        assert reminder.cron is not None and reminder.cron["hour"] == "8"
        assert reminder.cron["end_date"] == f"{last.date()} 23:59:59"


async def test_remind_a_longer_range_shows_its_last_day(tmp_path: Path) -> None:
    conversation, app = conversation_at(tmp_path, 14)
    now = datetime.now(app.settings.timezone)
    end = (now + timedelta(days=5)).replace(hour=20, minute=0)
    typed = f"/remind 明天到{end.month}月{end.day}日 20点 日志"
    text = text_of(await conversation.handle(command(MANAGER, typed)))
    assert f"时间：{day_of(now + timedelta(days=1))}至{day_of(end)} 每天 20:00\n" in text
    assert "接下来三次：" in text and text.count("\n  · ") == 3
    assert f"\n  ……最后一次 {format_datetime(end)}，共 5 次\n内容：日志" in text


async def test_remind_a_small_hours_span_says_it_is_the_afternoon(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 明天 2-4点 班会")))
    assert " 14:00（「2-4点」按下午理解；凌晨的话请写「凌晨2-4点」）（按开始时间提醒）\n" in text
    assert "内容：14:00–16:00 班会" in text


async def test_remind_from_tomorrow_in_the_small_hours_names_the_day(tmp_path: Path) -> None:
    conversation, app = conversation_at(tmp_path, 2)
    now = datetime.now(app.settings.timezone)
    assert 1 <= now.hour <= 3
    tomorrow = now + timedelta(days=1)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 明天开始每天9点 打卡")))
    assert "时间：每天 09:00（明天开始）\n" in text
    assert (
        f"⚠️ 注意：现在是凌晨，「明天」按日历算是 {day_of(tomorrow)}，从那天开始提醒。"
        "要从今天开始的话，请把「明天」改成「今天」重新发送。"
    ) in text
    assert f"接下来三次：\n  · {format_datetime(tomorrow.replace(hour=9, minute=0))}\n" in text
    today = text_of(await conversation.handle(command(MANAGER, "/remind 今天开始每天9点 打卡")))
    assert f"接下来三次：\n  · {format_datetime(now.replace(hour=9, minute=0))}\n" in today
    assert "注意：现在是凌晨" not in today


# ---------------------------------------------------------------- a rule that ends


def ended_rule(app: Services, class_id: int) -> Reminder:
    """A daily rule whose end date is now, due a second ago: its last occurrence."""
    now = datetime.now(app.settings.timezone)
    cron = {
        "minute": "0",
        "hour": "9",
        "day": "*",
        "month": "*",
        "day_of_week": "*",
        "start_date": f"{(now - timedelta(days=2)).date()}",
        "end_date": f"{now:%Y-%m-%d %H:%M:%S}",
    }
    return add_reminder(app, class_id, "集中培训签到", timedelta(seconds=-1), cron=cron)


async def test_the_last_occurrence_of_a_rule_with_an_end_makes_it_done(
    services: Services,  # noqa: F811
) -> None:
    reminder = ended_rule(services, make_class(services, 1))
    services.extras["scheduler"] = SchedulerService(services)
    runtime.install(services)
    try:
        assert await jobs.fire_reminder(reminder.id) is not None
        with services.session() as session:
            fired = rcrud.get_reminder(session, reminder_id=reminder.id)
            assert fired is not None and fired.status == ReminderStatus.done
            assert fired.next_run_at is None
    finally:
        runtime.uninstall(services)


async def test_a_missed_last_occurrence_says_it_was_the_last(
    services: Services,  # noqa: F811
) -> None:
    reminder = ended_rule(services, make_class(services, 1))
    service = SchedulerService(services)
    await service.report_missed(reminder.id, reminder.next_run_at)
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    notice = next(text for chat, text, _ in messenger.sent if chat == MANAGER)
    assert "集中培训签到" in notice and notice.endswith("\n这是这条重复提醒的最后一次。")
    with services.session() as session:
        missed = rcrud.get_reminder(session, reminder_id=reminder.id)
        assert missed is not None and missed.status == ReminderStatus.missed
