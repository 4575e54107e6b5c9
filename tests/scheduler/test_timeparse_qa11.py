"""/remind as QA11 typed it. 「3天后 8.30」 goes out at 08:30 on that day, not at the time it
was typed; minutes written apart from 点 (「8点 30分」「8 点 半」「8.30分」) are read; a bare
1-5 点 is the afternoon's, said in the confirmation; refusals suggest lines that can be sent
as written; 「明天到周五 8.30」 is read like 「明天 8.30」; the small-hours note quotes with
「」."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scheduler.timeparse import parse_reminder
from tests.events import command
from tests.scheduler.test_handlers import text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

# when QA typed them: Monday 2026-12-07 10:30, and in the small hours
MONDAY = datetime(2026, 12, 7, 10, 30, tzinfo=TZ)
SMALL_HOURS = datetime(2026, 12, 7, 2, 22, tzinfo=TZ)
MONDAY_EVENING = datetime(2026, 12, 7, 19, 0, tzinfo=TZ)


def afternoon_note(written: str) -> str:
    return f"（「{written}」按下午理解；凌晨的话请写「凌晨{written}」）"


# ---------------------------------------------------------------- H1: a relative day and a time


@pytest.mark.parametrize(
    "now", [MONDAY, SMALL_HOURS, MONDAY_EVENING], ids=["10:30", "02:22", "19:00"]
)
@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("3天后 8.30 交总结", 3),
        ("3天后8.30交总结", 3),
        ("两天后 8.30 交总结", 2),
        ("一周后 8.30 交总结", 7),
        ("2周后 8.30 交总结", 14),
        ("3天以后 8.30 交总结", 3),
        ("3天后 8:30 交总结", 3),
        ("3天后 8点半 交总结", 3),
        ("5天后 8点30分 交总结", 5),
    ],
)
def test_a_relative_day_and_a_time_is_that_day_at_that_time(
    typed: str, days: int, now: datetime
) -> None:
    parsed = parse_reminder(typed, now)
    day = now.date() + timedelta(days=days)
    assert parsed.run_at == datetime(day.year, day.month, day.day, 8, 30, tzinfo=TZ)
    assert parsed.message == "交总结"
    assert parsed.default_time_note == ""


def test_a_relative_day_with_an_hour_only_is_that_hour() -> None:
    parsed = parse_reminder("3天后 8点 交总结", MONDAY)
    assert parsed.run_at == at(12, 10, 8)
    assert parsed.message == "交总结"


def test_a_relative_day_alone_still_keeps_the_clock_time() -> None:
    parsed = parse_reminder("3天后 交总结", MONDAY)
    assert parsed.run_at == at(12, 10, 10, 30)


# ---------------------------------------------------------------- H2: minutes apart from 点


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [
        ("明天 8点 30分 签到", 8, 30),
        ("明天8点 30分 签到", 8, 30),
        ("明天 上午8点 30分 签到", 8, 30),
        ("明天 上午 8 点 30 分 签到", 8, 30),
        ("明天 早上 8 点 半 签到", 8, 30),
        ("明天 8.30分 签到", 8, 30),
        ("明天 8点30 签到", 8, 30),
        ("明天 8点零5分 签到", 8, 5),
        ("明天 8点 三十分 签到", 8, 30),
        ("明天 8：30：00 签到", 8, 30),
    ],
)
def test_minutes_written_apart_from_the_hour_are_read(typed: str, hour: int, minute: int) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == at(12, 8, hour, minute)
    assert parsed.message == "签到"
    assert parsed.default_time_note == ""


@pytest.mark.parametrize(
    ("typed", "run_at"),
    [
        ("下周一 8点 30分 报到", at(12, 14, 8, 30)),
        ("每天 8点 30分 打卡", None),
    ],
)
def test_minutes_apart_are_read_in_weeks_and_rules(typed: str, run_at: datetime | None) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert {(run.hour, run.minute) for run in parsed.next_runs(3)} == {(8, 30)}
    assert "30分" not in parsed.message


def test_a_half_day_after_the_hour_stays_in_the_text() -> None:
    parsed = parse_reminder("明天 9点 半天培训", MONDAY)
    assert parsed.run_at == at(12, 8, 9)
    assert parsed.message == "半天培训"


# ---------------------------------------------------------------- M5: 1-5 点 is the afternoon


@pytest.mark.parametrize(
    ("typed", "run_at", "written"),
    [
        ("明天1点半 开会", at(12, 8, 13, 30), "1点半"),
        ("明天 3点 交材料", at(12, 8, 15), "3点"),
        ("周五 3点 班会", at(12, 11, 15), "3点"),
        ("明天 4点半 交作业", at(12, 8, 16, 30), "4点半"),
        ("明天 三点 交材料", at(12, 8, 15), "三点"),
        ("3点 交材料", at(12, 7, 15), "3点"),
    ],
)
def test_a_bare_hour_from_one_to_five_is_the_afternoon_and_says_so(
    typed: str, run_at: datetime, written: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert afternoon_note(written) in parsed.describe()


def test_every_day_at_one_is_one_in_the_afternoon() -> None:
    parsed = parse_reminder("每天 1点 午休提醒", MONDAY)
    assert parsed.describe() == "每天 13:00" + afternoon_note("1点")
    assert {run.hour for run in parsed.next_runs(3)} == {13}


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [
        ("明天凌晨1点 值班", 1, 0),
        ("明天 凌晨1点半 值班", 1, 30),
        ("明天 01:00 值班", 1, 0),
        ("明天 1:30 值班", 1, 30),
        ("明早1点 值班", 1, 0),
        ("明天下午1点 值班", 13, 0),
        ("明天 6点 值班", 6, 0),
    ],
)
def test_the_night_and_other_hours_stay_as_written(typed: str, hour: int, minute: int) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == at(12, 8, hour, minute)
    assert "按下午理解" not in parsed.describe()


def test_a_passed_afternoon_hour_says_it_was_read_as_the_afternoon() -> None:
    """「3点」 at 19:00: 15:00 has passed today, so tomorrow's 15:00 (QA21 F9), both said."""
    parsed = parse_reminder("3点 交材料", MONDAY_EVENING)
    assert parsed.run_at == at(12, 8, 15)
    assert parsed.describe() == (
        "2026年12月8日（周二） 15:00"
        + afternoon_note("3点")
        + "（今天 15:00 已过，按明天 15:00 理解）"
    )
    assert parsed.message == "交材料"


