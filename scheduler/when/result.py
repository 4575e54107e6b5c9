"""What the parser returns (:class:`ParsedSchedule`), the one way the bot writes a time
(:func:`format_datetime`, :func:`format_day`, :func:`format_when`), and the shape of a
matcher's answer: a :data:`Candidate` is (where WHEN ends, a :data:`Build` that makes the
schedule for ``now``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from scheduler.when.words import WEEKDAY_CN


@dataclass(frozen=True)
class ParsedSchedule:
    """The result of :func:`parse_reminder`."""

    when_text: str
    message: str
    now: datetime
    run_at: datetime | None = None
    cron: dict[str, str] | None = None
    label: str = ""
    default_time_note: str = ""
    note: str = ""

    @property
    def is_recurring(self) -> bool:
        return self.cron is not None

    @property
    def tz(self) -> tzinfo:
        assert self.now.tzinfo is not None
        return self.now.tzinfo

    def describe(self) -> str:
        if self.run_at is not None:
            return format_datetime(self.run_at) + self.default_time_note + self.note
        return self.label + self.default_time_note + self.note

    def trigger(self) -> DateTrigger | CronTrigger:
        if self.run_at is not None:
            return DateTrigger(run_date=self.run_at, timezone=self.tz)
        assert self.cron is not None
        return CronTrigger(**self.cron, timezone=self.tz)

    def next_runs(self, n: int = 3) -> list[datetime]:
        if self.run_at is not None:
            return [self.run_at]
        return cron_next_runs(self.cron or {}, self.now, n)


def format_datetime(dt: datetime) -> str:
    return f"{dt.year}年{dt.month}月{dt.day}日（周{WEEKDAY_CN[dt.weekday()]}） {dt:%H:%M}"


def format_day(day: date, today: date, *, relative: bool = True) -> str:
    """「12月7日(周一)」: the year only when it is not `today`'s, and with `relative`
    「今天 」/「明天 」 before it when it is one of those."""
    year = f"{day.year}年" if day.year != today.year else ""
    text = f"{year}{day.month}月{day.day}日（周{WEEKDAY_CN[day.weekday()]}）"
    if relative and day == today:
        return f"今天 {text}"
    if relative and day == today + timedelta(days=1):
        return f"明天 {text}"
    return text


def format_when(moment: datetime, now: datetime, *, relative: bool = True) -> str:
    """「12月11日(周五) 20:00」 in `now`'s time zone, the one way the bot writes a time in
    reminders, surveys and deadlines (`format_day`; without `relative` for a text that is read
    later, such as an invitation)."""
    local = moment.astimezone(now.tzinfo)
    return f"{format_day(local.date(), now.date(), relative=relative)} {local:%H:%M}"


def cron_next_runs(cron: dict[str, str], now: datetime, n: int) -> list[datetime]:
    trigger = CronTrigger(**cron, timezone=now.tzinfo)
    runs: list[datetime] = []
    fire = trigger.get_next_fire_time(None, now + timedelta(microseconds=1))
    while fire is not None and len(runs) < n:
        runs.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return runs


class Reparse(Protocol):
    """The top-level parse (scheduler/timeparse.py ``_parse``), handed to the parts that
    read a line they suggest or a text without its brackets again."""

    def __call__(
        self, text: str, now: datetime, *, refuse_unread: bool = True, lead: str = ""
    ) -> ParsedSchedule: ...


Build = Callable[[datetime], dict[str, object]]
Candidate = tuple[int, Build]


def _month_day(day: date, today: date | None = None) -> str:
    """「12月12日」 as /remind reads it, with the year when it is not ``today``'s."""
    year = f"{day.year}年" if today is not None and day.year != today.year else ""
    return f"{year}{day.month}月{day.day}日"
