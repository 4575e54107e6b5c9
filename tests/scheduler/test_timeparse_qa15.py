"""/remind as QA15 typed it (Monday 2026-12-07, 10:00 bot time unless a test says otherwise).
An hour written without 点 after a period word is that hour (「下午5 交作业」 is 17:00 「交作业」,
also after 今晚/明早/每晚), while a count or a number after the period word stays in the text
(#1). 「5号」 over this month names next month in the confirmation (#2). A range of days across
New Year typed while it runs (「12月30日到1月2日」 on 1月1日) is that range, not next year's (#3).
「2月29日」 with no 2月29日 in the coming year says when the last and the next one are (#4)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scheduler.timeparse import format_datetime, parse_reminder
from scheduler.when.words import WEEKDAY_CN
from tests.events import command
from tests.scheduler.test_handlers import buttons_of, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)

# ---------------------------------------------------------------- #1: 「下午5」 without 点


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("下午5 交作业", at(12, 7, 17), "交作业"),
        ("下午5交作业", at(12, 7, 17), "交作业"),
        ("下午 5 交作业", at(12, 7, 17), "交作业"),
        ("明天下午5 交作业", at(12, 8, 17), "交作业"),
        ("周五下午5 交周报", at(12, 11, 17), "交周报"),
        ("晚上8 开班会", at(12, 7, 20), "开班会"),
        ("上午11 开会", at(12, 7, 11), "开会"),
        ("中午12 吃饭", at(12, 7, 12), "吃饭"),
        ("今晚8 交作业", at(12, 7, 20), "交作业"),
        ("明早8 集合", at(12, 8, 8), "集合"),
        ("下午5 5个人一组", at(12, 7, 17), "5个人一组"),  # digits in the text after the time
        ("下午5 到9号楼集合", at(12, 7, 17), "到9号楼集合"),
    ],
)
def test_an_hour_without_dian_after_a_period_word_is_that_hour(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == message
    assert parsed.describe() == format_datetime(run_at)  # no 「默认 15:00」


def test_every_evening_at_an_hour_without_dian() -> None:
    parsed = parse_reminder("每晚8 打卡", MONDAY)
    assert parsed.describe() == "每天 20:00"
    assert parsed.message == "打卡"
    assert parsed.next_runs(1)[0] == at(12, 7, 20)


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("下午5点半 交作业", at(12, 7, 17, 30), "交作业"),
        ("下午5:30 交作业", at(12, 7, 17, 30), "交作业"),
        ("下午5.30 交作业", at(12, 7, 17, 30), "交作业"),
        ("下午5点 5个人一组", at(12, 7, 17), "5个人一组"),
        ("下午5-6点 开会", at(12, 7, 17), "17:00–18:00 开会"),
        ("下午5 点名", at(12, 7, 17), "点名"),
        ("5号 交作业", at(1, 5, 9, year=2027), "交作业"),
    ],
)
def test_the_forms_with_dian_colon_or_hao_read_as_before(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("下午5个人 来领书", "5个人 来领书"),
        ("下午3节课 调课", "3节课 调课"),
        ("下午5号楼 集合", "5号楼 集合"),
        ("下午5班 开会", "5班 开会"),
        ("下午一起 开会", "一起 开会"),
        ("下午5三班 开会", "5三班 开会"),
    ],
)
def test_a_count_or_a_number_after_a_period_word_stays_in_the_text(
    typed: str, message: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == at(12, 7, 15)
    assert parsed.message == message
    assert "默认 15:00" in parsed.describe()


def test_a_night_hour_after_the_evening_is_still_asked_about() -> None:
    assert refusal("晚上2 交作业", MONDAY) == "「晚上2」有歧义：如果指半夜，请写成「凌晨2点」。"


async def test_the_bot_confirms_five_in_the_afternoon(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 明天下午5 交作业"))
    text = text_of(draft)
    assert "（周" in text and "17:00" in text and "15:00" not in text
    assert "内容：交作业" in text and "✅ 确认" in buttons_of(draft)


# ---------------------------------------------------------------- #2: 「5号」 over this month


@pytest.mark.parametrize(
    ("typed", "now", "shown"),
    [
        ("5号 交作业", MONDAY, "2027年1月5日（周二） 09:00（未写具体时间，默认 09:00）"),
        ("5号 8点 交作业", datetime(2026, 11, 7, 10, 0, tzinfo=TZ), "2026年12月5日（周六） 08:00"),
    ],
)
def test_a_day_of_the_month_over_names_next_months_date(
    typed: str, now: datetime, shown: str
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.describe() == f"{shown}（本月5日已过，按下个月）"


async def test_the_bot_confirms_a_day_over_this_month_with_next_months_date(
    tmp_path: Path,
) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    today = datetime.now(services.settings.timezone).date()
    if today.day == 1:
        pytest.skip("on the 1st no day of this month is over yet")
    month = today.month % 12 + 1
    draft = await conversation.handle(command(MANAGER, "/remind 1号 交作业"))
    text = text_of(draft)
    assert f"{month}月1日（" in text and "（本月1日已过，按下个月）" in text
    assert "内容：交作业" in text and "✅ 确认" in buttons_of(draft)


# ---------------------------------------------------------------- #3: a range across New Year

NEW_YEARS_DAY = datetime(2027, 1, 1, 10, 0, tzinfo=TZ)  # a Friday


def test_a_range_across_new_year_typed_before_it_runs_over_the_new_year() -> None:
    parsed = parse_reminder("12月30日到1月2日每天8点 值班", datetime(2026, 12, 28, 10, tzinfo=TZ))
    assert parsed.describe() == "12月30日（周三）至2027年1月2日（周六） 每天 08:00"
    assert parsed.message == "值班"
    assert parsed.next_runs(5) == [
        at(12, 30, 8),
        at(12, 31, 8),
        at(1, 1, 8, year=2027),
        at(1, 2, 8, year=2027),
    ]


@pytest.mark.parametrize(
    ("typed", "shown", "runs"),
    [
        (
            "12月30日到1月2日每天8点 值班",
            "2026年12月30日（周三）至1月2日（周六） 每天 08:00",
            [at(1, 2, 8, year=2027)],
        ),
        (
            "12月30日至1月2日 每天晚上8点 值班",
            "2026年12月30日（周三）至1月2日（周六） 每天 20:00",
            [at(1, 1, 20, year=2027), at(1, 2, 20, year=2027)],
        ),
        (
            "12.30-1.2 20点 值班",
            "2026年12月30日（周三）至1月2日（周六） 每天 20:00",
            [at(1, 1, 20, year=2027), at(1, 2, 20, year=2027)],
        ),
        (
            "30日到2日 每天20点 值班",
            "2026年12月30日（周三）至1月2日（周六） 每天 20:00",
            [at(1, 1, 20, year=2027), at(1, 2, 20, year=2027)],
        ),
    ],
)
def test_a_range_across_new_year_typed_while_it_runs_is_that_range(
    typed: str, shown: str, runs: list[datetime]
) -> None:
    """Typed on 1月1日 it was read as 2027年12月30日 to 2028年1月2日 and refused as too far."""
    parsed = parse_reminder(typed, NEW_YEARS_DAY)
    assert parsed.describe() == shown
    assert parsed.message == "值班"
    assert parsed.next_runs(5) == runs


def test_a_range_across_new_year_with_no_time_left_says_so() -> None:
    reason = refusal("12月30日到1月1日每天8点 值班", NEW_YEARS_DAY)
    assert reason.startswith("「12月30日到1月1日」（2026年12月30日（周三）至1月1日（周五））里")
    assert "已经没有「每天 08:00」要提醒的时间了" in reason and "太远" not in reason


def test_a_range_across_new_year_just_over_is_still_refused_as_a_slip() -> None:
    reason = refusal("12月30日到1月2日每天8点 值班", datetime(2027, 1, 3, 10, tzinfo=TZ))
    assert "这几天已经过去了（2026年12月30日（周三）至1月2日（周六），昨天结束；" in reason


def test_a_range_ending_in_a_year_written_is_not_moved_back() -> None:
    """The range under way (#3) moves both days back a year; 「2027年1月3日」 stays."""
    parsed = parse_reminder("12月28日到2027年1月3日 值班", MONDAY)
    assert parsed.describe().startswith("12月28日（周一）至2027年1月3日（周日） 每天 09:00")


# ---------------------------------------------------------------- #4: 「2月29日」 after a leap day

LEAP_MARCH = datetime(2028, 3, 5, 10, 0, tzinfo=TZ)  # 2028年2月29日 was a Tuesday


@pytest.mark.parametrize("typed", ["2月29日 开会", "二月二十九号 开会", "2/29 9点 开会"])
def test_a_leap_day_just_over_says_when_it_was_and_when_the_next_is(typed: str) -> None:
    """It answered 「2029年2月没有29日」, as if the manager had written 2029."""
    assert refusal(typed, LEAP_MARCH) == (
        "日期不存在：往后一年里没有2月29日。2028年2月29日（周二）已经过去了（5 天前），"
        "下一个2月29日是 2032年2月29日（周日），而一次性提醒最多设在一年以内"
        "（现在是 2028年3月5日（周日） 10:00）。日期写错了的话，请改正后重新发送。"
    )


def test_a_leap_day_long_over_says_when_the_next_is() -> None:
    reason = refusal("2月29日 开会", datetime(2029, 6, 1, 10, 0, tzinfo=TZ))
    assert reason.startswith("日期不存在：往后一年里没有2月29日。下一个2月29日是 2032年2月29日")
    assert "2030年" not in reason and "已经过去了" not in reason


@pytest.mark.parametrize(
    ("now", "run_at", "note"),
    [
        (
            datetime(2027, 3, 5, 10, tzinfo=TZ),
            at(2, 29, 9, year=2028),
            "（今年没有2月29日，按2028年）",
        ),
        (datetime(2028, 1, 10, 10, tzinfo=TZ), at(2, 29, 9, year=2028), ""),
    ],
)
def test_a_leap_day_ahead_within_a_year_is_read_as_before(
    now: datetime, run_at: datetime, note: str
) -> None:
    parsed = parse_reminder("2月29日 开会", now)
    assert parsed.run_at == run_at
    assert parsed.note == note


def test_a_range_from_a_leap_day_just_over_is_refused_without_a_line_for_2029() -> None:
    reason = refusal("2月29日到3月2日 每天8点 开会", LEAP_MARCH)
    assert reason.startswith("还没有设置提醒：「2月29日到3月2日」这几天已经过去了（")
    assert reason.endswith("日期写错了的话，请改正后重新发送。")
    assert "2029" not in reason


def test_a_range_from_a_leap_day_long_over_is_past() -> None:
    reason = refusal("2月29日到3月2日 每天8点 开会", datetime(2028, 6, 5, 10, tzinfo=TZ))
    assert reason.startswith(
        "时间已经过去了：「2月29日到3月2日」是 2月29日（周二）至3月2日（周四）"
    )


# ---------------------------------------------------------------- midnight in the evening


@pytest.mark.parametrize(
    ("typed", "run_at"),
    [
        ("今晚0点 交作业", at(12, 8, 0)),
        ("晚上0点 交作业", at(12, 8, 0)),
        ("今晚零点 交作业", at(12, 8, 0)),
        ("今晚0点半 交作业", at(12, 8, 0, 30)),
        ("今晚12点 交作业", at(12, 8, 0)),  # as before
        ("明天凌晨0点 交作业", at(12, 8, 0)),  # as before
        ("中午12点半 交作业", at(12, 7, 12, 30)),  # as before
    ],
)
def test_zero_oclock_in_the_evening_is_the_coming_midnight(typed: str, run_at: datetime) -> None:
    """「今晚0点」 was 00:00 at the start of today, refused as past at 10:00."""
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.describe() == format_datetime(run_at)


def test_zero_oclock_on_a_weekday_evening_is_asked_about() -> None:
    """「每周五晚上0点」 went out at Friday 00:00, which is Thursday night."""
    assert refusal("每周五晚上0点 打卡", MONDAY) == (
        "「每周五晚上0点」有歧义：晚上12点（0点）、24点已是第二天。请写成「23:59」或第二天的「0点」。"
    )
    assert parse_reminder("每晚0点 打卡", MONDAY).describe() == "每天 00:00"


async def test_the_bot_confirms_tonights_midnight(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    tomorrow = datetime.now(services.settings.timezone) + timedelta(days=1)
    draft = await conversation.handle(command(MANAGER, "/remind 今晚0点 交作业"))
    text = text_of(draft)
    assert (
        f"{tomorrow.month}月{tomorrow.day}日（周{WEEKDAY_CN[tomorrow.weekday()]}） 00:00" in text
    )
    assert "已经过去" not in text and "✅ 确认" in buttons_of(draft)


# ---------------------------------------------------------------- 「明天 8 交作业」: 8点?


@pytest.mark.parametrize(
    ("typed", "number", "with_dian", "at_default"),
    [
        ("明天 8 交作业", "8", "明天 8点 交作业", "明天 09:00 8 交作业"),
        ("明天8 交作业", "8", "明天 8点 交作业", "明天 09:00 8 交作业"),
        ("12月10日 9 交总结", "9", "12月10日 9点 交总结", "12月10日 09:00 9 交总结"),
        ("工作日 8 签到", "8", "工作日 8点 签到", "工作日 09:00 8 签到"),
        ("周五 3 交周报", "3", "周五 3点 交周报", "周五 09:00 3 交周报"),
    ],
)
def test_an_hour_without_dian_after_a_day_is_asked_about(
    typed: str, number: str, with_dian: str, at_default: str
) -> None:
    """It went out at 09:00 with 「8 交作业」 as the text."""
    reason = refusal(typed, MONDAY)
    assert reason.startswith(f"还没有设置提醒：「{number}」是钟点吗？提醒时间只读出了「")
    assert suggested(reason) == [with_dian, at_default]
    assert parse_reminder(at_default, MONDAY).message == at_default.split(" ", 2)[2]


def test_the_line_with_dian_reads_as_written() -> None:
    (with_dian, _) = suggested(refusal("明天 8 交作业", MONDAY))
    parsed = parse_reminder(with_dian, MONDAY)
    assert parsed.run_at == at(12, 8, 8)
    assert parsed.message == "交作业"


@pytest.mark.parametrize(
    "typed",
    [
        "明天 5个人 值日",
        "明天 3班 交作业",
        "明天 1 班 交作业",
        "明天 1号楼 集合",
        "明天 2026年度总结",
        "明天 30 交作业",
    ],
)
def test_a_count_or_a_number_of_a_word_after_a_day_is_the_text(typed: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == at(12, 8, 9)
    assert parsed.message == typed.removeprefix("明天 ")


async def test_the_bot_asks_whether_8_is_the_hour(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, "/remind 明天 8 交作业"))
    text = text_of(reply)
    assert text.startswith("还没有设置提醒：「8」是钟点吗？")
    assert "/remind 明天 8点 交作业" in text and "✅ 确认" not in buttons_of(reply)


# ---------------------------------------------------------------- 「30号」 on 1月31日


def test_a_day_over_this_month_and_missing_next_month_says_both() -> None:
    """It said only 「2027年2月没有30日」, not that this month's 30日 was over."""
    reason = refusal("30号 交作业", datetime(2027, 1, 31, 10, tzinfo=TZ))
    assert reason == (
        "日期不存在：「30号」：本月30日已经过去了，下个月（2月）没有30日"
        "（现在是 2027年1月31日（周日） 10:00）。请写明月份和日期，例如「2月28日」。"
    )


def test_a_day_over_this_month_that_next_month_has_is_read_as_before() -> None:
    parsed = parse_reminder("29号 交作业", datetime(2028, 1, 31, 10, tzinfo=TZ))
    assert parsed.run_at == at(2, 29, 9, year=2028)
    assert parsed.note == "（本月29日已过，按下个月）"
