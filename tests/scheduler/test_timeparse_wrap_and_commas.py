"""What a busy manager types on a phone (QA pass): weekday ranges that wrap past Sunday
(「周六到周一 早上8点」 is Sat, Sun and Mon every week, shown back as 「每周六至周一 08:00」),
and a comma, 、 or semicolon between the day and the time (「3天后, 9点」「明天，早上9点」
「下周二,下午3点」), read as one WHEN without eating the text that follows. What stays
ambiguous (a list of days without 每) is refused with the fix, and every suggested fix parses;
「下周六到周一」「周六到下周一」 name their week and are those days since QA10 M1."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.db.reminder_models import Reminder
from scheduler.timeparse import TimeParseError, format_datetime, parse_reminder
from tests.events import command, press
from tests.scheduler.test_handlers import buttons_of, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import NOW, TZ, at

# NOW is Wednesday 2026-11-25 10:00 in Asia/Shanghai; SUNDAY_EVENING is Sunday 2026-12-06 19:48
SUNDAY_EVENING = datetime(2026, 12, 6, 19, 48, tzinfo=TZ)
DEFAULT_NOTE = "（未写具体时间，默认 09:00）"


def refusal(typed: str, now: datetime = SUNDAY_EVENING) -> str:
    with pytest.raises(TimeParseError) as info:
        parse_reminder(typed, now)
    return info.value.reason


def suggested(reason: str) -> list[str]:
    """The /remind commands a refusal suggests."""
    return re.findall(r"/remind (.+?)(?:；|，再发|\n|$)", reason)


# ---------------------------------------------------------------- weekday ranges past Sunday


@pytest.mark.parametrize(
    ("typed", "now", "day_of_week", "hour", "described", "message", "runs"),
    [
        (
            "周六到周一 早上8点 签到",
            SUNDAY_EVENING,
            "mon,sat,sun",
            "8",
            "每周六至周一 08:00",
            "签到",
            [at(12, 7, 8), at(12, 12, 8), at(12, 13, 8)],
        ),
        (
            "周六到周一 早上8点 签到",
            NOW,
            "mon,sat,sun",
            "8",
            "每周六至周一 08:00",
            "签到",
            [at(11, 28, 8), at(11, 29, 8), at(11, 30, 8)],
        ),
        (
            "周五至周一 打卡",
            SUNDAY_EVENING,
            "mon,fri-sun",
            "9",
            "每周五至周一 09:00" + DEFAULT_NOTE,
            "打卡",
            [at(12, 7, 9), at(12, 11, 9), at(12, 12, 9)],
        ),
        (
            "星期六到星期二 8点 晨练",
            SUNDAY_EVENING,
            "mon,tue,sat,sun",
            "8",
            "每周六至周二 08:00",
            "晨练",
            [at(12, 7, 8), at(12, 8, 8), at(12, 12, 8)],
        ),
        (
            "每周六至一 晚上9点 交日志",  # with 每 too; Sunday 21:00 is still ahead tonight
            SUNDAY_EVENING,
            "mon,sat,sun",
            "21",
            "每周六至周一 21:00",
            "交日志",
            [at(12, 6, 21), at(12, 7, 21), at(12, 12, 21)],
        ),
        (
            "周日到周一 20:00 交日志",
            SUNDAY_EVENING,
            "mon,sun",
            "20",
            "每周日、一 20:00",
            "交日志",
            [at(12, 6, 20), at(12, 7, 20), at(12, 13, 20)],
        ),
        (
            "周五到周一、周三 8点 晨读",
            SUNDAY_EVENING,
            "mon,wed,fri-sun",
            "8",
            "每周三、五至周一 08:00",
            "晨读",
            [at(12, 7, 8), at(12, 9, 8), at(12, 11, 8)],
        ),
        (
            "周六到周五 8点 值日",  # round the whole week: every day
            SUNDAY_EVENING,
            "*",
            "8",
            "每天 08:00",
            "值日",
            [at(12, 7, 8), at(12, 8, 8), at(12, 9, 8)],
        ),
        (
            "周六到周一，早上8点 签到",  # both at once
            SUNDAY_EVENING,
            "mon,sat,sun",
            "8",
            "每周六至周一 08:00",
            "签到",
            [at(12, 7, 8), at(12, 12, 8), at(12, 13, 8)],
        ),
    ],
)
def test_a_weekday_range_past_sunday_is_the_days_it_names(
    typed: str,
    now: datetime,
    day_of_week: str,
    hour: str,
    described: str,
    message: str,
    runs: list[datetime],
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.run_at is None
    assert parsed.cron == {
        "minute": "0",
        "hour": hour,
        "day": "*",
        "month": "*",
        "day_of_week": day_of_week,
    }
    assert parsed.describe() == described
    assert parsed.message == message
    assert parsed.next_runs() == runs


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "周六、周日、周一 8点 签到",
            "「周六、周日、周一」是好几天：每周都要提醒的话，请写成："
            "/remind 每周六、周日、周一 8点 签到；"
            "只提醒一次的话，请每天分别设置，例如：/remind 周六 8点 签到",
        ),
    ],
)
def test_what_stays_ambiguous_is_refused_with_the_fix(typed: str, reason: str) -> None:
    assert refusal(typed) == reason


@pytest.mark.parametrize(
    "typed",
    [
        "周一、周三、8点 晨读",
    ],
)
def test_each_suggested_fix_is_read(typed: str) -> None:
    """Every /remind the refusal suggests parses at the written time and keeps the text."""
    fixes = suggested(refusal(typed, NOW))
    assert len(fixes) == 2
    for when in fixes:
        parsed = parse_reminder(when, NOW)
        assert parsed.default_time_note == ""
        assert parsed.message in typed


@pytest.mark.parametrize(
    ("typed", "now", "label", "runs"),
    [
        # QA10 M1: a week named makes these those days, no longer refused as one-offs
        (
            "下周六到周一 8点 签到",
            SUNDAY_EVENING,
            "12月12日（周六）至12月14日（周一） 每天 08:00",
            [at(12, 12, 8), at(12, 13, 8), at(12, 14, 8)],
        ),
        (
            "周六到下周一 8点 签到",
            NOW,
            "11月28日（周六）至11月30日（周一） 每天 08:00",
            [at(11, 28, 8), at(11, 29, 8), at(11, 30, 8)],
        ),
        (
            "本周五至下周一，8点 签到",
            SUNDAY_EVENING,
            "12月4日（周五）至12月7日（周一） 每天 08:00",
            [at(12, 7, 8)],
        ),
    ],
)
def test_days_past_sunday_with_a_week_named_are_those_days(
    typed: str, now: datetime, label: str, runs: list[datetime]
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.describe() == label
    assert parsed.next_runs(5) == runs
    assert parsed.message == "签到"


def test_saturday_to_next_monday_typed_on_sunday_says_how_it_was_read() -> None:
    # the coming Saturday is after 下周一 (tomorrow): refused, showing both days
    assert refusal("周六到下周一 8点 签到") == (
        "「周六到下周一」的结束日期 明天 12月7日（周一） 早于开始日期 12月12日（周六）："
        "请先写开始日期，再写结束日期。"
    )


# ---------------------------------------------------------------- separators within WHEN


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("3天后, 9点 交研修总结", at(11, 28, 9), "交研修总结"),
        ("3天后，9点 交研修总结", at(11, 28, 9), "交研修总结"),
        ("明天，早上9点 开会", at(11, 26, 9), "开会"),
        ("明天,晚上8点 交材料", at(11, 26, 20), "交材料"),
        ("明天、9点 交作业", at(11, 26, 9), "交作业"),
        ("明天；9点 交作业", at(11, 26, 9), "交作业"),
        ("明天 ; 9点半交作业", at(11, 26, 9, 30), "交作业"),
        ("下周二,下午3点 听讲座", at(12, 1, 15), "听讲座"),
        ("下周二，下午3点 听讲座", at(12, 1, 15), "听讲座"),
        ("周五下午，3点半 交材料", at(11, 27, 15, 30), "交材料"),
        ("12月1日，18:00 交材料", at(12, 1, 18), "交材料"),
        ("明天，早上9点，带上证书", at(11, 26, 9), "带上证书"),
    ],
)
def test_a_separator_between_the_day_and_the_time(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == run_at
    assert parsed.default_time_note == ""
    assert parsed.message == message
    assert parsed.describe() == format_datetime(run_at)


@pytest.mark.parametrize(
    ("typed", "day_of_week", "day", "hour", "minute", "described", "runs"),
    [
        (
            "每周一、周三，8点 晨读",
            "mon,wed",
            "*",
            "8",
            "0",
            "每周一、三 08:00",
            [at(11, 30, 8), at(12, 2, 8), at(12, 7, 8)],
        ),
        (
            "每周一、周三、8点 晨读",
            "mon,wed",
            "*",
            "8",
            "0",
            "每周一、三 08:00",
            [at(11, 30, 8), at(12, 2, 8), at(12, 7, 8)],
        ),
        (
            "每周一；周三 8点 晨读",  # a semicolon between the days, as 、
            "mon,wed",
            "*",
            "8",
            "0",
            "每周一、三 08:00",
            [at(11, 30, 8), at(12, 2, 8), at(12, 7, 8)],
        ),
        (
            "每周三，7点 晨读",  # 7 is the hour, not Sunday
            "wed",
            "*",
            "7",
            "0",
            "每周三 07:00",
            [at(12, 2, 7), at(12, 9, 7), at(12, 16, 7)],
        ),
        (
            "每周五，20:00 晨读",
            "fri",
            "*",
            "20",
            "0",
            "每周五 20:00",
            [at(11, 27, 20), at(12, 4, 20), at(12, 11, 20)],
        ),
        (
            "工作日，早上8点 晨读",
            "mon-fri",
            "*",
            "8",
            "0",
            "每周一至周五 08:00",
            [at(11, 26, 8), at(11, 27, 8), at(11, 30, 8)],
        ),
        (
            "工作日 ,每天早上8点 晨读",
            "mon-fri",
            "*",
            "8",
            "0",
            "每周一至周五 08:00",
            [at(11, 26, 8), at(11, 27, 8), at(11, 30, 8)],
        ),
        (
            "周一至周五，7:30 晨读",  # 7 is the hour, not Sunday
            "mon-fri",
            "*",
            "7",
            "30",
            "每周一至周五 07:30",
            [at(11, 26, 7, 30), at(11, 27, 7, 30), at(11, 30, 7, 30)],
        ),
        (
            "每天，21:00 晨读",
            "*",
            "*",
            "21",
            "0",
            "每天 21:00",
            [at(11, 25, 21), at(11, 26, 21), at(11, 27, 21)],
        ),
        (
            "每月1日；9点 晨读",
            "*",
            "1",
            "9",
            "0",
            "每月1日 09:00",
            [at(12, 1, 9), at(1, 1, 9, year=2027), at(2, 1, 9, year=2027)],
        ),
    ],
)
def test_a_separator_in_a_recurring_rule(
    typed: str,
    day_of_week: str,
    day: str,
    hour: str,
    minute: str,
    described: str,
    runs: list[datetime],
) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.cron == {
        "minute": minute,
        "hour": hour,
        "day": day,
        "month": "*",
        "day_of_week": day_of_week,
    }
    assert parsed.describe() == described
    assert parsed.message == "晨读"
    assert parsed.next_runs() == runs


@pytest.mark.parametrize(
    ("typed", "run_at", "message", "default_note"),
    [
        ("明天9点 交作业，带上证书", at(11, 26, 9), "交作业，带上证书", ""),
        ("明天9点，交作业，带上证书", at(11, 26, 9), "交作业，带上证书", ""),
        ("明天，交作业、带上证书", at(11, 26, 9), "交作业、带上证书", DEFAULT_NOTE),
        # a period word alone after a separator is text: remind in the morning of the meeting
        ("明天，下午开会", at(11, 26, 9), "下午开会", DEFAULT_NOTE),
        # a time after the time stays in the text, as without the comma
        ("明天9点，10点开会,请提前到", at(11, 26, 9), "10点开会,请提前到", ""),
        ("3天后，交研修总结", at(11, 28, 10), "交研修总结", ""),
    ],
)
def test_the_text_after_when_is_kept_whole(
    typed: str, run_at: datetime, message: str, default_note: str
) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == run_at
    assert parsed.message == message
    assert parsed.default_time_note == default_note


@pytest.mark.parametrize(
    ("typed", "described", "message"),
    [
        ("每周一、三、五，8点 交作业，带上证书", "每周一、三、五 08:00", "交作业，带上证书"),
        # 点名 after a list of days is the text, as before: Wednesday and Friday
        ("每周三、五点名", "每周三、五 09:00" + DEFAULT_NOTE, "点名"),
    ],
)
def test_a_list_of_days_keeps_its_text(typed: str, described: str, message: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.describe() == described
    assert parsed.message == message


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "周一、周三 8点 晨读",  # every week, or once on each day?
            "「周一、周三」是好几天：每周都要提醒的话，请写成：/remind 每周一、周三 8点 晨读；"
            "只提醒一次的话，请每天分别设置，例如：/remind 周一 8点 晨读",
        ),
        (
            "周一、周三、8点 晨读",
            "「周一、周三」是好几天：每周都要提醒的话，请写成：/remind 每周一、周三 8点 晨读；"
            "只提醒一次的话，请每天分别设置，例如：/remind 周一 8点 晨读",
        ),
        (
            "明天。早上9点 开会",  # a full stop ends WHEN: said, not sent at 09:00 silently
            "还没有设置提醒：「早上9点」里的时间没能读懂（只读出了「明天」，没有钟点）。"
            "请写成：/remind 明天 早上9点 开会\n"
            "如果「早上9点」是提醒内容的一部分，请先写明提醒时间，例如："
            "/remind 明天 09:00 早上9点 开会",
        ),
    ],
)
def test_separators_that_are_not_read_are_refused_with_the_fix(typed: str, reason: str) -> None:
    assert refusal(typed, NOW) == reason


@pytest.mark.parametrize("typed", ["明天下午 晚上8点 开会", "明天下午，晚上8点 开会"])
def test_two_period_words_are_refused_not_a_crash(typed: str) -> None:
    """The suggestion 「明天下午 晚上8点」 is not read whole either: never suggested (again
    and again until the stack ran out once); the day without its 下午 is."""
    assert refusal(typed, NOW).startswith(
        "还没有设置提醒：「晚上8点」里的时间没能读懂（只读出了「明天下午」，按 15:00）。"
        "请写成：/remind 明天 晚上8点 开会"
    )


# ---------------------------------------------------------------- a deadline: when to remind

SUNDAY_NIGHT = datetime(2026, 12, 6, 23, 21, tzinfo=TZ)  # when QA typed 「明天，9点半前到场」
SUNDAY_MORNING = datetime(2026, 12, 6, 8, 0, tzinfo=TZ)
NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 50, tzinfo=TZ)


@pytest.mark.parametrize(
    ("typed", "now", "fix"),
    [
        # 09:00 the day before has passed: 08:00 on the day, 90 minutes ahead of it.
        ("明天，9点半前到场", SUNDAY_NIGHT, "12月7日 8:00 明天，9点半前到场"),
        ("明天中午前交材料", SUNDAY_NIGHT, "12月7日 8:00 明天中午前交材料"),
        # The day before at 09:00 while it is ahead; else that evening at 20:00.
        ("明天，9点半前到场", SUNDAY_MORNING, "12月6日 9:00 明天，9点半前到场"),
        ("明天，9点半前到场", SUNDAY_EVENING, "12月6日 20:00 明天，9点半前到场"),
        ("12月10日前 交材料", SUNDAY_NIGHT, "12月9日 9:00 12月10日前交材料"),
        # Nothing sensible left before it: soon, on the quarter hour (23:21 → 23:45).
        ("明天7点前到场", SUNDAY_NIGHT, "12月6日 23:45 明天7点前到场"),
        ("明天前交材料", SUNDAY_NIGHT, "12月6日 23:45 明天前交材料"),  # 「明天」 starts at 00:00
        ("今天9点前 交材料", SUNDAY_MORNING, "12月6日 8:15 今天9点前交材料"),
        # Another year is written, so the suggestion is not read as this year's date.
        ("明天，9点半前到场", NEW_YEARS_EVE, "2027年1月1日 8:00 明天，9点半前到场"),
        ("10月10日前 交材料", NEW_YEARS_EVE, "2027年10月9日 9:00 10月10日前交材料"),
    ],
)
def test_a_deadline_is_refused_with_a_time_still_ahead(
    typed: str, now: datetime, fix: str
) -> None:
    """「明天，9点半前到场」 late at night used to suggest 09:00 today, already past (and refused
    as past when sent)."""
    reason = refusal(typed, now)
    assert reason.startswith(f"「{typed.split('前')[0]}前」像是截止时间。请先写提醒发出的时间")
    assert suggested(reason) == [fix]


@pytest.mark.parametrize(
    ("typed", "now", "reason"),
    [
        (
            "今天23:30前 交材料",
            SUNDAY_NIGHT,
            "「今天23:30前」像是截止时间。提醒要在截止之前发出：请先写一个在 "
            "2026年12月6日（周日） 23:30 之前的提醒时间，再写内容。",
        ),
        (
            "明天前交材料",
            NEW_YEARS_EVE,
            "「明天前」像是截止时间。提醒要在截止之前发出：请先写一个在 "
            "2027年1月1日（周五） 之前的提醒时间，再写内容。",
        ),
    ],
)
def test_a_deadline_too_close_is_refused_without_a_time(
    typed: str, now: datetime, reason: str
) -> None:
    assert refusal(typed, now) == reason


DEADLINES = [  # (typed, the deadline has no time of day: it ends when its day starts)
    ("明天，9点半前到场", False),
    ("明天7点前到场", False),
    ("明天早上8点前 签到", False),
    ("明天中午前交材料", False),
    ("今天23:55前 交材料", False),
    ("今晚10点前 交日志", False),
    ("后天下午3点前 交作业", False),
    ("2小时后前 交", False),
    ("明天前交材料", True),
    ("后天前 交总结", True),
    ("12月10日前 交材料", True),
    ("1月1日前交材料", True),
]
CLOCKS = [
    datetime(2026, 12, 6, hour, minute, second, tzinfo=TZ)
    for hour in range(24)
    for minute, second in ((0, 0), (21, 0), (44, 30), (59, 59))
] + [NEW_YEARS_EVE, datetime(2026, 12, 9, 23, 59, tzinfo=TZ)]


@pytest.mark.parametrize(("typed", "whole_day"), DEADLINES)
def test_every_suggested_time_parses_ahead_and_before_the_deadline(
    typed: str, whole_day: bool
) -> None:
    """At any time of day, the refusal's /remind parses as it is written, keeps the text, and
    is ahead of now (by ten minutes at least) and before the deadline; or, with no time left,
    it suggests none."""
    when, _, rest = typed.partition("前")
    for now in CLOCKS:
        try:
            due = parse_reminder(f"{when} 提醒", now).run_at
        except TimeParseError:  # the deadline itself has passed: refused as such
            continue
        assert due is not None
        ends = due.replace(hour=0, minute=0) if whole_day else due
        reason = refusal(typed, now)
        fixes = suggested(reason)
        if not fixes:
            assert "提醒要在截止之前发出" in reason and "/remind" not in reason, (now, reason)
            assert ends - now <= timedelta(minutes=25), (now, reason)
            continue
        (fix,) = fixes
        parsed = parse_reminder(fix, now)
        assert parsed.run_at is not None and parsed.default_time_note == "", (now, fix)
        assert now + timedelta(minutes=10) <= parsed.run_at < ends, (now, fix)
        assert parsed.message == f"{when}前{rest.lstrip()}", (now, fix)


# ---------------------------------------------------------------- through the bot


async def test_remind_a_range_past_sunday_confirms_the_weekly_days(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    now = datetime.now(services.settings.timezone)
    eight = now.replace(hour=8, minute=0, second=0, microsecond=0)
    days = (eight + timedelta(days=n) for n in range(1, 8))  # 08:00 today has passed
    runs = [day for day in days if day.weekday() in (5, 6, 0)]
    draft = await conversation.handle(command(MANAGER, "/remind 周六到周一 早上8点 签到"))
    text = text_of(draft)
    assert "时间：每周六至周一 08:00\n接下来三次：\n" in text
    assert "\n".join(f"  · {format_datetime(run)}" for run in runs) in text
    assert "内容：签到" in text and "默认" not in text
    done = await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"]))
    assert "✅ <b>提醒已设置</b>" in text_of(done)
    assert f"时间：每周六至周一 08:00\n下次发送：{format_datetime(runs[0])}" in text_of(done)
    with services.session() as session:
        reminder = session.get(Reminder, int(buttons_of(draft)["✅ 确认"].split(":")[3]))
        assert reminder.status == "active"
        assert reminder.cron["day_of_week"] == "mon,sat,sun"
        assert reminder.next_run_at == runs[0]


async def test_remind_with_a_comma_before_the_time_confirms_that_time(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    now = datetime.now(services.settings.timezone)
    due = (now + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    draft = await conversation.handle(command(MANAGER, "/remind 3天后，9点 交研修总结"))
    text = text_of(draft)
    assert f"时间：{format_datetime(due)}\n内容：交研修总结\n" in text
    done = await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"]))
    assert f"时间：{format_datetime(due)}\n内容：交研修总结" in text_of(done)
    with services.session() as session:
        reminder = session.get(Reminder, int(buttons_of(draft)["✅ 确认"].split(":")[3]))
        assert reminder.status == "active"
        assert reminder.text == "交研修总结"
        assert reminder.next_run_at == due
