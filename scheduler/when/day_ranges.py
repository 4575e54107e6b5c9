"""A range of days: ``明天至周五 8点`` ``12月12日到14日`` ``12.12-14`` ``12月12、13、14日``
``下周一到周五``: every day from the first to the last, a cron with ``start_date`` and
``end_date`` (:func:`match_date_range`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from scheduler.when.cron import match_cron
from scheduler.when.days import (
    _CN_DATE_RE,
    _DOT_DATE_RE,
    _ISO_DATE_RE,
    _MONTH_DAY_RE,
    _SLASH_DATE_RE,
    _WEEKDAY_RE,
    _add_months,
    _add_years,
    _make_date,
    _too_far,
)
from scheduler.when.limits import MAX_AHEAD_YEARS, NOT_SET, RECENT_PAST_DAYS, TimeParseError
from scheduler.when.recurrence import (
    _ends_day_set,
    _recurring,
    match_monthly,
    match_weekday_span,
    match_weekly,
    match_workday,
)
from scheduler.when.result import (
    Candidate,
    _month_day,
    cron_next_runs,
    format_datetime,
    format_day,
)
from scheduler.when.words import (
    _DAY_WORDS,
    _NEXT_WEEK,
    _THIS_WEEK,
    _WEEK_OFFSET,
    _WEEK_PREFIX_RE,
    _YEAR_OFFSET,
    NUM,
    RANGE_SEP,
    YEAR,
    _alternation,
    _head,
    _weekday,
    cn_to_int,
)

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
    if running := _running_since_before(first, last, today, begins):
        begins, ends = running  # 「12月30日到1月2日」 typed on 1月1日: the range under way
    note = ""
    if begins <= ends < today and first.moves == "周":  # 「本周一到周五」 on Saturday
        raise _this_week_over(written, rest.strip(), now)
    if first.moves == "年" and begins <= ends:
        _refuse_recent_range(first, last, (begins, ends), now, written, rest)
    if ends < today and first.moves:
        try:
            later = first.find(today, None, 1)
            begins, ends = later, last.find(today, later, 1)
        except TimeParseError:  # 「2月29日到3月2日」 after a leap year: past (below)
            pass
        else:
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


def _running_since_before(
    first: RangeDay, last: RangeDay, today: date, begins: date
) -> tuple[date, date] | None:
    """The range read a year (month) earlier, when it was written without its year (month),
    read as starting after ``today`` and, so read, runs through ``today``: 「12月30日到1月2日」
    typed on 1月1日 is the range begun last December, not next December's (over a year
    ahead); 「30日到2日」 typed on the 1st the one begun last month. None otherwise."""
    if first.moves not in ("年", "月") or begins <= today:
        return None
    try:
        earlier = first.find(today, None, -1)
        earlier_end = last.find(today, earlier, -1)
    except TimeParseError:  # 「2月29日到3月1日」 after a leap year
        return None
    moved_whole = earlier_end < begins  # not 「12月28日到2027年1月3日」: its end stays
    return (earlier, earlier_end) if moved_whole and earlier <= today <= earlier_end else None


def _refuse_recent_range(
    first: RangeDay,
    last: RangeDay,
    read: tuple[date, date],
    now: datetime,
    written: str,
    rest: str,
) -> None:
    """Refuse a range written without its year (「12月1日到5日」) that ended at most
    :data:`RECENT_PAST_DAYS` days ago, this year (typed on 12月7日) or last year (「12月28日到
    31日」 typed on 1月3日), as a date alone is (scheduler/when/days.py): most likely a slip, not
    next year's days. ``read`` is the range as read this year; the refusal gives the line with
    the years written."""
    today = now.date()
    coming: tuple[date, date] | None
    if read[1] < today:
        passed = read
        try:
            coming_first = first.find(today, None, 1)
            coming = (coming_first, last.find(today, coming_first, 1))
        except TimeParseError:  # 「2月29日到3月2日」: no 2月29日 next year
            coming = None
    else:
        try:
            past_first = first.find(today, None, -1)
            passed = (past_first, last.find(today, past_first, -1))
        except TimeParseError:  # 「2月29日到3月1日」 a year before a leap year
            return
        coming = read
    days_ago = (today - passed[1]).days
    if not 0 < days_ago <= RECENT_PAST_DAYS or passed[1] < passed[0]:
        return
    ago = "昨天" if days_ago == 1 else f"{days_ago} 天前"
    shown = "至".join(format_day(day, today, relative=False) for day in passed)
    over = (
        f"{NOT_SET}「{_head(written, MAX_RANGE_CHARS)}」这几天已经过去了（{shown}，{ago}结束；"
        f"现在是 {format_datetime(now)}）。日期写错了的话，请改正后重新发送"
    )
    if coming is None:
        raise TimeParseError(f"{over}。", with_examples=False)
    dated = "到".join(f"{day.year}年{day.month}月{day.day}日" for day in coming)
    raise TimeParseError(
        f"{over}；要提醒 {dated} 的话，请写上年份：/remind {dated} {rest.strip()}",
        with_examples=False,
    )


def _passed_today_note(cron: dict[str, str], first_run: datetime, now: datetime) -> str:
    """「（今天的 08:00 已过，从明天开始）」 for a daily rule starting today whose first run is
    tomorrow, so the confirmation says why today is not among them; "" otherwise."""
    daily = cron.get("day", "*") == "*" and cron.get("day_of_week", "*") == "*"
    if not daily or first_run.date() == now.date():
        return ""
    return f"（今天的 {first_run:%H:%M} 已过，从明天开始）"


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
