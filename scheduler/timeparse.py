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
  ``周末`` ``下周末`` (the Saturday: see below) ``月底`` ``下个月底`` ``月初`` ``月中``
  ``12月1日`` ``12月1号`` ``12/1`` ``12.1`` ``12-1`` ``15号`` ``下个月15号`` ``2026-12-01``
  ``2026/12/1`` ``2026年12月1日`` ``明年1月5日`` ``元旦`` ``国庆`` ``教师节`` (holidays on a
  fixed date), each optionally followed by a time of day (``12.10 9点``)
* past wordings, recognised only to say the time has passed: ``昨天`` ``前天`` ``昨晚``
  ``上周五`` ``上个月15号`` ``去年12月1日`` ``3天前`` ``2小时前``
* time of day: ``9点`` ``9点半`` ``9点一刻`` ``9点30分`` ``九点十五`` ``8:30`` ``18:00``,
  also with spaces (``8点 30分`` ``8 点 半``, minutes apart from 点 only with 分), ``8点零5分``
  and ``8:30:00``, optionally after a period word (``上午`` ``早上`` ``中午`` ``下午`` ``晚上``
  ``凌晨`` ...); after one, also after 今晚/明早/每晚, the hour may be written without 点
  (``下午5 交作业`` is 17:00 「交作业」, ``今晚8`` 20:00) unless a count, a unit or a number
  follows it (``下午5个人`` ``下午3节课`` ``下午5号楼`` keep it in the text); a time alone
  means today. After a day, where no date can stand, a dot may
  stand for the colon (``明天 8.30`` ``3天后 8.30`` ``每天8.30-9.30`` ``周五 8.30``
  ``下周五 8.30`` ``下周末 8.30`` ``月底 8.30`` ``明天到周五 8.30``; alone ``8.30`` is a
  date, and after a weekday a date on that weekday in the coming three weeks, ``周六 12.12``
  when 12月12日 is a Saturday, is refused asking which); ``8.30分`` is ``8点30分``. A 点
  after a space that starts a word is the text's (``明天 9 点名`` is 09:00 「点名」)
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
  from today whose time has passed says 「（今天的 08:00 已过，从明天开始）」), also one begun
  last year (month): ``12月30日到1月2日`` typed on 1月1日 is the one under way; one written
  without its year (month) that is over means next year's (month's), said (one without its
  year over in the last 60 days is refused, as a date is below), and this week's that is
  over (``本周一到周五`` on Saturday) is refused with next week's and the weekly line. One
  that ends the day it starts, or before (``12月14日到12日``: a month's end runs into the
  next only when the range is 17 days or less, ``30日到2日``), is refused with what
  to write; so are days not in a row (``12月12、14日``: a line each). ``明天到3号楼`` is no
  range, nor is a range of weekdays with no week named (``周一至周五``: every week)
* a weekday or a date in brackets after a day, as notices print them (``12月12日（周六）8点``
  ``明天（周二）`` ``12月12日至14日（周六至周一）`` ``周六（12月12日）``), is checked against
  the day read and left out; when they differ the refusal says which day is which weekday.
  So is a weekday right after a date or a day word without brackets (``12月8日周二 9点``
  ``12月8日 星期二 上午9点`` ``明天周二``) when a time, a separator, a space or nothing follows
  it (``12月8日周二例会`` keeps 「周二例会」, and after a time it is the text's)
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
  ``明天 交材料，截止下午5点`` ``周六 12.12 开会`` would go out at 09:00), also an hour
  written without 点 there (``明天 8 交作业``: 8点, or the text's 8?; not a count or a
  number of a word: ``明天 5个人`` ``明天 3班``): a reminder never goes out at a time other
  than the one written