async def test_the_confirmation_shows_the_afternoon_and_how_to_write_the_night(
    tmp_path: Path,
) -> None:
    conversation, _ = conversation_at(tmp_path, 10)
    draft = await conversation.handle(command(MANAGER, "/remind 明天1点半 开会"))
    text = text_of(draft)
    assert "13:30（「1点半」按下午理解；凌晨的话请写「凌晨1点半」）" in text
    assert "01:30" not in text


# ---------------------------------------------------------------- L3: sendable suggestions


@pytest.mark.parametrize(
    ("typed", "line", "hour"),
    [
        ("明天 提交作业（截止晚上10点）", "明天 晚上10点 提交作业", 22),
        ("明天 开会（下午3点）", "明天 下午3点 开会", 15),
        ("明天 开会（下午3点） 带本子", "明天 下午3点 开会 带本子", 15),
    ],
)
def test_a_time_in_brackets_is_suggested_without_the_brackets(
    typed: str, line: str, hour: int
) -> None:
    reason = refusal(typed, MONDAY)
    lines = suggested(reason)
    assert lines[0] == line
    assert parse_reminder(lines[0], MONDAY).run_at == at(12, 8, hour)
    assert parse_reminder(lines[1], MONDAY).run_at == at(12, 8, 9)
    assert "（" not in line and "）" not in line


def test_a_dotted_span_after_a_weekday_is_read_whole() -> None:
    parsed = parse_reminder("周三 8.30-9 晨读", MONDAY)  # since QA12 #6: no date after 周三
    assert parsed.run_at == at(12, 9, 8, 30)
    assert parsed.message == "08:30–09:00 晨读"


# ---------------------------------------------------------------- L4: 8.30 after a range


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("明天到周五 8.30 签到", at(12, 8, 8, 30), at(12, 11, 8, 30)),
        ("下周一到周五 8.30 签到", at(12, 14, 8, 30), at(12, 18, 8, 30)),
    ],
)
def test_a_dotted_time_after_a_range_of_days_is_read(
    typed: str, first: datetime, last: datetime
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    runs = parsed.next_runs(9)
    assert runs[0] == first and runs[-1] == last
    assert parsed.message == "签到"


def test_a_dotted_time_after_one_weekday_is_read_unless_it_is_that_day() -> None:
    assert parse_reminder("周五 8.30 开会", MONDAY).run_at == at(12, 11, 8, 30)  # QA12 #6
    reason = refusal("周五 12.11 开会", MONDAY)  # 12月11日 is that Friday
    assert "「12.11」是钟点还是日期？" in reason


# ---------------------------------------------------------------- L5: 「」 in the note


async def test_the_small_hours_note_quotes_with_corner_brackets(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 2)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 明天上午9点 交研修日志")))
    assert "现在是凌晨，「明天」按日历算是" in text
    assert "“" not in text and "”" not in text
