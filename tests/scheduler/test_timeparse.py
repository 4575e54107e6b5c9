import ast
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

import scheduler.timeparse as timeparse
from scheduler.timeparse import (
    ParsedSchedule,
    TimeParseError,
    aps_weekdays,
    cn_to_int,
    crontab_weekdays,
    format_datetime,
    parse_reminder,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)  # a Wednesday
DEFAULT_NOTE = "（未写具体时间，默认 09:00）"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def parse(when: str, now: datetime = NOW) -> ParsedSchedule:
    return parse_reminder(f"{when} 交研修日志", now)


def parse_error(when: str, now: datetime = NOW) -> TimeParseError:
    with pytest.raises(TimeParseError) as info:
        parse(when, now)
    return info.value


ONE_OFF_CASES = [
    ("明天9点", at(11, 26, 9)),
    ("明天上午9点", at(11, 26, 9)),
    ("明天下午3点", at(11, 26, 15)),
    ("明天 9点", at(11, 26, 9)),
    ("明早8:30", at(11, 26, 8, 30)),
    ("明晚7点", at(11, 26, 19)),
    ("今晚8点", at(11, 25, 20)),
    ("今天晚上8点", at(11, 25, 20)),
    ("今天14:30", at(11, 25, 14, 30)),
    ("后天下午3点半", at(11, 27, 15, 30)),
    ("大后天9点", at(11, 28, 9)),
    ("明天9点一刻", at(11, 26, 9, 15)),
    ("明天9点30分", at(11, 26, 9, 30)),
    ("明天9点05", at(11, 26, 9, 5)),
    ("明天凌晨1点", at(11, 26, 1)),
    ("12月1日 18:00", at(12, 1, 18)),
    ("12月1号晚上7点", at(12, 1, 19)),
    ("2026-12-01 18:00", at(12, 1, 18)),
    ("2026/12/1 18:00", at(12, 1, 18)),
    ("2026.12.1 18:00", at(12, 1, 18)),
    ("12/1 18:00", at(12, 1, 18)),
    ("1/5 8:00", at(1, 5, 8, year=2027)),
    ("2026年12月1日18:00", at(12, 1, 18)),
    ("2026年12月1日 下午6点", at(12, 1, 18)),
    ("明年1月5日 8点", at(1, 5, 8, year=2027)),
    ("3天后", at(11, 28, 10)),
    ("3天后上午9点", at(11, 28, 9)),
    ("1周后", at(12, 2, 10)),
    ("两个星期后", at(12, 9, 10)),
    ("2小时后", at(11, 25, 12)),
    ("2个小时以后", at(11, 25, 12)),
    ("30分钟后", at(11, 25, 10, 30)),
    ("半小时后", at(11, 25, 10, 30)),
    ("一个半小时后", at(11, 25, 11, 30)),
    ("下周一上午10点", at(11, 30, 10)),
    ("下个星期三 9点", at(12, 2, 9)),
    ("下下周一 9点", at(12, 7, 9)),
    ("本周五 9点", at(11, 27, 9)),
    ("这周日 9点", at(11, 29, 9)),
    ("周五20:00", at(11, 27, 20)),
    ("星期天 9点", at(11, 29, 9)),
    ("礼拜一 9点", at(11, 30, 9)),
    ("周三 11点", at(11, 25, 11)),
    ("周三 9点", at(12, 2, 9)),
    ("28号 9点", at(11, 28, 9)),
    ("5号 9点", at(12, 5, 9)),
    ("下个月15号 9点", at(12, 15, 9)),
    ("下午3点", at(11, 25, 15)),
    ("15:30", at(11, 25, 15, 30)),
    ("中午12点", at(11, 25, 12)),
    ("中午1点", at(11, 25, 13)),
    ("晚上8点", at(11, 25, 20)),
    ("晚上12点半", at(11, 26, 0, 30)),
    ("明天的9点", at(11, 26, 9)),
    ("周5 9点", at(11, 27, 9)),
]

