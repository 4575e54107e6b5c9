"""QA24 F8: `/remind 每周一到周五每小时 签到` is refused (a rule by the hour), and its
once-a-day line said 「每天只提醒一次的话：/remind 每天8点 签到」, dropping the weekday limit.
Now that line keeps the days of the rule (「/remind 每周一至周五8点 签到」), and /remind reads it
as those days at 8:00; a rule every day keeps 「每天8点」."""

from __future__ import annotations

import re

import pytest

from scheduler.timeparse import parse_reminder
from scheduler.when.hourly import hourly_in_text, refusal_after
from scheduler.when.limits import TimeParseError
from tests.scheduler.test_timeparse import NOW


def refused(typed: str) -> str:
    """The refusal /remind sends for ``typed`` (at parsing, or after it as handlers/reminders.py
    asks)."""
    try:
        parsed = parse_reminder(typed, NOW)
    except TimeParseError as error:
        return error.reason
    hourly = hourly_in_text(parsed)
    assert hourly is not None, parsed
    return refusal_after(hourly, parsed, NOW)


@pytest.mark.parametrize(
    ("typed", "line", "days"),
    [
        ("每周一到周五每小时 签到", "每周一至周五8点 签到", "mon-fri"),
        ("工作日每小时 签到", "每周一至周五8点 签到", "mon-fri"),
        ("每周一至周五8点到18点每小时 签到", "每周一至周五8点 签到", "mon-fri"),
        ("周一三五每小时 签到", "每周一、三、五8点 签到", "mon,wed,fri"),
        ("周六日每小时 打卡", "每周六、日8点 打卡", "sat,sun"),
    ],
)
def test_the_once_a_day_line_keeps_the_days(typed: str, line: str, days: str) -> None:
    reason = refused(typed)
    assert f"一天只提醒一次的话：/remind {line}" in reason, reason
    assert "/remind 每天8点" not in reason, reason
    once = parse_reminder(line, NOW)  # the line given is read as those days at 8:00
    assert once.cron is not None and once.cron["day_of_week"] == days
    assert (once.cron["hour"], once.message) == ("8", line.split()[-1])


def test_a_rule_every_day_keeps_every_day() -> None:
    for typed in ("每小时 签到", "每天每小时 签到", "每天8点到18点每小时 签到"):
        reason = refused(typed)
        assert "每天只提醒一次的话：/remind 每天8点 签到" in reason, reason
        assert not re.search(r"/remind 每周", reason), reason
