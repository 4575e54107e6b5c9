"""Parse the time expressions class managers write after ``/remind``.

The text after ``/remind`` is ``WHEN TEXT``: the parser takes the longest leading time
expression as WHEN and returns the rest as the reminder message.

Usage::

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> now = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> p = parse_reminder("明天9点 交研修日志", now)
    >>> p.run_at.isoformat(), p.message
    ('2026-11-24T09:00:00+08:00', '交研修日志')
    >>> parse_reminder("每周五20:00 提交周报", now).describe()
    '每周五 20:00'
    >>> parse_reminder("cron 0 9 * * 1-5 签到", now).cron["day_of_week"]
    'mon-fri'

Supported forms (full-width digits and colons and Chinese numerals are accepted):

* one-off, relative: ``30分钟后`` ``2小时后`` ``半小时后`` ``一个半小时后`` ``3天后`` ``两周后``
  ``3个月后`` ``半年后`` ``一年后`` (``N天后``/``N周后``/``N个月后`` keep the current clock time
  unless a time follows: ``3天后上午9点`` ``3天后 8.30``; a month without that day gives its
  last day);
  a count too far ahead (``3000天后``, ``两年后``) is refused as too far, not as unreadable
* one-off, by day: ``今天`` ``明天`` ``后天`` ``大后天`` ``今早`` ``今晚`` ``明早`` ``明晚``
  ``周五`` (the next Friday still ahead) ``本周五`` ``下周一`` ``下下周三``
  ``周末`` ``下周末`` (the Saturday: see below) ``月底`` ``下个月底``
  ``12月1日`` ``12月1号`` ``12/1`` ``12.1`` ``12-1`` ``15号`` ``下个月15号`` ``2026-12-01``
  ``2026/12/1`` ``2026年12月1日`` ``明年1月5日`` ``元旦`` ``国庆`` ``教师节`` (holidays on a
  fixed date), each optionally followed by a time of day (``12.10 9点``)
* past wordings, recognised only to say the time has passed: ``昨天`` ``前天`` ``昨晚``
  ``上周五`` ``上个月15号`` ``去年12月1日`` ``3天前`` ``2小时前``
* time of day: ``9点`` ``9点半`` ``9点一刻`` ``9点30分`` ``九点十五`` ``8:30`` ``18:00``,
  also with spaces (``8点 30分`` ``8 点 半``, minutes apart from 点 only with 分), ``8点零5分``
  and ``8:30:00``, optionally after a period word (``上午`` ``早上`` ``中午`` ``下午`` ``晚上``
  ``凌晨`` ...); a time alone means today. After a day, where no date can stand, a dot may
  stand for the colon (``明天 8.30`` ``3天后 8.30`` ``每天8.30-9.30`` ``周五 8.45``
  ``下周末 8.30`` ``月底 8.30`` ``明天到周五 8.30``; alone ``8.30`` is a date, and after
  ``周五`` it is refused asking which); ``8.30分`` is ``8点30分``. A 点 after a space that
  starts a word is the text's (``明天 9 点名`` is 09:00 「点名」)
* recurring: ``每天21:00`` ``每晚9点`` ``每周五20:00`` ``每周一、三、五 8:00``
  ``每周一至五 8点`` ``工作日 8:00`` ``每周末10点`` ``每月1日 9:00`` ``每月1日、15日 9点``
  ``每月最后一天 18:00`` ``每年12月1日 9点``; a range of weekdays without 每 is weekly too
  (``周一至周五 晚上9点`` ``周二到周四 15:00``), and a 每天/每晚 between the days and the time
  is read (``工作日每天早上8点`` ``周一到周五每天晚上9点``); a range may run on past Sunday
  (``周六到周一`` is Saturday, Sunday and Monday, shown as 「每周六至周一」). Monday to Friday
  is shown as 「每周一至周五」 however it was written (``工作日`` ``每周一到周五`` ``周一至五``),
  so that the confirmation says it repeats every week. Saturday and Sunday without 每 is weekly
  as well, like 工作日
  (``周六日 10点`` ``周六周日`` ``周六、周日`` ``周六和周日``, shown as 「每周六、日」), when a
  time, a separator, a space or nothing follows: ``周六日程安排`` is Saturday's 「日程安排」.
  Days written one after another without 周 (``周六日`` ``周一三五``) must each be later in the
  week and not run into a word or a number (``周六一起`` ``周五六点`` ``周一二十点`` ``周一三班``
  are one day). ``双休日`` is ``周六日``, and 各 may stand before the time (``周六日各10点``)
* a rule from a day on: ``明天开始每天9点`` ``下周一起 每周一 8点`` ``从明天起 每天9点``
  ``今天起 每天9点`` is the rule, said as 「每天 09:00（明天开始）」; when it would run before
  that day (``明天开始每天9点`` written at 07:00, ``下周一开始 每天8点``) its cron gets that day
  as ``start_date`` (APScheduler's CronTrigger reads it); from today on, when today's time has
  passed, it says 「（今天的 08:00 已过，从明天开始）」. A leading 从 is read only there and
  before a range of days: ``从明天开始 交作业`` stays unread. A day on and a time without a
  rule (``明天开始 8点 签到``: once, or every day?) is refused with both lines to send;
  ``明天开始连续三天 8点`` is the range of those three days
* a range of days from a calendar day (今天/明天/后天/大后天, a date, ``15日``) to another
  (also ``周五`` ``下周五``, the first on or after the first day): ``明天至周五 8点``
  ``明天开始到周五`` ``明天起至周五`` ``12月12日到14日 8点`` ``12月12日至12月14日 每天8点``
  ``12月12-14日`` ``12/12-12/14`` ``12.12-12.14`` ``12.12-14`` ``12月12、13、14日``
  ``明天到后天`` ``从12月12日到14日``, and weekdays when a week is named (``下周一到周五``
  ``本周三到五`` ``本周六到周一`` ``周六到下周一``): every day from the first to the last
  at the time written (09:00, said, when none is), a rule with a cron ``start_date`` and
  ``end_date``, shown as 「12月7日（周一）至12月11日（周五） 每天 08:00」; a rule written after
  the days runs between them (``12月1日到31日 每周五 8点``). A range begun runs from now (one
  from today whose time has passed says 「（今天的 08:00 已过，从明天开始）」); one written
  without its year (month) that is over means next year's (month's), said, and this week's
  that is over (``本周一到周五`` on Saturday) is refused with next week's and the weekly
  line. One that ends the day it starts, or before (``12月14日到12日``: a month's end runs
  into the next only when the range is 17 days or less, ``30日到2日``), is refused with what
  to write; so are days not in a row (``12月12、14日``: a line each). ``明天到3号楼`` is no
  range, nor is a range of weekdays with no week named (``周一至周五``: every week)
* a weekday or a date in brackets after a day, as notices print them (``12月12日（周六）8点``
  ``明天（周二）`` ``12月12日至14日（周六至周一）`` ``周六（12月12日）``), is checked against
  the day read and left out; when they differ the refusal says which day is which weekday
* a time span after the time of day: ``8点到9点`` ``下午2点-4点`` ``14:00-16:00``
  ``8:00~9:00`` ``8点至9点`` ``8-10点`` ``9点到10点之间`` ``晚上11点到凌晨1点``: the reminder
  goes out at the start, the text begins with the span as the bot writes times
  (「08:00–09:00 直播」, 「23:00–次日01:00 …」) so trainees know it, and ``describe()`` adds
  「（按开始时间提醒）」. An end without a period word takes the start's (``下午2点-4点`` is
  14:00–16:00; a bare ``8点到9点`` read as tonight is 20:00–21:00). Without 上午/下午 a span
  starting at 1 to 5 o'clock is the afternoon when it ends before noon or more than 12 hours
  later (``2-4点`` ``1点到3点`` ``2点到下午4点`` are 14:00–16:00 …, not 02:00 at night), and
  ``describe()`` says so: 「（「2-4点」按下午理解；凌晨的话请写「凌晨2-4点」）」; ``凌晨2-4点`` and
  ``02:00-04:00`` stay at night. A span from 11 or 12 o'clock to 1–6 o'clock ends in the
  afternoon (``12点到1点`` ``11点到1点`` end at 13:00), so does one from 7–10 o'clock written
  without 上午/下午 (``8点到5点`` is 08:00–17:00, a training day). After a day both hours may
  be written without 点 (``明天 8-9 晨读`` ``明天 2-4 班会``, alone ``8-9`` is a date), and an
  hour alone with a space after it
  ends a span when that is after its start (``8:30-9 晨读`` is 08:30–09:00; ``8点-3 班集合``
  keeps 「3 班集合」). A range of numbers before a count word (人 名 位 组 次 页 分钟 天 …:
  ``明天 3-5 人一组 讨论``) is a count, not a span: after a time it stays in the text
  (``明天8点 3-5人一组讨论``), and after a day without one it is refused with the line to send
  at the default time written out (and, for numbers that may be hours, ``明天 3-5点``), so
  that it neither goes out at 15:00 nor at a 09:00 the manager did not write. An end not
  after the start
  (``9点到8点``) is refused with how to write it; ``8点 到9点前`` ``9点-10点前`` leave
  「到9点前」「10点前」 in the text (a deadline: reminded at the start), and a separator with
  no end after it (``明天9点~ 交作业``) is dropped
* a separator ``,`` ``，`` ``、`` ``;`` ``；`` may stand between the day and the time
  (``3天后, 9点`` ``明天，早上9点`` ``下周二,下午3点`` ``周五下午，3点半`` ``工作日，每天8点``),
  and ``;`` between weekdays as ``、`` does; past a separator only an hour is read, so
  ``明天，下午开会`` keeps 「下午开会」 as the text
* refused with how to write it, rather than read half: two times (``每天早晚8点``
  ``每天8点和20点``, also apart when the second has its period word: ``上午8点 下午2点``;
  ``明天9点 10点开会`` and ``工作日 09:00 早上8点 签到`` keep it as the text), a list of
  weekdays without 每 (``周一、三、五`` ``周一三五``: every week or once?), ``下周一、三、五``
  ``下周六日`` (a one-off is one day), ``周末两天`` (this weekend, or every one?), and any
  time of day in the text after a defaulted time (``工作日。早上8点 签到``
  ``明天 交材料，截止下午5点`` ``周五 8.30 开会`` would go out at 09:00): a reminder never
  goes out at a time other than the one written
* ``本周六日`` ``本周一、三、五`` (a list of this week's days) are refused too: a one-off is one
  day and a rule repeats every week. A manager who wrote 本周 wants those days, so the refusal
  lists a ready /remind for each of them still ahead (``/remind 本周六 9点 打卡`` …), then
  the weekly form; when all are past it says so and suggests next week's
* not supported, refused with what to write instead: intervals the cron rules cannot count
  (``每两周`` ``隔周`` ``每隔一天`` ``每两个月`` ``每2小时``: suggest ``每周五20:00`` …)
* a standard 5-field crontab prefixed by ``cron``: ``cron 0 9 * * 1-5 TEXT``
  (crontab weekdays, 0 or 7 = Sunday, are converted to APScheduler names; day-of-month and
  day-of-week both restricted means both must match, as in APScheduler, not either as in cron);
  a bad field is refused in Chinese, naming the field and its range
* every recurring rule must leave at least ``MIN_REPEAT_MINUTES`` (one hour) between two
  reminders: a whole class is messaged each time, so ``cron * * * * *`` is refused

Conventions:

* A day without a time of day means 09:00; a period word alone means its usual hour
  (上午 09:00, 中午 12:00, 下午 15:00, 傍晚 18:00, 晚上 20:00). ``describe()`` says so.
* 下午 moves 1-11 点 and 晚上 moves 5-11 点 to the afternoon/evening; ``晚上1点``-``4点`` are
  rejected as ambiguous (write ``凌晨1点``). ``晚上12点`` and ``24点`` mean midnight at the end
  of that day (00:00 of the next day, shown as such by ``describe()``; accepted in ``每天`` as
  00:00, rejected in weekly, monthly and yearly rules). ``凌晨12点`` is 00:00 of that day.
* Without a period word 1-5 点 (no leading zero, written with 点) is the afternoon's, as in a
  span: ``明天1点半`` is 13:30 and ``每天 3点`` 15:00, and ``describe()`` says so:
  「（「1点半」按下午理解；凌晨的话请写「凌晨1点半」）」; ``凌晨1点`` ``01:00`` ``1:30`` stay at
  night. Other hours are read as 24-hour time: ``今天8点`` at 10:00 is in the past.
  Only a time alone, 1-11 点 without a leading zero, written after 12:00 when that hour has
  passed today, means the same hour tonight (``8点`` at 19:48 is 20:00), and ``describe()``
  says so: ``(今天 08:00 已过,按今晚 20:00 理解;明早请写「明天8点」)``. Like 「明天」 after
  midnight (below), the confirmation shows the reading before anything is scheduled.
* A month and day without a year whose day is already over this year means next year (the
  description says so: ``(今年的12月1日已过,按2027年)``); today's date with a passed time of
  day is reported as past. ``15号`` that already passed this month means next month (also
  said). A one-off reminder may be at most one year ahead (``MAX_AHEAD_YEARS``).
* ``12.10`` and ``12-10`` are month and day (as ``12/10``), unless a unit follows
  (``1.5小时后``, ``8-10点`` stay unread) or a day comes before (``明天 8.30``: a time); a
  month or day out of range is no date either.
* ``周末``/``下周末`` mean the Saturday of that week (weeks start on Monday; 09:00 unless a
  time is written), said as ``(下周末按周六)``: the start of the weekend, when a reminder is
  still useful. A bare ``周末`` is the next Saturday still ahead, like a bare ``周六``.
* ``月底`` is the last day of this month, or of next month once this month's is over (said:
  ``(本月最后一天已过,按12月31日)``). ``元旦`` is the next 1 January still ahead.
* ``明天`` keeps its calendar meaning at any hour: written at 00:30, ``明天上午9点`` is the
  next date, 32.5 h away. :func:`small_hours_tomorrow` recognises that case (00:00-04:59) so
  the confirmation names the date and offers today instead (handlers/reminders.py).
* Arithmetic is wall-clock in ``now``'s time zone (fine for the DST-free Asia/Shanghai).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

__all__ = ["ParsedSchedule", "TimeParseError", "parse_reminder"]

EXAMPLES = (
    "可以这样写（时间在前，提醒内容在后）：\n"
    "· /remind 明天9点 交研修日志\n"
    "· 一次性：明早8:30 / 今晚8点 / 后天下午3点半 / 12月1日 18:00 / 2026-12-01 18:00\n"
    "· 相对时间：30分钟后 / 2小时后 / 3天后\n"
    "· 按星期：周五20:00 / 下周一上午10点\n"
    "· 重复：每天21:00 / 每周五20:00 / 每周一、三、五 8:00 / 工作日 8:00 / 每月1日 9:00\n"
    "· cron 表达式：cron 0 9 * * 1-5（标准 crontab 五段式）\n"
    "只写日期不写钟点时，默认 9:00；重复提醒两次之间至少隔 1 小时；一次性提醒最多设在一年以内。"
)
MAX_AHEAD_YEARS = 1
MIN_REPEAT_MINUTES = 60  # at most 60: _check_frequency relies on it
DEFAULT_CLOCK = (9, 0)
WEEKDAY_CN = "一二三四五六日"
APS_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CRONTAB_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class TimeParseError(ValueError):
    """The WHEN part of a reminder is missing, invalid or not in the future."""

    def __init__(self, reason: str, *, with_examples: bool = True) -> None:
        self.reason = reason
        self.with_examples = with_examples
        super().__init__(f"{reason}\n\n{EXAMPLES}" if with_examples else reason)


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


def parse_reminder(text: str, now: datetime) -> ParsedSchedule:
    """Split ``WHEN TEXT`` into a schedule and a message; raise TimeParseError on bad input."""
    return _parse(text, now)


def _parse(
    text: str, now: datetime, *, refuse_unread: bool = True, lead: str = ""
) -> ParsedSchedule:
    """:func:`parse_reminder`; without ``refuse_unread`` for a suggestion of
    :func:`_refuse_unread_clock`, which would otherwise suggest itself again and again
    (「明天下午 晚上8点」). ``lead`` is the 「从」 written before ``text``: then only a rule from
    a day on is read (「从明天起 每天9点」)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    original = text.strip()
    normalized = _colon_clocks(original.translate(_FULLWIDTH))
    if not normalized:
        raise TimeParseError("请写上提醒时间和内容。")
    if brackets := _bracketed_days(original, normalized):  # 「12月12日（周六）8点」
        return _check_bracketed_days(original, brackets, now, refuse_unread, lead)
    from_word = _FROM_RE.match(normalized)
    if not lead and from_word and match_date_range(normalized) is None:  # 「从12月12日到14日」
        after_from = original[from_word.end() :]
        return _parse(after_from, now, refuse_unread=refuse_unread, lead=from_word[0].strip())
    unread = TimeParseError(f"没看懂提醒时间：「{_head(lead + original)}」。")
    candidates = [m for matcher in _MATCHERS if (m := matcher(normalized)) is not None]
    if not candidates:
        _refuse_second_time("", normalized, now)  # 「早晚8点 打卡」
        raise unread
    end, build = max(candidates, key=lambda c: c[0])
    span = _time_span(normalized, end)
    if span is not None and _afternoon_span(normalized, span):
        at = _CLOCK_LEAD_RE.match(original, span.begin)
        assert at is not None
        night = "" if span.until_period else f"；凌晨的话请写「凌晨{span.written}」"
        return _in_the_afternoon(
            original, (at.end(), span.end), span.written, night, now, refuse_unread, lead
        )
    if span is None and (hour := _afternoon_hour(normalized, end)) is not None:
        written = original[hour[0] : hour[1]].strip()
        night = f"；凌晨的话请写「凌晨{written}」"
        return _in_the_afternoon(original, hour, written, night, now, refuse_unread, lead)
    if span is not None:
        end = span.end
    when_text = original[:end].strip()
    _refuse_second_time(when_text, normalized[end:], now, span.begin if span else None)
    _refuse_weekday_span(when_text, normalized[end:], now)
    if lead and not _FROM_DAY_RE.match(normalized, end):  # 「从明天9点 开始」: no rule
        raise unread
    try:
        schedule = build(now)
    except TimeParseError:
        if (rule := _rule_from_today(when_text, original, end, build, now, lead)) is None:
            raise
        return rule
    if (rule := _rule_from_day(when_text, original, end, schedule, now, lead)) is not None:
        return rule
    if lead:
        raise unread
    span_text = _span_text(span, schedule) if span is not None else ""
    message = original[end:].strip().lstrip(_MESSAGE_SEPARATORS).strip()
    if refuse_unread and schedule.get("default_time_note"):
        _refuse_unread_clock(when_text, message.translate(_FULLWIDTH), schedule, now)
        _refuse_time_in_text(when_text, message, schedule)
        _refuse_count_range(when_text, message, schedule)
    deadline = re.match(rf"({BEFORE})\s*", message)
    if deadline:  # 「12月10日前 交材料」 names the deadline, not when to remind
        due = schedule.get("run_at")
        named = f"「{when_text}{deadline[1]}」像是截止时间。"
        rest = f"{when_text}{deadline[1]}{message[deadline.end() :]}"
        if not isinstance(due, datetime):  # a recurring rule
            raise TimeParseError(
                f"{named}请先写提醒发出的时间，再写内容，例如：/remind 每周四 20:00 {rest}",
                with_examples=False,
            )
        ends = _deadline_end(due, str(schedule.get("default_time_note") or ""))
        when = _remind_before(ends, now)
        if when is None:  # no time left before it
            before = format_datetime(ends)
            before = before.removesuffix(" 00:00") if ends != due else before
            raise TimeParseError(
                f"{named}提醒要在截止之前发出：请先写一个在 {before} 之前的提醒时间，再写内容。",
                with_examples=False,
            )
        raise TimeParseError(
            f"{named}请先写提醒发出的时间，再写内容，例如：/remind {when} {rest}",
            with_examples=False,
        )
    if not message:
        raise TimeParseError(
            f"请在时间后写上提醒内容，例如：/remind {when_text} 交研修日志", with_examples=False
        )
    if span_text:  # the reminder goes out at the start; trainees read the whole span
        message = f"{span_text} {message}"
        schedule["note"] = f"{schedule.get('note') or ''}{SPAN_NOTE}"
    return ParsedSchedule(when_text=when_text, message=message, now=now, **schedule)


