"""One day, optionally followed by a time of day: ``明天`` ``今晚`` ``周五`` ``下周一``
``周末`` ``月底`` ``月中`` ``12月1日`` ``12.1`` ``15号`` ``元旦`` and a time alone (``8点``); each
``match_*`` reads its form at the start of the text (:data:`Candidate`)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo

from scheduler.when.clock import (
    _CLOCK_RE,
    _DAY_MINUTES,
    Clock,
    _clock_after,
    _default_clock,
    _default_note,
    match_clock,
)
from scheduler.when.limits import (
    MAX_AHEAD_YEARS,
    NOT_SET,
    RECENT_PAST_DAYS,
    RecentDateError,
    TimeParseError,
    future_examples,
)
from scheduler.when.result import Build, Candidate, _month_day, format_datetime, format_day
from scheduler.when.spans import _time_span
from scheduler.when.words import (
    _DAY_PERIOD_WORDS,
    _DAY_WORDS,
    _HOLIDAYS,
    _UNITS,
    _WEEK_OFFSET,
    NUM,
    RANGE_SEP,
    WD,
    WEEK,
    WEEKDAY_CN,
    YEAR,
    _alternation,
    _weekday,
    cn_to_int,
)

DayResolver = Callable[[datetime, Clock], tuple[datetime, str]]  # (run_at, note)


def _at(day: date, clock: Clock, tz: tzinfo | None) -> datetime:
    dt = datetime.combine(day, clock.as_time(), tzinfo=tz)
    return dt + timedelta(days=1) if clock.next_day else dt


def _make_date(year: int, month: int, day: int, written: str) -> date:
    """The date, or a refusal naming what does not exist (the year only when it matters)."""
    if not 1 <= month <= 12:
        raise TimeParseError(f"日期不存在：「{written}」（没有{month}月）。")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        # 「2月30日」 is in no year: naming one (this year's, while the date would be read as
        # next year's) misleads; only 「2月29日」 depends on the year it falls in
        leap_year_days = calendar.monthrange(2024, month)[1]
        which = f"{year}年" if day <= leap_year_days else ""
        raise TimeParseError(f"日期不存在：「{written}」（{which}{month}月没有{day}日）。")
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
            f"请写一个将来的时间，例如{future_examples(now, run_at)}。"
        )
    if run_at > _add_years(now, MAX_AHEAD_YEARS):
        raise _too_far(format_datetime(run_at), now)


def _too_far(what: str, now: datetime) -> TimeParseError:
    latest = format_datetime(_add_years(now, MAX_AHEAD_YEARS))
    return TimeParseError(
        f"时间太远了：{what}。一次性提醒最多设在一年以内（最晚到 {latest}），"
        "请写一个一年以内的时间；每年都要提醒的事可以写「每年12月1日 9点」。"
    )


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


_DAY_WORD_RE = re.compile(_alternation({**_DAY_WORDS, **_DAY_PERIOD_WORDS}))


def match_day_word(text: str) -> Candidate | None:
    m = _DAY_WORD_RE.match(text)
    if not m:
        return None
    offset, period = _DAY_PERIOD_WORDS.get(m[0], (_DAY_WORDS.get(m[0], 0), None))

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        return _at(now.date() + timedelta(days=offset), clock, now.tzinfo), ""

    return _one_off(text, m, resolve, period)


_WEEKDAY_RE = re.compile(rf"(?P<pre>下下个?|下个?|上上个?|上个?|这个?|本)?{WEEK}(?P<wd>{WD})")


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
            if run_at > now:
                return run_at, ""
            # 「周一 8点」 on a Monday after 08:00: say why it is next week's
            passed = f"（今天的 {clock.text()} 已过，按下周{WEEKDAY_CN[wd]}）"
            passed = passed if run_at.date() == today else ""
            return run_at + timedelta(days=7), passed
        monday = today - timedelta(days=today.weekday())
        day = monday + timedelta(days=7 * _WEEK_OFFSET[prefix] + wd)
        return _at(day, clock, tz), ""

    return _one_off(text, m, resolve)


_ISO_DATE_RE = re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})[日号]?")
_SLASH_DATE_RE = re.compile(r"(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})(?![\d/])")
# 「明天 8.30」「每天8.30-9.30」「周五 8.30」: a clock written with a dot after a day, which
# cannot be a date there (「12.10」 alone is one)
_DOTTED_CLOCK = rf"\d{{1,2}}\.[0-5]\d(?![\d.])(?!\s*(?:{_UNITS}))"
# 「3天后 8.30」「两周后 8.30」「下周末 8.30」「月底 8.30」 are clocks as after 「明天」;
# 「8.30分」 is 8点30分
_DOTTED_CLOCK_RE = re.compile(
    rf"(?:天|(?<![周期拜])日|[号號早晚晨夜午上儿]|[天日周期拜]\s*[以之]?后|每{WEEK}{WD}"
    rf"|{WEEK}末|月[底末初中]|(?P<weekday>{WEEK}(?P<wd>{WD})))[\s,，、]*"
    rf"(?:(?P<minutes>\d{{1,2}}\.[0-5]\d分(?!钟))"
    rf"|(?P<clock>{_DOTTED_CLOCK})(?:{RANGE_SEP}{_DOTTED_CLOCK})?)"
    r"(?!\s*\d{1,2}\s*(?:[点點时時]|:\d))"  # 「后天 12.14 9点」: 12.14 is the date
)


# a weekday ending a range of days (「明天到周五」「下周一到下周五」) is no date before a dot
_RANGE_END_RE = re.compile(r"(?:至|到|~|〜|-|–|—)\s*(?:下下个?|下个?|这个?|本)?\s*$")
WEEKDAY_DATE_WEEKS = 3  # 「周六 12.12」 asks when 12月12日 is a Saturday of the coming 3 weeks


def _colon_clocks(text: str, today: date) -> str:
    """``text`` with the dots of the clocks :data:`_DOTTED_CLOCK_RE` finds as colons (the same
    length, so that positions in it are positions in the text as written). After a weekday a
    dotted pair is a clock (「周五 8.30」「下周五 8.30」 are 08:30), unless it is a date on that
    weekday within :data:`WEEKDAY_DATE_WEEKS` weeks of ``today`` (「周六 12.12」 when 12月12日
    is a Saturday: the date the weekday names, asked about)."""

    def colons(m: re.Match[str]) -> str:
        if m["minutes"]:  # 「8.30分」: the same length as 「8点30分」
            return m[0].replace(".", "点")
        month, day = (int(part) for part in m["clock"].split("."))
        after_range = _RANGE_END_RE.search(text, 0, m.start())  # 「明天到周五 8.30」
        if m["weekday"] and not after_range and _names_weekday(month, day, m["wd"], today):
            return m[0]
        return m[0].replace(".", ":")

    return _DOTTED_CLOCK_RE.sub(colons, text)


def _names_weekday(month: int, day: int, weekday: str, today: date) -> bool:
    """Whether 「month.day」 is a date, the next one from ``today`` on, that falls on
    ``weekday`` (「六」) within :data:`WEEKDAY_DATE_WEEKS` weeks."""
    for year in (today.year, today.year + 1):
        try:
            written = date(year, month, day)
        except ValueError:
            continue
        if written >= today:
            ahead = (written - today).days
            return ahead < 7 * WEEKDAY_DATE_WEEKS and written.weekday() == _weekday(weekday)
    return False


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
    """This year's date unless that day is over: then next year's, with a note saying so.
    A date that passed in the last :data:`RECENT_PAST_DAYS` days (this year's, or last year's
    「12月28日」 typed on 1月3日) is refused (:func:`_refuse_recent_date`)."""
    tz = now.tzinfo
    if (month, day) == (2, 29):  # not in the year before or after
        return _next_leap_day(now, clock)
    this_year = _make_date(now.year, month, day, written)
    if this_year >= now.date():
        _refuse_recent_date(now, this_year.replace(year=now.year - 1), this_year, written)
        return _at(this_year, clock, tz), ""  # today with a passed time: reported as past
    _refuse_recent_date(now, this_year, this_year.replace(year=now.year + 1), written)
    note = f"（今年的{month}月{day}日已过，按{now.year + 1}年）"
    return _at(_make_date(now.year + 1, month, day, written), clock, tz), note


def _next_leap_day(now: datetime, clock: Clock) -> tuple[datetime, str]:
    """「2月29日」 without a year: this year's unless it is over, else next year's, said
    (「（今年没有2月29日，按2028年）」). When the next one is further ahead (typed in 2028
    after 2月29日, or in 2029), refused saying when the last one was, if lately, and when the
    next one is, rather than that 2029年2月 has no 29th."""
    today = now.date()
    year = now.year
    while not (calendar.isleap(year) and date(year, 2, 29) >= today):
        year += 1
    coming = date(year, 2, 29)
    if year == now.year:
        return _at(coming, clock, now.tzinfo), ""  # today with a passed time: reported as past
    if year == now.year + 1:
        return _at(coming, clock, now.tzinfo), f"（今年没有2月29日，按{year}年）"
    last = next(date(y, 2, 29) for y in range(now.year, 0, -1) if calendar.isleap(y))
    days_ago = (today - last).days
    ago = "昨天" if days_ago == 1 else f"{days_ago} 天前"
    passed = f"{_full_day(last)}已经过去了（{ago}），" if 0 < days_ago <= RECENT_PAST_DAYS else ""
    raise TimeParseError(
        f"日期不存在：往后一年里没有2月29日。{passed}下一个2月29日是 {_full_day(coming)}，"
        f"而一次性提醒最多设在一年以内（现在是 {format_datetime(now)}）。"
        "日期写错了的话，请改正后重新发送。"
    )


def _full_day(day: date) -> str:
    """「2028年2月29日（周二）」: a day with its year, whatever year it is now."""
    return f"{day.year}年{format_day(day, day, relative=False)}"


def _refuse_recent_date(now: datetime, passed: date, coming: date, written: str) -> None:
    """Refuse 「12月1日」 read as ``coming`` (2027年12月1日) when it was ``passed`` (2026年12月1日)
    at most :data:`RECENT_PAST_DAYS` days ago, more likely a slip than a date a year ahead:
    say when it was, and that a year written makes it ``coming`` (the line to send is added by
    the top-level parse, which holds the rest of the text)."""
    days_ago = (now.date() - passed).days
    if not 0 < days_ago <= RECENT_PAST_DAYS:
        return
    ago = "昨天" if days_ago == 1 else f"{days_ago} 天前"
    dated = f"{coming.year}年{coming.month}月{coming.day}日"
    raise RecentDateError(
        f"{NOT_SET}「{written}」已经过去了（{format_day(passed, now.date(), relative=False)}，"
        f"{ago}；现在是 {format_datetime(now)}）。日期写错了的话，请改正后重新发送；"
        f"要提醒 {dated} 的话，请写上年份：",
        dated=dated,
        length=len(written),
    )


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
            if day > calendar.monthrange(year, month)[1]:  # 「30号」 on 1月31日
                raise TimeParseError(
                    f"日期不存在：「{written}」：本月{day}日已经过去了，下个月（{month}月）"
                    f"没有{day}日（现在是 {format_datetime(now)}）。"
                    f"请写明月份和日期，例如「{month}月{calendar.monthrange(year, month)[1]}日」。"
                )
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


_MONTH_END_RE = re.compile(
    r"(?P<pre>本|这个?|下个?|下下个?)?月(?P<part>底|末|初|中)(?:(?<=中)旬)?"  # 「月中旬」
)
_MONTH_PART_DAYS = {"初": 1, "中": 15}  # 「月初」 is read as the 1st, 「月中」 as the 15th


def match_month_end(text: str) -> Candidate | None:
    """「月底」「本月底」: the last day of this month, or of next month once this month's is
    over (said in the description); 「下个月底」: next month's. 「月初」「月中」 likewise, read
    as the 1st and the 15th, which the description says (「（月中按15日）」)."""
    m = _MONTH_END_RE.match(text)
    if not m:
        return None
    ahead = {"下下": 2, "下": 1}.get((m["pre"] or "").rstrip("个"), 0)
    fixed_day = _MONTH_PART_DAYS.get(m["part"])
    assumed = f"{m[0]}按{fixed_day}日" if fixed_day else ""  # 「（月中按15日）」

    def day_of(year: int, month: int) -> date:
        return date(year, month, fixed_day or calendar.monthrange(year, month)[1])

    def resolve(now: datetime, clock: Clock) -> tuple[datetime, str]:
        year, month = _add_months(now.date(), ahead)
        run_at = _at(day_of(year, month), clock, now.tzinfo)
        if ahead or run_at > now:
            return run_at, f"（{assumed}）" if assumed else ""
        year, month = _add_months(now.date(), 1)
        day = day_of(year, month)
        passed = f"本月{fixed_day}日已过" if fixed_day else "本月最后一天已过"
        note = "；".join(part for part in (assumed, f"{passed}，按{month}月{day.day}日") if part)
        return _at(day, clock, now.tzinfo), f"（{note}）"

    return _one_off(text, m, resolve)


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


def match_bare_clock(text: str) -> Candidate | None:
    """A time alone means today. Written after 12:00, a bare 1-11 点 that has passed today
    (no period word, no leading zero: 「8点」「8:30」, not 「08:00」「早上8点」) means the same
    hour this afternoon or evening if that is still ahead, and the description says so:
    「8点」 at 19:48 is 20:00 (「(今天 08:00 已过,按今晚 20:00 理解;明早请写「明天8点」)」).
    A time alone that has passed today (and so has that evening hour) means the same time
    tomorrow, said with 明天 for the confirmation: 「8点」 at 22:20 is 08:00 tomorrow
    (「(今天 08:00、20:00 都已过,按明天 08:00 理解)」), 「9点」 at 10:00 09:00 tomorrow, and
    how to write tonight's is said (「;今晚请写「今晚9点」」). A day written (「今天8点」
    「今晚8点」) is kept, and refused when it has passed."""
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
        twice = may_be_pm and 1 <= clock.hour <= 11  # 「8点」: 08:00, or 20:00 after noon
        when = "今晚" if later.hour >= 18 else "今天下午"
        if twice and now.hour >= 12 and run_at <= now < later:
            return {
                "run_at": later,
                "note": f"（今天 {clock.text()} 已过，按{when} {later:%H:%M} 理解；"
                f"明早请写「明天{written}」）",
            }
        if run_at <= now:  # no day written: the next such time, tomorrow, said with 明天
            tomorrow = run_at + timedelta(days=1)
            passed, evening = f"{clock.text()} ", ""
            if twice and later <= now:  # 「8点」 at 22:20
                passed = f"{clock.text()}、{later:%H:%M} 都"
            elif twice:  # 「9点」 at 10:00: 21:00 is not guessed before noon, but offered
                evening = f"；{when}请写「{when}{written}」"
            return {
                "run_at": tomorrow,
                "default_time_note": note,
                "note": f"（今天 {passed}已过，按明天 {tomorrow:%H:%M} 理解{evening}）",
            }
        _check_one_off(run_at, now, note)
        return {"run_at": run_at, "default_time_note": note}

    return end, build