CHINESE_NUMERAL_CASES = [
    ("明天九点", at(11, 26, 9)),
    ("明天九点十五", at(11, 26, 9, 15)),
    ("明天九点零五分", at(11, 26, 9, 5)),
    ("明天晚上八点半", at(11, 26, 20, 30)),
    ("十二月一日", at(12, 1, 9)),
    ("十二月一日 十八点", at(12, 1, 18)),
    ("二〇二六年十二月一日 十八点", at(12, 1, 18)),
    ("三天后", at(11, 28, 10)),
    ("下午三点", at(11, 25, 15)),
    ("两小时后", at(11, 25, 12)),
    ("二十分钟后", at(11, 25, 10, 20)),
    ("下周五晚上七点", at(12, 4, 19)),
    ("十二月二十一号下午两点", at(12, 21, 14)),
]

FULL_WIDTH_CASES = [
    ("明天９点", at(11, 26, 9)),
    ("明早８：３０", at(11, 26, 8, 30)),
    ("１２月１日　１８：００", at(12, 1, 18)),
    ("２０２６－１２－０１ １８：００", at(12, 1, 18)),
    ("３０分钟后", at(11, 25, 10, 30)),
]


@pytest.mark.parametrize(("when", "expected"), ONE_OFF_CASES)
def test_one_off_forms(when: str, expected: datetime) -> None:
    parsed = parse(when)
    assert parsed.run_at == expected
    assert parsed.run_at.tzinfo is TZ
    assert parsed.when_text == when
    assert parsed.message == "交研修日志"
    assert not parsed.is_recurring
    assert parsed.cron is None


@pytest.mark.parametrize(("when", "expected"), CHINESE_NUMERAL_CASES)
def test_chinese_numerals(when: str, expected: datetime) -> None:
    parsed = parse(when)
    assert parsed.run_at == expected
    assert parsed.when_text == when


@pytest.mark.parametrize(("when", "expected"), FULL_WIDTH_CASES)
def test_full_width_digits_and_colon(when: str, expected: datetime) -> None:
    parsed = parse(when)
    assert parsed.run_at == expected
    assert parsed.when_text == when


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("明天", at(11, 26, 9)),
        ("12月1日", at(12, 1, 9)),
        ("下周一", at(11, 30, 9)),
        ("周五", at(11, 27, 9)),
    ],
)
def test_date_without_time_defaults_to_nine(when: str, expected: datetime) -> None:
    parsed = parse(when)
    assert parsed.run_at == expected
    assert parsed.describe().endswith(DEFAULT_NOTE)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("今晚", at(11, 25, 20)),
        ("明早", at(11, 26, 9)),
        ("明天早上", at(11, 26, 9)),
        ("明天上午", at(11, 26, 9)),
        ("明天下午", at(11, 26, 15)),
        ("明天晚上", at(11, 26, 20)),
        ("明天中午", at(11, 26, 12)),
        ("明天傍晚", at(11, 26, 18)),
    ],
)
def test_period_without_hour_uses_period_default(when: str, expected: datetime) -> None:
    """The confirmation echo (``describe()``) says the hour was not written and which was
    taken: 「2026年11月26日（周四） 09:00（未写具体时间，默认 09:00）」."""
    parsed = parse(when)
    assert parsed.run_at == expected
    assert parsed.describe() == (
        f"{format_datetime(expected)}（未写具体时间，默认 {expected:%H:%M}）"
    )


def test_relative_days_keep_current_clock_time() -> None:
    now = datetime(2026, 11, 25, 14, 37, tzinfo=TZ)
    assert parse("3天后", now).run_at == at(11, 28, 14, 37)
    assert "默认" not in parse("3天后", now).describe()


def test_relative_minutes_keep_seconds() -> None:
    now = datetime(2026, 11, 25, 10, 0, 30, tzinfo=TZ)
    assert parse("30分钟后", now).run_at == now + timedelta(minutes=30)


