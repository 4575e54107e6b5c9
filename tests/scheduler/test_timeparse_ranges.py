"""Recurring phrasings that used to be misread (QA 6b, M1 and L7): 「周一至周五 晚上9点」 and
「工作日每天早上8点」 are weekly rules at the written time; two times in one reminder, a list of
weekdays without 每 are refused with what to write (「下周一至周五」 is those five days since
QA10 M1); a time left at the start of the text after a defaulted time is refused, not sent at
09:00; and 「8点」 typed in the evening after 08:00 has passed means 20:00 tonight, said in the
description."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from scheduler.timeparse import TimeParseError, parse_reminder
from tests.scheduler.test_timeparse import NOW, TZ, at

# NOW is Wednesday 2026-11-25 10:00; the tester typed on Sunday 2026-12-06 at 19:48
SUNDAY_EVENING = datetime(2026, 12, 6, 19, 48, tzinfo=TZ)
DEFAULT_NOTE = "（未写具体时间，默认 09:00）"


@pytest.mark.parametrize(
    ("typed", "day_of_week", "hour", "minute", "described", "message", "runs"),
    [
        (
            "周一至周五 晚上9点 打卡",
            "mon-fri",
            "21",
            "0",
            "每周一至周五 21:00",
            "打卡",
            [at(12, 7, 21), at(12, 8, 21), at(12, 9, 21)],
        ),
        (
            "周一到周五每天晚上9点 打卡",
            "mon-fri",
            "21",
            "0",
            "每周一至周五 21:00",
            "打卡",
            [at(12, 7, 21), at(12, 8, 21), at(12, 9, 21)],
        ),
        (
            "周一至周五每天早上8点 晨读",
            "mon-fri",
            "8",
            "0",
            "每周一至周五 08:00",
            "晨读",
            [at(12, 7, 8), at(12, 8, 8), at(12, 9, 8)],
        ),
        (
            "工作日每天早上8点 签到",
            "mon-fri",
            "8",
            "0",
            "每周一至周五 08:00",
            "签到",
            [at(12, 7, 8), at(12, 8, 8), at(12, 9, 8)],
        ),
        (
            "每个工作日每天早上8点半 签到",
            "mon-fri",
            "8",
            "30",
            "每周一至周五 08:30",
            "签到",
            [at(12, 7, 8, 30), at(12, 8, 8, 30), at(12, 9, 8, 30)],
        ),
        (
            "工作日每晚9点 打卡",
            "mon-fri",
            "21",
            "0",
            "每周一至周五 21:00",
            "打卡",
            [at(12, 7, 21), at(12, 8, 21), at(12, 9, 21)],
        ),
        (
            "每周一到周五每天晚上9点 打卡",
            "mon-fri",
            "21",
            "0",
            "每周一至周五 21:00",
            "打卡",
            [at(12, 7, 21), at(12, 8, 21), at(12, 9, 21)],
        ),
        (
            "星期一到星期五 8:00 打卡",
            "mon-fri",
            "8",
            "0",
            "每周一至周五 08:00",
            "打卡",
            [at(12, 7, 8), at(12, 8, 8), at(12, 9, 8)],
        ),
        (
            "周一至五 8点 打卡",
            "mon-fri",
            "8",
            "0",
            "每周一至周五 08:00",
            "打卡",
            [at(12, 7, 8), at(12, 8, 8), at(12, 9, 8)],
        ),
        (
            "周一至周五的晚上9点 打卡",
            "mon-fri",
            "21",
            "0",
            "每周一至周五 21:00",
            "打卡",
            [at(12, 7, 21), at(12, 8, 21), at(12, 9, 21)],
        ),
        (
            "周一到周六 7点 晨练",
            "mon-sat",
            "7",
            "0",
            "每周一至周六 07:00",
            "晨练",
            [at(12, 7, 7), at(12, 8, 7), at(12, 9, 7)],
        ),
        (
            "周二至周四 下午3点 研讨",
            "tue-thu",
            "15",
            "0",
            "每周二至周四 15:00",
            "研讨",
            [at(12, 8, 15), at(12, 9, 15), at(12, 10, 15)],
        ),
        (
            "周五到周日 晚上8点 交日志",
            "fri-sun",
            "20",
            "0",
            "每周五至周日 20:00",
            "交日志",
            [at(12, 6, 20), at(12, 11, 20), at(12, 12, 20)],
        ),
        (
            "周一至周五 打卡",
            "mon-fri",
            "9",
            "0",
            "每周一至周五 09:00" + DEFAULT_NOTE,
            "打卡",
            [at(12, 7, 9), at(12, 8, 9), at(12, 9, 9)],
        ),
        (
            "周一至周五晚上 打卡",
            "mon-fri",
            "20",
            "0",
            "每周一至周五 20:00（未写具体时间，默认 20:00）",
            "打卡",
            [at(12, 7, 20), at(12, 8, 20), at(12, 9, 20)],
        ),
        (
            "每周一至三、五 8点 晨读",
            "mon-wed,fri",
            "8",
            "0",
            "每周一至周三、五 08:00",
            "晨读",
            [at(12, 7, 8), at(12, 8, 8), at(12, 9, 8)],
        ),
    ],
)
def test_weekday_ranges_and_every_day_are_weekly_rules(
    typed: str,
    day_of_week: str,
    hour: str,
    minute: str,
    described: str,
    message: str,
    runs: list[datetime],
) -> None:
    parsed = parse_reminder(typed, SUNDAY_EVENING)
    assert parsed.run_at is None
    assert parsed.cron == {
        "minute": minute,
        "hour": hour,
        "day": "*",
        "month": "*",
        "day_of_week": day_of_week,
    }
    assert parsed.describe() == described
    assert parsed.message == message
    assert parsed.next_runs() == runs


def test_a_weekday_range_also_works_midweek() -> None:
    parsed = parse_reminder("周一至周五 晚上9点 打卡", NOW)
    assert parsed.next_runs() == [at(11, 25, 21), at(11, 26, 21), at(11, 27, 21)]


def test_next_weeks_monday_to_friday_is_those_five_days() -> None:
    # QA10 M1: it was refused as 「一条一次性提醒只能在一天发出」
    parsed = parse_reminder("下周一至周五 8点 签到", SUNDAY_EVENING)
    assert parsed.describe() == "12月7日（周一）至12月11日（周五） 每天 08:00"
    assert parsed.next_runs(6) == [at(12, day, 8) for day in range(7, 12)]
    assert parsed.message == "签到"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "每天早晚8点 打卡",
            "一条提醒只能有一个时间，请分两条设置：早上8点和晚上8点。"
            "例如先发 /remind 每天早上8点 打卡，再发 /remind 每天晚上8点 打卡",
        ),
        (
            "早晚8点 打卡",
            "一条提醒只能有一个时间，请分两条设置：早上8点和晚上8点。"
            "例如先发 /remind 早上8点 打卡，再发 /remind 晚上8点 打卡",
        ),
        (
            "每天早晚各8点半 打卡",
            "一条提醒只能有一个时间，请分两条设置：早上8点半和晚上8点半。"
            "例如先发 /remind 每天早上8点半 打卡，再发 /remind 每天晚上8点半 打卡",
        ),
        (
            "每天8点和20点 打卡",
            "一条提醒只能有一个时间，请分两条设置：8点和20点。"
            "例如先发 /remind 每天8点 打卡，再发 /remind 每天20点 打卡",
        ),
        (
            "每天早上8点和晚上9点 打卡",
            "一条提醒只能有一个时间，请分两条设置：早上8点和晚上9点。"
            "例如先发 /remind 每天早上8点 打卡，再发 /remind 每天晚上9点 打卡",
        ),
        (
            "每周五20:00、21:00 交周报",
            "一条提醒只能有一个时间，请分两条设置：20:00和21:00。"
            "例如先发 /remind 每周五20:00 交周报，再发 /remind 每周五21:00 交周报",
        ),
        (
            "周一、三、五 8点 晨读",
            "「周一、三、五」是好几天：每周都要提醒的话，请写成：/remind 每周一、三、五 8点 晨读；"
            "只提醒一次的话，请每天分别设置，例如：/remind 周一 8点 晨读",
        ),
        (
            "周五和周六 休息",
            "「周五和周六」是好几天：每周都要提醒的话，请写成：/remind 每周五和周六 休息；"
            "只提醒一次的话，请每天分别设置，例如：/remind 周五 休息",
        ),
        (
            "工作日。早上8点 签到",
            "还没有设置提醒：「早上8点」里的时间没能读懂（只读出了「工作日」，没有钟点）。"
            "请写成：/remind 工作日 早上8点 签到\n"
            "如果「早上8点」是提醒内容的一部分，请先写明提醒时间，例如："
            "/remind 工作日 09:00 早上8点 签到",
        ),
        (
            "工作日 。每天早上8点 签到",
            "还没有设置提醒：「每天早上8点」里的时间没能读懂（只读出了「工作日」，没有钟点）。"
            "请写成：/remind 工作日 早上8点 签到\n"
            "如果「每天早上8点」是提醒内容的一部分，请先写明提醒时间，例如："
            "/remind 工作日 09:00 每天早上8点 签到",
        ),
        (
            "明天。晚上8点 交材料",
            "还没有设置提醒：「晚上8点」里的时间没能读懂（只读出了「明天」，没有钟点）。"
            "请写成：/remind 明天 晚上8点 交材料\n"
            "如果「晚上8点」是提醒内容的一部分，请先写明提醒时间，例如："
            "/remind 明天 09:00 晚上8点 交材料",
        ),
        (
            "周五下午。 3点半 交材料",
            "还没有设置提醒：「3点半」里的时间没能读懂（只读出了「周五下午」，按 15:00）。"
            "请写成：/remind 周五下午 3点半 交材料\n"
            "如果「3点半」是提醒内容的一部分，请先写明提醒时间，例如："
            "/remind 周五下午 15:00 3点半 交材料",
        ),
        (
            "周末每天10点 打卡",
            "还没有设置提醒：「每天10点」里的时间没能读懂（只读出了「周末」，没有钟点）。"
            "只提醒一次的话，请写成：/remind 周末 10点 打卡；"
            "要重复提醒的话，请写成：/remind 每天 10点 打卡\n"
            "如果「每天10点」是提醒内容的一部分，请先写明提醒时间，例如："
            "/remind 周末 09:00 每天10点 打卡",
        ),
    ],
)
def test_what_cannot_be_read_whole_is_refused_with_how_to_write_it(
    typed: str, reason: str
) -> None:
    with pytest.raises(TimeParseError) as info:
        parse_reminder(typed, SUNDAY_EVENING)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "typed",
    [
        "工作日。早上8点 签到",
        "周一、三、五 8点 晨读",
        "每天早晚8点 打卡",
        "每天8点和20点 打卡",
    ],
)
def test_each_suggested_form_is_read(typed: str) -> None:
    """Every /remind a refusal suggests parses, at a written time, keeping the text."""
    with pytest.raises(TimeParseError) as info:
        parse_reminder(typed, SUNDAY_EVENING)
    suggested = re.findall(r"/remind (.+?)(?:；|，再发|\n|$)", info.value.reason)
    assert len(suggested) >= 2
    for when in suggested:
        parsed = parse_reminder(when, SUNDAY_EVENING)
        assert parsed.default_time_note == ""
        assert parsed.message in typed


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        # a time after a time, with nothing defaulted, stays in the text (what it says)
        ("明天9点 10点开会,请提前到", at(12, 7, 9), "10点开会,请提前到"),
        ("工作日 09:00 每天早上8点 签到", None, "每天早上8点 签到"),
        # 早晚 without an hour after it is no second time
        ("明天 早晚温差大,注意保暖", at(12, 7, 9), "早晚温差大,注意保暖"),
        # 「到七楼」 is no range of weekdays
        ("周五到七楼开会", at(12, 11, 9), "到七楼开会"),
        # a period word alone after the day is read as its usual hour, as before
        ("周五 下午开会", at(12, 11, 15), "开会"),
    ],
)
def test_times_in_the_text_that_are_not_refused(
    typed: str, run_at: datetime | None, message: str
) -> None:
    parsed = parse_reminder(typed, SUNDAY_EVENING)
    assert parsed.run_at == run_at
    assert parsed.message == message


@pytest.mark.parametrize(
    ("typed", "now", "run_at", "described"),
    [
        (
            "8点 签到",
            SUNDAY_EVENING,
            at(12, 6, 20),
            "2026年12月6日（周日） 20:00"
            "（今天 08:00 已过，按今晚 20:00 理解；明早请写「明天8点」）",
        ),
        (
            "8点半 签到",
            SUNDAY_EVENING,
            at(12, 6, 20, 30),
            "2026年12月6日（周日） 20:30"
            "（今天 08:30 已过，按今晚 20:30 理解；明早请写「明天8点半」）",
        ),
        (
            "9:15 签到",
            SUNDAY_EVENING,
            at(12, 6, 21, 15),
            "2026年12月6日（周日） 21:15"
            "（今天 09:15 已过，按今晚 21:15 理解；明早请写「明天9:15」）",
        ),
        (
            "十一点 签到",
            SUNDAY_EVENING,
            at(12, 6, 23),
            "2026年12月6日（周日） 23:00"
            "（今天 11:00 已过，按今晚 23:00 理解；明早请写「明天十一点」）",
        ),
        (  # 1-5 点 without 上午/下午 is the afternoon's at any hour (QA11 M5)
            "3点 签到",
            datetime(2026, 12, 6, 12, 30, tzinfo=TZ),
            at(12, 6, 15),
            "2026年12月6日（周日） 15:00（「3点」按下午理解；凌晨的话请写「凌晨3点」）",
        ),
        # still ahead today: read as written, no note
        (
            "9点 签到",
            datetime(2026, 12, 6, 7, 0, tzinfo=TZ),
            at(12, 6, 9),
            "2026年12月6日（周日） 09:00",
        ),
        ("21点 签到", SUNDAY_EVENING, at(12, 6, 21), "2026年12月6日（周日） 21:00"),
    ],
)
def test_a_bare_morning_hour_typed_in_the_evening_means_tonight(
    typed: str, now: datetime, run_at: datetime, described: str
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.run_at == run_at
    assert parsed.describe() == described
    assert parsed.message == "签到"


@pytest.mark.parametrize(
    ("typed", "now", "run_at", "described"),
    [
        (  # read as 15:00 (QA11 M5), which has passed too
            "3点 签到",
            SUNDAY_EVENING,
            at(12, 7, 15),
            "2026年12月7日（周一） 15:00（「3点」按下午理解；凌晨的话请写「凌晨3点」）"
            "（今天 15:00 已过，按明天 15:00 理解）",
        ),
        (  # 24-hour
            "08:00 签到",
            SUNDAY_EVENING,
            at(12, 7, 8),
            "2026年12月7日（周一） 08:00（今天 08:00 已过，按明天 08:00 理解）",
        ),
        (
            "早上8点 签到",
            SUNDAY_EVENING,
            at(12, 7, 8),
            "2026年12月7日（周一） 08:00（今天 08:00 已过，按明天 08:00 理解）",
        ),
        (  # morning: the evening is not guessed, but how to write it is said
            "9点 签到",
            NOW,
            at(11, 26, 9),
            "2026年11月26日（周四） 09:00"
            "（今天 09:00 已过，按明天 09:00 理解；今晚请写「今晚9点」）",
        ),
    ],
)
def test_passed_hours_that_are_not_read_as_tonight(
    typed: str, now: datetime, run_at: datetime, described: str
) -> None:
    """No day written and not tonight's: the same time tomorrow, said (QA21 F9)."""
    parsed = parse_reminder(typed, now)
    assert parsed.run_at == run_at
    assert parsed.describe() == described
    assert parsed.message == "签到"


def test_a_passed_hour_with_today_written_is_refused() -> None:
    with pytest.raises(TimeParseError) as info:
        parse_reminder("今天8点 签到", SUNDAY_EVENING)
    assert info.value.reason.startswith("时间已经过去了：2026年12月6日（周日） 08:00")
