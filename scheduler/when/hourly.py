"""A rule by the hour (「每小时」「每隔2小时」「每半小时」「每30分钟」「每个整点」) is not
supported: a rule is a day's times, and every hour day and night would message the class at
3 a.m. :func:`hourly_refusal` says so in one wording wherever it is met, and gives the line
that reminds on the hour in the daytime (a cron rule on the days and between the hours
written, each line checked to be read) and the once-a-day one.

Where it is met: at the start of WHEN (recurrence.py ``match_interval``), after a list of
weekdays (「周一三五每小时」, recurrence.py), and at the start of the text after a time read
without its clock or after a span of hours (「每天每小时 签到」 is 每天 09:00 「每小时 签到」,
「每天8点到18点每小时」 is 08:00–18:00 …): handlers/reminders.py asks :func:`hourly_in_text` and
refuses with :func:`refusal_after`."""

from __future__ import annotations

import re
from datetime import datetime

from scheduler.when.cron import match_cron
from scheduler.when.limits import NOT_SET, TimeParseError
from scheduler.when.result import ParsedSchedule
from scheduler.when.words import COUNT, cn_to_int

# 「每小时」「每个小时」「每隔2小时」「每两个小时」「每半小时」「每一个半小时」「每30分钟」
# 「每个整点」
HOURLY_RE = re.compile(
    rf"每\s*(?:隔\s*)?(?P<n>{COUNT})?\s*个?\s*(?P<half>半)?\s*个?\s*"
    r"(?P<unit>小时|钟头|整点|分钟)"
)
# the span of hours the parser writes before the text (「08:00–18:00 每小时 签到」)
_SPAN_HEAD_RE = re.compile(r"(?P<start>\d\d):00–(?P<end>\d\d):00\s*")
DAYTIME = (8, 20)  # the hours an hourly rule is suggested for, when none are written
HOURLY_EXAMPLE_TEXT = "交研修日志"  # the text of the suggested lines when none is written
_SEPARATORS = ",，、;；:：。"
_CRONTAB_DAYS = {
    day: str(n) for n, day in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))
}
# (what the days are called, the day, month and crontab day-of-week fields of the rule)
Days = tuple[str, tuple[str, str, str]]
EVERY_DAY: Days = ("每天", ("*", "*", "*"))


def crontab_days(aps: str) -> str:
    """APScheduler's day-of-week field as crontab writes it: 「mon-fri」 → 「1-5」."""
    return re.sub(r"[a-z]{3}", lambda day: _CRONTAB_DAYS[day[0]], aps)


def hourly_in_text(parsed: ParsedSchedule) -> re.Match[str] | None:
    """「每小时」 at the start of the text of a time read without its clock (「每天每小时 签到」
    is 每天 09:00 「每小时 签到」) or after a span of hours (「每天8点到18点每小时」): the
    manager meant every hour, not that day's one time. After a time written (「明天9点 每小时喝
    水」) it is the text's."""
    text = parsed.message
    span = _SPAN_HEAD_RE.match(text)
    if span is None and not parsed.default_time_note:
        return None
    return HOURLY_RE.match(text, span.end() if span else 0)


def refusal_after(hourly: re.Match[str], parsed: ParsedSchedule, now: datetime) -> str:
    """:func:`hourly_refusal` for 「每小时」 in the text of ``parsed`` (:func:`hourly_in_text`):
    between the span of hours written, on the days of its rule (「工作日」 1-5, 「每月1日」),
    and for a one-off day how to stop it after that day."""
    hours = None
    span = _SPAN_HEAD_RE.match(parsed.message)
    if span is not None and int(span["start"]) < int(span["end"]):
        hours = int(span["start"]), int(span["end"])
    days = None
    cron = parsed.cron or {}
    label = parsed.label.split()[0] if parsed.label else ""
    if len(cron) == 5 and label.startswith("每"):  # a rule without a first or last day
        days = label, (cron["day"], cron["month"], crontab_days(cron["day_of_week"]))
    return hourly_refusal(hourly, now, days=days, hours=hours, one_day=parsed.cron is None)