@pytest.mark.parametrize("when", ["今晚12点", "晚上12点", "今天24点"])
def test_midnight_tonight_is_start_of_next_day(when: str) -> None:
    parsed = parse(when)
    assert parsed.run_at == at(11, 26, 0)
    assert parsed.describe() == "2026年11月26日（周四） 00:00"


def test_past_default_time_is_explained() -> None:
    error = parse_error("今天")
    assert error.reason.startswith("时间已经过去了：2026年11月25日（周三） 09:00" + DEFAULT_NOTE)


def test_early_morning_twelve_is_midnight_of_that_day() -> None:
    assert parse("明天凌晨12点").run_at == at(11, 26, 0)


def test_bare_weekday_on_same_day_after_time_means_next_week() -> None:
    friday_night = datetime(2026, 11, 27, 21, 0, tzinfo=TZ)
    assert parse("周五20:00", friday_night).run_at == at(12, 4, 20)


def test_month_day_in_december_for_january_is_next_year() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=TZ)
    assert parse("1月5日 9点", december).run_at == at(1, 5, 9, year=2027)
    assert parse("12月25日 9点", december).run_at == at(12, 25, 9)
    assert parse("十二月三十一日", december).run_at == at(12, 31, 9)


def test_month_day_long_past_rolls_over_to_next_year() -> None:
    assert parse("6月1日 9点").run_at == at(6, 1, 9, year=2027)


def test_month_day_passed_long_ago_means_next_year_and_says_so() -> None:
    # more than RECENT_PAST_DAYS (60) back: next year's, said (a date passed lately is refused,
    # tests/scheduler/test_timeparse_recent_dates.py)
    december = datetime(2026, 12, 6, 11, 51, tzinfo=TZ)
    parsed = parse("9月1日 18:00", december)
    assert parsed.run_at == at(9, 1, 18, year=2027)
    assert parsed.describe() == "2027年9月1日（周三） 18:00（今年的9月1日已过，按2027年）"
    assert parse("9月20日 9点").run_at == at(9, 20, 9, year=2027)
    assert parse("9/1 18:00", december).run_at == at(9, 1, 18, year=2027)
    # a date still ahead this year has no note
    assert parse("12月25日 9点", december).describe() == "2026年12月25日（周五） 09:00"


def test_month_day_today_with_a_passed_time_is_past_not_next_year() -> None:
    error = parse_error("11月25日 9点")
    assert error.reason.startswith("时间已经过去了：2026年11月25日（周三） 09:00")


def test_day_of_month_past_this_month_is_next_month() -> None:
    parsed = parse("20号 8点")
    assert parsed.run_at == at(12, 20, 8)
    assert parsed.describe().endswith("（本月20日已过，按下个月）")


@pytest.mark.parametrize(
    ("when", "shown"),
    [
        ("昨天9点", "2026年11月24日（周二） 09:00"),
        ("昨天", "2026年11月24日（周二） 09:00" + DEFAULT_NOTE),
        ("昨晚8点", "2026年11月24日（周二） 20:00"),
        ("前天下午3点", "2026年11月23日（周一） 15:00"),
        ("大前天 9点", "2026年11月22日（周日） 09:00"),
        ("上周五 9点", "2026年11月20日（周五） 09:00"),
        ("上个月15号 9点", "2026年10月15日（周四） 09:00"),
        ("去年12月1日 9点", "2025年12月1日（周一） 09:00"),
        ("3天前", "「3天前」是过去的时间"),
        ("2小时前", "「2小时前」是过去的时间"),
    ],
)
def test_past_wordings_are_reported_as_past(when: str, shown: str) -> None:
    reason = parse_error(when).reason
    assert reason.startswith("时间已经过去了：" + shown)
    assert "现在是 2026年11月25日（周三） 10:00" in reason and "请写一个将来的时间" in reason


def test_past_looking_words_in_the_message_are_not_a_time() -> None:
    assert "没看懂" in parse_error("2小时 前往报告厅").reason  # no 后: not a time at all
    assert parse_reminder("3天后 前往报告厅", NOW).message == "前往报告厅"


