"""A weekday or a date in brackets after a day, as notices print them
(``12月12日（周六）8点`` ``周六（12月12日）``), or a weekday right after a date without them
(``12月8日周二 9点``): checked against the day read and left out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from scheduler.when.day_ranges import _RANGE_FROM_RE, MAX_RANGE_CHARS, match_date_range
from scheduler.when.days import (
    _DAY_WORD_RE,
    _WEEKDAY_RE,
    _make_date,
    match_day_word,
    match_full_date,
    match_month_day,
    match_weekday,
    match_weekend,
)
from scheduler.when.limits import TimeParseError
from scheduler.when.result import Candidate, ParsedSchedule, Reparse, _month_day
from scheduler.when.words import (
    _PERIOD_WORD,
    NUM,
    RANGE_SEP,
    WD,
    WEEK,
    WEEKDAY_CN,
    _head,
    _weekday,
    cn_to_int,
)


def _day_word(written: str) -> str:
    """「明天 」 when ``written`` is a day word such as 明天, else ""."""
    return f"{written} " if _DAY_WORD_RE.fullmatch(written) else ""


def _weekday_name(day: date) -> str:
    return f"周{WEEKDAY_CN[day.weekday()]}"


# a weekday (「周六」「周六至周一」) or a date (「12月12日」「12.12」) in brackets, as notices
# print them after a day
_BRACKETED_RE = re.compile(
    rf"\s*\(\s*(?:{WEEK}(?P<wd>{WD})(?:{RANGE_SEP}{WEEK}?(?P<wd2>{WD}))?"
    rf"|(?:(?P<y>\d{{4}})\s*年)?\s*(?P<m>{NUM})\s*月\s*(?P<d>{NUM})\s*[日号號]?"
    r"|(?P<m2>\d{1,2})\s*[./]\s*(?P<d2>\d{1,2}))\s*\)"
)
# 「12月8日周二 9点」「12月8日 星期二 上午9点」: a weekday right after a date, unbracketed, read as
# the bracketed one when a time, a separator, a space or nothing follows it (「12月8日周二例会」
# keeps 「周二例会」 in the text)
_BARE_WEEKDAY_RE = re.compile(
    rf"\s*[,，]?\s*{WEEK}(?P<wd>{WD})(?:{RANGE_SEP}{WEEK}?(?P<wd2>{WD}))?"
    rf"(?=\s|$|[,，、;；。]|\d|{NUM}\s*[点點时時]|{_PERIOD_WORD})"
)
# a day a bare weekday may follow: a date or a day word, not a time (「12月8日 9点 周二…」)
_BARE_WEEKDAY_HEAD_RE = re.compile(
    r"(?:[天日号號]|^\d{1,2}\s*[./]\s*\d{1,2}|^\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})$"
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
    bare: bool = False  # 「12月8日周二」: no brackets


def _bracketed_days(original: str, normalized: str) -> list[tuple[Bracketed, str]]:
    """The brackets that follow the day(s) at the start of ``normalized``, each with the text
    as written without it and the brackets before it; [] when there is none."""
    found: list[tuple[Bracketed, str]] = []
    as_written, removed = original, 0
    while len(found) < MAX_BRACKETS:
        m, kind, bare = _BRACKETED_RE.search(normalized), None, False
        if m is not None:
            kind = _day_kind(normalized[: m.start()])
        if kind is None and (m := _BARE_WEEKDAY_RE.search(normalized)) is not None:
            kind, bare = _date_kind(normalized[: m.start()]), True
        if m is None or kind is None:
            break
        written = as_written[: m.end() + removed].strip()
        day = original[: m.start()].strip()
        original = original[: m.start()] + original[m.end() :]
        normalized = normalized[: m.start()] + normalized[m.end() :]
        removed += m.end() - m.start()
        found.append((Bracketed(m, written, day, kind == "range", bare), original))
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


def _date_kind(head: str) -> str | None:
    """:func:`_day_kind` of a day a bare weekday may follow (「12月8日」「明天」
    「12月12日至14日」), None after a time (「12月8日 9点」) or a weekday (「周六周日」 is every
    weekend)."""
    head = head.rstrip()
    if not _BARE_WEEKDAY_HEAD_RE.search(head) or _WEEKDAY_RE.search(head):
        return None
    return _day_kind(head)


def _check_bracketed_days(
    original: str,
    brackets: list[tuple[Bracketed, str]],
    now: datetime,
    refuse_unread: bool,
    lead: str,
    parse: Reparse,
) -> ParsedSchedule:
    """``original`` read by ``parse`` without its bracketed weekdays or dates, which must match
    the days read (「12月12日（周六）8点」); TimeParseError saying which day is which weekday if
    not."""
    stripped = brackets[-1][1]
    parsed = parse(stripped, now, refuse_unread=refuse_unread, lead=lead)
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
                        f"不是周{WEEKDAY_CN[_weekday(weekday)]}。{CHECK_DAYS}"
                        f"{_weekday_in_text(original, bracket, parsed)}",
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


def _weekday_in_text(original: str, bracket: Bracketed, parsed: ParsedSchedule) -> str:
    """For 「12月8日 周三 开会」 (a bare weekday after a space, no time written), where 「周三」
    may begin the reminder's text: how to write that, the time first; "" otherwise."""
    if not bracket.bare or not parsed.default_time_note or not original.startswith(bracket.day):
        return ""
    text = original[len(bracket.day) :]
    if not text[:1].isspace():
        return ""
    return (
        f"\n如果「{bracket.said[0].strip(' ,，')}」是提醒内容的一部分，请先写钟点，"
        f"例如：/remind {bracket.day} 9点 {text.strip()}"
    )


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
