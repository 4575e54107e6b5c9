"""A time counted from now: ``30分钟后`` ``2小时后`` ``3天后`` ``两周后`` ``3个月后``
``半年后``; ``3天前`` ``2小时前`` are recognised to say the time has passed."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from scheduler.when.clock import Clock
from scheduler.when.days import _add_months, _at, _check_one_off, _one_off, _too_far
from scheduler.when.limits import MAX_AHEAD_YEARS, MAX_RELATIVE_DAYS, TimeParseError
from scheduler.when.result import Candidate, format_datetime
from scheduler.when.words import AFTER, BEFORE, COUNT, cn_to_int

_RELATIVE_DAYS_RE = re.compile(
    rf"(?P<n>{COUNT})\s*个?\s*(?:(?P<unit>天|日|周|星期|礼拜){AFTER}"
    rf"|(?P<ago_unit>天|周|星期|礼拜){BEFORE})"  # not "15日前": that is "before the 15th"
)


def _past_relative(written: str, now: datetime) -> TimeParseError:
    return TimeParseError(
        f"时间已经过去了：「{written}」是过去的时间（现在是 {format_datetime(now)}）。"
        "请写一个将来的时间，例如「3天后」或「明天8点」。"
    )


def match_relative_days(text: str) -> Candidate | None:
    m = _RELATIVE_DAYS_RE.match(text)
    if not m:
        return None
    unit = m["unit"] or m["ago_unit"]
    days = cn_to_int(m["n"]) * (1 if unit in "天日" else 7)
    written = m[0].strip()

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        if m["ago_unit"]:
            raise _past_relative(written, now)
        if days > MAX_RELATIVE_DAYS:
            raise _too_far(f"「{written}」", now)
        return _at(now.date() + timedelta(days=days), clock, now.tzinfo), ""

    return _one_off(text, m, resolve, default=lambda now: Clock(now.hour, now.minute))


_RELATIVE_TIME_RE = re.compile(
    rf"(?:(?P<n>{COUNT})\s*个?\s*(?P<half>半)?|(?P<only_half>半)\s*个?)\s*"
    rf"(?P<unit>小时|钟头|分钟|分)(?:{AFTER}|(?P<ago>{BEFORE}))"
)


def match_relative_time(text: str) -> Candidate | None:
    m = _RELATIVE_TIME_RE.match(text)
    if not m:
        return None
    in_hours = m["unit"] in ("小时", "钟头")
    halves = bool(m["half"] or m["only_half"])
    if halves and not in_hours:
        return None
    amount = cn_to_int(m["n"]) if m["n"] else 0
    minutes = amount * 60 + 30 * halves if in_hours else amount
    written = m[0].strip()

    def build(now: datetime) -> dict[str, object]:
        if m["ago"]:
            raise _past_relative(written, now)
        if minutes > MAX_RELATIVE_DAYS * 24 * 60:
            raise _too_far(f"「{written}」", now)
        run_at = now + timedelta(minutes=minutes)
        _check_one_off(run_at, now)
        return {"run_at": run_at}

    return m.end(), build


_RELATIVE_MONTHS_RE = re.compile(
    rf"(?:(?P<n>{COUNT})\s*(?P<unit>个\s*月|年)|(?P<half>半)\s*(?P<half_unit>年|个\s*月))"
    rf"(?:{AFTER}|(?P<ago>{BEFORE}))"
)


def match_relative_months(text: str) -> Candidate | None:
    """「一年后」「3个月后」「半年后」「半个月后」: the same day and clock time that many months
    ahead (the month's last day if it is shorter); 「3个月前」 is past."""
    m = _RELATIVE_MONTHS_RE.match(text)
    if not m:
        return None
    written = m[0].strip()
    if m["half"]:
        months, days = (6, 0) if m["half_unit"] == "年" else (0, 15)
    else:
        count = cn_to_int(m["n"])
        months, days = (count * 12 if m["unit"] == "年" else count), 0

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        if m["ago"]:
            raise _past_relative(written, now)
        if months > 12 * MAX_AHEAD_YEARS:
            raise _too_far(f"「{written}」", now)
        year, month = _add_months(now.date(), months)
        day = min(now.day, calendar.monthrange(year, month)[1])
        return _at(date(year, month, day) + timedelta(days=days), clock, now.tzinfo), ""

    return _one_off(text, m, resolve, default=lambda now: Clock(now.hour, now.minute))