_FROM_RE = re.compile(r"从\s*")  # 「从明天起 每天9点」
_FROM_DAY_RE = re.compile(r"\s*(?:开始|起)\s*[,，、]?\s*")
_RULE_WORD_RE = re.compile(r"每|天天|工作日|cron\s", re.I)


def _rule_from_today(
    when_text: str, original: str, end: int, build: Build, now: datetime, lead: str
) -> ParsedSchedule | None:
    """「今天起 每天9点 打卡」 after 09:00, when today read as a one-off has passed: the rule
    from today on (:func:`_rule_from_day`); None for any other WHEN."""
    if not _FROM_DAY_RE.match(original.translate(_FULLWIDTH), end):
        return None
    try:
        schedule = build(now.replace(hour=0, minute=0, second=0, microsecond=0))
    except TimeParseError:
        return None
    run_at = schedule.get("run_at")
    if not isinstance(run_at, datetime) or run_at.date() != now.date():
        return None
    return _rule_from_day(when_text, original, end, schedule, now, lead)


def _rule_from_day(
    when_text: str,
    original: str,
    end: int,
    schedule: dict[str, object],
    now: datetime,
    lead: str = "",
) -> ParsedSchedule | None:
    """「明天开始每天9点 打卡」「下周一起 每周一 8点」 (also after 从, ``lead``): the rule from
    that day on (said: 「每天 09:00（明天开始）」); when it would run before that day (「明天开始
    每天9点」 written before 09:00) its cron gets that day as ``start_date``, which APScheduler's
    CronTrigger reads. None when WHEN is no day followed by 开始/起 and a rule."""
    run_at = schedule.get("run_at")
    start = _FROM_DAY_RE.match(original.translate(_FULLWIDTH), end)
    if start is None or not isinstance(run_at, datetime) or not schedule.get("default_time_note"):
        return None
    rest = original[start.end() :]
    if run_of_days := _RUN_OF_DAYS_RE.match(rest.translate(_FULLWIDTH)):
        written = original[: start.end() + run_of_days.end()]
        return _run_of_days(written, rest, run_of_days, run_at, now)
    if clock := _hour_clock(rest.translate(_FULLWIDTH), 0):  # 「明天开始 8点 签到」
        day = f"{lead}{when_text}{original[end : start.end()].strip()}"
        raise TimeParseError(
            f"「{day} {clock[0].strip()}」是只提醒{when_text}一次，还是从{when_text}起每天提醒？"
            f"只提醒一次的话，请写成：/remind {when_text} {rest.strip()}；"
            f"每天提醒的话，请写成：/remind {day} 每天{rest.strip()}",
            with_examples=False,
        )
    try:
        rule = _parse(rest, now)
    except TimeParseError:
        if _RULE_WORD_RE.match(original, start.end()):  # 「明天开始每两周」: say why not
            raise
        return None  # 「明天起床后 量体温」
    if rule.cron is None:
        return None
    written = f"{lead}{when_text}{original[end : start.end()].strip()}{rule.when_text}"
    cron = rule.cron
    first_run = rule.next_runs(1)[0]
    if first_run.date() < run_at.date():  # 「明天开始每天9点」 at 07:00
        cron = cron | {"start_date": run_at.date().isoformat()}
        if not cron_next_runs(cron, now, 1):
            raise TimeParseError("这个重复规则永远不会触发，请检查日期。")
    starts = f"（{when_text}开始）"
    if run_at.date() == now.date():  # 「今天开始每天8点」 typed in the evening
        starts = _passed_today_note(cron, first_run, now) or starts
    return replace(rule, when_text=written, cron=cron, note=f"{rule.note}{starts}")


def _run_of_days(
    written: str, rest: str, run_of_days: re.Match[str], first: datetime, now: datetime
) -> ParsedSchedule:
    """「明天开始连续三天 8点 签到」: every day of the three from tomorrow, read as the range
    「12月8日到12月10日 8点 签到」 (:func:`match_date_range`)."""
    days = cn_to_int(run_of_days["n"])
    if not 2 <= days <= MAX_RELATIVE_DAYS:
        raise TimeParseError(
            f"「{written.strip()}」：连续的天数请写 2 天以上，只提醒一天的话请写那一天，"
            "例如：/remind 明天 8点 签到",
            with_examples=False,
        )
    last = first.date() + timedelta(days=days - 1)
    dates = f"{first.year}年{_month_day(first.date())}到{last.year}年{_month_day(last)}"
    parsed = _parse(dates + rest[run_of_days.end() :], now)
    return replace(parsed, when_text=written + parsed.when_text[len(dates) :])


SUGGEST_AHEAD = timedelta(minutes=10)  # a suggested time is at least this far ahead


def _deadline_end(due: datetime, default_note: str) -> datetime:
    """When a one-off deadline read as `due` ends: `due`, but for a day without a time of day
    (「明天前」「12月10日前」, read as 09:00) the start of that day."""
    if default_note and (due.hour, due.minute) == DEFAULT_CLOCK:
        return due.replace(hour=0, minute=0, second=0, microsecond=0)
    return due


def _remind_before(ends: datetime, now: datetime) -> str | None:
    """When to remind of a deadline that `ends` then, as /remind reads it (「12月9日 9:00」,
    the year written when it is not `now`'s): the day before at 09:00, else that evening at
    20:00, else 08:00 on the day if that is an hour or more before it ends, else soon (a
    little after `now`, on the quarter hour); the first of them still ahead of `now` and
    before the deadline. None when no time is left."""
    ahead = now + SUGGEST_AHEAD
    soon = ahead.replace(second=0, microsecond=0)
    if soon < ahead:
        soon += timedelta(minutes=1)
    soon += timedelta(minutes=-soon.minute % 15)
    on_the_day = ends.replace(hour=8, minute=0, second=0, microsecond=0)
    day_before = on_the_day - timedelta(days=1)
    choices = [day_before.replace(hour=9, minute=0), day_before.replace(hour=20, minute=0)]
    if on_the_day <= ends - timedelta(hours=1):
        choices.append(on_the_day)
    for moment in [*choices, soon]:
        if ahead <= moment < ends:
            year = f"{moment.year}年" if moment.year != now.year else ""
            return f"{year}{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"
    return None


SMALL_HOURS_END = 5  # written before 05:00, 「明天」 may be meant as the morning after the night
_TOMORROW_RE = re.compile(r"\s*(明天|明日|明早|明晨|明晚)")


def small_hours_tomorrow(when_text: str, now: datetime) -> tuple[str, date] | None:
    """(「明天」 as written, the calendar day it means) when WHEN starts with 明天/明早/明晚…
    and was written between 00:00 and 04:59, when a manager up late may mean the coming
    morning, which is today by the calendar; None otherwise.

    「明天」 keeps its calendar meaning (the next date): the confirmation names that date and
    offers today instead (handlers/reminders.py)."""
    m = _TOMORROW_RE.match(when_text)
    if m is None or now.hour >= SMALL_HOURS_END:
        return None
    return m[1], now.date() + timedelta(days=1)


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


# ---------------------------------------------------------------- text helpers

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# stripped from the start of the text: 「明天9点~ 交作业」 leaves no 「~」 there
_MESSAGE_SEPARATORS = " ,，:：;；、-—–~～〜。."
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

NUM = r"[0-9零〇一二两三四五六七八九十]{1,3}"
YEAR = r"\d{4}|[零〇一二三四五六七八九]{4}"
WD = r"[一二三四五六日天七1-7]"
WEEK = r"(?:周|星期|礼拜)"
LIST_SEP = r"\s*[、,，;；和及与/]\s*"
# a weekday after a separator, unless it is the hour of a time (「每周三，7点」「周一至五，7:30」);
# 「每周三、五点名」 is Wednesday and Friday, 点名 the text
WD_NEXT = r"(?:[一二三四五六日天七]|[1-7](?!\d))(?!\s*(?:[点點时時](?!名)|:))"
# what may stand between the parts of WHEN (「明天，早上9点」), full-width forms normalised
PART_SEP = r"\s*[,;、，；]\s*"
# between the ends of a range: 「周一至周五」「周一——周五」「8点到9点」「14:00-16:00」
RANGE_SEP = r"\s*(?:至|到|~|〜|-|–|—{1,2})\s*"
AFTER = r"\s*(?:以后|之后|后)"
BEFORE = r"(?:以前|之前|前)(?![往进去来面])"  # "3天前", not "2小时 前往…"
COUNT = rf"\d{{1,6}}|{NUM}"  # relative counts: "3000天后" is too far, not unreadable
MAX_RELATIVE_DAYS = 400  # beyond any one-off limit; keeps the date arithmetic in range


def cn_to_int(token: str) -> int:
    """Convert ``12``/``十二``/``二十三``/``二〇二六``/``零五`` to an int."""
    if token.isascii() and token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            raise TimeParseError(f"看不懂数字「{token}」。")
        return _cn_digit(tens or "一") * 10 + (_cn_digit(ones) if ones else 0)
    value = 0
    for char in token:
        value = value * 10 + _cn_digit(char)
    return value


def _cn_digit(char: str) -> int:
    if char.isascii() and char.isdigit():
        return int(char)
    if char not in _CN_DIGITS:
        raise TimeParseError(f"看不懂数字「{char}」。")
    return _CN_DIGITS[char]


def _weekday(char: str) -> int:
    """Monday=0 ... Sunday=6 from 一..日/天/七 or 1..7."""
    if char in "日天七7":
        return 6
    return int(char) - 1 if char.isdigit() else WEEKDAY_CN.index(char)


