"""/remind as QA15 typed it, second part (Monday 2026-12-07, 09:04 bot time unless a test says
otherwise): 「明儿」「明儿个」 are 明天 (L7); 「周一 8点」 on a Monday after 08:00 says it is next
Monday's (L6); a past deadline's refusal suggests a line that is read (L5)."""

from __future__ import annotations

from datetime import datetime

import pytest

from scheduler.timeparse import format_datetime, parse_reminder
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