@pytest.mark.parametrize(
    ("when", "quoted"),
    [
        ("3000天后", "3000天后"),
        ("400周后", "400周后"),
        ("100000小时后", "100000小时后"),
        ("999999周后", "999999周后"),
        ("500天后9点", "500天后"),
    ],
)
def test_relative_count_too_far_ahead_says_the_limit(when: str, quoted: str) -> None:
    reason = parse_error(when).reason
    assert reason.startswith(f"时间太远了：「{quoted}」")
    assert "一年以内（最晚到 2027年11月25日（周四） 10:00）" in reason


def test_relative_count_within_a_year_with_four_digits() -> None:
    assert parse("1000分钟后").run_at == NOW + timedelta(minutes=1000)
    assert parse("365天后").run_at == at(11, 25, 10, year=2027)
    assert "一年以内" in parse_error("366天后").reason


def test_one_year_ahead_is_the_limit() -> None:
    assert parse("2027-11-25 10:00").run_at == at(11, 25, 10, year=2027)
    assert "一年以内" in parse_error("2027-11-25 10:01").reason
    assert "一年以内" in parse_error("2028-01-01 9点").reason


# ---------------------------------------------------------------- message extraction


@pytest.mark.parametrize(
    ("text", "when", "message"),
    [
        ("明天9点 交研修日志", "明天9点", "交研修日志"),
        ("明天9点交研修日志", "明天9点", "交研修日志"),
        ("明天9点,交研修日志", "明天9点", "交研修日志"),
        ("明天9点:交研修日志", "明天9点", "交研修日志"),
        ("  明天 9点   交 研修 日志  ", "明天 9点", "交 研修 日志"),
        ("明天 交研修日志", "明天", "交研修日志"),
        ("每周五20:00 提交本周 研修总结", "每周五20:00", "提交本周 研修总结"),
        ("cron 0 9 * * 1-5 早上签到", "cron 0 9 * * 1-5", "早上签到"),
        ("后天下午3点半开班会", "后天下午3点半", "开班会"),
        ("30分钟后 上线听课", "30分钟后", "上线听课"),
        ("明天 2份材料带齐", "明天", "2份材料带齐"),
        ("明天9点半 3号楼集合", "明天9点半", "3号楼集合"),
        ("明天下午开班会", "明天下午", "开班会"),
        ("明天９点 交日志", "明天９点", "交日志"),
    ],
)
def test_message_is_the_remainder(text: str, when: str, message: str) -> None:
    parsed = parse_reminder(text, NOW)
    assert parsed.when_text == when
    assert parsed.message == message


# ---------------------------------------------------------------- recurring