def hourly_refusal(
    hourly: re.Match[str],
    now: datetime,
    *,
    days: Days | None = None,
    hours: tuple[int, int] | None = None,
    one_day: bool = False,
) -> str:
    """Why 「每小时」 (``hourly``, the text of the reminder after it) is not set, and the lines
    to send instead: on the hour in the daytime as a cron rule, on ``days`` (else every day)
    between ``hours`` (else :data:`DAYTIME`), and once a day; with ``one_day`` (written after
    a one-off day) how to stop it after that day. Every line is one /remind reads."""
    n = cn_to_int(hourly["n"]) if hourly["n"] else None
    if hourly["unit"] == "分钟":
        minutes = n or 1
    elif hourly["unit"] == "整点":
        minutes = 60
    else:
        minutes = (0 if n is None and hourly["half"] else n or 1) * 60 + 30 * bool(hourly["half"])
    rest = hourly.string[hourly.end() :].strip().lstrip(_SEPARATORS).strip()
    text = rest or HOURLY_EXAMPLE_TEXT
    written = hourly[0].replace(" ", "")
    every = minutes // 60 if minutes % 60 == 0 else 1
    if minutes < 60:
        why = (
            f"{NOT_SET}「{written}」太频繁了，每次全班都会收到消息；"
            "重复提醒两次之间至少要隔 1 小时，而且只能按整点设置。"
        )
    else:
        why = (
            f"{NOT_SET}暂不支持「{written}」这样按小时重复的提醒"
            "（那样夜里也会不停地给全班发消息）。"
        )
    lines = [why]
    if (rule := _daytime_rule(days, hours, every, text, now)) is not None:
        line, said = rule
        lines.append(f"白天按整点提醒的话，请这样写（{said}）：\n/remind {line}")
    lines.append(_once_a_day(days, text, now))
    if one_day:
        lines.append("只要一天的话，那天过后请在 /reminders 里把它取消。")
    lines.append("确认前会列出接下来几次的发送时间，可以先核对再确认。")
    return "\n".join(lines)


def _once_a_day(days: Days | None, text: str, now: datetime) -> str:
    """The once-a-day line at 8:00 on ``days``, else every day: a rule on some weekdays
    keeps them (「一天只提醒一次的话：/remind 每周一至周五8点 签到」, QA24 F8), when
    /remind reads the line as those days at 8:00 with ``text``."""
    if days is not None and days[1] != EVERY_DAY[1]:
        line = f"{days[0]}8点 {text}"
        if _reads_daily(line, text, now):
            return f"一天只提醒一次的话：/remind {line}"
    return f"每天只提醒一次的话：/remind 每天8点 {text}"


def _reads_daily(line: str, text: str, now: datetime) -> bool:
    """Whether /remind reads ``line`` as a rule at 8:00 whose text is ``text``."""
    from scheduler.timeparse import parse_reminder  # the parser imports this module

    try:
        parsed = parse_reminder(line, now)
    except (TimeParseError, ValueError):
        return False
    cron = parsed.cron or {}
    return parsed.message == text and cron.get("hour") == "8" and cron.get("minute") == "0"


def _daytime_rule(
    days: Days | None, hours: tuple[int, int] | None, every: int, text: str, now: datetime
) -> tuple[str, str] | None:
    """(the cron line after /remind, what it does in words) for a reminder every ``every``
    hours on the hour between ``hours`` (else :data:`DAYTIME`) on ``days`` (else every day,
    also when the line on those days is not read); None when those hours hold only one time
    (「每隔13小时」)."""
    first, last = hours or DAYTIME
    times = list(range(first, last + 1, every))
    if len(times) < 2:
        return None
    if every == 1:
        field, said = f"{first}-{last}", f"{first}:00 到 {last}:00 每个整点"
    else:
        field, said = ",".join(map(str, times)), "、".join(f"{hour}:00" for hour in times)
    for on, (day, month, dow) in (days or EVERY_DAY, EVERY_DAY):
        line = f"cron 0 {field} {day} {month} {dow} {text}"
        if _reads(line, now):
            return line, f"{on} {said}"
    return None


def _reads(line: str, now: datetime) -> bool:
    """Whether the cron rule ``line`` is one /remind sets (its fields exist, it fires)."""
    try:
        candidate = match_cron(line)
        if candidate is not None:
            candidate[1](now)
    except TimeParseError:
        return False
    return candidate is not None