def _head(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# ---------------------------------------------------------------- time of day

_AM = ("凌晨", "清晨", "早上", "早晨", "上午", "早")
_NOON = ("中午", "午间")
_PM = ("下午", "午后", "傍晚", "晚上", "晚间", "晚")
_EVENING = ("晚上", "晚间", "晚")
_PERIOD_DEFAULT_HOUR = {
    "早上": 9,
    "早晨": 9,
    "上午": 9,
    "中午": 12,
    "下午": 15,
    "傍晚": 18,
    "晚上": 20,
}

_PERIOD_WORD = _alternation(_AM + _NOON + _PM)
# 「8-10点」「下午2到4点」: the start of a span may be an hour without 点 (group h3)
_SPAN_END_HOUR = rf"{RANGE_SEP}(?:{_PERIOD_WORD})?\s*{NUM}\s*[点點时時]"
# after a range of numbers a count, not hours: 「明天 3-5 人一组」 (班 stays: 「明天 2-4 班会」)
_COUNT_WORDS = (
    r"人|个|名|位|组|队|次|页|题|道|篇|章|节|份|张|本|条|项|遍|轮|岁|元|块|分钟|分|小时|钟头"
    r"|天|周|星期|礼拜|月|年|%"
)
# 「明天 8-9 晨读」: so may both ends, when a space or nothing follows (group h3_end)
_SPAN_END_BARE = rf"{RANGE_SEP}(?P<h3_end>\d{{1,2}})(?=\s|$|[,;、，；。])(?!\s*(?:{_COUNT_WORDS}))"
# 点 starting a word after a space (「9 点名」「8:30-9 点评作业」) is the text's, not 9点's
_POINT_WORD = r"\s+[点點][名评赞菜击播单餐歌拨燃亮]"

_CN_MINUTES = r"零[一二三四五六七八九]|[一二三四五]?十[一二三四五六七八九]?"
# 「8点 30分」「8 点 半」: minutes apart from 点 are read when 分 follows them
_CLOCK_RE = re.compile(
    rf"""\s*(?:的\s*)?(?P<period>{_PERIOD_WORD})?\s*
    (?:
        (?P<h>{NUM})\s*:\s*(?P<mm>\d{{2}})(?:\s*:\s*00(?!\d))?
      | (?P<h2>{NUM})
        (?: (?!{_POINT_WORD})\s*[点點时時]
            (?: \s*(?P<half>半)(?!小时|天|个|年|月|日|夜)
              | (?P<q>一刻|1刻|三刻|3刻)
              | 零?(?P<m>\d{{1,2}})(?:分钟|分)?
              | \s+(?P<ms>\d{{1,2}}|{_CN_MINUTES})\s*分(?!钟)
              | (?P<mcn>{_CN_MINUTES})(?:分钟|分)?
              | (?P<mcn1>[一二三四五六七八九])分
              | 整 | 钟 )?
          | (?={_POINT_WORD}) )
      | (?P<h3>{NUM})(?={_SPAN_END_HOUR}|{_SPAN_END_BARE})
    )?""",
    re.X,
)


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int
    defaulted: bool = False

    @property
    def next_day(self) -> bool:
        return self.hour == 24

    def as_time(self) -> time:
        return time(self.hour % 24, self.minute)

    def text(self) -> str:
        return f"{self.hour % 24:02d}:{self.minute:02d}"


def match_clock(text: str, pos: int, implied_period: str | None) -> tuple[Clock, int] | None:
    """The time of day at ``pos`` (after optional spaces), or None."""
    m = _CLOCK_RE.match(text, pos)
    assert m is not None
    period = m["period"] or implied_period
    hour_token = m["h"] or m["h2"] or m["h3"]
    if hour_token is None:
        if m["period"] in _PERIOD_DEFAULT_HOUR:
            return Clock(_PERIOD_DEFAULT_HOUR[m["period"]], 0, defaulted=True), m.end()
        return None
    if _no_clock(m):
        return None
    minute = _minute(m)
    hour = _apply_period(cn_to_int(hour_token), minute, period, m.group(0).strip())
    return Clock(hour, minute), m.end()


def _no_clock(m: re.Match[str]) -> bool:
    """Whether what :data:`_CLOCK_RE` matched is no time of day after all: 「8-3」 written
    without 点 that does not end after it starts (「明天 8-3 班集合」), 「早一点」 (a little
    earlier, not 01:00)."""
    if m["h3_end"] and not _bare_span_ends_after(m["h3"], m["h3_end"]):
        return True
    return m["period"] in ("早", "晚") and m[0].strip().endswith("一点")


def _bare_span_ends_after(start: str, until: str) -> bool:
    """Whether 「8-9」 written without 点 is a span of hours: both hours exist and it ends
    after it starts, as :func:`_ends_after` reads it."""
    first, last = cn_to_int(start), int(until)
    return first <= 24 and last <= 24 and _ends_after(Clock(first, 0), Clock(last, 0))


_PART_SEP_RE = re.compile(PART_SEP)


def _clock_after(text: str, pos: int, implied_period: str | None) -> tuple[Clock, int] | None:
    """The time of day after a day at ``pos`` (:func:`match_clock`), also when a separator
    stands before it or between its period word and its hour: 「明天，早上9点」 「3天后, 9点」
    「周五下午，3点半」. Past a separator only an hour is read: 「明天，下午开会」 is 明天 (at
    the default time) and the text 「下午开会」."""
    found = match_clock(text, pos, implied_period)
    if found is None:
        sep = _PART_SEP_RE.match(text, pos)
        if sep is None or _hour_clock(text, sep.end()) is None:
            return None
        return match_clock(text, sep.end(), implied_period)
    clock, end = found
    sep = _PART_SEP_RE.match(text, end)
    if clock.defaulted and sep is not None:  # 「下午，3点半」: the period word of that hour
        hour = _hour_clock(text, sep.end())
        if hour is not None and not hour["period"]:
            period = _CLOCK_RE.match(text, pos)
            assert period is not None
            return match_clock(text, sep.end(), period["period"])
    return found


def _minute(m: re.Match[str]) -> int:
    if m["half"]:
        return 30
    if m["q"]:
        return 15 if m["q"] in ("一刻", "1刻") else 45
    token = m["mm"] or m["m"] or m["ms"] or m["mcn"] or m["mcn1"]
    minute = cn_to_int(token) if token else 0
    if minute > 59:
        raise TimeParseError(f"时间不存在：「{m.group(0).strip()}」（分钟应在 0-59 之间）。")
    return minute


def _apply_period(hour: int, minute: int, period: str | None, written: str) -> int:
    """24-hour value; 24 means midnight at the end of the day."""
    if hour > 24 or (hour == 24 and minute):
        raise TimeParseError(f"时间不存在：「{written}」（小时应在 0-23 之间）。")
    if period is None or hour == 0:
        return hour
    if period in _AM:
        if hour > 12:
            raise TimeParseError(f"时间不存在：「{written}」（{period}只有 0-12 点）。")
        return 0 if hour == 12 and period == "凌晨" else hour
    if period in _NOON:
        return hour + 12 if hour <= 3 else hour
    if hour == 12:
        return 24 if period in _EVENING else 12
    if period in _EVENING and hour <= 4:
        raise TimeParseError(f"「{written}」有歧义：如果指半夜，请写成「凌晨{hour}点」。")
    return hour + 12 if hour < 12 else hour


# ---------------------------------------------------------------- building blocks

Build = Callable[[datetime], dict[str, object]]
Candidate = tuple[int, Build]
DayResolver = Callable[[datetime, Clock], tuple[datetime, str]]  # (run_at, note)


def _at(day: date, clock: Clock, tz: tzinfo | None) -> datetime:
    dt = datetime.combine(day, clock.as_time(), tzinfo=tz)
    return dt + timedelta(days=1) if clock.next_day else dt


def _make_date(year: int, month: int, day: int, written: str) -> date:
    if not 1 <= month <= 12:
        raise TimeParseError(f"日期不存在：「{written}」（没有{month}月）。")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise TimeParseError(f"日期不存在：「{written}」（{year}年{month}月没有{day}日）。")
    return date(year, month, day)


def _add_years(dt: datetime, years: int) -> datetime:
    try:
        return dt.replace(year=dt.year + years)
    except ValueError:
        return dt.replace(year=dt.year + years, day=28)


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _check_one_off(run_at: datetime, now: datetime, note: str = "") -> None:
    if run_at <= now:
        raise TimeParseError(
            f"时间已经过去了：{format_datetime(run_at)}{note}"
            f"（现在是 {format_datetime(now)}）。"
            "请写一个将来的时间，例如「明天8点」或「今晚8点」。"
        )
    if run_at > _add_years(now, MAX_AHEAD_YEARS):
        raise _too_far(format_datetime(run_at), now)


def _too_far(what: str, now: datetime) -> TimeParseError:
    latest = format_datetime(_add_years(now, MAX_AHEAD_YEARS))
    return TimeParseError(
        f"时间太远了：{what}。一次性提醒最多设在一年以内（最晚到 {latest}），"
        "请写一个一年以内的时间；每年都要提醒的事可以写「每年12月1日 9点」。"
    )


def _default_clock(period: str | None) -> Clock:
    if period in _PERIOD_DEFAULT_HOUR:
        return Clock(_PERIOD_DEFAULT_HOUR[period], 0, defaulted=True)
    return Clock(*DEFAULT_CLOCK, defaulted=True)


def _default_note(clock: Clock) -> str:
    return f"（未写具体时间，默认 {clock.text()}）" if clock.defaulted else ""


def _one_off(
    text: str,
    m: re.Match[str],
    resolve: DayResolver,
    period: str | None = None,
    default: Callable[[datetime], Clock] | None = None,
) -> Candidate:
    """A day expression ending at ``m.end()``, optionally followed by a time of day."""
    found = _clock_after(text, m.end(), period)
    end = found[1] if found else m.end()

    def build(now: datetime) -> dict[str, object]:
        if found:
            clock = found[0]
        elif default:
            clock = default(now)
        else:
            clock = _default_clock(period)
        run_at, note = resolve(now, clock)
        default_note = _default_note(clock)
        _check_one_off(run_at, now, default_note)
        return {"run_at": run_at, "default_time_note": default_note, "note": note}

    return end, build


# ---------------------------------------------------------------- one-off forms

_DAY_WORDS = {
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "後天": 2,
    "大后天": 3,
    # past days: recognised so that the answer is "时间已经过去了", not "没看懂"
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
    "大前天": -3,
}
_DAY_PERIOD_WORDS = {
    "昨早": (-1, "早上"),
    "昨晚": (-1, "晚上"),
    "昨夜": (-1, "晚上"),
    "今早": (0, "早上"),
    "今晨": (0, "早上"),
    "今晚": (0, "晚上"),
    "今夜": (0, "晚上"),
    "明早": (1, "早上"),
    "明晨": (1, "早上"),
    "明晚": (1, "晚上"),
    "后晚": (2, "晚上"),
}
_DAY_WORD_RE = re.compile(_alternation({**_DAY_WORDS, **_DAY_PERIOD_WORDS}))


def match_day_word(text: str) -> Candidate | None:
    m = _DAY_WORD_RE.match(text)
    if not m:
        return None
    offset, period = _DAY_PERIOD_WORDS.get(m[0], (_DAY_WORDS.get(m[0], 0), None))

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        return _at(now.date() + timedelta(days=offset), clock, now.tzinfo), ""

    return _one_off(text, m, resolve, period)


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


_WEEKDAY_RE = re.compile(rf"(?P<pre>下下个?|下个?|上上个?|上个?|这个?|本)?{WEEK}(?P<wd>{WD})")
_WEEK_OFFSET = {"下下": 2, "下": 1, "这": 0, "本": 0, "上": -1, "上上": -2}


def match_weekday(text: str) -> Candidate | None:
    m = _WEEKDAY_RE.match(text)
    if not m:
        return None
    wd = _weekday(m["wd"])
    prefix = (m["pre"] or "").rstrip("个")

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        today = now.date()
        tz = now.tzinfo
        if not prefix:
            run_at = _at(today + timedelta(days=(wd - today.weekday()) % 7), clock, tz)
            return (run_at if run_at > now else run_at + timedelta(days=7)), ""
        monday = today - timedelta(days=today.weekday())
        day = monday + timedelta(days=7 * _WEEK_OFFSET[prefix] + wd)
        return _at(day, clock, tz), ""

    return _one_off(text, m, resolve)


_ISO_DATE_RE = re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})[日号]?")
_SLASH_DATE_RE = re.compile(r"(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})(?![\d/])")
# 「12.10」「12-10」: month and day, unless a unit follows (「1.5小时后」「8-10点」 are no dates)
_UNITS = r"个|小时|钟头|分|秒|天|周|星期|礼拜|月|年|点|點|时|時|:|%|倍|元|万|人|次|岁"
# 「明天 8.30」「每天8.30-9.30」: a clock written with a dot after a day, which cannot be a
# date there (「12.10」 alone or after 周五 is one)
_DOTTED_CLOCK = rf"\d{{1,2}}\.[0-5]\d(?![\d.])(?!\s*(?:{_UNITS}))"
# 「3天后 8.30」「两周后 8.30」「下周末 8.30」「月底 8.30」 are clocks as after 「明天」;
# 「8.30分」 is 8点30分
_DOTTED_CLOCK_RE = re.compile(
    rf"(?:天|(?<![周期拜])日|[号號早晚晨夜午上]|[天日周期拜]\s*[以之]?后|每{WEEK}{WD}"
    rf"|{WEEK}末|月[底末]|(?P<weekday>{WEEK}{WD}))[\s,，、]*"
    rf"(?:(?P<minutes>\d{{1,2}}\.[0-5]\d分(?!钟))"
    rf"|(?P<clock>{_DOTTED_CLOCK})(?:{RANGE_SEP}{_DOTTED_CLOCK})?)"
    r"(?!\s*\d{1,2}\s*(?:[点點时時]|:\d))"  # 「后天 12.14 9点」: 12.14 is the date
)


# a weekday ending a range of days (「明天到周五」「下周一到下周五」) is no date before a dot
_RANGE_END_RE = re.compile(r"(?:至|到|~|〜|-|–|—)\s*(?:下下个?|下个?|这个?|本)?\s*$")


def _colon_clocks(text: str) -> str:
    """``text`` with the dots of the clocks :data:`_DOTTED_CLOCK_RE` finds as colons (the same
    length, so that positions in it are positions in the text as written); after a weekday
    only a clock that is no date (「周五 8.45」, not 「周五 8.30」)."""

    def colons(m: re.Match[str]) -> str:
        if m["minutes"]:  # 「8.30分」: the same length as 「8点30分」
            return m[0].replace(".", "点")
        month, day = (int(part) for part in m["clock"].split("."))
        after_range = _RANGE_END_RE.search(text, 0, m.start())  # 「明天到周五 8.30」
        if m["weekday"] and not after_range and 1 <= month <= 12 and 1 <= day <= 31:
            return m[0]
        return m[0].replace(".", ":")

    return _DOTTED_CLOCK_RE.sub(colons, text)


_DOT_DATE_RE = re.compile(
    r"(?P<m>\d{1,2})[.\-](?P<d>\d{1,2})(?![\d.\-])[日号]?"
    rf"(?!\s*(?:{_UNITS}))"
)
_CN_DATE_RE = re.compile(
    rf"(?:(?P<y>{YEAR})年|(?P<rel>今年|明年|去年))?\s*(?P<m>{NUM})\s*月\s*(?P<d>{NUM})\s*[日号號]"
)


def match_full_date(text: str) -> Candidate | None:
    m = (
        _ISO_DATE_RE.match(text)
        or _CN_DATE_RE.match(text)
        or _SLASH_DATE_RE.match(text)
        or _DOT_DATE_RE.match(text)
    )
    if not m:
        return None
    if m.re is _DOT_DATE_RE and not (1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31):
        return None  # 「0.5」「13-20」: not a month and day
    groups = m.groupdict()
    month, day = cn_to_int(m["m"]), cn_to_int(m["d"])
    written = m[0]

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        tz = now.tzinfo
        if groups.get("y"):
            return _at(_make_date(cn_to_int(groups["y"]), month, day, written), clock, tz), ""
        if groups.get("rel"):
            year = now.year + {"今年": 0, "明年": 1, "去年": -1}[groups["rel"]]
            return _at(_make_date(year, month, day, written), clock, tz), ""
        return _rollover_year(now, month, day, clock, written)

    return _one_off(text, m, resolve)


def _rollover_year(
    now: datetime, month: int, day: int, clock: Clock, written: str
) -> tuple[datetime, str]:
    """This year's date unless that day is over: then next year's, with a note saying so."""
    tz = now.tzinfo
    if month == 2 and day == 29 and not calendar.isleap(now.year):
        note = f"（今年没有2月29日，按{now.year + 1}年）"
    else:
        this_year = _make_date(now.year, month, day, written)
        if this_year >= now.date():
            return _at(this_year, clock, tz), ""  # today with a passed time: reported as past
        note = f"（今年的{month}月{day}日已过，按{now.year + 1}年）"
    return _at(_make_date(now.year + 1, month, day, written), clock, tz), note