RECURRING_CASES = [
    (
        "每天21:00",
        {"hour": "21", "minute": "0", "day_of_week": "*", "day": "*"},
        "每天 21:00",
        [at(11, 25, 21), at(11, 26, 21), at(11, 27, 21)],
    ),
    (
        "每天晚上9点",
        {"hour": "21", "minute": "0"},
        "每天 21:00",
        [at(11, 25, 21), at(11, 26, 21), at(11, 27, 21)],
    ),
    (
        "每晚9点半",
        {"hour": "21", "minute": "30"},
        "每天 21:30",
        [at(11, 25, 21, 30), at(11, 26, 21, 30), at(11, 27, 21, 30)],
    ),
    (
        "每周五20:00",
        {"hour": "20", "minute": "0", "day_of_week": "fri"},
        "每周五 20:00",
        [at(11, 27, 20), at(12, 4, 20), at(12, 11, 20)],
    ),
    (
        "每周一、三、五 8:00",
        {"hour": "8", "day_of_week": "mon,wed,fri"},
        "每周一、三、五 08:00",
        [at(11, 27, 8), at(11, 30, 8), at(12, 2, 8)],
    ),
    (
        "每周一三五 8点",
        {"day_of_week": "mon,wed,fri"},
        "每周一、三、五 08:00",
        [at(11, 27, 8), at(11, 30, 8), at(12, 2, 8)],
    ),
    (
        "每周一至五 8点",
        {"day_of_week": "mon-fri"},
        "每周一至周五 08:00",
        [at(11, 26, 8), at(11, 27, 8), at(11, 30, 8)],
    ),
    (
        "工作日 8:00",
        {"hour": "8", "minute": "0", "day_of_week": "mon-fri"},
        "每周一至周五 08:00",
        [at(11, 26, 8), at(11, 27, 8), at(11, 30, 8)],
    ),
    (
        "每个工作日早上7点半",
        {"hour": "7", "minute": "30", "day_of_week": "mon-fri"},
        "每周一至周五 07:30",
        [at(11, 26, 7, 30), at(11, 27, 7, 30), at(11, 30, 7, 30)],
    ),
    (
        "每周末10点",
        {"day_of_week": "sat,sun"},
        "每周六、日 10:00",
        [at(11, 28, 10), at(11, 29, 10), at(12, 5, 10)],
    ),
    (
        "每月1日 9:00",
        {"day": "1", "hour": "9", "day_of_week": "*", "month": "*"},
        "每月1日 09:00",
        [at(12, 1, 9), at(1, 1, 9, year=2027), at(2, 1, 9, year=2027)],
    ),
    (
        "每月15号上午10点",
        {"day": "15", "hour": "10"},
        "每月15日 10:00",
        [at(12, 15, 10), at(1, 15, 10, year=2027), at(2, 15, 10, year=2027)],
    ),
    (
        "每月1日、15日 9点",
        {"day": "1,15"},
        "每月1日、15日 09:00",
        [at(12, 1, 9), at(12, 15, 9), at(1, 1, 9, year=2027)],
    ),
    (
        "每月最后一天 18:00",
        {"day": "last", "hour": "18"},
        "每月最后一天 18:00",
        [at(11, 30, 18), at(12, 31, 18), at(1, 31, 18, year=2027)],
    ),
    (
        "每年12月1日 9点",
        {"month": "12", "day": "1"},
        "每年12月1日 09:00",
        [at(12, 1, 9), at(12, 1, 9, year=2027), at(12, 1, 9, year=2028)],
    ),
    (
        "每天十二点",
        {"hour": "12"},
        "每天 12:00",
        [at(11, 25, 12), at(11, 26, 12), at(11, 27, 12)],
    ),
    (
        "每周五２０：００",
        {"day_of_week": "fri", "hour": "20"},
        "每周五 20:00",
        [at(11, 27, 20), at(12, 4, 20), at(12, 11, 20)],
    ),
]


@pytest.mark.parametrize(("when", "fields", "description", "runs"), RECURRING_CASES)
def test_recurring_forms(
    when: str, fields: dict[str, str], description: str, runs: list[datetime]
) -> None:
    parsed = parse(when)
    assert parsed.is_recurring
    assert parsed.run_at is None
    assert parsed.cron is not None
    assert set(parsed.cron) == {"minute", "hour", "day", "month", "day_of_week"}
    assert {key: parsed.cron[key] for key in fields} == fields
    assert parsed.describe() == description
    assert parsed.next_runs() == runs
    assert parsed.when_text == when
    assert parsed.message == "交研修日志"


def test_recurring_without_time_defaults_to_nine() -> None:
    parsed = parse("每周一")
    assert parsed.cron is not None
    assert parsed.cron["hour"] == "9"
    assert parsed.describe() == "每周一 09:00" + DEFAULT_NOTE


def test_next_runs_are_strictly_after_now_and_count() -> None:
    parsed = parse("每天10点")
    runs = parsed.next_runs(5)
    assert runs == [at(11, 26 + i, 10) for i in range(5)]


def test_next_runs_for_one_off_is_run_at() -> None:
    assert parse("明天9点").next_runs() == [at(11, 26, 9)]


