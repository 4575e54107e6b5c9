"""Time phrases managers write that the parser used to answer with 「没看懂」: 12.10, 12-10,
下周末, 月底, 一年后, 元旦; intervals (每两周) refused with what to write instead; and
「明天」 written in the small hours recognised for the confirmation to name its date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from scheduler.timeparse import TimeParseError, parse_reminder, small_hours_tomorrow
from tests.scheduler.test_timeparse import NOW, TZ, at, parse, parse_error

# NOW is Wednesday 2026-11-25 10:00 in Asia/Shanghai


@pytest.mark.parametrize(
    ("when", "expected", "shown"),
    [
        ("12.10", at(12, 10, 9), "2026年12月10日（周四） 09:00（未写具体时间，默认 09:00）"),
        ("12.10 9点", at(12, 10, 9), "2026年12月10日（周四） 09:00"),
        ("12-10 18:00", at(12, 10, 18), "2026年12月10日（周四） 18:00"),
        ("12.10下午3点", at(12, 10, 15), "2026年12月10日（周四） 15:00"),
        ("1.5 8:00", at(1, 5, 8, year=2027), "（今年的1月5日已过，按2027年）"),
        ("１２．１０ ９点", at(12, 10, 9), "2026年12月10日（周四） 09:00"),
        (
            "下周末",
            at(12, 5, 9),
            "2026年12月5日（周六） 09:00（未写具体时间，默认 09:00）（下周末按周六）",
        ),
        ("下周末上午10点", at(12, 5, 10), "（下周末按周六）"),
        ("周末 10点", at(11, 28, 10), "（周末按周六）"),
        ("下下周末", at(12, 12, 9), "（下下周末按周六）"),
        ("月底", at(11, 30, 9), "2026年11月30日（周一） 09:00（未写具体时间，默认 09:00）"),
        ("月底 18:00", at(11, 30, 18), "2026年11月30日（周一） 18:00"),
        ("本月底", at(11, 30, 9), "2026年11月30日（周一） 09:00"),
        ("下个月底", at(12, 31, 9), "2026年12月31日（周四） 09:00"),
        ("月末下午5点", at(11, 30, 17), "2026年11月30日（周一） 17:00"),
        ("一年后", at(11, 25, 10, year=2027), "2027年11月25日（周四） 10:00"),
        ("3个月后", at(2, 25, 10, year=2027), "2027年2月25日（周四） 10:00"),
        ("半年后 9点", at(5, 25, 9, year=2027), "2027年5月25日（周二） 09:00"),
        ("元旦", at(1, 1, 9, year=2027), "2027年1月1日（周五） 09:00（未写具体时间，默认 09:00）"),
        ("元旦上午10点", at(1, 1, 10, year=2027), "（元旦：1月1日）"),
        ("国庆节 8点", at(10, 1, 8, year=2027), "（国庆节：10月1日）"),
        ("教师节", at(9, 10, 9, year=2027), "（教师节：9月10日）"),
    ],
)
def test_more_one_off_forms(when: str, expected: datetime, shown: str) -> None:
    parsed = parse(when)
    assert parsed.run_at == expected
    assert shown in parsed.describe()  # the confirmation's 时间 line
    assert parsed.message == "交研修日志"


def test_month_end_past_means_next_month_and_says_so() -> None:
    late = datetime(2026, 11, 30, 20, 0, tzinfo=TZ)
    parsed = parse("月底", late)
    assert parsed.run_at == at(12, 31, 9)
    assert parsed.describe().endswith("（本月最后一天已过，按12月31日）")


def test_new_year_on_new_years_eve_is_tomorrow() -> None:
    eve = datetime(2026, 12, 31, 23, 30, tzinfo=TZ)
    assert parse("元旦", eve).run_at == at(1, 1, 9, year=2027)


def test_year_ahead_is_the_limit_and_two_years_too_far() -> None:
    assert parse("1年后").run_at == at(11, 25, 10, year=2027)
    assert "时间太远了" in parse_error("两年后").reason
    assert "时间已经过去了" in parse_error("3个月前").reason


@pytest.mark.parametrize(
    "text",
    ["1.5小时后 交", "2.5天后 交", "0.5 交", "13-20 交"],
)
def test_numbers_that_are_not_dates_stay_unread(text: str) -> None:
    with pytest.raises(TimeParseError, match="没看懂提醒时间"):
        parse_reminder(text, NOW)


@pytest.mark.parametrize(
    ("when", "says", "suggests"),
    [
        ("每两周", "暂不支持「每两周」这种隔几周重复的提醒", "每周五20:00"),
        ("每2周五", "隔几周", "每周五20:00"),
        ("每隔一周 9点", "隔几周", "下下周五20:00"),
        ("隔周", "隔几周", "每周五20:00"),
        ("每隔一天 9点", "隔几天", "每周一、三、五 8:00"),
        ("每三天", "隔几天", "每天21:00"),
        ("每两个月", "隔几月", "每月1日 9:00"),
        # by the hour: in the words /remind refuses 「每小时」 with (scheduler/when/hourly.py)
        ("每2小时", "暂不支持「每2小时」这样按小时重复", "cron 0 8,10,12,14,16,18,20 * * *"),
        ("每30分钟", "「每30分钟」太频繁了", "cron 0 8-20 * * *"),
    ],
)
def test_intervals_are_refused_with_what_to_write(when: str, says: str, suggests: str) -> None:
    error = parse_error(when)
    assert says in error.reason and suggests in error.reason
    assert "可以这样写" not in str(error)  # the advice, not the whole list of examples


@pytest.mark.parametrize("when", ["每周五 20:00", "每天21:00", "每月1日 9点", "每周末10点"])
def test_weekly_daily_monthly_are_not_intervals(when: str) -> None:
    assert parse(when).cron is not None


@pytest.mark.parametrize(
    ("when", "hour", "expected"),
    [
        ("明天上午9点", 0, ("明天", date(2026, 11, 26))),
        ("明早8点", 4, ("明早", date(2026, 11, 26))),
        ("明晚7点", 2, ("明晚", date(2026, 11, 26))),
        ("明天上午9点", 5, None),
        ("明天上午9点", 23, None),
        ("今天上午9点", 1, None),
        ("明年1月5日", 1, None),
    ],
)
def test_small_hours_tomorrow(when: str, hour: int, expected: tuple[str, date] | None) -> None:
    now = datetime(2026, 11, 25, hour, 30, tzinfo=TZ)
    assert small_hours_tomorrow(when, now) == expected


def test_tomorrow_keeps_its_calendar_meaning_in_the_small_hours() -> None:
    night = datetime(2026, 12, 7, 0, 30, tzinfo=TZ)
    assert parse("明天上午9点", night).run_at == datetime(2026, 12, 8, 9, 0, tzinfo=TZ)
    assert NOW.tzinfo is TZ


@pytest.mark.parametrize(
    ("text", "example"),
    [
        ("12月10日前 交材料", "/remind 12月9日 9:00 12月10日前交材料"),
        ("元旦之前交总结", "/remind 12月31日 9:00 元旦之前交总结"),
    ],
)
def test_a_deadline_is_not_taken_for_the_reminder_time(text: str, example: str) -> None:
    """「12月10日前 交材料」 used to remind on the 10th with the text 「前 交材料」."""
    with pytest.raises(TimeParseError) as refused:
        parse_reminder(text, NOW)
    assert "像是截止时间" in str(refused.value) and example in str(refused.value)


def test_a_message_starting_with_qianwang_is_still_a_message() -> None:
    assert parse_reminder("明天上午9点 前往报告厅", NOW).message == "前往报告厅"
