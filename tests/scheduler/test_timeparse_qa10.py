"""/remind as QA10 typed it. Near forms of a range of days (「明天开始到周五」「明天起至周五」
「明天开始连续三天」), a weekday in brackets after a date (「12月12日（周六）8点」, checked
against the date), 「8-9」「2-4」 and 「8.30」 after a day, and 「下周一到周五」 are read at the
time written, where they went out at 09:00 「未写具体时间」 with the time left in the text (or
were refused); whatever is still not read but holds a time of day is refused with what to
write. Two times for
a range, a reversed range and 「周末两天」 are refused with the lines to send; 「今天到明天 8点」
in the evening says today's 08:00 has passed; 「8:30-9 点名」 keeps 「点名」."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.db.reminder_models import Reminder
from scheduler.timeparse import TimeParseError, format_datetime, parse_reminder
from tests.events import command, press
from tests.scheduler.test_handlers import buttons_of, count, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

# when QA typed them: Monday 2026-12-07 10:30, Sunday 2026-12-06 20:45, Monday 01:40
MONDAY = datetime(2026, 12, 7, 10, 30, tzinfo=TZ)
SUNDAY_EVENING = datetime(2026, 12, 6, 20, 45, tzinfo=TZ)
SMALL_HOURS = datetime(2026, 12, 7, 1, 40, tzinfo=TZ)
DEFAULT_NOTE = "（未写具体时间，默认 09:00）"
TUESDAY_TO_FRIDAY = "12月8日（周二）至12月11日（周五） 每天 08:00"


def days_at(first: datetime, days: int) -> list[datetime]:
    return [first + timedelta(days=n) for n in range(days)]


# ---------------------------------------------------------------- the principle, swept

# (typed, hour, minute): each is read at that time or refused, whenever it is typed
WRITTEN_TIMES = [
    ("明天开始到周五 每天8点 签到", 8, 0),
    ("明天开始至周五 8点 签到", 8, 0),
    ("明天起至周五 8点 签到", 8, 0),
    ("明天起到周五每天8点签到", 8, 0),
    ("从明天开始到周五 每天8点 签到", 8, 0),
    ("明天开始 8点 签到", 8, 0),
    ("明天开始连续三天 8点 签到", 8, 0),
    ("12月12日（周六）8点 集中培训", 8, 0),
    ("12月12日至14日（周六至周一）8点 集中培训", 8, 0),
    ("12月12日（周六）-12月14日（周一）8:00 集中培训", 8, 0),
    ("明天（周二）8点 签到", 8, 0),
    ("周六（12月12日）8点 签到", 8, 0),
    ("周末两天 10点 读书", 10, 0),
    ("周六日各10点 读书", 10, 0),
    ("明天 8-9 晨读", 8, 0),
    ("明天 9-11 讲座", 9, 0),
    ("明天 2-4 班会", 14, 0),
    ("明天 8.30 开会", 8, 30),
    ("明天8.30开会", 8, 30),
    ("明天 8.30-9.30 晨读", 8, 30),
    ("周五 8.30 开会", 8, 30),
    ("下周一到周五 每天8点 签到", 8, 0),
    ("本周三到周五 8点 签到", 8, 0),
    ("12月12日到14日 上午8点 下午2点 签到", 8, 0),
    ("12月14日到12日 8点 签到", 8, 0),
    ("明天 8:30-9 点名", 8, 30),
    ("明天 9 点名", 9, 0),
    ("明天 8点到5点 集中培训", 8, 0),
    ("12月12、13、14日 8点 集中培训", 8, 0),
    ("12.12-14 9点 集中培训", 9, 0),
    ("双休日10点 读书", 10, 0),
    ("今天到明天 8点 提交日志", 8, 0),
    ("今天开始每天8点 打卡", 8, 0),
    ("明天 交材料，截止下午5点", 17, 0),
]
TYPED_AT = [
    MONDAY.replace(hour=0, minute=30),
    MONDAY.replace(hour=7, minute=0),
    MONDAY.replace(hour=8, minute=59),
    MONDAY,
    MONDAY.replace(hour=19, minute=0),
    MONDAY.replace(hour=21, minute=0),
    datetime(2026, 12, 11, 7, 0, tzinfo=TZ),  # Friday
    datetime(2026, 12, 12, 10, 0, tzinfo=TZ),  # Saturday
    SUNDAY_EVENING,
]
# a time of day left in the text: 「8点」「下午5点」「8.30」「8:30」 (the span the bot writes
# before the text, 「08:00–09:00 晨读」, is no such thing)
TIME_IN_TEXT = re.compile(r"\d\s*点(?!名)|\d\.\d\d|\d:\d\d")


@pytest.mark.parametrize("now", TYPED_AT, ids=lambda now: f"{now:%a-%H%M}")
@pytest.mark.parametrize(("typed", "hour", "minute"), WRITTEN_TIMES)
def test_a_written_time_is_the_time_it_goes_out_or_it_is_refused(
    typed: str, hour: int, minute: int, now: datetime
) -> None:
    try:
        parsed = parse_reminder(typed, now)
    except TimeParseError as error:
        assert not error.reason.startswith("没看懂")  # refused saying what to write
        return
    assert parsed.default_time_note == ""
    assert DEFAULT_NOTE not in parsed.describe()
    assert {(run.hour, run.minute) for run in parsed.next_runs(5)} == {(hour, minute)}
    text = re.sub(r"^\d\d:\d\d–(?:次日)?\d\d:\d\d ", "", parsed.message)
    assert TIME_IN_TEXT.search(text) is None


# ---------------------------------------------------------------- H1: near forms of a range


@pytest.mark.parametrize(
    "typed",
    [
        "明天开始到周五 每天8点 签到",
        "明天开始至周五 8点 签到",
        "明天起至周五 8点 签到",
        "明天起到周五每天8点签到",
        "从明天开始到周五 每天8点 签到",
    ],
)
def test_from_tomorrow_on_to_friday_is_every_day_between(typed: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.describe() == TUESDAY_TO_FRIDAY
    assert parsed.next_runs(9) == days_at(at(12, 8, 8), 4)
    assert parsed.message == "签到"


def test_a_run_of_days_from_tomorrow_is_those_days() -> None:
    parsed = parse_reminder("明天开始连续三天 8点 签到", MONDAY)
    assert parsed.describe() == "12月8日（周二）至12月10日（周四） 每天 08:00"
    assert parsed.next_runs(9) == days_at(at(12, 8, 8), 3)
    assert parsed.message == "签到" and parsed.when_text == "明天开始连续三天 8点"


def test_from_tomorrow_with_a_time_but_no_rule_asks_once_or_every_day() -> None:
    reason = refusal("明天开始 8点 签到", MONDAY)
    assert reason == (
        "「明天开始 8点」是只提醒明天一次，还是从明天起每天提醒？"
        "只提醒一次的话，请写成：/remind 明天 8点 签到；"
        "每天提醒的话，请写成：/remind 明天开始 每天8点 签到"
    )
    once, daily = (parse_reminder(fix, MONDAY) for fix in suggested(reason))
    assert once.run_at == at(12, 8, 8) and once.message == "签到"
    assert daily.describe() == "每天 08:00（明天开始）" and daily.next_runs(1) == [at(12, 8, 8)]


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("12月12日（周六）8点 集中培训", [at(12, 12, 8)]),
        ("12月12日(周六) 8点 集中培训", [at(12, 12, 8)]),
        ("明天（周二）8点 集中培训", [at(12, 8, 8)]),
        ("周六（12月12日）8点 集中培训", [at(12, 12, 8)]),
        ("12月12日至14日（周六至周一）8点 集中培训", days_at(at(12, 12, 8), 3)),
        ("12月12日（周六）-12月14日（周一）8:00 集中培训", days_at(at(12, 12, 8), 3)),
        ("从12月12日（周六）到14日（周一） 8点 集中培训", days_at(at(12, 12, 8), 3)),
    ],
)
def test_a_weekday_in_brackets_that_matches_the_date_is_left_out(
    typed: str, days: list[datetime]
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.next_runs(5) == days
    assert parsed.message == "集中培训" and parsed.default_time_note == ""
    assert "（周" in parsed.when_text or "(周" in parsed.when_text or "（12月" in parsed.when_text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("12月12日（周日）8点 集中培训", "12月12日是周六，不是周日。"),
        ("明天（周三）8点 签到", "明天 12月8日是周二，不是周三。"),
        ("12月12日至14日（周六至周二）8点 集中培训", "12月14日是周一，不是周二。"),
        ("12月12日（周六）-12月14日（周二）8:00 培训", "12月14日是周一，不是周二。"),
        ("周六（12月13日）8点 签到", "周六是 12月12日，12月13日是周日。"),
    ],
)
def test_a_weekday_in_brackets_that_does_not_match_says_which_day_is_which(
    typed: str, said: str
) -> None:
    reason = refusal(typed, MONDAY)
    assert "对不上：" in reason and said in reason


def test_a_bracket_in_the_text_is_the_texts() -> None:
    parsed = parse_reminder("明天9点 交材料（周五前）", MONDAY)
    assert parsed.run_at == at(12, 8, 9) and parsed.message == "交材料（周五前）"


def test_both_weekend_days_ask_this_weekend_or_every_one() -> None:
    reason = refusal("周末两天 10点 读书", MONDAY)
    assert reason.startswith("「周末两天」是只提醒这一个周末，还是每个周末都提醒？")
    this_weekend, every_weekend = (parse_reminder(fix, MONDAY) for fix in suggested(reason))
    assert this_weekend.next_runs(5) == [at(12, 12, 10), at(12, 13, 10)]
    assert every_weekend.describe() == "每周六、日 10:00"
    assert this_weekend.message == every_weekend.message == "读书"


@pytest.mark.parametrize("typed", ["周六日各10点 读书", "双休日10点 读书", "每个双休日 10点 读书"])
def test_each_weekend_day_at_ten_is_every_saturday_and_sunday(typed: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.describe() == "每周六、日 10:00"
    assert parsed.next_runs(2) == [at(12, 12, 10), at(12, 13, 10)]
    assert parsed.message == "读书"


# ---------------------------------------------------------------- H2: clocks without 点


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("明天 8-9 晨读", at(12, 8, 8), "08:00–09:00 晨读"),
        ("明天 9-11 讲座", at(12, 8, 9), "09:00–11:00 讲座"),
        ("明天 2-4 班会", at(12, 8, 14), "14:00–16:00 班会"),
        ("明天 8.30 开会", at(12, 8, 8, 30), "开会"),
        ("明天8.30开会", at(12, 8, 8, 30), "开会"),
        ("明天 8.30-9.30 晨读", at(12, 8, 8, 30), "08:30–09:30 晨读"),
        ("今晚 8.30 直播", at(12, 7, 20, 30), "直播"),
        ("12月12日 8.30 集中培训", at(12, 12, 8, 30), "集中培训"),
    ],
)
def test_a_clock_without_dian_after_a_day_is_read(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == message and parsed.default_time_note == ""


def test_two_small_hours_after_a_day_are_the_afternoon_and_it_says_so() -> None:
    parsed = parse_reminder("明天 2-4 班会", MONDAY)
    assert "（「2-4」按下午理解；凌晨的话请写「凌晨2-4」）" in parsed.describe()
    night = parse_reminder("明天 凌晨2-4 班会", MONDAY)
    assert night.run_at == at(12, 8, 2) and night.message == "02:00–04:00 班会"


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("12.10 开会", at(12, 10, 9), "开会"),  # alone, a dotted pair is a date
        ("明天 8-3 班集合", at(12, 8, 9), "8-3 班集合"),  # no span: 8 to 3 is backwards
        ("明天 1.50元 交班费", at(12, 8, 9), "1.50元 交班费"),  # an amount
        ("明天 早一点到教室", at(12, 8, 9), "早一点到教室"),  # a little earlier, not 01:00
    ],
)
def test_numbers_that_are_no_clock_stay_as_they_were(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at and parsed.message == message


def test_a_dotted_date_on_the_weekday_written_is_refused() -> None:
    reason = refusal("周六 12.12 开会", MONDAY)  # 12月12日 is that Saturday
    assert "「12.12」是钟点还是日期？提醒时间只读出了「周六」，没有钟点" in reason
    clock, day = (parse_reminder(fix, MONDAY) for fix in suggested(reason))
    assert clock.run_at == at(12, 12, 12, 12) and clock.message == "开会"
    assert day.run_at == at(12, 12, 9) and day.message == "开会"
    no_date = parse_reminder("周五 8.45 开会", MONDAY)  # no 45th: a clock
    assert no_date.run_at == at(12, 11, 8, 45) and no_date.message == "开会"


def test_a_dotted_date_before_the_time_after_a_day_is_asked_about() -> None:
    reason = refusal("后天 12.14 9点 开会", MONDAY)
    assert reason.startswith("还没有设置提醒：「12.14」是钟点还是日期？")
    assert suggested(reason)[1] == "12月14日 9点 开会"


def test_a_time_anywhere_in_the_text_after_a_defaulted_time_is_refused() -> None:
    reason = refusal("明天 交材料，截止下午5点", MONDAY)
    assert reason == (
        "还没有设置提醒：提醒内容里有时间「下午5点」，但提醒时间只读出了「明天」，没有钟点。"
        "要在 下午5点 提醒的话，请把时间紧接着日期写，"
        "例如：/remind 明天 下午5点 交材料，截止\n"
        "如果「下午5点」只是提醒内容的一部分，请写明提醒时间，例如："
        "/remind 明天 09:00 交材料，截止下午5点"
    )
    at_five, at_nine = (parse_reminder(fix, MONDAY) for fix in suggested(reason))
    assert at_five.run_at == at(12, 8, 17)
    assert at_nine.run_at == at(12, 8, 9) and at_nine.message == "交材料，截止下午5点"


# ---------------------------------------------------------------- M1: this week's, next week's


@pytest.mark.parametrize(
    ("typed", "label", "runs"),
    [
        (
            "下周一到周五 每天8点 签到",
            "12月14日（周一）至12月18日（周五） 每天 08:00",
            days_at(at(12, 14, 8), 5),
        ),
        ("下周一至三 8点 签到", "12月14日（周一）至12月16日（周三） 每天 08:00", None),
        ("本周三到周五 8点 签到", "12月9日（周三）至12月11日（周五） 每天 08:00", None),
        ("本周三到五 8点 签到", "12月9日（周三）至12月11日（周五） 每天 08:00", None),
    ],
)
def test_weekdays_of_a_named_week_are_those_days(
    typed: str, label: str, runs: list[datetime] | None
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.describe() == label
    first = at(12, 14, 8) if "下周" in typed else at(12, 9, 8)
    assert parsed.next_runs(9) == (runs or days_at(first, 3))
    assert parsed.message == "签到"


def test_monday_to_friday_without_a_week_is_still_every_week() -> None:
    parsed = parse_reminder("周一到周五 8点 签到", MONDAY)
    assert parsed.describe() == "每周一至周五 08:00"
    assert parsed.cron is not None and "end_date" not in parsed.cron


def test_this_weeks_days_begun_run_from_now() -> None:
    parsed = parse_reminder("本周一到周五 8点 签到", datetime(2026, 12, 9, 10, 0, tzinfo=TZ))
    assert parsed.describe() == "12月7日（周一）至12月11日（周五） 每天 08:00"
    assert parsed.next_runs(5) == [at(12, 10, 8), at(12, 11, 8)]


# ---------------------------------------------------------------- M2: two times for a range


@pytest.mark.parametrize(
    ("typed", "first", "second"),
    [
        ("12月12日到14日 上午8点 下午2点 签到", at(12, 12, 8), at(12, 12, 14)),
        ("12月12日到14日 8点，下午2点 签到", at(12, 12, 8), at(12, 12, 14)),
        ("明天 上午8点 下午2点 签到", at(12, 8, 8), at(12, 8, 14)),
    ],
)
def test_two_times_apart_are_refused_with_a_line_each(
    typed: str, first: datetime, second: datetime
) -> None:
    reason = refusal(typed, MONDAY)
    assert reason.startswith("一条提醒只能有一个时间，请分两条设置：")
    fixes = suggested(reason)
    assert len(fixes) == 3  # a line for each time, and the second time kept as the text
    once, twice, as_text = (parse_reminder(fix, MONDAY) for fix in fixes)
    assert once.next_runs(1) == [first] and twice.next_runs(1) == [second]
    assert once.message == twice.message == "签到"
    assert as_text.next_runs(1) == [first] and as_text.message == "下午2点签到"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("明天9点 10点开会,请提前到", "10点开会,请提前到"),
        ("明天9点 10点 开会", "10点 开会"),  # a time without its period word: the meeting's
        ("工作日 09:00 早上8点 签到", "早上8点 签到"),  # as the refusals suggest
    ],
)
def test_a_second_time_that_is_the_text_stays_in_it(typed: str, message: str) -> None:
    assert parse_reminder(typed, MONDAY).message == message


# ---------------------------------------------------------------- M3: today, in the evening


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("今天到明天 8点 提交日志", "12月6日（周日）至12月7日（周一） 每天 08:00"),
        ("今天至周五 8点 提交日志", "12月6日（周日）至12月11日（周五） 每天 08:00"),
        ("今天开始每天8点 提交日志", "每天 08:00"),
    ],
)
def test_from_today_in_the_evening_says_todays_time_has_passed(typed: str, label: str) -> None:
    parsed = parse_reminder(typed, SUNDAY_EVENING)
    assert parsed.describe() == f"{label}（今天的 08:00 已过，从明天开始）"
    assert parsed.next_runs(1) == [at(12, 7, 8)]


def test_from_today_at_a_time_still_ahead_says_nothing_of_it() -> None:
    parsed = parse_reminder("今天到明天 21点 提交日志", SUNDAY_EVENING)
    assert parsed.describe() == "12月6日（周日）至12月7日（周一） 每天 21:00"
    assert parsed.next_runs(3) == [at(12, 6, 21), at(12, 7, 21)]


# ---------------------------------------------------------------- M4: a reversed range


@pytest.mark.parametrize("typed", ["12月14日到12日 8点 签到", "12月14日到12月12日 8点 签到"])
def test_a_range_ending_before_it_starts_is_refused_with_it_turned_round(typed: str) -> None:
    reason = refusal(typed, MONDAY)
    assert "的结束日期 12月12日（周六） 早于开始日期 12月14日（周一）" in reason
    assert suggested(reason) == ["12月12日到12月14日 8点 签到"]
    assert parse_reminder(suggested(reason)[0], MONDAY).next_runs(5) == days_at(at(12, 12, 8), 3)


@pytest.mark.parametrize(
    ("typed", "last"),
    [("12月30日到2日 8点 签到", at(1, 2, 8, year=2027)), ("12月28日到1月3日 8点 签到", None)],
)
def test_a_range_over_the_end_of_a_month_still_runs_into_the_next(
    typed: str, last: datetime | None
) -> None:
    runs = parse_reminder(typed, MONDAY).next_runs(9)
    assert runs[-1] == (last or at(1, 3, 8, year=2027))


# ---------------------------------------------------------------- M5: 点名


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("明天 8:30-9 点名", at(12, 8, 8, 30), "08:30–09:00 点名"),
        ("明天 9 点名", at(12, 8, 9), "点名"),
        ("明天 8:30-9 点评作业", at(12, 8, 8, 30), "08:30–09:00 点评作业"),
        ("明天 9 点半 开会", at(12, 8, 9, 30), "开会"),
    ],
)
def test_a_word_starting_with_dian_stays_in_the_text(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at and parsed.message == message


# ---------------------------------------------------------------- L2-L4


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("明天 8点到5点 集中培训", at(12, 8, 8), "08:00–17:00 集中培训"),
        ("明天 9点到3点 考试", at(12, 8, 9), "09:00–15:00 考试"),
        ("明天 8:30-5:30 集中培训", at(12, 8, 8, 30), "08:30–17:30 集中培训"),
    ],
)
def test_a_training_day_ends_in_the_afternoon(typed: str, run_at: datetime, message: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at and parsed.message == message


def test_a_span_with_its_morning_written_is_still_refused_when_it_ends_at_one() -> None:
    assert "结束时间 01:00 早于开始时间 10:00" in refusal("明天 上午10点到1点 班会", MONDAY)


def test_a_bare_span_typed_in_the_evening_is_tonight_and_says_so() -> None:
    parsed = parse_reminder("8:30-9 晨读", MONDAY.replace(hour=19, minute=0))
    assert parsed.run_at == at(12, 7, 20, 30) and parsed.message == "20:30–21:00 晨读"
    assert "（今天 08:30 已过，按今晚 20:30 理解；明早请写「明天8:30-9」）" in parsed.describe()


@pytest.mark.parametrize(
    "typed",
    [
        "12月12、13、14日 8点 集中培训",
        "12月12日、13日、14日 8点 集中培训",
        "12.12-14 8点 集中培训",
    ],
)
def test_days_of_a_month_in_a_row_are_a_range(typed: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.describe() == "12月12日（周六）至12月14日（周一） 每天 08:00"
    assert parsed.message == "集中培训"


def test_days_of_a_month_not_in_a_row_get_a_line_each() -> None:
    reason = refusal("12月12、14日 8点 集中培训", MONDAY)
    assert suggested(reason) == ["12月12日 8点 集中培训", "12月14日 8点 集中培训"]


# ---------------------------------------------------------------- /remind


async def test_remind_from_tomorrow_to_friday_confirms_every_day(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    now = datetime.now(services.settings.timezone)
    draft = await conversation.handle(command(MANAGER, "/remind 明天开始至后天 每天8点 签到"))
    text = text_of(draft)
    first, last = now + timedelta(days=1), now + timedelta(days=2)
    assert "至" in text and " 每天 08:00\n共 2 次：\n" in text
    assert f"  · {format_datetime(first.replace(hour=8, minute=0))}" in text
    assert f"  · {format_datetime(last.replace(hour=8, minute=0))}" in text
    assert "未写具体时间" not in text and "内容：签到" in text
    done = text_of(await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"])))
    assert f"下次发送：{format_datetime(first.replace(hour=8, minute=0))}" in done


async def test_remind_a_date_with_its_weekday_in_brackets(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    day = datetime.now(services.settings.timezone) + timedelta(days=10)
    weekday = "一二三四五六日"[day.weekday()]
    wrong = "一二三四五六日"[(day.weekday() + 1) % 7]
    written = f"{day.month}月{day.day}日"
    right = await conversation.handle(
        command(MANAGER, f"/remind {written}（周{weekday}）8点 集中培训")
    )
    assert f"时间：{format_datetime(day.replace(hour=8, minute=0))}\n" in text_of(right)
    assert "内容：集中培训" in text_of(right) and "✅ 确认" in buttons_of(right)
    refused = await conversation.handle(
        command(MANAGER, f"/remind {written}（周{wrong}）8点 集中培训")
    )
    assert f"{written}是周{weekday}，不是周{wrong}。" in text_of(refused)
    assert "✅ 确认" not in buttons_of(refused)
    assert count(services, Reminder) == 1


async def test_remind_an_hour_span_without_dian_after_a_day(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    tomorrow = datetime.now(services.settings.timezone) + timedelta(days=1)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 明天 8-9 晨读")))
    assert f"时间：{format_datetime(tomorrow.replace(hour=8, minute=0))}（按开始时间提醒）" in text
    assert "内容：08:00–09:00 晨读" in text and "未写具体时间" not in text


async def test_remind_this_weeks_days_confirms_those_left(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    # at 14:xx, whatever the weekday, this Sunday 23:00 is still ahead
    reply = await conversation.handle(command(MANAGER, "/remind 本周一到周日 晚上11点 打卡"))
    assert "（周一）至" in text_of(reply) and "（周日） 每天 23:00\n" in text_of(reply)
    assert "✅ 确认" in buttons_of(reply)
    assert count(services, Reminder) == 1


async def test_remind_a_time_left_in_the_text_is_refused(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, "/remind 明天开始 8点 签到"))
    assert "是只提醒明天一次，还是从明天起每天提醒？" in text_of(reply)
    assert "✅ 确认" not in buttons_of(reply)
    assert count(services, Reminder) == 0


async def test_remind_from_today_in_the_evening_says_the_first_is_tomorrow(
    tmp_path: Path,
) -> None:
    conversation, _ = conversation_at(tmp_path, 21)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 今天到明天 8点 提交日志")))
    assert " 每天 08:00（今天的 08:00 已过，从明天开始）\n共 1 次：\n" in text


async def test_remind_tomorrow_to_the_day_after_in_the_small_hours(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 2)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 明天到后天 8点 签到")))
    # the days the manager meant are today and tomorrow: both words move by a day
    assert "要从今天开始的话，请把「明天到后天」改成「今天到明天」重新发送。" in text
    today = text_of(await conversation.handle(command(MANAGER, "/remind 今天到明天 8点 签到")))
    now = datetime.now(services.settings.timezone)
    assert f"共 2 次：\n  · {format_datetime(now.replace(hour=8, minute=0))}\n" in today
    assert "注意：现在是凌晨" not in today