def test_every_day_late_evening_twelve_is_midnight() -> None:
    parsed = parse("每天晚上12点")
    assert parsed.cron is not None
    assert (parsed.cron["hour"], parsed.cron["minute"]) == ("0", "0")
    assert parsed.next_runs(1) == [at(11, 26, 0)]


def test_month_days_over_28_note_skipped_months() -> None:
    parsed = parse("每月31日 9点")
    assert "跳过" in parsed.describe()
    assert parsed.next_runs(2) == [at(12, 31, 9), at(1, 31, 9, year=2027)]


def test_shanghai_has_no_dst_shift() -> None:
    march = datetime(2027, 3, 12, 10, 0, tzinfo=TZ)
    runs = parse("每天9点", march).next_runs(5)
    assert [run.hour for run in runs] == [9] * 5
    assert {run.utcoffset() for run in runs} == {timedelta(hours=8)}
    october = datetime(2026, 10, 31, 23, 30, tzinfo=TZ)
    assert parse("1小时后", october).run_at == datetime(2026, 11, 1, 0, 30, tzinfo=TZ)


# ---------------------------------------------------------------- cron


@pytest.mark.parametrize(
    ("expr", "day_of_week", "runs"),
    [
        ("0 9 * * 1-5", "mon-fri", [at(11, 26, 9), at(11, 27, 9), at(11, 30, 9)]),
        ("30 8 * * 0", "sun", [at(11, 29, 8, 30), at(12, 6, 8, 30), at(12, 13, 8, 30)]),
        ("0 9 * * 7", "sun", [at(11, 29, 9), at(12, 6, 9), at(12, 13, 9)]),
        ("0 9 * * 1,3,5", "mon,wed,fri", [at(11, 27, 9), at(11, 30, 9), at(12, 2, 9)]),
        ("0 9 * * MON-FRI", "mon-fri", [at(11, 26, 9), at(11, 27, 9), at(11, 30, 9)]),
        ("0 20 1 * *", "*", [at(12, 1, 20), at(1, 1, 20, year=2027), at(2, 1, 20, year=2027)]),
        ("0 10,14 * * 3", "wed", [at(11, 25, 14), at(12, 2, 10), at(12, 2, 14)]),
        ("0 */2 * * 6", "sat", [at(11, 28, 0), at(11, 28, 2), at(11, 28, 4)]),
    ],
)
def test_cron_expression(expr: str, day_of_week: str, runs: list[datetime]) -> None:
    parsed = parse_reminder(f"cron {expr} 签到", NOW)
    assert parsed.when_text == f"cron {expr}"
    assert parsed.message == "签到"
    assert parsed.cron is not None
    assert parsed.cron["day_of_week"] == day_of_week
    assert parsed.next_runs() == runs
    assert expr in parsed.describe()


def test_cron_prefix_is_case_insensitive() -> None:
    assert parse_reminder("CRON 0 9 * * 1-5 签到", NOW).is_recurring


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon-fri"),
        ("0,6", "sat,sun"),
        ("5-7", "fri-sun"),
        ("0-6", "*"),
        ("*/2", "tue,thu,sat,sun"),
        ("1-5/2", "mon,wed,fri"),
        ("sat,sun", "sat,sun"),
    ],
)
def test_crontab_weekdays(field: str, expected: str) -> None:
    assert crontab_weekdays(field) == expected


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("cron 99 9 * * *", "第 1 段「分钟」写的是「99」：分钟只能是 0–59"),
        ("cron 0 24 * * *", "第 2 段「小时」写的是「24」：小时只能是 0–23"),
        ("cron 0 9 0 * *", "第 3 段「日」写的是「0」：日只能是 1–31"),
        ("cron 0 9 * 13 *", "第 4 段「月」写的是「13」：月只能是 1–12"),
        ("cron 0 9 * * 8", "第 5 段「星期」写的是「8」：星期只能是 0–7（0 和 7 都是周日）"),
        ("cron 0 9 * * 5-1", "第 5 段「星期」写的是「5-1」：范围写反了"),
        ("cron 0 9-5 * * *", "第 2 段「小时」写的是「9-5」：范围写反了"),
        ("cron 0 */0 * * *", "第 2 段「小时」写的是「*/0」：「/」后面要写间隔的数"),
        ("cron x 9 * * *", "第 1 段「分钟」写的是「x」"),
        ("cron 0 9 1,,2 * *", "第 3 段「日」写的是「1,,2」"),
    ],
)
def test_invalid_cron_names_the_field_in_chinese(when: str, says: str) -> None:
    error = parse_error(when)
    assert error.reason.startswith("cron 表达式" + says), error.reason
    assert "分钟（0–59） 小时（0–23） 日（1–31） 月（1–12） 星期（0–7" in str(error)
    assert "例如：/remind cron 0 9 * * 1-5 签到" in str(error)
    assert "Error" not in str(error) and "value" not in str(error)