_MONTH_DAY_RE = re.compile(rf"(?P<pre>本月|这个月|下个?月|上个?月)?\s*(?P<d>{NUM})\s*[日号號]")


def match_month_day(text: str) -> Candidate | None:
    m = _MONTH_DAY_RE.match(text)
    if not m:
        return None
    day = cn_to_int(m["d"])
    prefix = m["pre"] or ""
    written = m[0]

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        today = now.date()
        note = ""
        if prefix.startswith("下"):
            year, month = _add_months(today, 1)
        elif prefix.startswith("上"):
            year, month = _add_months(today, -1)
        elif prefix or day >= today.day:
            year, month = today.year, today.month
        else:
            year, month = _add_months(today, 1)
            note = f"（本月{day}日已过，按下个月）"
        return _at(_make_date(year, month, day, written), clock, now.tzinfo), note

    return _one_off(text, m, resolve)


_WEEKEND_RE = re.compile(rf"(?P<pre>下下个?|下个?|上上个?|上个?|这个?|本)?{WEEK}末")


def match_weekend(text: str) -> Candidate | None:
    """「下周末」 (also 周末, 本周末, 下下周末): the Saturday of that week (weeks start on
    Monday); a bare 「周末」 is the next Saturday still ahead, like a bare 「周六」."""
    m = _WEEKEND_RE.match(text)
    if not m:
        return None
    prefix = (m["pre"] or "").rstrip("个")
    saturday = 5

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        today = now.date()
        note = f"（{m[0]}按周六）"
        if not prefix:
            run_at = _at(
                today + timedelta(days=(saturday - today.weekday()) % 7), clock, now.tzinfo
            )
            return (run_at if run_at > now else run_at + timedelta(days=7)), note
        monday = today - timedelta(days=today.weekday())
        day = monday + timedelta(days=7 * _WEEK_OFFSET[prefix] + saturday)
        return _at(day, clock, now.tzinfo), note

    if both := _BOTH_DAYS_RE.match(text, m.end()):  # 「周末两天 10点」: once, or every week?
        return both.end(), _both_weekend_days(m[0], text[both.end() :].strip(), resolve)
    return _one_off(text, m, resolve)


_BOTH_DAYS_RE = re.compile(r"\s*(?:这|的)?\s*(?:两|2|俩)\s*天")


def _both_weekend_days(weekend: str, rest: str, resolve: DayResolver) -> Build:
    """A build refusing 「周末两天 10点 读书」 with the two ways to write it: that weekend's
    two days (「12月12日到13日」), or every weekend (「周六日」)."""

    def build(now: datetime) -> dict[str, object]:
        saturday = resolve(now, Clock(23, 59))[0].date()
        sunday = saturday + timedelta(days=1)
        days = f"{_month_day(saturday, now.date())}到{_month_day(sunday, now.date())}"
        raise TimeParseError(
            f"「{weekend}两天」是只提醒这一个周末，还是每个周末都提醒？"
            f"只提醒 {days} 的话，请写成：/remind {days} {rest}；"
            f"每个周末都提醒的话，请写成：/remind 周六日 {rest}",
            with_examples=False,
        )

    return build


_MONTH_END_RE = re.compile(r"(?P<pre>本|这个?|下个?|下下个?)?(?:月底|月末)")