* ``本周六日`` ``本周一、三、五`` (a list of this week's days) are refused too: a one-off is one
  day and a rule repeats every week. A manager who wrote 本周 wants those days, so the refusal
  lists a ready /remind for each of them still ahead (``/remind 本周六 9点 打卡`` …), then
  the weekly form; when all are past it says so and suggests next week's
* not supported, refused with what to write instead: intervals the cron rules cannot count
  (``每两周`` ``隔周`` ``每隔一天`` ``每两个月``: suggest ``每周五20:00`` …), and rules by the
  hour (``每小时`` ``每2小时`` ``每30分钟``: the daytime cron line on the days and hours written
  and the once-a-day one, see scheduler/when/hourly.py)
* a standard 5-field crontab prefixed by ``cron``: ``cron 0 9 * * 1-5 TEXT``
  (crontab weekdays, 0 or 7 = Sunday, are converted to APScheduler names; day-of-month and
  day-of-week both restricted means both must match, as in APScheduler, not either as in cron);
  a bad field is refused in Chinese, naming the field and its range
* every recurring rule must leave at least ``MIN_REPEAT_MINUTES`` (one hour) between two
  reminders: a whole class is messaged each time, so ``cron * * * * *`` is refused

Conventions:

* A day without a time of day means 09:00; a period word alone means its usual hour
  (上午 09:00, 中午 12:00, 下午 15:00, 傍晚 18:00, 晚上 20:00). ``describe()`` says so.
  A shorter word after a day means the same hour as the fuller one and is no part of the
  text: ``周五晚`` ``后天晚`` ``12月10日晚`` ``周四夜里`` (夜间 夜晚 晚间) are 晚上 20:00,
  ``下周一早`` (清晨) 早上 09:00, 午间 中午, 午后 下午; with an hour as before (``明天夜里11点``
  is 23:00). A lone 早/晚 glued to the text is the period too (``周五晚交日志`` is 20:00
  「交日志」) unless it starts a word of it (``周五晚自习`` is 周五 09:00 「晚自习」, ``晚一点``,
  ``早到``): write ``周五晚 自习`` for the evening.
  ``明天凌晨`` without its hour is refused with the lines to send (凌晨 has no usual hour).
* 下午 moves 1-11 点 and 晚上 moves 5-11 点 to the afternoon/evening; ``晚上1点``-``4点`` are
  rejected as ambiguous (write ``凌晨1点``). ``晚上12点`` ``晚上0点`` (``今晚0点``) and ``24点``
  mean midnight at the end of that day (00:00 of the next day, shown as such by
  ``describe()``; accepted in ``每天`` as 00:00, rejected in weekly, monthly and yearly
  rules). ``凌晨12点`` is 00:00 of that day.
* Without a period word 1-5 点 (no leading zero, written with 点) is the afternoon's, as in a
  span: ``明天1点半`` is 13:30 and ``每天 3点`` 15:00, and ``describe()`` says so:
  「（「1点半」按下午理解；凌晨的话请写「凌晨1点半」）」, whatever the spacing (``明天 5 点名``
  is 17:00 「点名」); ``凌晨1点`` ``01:00`` ``1:30`` stay at night. Other hours are read as
  24-hour time: ``今天8点`` at 10:00 is in the past.
  Only a time alone, 1-11 点 without a leading zero, written after 12:00 when that hour has
  passed today, means the same hour tonight (``8点`` at 19:48 is 20:00), and ``describe()``
  says so: ``(今天 08:00 已过,按今晚 20:00 理解;明早请写「明天8点」)``. Like 「明天」 after
  midnight (below), the confirmation shows the reading before anything is scheduled.
  Any other time alone that has passed today means the same time tomorrow, said with 明天:
  ``8点`` at 22:20 is 08:00 tomorrow ``(今天 08:00、20:00 都已过,按明天 08:00 理解)``,
  ``早上8点`` ``08:00`` at 19:48 too, ``9点`` at 10:00 is 09:00 tomorrow (``;今晚请写
  「今晚9点」``). A day written keeps it: ``今天8点`` ``今晚8点`` at 22:20 are refused as
  past, and the refusal's examples are times still ahead (``「明天20:00」或「今晚11点」``,
  ``limits.future_examples``; /remind shows the list of examples of ``limits.examples(now)``).
* A month and day without a year whose day is already over this year means next year (the
  description says so: ``(今年的12月1日已过,按2027年)``), unless it passed at most
  ``RECENT_PAST_DAYS`` (60) days ago: ``12月1日`` typed on 12月7日 (or ``12月28日`` on
  1月3日) is most likely a slip, and is refused with the day it was and the line with the
  year written (``/remind 2027年12月1日 开会``); so is a range of days over lately. Today's
  date with a passed time of day is reported as past. ``15号`` that already passed this
  month means next month (also said). A one-off reminder may be at most one year ahead
  (``MAX_AHEAD_YEARS``). ``2月29日`` is the next one; when none is in the coming year (typed
  after 2028年2月29日) the refusal says when the last one was, if lately, and the next one is.