def test_cron_month_names_are_accepted() -> None:
    parsed = parse_reminder("cron 0 9 1 jan-mar * 签到", NOW)
    assert parsed.next_runs(1) == [at(1, 1, 9, year=2027)]


@pytest.mark.parametrize(
    ("when", "gap"),
    [
        ("cron * * * * *", "1 分钟"),
        ("cron */30 9 * * *", "30 分钟"),
        ("cron 0,59 9 * * 1", "59 分钟"),
        ("cron 0-5 9 * * *", "1 分钟"),
        ("cron 0,30 0,23 * * *", "30 分钟"),
    ],
)
def test_recurring_more_often_than_hourly_is_refused(when: str, gap: str) -> None:
    error = parse_error(when)
    assert error.reason.startswith(f"重复提醒太频繁了：按 cron「{when[5:]}」")
    assert f"最短只隔 {gap}" in error.reason
    assert "至少要隔 1 小时" in error.reason
    assert "cron 0 9,14,20 * * *" in error.reason  # says how to remind several times a day


def test_hourly_is_the_most_frequent_allowed() -> None:
    hourly = parse_reminder("cron 0 * * * * 喝水", NOW)
    runs = hourly.next_runs(3)
    assert [run - runs[0] for run in runs] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    # 23:00 and 00:00 the next day are one hour apart: allowed
    assert parse_reminder("cron 0 0,23 * * * 签到", NOW).is_recurring


def test_six_field_cron_is_rejected() -> None:
    assert "5 段" in parse_error("cron 0 0 9 * * 1-5").reason


def test_cron_message_may_start_with_a_digit() -> None:
    parsed = parse_reminder("cron 0 9 * * 1-5 3号楼集合", NOW)
    assert parsed.message == "3号楼集合"


def test_cron_that_never_fires_is_rejected() -> None:
    assert "永远不会触发" in parse_error("cron 0 0 30 2 *").reason


# ---------------------------------------------------------------- triggers and describe


def test_one_off_trigger_is_date_trigger() -> None:
    trigger = parse("明天9点").trigger()
    assert isinstance(trigger, DateTrigger)
    assert trigger.get_next_fire_time(None, NOW) == at(11, 26, 9)


def test_recurring_trigger_is_cron_trigger_in_now_timezone() -> None:
    parsed = parse("每周五20:00")
    trigger = parsed.trigger()
    assert isinstance(trigger, CronTrigger)
    assert str(trigger.timezone) == "Asia/Shanghai"
    assert trigger.get_next_fire_time(None, NOW) == at(11, 27, 20)


def test_trigger_uses_now_timezone() -> None:
    utc_now = datetime(2026, 11, 25, 2, 0, tzinfo=ZoneInfo("UTC"))
    parsed = parse("明天9点", utc_now)
    assert parsed.run_at == datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert parsed.next_runs(1)[0].tzinfo == ZoneInfo("UTC")


def test_describe_one_off() -> None:
    assert parse("12月1日 18:00").describe() == "2026年12月1日（周二） 18:00"
    assert parse("明天").describe() == "2026年11月26日（周四） 09:00" + DEFAULT_NOTE