def match_month_end(text: str) -> Candidate | None:
    """「月底」「本月底」: the last day of this month, or of next month once this month's is
    over (said in the description); 「下个月底」: next month's."""
    m = _MONTH_END_RE.match(text)
    if not m:
        return None
    ahead = {"下下": 2, "下": 1}.get((m["pre"] or "").rstrip("个"), 0)

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        year, month = _add_months(now.date(), ahead)
        run_at = _at(date(year, month, calendar.monthrange(year, month)[1]), clock, now.tzinfo)
        if ahead or run_at > now:
            return run_at, ""
        year, month = _add_months(now.date(), 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        return _at(last, clock, now.tzinfo), f"（本月最后一天已过，按{month}月{last.day}日）"

    return _one_off(text, m, resolve)


# Holidays on a fixed date; 春节, 端午, 中秋 follow the lunar calendar and are not read.
_HOLIDAYS = {
    "元旦": (1, 1),
    "元旦节": (1, 1),
    "五一": (5, 1),
    "劳动节": (5, 1),
    "五一劳动节": (5, 1),
    "儿童节": (6, 1),
    "六一": (6, 1),
    "教师节": (9, 10),
    "国庆": (10, 1),
    "国庆节": (10, 1),
}
_HOLIDAY_RE = re.compile(rf"(?P<pre>今年|明年)?(?P<name>{_alternation(_HOLIDAYS)})(?:当天|那天)?")


def match_holiday(text: str) -> Candidate | None:
    """「元旦」: the next 1 January still ahead (today's if the time is still to come);
    also 国庆, 教师节 ... on their fixed dates. 「明年元旦」 is next year's."""
    m = _HOLIDAY_RE.match(text)
    if not m:
        return None
    month, day = _HOLIDAYS[m["name"]]

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        note = f"（{m['name']}：{month}月{day}日）"
        if m["pre"]:
            year = now.year + (1 if m["pre"] == "明年" else 0)
            return _at(date(year, month, day), clock, now.tzinfo), note
        this_year = date(now.year, month, day)
        year = now.year if this_year >= now.date() else now.year + 1
        return _at(date(year, month, day), clock, now.tzinfo), note

    return _one_off(text, m, resolve)


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


# 「每两周」「每隔一天」「隔周」: APScheduler's cron rules cannot count weeks or days from a
# start, so these are refused with what to write instead.
_INTERVAL_RE = re.compile(
    rf"每\s*(?P<gap>隔)?\s*(?P<n>{COUNT})?\s*个?\s*(?P<unit>周|星期|礼拜|天|日|月|年|小时|钟头|分钟)"
    r"|(?P<other>隔周|隔天|隔日|单周|双周)"
)
_INTERVAL_ADVICE = {
    "周": "可以改成每周固定的星期几，例如「每周五20:00」；"
    "隔周的事也可以分别设一次性提醒，例如「下下周五20:00」",
    "天": "可以改成每周固定的几天，例如「每周一、三、五 8:00」，或者「每天21:00」",
    "月": "可以改成每月固定的日子，例如「每月1日 9:00」，或者「每年3月1日 9:00」",
    "年": "可以写「每年12月1日 9点」",
    "小时": "一天要提醒几次的话，可以写几个整点，"
    "例如「cron 0 9,14,20 * * *」（每天 9:00、14:00、20:00）",
}
_INTERVAL_UNIT = {  # the unit as said in the refusal
    "星期": "周",
    "礼拜": "周",
    "日": "天",
    "钟头": "小时",
    "隔周": "周",
    "单周": "周",
    "双周": "周",
    "隔天": "天",
    "隔日": "天",
}


def match_interval(text: str) -> Candidate | None:
    """Intervals the recurring rules cannot express: a candidate whose build refuses them."""
    m = _INTERVAL_RE.match(text)
    if not m:
        return None
    if not m["other"] and not m["gap"] and (m["n"] is None or cn_to_int(m["n"]) == 1):
        return None  # 「每周五」「每天」「每月1日」: the recurring forms read these
    written = m[0].strip()
    word = m["other"] or m["unit"]
    unit = _INTERVAL_UNIT.get(word, word)
    advice = _INTERVAL_ADVICE["小时" if unit == "分钟" else unit]

    def build(now: datetime) -> dict[str, object]:
        raise TimeParseError(
            f"暂不支持「{written}」这种隔几{unit}重复的提醒：重复提醒只能按每天、每周几、"
            f"每月几日或每年几月几日设置。\n{advice}。",
            with_examples=False,
        )

    return m.end(), build


def match_bare_clock(text: str) -> Candidate | None:
    """A time alone means today. Written after 12:00, a bare 1-11 点 that has passed today
    (no period word, no leading zero: 「8点」「8:30」, not 「08:00」「早上8点」) means the same
    hour this afternoon or evening if that is still ahead, and the description says so:
    「8点」 at 19:48 is 20:00 (「(今天 08:00 已过,按今晚 20:00 理解;明早请写「明天8点」)」)."""
    found = match_clock(text, 0, None)
    if not found:
        return None
    clock, end = found
    m = _CLOCK_RE.match(text)
    assert m is not None
    if m["h3_end"]:  # 「13-20 交」: hours without 点 are read only after a day (「明天 8-9」)
        return None
    hour_token = m["h"] or m["h2"] or m["h3"] or ""
    may_be_pm = not m["period"] and not hour_token.startswith(("0", "零", "〇"))
    written = m[0].strip()
    if span := _time_span(text, end):  # 「8点到9点」 is 20:00-21:00, 「8点到13点」 morning
        written = span.written
        until = span.until.hour * 60 + span.until.minute
        if not span.until_period:
            until += 720 if 1 <= span.until.hour <= 11 else _DAY_MINUTES  # 13点, 12点: daytime
        may_be_pm = may_be_pm and (clock.hour + 12) * 60 + clock.minute < until <= _DAY_MINUTES

    def build(now: datetime) -> dict[str, object]:
        run_at = _at(now.date(), clock, now.tzinfo)
        note = _default_note(clock)
        later = run_at + timedelta(hours=12)
        if may_be_pm and 1 <= clock.hour <= 11 and now.hour >= 12 and run_at <= now < later:
            when = "今晚" if later.hour >= 18 else "今天下午"
            return {
                "run_at": later,
                "note": f"（今天 {clock.text()} 已过，按{when} {later:%H:%M} 理解；"
                f"明早请写「明天{written}」）",
            }
        _check_one_off(run_at, now, note)
        return {"run_at": run_at, "default_time_note": note}

    return end, build


# ---------------------------------------------------------------- recurring forms


_EVERY_DAY_RE = re.compile(r"\s*(?:的\s*)?(?P<word>每天|每日|天天|每晚|每早)")
_EVERY_DAY_PERIOD = {"每晚": "晚上", "每早": "早上"}
# 「周六日各10点」: 各 before the time of each of the days
_EACH_RE = re.compile(
    rf"\s*(?P<word>各)(?=\s*(?:的\s*)?(?:{_PERIOD_WORD})?\s*{NUM}\s*(?:[点點时時]|:\d))"
)


def _every_day_filler(text: str, pos: int) -> re.Match[str] | None:
    """「每天」/「每晚」 at ``pos``; after a separator only if a time follows it
    (「工作日，每天早上8点」), so that 「工作日，每天打卡」 keeps 「每天打卡」 as the text."""
    filler = _EVERY_DAY_RE.match(text, pos) or _EACH_RE.match(text, pos)
    if filler is not None:
        return filler
    sep = _PART_SEP_RE.match(text, pos)
    filler = _EVERY_DAY_RE.match(text, sep.end()) if sep else None
    if filler is None or _clock_after(text, filler.end(), None) is None:
        return None
    return filler


def _recurring(
    text: str,
    end: int,
    label: str,
    fields: dict[str, str],
    period: str | None = None,
    allow_midnight: bool = False,
    every_day: bool = False,
) -> Candidate:
    """A rule ending at ``end``, optionally followed by a time of day; with ``every_day``, a
    「每天」/「每晚」 between the days and the time is read too (「工作日每天早上8点」)."""
    if every_day and (filler := _every_day_filler(text, end)):
        end = filler.end()
        period = period or _EVERY_DAY_PERIOD.get(filler["word"])
    found = _clock_after(text, end, period)
    clock = found[0] if found else _default_clock(period)
    final_end = found[1] if found else end

    def build(now: datetime) -> dict[str, object]:
        if clock.next_day and not allow_midnight:
            raise TimeParseError(
                f"「{text[:final_end].strip()}」有歧义：晚上12点/24点已是第二天。"
                "请写成「23:59」或第二天的「0点」。"
            )
        cron = {
            "minute": str(clock.minute),
            "hour": str(clock.hour % 24),
            "day": "*",
            "month": "*",
            "day_of_week": "*",
        } | fields
        full_label = f"{label} {clock.text()}"
        _check_fires(cron, now, full_label)
        return {
            "cron": cron,
            "label": full_label,
            "default_time_note": _default_note(clock),
        }

    return final_end, build


def _check_fires(cron: dict[str, str], now: datetime, label: str) -> None:
    """Refuse a rule that never fires or fires more often than every MIN_REPEAT_MINUTES."""
    try:
        runs = cron_next_runs(cron, now, 1)
    except ValueError:  # APScheduler's reason is English: say it in Chinese, with the format
        raise TimeParseError(
            f"重复规则无效：「{label}」。\n{CRON_HELP}", with_examples=False
        ) from None
    _check_frequency(cron, label)
    if not runs:
        raise TimeParseError("这个重复规则永远不会触发，请检查日期。")


_DAILY_RE = re.compile(r"每天|每日|天天|每晚|每早")


def match_daily(text: str) -> Candidate | None:
    m = _DAILY_RE.match(text)
    if not m:
        return None
    period = {"每晚": "晚上", "每早": "早上"}.get(m[0])
    return _recurring(text, m.end(), "每天", {}, period, allow_midnight=True)


_WEEKLY_RE = re.compile(
    rf"每个?{WEEK}(?P<days>{WD}(?:(?:{LIST_SEP}|{RANGE_SEP}){WEEK}?{WD_NEXT}"
    rf"|{WEEK}?[一二三四五六日天七])*)"
)


def match_weekly(text: str) -> Candidate | None:
    m = _WEEKLY_RE.match(text)
    if not m:
        return None
    days, wraps = _weekday_set(m["days"])
    return _recurring(
        text,
        m.end(),
        _weekly_label(days, wraps=wraps),
        {"day_of_week": aps_weekdays(days)},
        every_day=True,
    )


def _more_days(week: str, *, joined: bool) -> str:
    """A day after the first of a set, with ``week`` (周, 下周 …) before it or not: 「至周五」
    「、三」「周日」, and with ``joined`` 「日」「三」 right after a day (「周六日」)."""
    more = rf"(?:{LIST_SEP}|{RANGE_SEP})(?:{week})?{WD_NEXT}|{week}[一二三四五六日天七]"
    return rf"(?:{more}|[一二三四五六日])" if joined else rf"(?:{more})"


def _day_set_patterns(first: str, week: str) -> tuple[re.Pattern[str], ...]:
    """The sets of days whose first is ``first`` (a group 「first」, empty when that day is read
    before), read as :func:`_days_match` says: with days written one after another
    (「周六日」), else without (「周一至周五一早」 is 周一至周五)."""
    return tuple(
        re.compile(
            rf"{first}(?P<days>{_more_days(week, joined=joined)}+)"
            r"(?![楼层号號栋室点點时時个])"  # 「周五到七楼」 is no range
        )
        for joined in (True, False)
    )


def _days_match(
    patterns: tuple[re.Pattern[str], ...], text: str, first: int | None = None
) -> re.Match[str] | None:
    """The first match of ``patterns`` at the start of ``text`` whose days stand alone
    (:func:`_days_stand_alone`) after its first day, or ``first`` read before ``text``."""
    for pattern in patterns:
        m = pattern.match(text)
        if m is None:
            continue
        before = _weekday(m["first"]) if m["first"] else first
        if _days_stand_alone(text, m.start("days"), m.end(), before):
            return m
    return None


# 「周一至周五」 without 每: a range of weekdays is a weekly rule
_WEEKDAY_SPAN_RES = _day_set_patterns(rf"{WEEK}(?P<first>{WD})", WEEK)
_DAY_CHARS = "一二三四五六日天七1234567"
_NUMERALS = "零〇一二两三四五六七八九十"


def match_weekday_span(text: str) -> Candidate | None:
    """「周一至周五 晚上9点」「周二到周四」: every week on those days, as 「每周一至五」; so is
    Saturday and Sunday, the weekend (「周六日」「周六、周日」, as 「每周六、日」, when a time,
    a separator or nothing follows: 「周六日程安排」 is Saturday's). Another list without a
    range (「周一、三、五」「周一三五」) is refused: every week, or once on each day?"""
    m = _days_match(_WEEKDAY_SPAN_RES, text)
    if m is None:
        return None
    days, wraps = _weekday_set(m["first"] + m["days"])
    if days == _WEEKEND and not wraps and _ends_day_set(text, m.end()):
        return _recurring(
            text, m.end(), _weekly_label(days), {"day_of_week": aps_weekdays(days)}, every_day=True
        )
    if not re.search(RANGE_SEP, m[0]):
        rest = text[m.end() :]
        if sep := _PART_SEP_RE.match(rest):  # 「周一、周三、8点」: suggest 「每周一、周三 8点」
            rest = " " + rest[sep.end() :]
        first = re.match(rf"{WEEK}{WD}", m[0])
        assert first is not None

        def build(now: datetime) -> dict[str, object]:
            raise TimeParseError(
                f"「{m[0]}」是好几天：每周都要提醒的话，请写成：/remind 每{m[0]}{rest}；"
                f"只提醒一次的话，请每天分别设置，例如：/remind {first[0]}{rest}",
                with_examples=False,
            )

        return m.end(), build
    label = _weekly_label(days, wraps=wraps)  # 「每周一至周五」: weekly, said so
    return _recurring(text, m.end(), label, {"day_of_week": aps_weekdays(days)}, every_day=True)


def _days_stand_alone(text: str, start: int, end: int, first: int | None = None) -> bool:
    """Whether the weekdays written in ``text[start:end]`` (after ``first`` when that day is
    already read) are days: days written one after another without 周 (「周六日」「周一三五」)
    each later in the week than the one before (not 「周六一起」「周五一定」), and a last day
    without 周 after such a day or after 和 or a comma not part of a word or a time (not
    「周六日程安排」「周一三班」「周一二十点」「周五和三班」)."""
    previous, before = first, "day" if first is not None else "week"
    last_before = before
    for char in text[start:end]:
        if char in _DAY_CHARS:
            weekday = _weekday(char)
            if before == "day" and previous is not None and weekday <= previous:
                return False
            previous, last_before, before = weekday, before, "day"
        elif not char.isspace():
            before = "loose" if char in ",，;；和及与/" else "listed"
    return last_before not in ("day", "loose") or _ends_day_set(text, end)


def _ends_day_set(text: str, pos: int) -> bool:
    """Whether the days of a set may end at ``pos``: at the end of the text, or before a space,
    a separator, 每天/每晚 or a time of day (「周六日10点」「周六日上午」), not inside a word or
    a number (「周六日程」「周一二十点」 is Monday 20:00)."""
    if pos == len(text) or text[pos].isspace() or _PART_SEP_RE.match(text, pos):
        return True
    if text[pos] in _NUMERALS and text[pos - 1] in _NUMERALS:
        return False
    clock = _CLOCK_RE.match(text, pos)
    assert clock is not None
    hour = clock["h"] or clock["h2"] or clock["h3"]
    every_day = _EVERY_DAY_RE.match(text, pos) or _EACH_RE.match(text, pos)
    return bool(hour or clock["period"] in _PERIOD_DEFAULT_HOUR or every_day)


def _weekday_set(spec: str) -> tuple[set[int], bool]:
    """The weekdays (Monday=0) of 「一至五」「一、三、五」「六到一」, and whether a range wraps
    past Sunday: 「周六到周一」 is Saturday, Sunday and Monday."""
    days: set[int] = set()
    wraps = pending_range = False
    last: int | None = None
    for token in re.finditer(r"(至|到|~|〜|-|–|—)|([一二三四五六日天七1-7])", spec):
        if token[1]:
            pending_range = True
            continue
        wd = _weekday(token[2])
        if pending_range and last is not None:
            wraps = wraps or wd < last
            days.update((last + step) % 7 for step in range((wd - last) % 7 + 1))
        days.add(wd)
        pending_range, last = False, wd
    return days, wraps


_WORKDAYS = set(range(5))
_WEEKEND = {5, 6}


def _weekly_label(days: set[int], *, wraps: bool = False) -> str:
    """「每周一、三、五」「每周一至周六」; with ``wraps`` (a range written past Sunday) the days
    run on from Sunday to Monday: 「每周六至周一」, not 「每周一、六、日」. Monday to Friday is
    「每周一至周五」 however it was written (「工作日」「每周一到周五」「周一至五」)."""
    if len(days) == 7:
        return "每天"
    runs = _runs(sorted(days))
    if wraps and len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs = runs[1:-1] + [runs[-1] + runs[0]]
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:  # 「每周一至周六」, not 「每周一、二、三、四、五、六」
            parts.append(f"{WEEKDAY_CN[run[0]]}至周{WEEKDAY_CN[run[-1]]}")
        else:
            parts.extend(WEEKDAY_CN[d] for d in run)
    return "每周" + "、".join(parts)


def _runs(ordered: list[int]) -> list[list[int]]:
    """Consecutive runs of sorted numbers: [0, 1, 2, 4] → [[0, 1, 2], [4]]."""
    runs: list[list[int]] = []
    for value in ordered:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def aps_weekdays(days: set[int]) -> str:
    """APScheduler day_of_week for Monday=0 weekday numbers, runs of 3+ written as ranges."""
    if len(days) == 7:
        return "*"
    parts: list[str] = []
    for run in _runs(sorted(days)):
        if len(run) >= 3:
            parts.append(f"{APS_WEEKDAYS[run[0]]}-{APS_WEEKDAYS[run[-1]]}")
        else:
            parts.extend(APS_WEEKDAYS[d] for d in run)
    return ",".join(parts)


_WORKDAY_RE = re.compile(r"(?:每个?|每周)?工作日|(?P<weekend>每个?周末|(?:每个?)?双休日)")


def match_workday(text: str) -> Candidate | None:
    m = _WORKDAY_RE.match(text)
    if not m:
        return None
    days = _WEEKEND if m["weekend"] else _WORKDAYS
    label = "每周六、日" if m["weekend"] else _weekly_label(days)
    return _recurring(text, m.end(), label, {"day_of_week": aps_weekdays(days)}, every_day=True)


_MONTHLY_RE = re.compile(
    rf"每个?月(?:的)?(?:(?P<last>最后一天|月底|底)|"
    rf"(?P<days>(?:{NUM}[日号]?{LIST_SEP})*{NUM}[日号]))"
)


def match_monthly(text: str) -> Candidate | None:
    m = _MONTHLY_RE.match(text)
    if not m:
        return None
    if m["last"]:
        return _recurring(text, m.end(), "每月最后一天", {"day": "last"})
    days = sorted({cn_to_int(d) for d in re.findall(NUM, m["days"])})
    if not all(1 <= d <= 31 for d in days):
        raise TimeParseError(f"日期不存在：「{m[0]}」（每月只有 1-31 日）。")
    label = "每月" + "、".join(f"{d}日" for d in days)
    if days[-1] > 28:
        label += f"（没有{days[-1]}日的月份跳过）"
    return _recurring(text, m.end(), label, {"day": ",".join(map(str, days))})


_YEARLY_RE = re.compile(rf"每年\s*(?P<m>{NUM})\s*月\s*(?P<d>{NUM})\s*[日号]")


def match_yearly(text: str) -> Candidate | None:
    m = _YEARLY_RE.match(text)
    if not m:
        return None
    month, day = cn_to_int(m["m"]), cn_to_int(m["d"])
    _make_date(2024, month, day, m[0])
    return _recurring(
        text, m.end(), f"每年{month}月{day}日", {"month": str(month), "day": str(day)}
    )


_DAY_MINUTES = 24 * 60
CRON_HELP = (
    "cron 五段依次是：分钟（0–59） 小时（0–23） 日（1–31） 月（1–12） "
    "星期（0–7，0 和 7 都是周日），"
    "每段可以写 *、一个数、范围 1-5、列表 1,3,5 或间隔 */2。\n"
    "例如：/remind cron 0 9 * * 1-5 签到（工作日每天 9:00）"
)
_CRON_FIELDS = (("分钟", 0, 59), ("小时", 0, 23), ("日", 1, 31), ("月", 1, 12))
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _cron_field_error(position: int, name: str, value: str, rule: str) -> TimeParseError:
    return TimeParseError(
        f"cron 表达式第 {position} 段「{name}」写的是「{value}」：{rule}。\n{CRON_HELP}",
        with_examples=False,
    )


def expand_cron_field(value: str, position: int) -> set[int]:
    """The values of crontab field 1-4 (minute, hour, day, month); TimeParseError naming it."""
    name, low, high = _CRON_FIELDS[position - 1]

    def number(token: str) -> int:
        if position == 4 and token.lower() in _MONTH_NAMES:
            return _MONTH_NAMES.index(token.lower()) + 1
        if not (token.isascii() and token.isdigit()) or not low <= int(token) <= high:
            raise _cron_field_error(position, name, value, f"{name}只能是 {low}–{high}")
        return int(token)

    values: set[int] = set()
    for part in value.split(","):
        base, slash, step_text = part.partition("/")
        if slash and not (step_text.isascii() and step_text.isdigit() and int(step_text) > 0):
            raise _cron_field_error(position, name, value, "「/」后面要写间隔的数，例如 */2")
        step = int(step_text) if slash else 1
        if base == "*":
            first, last = low, high
        else:
            start, dash, end = base.partition("-")
            first = number(start)
            last = number(end) if dash else (high if slash else first)
            if last < first:
                raise _cron_field_error(
                    position, name, value, f"范围写反了，应当小的在前，例如 {low}-{high}"
                )
        values.update(range(first, last + 1, step))
    return values


def _check_frequency(cron: dict[str, str], label: str) -> None:
    """Refuse a rule whose runs on one day are less than MIN_REPEAT_MINUTES apart.

    Within a day is enough: a rule with one minute value and several hours has at least an
    hour from one day's last run (23:mm at the latest) to the next day's first (00:mm)."""
    times = sorted(
        hour * 60 + minute
        for hour in expand_cron_field(cron["hour"], 2)
        for minute in expand_cron_field(cron["minute"], 1)
    )
    gap = min((b - a for a, b in zip(times, times[1:], strict=False)), default=_DAY_MINUTES)
    if gap < MIN_REPEAT_MINUTES:
        raise TimeParseError(
            f"重复提醒太频繁了：{label}，两次提醒之间最短只隔 {_duration(gap)}，"
            "每次全班都会收到消息。"
            f"重复提醒两次之间至少要隔 {_duration(MIN_REPEAT_MINUTES)}。\n"
            "一天要提醒几次的话，可以写几个整点，例如："
            "/remind cron 0 9,14,20 * * * 签到（每天 9:00、14:00、20:00）",
            with_examples=False,
        )


def _duration(minutes: int) -> str:
    return f"{minutes // 60} 小时" if minutes % 60 == 0 else f"{minutes} 分钟"


_CRON_FIELD_RE = re.compile(r"[\d*/,?#-]+")
_CRON_RE = re.compile(r"cron\s+((?:\S+\s+){4}\S+)", re.I)


def match_cron(text: str) -> Candidate | None:
    m = _CRON_RE.match(text)
    if not m:
        return None
    expr = " ".join(m[1].split())
    minute, hour, day, month, dow = expr.split()
    extra = text[m.end() :].split(maxsplit=1)
    if extra and _CRON_FIELD_RE.fullmatch(extra[0]):
        raise TimeParseError(
            f"cron 表达式只能有 5 段（分 时 日 月 星期）：「{text[: m.end()]} {extra[0]}」。"
        )

    def build(now: datetime) -> dict[str, object]:
        for position, value in enumerate((minute, hour, day, month), start=1):
            expand_cron_field(value, position)
        cron = {
            "minute": minute,
            "hour": hour,
            "day": day,
            "month": month,
            "day_of_week": crontab_weekdays(dow),
        }
        label = f"按 cron「{expr}」"
        _check_fires(cron, now, label)
        return {"cron": cron, "label": label}

    return m.end(), build


def crontab_weekdays(field: str) -> str:
    """Translate a crontab day-of-week field (0/7 = Sunday) to APScheduler names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        numeric = step_text.isascii() and step_text.isdigit()
        step = int(step_text) if numeric else 1
        if step_text and not numeric or step < 1:
            raise _cron_field_error(5, "星期", field, "「/」后面要写间隔的数，例如 */2")
        if base == "*":
            values = list(range(7))
        elif "-" in base:
            first, _, last = base.partition("-")
            low, high = _crontab_day(first, field), _crontab_day(last, field)
            if high < low:
                raise _cron_field_error(5, "星期", field, "范围写反了，应当小的在前，例如 1-5")
            values = list(range(low, high + 1))
        else:
            values = [_crontab_day(base, field)]
        days.update((v - 1) % 7 for v in values[::step])
    return aps_weekdays(days)


def _crontab_day(token: str, field: str) -> int:
    """Crontab weekday number 0-7 (Sunday = 0 or 7)."""
    name = token.lower()[:3]
    if name in CRONTAB_WEEKDAYS:
        return CRONTAB_WEEKDAYS.index(name)
    if token.isascii() and token.isdigit() and int(token) <= 7:
        return int(token)
    raise _cron_field_error(5, "星期", field, "星期只能是 0–7（0 和 7 都是周日）或 sun–sat")


# ---------------------------------------------------------------- a range of days

_RANGE_FROM_RE = re.compile(r"(?:从|自)\s*")
_CALENDAR_DAY_RE = re.compile(_alternation(w for w, n in _DAY_WORDS.items() if n >= 0))
# 「12月12-14日」: a month and a day without 日, the first of a range whose last day follows
_MONTH_FIRST_DAY_RE = re.compile(
    rf"(?:(?P<y>{YEAR})年|(?P<rel>今年|明年))?\s*(?P<m>{NUM})\s*月\s*(?P<d>{NUM})"
    rf"(?={RANGE_SEP}{NUM}\s*[日号號])"
)
# 「12.12-12.14」: a dotted date before a dash (no date by _DOT_DATE_RE), a range's first day
_DOT_FIRST_DAY_RE = re.compile(
    rf"(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}})(?={RANGE_SEP}\d{{1,2}}(?:\.\d{{1,2}})?(?![\d.]))"
)
# 「12.12-14」: the last day of a dotted range, in the month of its first
_BARE_LAST_DAY_RE = re.compile(r"(?P<d>\d{1,2})(?![\d.:点點时時])")
_NO_DAY_AFTER_RE = re.compile(r"[楼层栋室门院馆厅床]")  # 「明天到3号楼」 is no range
_DAYS_SEP_RE = re.compile(rf"\s*(?:开始|起)?{RANGE_SEP}")  # 「明天开始到周五」「明天起至周五」
_RUN_OF_DAYS_RE = re.compile(rf"\s*连续\s*(?P<n>{NUM})\s*个?\s*[天日]")  # 「明天开始连续三天」
_SKIP_TO_RULE_RE = re.compile(r"[\s,;、，；]*")
_YEAR_OFFSET = {"今年": 0, "明年": 1, "去年": -1}
MAX_RANGE_CHARS = 60  # a range of days quoted in a refusal
# 「30日到2日」 runs into next month; 「14日到12日」 (a month less two days) is written reversed
MAX_ROLLED_RANGE = timedelta(days=16)


@dataclass(frozen=True)
class RangeDay:
    """The first or last day of a range as written: ``find(today, first, later)`` is that day
    (``first`` is None for the first day; ``later`` moves a first day written without its year
    or month, ``moves``, on by one)."""

    find: Callable[[date, date | None, int], date]
    written: str
    moves: str = ""  # "年" for 「12月12日」, "月" for 「12日」, "" for 「明天」「2026年12月12日」
    week: str | None = None  # a weekday's 本/下 … as written (「」 for 「周五」), else None


def _range_day(text: str, pos: int, *, last: bool) -> tuple[RangeDay, int] | None:
    """The day a range starts or ends with at ``pos`` (今天/明天/后天, a date, 「15日」,
    「周五」「下周一」), and where it ends; None if there is none."""
    if m := _CALENDAR_DAY_RE.match(text, pos):
        ahead = timedelta(days=_DAY_WORDS[m[0]])
        return RangeDay(lambda today, _first, _later: today + ahead, m[0]), m.end()
    dated = (
        _ISO_DATE_RE.match(text, pos)
        or _CN_DATE_RE.match(text, pos)
        or (None if last else _MONTH_FIRST_DAY_RE.match(text, pos))
        or _SLASH_DATE_RE.match(text, pos)
        or _DOT_DATE_RE.match(text, pos)
        or (None if last else _DOT_FIRST_DAY_RE.match(text, pos))
    )
    dotted = dated is not None and dated.re in (_DOT_DATE_RE, _DOT_FIRST_DAY_RE)
    if dated and not (dotted and not 1 <= int(dated["m"]) <= 12):
        return _range_date(dated), dated.end()
    if m := _MONTH_DAY_RE.match(text, pos):
        return _range_month_day(m), m.end()
    if (m := _WEEKDAY_RE.match(text, pos)) and not (m["pre"] or "").startswith("上"):
        return _range_weekday(m), m.end()
    return None


def _range_date(m: re.Match[str]) -> RangeDay:
    """「12月14日」「2026-12-14」「12/14」: without a year, the first on or after the first day
    (a first day: this year's, or next year's with ``later``)."""
    month, day, written = cn_to_int(m["m"]), cn_to_int(m["d"]), m[0]
    groups = m.groupdict()

    def find(today: date, first: date | None, later: int) -> date:
        if groups.get("y"):
            return _make_date(cn_to_int(groups["y"]), month, day, written)
        if groups.get("rel"):
            return _make_date(today.year + _YEAR_OFFSET[groups["rel"]], month, day, written)
        if first is None:
            return _make_date(today.year + later, month, day, written)
        found = _make_date(first.year, month, day, written)
        if found >= first or month == first.month:  # 「12月14日到12月12日」: reversed
            return found
        return _make_date(first.year + 1, month, day, written)

    moves = "" if groups.get("y") or groups.get("rel") else "年"
    return RangeDay(find, written, moves)


def _range_month_day(m: re.Match[str]) -> RangeDay:
    """「14日」「下个月5号」: without 本月/下个月, the first on or after the first day (a first
    day: this month's, or next month's with ``later``)."""
    day, prefix, written = cn_to_int(m["d"]), m["pre"] or "", m[0]

    def find(today: date, first: date | None, later: int) -> date:
        if prefix:
            year, month = _add_months(today, {"下": 1, "上": -1}.get(prefix[0], 0))
        elif first is None:
            year, month = _add_months(today, later)
        else:
            year, month = _add_months(first, 0 if day >= first.day else 1)
            found = _make_date(year, month, day, written)
            if found - first > MAX_ROLLED_RANGE:  # 「12月14日到12日」: reversed, not a month
                return first.replace(day=day)
        return _make_date(year, month, day, written)

    return RangeDay(find, written, "" if prefix else "月")


_BARE_WEEKDAY_RE = re.compile(r"(?P<pre>)(?P<wd>[一二三四五六日天七])")


def _range_bare_weekday(text: str, pos: int) -> tuple[RangeDay, int] | None:
    """「三」 ending a range of weekdays without 周 (「下周一至三」), when nothing runs into it
    (not 「下周一至三班」)."""
    m = _BARE_WEEKDAY_RE.match(text, pos)
    if m is None or not _ends_day_set(text, m.end()):
        return None
    return _range_weekday(m), m.end()


def _range_bare_day(text: str, pos: int, first_day: int) -> tuple[RangeDay, int] | None:
    """「14」 ending a dotted range 「12.12-14」: that day of the first day's month, when it is
    later in the month (「8.30-9」 is no range of days)."""
    m = _BARE_LAST_DAY_RE.match(text, pos)
    if m is None or not first_day < int(m["d"]) <= 31:
        return None
    day = int(m["d"])

    def find(_today: date, first: date | None, _later: int) -> date:
        assert first is not None
        return _make_date(first.year, first.month, day, m[0])

    return RangeDay(find, m[0]), m.end()


def _range_weekday(m: re.Match[str]) -> RangeDay:
    """「周五」 ending a range: the first Friday on or after its first day (starting one: the
    first on or after today); 「下周五」「本周五」 that of next (this) week."""
    weekday, prefix = _weekday(m["wd"]), (m["pre"] or "").rstrip("个")

    def find(today: date, first: date | None, _later: int) -> date:
        if prefix:
            monday = today - timedelta(days=today.weekday())
            return monday + timedelta(days=7 * _WEEK_OFFSET[prefix] + weekday)
        since = today if first is None else first
        return since + timedelta(days=(weekday - since.weekday()) % 7)

    return RangeDay(find, m[0], "周" if prefix in _THIS_WEEK else "", week=m["pre"] or "")


def match_date_range(text: str) -> Candidate | None:
    """「明天至周五 8点」「12月12日到14日」「12月12日至12月14日 每天8点」「明天到后天」
    「下周一到周五」 (also after 从/自, and 「明天开始到周五」): every day from the first to the
    last at that time, a rule that ends (a cron with
    ``start_date`` and ``end_date``, which APScheduler's CronTrigger reads), shown as
    「12月7日（周一）至12月11日（周五） 每天 08:00」; a rule written after the days
    (「12月1日到31日 每周五 8点」) runs between them."""
    lead = _RANGE_FROM_RE.match(text)
    found_first = _range_day(text, lead.end() if lead else 0, last=False)
    sep = _DAYS_SEP_RE.match(text, found_first[1]) if found_first else None
    found_last = _range_day(text, sep.end(), last=True) if sep else None
    if found_first and found_first[0].week is not None and sep and not found_last:
        found_last = _range_bare_weekday(text, sep.end())  # 「下周一至三」
    dotted = found_first and _DOT_FIRST_DAY_RE.match(text, lead.end() if lead else 0)
    if dotted and sep and not found_last:
        found_last = _range_bare_day(text, sep.end(), int(dotted["d"]))  # 「12.12-14」
    if found_first is None or found_last is None or _NO_DAY_AFTER_RE.match(text, found_last[1]):
        return None
    (first, _), (last, days_end) = found_first, found_last
    if first.week is not None and not (first.week or last.week):
        return None  # 「周一至周五」: every week (match_weekday_span)
    written = text[:days_end].strip()
    end, build_rule = _rule_after(text, days_end) or _recurring(
        text, days_end, "每天", {}, every_day=True
    )

    def build(now: datetime) -> dict[str, object]:
        begins, ends, note = _range_dates(first, last, now, written, text[days_end:])
        schedule = build_rule(now)
        rule = schedule.get("cron")
        assert isinstance(rule, dict)
        cron = rule | {"start_date": f"{begins}", "end_date": f"{ends} 23:59:59"}
        days = f"{format_day(begins, now.date(), relative=False)}至"
        days += format_day(ends, now.date(), relative=False)
        label = f"{days} {schedule['label']}"
        runs = cron_next_runs(cron, now, 1)
        if not runs:
            raise TimeParseError(
                f"「{_head(written, MAX_RANGE_CHARS)}」（{days}）里已经没有「{schedule['label']}」"
                f"要提醒的时间了（现在是 {format_datetime(now)}）。请检查日期和时间。",
                with_examples=False,
            )
        if begins == now.date():  # 「今天到明天 8点」 typed in the evening
            note += _passed_today_note(cron, runs[0], now)
        return {**schedule, "cron": cron, "label": label, "note": note}

    return end, build


_DAY_LIST_RE = re.compile(
    rf"(?P<m>{NUM})\s*月\s*(?P<days>(?:{NUM}\s*[日号號]?\s*[、,，和]\s*)+{NUM})\s*[日号號]"
)


def match_day_list(text: str) -> Candidate | None:
    """「12月12、13、14日」「12月12日、13日」: days that follow one another are the range
    「12月12日到14日」 (:func:`match_date_range`); other days are refused with a /remind for
    each."""
    m = _DAY_LIST_RE.match(text)
    if m is None:
        return None
    month = cn_to_int(m["m"])
    days = [cn_to_int(day) for day in re.findall(NUM, m["days"])]
    rest = text[m.end() :]
    if days == list(range(days[0], days[0] + len(days))):
        as_range = f"{month}月{days[0]}日到{days[-1]}日"
        found = match_date_range(as_range + rest)
        if found is not None:
            return found[0] - len(as_range) + m.end(), found[1]

    def build(now: datetime) -> dict[str, object]:
        lines = "\n".join(f"/remind {month}月{day}日 {rest.strip()}" for day in days)
        raise TimeParseError(
            f"「{m[0]}」是好几天，一条提醒只能在一天发出，或者每天都在连续的几天里发出。"
            f"请每天分别发一条：\n{lines}",
            with_examples=False,
        )

    return m.end(), build


def _range_dates(
    first: RangeDay, last: RangeDay, now: datetime, written: str, rest: str
) -> tuple[date, date, str]:
    """The first and last day of a range, and a note when a range written without its year
    (month) is over and means next year's (month's); TimeParseError for a range that ends
    before it starts, on the day it starts, before today or more than a year ahead."""
    today = now.date()
    begins = first.find(today, None, 0)
    ends = last.find(today, begins, 0)
    note = ""
    if begins <= ends < today and first.moves == "周":  # 「本周一到周五」 on Saturday
        raise _this_week_over(written, rest.strip(), now)
    if ends < today and first.moves:
        begins = first.find(today, None, 1)
        ends = last.find(today, begins, 1)
        note = (
            f"（今年的这几天已过，按{begins.year}年）"
            if first.moves == "年"
            else "（本月的这几天已过，按下个月）"
        )
    quoted = f"「{_head(written, MAX_RANGE_CHARS)}」"
    if ends < begins:
        swapped = f"{_month_day(ends)}到{_month_day(begins)}"
        dated = first.week is None and last.week is None  # not 「周六到下周一」 on Sunday
        example = f"例如：/remind {swapped} {rest.strip()}" if dated and begins >= today else ""
        raise TimeParseError(
            f"{quoted}的结束日期 {format_day(ends, today)} 早于开始日期 "
            f"{format_day(begins, today)}：请先写开始日期，再写结束日期。{example}",
            with_examples=False,
        )
    if ends == begins:
        raise TimeParseError(
            f"{quoted}开始和结束是同一天（{format_day(begins, today)}）。只提醒这一天的话，"
            f"请写成：/remind {first.written} {rest.strip()}",
            with_examples=False,
        )
    if ends < today:
        raise TimeParseError(
            f"时间已经过去了：{quoted}是 {format_day(begins, today)}至{format_day(ends, today)}"
            f"（现在是 {format_datetime(now)}）。请写将来的日期。",
            with_examples=False,
        )
    if datetime.combine(ends, time(), tzinfo=now.tzinfo) > _add_years(now, MAX_AHEAD_YEARS):
        raise _too_far(quoted, now)
    return begins, ends, note


def _passed_today_note(cron: dict[str, str], first_run: datetime, now: datetime) -> str:
    """「（今天的 08:00 已过，从明天开始）」 for a daily rule starting today whose first run is
    tomorrow, so the confirmation says why today is not among them; "" otherwise."""
    daily = cron.get("day", "*") == "*" and cron.get("day_of_week", "*") == "*"
    if not daily or first_run.date() == now.date():
        return ""
    return f"（今天的 {first_run:%H:%M} 已过，从明天开始）"


def _month_day(day: date, today: date | None = None) -> str:
    """「12月12日」 as /remind reads it, with the year when it is not ``today``'s."""
    year = f"{day.year}年" if today is not None and day.year != today.year else ""
    return f"{year}{day.month}月{day.day}日"


def _day_word(written: str) -> str:
    """「明天 」 when ``written`` is a day word such as 明天, else ""."""
    return f"{written} " if _DAY_WORD_RE.fullmatch(written) else ""


def _weekday_name(day: date) -> str:
    return f"周{WEEKDAY_CN[day.weekday()]}"


_NEXT_WEEK = {"这个": "下个", "这": "下", "本": "下", "下个": "下下个", "下": "下下"}


def _this_week_over(written: str, rest: str, now: datetime) -> TimeParseError:
    """「本周一到周五」 when all of this week's days are over: how to write next week's, or
    every week."""
    weekly = _WEEK_PREFIX_RE.sub("", written)
    next_week = _WEEK_PREFIX_RE.sub(lambda m: _NEXT_WEEK.get(m[0], m[0]), written)
    return TimeParseError(
        f"「{written}」这几天都已经过去了（现在是 {format_datetime(now)}）。"
        f"每周都要提醒的话，请写成：/remind {weekly} {rest}；"
        f"只提醒下周的话，请写成：/remind {next_week} {rest}",
        with_examples=False,
    )


# 「每天8点」 after the days is read by _recurring, which refuses 「每天24点」 (a day late here)
_RULE_MATCHERS: tuple[Callable[[str], Candidate | None], ...] = (
    match_cron,
    match_weekly,
    match_weekday_span,
    match_workday,
    match_monthly,
)


def _rule_after(text: str, pos: int) -> Candidate | None:
    """A rule written after a range of days at ``pos`` (「每周五 8点」「，工作日 8点」), as a
    candidate over the whole ``text``; None if none is."""
    start = _SKIP_TO_RULE_RE.match(text, pos)
    assert start is not None
    found = [c for matcher in _RULE_MATCHERS if (c := matcher(text[start.end() :])) is not None]
    if not found:
        return None
    end, build = max(found, key=lambda c: c[0])
    return start.end() + end, build


# ---------------------------------------------------------------- time spans

SPAN_NOTE = "（按开始时间提醒）"
EVENING_STARTS, OVERNIGHT_ENDS = 18 * 60, 6 * 60  # 「晚上11点到凌晨1点」 ends the next day
NOON_SPAN_STARTS = 11 * 60  # 「11点到1点」 ends at 13:00: nobody means 11:00 to 01:00
_SPAN_SEP_RE = re.compile(RANGE_SEP)
_SPAN_TAIL_RE = re.compile(r"\s*(?:之间|期间)")
_BARE_END_RE = re.compile(r"\s*(?P<h>\d{1,2})(?=\s|$|[,;、，；。])")  # 「8:30-9 晨读」


@dataclass(frozen=True)
class TimeSpan:
    """「8点到9点」 after a WHEN ending with a time of day: its parts as written, the start as
    read without the day's period (「今夜8点」 is 8点 here), the end, and where it ends."""

    start_words: str
    separator: str
    until_words: str
    start: Clock
    until: Clock
    until_period: bool
    begin: int
    end: int
    start_period: bool = False  # 「上午8点到…」「明天上午 8点到…」

    @property
    def written(self) -> str:
        return f"{self.start_words}{self.separator}{self.until_words}"


def _time_span(text: str, end: int) -> TimeSpan | None:
    """The span when the time of day ending WHEN at ``end`` is followed by 「到9点」「-16:00」
    「~9:00」, or by an hour alone and a space that ends after the start (「8:30-9 晨读」);
    None otherwise, and for 「8点 到9点前」 (a deadline in the text)."""
    start = _clock_start(text, end)
    sep = _SPAN_SEP_RE.match(text, end)
    if start == end or sep is None:
        return None
    start_m = _CLOCK_RE.match(text, start)
    until_m = _CLOCK_RE.match(text, sep.end())
    bare = _BARE_END_RE.match(text, sep.end())
    assert start_m is not None and until_m is not None
    if until_m["h"] or until_m["h2"]:
        stop, until_words = until_m.end(), until_m[0].strip()
        until_period = bool(until_m["period"])
        if re.match(rf"\s*{BEFORE}", text[stop:]):
            return None
        found_until = match_clock(text, sep.end(), start_m["period"])
        assert found_until is not None
        until = found_until[0]
    elif bare is not None and int(bare["h"]) <= 24:  # 「8:30-9 晨读」: the hour alone ends it
        stop, until_words, until_period = bare.end(), bare["h"], False
        hour = _apply_period(int(bare["h"]), 0, start_m["period"], text[start:stop].strip())
        until = Clock(hour, 0)
    else:
        return None
    found = match_clock(text, start, None)
    assert found is not None
    if bare is not None and stop == bare.end() and not _ends_after(found[0], until):
        return None  # 「8点-3 班集合」: the hour alone is no end but the text
    if tail := _SPAN_TAIL_RE.match(text, stop):
        stop = tail.end()
    return TimeSpan(
        start_words=text[start:end].strip(),
        separator=text[end : sep.end()].strip(),
        until_words=until_words,
        start=found[0],
        until=until,
        until_period=until_period,
        begin=start,
        end=stop,
        start_period=bool(start_m["period"] or _PERIOD_BEFORE_RE.search(text, 0, start)),
    )


def _ends_after(start: Clock, until: Clock) -> bool:
    """Whether a span from ``start`` to ``until`` ends after it starts, as :func:`_span_text`
    reads it written without a period word (「12点到1点」 ends at 13:00)."""
    begins, ends = start.hour * 60 + start.minute, until.hour * 60 + until.minute
    return begins < ends or NOON_SPAN_STARTS <= begins < 13 * 60 and ends <= 6 * 60


DAY_SPAN_STARTS = 7 * 60  # 「8点到5点」 from 07:00 … 10:59 ends in the afternoon


def _a_day_long(start: int, until: int) -> bool:
    """Whether a span written without 上午/下午 from ``start`` to an earlier ``until`` (minutes)
    is a day's work: from 7 to 11 o'clock to 1 to 6 o'clock (「8点到5点」「8:30-5:30」)."""
    return DAY_SPAN_STARTS <= start < NOON_SPAN_STARTS and 60 <= until <= OVERNIGHT_ENDS


AFTERNOON_SPAN_HOURS = range(1, 6)  # 「2-4点」 starting at 1 to 5 o'clock: the afternoon
_PERIOD_BEFORE_RE = re.compile(rf"(?:{_PERIOD_WORD})[\s,;、，；的]*$")  # 「今晚 」「下午，」
_CLOCK_LEAD_RE = re.compile(r"\s*(?:的\s*)?")


def _afternoon_span(text: str, span: TimeSpan) -> bool:
    """Whether a span whose start has no period word, in it or before it (「今晚」「下午，」),
    and no leading zero (「02:00」) is the afternoon's: it starts at 1 to 5 o'clock and ends
    before noon (「2-4点」「1点到3点」, not 02:00–04:00 at night) or more than 12 hours after
    the start (「2点到下午4点」, not 02:00–16:00)."""
    start_m = _CLOCK_RE.match(text, span.begin)
    assert start_m is not None
    hour_token = start_m["h"] or start_m["h2"] or start_m["h3"] or ""
    if (
        span.start.hour not in AFTERNOON_SPAN_HOURS
        or start_m["period"]
        or hour_token.startswith(("0", "零", "〇"))
        or _PERIOD_BEFORE_RE.search(text, 0, span.begin)
    ):
        return False
    start = span.start.hour * 60 + span.start.minute
    until = span.until.hour * 60 + span.until.minute
    if span.until_period:
        return start + 12 * 60 < until
    return start < until < 12 * 60


_HOUR_RUN_RE = re.compile(r"\d+|[零〇一二两三四五六七八九十]+")
_NO_HOUR_BEFORE = "周期拜月年第每号日"  # 「周五 3点」's 五, 「第3点」
_NIGHT_BEFORE_RE = re.compile(r"[晨夜宵][\s,;、，；的]*$")  # 「明晨1点」「今夜1点」


def _afternoon_hour(text: str, end: int) -> tuple[int, int] | None:
    """Where the time of day of the WHEN ending at ``end`` is, when it is an hour of 1 to 5
    o'clock written with 点 and without a period word or a leading zero (「明天1点半」
    「每天 3点」): the afternoon's, as a span's (:func:`_afternoon_span`); None otherwise."""
    for run in reversed(list(_HOUR_RUN_RE.finditer(text, 0, end))):
        if run.start() and text[run.start() - 1] in _NO_HOUR_BEFORE:
            continue
        m = _CLOCK_RE.match(text, run.start())
        assert m is not None
        if not m["h2"] or m.end() > end or not re.search("[点點时時]", m[0]):
            continue
        if (
            cn_to_int(m["h2"]) not in AFTERNOON_SPAN_HOURS
            or m["h2"].startswith(("0", "零", "〇"))
            or _PERIOD_BEFORE_RE.search(text, 0, run.start())
            or _NIGHT_BEFORE_RE.search(text, 0, run.start())
        ):
            return None
        return run.start(), m.end()
    return None


def _in_the_afternoon(
    original: str,
    where: tuple[int, int],
    written: str,
    night: str,
    now: datetime,
    refuse_unread: bool,
    lead: str,
) -> ParsedSchedule:
    """「明天 2-4点 班会」「明天1点半 开会」 read as 「明天 下午2-4点 班会」「明天下午1点半 开会」
    (:func:`_afternoon_span`, :func:`_afternoon_hour`), the time written at ``where``, and
    ``describe()`` says so, with how to write the night (``night``)."""
    begin, end = where
    afternoon = f"{original[:begin]}下午{original[begin:]}"
    note = f"（「{written}」按下午理解{night}）"
    try:
        parsed = _parse(afternoon, now, refuse_unread=refuse_unread, lead=lead)
    except TimeParseError as error:  # 「3点」 at 19:00: say why 15:00 is meant
        if not error.reason.startswith("时间已经过去了") or "（现在是" not in error.reason:
            raise
        raise TimeParseError(
            error.reason.replace("（现在是", f"{note}（现在是", 1),
            with_examples=error.with_examples,
        ) from None
    return replace(parsed, when_text=original[:end].strip(), note=note + parsed.note)


def _span_text(span: TimeSpan, schedule: dict[str, object]) -> str:
    """「08:00–09:00」 for the message, from the start as scheduled (「8点到9点」 typed at 19:48
    goes out at 20:00: 「20:00–21:00」); TimeParseError when the span does not end after it
    starts, saying how to write it."""
    run_at = schedule.get("run_at")
    if isinstance(run_at, datetime):
        scheduled = run_at.hour * 60 + run_at.minute
    else:
        cron = schedule.get("cron")
        assert isinstance(cron, dict)
        scheduled = int(cron["hour"]) * 60 + int(cron["minute"])
    start = span.start.hour * 60 + span.start.minute
    shift = (scheduled - start) % _DAY_MINUTES  # 12 h when 8点 was read as 20:00 (今夜8点)
    start += shift
    until = span.until.hour * 60 + span.until.minute
    if not span.until_period and until + shift <= _DAY_MINUTES:
        until += shift
    noon = until < start and _ends_after(span.start, span.until)
    written_bare = not (span.until_period or span.start_period or shift)
    if noon and not span.until_period and not shift:
        until += 12 * 60  # 「12点到1点」「11点到1点」: from late morning or noon to the afternoon
    elif until < start and written_bare and _a_day_long(start, until):
        until += 12 * 60  # 「8点到5点」: a training day
    if start < until <= _DAY_MINUTES:
        return f"{_hhmm(start)}–{_hhmm(until)}"
    if until <= OVERNIGHT_ENDS < EVENING_STARTS <= start:  # 「晚上11点到凌晨1点」
        return f"{_hhmm(start)}–次日{_hhmm(until)}"
    if start == until:
        hour_later = f"{_hhmm(start, short=True)}-{_hhmm(start + 60, short=True)}"
        raise TimeParseError(
            f"「{span.written}」的开始和结束都是 {_hhmm(start)}：请写明结束时间，例如"
            f"「{hour_later}」，或者只写开始时间「{span.start_words}」。",
            with_examples=False,
        )
    how = "请先写开始时间，再写结束时间"
    if until >= OVERNIGHT_ENDS:  # 「9点到8点」: swapped, not 「上午11点到1点」
        how += f"，例如「{_hhmm(until, short=True)}-{_hhmm(start, short=True)}」"
    afternoon = until + 12 * 60
    if not span.until_period and not shift and start < afternoon <= _DAY_MINUTES:
        period = "晚上" if afternoon >= EVENING_STARTS else "下午"
        ends = f"{span.start_words}{span.separator}{period}{span.until_words}"
        how += f"；结束在{period}的话，请写明，例如「{ends}」"
    raise TimeParseError(
        f"「{span.written}」的结束时间 {_hhmm(until)} 早于开始时间 {_hhmm(start)}。"
        f"{how}。提醒会在开始时间发出。",
        with_examples=False,
    )


def _hhmm(minutes: int, *, short: bool = False) -> str:
    """「08:00」 (「24:00」 for the end of the day); with ``short`` as typed: 「8:00」."""
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}" if short else f"{hours:02d}:{minute:02d}"


