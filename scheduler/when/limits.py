"""What /remind accepts at most and at least, and how it refuses: :class:`TimeParseError`
with the examples of what to write (``EXAMPLES``)."""

from __future__ import annotations

from datetime import datetime, timedelta

_EXAMPLES = (
    "可以这样写（时间在前，提醒内容在后）：\n"
    "· /remind 明天9点 交研修日志\n"
    "· 一次性：明早8:30 / {evening} / 后天下午3点半 / {day} 18:00 / {iso_day} 18:00\n"
    "· 相对时间：30分钟后 / 2小时后 / 3天后\n"
    "· 按星期：周五20:00 / 下周一上午10点\n"
    "· 重复：每天21:00 / 每周五20:00 / 每周一、三、五 8:00 / 工作日 8:00 / 每月1日 9:00\n"
    "· cron 表达式：cron 0 9 * * 1-5（标准 crontab 五段式）\n"
    "只写日期不写钟点时，默认 9:00；{no_hourly}；一次性提醒最多设在一年以内。"
)
# how a rule by the hour is written instead (scheduler/when/hourly.py refuses 「每小时」)
NO_HOURLY = (
    "重复提醒不能写「每小时」「每隔几小时」：一天提醒几次请用 cron 写整点，"
    "例如 cron 0 9,14,20 * * *（每天 9:00、14:00、20:00），两次之间至少隔 1 小时"
)
# the examples whatever the time (str() of a TimeParseError); /remind shows `examples(now)`
EXAMPLES = _EXAMPLES.format(
    evening="今晚8点", day="12月1日", iso_day="2026-12-01", no_hourly=NO_HOURLY
)
SUGGEST_AHEAD = timedelta(minutes=30)  # a time of today suggested is at least this far ahead
EXAMPLE_DAYS_AHEAD = 14  # the date of the examples: two weeks ahead
# Times of today a refusal may suggest: the first at least SUGGEST_AHEAD after now.
_LATER_TODAY = (
    (9, "今天上午9点"),
    (15, "今天下午3点"),
    (20, "今晚8点"),
    (21, "今晚9点"),
    (22, "今晚10点"),
    (23, "今晚11点"),
)


def examples(now: datetime) -> str:
    """EXAMPLES with every time in it still ahead of `now`: 「今晚8点」 turns 「明晚8点」 once
    20:00 is near or past, and the date is two weeks ahead (「12月21日 18:00」)."""
    tonight = now.replace(hour=20, minute=0, second=0, microsecond=0)
    evening = "今晚8点" if tonight >= now + SUGGEST_AHEAD else "明晚8点"
    day = now.date() + timedelta(days=EXAMPLE_DAYS_AHEAD)
    return _EXAMPLES.format(
        evening=evening,
        day=f"{day.month}月{day.day}日",
        iso_day=day.isoformat(),
        no_hourly=NO_HOURLY,
    )


def later_today(now: datetime) -> str:
    """A time later today that /remind reads (「今晚9点」), at least SUGGEST_AHEAD after `now`;
    「1小时后」 when the day is nearly over."""
    for hour, words in _LATER_TODAY:
        if now.replace(hour=hour, minute=0, second=0, microsecond=0) >= now + SUGGEST_AHEAD:
            return words
    return "1小时后"


def future_examples(now: datetime, passed: datetime | None = None) -> str:
    """「「明天20:00」或「今晚11点」」: two times still ahead of `now` for a refusal of a time that
    has passed: the same time tomorrow when `passed` was today (else 「明天8点」), and one later
    today (:func:`later_today`)."""
    tomorrow = "明天8点"
    if passed is not None and passed.date() == now.date():
        tomorrow = f"明天{passed:%H:%M}"
    return f"「{tomorrow}」或「{later_today(now)}」"


MAX_AHEAD_YEARS = 1
# heads a refusal that names a time, which must not read as booked at it
NOT_SET = "还没有设置提醒："
# A month and day without a year that passed at most this many days ago is refused, not read as
# next year's: 「12月1日」 typed on 12月7日 is a slip (a wrong month or day, a date copied from
# last week's notice) far more often than a plan eleven months ahead. Two months covers a
# training phase and a half-term, the span a manager is working in; a date further back
# (「1月5日」 typed in December) is the next one, as the note says.
RECENT_PAST_DAYS = 60
MIN_REPEAT_MINUTES = 60  # at most 60: _check_frequency relies on it
DEFAULT_CLOCK = (9, 0)


class TimeParseError(ValueError):
    """The WHEN part of a reminder is missing, invalid or not in the future."""

    def __init__(self, reason: str, *, with_examples: bool = True) -> None:
        self.reason = reason
        self.with_examples = with_examples
        super().__init__(f"{reason}\n\n{EXAMPLES}" if with_examples else reason)


class RecentDateError(TimeParseError):
    """A date written without its year that passed lately (:data:`RECENT_PAST_DAYS`); the
    top-level parse adds the line to send with the year written: ``dated`` in place of the
    first ``length`` characters of the text."""

    def __init__(self, reason: str, *, dated: str, length: int) -> None:
        super().__init__(reason, with_examples=False)
        self.dated = dated
        self.length = length


MAX_RELATIVE_DAYS = 400  # beyond any one-off limit; keeps the date arithmetic in range