* ``12.10`` and ``12-10`` are month and day (as ``12/10``), unless a unit follows
  (``1.5小时后``, ``8-10点`` stay unread) or a day comes before (``明天 8.30``: a time); a
  month or day out of range is no date either.
* ``周末``/``下周末`` mean the Saturday of that week (weeks start on Monday; 09:00 unless a
  time is written), said as ``(下周末按周六)``: the start of the weekend, when a reminder is
  still useful. A bare ``周末`` is the next Saturday still ahead, like a bare ``周六``.
* ``月底`` is the last day of this month, or of next month once this month's is over (said:
  ``(本月最后一天已过,按12月31日)``). ``月初`` ``月中`` (``月中旬``) are the 1st and the 15th
  the same way, and say so (``(月中按15日)`` ``(月初按1日;本月1日已过,按1月1日)``);
  ``下个月初`` is next month's. ``元旦`` is the next 1 January still ahead.
* ``明天`` keeps its calendar meaning at any hour: written at 00:30, ``明天上午9点`` is the
  next date, 32.5 h away. :func:`small_hours_tomorrow` recognises that case (00:00-04:59) so
  the confirmation names the date and offers today instead (handlers/reminders.py).
* Arithmetic is wall-clock in ``now``'s time zone (fine for the DST-free Asia/Shanghai).

Where things are: this module is the entry (:func:`parse_reminder`: the longest leading time
expression any matcher of ``_MATCHERS`` reads, a span after it, then the safety net; a rule
from a day on; a deadline named instead of a time). The parts, one idea each, are in
scheduler/when/:

    limits.py      TimeParseError, EXAMPLES (examples(now)), MAX_AHEAD_YEARS, the other limits
    words.py       the vocabulary: Chinese numbers, weekdays, day and period words, separators
    result.py      ParsedSchedule, format_datetime / format_day / format_when, Candidate
    clock.py       a time of day (9点 8:30 晚上9点) and what a period word does to the hour
    spans.py       8点到9点 14:00-16:00 明天 2-4, and the afternoon a bare 1–5 点 means
    days.py        one day, optionally with a time: 明天 周五 周末 月底 月中 12月1日 元旦 8点
    relative.py    30分钟后 3天后 3个月后 (and 3天前, past)
    cron.py        cron 0 9 * * 1-5, and the checks every recurring rule passes
    recurrence.py  每天 每周五 周一至周五 工作日 周六日 每月1日 每年12月1日; 每两周 refused
    day_ranges.py  明天至周五 12月12日到14日 12.12-14: every day of a range
    refusals.py    the safety net: what the text after WHEN must not hold
    brackets.py    12月12日（周六）: the bracketed weekday or date checked and left out
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from scheduler.when.brackets import _bracketed_days, _check_bracketed_days
from scheduler.when.clock import _hour_clock
from scheduler.when.cron import aps_weekdays, crontab_weekdays, match_cron
from scheduler.when.day_ranges import (
    _RUN_OF_DAYS_RE,
    _passed_today_note,
    match_date_range,
    match_day_list,
)
from scheduler.when.days import (
    _colon_clocks,
    match_bare_clock,
    match_day_word,
    match_full_date,
    match_holiday,
    match_month_day,
    match_month_end,
    match_weekday,
    match_weekend,
)
from scheduler.when.limits import (
    DEFAULT_CLOCK,
    EXAMPLES,
    MAX_RELATIVE_DAYS,
    RecentDateError,
    TimeParseError,
    examples,
)
from scheduler.when.recurrence import (
    match_daily,
    match_interval,
    match_monthly,
    match_weekday_span,
    match_weekly,
    match_workday,
    match_yearly,
)
from scheduler.when.refusals import (
    _refuse_bare_hour,
    _refuse_count_range,
    _refuse_second_time,
    _refuse_time_in_text,
    _refuse_unread_clock,
    _refuse_weekday_span,
)
from scheduler.when.relative import match_relative_days, match_relative_months, match_relative_time
from scheduler.when.result import (
    Build,
    Candidate,
    ParsedSchedule,
    _month_day,
    cron_next_runs,
    format_datetime,
    format_day,
    format_when,
)
from scheduler.when.spans import (
    _CLOCK_LEAD_RE,
    SPAN_NOTE,
    _afternoon_hour,
    _afternoon_span,
    _span_text,
    _time_span,
)
from scheduler.when.words import _FULLWIDTH, _MESSAGE_SEPARATORS, BEFORE, _head, cn_to_int