# ---------------------------------------------------------------- what the text must not hold


def _hour_clock(text: str, pos: int) -> re.Match[str] | None:
    """The time of day at ``pos`` if it names an hour (「8点」「晚上9点」「8:30」), else None."""
    m = _CLOCK_RE.match(text, pos)
    if m is None or not (m["h"] or m["h2"] or m["h3"]) or _no_clock(m):
        return None
    return m


def _clock_start(text: str, end: int | None = None) -> int:
    """Where the time of day ending ``text`` (or ending at ``end``) starts (「每天早上8点」 → 2),
    or that end."""
    stop = len(text.rstrip()) if end is None else end
    for start in range(stop):
        m = _hour_clock(text, start)
        if m is None or m.end() != stop:
            continue
        try:
            match_clock(text, start, None)
        except TimeParseError:  # 「五20:00」 of 「每周五20:00」 is no hour
            continue
        return start
    return len(text) if end is None else end


_SECOND_TIME_RE = re.compile(
    r"\s*(?:(?P<pair>早晚|上下午)\s*各?|(?:和|及|与|跟|、|/)\s*(?:(?:每天|每日)\s*)?"
    r"|(?P<apart>[,，;；]?))"
)
# after a time standing apart (「上午8点 下午2点 签到」), not before the text (「9点 10点开会」)
_LONE_TIME_END_RE = re.compile(r"\s|[,，;；。]|$")
_PAIR_PERIODS = {"早晚": ("早上", "晚上"), "上下午": ("上午", "下午")}


