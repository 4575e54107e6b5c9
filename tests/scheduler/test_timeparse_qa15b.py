"""/remind as QA15 typed it, second part (Monday 2026-12-07, 09:04 bot time unless a test says
otherwise): 「明儿」「明儿个」 are 明天 (L7); 「周一 8点」 on a Monday after 08:00 says it is next
Monday's (L6); a past deadline's refusal suggests a line that is read (L5)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from scheduler.timeparse import format_datetime, parse_reminder, small_hours_tomorrow
from tests.scheduler.test_timeparse import DEFAULT_NOTE, TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

MONDAY_MORNING = datetime(2026, 12, 7, 9, 4, tzinfo=TZ)

# ---------------------------------------------------------------- L7: 明儿, 明儿个


@pytest.mark.parametrize(
    ("typed", "run_at"),
    [
        ("明儿下午三点 交研修日志", at(12, 8, 15)),
        ("明儿个下午三点 交研修日志", at(12, 8, 15)),
        ("明儿 8.30 交研修日志", at(12, 8, 8, 30)),
        ("今儿晚上8点 交研修日志", at(12, 7, 20)),
        ("今儿个晚上8点 交研修日志", at(12, 7, 20)),
        ("后儿上午10点 交研修日志", at(12, 9, 10)),
    ],
)
def test_spoken_day_words_are_the_days_they_name(typed: str, run_at: datetime) -> None:
    parsed = parse_reminder(typed, MONDAY_MORNING)
    assert parsed.run_at == run_at
    assert parsed.message == "交研修日志"
    assert parsed.describe() == format_datetime(run_at)


def test_tomorrow_spoken_without_a_time_is_nine_o_clock() -> None:
    parsed = parse_reminder("明儿 交研修日志", MONDAY_MORNING)
    assert parsed.run_at == at(12, 8, 9)
    assert parsed.describe().endswith(DEFAULT_NOTE)


def test_tomorrow_spoken_after_midnight_is_flagged_like_mingtian() -> None:
    night = datetime(2026, 12, 7, 0, 30, tzinfo=TZ)
    parsed = parse_reminder("明儿上午9点 交研修日志", night)
    assert parsed.run_at == at(12, 8, 9)
    assert small_hours_tomorrow(parsed.when_text, night) == ("明儿", date(2026, 12, 8))


def test_yesterday_spoken_is_past_not_unread() -> None:
    assert refusal("昨儿 交研修日志", MONDAY_MORNING).startswith("时间已经过去了")


# ---------------------------------------------------------------- L6: today's weekday, passed


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("周一 8点 交作业", "（今天的 08:00 已过，按下周一）"),
        ("星期一 8点 交作业", "（今天的 08:00 已过，按下周一）"),
        ("礼拜一早上8点 交作业", "（今天的 08:00 已过，按下周一）"),
    ],
)
def test_todays_weekday_with_its_time_passed_says_next_week(typed: str, note: str) -> None:
    parsed = parse_reminder(typed, MONDAY_MORNING)
    assert parsed.run_at == at(12, 14, 8)
    assert parsed.describe() == f"{format_datetime(at(12, 14, 8))}{note}"


def test_todays_weekday_without_a_time_after_nine_says_next_week() -> None:
    parsed = parse_reminder("周一 交作业", MONDAY_MORNING)
    assert parsed.run_at == at(12, 14, 9)
    assert parsed.describe().endswith(f"{DEFAULT_NOTE}（今天的 09:00 已过，按下周一）")


@pytest.mark.parametrize(
    ("typed", "run_at"),
    [
        ("周一晚上8点 交作业", at(12, 7, 20)),  # still ahead today
        ("周三 8点 交作业", at(12, 9, 8)),  # another day
    ],
)
def test_a_weekday_still_ahead_has_no_note(typed: str, run_at: datetime) -> None:
    parsed = parse_reminder(typed, MONDAY_MORNING)
    assert parsed.run_at == run_at
    assert parsed.describe() == format_datetime(run_at)


# ---------------------------------------------------------------- L5: a past deadline's line


@pytest.mark.parametrize(
    ("typed", "line", "run_at"),
    [
        (
            "12月1日前 交作业",
            "2027年11月30日 9:00 2027年12月1日前交作业",
            at(11, 30, 9, year=2027),
        ),
        (
            "12月5日之前 交材料",
            "2027年12月4日 9:00 2027年12月5日之前交材料",
            at(12, 4, 9, year=2027),
        ),
    ],
)
def test_a_recent_deadline_suggests_a_line_that_is_read(
    typed: str, line: str, run_at: datetime
) -> None:
    reason = refusal(typed, MONDAY_MORNING)
    assert "」已经过去了（" in reason and "日期写错了的话，请改正后重新发送" in reason
    assert suggested(reason) == [line]
    parsed = parse_reminder(line, MONDAY_MORNING)
    assert parsed.run_at == run_at


def test_a_recent_date_that_is_no_deadline_keeps_its_line() -> None:
    reason = refusal("12月1日 开会", MONDAY_MORNING)
    assert suggested(reason) == ["2027年12月1日 开会"]
    assert "要提醒 2027年12月1日 的话，请写上年份" in reason


# ---------------------------------------------------------------- M6: 「12月8日周二」 unbracketed


@pytest.mark.parametrize(
    "typed",
    [
        "12月8日周二 9点 交作业",
        "12月8日周二9点 交作业",
        "12月8日 星期二 上午9点 交作业",
        "12月8日，周二，9点 交作业",
        "12.8 周二 9点 交作业",
        "2026-12-08 周二 9点 交作业",
        "明天周二 9点 交作业",
        "12月8日周二九点 交作业",
    ],
)
def test_a_weekday_right_after_a_date_is_read_as_in_brackets(typed: str) -> None:
    parsed = parse_reminder(typed, MONDAY_MORNING)
    assert parsed.run_at == at(12, 8, 9)
    assert parsed.message == "交作业"
    assert parsed.describe() == format_datetime(at(12, 8, 9))
    assert parsed.when_text == typed.removesuffix(" 交作业")


def test_a_weekday_after_a_date_without_a_time_is_nine_o_clock() -> None:
    parsed = parse_reminder("12月8日周二 交作业", MONDAY_MORNING)
    assert (parsed.run_at, parsed.message) == (at(12, 8, 9), "交作业")


def test_weekdays_after_a_range_of_days_are_checked_too() -> None:
    parsed = parse_reminder("12月12日至14日 周六至周一 8点 签到", MONDAY_MORNING)
    assert parsed.describe() == "12月12日（周六）至12月14日（周一） 每天 08:00"
    reason = refusal("12月12日至14日 周五至周日 8点 签到", MONDAY_MORNING)
    assert "对不上：12月12日是周六，不是周五。" in reason


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("12月8日周三 9点 交作业", "「12月8日周三」"),
        ("12月8日 星期三 上午9点 交作业", "「12月8日 星期三」"),
    ],
)
def test_a_wrong_weekday_after_a_date_is_caught(typed: str, quoted: str) -> None:
    reason = refusal(typed, MONDAY_MORNING)
    assert reason == (
        f"{quoted}里的日期和星期对不上：12月8日是周二，不是周三。请核对日期和星期后重新发送。"
    )


def test_a_wrong_weekday_that_may_start_the_text_says_how_to_keep_it() -> None:
    reason = refusal("12月8日 周三 开会", MONDAY_MORNING)
    assert "12月8日是周二，不是周三" in reason
    (line,) = suggested(reason)
    assert line == "12月8日 9点 周三 开会"
    parsed = parse_reminder(line, MONDAY_MORNING)
    assert (parsed.run_at, parsed.message) == (at(12, 8, 9), "周三 开会")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12月8日周二例会", "周二例会"),  # a word follows: the text's
        ("12月8日 9点 周三 开会", "周三 开会"),  # after the time: the text's
    ],
)
def test_a_weekday_in_the_text_stays_there(typed: str, message: str) -> None:
    parsed = parse_reminder(typed, MONDAY_MORNING)
    assert (parsed.run_at, parsed.message) == (at(12, 8, 9), message)


def test_weekend_days_written_together_stay_a_weekly_rule() -> None:
    parsed = parse_reminder("周六周日 10点 读书", MONDAY_MORNING)
    assert parsed.describe() == "每周六、日 10:00"