# the public API: handlers, scheduler/ and the tests import these from here
__all__ = [
    "EXAMPLES",
    "ParsedSchedule",
    "TimeParseError",
    "aps_weekdays",
    "cn_to_int",
    "cron_next_runs",
    "crontab_weekdays",
    "examples",
    "format_datetime",
    "format_day",
    "format_when",
    "parse_reminder",
    "reads_as_time_only",
    "small_hours_tomorrow",
]


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
    normalized = _colon_clocks(original.translate(_FULLWIDTH), now.date())
    if not normalized:
        raise TimeParseError("请写上提醒时间和内容。")
    if brackets := _bracketed_days(original, normalized):  # 「12月12日（周六）8点」
        return _check_bracketed_days(original, brackets, now, refuse_unread, lead, _parse)
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
    period_read = _period_word_after(original, normalized, end, now, refuse_unread, lead)
    if period_read is not None:  # 「周五晚 交日志」: 周五晚上
        return period_read
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
        o_clock = "" if re.search("[点點时時]", written) else "点"  # 「明天 5 点名」
        night = f"；凌晨的话请写「凌晨{written}{o_clock}」"
        return _in_the_afternoon(original, hour, written, night, now, refuse_unread, lead)
    if span is not None:
        end = span.end
    when_text = original[:end].strip()
    _refuse_second_time(when_text, normalized[end:], now, span.begin if span else None)
    _refuse_weekday_span(when_text, normalized[end:], now, _parse)
    if lead and not _FROM_DAY_RE.match(normalized, end):  # 「从明天9点 开始」: no rule
        raise unread
    try:
        schedule = build(now)
    except RecentDateError as error:  # 「12月1日 开会」 on 12月7日: the line with the year
        raise TimeParseError(_with_the_year(error, original, now), with_examples=False) from None
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
        _refuse_unread_clock(when_text, message.translate(_FULLWIDTH), schedule, now, _parse)
        _refuse_time_in_text(when_text, message, schedule, now, _parse)
        _refuse_count_range(when_text, message, schedule, now, _parse)
        _refuse_bare_hour(when_text, message, schedule, now, _parse)
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
        raise DeadlineNamedError(
            f"{named}请先写提醒发出的时间，再写内容，例如：/remind {when} {rest}",
            example=f"{when} {rest}",
        )
    if not message:
        raise TimeParseError(
            f"请在时间后写上提醒内容，例如：/remind {when_text} 交研修日志", with_examples=False
        )
    if span_text:  # the reminder goes out at the start; trainees read the whole span
        message = f"{span_text} {message}"
        schedule["note"] = f"{schedule.get('note') or ''}{SPAN_NOTE}"
    return ParsedSchedule(when_text=when_text, message=message, now=now, **schedule)


def reads_as_time_only(text: str, now: datetime) -> bool:
    """Whether ``text`` is a time expression and nothing else (「后天下午5点」, also 「昨天」
    「5分钟后」, which :func:`parse_reminder` refuses as past or too near), as the matchers
    read it; 「昨天的通知说什么」 is not: a question that starts with a day."""
    normalized = _colon_clocks(text.strip().translate(_FULLWIDTH), now.date())
    ends = [c[0] for matcher in _MATCHERS if (c := matcher(normalized)) is not None]
    return bool(ends) and not normalized[max(ends) :].strip()


class DeadlineNamedError(TimeParseError):
    """WHEN followed by 前 (「12月10日前 交材料」): a deadline, not when to remind; ``example`` is
    the line to send after /remind, a time before the deadline first."""

    def __init__(self, reason: str, *, example: str) -> None:
        super().__init__(reason, with_examples=False)
        self.example = example


