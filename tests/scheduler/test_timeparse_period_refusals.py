"""A refusal after a day with a period word and no hour (「周五下午」, read as 15:00) says what
was read as it was read: 「只读出了「周五下午」（按 15:00）」, not 「没有钟点」, which contradicted
the 15:00 in the same message; and each /remind line it suggests is read at the time it names
(「周五 下午5点」, not 「周五下午 下午5点」, which is refused again)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from scheduler.timeparse import parse_reminder
from tests.scheduler.test_timeparse import TZ
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # a time of day in the text (「截止5点」)
        ("周五下午 交材料，截止5点", "提醒时间只读出了「周五下午」（按 15:00）。"),
        ("周五下午 交材料，截止下午5点", "提醒时间只读出了「周五下午」（按 15:00）。"),
        ("明天晚上 交作业（截止10点）", "提醒时间只读出了「明天晚上」（按 20:00）。"),
        ("今晚 交材料，截止下午5点", "提醒时间只读出了「今晚」（按 20:00）。"),
        ("工作日 早上 签到，8:30前", "提醒时间只读出了「工作日 早上」（按 09:00）。"),
        # a time of day starting the text that could not be placed
        ("明天下午 早上8点 签到", "（只读出了「明天下午」，按 15:00）。"),
        ("周五下午。 3点半 交材料", "（只读出了「周五下午」，按 15:00）。"),
        # a range of a count
        ("明天晚上 3-5 人一组 讨论", "提醒时间只读出了「明天晚上」（按 20:00）。"),
        ("周五中午 2-3 人一组 讨论", "提醒时间只读出了「周五中午」（按 12:00）。"),
    ],
)
def test_the_hour_a_period_word_gave_is_said_not_denied(typed: str, read: str) -> None:
    reason = refusal(typed, MONDAY)
    assert read in reason
    assert "没有钟点" not in reason
    assert reason.startswith("还没有设置提醒：")


@pytest.mark.parametrize(
    "typed",
    [
        "明天 交材料，截止下午5点",
        "周六 12.12 开会",
        "明天。晚上8点 交材料",
        "明天 3-5 人一组 讨论",
    ],
)
def test_a_day_alone_still_has_no_hour(typed: str) -> None:
    reason = refusal(typed, MONDAY)
    day = re.split(r"[\s。]", typed)[0]
    assert f"只读出了「{day}」，没有钟点" in reason
    assert "（按 " not in reason and "，按 " not in reason


@pytest.mark.parametrize(
    ("typed", "first_line", "hour"),
    [
        ("周五下午 交材料，截止下午5点", "周五 下午5点 交材料，截止", 17),
        ("周五下午 交材料，截止5点", "周五下午 5点 交材料，截止", 17),
        ("今晚 交材料，截止下午5点", "今天 下午5点 交材料，截止", 17),
        ("明天下午 早上8点 签到", "明天 早上8点 签到", 8),
        ("下周一上午 开会（下午3点）", "下周一 下午3点 开会", 15),
        ("明天晚上 3-5 人一组 讨论", "明天晚上 20:00 3-5 人一组 讨论", 20),
    ],
)
def test_each_suggested_line_is_read_at_the_time_it_names(
    typed: str, first_line: str, hour: int
) -> None:
    lines = suggested(refusal(typed, MONDAY))
    assert lines[0] == first_line
    assert parse_reminder(lines[0], MONDAY).run_at.hour == hour  # type: ignore[union-attr]
    for line in lines:
        assert not parse_reminder(line, MONDAY).default_time_note  # none is refused again


def test_the_hours_of_a_count_after_an_evening_are_suggested_as_read() -> None:
    """「明天晚上 3-5点」 is refused (晚上3点 has no meaning); the hours are suggested after the
    day alone, read as the afternoon."""
    lines = suggested(refusal("明天晚上 3-5 人一组 讨论", MONDAY))
    assert lines[1] == "明天 3-5点 提醒内容"
    assert parse_reminder(lines[1], MONDAY).run_at.hour == 15  # type: ignore[union-attr]
