"""Recurring rules: ``每天21:00`` ``每周五20:00`` ``每周一、三、五 8:00`` ``周一至周五``
``工作日`` ``周六日`` ``每月1日`` ``每月最后一天`` ``每年12月1日``, and the intervals cron
cannot count (``每两周``) and the rules by the hour (``每小时`` ``每2小时``: hourly.py),
refused with what to write instead."""

from __future__ import annotations

import re
from datetime import datetime

from scheduler.when.clock import _CLOCK_RE, _clock_after, _default_clock, _default_note
from scheduler.when.cron import _check_fires, _runs, aps_weekdays
from scheduler.when.days import _make_date
from scheduler.when.hourly import HOURLY_RE, crontab_days, hourly_refusal
from scheduler.when.limits import TimeParseError
from scheduler.when.result import Candidate
from scheduler.when.words import (
    _COUNT_WORDS,
    _DAY_CHARS,
    _NUMERALS,
    _PART_SEP_RE,
    _PERIOD_DEFAULT_HOUR,
    _PERIOD_WORD,
    _UNITS,
    _WEEKEND,
    _WORKDAYS,
    COUNT,
    LIST_SEP,
    NUM,
    RANGE_SEP,
    WD,
    WD_NEXT,
    WEEK,
    WEEKDAY_CN,
    _weekday,
    cn_to_int,
)

# 「每两周」「每隔一天」「隔周」: APScheduler's cron rules cannot count weeks or days from a
# start, so these are refused with what to write instead; so are the rules by the hour
# (「每小时」「每2小时」「每30分钟」), in the words of hourly.py.
_INTERVAL_RE = re.compile(
    rf"每\s*(?P<gap>隔)?\s*(?P<n>{COUNT})?\s*个?\s*(?P<unit>周|星期|礼拜|天|日|月|年)"
    r"|(?P<other>隔周|隔天|隔日|单周|双周)"
)
_INTERVAL_ADVICE = {
    "周": "可以改成每周固定的星期几，例如「每周五20:00」；"
    "隔周的事也可以分别设一次性提醒，例如「下下周五20:00」",
    "天": "可以改成每周固定的几天，例如「每周一、三、五 8:00」，或者「每天21:00」",
    "月": "可以改成每月固定的日子，例如「每月1日 9:00」，或者「每年3月1日 9:00」",
    "年": "可以写「每年12月1日 9点」",
}
_INTERVAL_UNIT = {  # the unit as said in the refusal
    "星期": "周",
    "礼拜": "周",
    "日": "天",
    "隔周": "周",
    "单周": "周",
    "双周": "周",
    "隔天": "天",
    "隔日": "天",
}


def match_interval(text: str) -> Candidate | None:
    """Intervals the recurring rules cannot express, and rules by the hour: a candidate whose
    build refuses them."""
    if hourly := HOURLY_RE.match(text):

        def refuse_hourly(now: datetime) -> dict[str, object]:
            raise TimeParseError(hourly_refusal(hourly, now), with_examples=False)

        return hourly.end(), refuse_hourly
    m = _INTERVAL_RE.match(text)
    if not m:
        return None
    if not m["other"] and not m["gap"] and (m["n"] is None or cn_to_int(m["n"]) == 1):
        return None  # 「每周五」「每天」「每月1日」: the recurring forms read these
    written = m[0].strip()
    word = m["other"] or m["unit"]
    unit = _INTERVAL_UNIT.get(word, word)
    advice = _INTERVAL_ADVICE[unit]

    def build(now: datetime) -> dict[str, object]:
        raise TimeParseError(
            f"暂不支持「{written}」这种隔几{unit}重复的提醒：重复提醒只能按每天、每周几、"
            f"每月几日或每年几月几日设置。\n{advice}。",
            with_examples=False,
        )

    return m.end(), build


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
                f"「{text[:final_end].strip()}」有歧义：晚上12点（0点）、24点已是第二天。"
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
        hourly = HOURLY_RE.match(text[m.end() :].lstrip())

        def build(now: datetime) -> dict[str, object]:
            if hourly is not None:  # 「周一三五每小时」: every hour is no one day's
                fields = ("*", "*", crontab_days(aps_weekdays(days)))
                on = (_weekly_label(days, wraps=wraps), fields)
                raise TimeParseError(hourly_refusal(hourly, now, days=on), with_examples=False)
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
    a number (「周六日程」「周一二十点」 is Monday 20:00); also before the text glued to its last
    day when they make no word (:func:`_glued_text_follows`: 「周六日打卡」「周六日每小时」)."""
    if pos == len(text) or text[pos].isspace() or _PART_SEP_RE.match(text, pos):
        return True
    if text[pos] in _NUMERALS and text[pos - 1] in _NUMERALS:
        return False
    clock = _CLOCK_RE.match(text, pos)
    assert clock is not None
    hour = clock["h"] or clock["h2"] or clock["h3"]
    every_day = _EVERY_DAY_RE.match(text, pos) or _EACH_RE.match(text, pos)
    if hour or clock["period"] in _PERIOD_DEFAULT_HOUR or every_day:
        return True
    return _glued_text_follows(text, pos)


# What makes a word with a weekday written without 周 (「周一三班」「周二四年级」「周一三好学生」
# 「周六日程」), so that the day is the text's and the set ends before it: after 一 … 六 a
# count, a unit or what numbers a class, a grade, a school, a building; after 日 a word of 日.
_NUMERAL_WORD_RE = re.compile(
    rf"{_COUNT_WORDS}|{_UNITS}"
    r"|[班级級楼樓层層号號栋棟室届屆期批排座路中小校方等季科门門类類种種场場好八线線]"
)
_SUN_WORD_RE = re.compile(
    r"[程常志记記报報期历曆语語文本子间間夜用后後前内益均渐漸结結清课課出落元光式化班托照晒曬"
    r"月新趋趨积積]"
)


def _glued_text_follows(text: str, pos: int) -> bool:
    """Whether the text glued to the last day of a set at ``pos`` makes no word with it, so
    that the days end there: 「周六日打卡」 is every Saturday and Sunday 「打卡」,
    「周一三五交作业」 a set of days (refused as one), 「周六日每小时」 a rule (每 starts none of
    those words);
    not 「周一三班」「周六日程安排」 (:data:`_NUMERAL_WORD_RE`, :data:`_SUN_WORD_RE`). A day
    written 天, 七 or as a digit needs the space, the separator or the time (「周六天天」)."""
    last, char = text[pos - 1], text[pos]
    if char == "每":
        return last in "一二三四五六日"
    if not "\u4e00" <= char <= "\u9fff":
        return False
    if last == "日":
        return _SUN_WORD_RE.match(text, pos) is None
    return last in "一二三四五六" and _NUMERAL_WORD_RE.match(text, pos) is None


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