# ---------------------------------------------------------------- errors


def test_error_messages_show_examples() -> None:
    error = parse_error("随便写写")
    assert error.reason.startswith("没看懂提醒时间")
    assert "明天9点" in str(error)
    assert "每周五20:00" in str(error)


@pytest.mark.parametrize("text", ["", "   ", "交研修日志", "下周 交日志"])
def test_unparseable(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_reminder(text, NOW)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("今天8点", "时间已经过去了：2026年11月25日（周三） 08:00"),
        ("今早9点", "时间已经过去了"),
        ("本周一 9点", "时间已经过去了"),
        ("2026-11-24 18:00", "时间已经过去了"),
        ("0分钟后", "时间已经过去了"),
        ("2月30日", "日期不存在"),
        ("2026-02-30 9点", "日期不存在"),
        ("2月29日", "日期不存在"),
        ("13月1日", "日期不存在"),
        ("11月31日", "日期不存在"),
        ("31号 9点", "日期不存在"),
        ("每月32日", "日期不存在"),
        ("每年2月30日", "日期不存在"),
        ("25点", "时间不存在"),
        ("明天25点", "时间不存在"),
        ("明天9点60分", "时间不存在"),
        ("明天上午15点", "时间不存在"),
        ("今晚1点", "有歧义"),
        ("每周五晚上12点", "有歧义"),
        ("每周六日晚上12点", "有歧义"),
    ],
)
def test_errors(when: str, expected: str) -> None:
    error = parse_error(when)
    assert expected in error.reason
    assert "可以这样写" in str(error)


def test_a_passed_hour_alone_is_tomorrows() -> None:
    """「9点」 at 10:00 has no day written: the next 09:00, tomorrow's, said (QA21 F9)."""
    parsed = parse("9点")
    assert parsed.run_at == at(11, 26, 9)
    assert parsed.describe() == (
        "2026年11月26日（周四） 09:00（今天 09:00 已过，按明天 09:00 理解；今晚请写「今晚9点」）"
    )
    assert parsed.message == "交研修日志"


def test_empty_message_is_rejected() -> None:
    with pytest.raises(TimeParseError, match="^请在时间后写上提醒内容"):
        parse_reminder("明天9点", NOW)
    with pytest.raises(TimeParseError, match="^请在时间后写上提醒内容"):
        parse_reminder("每周五20:00  ,  ", NOW)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_reminder("明天9点 交日志", datetime(2026, 11, 25, 10, 0))


# ---------------------------------------------------------------- helpers and hygiene


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("9", 9),
        ("九", 9),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("零五", 5),
        ("二〇二六", 2026),
        ("2026", 2026),
    ],
)
def test_cn_to_int(token: str, value: int) -> None:
    assert cn_to_int(token) == value


def test_aps_weekdays() -> None:
    assert aps_weekdays({0, 2, 4}) == "mon,wed,fri"
    assert aps_weekdays({0, 1, 2, 3, 4}) == "mon-fri"
    assert aps_weekdays({0, 1, 3}) == "mon,tue,thu"
    assert aps_weekdays(set(range(7))) == "*"


def test_module_imports_no_bot_or_database_code() -> None:
    entry = Path(timeparse.__file__)
    parts = sorted((entry.parent / "when").glob("*.py"))
    assert len(parts) > 10  # scheduler/when/: the parts timeparse.py imports
    modules: set[str] = set()
    for path in [entry, *parts]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules |= {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    forbidden = ("telegram", "aiogram", "sqlmodel", "sqlalchemy", "bot", "handlers", "psycopg")
    assert not [name for name in modules if name.split(".")[0] in forbidden]


@pytest.mark.parametrize("when", ["cron 0 9 * * ① 交日志", "cron 0 9 * * */② 交日志"])
def test_circled_numbers_in_cron_are_refused_not_a_crash(when: str) -> None:
    assert "星期" in str(parse_error(when))