def _refuse_second_time(
    when_text: str, rest: str, now: datetime, span_at: int | None = None
) -> None:
    """「每天早晚8点 打卡」「每天8点和20点 打卡」: two times, refused (one time a reminder);
    ``span_at`` is where a span ending ``when_text`` starts (「每天8点到9点和…」)."""
    m = _SECOND_TIME_RE.match(rest)
    clock = _hour_clock(rest, m.end()) if m else None
    if m is None or clock is None:
        return
    span = _time_span(rest, clock.end())  # 「每天8点到9点和20点到21点」
    stop = span.end if span else clock.end()
    if m["apart"] is not None and not (clock["period"] and _LONE_TIME_END_RE.match(rest, stop)):
        return  # 「明天9点 10点开会」「明天9点 10点 开会」: the meeting's time in the text
    text = rest[stop:].strip().lstrip(_MESSAGE_SEPARATORS).strip()
    message = text or "提醒内容"
    written = rest[m.end() : stop].strip()
    if m["pair"]:
        day = when_text
        first, second = (period + written for period in _PAIR_PERIODS[m["pair"]])
    else:
        start = _clock_start(when_text) if span_at is None else span_at
        day, first, second = when_text[:start], when_text[start:].strip(), written
    if not first or m["apart"] is not None and ":" in first.translate(_FULLWIDTH):
        return  # 「每天 和8点」: the first has no hour; 「工作日 09:00 早上8点 签到」 as suggested
    in_text = ""
    if m["apart"] is not None and text:  # 「明天9点 10点 开会」 may mean the meeting's time
        in_text = (
            f"\n如果「{second}」是提醒内容的一部分，请把它和内容连着写，例如："
            f"/remind {when_text} {second}{text}"
        )
    raise TimeParseError(
        f"一条提醒只能有一个时间，请分两条设置：{first}和{second}。"
        f"例如先发 /remind {day}{first} {message}，再发 /remind {day}{second} {message}"
        f"{in_text}",
        with_examples=False,
    )


_WEEK_PREFIX = r"(?:下下个?|下个?|上上个?|上个?|这个?|本)"
# the days after a weekday WHEN: 「至周五」「到下周一」「、三、五」「日」 (「本周六日」)
_MORE_DAYS_RES = _day_set_patterns("(?P<first>)", rf"{_WEEK_PREFIX}?{WEEK}")
_WEEK_PREFIX_RE = re.compile(rf"{_WEEK_PREFIX}(?={WEEK})")
_DAY_PART_RE = re.compile(
    rf"(?P<range>{RANGE_SEP})|(?P<pre>{_WEEK_PREFIX})(?={WEEK})|(?P<wd>[{_DAY_CHARS}])"
)
_THIS_WEEK = ("这", "这个", "本")


def _refuse_weekday_span(when_text: str, rest: str, now: datetime) -> None:
    """「下周一、三、五 8点」「下周六日」: one day was read and 「、三、五」 would be left in the
    text. 「本周六日」「本周一、三、五」 list a /remind for each of those days still ahead (a
    reminder is one day, or a weekly rule). A range of them (「下周一至周五」) is a range of
    days (:func:`match_date_range`); only one that cannot be (「下周一至三班」) comes here."""
    day = _WEEKDAY_RE.fullmatch(when_text)
    more = _days_match(_MORE_DAYS_RES, rest, _weekday(day["wd"])) if day else None
    if day is None or more is None or not (day["pre"] or _WEEK_PREFIX_RE.search(more[0])):
        return  # 「本周六日程安排」 is Saturday's
    days = when_text + more[0].strip()
    after = rest[more.end() :].strip()
    if sep := _PART_SEP_RE.match(after):  # 「下周六到周一，8点」
        after = after[sep.end() :]
    weekly = _WEEK_PREFIX_RE.sub("", days)
    if not re.search(RANGE_SEP, more[0]):  # 「周一、三、五」 without 每 is no rule
        weekly = f"每{weekly}"
    once = after  # a one-off is on one day: 「下周一 每天8点」 would be refused
    if every_day := _EVERY_DAY_RE.match(after):
        rest_of_it = after[every_day.end() :].strip()
        space = "" if _hour_clock(rest_of_it, 0) else " "  # 「晚上9点 打卡」「晚上 打卡」
        once = f"{_EVERY_DAY_PERIOD.get(every_day['word'], '')}{space}{rest_of_it}".strip()
    in_order = _days_in_order(_weekday(day["wd"]), more[0])
    if day["pre"] in _THIS_WEEK and in_order is not None:
        week = when_text[: day.start("wd")]  # 「本周」「这个星期」 as written
        next_week = "下" + when_text[day.end("pre") : day.start("wd")]  # 「下周」「下星期」
        lines = [f"{(week, next_week)[weeks]}{WEEKDAY_CN[d]} {once}" for weeks, d in in_order]
        ahead = [f"/remind {line}" for line in lines if not _is_past(line, now)]
        if not ahead:
            raise TimeParseError(
                f"「{days}」这几天{week}都已经过去了（现在是 {format_datetime(now)}）。"
                f"每周都要提醒的话，请写成：/remind {weekly} {after}；只提醒下周的话，"
                f"请每天分别设置，例如：/remind {next_week}{WEEKDAY_CN[in_order[0][1]]} {once}",
                with_examples=False,
            )
        which = week if all(weeks == 0 for weeks, _ in in_order) else ""
        raise TimeParseError(
            f"「{days}」是好几天，一条一次性提醒只能在一天发出。只提醒{which}还没过的这几天"
            f"的话，请每天分别发一条：\n" + "\n".join(ahead) + "\n"
            f"每周都要提醒的话，请写成：/remind {weekly} {after}",
            with_examples=False,
        )
    raise TimeParseError(
        f"「{days}」是好几天，一条一次性提醒只能在一天发出。每周都要提醒的话，请写成："
        f"/remind {weekly} {after}；只提醒这几天的话，请每天分别设置，例如："
        f"/remind {when_text} {once}",
        with_examples=False,
    )