def _with_the_year(error: RecentDateError, original: str, now: datetime) -> str:
    """The refusal of a date without its year that passed lately, with the line to send with
    the year written; when that line names a deadline (「12月1日前 交作业」), the line with a
    time to remind before it (「2027年11月30日 9:00 2027年12月1日前 交作业」), which is read."""
    line = f"{error.dated}{original[error.length :]}"
    try:
        _parse(line, now)
    except DeadlineNamedError as named:
        asked = f"要提醒 {error.dated} 的话，请写上年份："
        reason = error.reason.removesuffix(asked)
        return (
            f"{reason}截止日是 {error.dated} 的话，请写上年份，并先写提醒发出的时间，"
            f"例如：/remind {named.example}"
        )
    except TimeParseError:
        pass
    return f"{error.reason}/remind {line}"


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
_TOMORROW_RE = re.compile(r"\s*(明天|明日|明早|明晨|明晚|明儿个|明儿)")


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


# A period word the matchers do not read after a day, and the word they read for it: 「周五晚」
# is 「周五晚上」 (20:00), 「周四夜里」 too. A lone 早/晚 is one before a space, a separator, the
# end or the text (「周五晚交日志」), unless it starts a word of the text (「周五晚自习」「晚一点」
# 「早到」 keep it).
_WORDS_AFTER_PERIOD = (
    "上|间|晨|晚|自习|饭|餐|会|点|些|安|辈|年|期|报|读|练|修|托|霞|宴|睡|归|到|了|一|几|操|退|日"
    "|恋|教|已|就|都"
)
_BARE_PERIOD_RE = re.compile(
    r"\s*(?:(?P<word>夜里|夜间|夜晚|晚间|清晨|午间|午后|凌晨)"
    r"|(?P<lone>[早晚])(?=$|\s|[,，、;；:：。!！?？~～]|(?!"
    + _WORDS_AFTER_PERIOD
    + r")[\u4e00-\u9fff]))"
)
_FULLER_PERIOD = {
    "早": "早上",
    "晚": "晚上",
    "夜里": "晚上",
    "夜间": "晚上",
    "夜晚": "晚上",
    "晚间": "晚上",
    "清晨": "早上",
    "午间": "中午",
    "午后": "下午",
    "凌晨": "早上",  # only to check the day before it: 凌晨 has no usual hour (refused)
}


def _period_word_after(
    original: str, normalized: str, end: int, now: datetime, refuse_unread: bool, lead: str
) -> ParsedSchedule | None:
    """「周五晚 交日志」「周四夜里 交日志」「12月10日晚」: the day at the period word's usual hour,
    read as the fuller word (晚上 20:00, 早上 09:00 …) and the word left out of the text;
    「明天凌晨」 without its hour is refused with the lines to send. None when no such word
    follows WHEN, or WHEN already has a time of day (the fuller word would not be read)."""
    found = _BARE_PERIOD_RE.match(normalized, end)
    if found is None:
        return None
    word = found["lone"] or found["word"]
    begin, stop = found.end() - len(word), found.end()
    fuller = _FULLER_PERIOD[word]
    rewritten = f"{original[:begin]}{fuller}{original[stop:]}"
    covered = begin + len(fuller)
    reread = _colon_clocks(rewritten.translate(_FULLWIDTH), now.date())
    if max((c[0] for m in _MATCHERS if (c := m(reread)) is not None), default=0) < covered:
        return None
    if word == "凌晨":
        day = original[:begin].strip()
        rest = original[stop:].strip().lstrip(_MESSAGE_SEPARATORS).strip() or "交研修日志"
        _parse(f"{day}早上 {rest}", now, refuse_unread=False, lead=lead)  # a past day says so
        raise TimeParseError(
            f"还没有设置提醒：「{day}凌晨」没写几点。凌晨提醒的话，请写上钟点，例如："
            f"/remind {day}凌晨5点 {rest}；早上 09:00 提醒的话：/remind {day}早上 {rest}",
            with_examples=False,
        )
    parsed = _parse(rewritten, now, refuse_unread=refuse_unread, lead=lead)
    if len(parsed.when_text) < covered:
        return parsed
    written = original[: len(parsed.when_text) - len(fuller) + len(word)].strip()
    return replace(parsed, when_text=written)


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
