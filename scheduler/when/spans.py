"""A span after the time of day: ``8点到9点`` ``14:00-16:00`` ``明天 2-4 班会``
(:func:`_time_span`), the afternoon a bare 1–5 点 means (:func:`_afternoon_span`,
:func:`_afternoon_hour`), and the span as written at the start of the message
(:func:`_span_text`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from scheduler.when.clock import (
    _CLOCK_RE,
    _DAY_MINUTES,
    NOON_SPAN_STARTS,
    Clock,
    _apply_period,
    _clock_start,
    _ends_after,
    match_clock,
)
from scheduler.when.limits import TimeParseError
from scheduler.when.words import _PERIOD_WORD, BEFORE, RANGE_SEP, cn_to_int

SPAN_NOTE = "（按开始时间提醒）"
EVENING_STARTS, OVERNIGHT_ENDS = 18 * 60, 6 * 60  # 「晚上11点到凌晨1点」 ends the next day
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
    「每天 3点」, also 「明天 5 点名」 whose 点 starts the text): the afternoon's, as a span's
    (:func:`_afternoon_span`); None otherwise."""
    for run in reversed(list(_HOUR_RUN_RE.finditer(text, 0, end))):
        if run.start() and text[run.start() - 1] in _NO_HOUR_BEFORE:
            continue
        m = _CLOCK_RE.match(text, run.start())
        assert m is not None
        if not m["h2"] or m.end() > end:  # 「5点」, and 「5 点名」 (its 点 starts the text)
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
