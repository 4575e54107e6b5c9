"""A date no year has (QA22 F7): typed in December 2026, 「2月30日」 said 「2026年2月没有30日」
while 「2月28日」 is read as 2027's. It now names no year (「2月没有30日」); only 2月29日,
which some years have, is refused with the year it was read in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from scheduler.timeparse import parse_reminder
from tests.events import command
from tests.scheduler.test_handlers import text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import TZ
from tests.scheduler.test_timeparse_wrap_and_commas import refusal

DECEMBER = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
DECEMBER_2027 = datetime(2027, 12, 7, 10, 0, tzinfo=TZ)  # the coming February is a leap one


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2月30日 测试", "日期不存在：「2月30日」（2月没有30日）。"),
        ("2月31日 测试", "日期不存在：「2月31日」（2月没有31日）。"),
        ("4月31日 测试", "日期不存在：「4月31日」（4月没有31日）。"),
        ("2/30 测试", "日期不存在：「2/30」（2月没有30日）。"),
        ("二月三十日 测试", "日期不存在：「二月三十日」（2月没有30日）。"),
        ("12月32日 测试", "日期不存在：「12月32日」（12月没有32日）。"),
        ("2027年2月30日 测试", "日期不存在：「2027年2月30日」（2月没有30日）。"),
        ("明年4月31日 测试", "日期不存在：「明年4月31日」（4月没有31日）。"),
        ("每年2月30日 测试", "日期不存在：「每年2月30日」（2月没有30日）。"),
        # 2月29日 is a date of some years: the year it was read in is named
        ("2027年2月29日 测试", "日期不存在：「2027年2月29日」（2027年2月没有29日）。"),
        ("明年2月29日 测试", "日期不存在：「明年2月29日」（2027年2月没有29日）。"),
    ],
)
def test_a_date_no_year_has_names_no_year(typed: str, reason: str) -> None:
    assert refusal(typed, DECEMBER) == reason


def test_the_coming_february_of_a_past_date_is_still_read_as_next_years() -> None:
    """The rule the refusal no longer contradicts: a month-day over this year is next year's."""
    parsed = parse_reminder("2月28日 测试", DECEMBER)
    assert parsed.run_at.date().isoformat() == "2027-02-28"
    assert "（今年的2月28日已过，按2027年）" in parsed.describe()


def test_february_29th_without_a_year_follows_the_coming_february() -> None:
    """No 2月29日 in 2027: said with the next one (2028), not 「2026年2月没有29日」; typed in
    December 2027 it is 2028's, said so."""
    reason = refusal("2月29日 测试", DECEMBER)
    assert reason.startswith("日期不存在：往后一年里没有2月29日。下一个2月29日是 2028年2月29日")
    assert "2026年2月" not in reason and "2027年2月" not in reason
    parsed = parse_reminder("2月29日 测试", DECEMBER_2027)
    assert parsed.run_at.date().isoformat() == "2028-02-29"
    assert "（今年没有2月29日，按2028年）" in parsed.describe()


async def test_the_bot_refuses_february_30th_without_a_year(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 2月30日 测试")))
    assert "日期不存在：「2月30日」（2月没有30日）" in text
    assert "年2月没有" not in text and "✅ 确认" not in text