def _days_in_order(first: int, more: str) -> list[tuple[int, int]] | None:
    """(0 for this week or 1 for next, weekday) of each day of a set beginning this week with
    ``first`` and going on with ``more``, in order: 「本周六到周一」 runs on into next week past
    Sunday, as 「本周五至下周一」 says. None for a day before the one it follows
    (「本周五至本周一」) or beyond next week."""
    days = [(0, first)]
    in_range, written_week = False, None
    for token in _DAY_PART_RE.finditer(more):
        if token["range"]:
            in_range = True
            continue
        if token["pre"]:
            written_week = _WEEK_OFFSET.get(token["pre"].rstrip("个"))
            continue
        weeks, last = days[-1]
        weekday = _weekday(token["wd"])
        if written_week is None:  # a range runs on past Sunday, a list stays in its week
            written_week = weeks + 1 if in_range and weekday <= last else weeks
        if in_range:
            start, stop = weeks * 7 + last, written_week * 7 + weekday
            if stop <= start:
                return None
            days += [divmod(n, 7) for n in range(start + 1, stop + 1)]
        else:
            days.append((written_week, weekday))
        in_range, written_week = False, None
    if any(weeks not in (0, 1) for weeks, _ in days):
        return None
    return list(dict.fromkeys(days))


def _is_past(typed: str, now: datetime) -> bool:
    """Whether /remind ``typed`` would be refused as a time already past."""
    try:
        _parse(typed, now)
    except TimeParseError as error:
        return error.reason.startswith("时间已经过去了")
    return False


_EVERY_DAY_WORDS_RE = re.compile(r"(?:(?:每天|每日|天天|每晚|每早|的)\s*)*")


def _refuse_unread_clock(
    when_text: str, message: str, schedule: dict[str, object], now: datetime
) -> None:
    """The time was defaulted but the text starts with one (「工作日, 早上8点 签到」): refuse,
    showing how to write it, rather than send at 09:00 a text saying 「早上8点」."""
    words = _EVERY_DAY_WORDS_RE.match(message)
    assert words is not None
    clock = _hour_clock(message, words.end())
    if clock is None:
        return
    written = message[: clock.end()].strip()
    time_words = clock[0].strip().removeprefix("的").strip()
    if not clock["period"]:  # 「每晚9点」 is evening: keep that in the suggestion
        time_words = {"每晚": "晚上", "每早": "早上"}.get(words[0].strip(), "") + time_words
    rest = message[clock.end() :].strip().lstrip(_MESSAGE_SEPARATORS).strip()
    default_clock = _default_clock_of(schedule)
    suggestion = f"{when_text} {time_words} {rest}"
    try:
        fixed = _parse(suggestion, now, refuse_unread=False)
    except TimeParseError:
        fixed = None
    if fixed is None or fixed.default_time_note or fixed.message != rest:
        how = "请把时间紧接着日期写，例如：/remind 工作日 8:00 签到"
    elif schedule.get("run_at") is not None and re.search("每|天天", words[0]):
        how = (  # 「周末每天10点」: once, or every day?
            f"只提醒一次的话，请写成：/remind {suggestion}；"
            f"要重复提醒的话，请写成：/remind 每天 {time_words} {rest}"
        )
    else:
        how = f"请写成：/remind {suggestion}"
    raise TimeParseError(
        f"「{written}」里的时间没能读懂"
        f"（只读出了「{when_text}」，会按默认的 {default_clock} 发送）。"
        f"{how}\n如果「{written}」是提醒内容的一部分，请先写明提醒时间，例如："
        f"/remind {when_text} {default_clock} {message}",
        with_examples=False,
    )


# a time of day anywhere in the text: 「下午5点」「8:30」「8点」 (not 「第3点」「9 点名」)
_TIME_IN_TEXT_RE = re.compile(
    rf"(?:{_alternation(w for w in _AM + _NOON + _PM if len(w) > 1)})\s*{NUM}\s*[点點时時]"
    r"|(?<![\d.:])\d{1,2}\s*:\s*[0-5]\d"
    rf"|(?<![\d.第])\d{{1,2}}(?!{_POINT_WORD})\s*[点點](?![名评赞菜击播单餐歌拨燃亮])"
    rf"|^{_DOTTED_CLOCK}"  # 「周五 8.30 开会」: a date or a time?
)


def _default_clock_of(schedule: dict[str, object]) -> str:
    """The default time a schedule was given (「09:00」, 「15:00」 for 下午)."""
    default = re.search(r"默认 (\d\d:\d\d)", str(schedule["default_time_note"]))
    return default[1] if default else "09:00"


# what a suggested line leaves out around the time it moves to the front: the end of its span
# (「8.30-9」), a bracket around it (「（截止晚上10点）」) and the words leading into it
_SPAN_END_IN_TEXT_RE = re.compile(rf"{RANGE_SEP}(?P<until>\d{{1,2}}(?:[.:][0-5]\d)?)(?=\s|$)")
_CLOSING_BRACKETS = "）)】]」"
_OPEN_BRACKET_TAIL_RE = re.compile(r"[（(【\[「]\s*(?:截止|截至|最晚|最迟|不晚于|于|在)?\s*$")


def _refuse_time_in_text(when_text: str, message: str, schedule: dict[str, object]) -> None:
    """The time was defaulted but the text holds one (「明天 交材料，截止下午5点」
    「周五 8.30 开会」): refuse with how to write it rather than send it at the default time."""
    found = _TIME_IN_TEXT_RE.search(message.translate(_FULLWIDTH))
    if found is None:
        return
    default_clock = _default_clock_of(schedule)
    token = message[found.start() : found.end()].strip()
    clock = found[0].strip().replace(".", ":")
    rest = message[found.end() :]
    if span_end := _SPAN_END_IN_TEXT_RE.match(rest.translate(_FULLWIDTH)):  # 「8.30-9 晨读」
        clock += "-" + span_end["until"].replace(".", ":")
        rest = rest[span_end.end() :]
    after = rest.strip().lstrip(_MESSAGE_SEPARATORS + _CLOSING_BRACKETS).strip()
    bracket = _OPEN_BRACKET_TAIL_RE.search(message, 0, found.start())
    if bracket or not after or re.match(BEFORE, after):  # 「交材料 8:30前」「开会（下午3点）」
        before = message[: bracket.start() if bracket else found.start()]
        before = before.strip().rstrip(_MESSAGE_SEPARATORS)
        after = f"{before} {after}".strip() if bracket else before
    content = after or "提醒内容"
    month, _, day = found[0].strip().partition(".")
    if day and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:  # 「周五 8.30」「后天 12.14 9点」
        raise TimeParseError(
            f"「{token}」是钟点还是日期？提醒时间只读出了「{when_text}」，没有钟点，"
            f"会按默认的 {default_clock} 发送。是钟点的话，请写成："
            f"/remind {when_text} {clock} {content}；是日期的话，请写成："
            f"/remind {int(month)}月{int(day)}日 {content}",
            with_examples=False,
        )
    raise TimeParseError(
        f"提醒内容里有时间「{token}」，但提醒时间只读出了「{when_text}」，没有钟点，"
        f"会按默认的 {default_clock} 发送。要在 {clock} 提醒的话，请把时间紧接着日期写，"
        f"例如：/remind {when_text} {clock} {content}\n"
        f"如果「{token}」只是提醒内容的一部分，请写明提醒时间，例如："
        f"/remind {when_text} {default_clock} {message}",
        with_examples=False,
    )


_COUNT_RANGE_RE = re.compile(
    rf"(?P<range>(?P<low>{NUM}){RANGE_SEP}(?P<high>{NUM}))\s*(?:{_COUNT_WORDS})"
)


def _refuse_count_range(when_text: str, message: str, schedule: dict[str, object]) -> None:
    """The time was defaulted and the text starts with a range of a count (「明天 3-5 人一组
    讨论」): refuse with the line to send at the default time written out, and, when the
    numbers may be hours, how to write them as hours, rather than go out at a time the
    manager may believe was written."""
    found = _COUNT_RANGE_RE.match(message.translate(_FULLWIDTH))
    if found is None:
        return
    default_clock = _default_clock_of(schedule)
    token = message[: found.end()]
    numbers = found["range"].translate(_FULLWIDTH)
    lines = (
        f"「{token}」是数量，不是时间：提醒时间只读出了「{when_text}」，没有钟点，"
        f"会按默认的 {default_clock} 发送。请写明提醒时间，例如："
        f"/remind {when_text} {default_clock} {message}"
    )
    if cn_to_int(found["low"]) < cn_to_int(found["high"]) <= 24:
        lines += (
            f"\n要在 {numbers} 点提醒的话，请在钟点后写「点」，例如："
            f"/remind {when_text} {numbers}点 提醒内容"
        )
    raise TimeParseError(lines, with_examples=False)


# ---------------------------------------------------------------- 「12月12日（周六）」

# a weekday (「周六」「周六至周一」) or a date (「12月12日」「12.12」) in brackets, as notices
# print them after a day
_BRACKETED_RE = re.compile(
    rf"\s*\(\s*(?:{WEEK}(?P<wd>{WD})(?:{RANGE_SEP}{WEEK}?(?P<wd2>{WD}))?"
    rf"|(?:(?P<y>\d{{4}})\s*年)?\s*(?P<m>{NUM})\s*月\s*(?P<d>{NUM})\s*[日号號]?"
    r"|(?P<m2>\d{1,2})\s*[./]\s*(?P<d2>\d{1,2}))\s*\)"
)
MAX_BRACKETS = 2  # 「12月12日（周六）-12月14日（周一）」
CHECK_DAYS = "请核对日期和星期后重新发送。"


@dataclass(frozen=True)
class Bracketed:
    """A bracket after a day (:data:`_BRACKETED_RE`): what it says, the day it follows as
    written with it (「12月12日（周日）」), and whether that day is a whole range of days."""

    said: re.Match[str]
    written: str
    day: str
    after_range: bool


def _bracketed_days(original: str, normalized: str) -> list[tuple[Bracketed, str]]:
    """The brackets that follow the day(s) at the start of ``normalized``, each with the text
    as written without it and the brackets before it; [] when there is none."""
    found: list[tuple[Bracketed, str]] = []
    as_written, removed = original, 0
    while len(found) < MAX_BRACKETS and (m := _BRACKETED_RE.search(normalized)):
        kind = _day_kind(normalized[: m.start()])
        if kind is None:
            break
        written = as_written[: m.end() + removed].strip()
        day = original[: m.start()].strip()
        original = original[: m.start()] + original[m.end() :]
        normalized = normalized[: m.start()] + normalized[m.end() :]
        removed += m.end() - m.start()
        found.append((Bracketed(m, written, day, kind == "range"), original))
    return found


_DAY_MATCHERS: tuple[Callable[[str], Candidate | None], ...] = (
    match_day_word,
    match_weekday,
    match_weekend,
    match_full_date,
    match_month_day,
)


def _day_kind(head: str) -> str | None:
    """Whether ``head`` is wholly a range of days (「12月12日至14日」: "range") or one day
    ("day"); None when it is neither."""
    head = head.rstrip()
    lead = _RANGE_FROM_RE.match(head)  # 「从12月12日（周六）到14日」
    day = head[lead.end() :] if lead else head
    for kind, text, matchers in (
        ("range", head, (match_date_range,)),
        ("day", day, _DAY_MATCHERS),
    ):
        for matcher in matchers:
            try:
                found = matcher(text) if text else None
            except TimeParseError:
                continue
            if found is not None and found[0] >= len(text):
                return kind
    return None


def _check_bracketed_days(
    original: str,
    brackets: list[tuple[Bracketed, str]],
    now: datetime,
    refuse_unread: bool,
    lead: str,
) -> ParsedSchedule:
    """``original`` read without its bracketed weekdays or dates, which must match the days
    read (「12月12日（周六）8点」); TimeParseError saying which day is which weekday if not."""
    stripped = brackets[-1][1]
    parsed = _parse(stripped, now, refuse_unread=refuse_unread, lead=lead)
    days = _days_of(parsed)
    today = now.date()
    for bracket, _ in brackets:
        said = bracket.said
        which = "日期和星期" if said["wd"] or _WEEKDAY_RE.search(bracket.day) else "两个日期"
        quoted = f"「{_head(bracket.written, MAX_RANGE_CHARS)}」里的{which}对不上："
        if said["wd"]:
            pairs = [(days[-1] if bracket.after_range else days[0], said["wd"])]
            if said["wd2"]:
                pairs = [(days[0], said["wd"]), (days[-1], said["wd2"])]
            for day, weekday in pairs:
                if day.weekday() != _weekday(weekday):
                    raise TimeParseError(
                        f"{quoted}{_day_word(bracket.day)}{_month_day(day, today)}是"
                        f"{_weekday_name(day)}，"
                        f"不是周{WEEKDAY_CN[_weekday(weekday)]}。{CHECK_DAYS}",
                        with_examples=False,
                    )
            continue
        day = days[-1] if bracket.after_range else days[0]
        month, mday = cn_to_int(said["m"] or said["m2"]), cn_to_int(said["d"] or said["d2"])
        year = int(said["y"]) if said["y"] else day.year
        if (year, month, mday) != (day.year, day.month, day.day):
            written = _make_date(year, month, mday, said[0].strip(" ()"))
            raise TimeParseError(
                f"{quoted}{bracket.day}是 {_month_day(day, today)}，"
                f"{_month_day(written, today)}是{_weekday_name(written)}。请核对后重新发送。",
                with_examples=False,
            )
    removed = len(original) - len(stripped)
    if removed and stripped.startswith(parsed.when_text):
        parsed = replace(parsed, when_text=original[: len(parsed.when_text) + removed].strip())
    return parsed


def _days_of(parsed: ParsedSchedule) -> list[date]:
    """The day a reminder is read for, or the first and last of a range of days (a rule: the
    day of its first run)."""
    if parsed.run_at is not None:
        return [parsed.run_at.date()]
    cron = parsed.cron or {}
    if "start_date" in cron and "end_date" in cron:
        return [date.fromisoformat(cron["start_date"]), date.fromisoformat(cron["end_date"][:10])]
    if "start_date" in cron:
        return [date.fromisoformat(cron["start_date"])]
    return [parsed.next_runs(1)[0].date()]


# ---------------------------------------------------------------- matcher table

_MATCHERS: tuple[Callable[[str], Candidate | None], ...] = (
    match_cron,
    match_daily,
    match_weekly,
    match_weekday_span,
    match_workday,
    match_monthly,
    match_yearly,
    match_relative_time,
    match_relative_days,
    match_relative_months,
    match_interval,
    match_weekend,
    match_month_end,
    match_holiday,
    match_day_word,
    match_weekday,
    match_full_date,
    match_month_day,
    match_bare_clock,
    match_date_range,
    match_day_list,
)
