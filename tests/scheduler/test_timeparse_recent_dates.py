"""A month and day without a year that passed lately (at most RECENT_PAST_DAYS, 60 days, ago)
is refused, not read as next year's: 「12月1日 开会」 typed on 12月7日 is most likely a slip,
and went out 51 weeks later with only a note in the echo to say so. The refusal says when the
day was and gives the line with the year written. A date further back (「1月5日」 typed in
December) is still next year's, said; so is a range of days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from scheduler.timeparse import parse_reminder
from scheduler.when.limits import RECENT_PAST_DAYS
from tests.scheduler.test_timeparse import TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
NEW_YEAR = datetime(2027, 1, 3, 10, 0, tzinfo=TZ)  # a Sunday


def test_a_date_passed_last_week_is_refused_with_the_line_for_next_year() -> None:
    assert refusal("12月1日 开会", MONDAY) == (
        "还没有设置提醒：「12月1日」已经过去了（12月1日（周二），6 天前；"
        "现在是 2026年12月7日（周一） 10:00）。日期写错了的话，请改正后重新发送；"
        "要提醒 2027年12月1日 的话，请写上年份：/remind 2027年12月1日 开会"
    )


@pytest.mark.parametrize(
    ("typed", "line", "run_at", "message"),
    [
        ("12月1日 18:00 开会", "2027年12月1日 18:00 开会", at(12, 1, 18, year=2027), "开会"),
        ("12/1 18:00 开会", "2027年12月1日 18:00 开会", at(12, 1, 18, year=2027), "开会"),
        ("12.6 8.30 晨读", "2027年12月6日 8.30 晨读", at(12, 6, 8, 30, year=2027), "晨读"),
        ("十二月一号，交材料", "2027年12月1日，交材料", at(12, 1, 9, year=2027), "交材料"),
        (
            "１１月２０日 下午3点 开会",
            "2027年11月20日 下午3点 开会",
            at(11, 20, 15, year=2027),
            "开会",
        ),
        # 「1点半」 is read as the afternoon, and the line says it
        (
            "12月1日 1点半 开会",
            "2027年12月1日 下午1点半 开会",
            at(12, 1, 13, 30, year=2027),
            "开会",
        ),
    ],
)
def test_every_form_of_a_recent_date_is_refused_with_a_line_that_reads(
    typed: str, line: str, run_at: datetime, message: str
) -> None:
    reason = refusal(typed, MONDAY)
    assert reason.startswith("还没有设置提醒：「") and "」已经过去了（" in reason
    assert suggested(reason) == [line]
    parsed = parse_reminder(line, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == message


def test_a_recent_deadline_is_refused_with_a_reminder_before_it_that_is_read() -> None:
    """The suggested line (QA15 L5) is a reminder the day before next year's deadline, which
    is read as written, not another refusal."""
    (line,) = suggested(refusal("12月5日前 交材料", MONDAY))
    assert line == "2027年12月4日 9:00 2027年12月5日前交材料"
    assert parse_reminder(line, MONDAY).run_at == datetime(2027, 12, 4, 9, 0, tzinfo=TZ)


def test_yesterday_is_said_so() -> None:
    assert "（12月6日（周日），昨天；" in refusal("12月6日 开会", MONDAY)


def test_the_bound_is_sixty_days() -> None:
    last_refused = MONDAY.date() - timedelta(days=RECENT_PAST_DAYS)  # 10月8日
    first_next_year = last_refused - timedelta(days=1)
    assert RECENT_PAST_DAYS == 60
    assert "60 天前" in refusal(f"{last_refused.month}月{last_refused.day}日 开会", MONDAY)
    parsed = parse_reminder(f"{first_next_year.month}月{first_next_year.day}日 开会", MONDAY)
    assert parsed.run_at == at(10, 7, 9, year=2027)
    assert parsed.note == "（今年的10月7日已过，按2027年）"


@pytest.mark.parametrize(
    ("typed", "run_at"),
    [
        ("1月5日 开会", at(1, 5, 9, year=2027)),  # 11 months back: next January, 4 weeks ahead
        ("6月1日 9点 开会", at(6, 1, 9, year=2027)),
        ("12月8日 开会", at(12, 8, 9)),  # still ahead: this year's, as before
        ("明年12月1日 开会", at(12, 1, 9, year=2027)),  # the year is written
        ("2027年12月1日 开会", at(12, 1, 9, year=2027)),
    ],
)
def test_a_date_long_past_or_ahead_is_read_as_before(typed: str, run_at: datetime) -> None:
    assert parse_reminder(typed, MONDAY).run_at == run_at


def test_today_with_its_time_passed_is_past_not_a_slip() -> None:
    assert refusal("12月7日 9点 开会", MONDAY).startswith("时间已经过去了：2026年12月7日")


def test_a_date_written_with_this_year_that_passed_is_past() -> None:
    assert refusal("2026年12月1日 开会", MONDAY).startswith("时间已经过去了：2026年12月1日")


def test_last_years_date_a_few_days_into_january_is_refused() -> None:
    """「12月28日」 typed on 1月3日 was read as this coming December, silently."""
    reason = refusal("12月28日 交总结", NEW_YEAR)
    assert "「12月28日」已经过去了（2026年12月28日（周一），6 天前；" in reason
    assert suggested(reason) == ["2027年12月28日 交总结"]
    assert parse_reminder("2027年12月28日 交总结", NEW_YEAR).run_at == at(12, 28, 9, year=2027)
    # further back, it is this year's, as before
    assert parse_reminder("10月28日 交总结", NEW_YEAR).run_at == at(10, 28, 9, year=2027)


def test_a_leap_day_is_left_as_it_was() -> None:
    """2月29日 has no year before or after it: no slip is looked for, nothing crashes."""
    march = datetime(2028, 3, 5, 10, 0, tzinfo=TZ)
    assert refusal("2月29日 开会", march).startswith("日期不存在")
    assert "「3月1日」已经过去了" in refusal("3月1日 开会", march)


# ---------------------------------------------------------------- a range of days


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("12月1日到5日 8点 晨读", "2027年12月1日到2027年12月5日 8点 晨读"),
        ("12/1-12/5 8点 晨读", "2027年12月1日到2027年12月5日 8点 晨读"),
        ("12.1-5 晨读", "2027年12月1日到2027年12月5日 晨读"),
        ("从12月1日到5日 8点 晨读", "2027年12月1日到2027年12月5日 8点 晨读"),
    ],
)
def test_a_range_over_lately_is_refused_with_the_line_for_next_year(typed: str, line: str) -> None:
    reason = refusal(typed, MONDAY)
    assert "这几天已经过去了（12月1日（周二）至12月5日（周六），2 天前结束；" in reason
    assert suggested(reason) == [line]
    parsed = parse_reminder(line, MONDAY)
    assert parsed.cron is not None
    assert parsed.cron["start_date"] == "2027-12-01"
    assert parsed.cron["end_date"].startswith("2027-12-05")


def test_a_range_still_running_or_long_over_is_read_as_before() -> None:
    running = parse_reminder("12月1日到8日 8点 晨读", MONDAY)
    assert running.next_runs(5) == [at(12, 8, 8)]
    long_over = parse_reminder("9月1日到5日 8点 晨读", MONDAY)
    assert long_over.note == "（今年的这几天已过，按2027年）"


def test_last_years_range_a_few_days_into_january_is_refused() -> None:
    reason = refusal("12月28日到31日 8点 晨读", NEW_YEAR)
    assert "（2026年12月28日（周一）至2026年12月31日（周四），3 天前结束；" in reason
    (line,) = suggested(reason)
    assert line == "2027年12月28日到2027年12月31日 8点 晨读"
    cron = parse_reminder(line, NEW_YEAR).cron
    assert cron is not None and cron["start_date"] == date(2027, 12, 28).isoformat()
