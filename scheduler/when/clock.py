"""The time of day: ``9点`` ``9点半`` ``8:30`` ``晚上9点`` ``8点 30分`` (:func:`match_clock`),
and what a period word (上午 下午 晚上 凌晨 …) does to the hour (:func:`_apply_period`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from scheduler.when.limits import DEFAULT_CLOCK, TimeParseError
from scheduler.when.words import (
    _AM,
    _COUNT_WORDS,
    _EVENING,
    _NOON,
    _PART_SEP_RE,
    _PERIOD_DEFAULT_HOUR,
    _PERIOD_WORD,
    _UNITS,
    NUM,
    RANGE_SEP,
    cn_to_int,
)

# 「8-10点」「下午2到4点」: the start of a span may be an hour without 点 (group h3)
_SPAN_END_HOUR = rf"{RANGE_SEP}(?:{_PERIOD_WORD})?\s*{NUM}\s*[点點时時]"
# 「明天 8-9 晨读」: so may both ends, when a space or nothing follows (group h3_end)
_SPAN_END_BARE = rf"{RANGE_SEP}(?P<h3_end>\d{{1,2}})(?=\s|$|[,;、，；。])(?!\s*(?:{_COUNT_WORDS}))"
# 点 starting a word after a space (「9 点名」「8:30-9 点评作业」) is the text's, not 9点's
_POINT_WORD = r"\s+[点點][名评赞菜击播单餐歌拨燃亮]"

_CN_MINUTES = r"零[一二三四五六七八九]|[一二三四五]?十[一二三四五六七八九]?"
# what may not follow an hour written without 点 after a period word (「下午5 交作业」): a
# count, a unit or a number (「下午5个人」「下午3节课」「下午5号楼」「下午5-6人」), read as before
_NOT_AFTER_BARE_HOUR = (
    rf"{_COUNT_WORDS}|{_UNITS}|[号號日楼樓层層栋棟室床届级期排座路米斤克秒折成万千百亿]|公里"
)
_BARE_HOUR_END = (
    r"(?![\d.:/+零〇一二两三四五六七八九十])(?!至|到|~|〜|-|–|—|班)"
    rf"(?!\s*(?:{_NOT_AFTER_BARE_HOUR}))"
)
# 「今晚8 交作业」: the same hour after a day word that holds the period (今晚 明早 每晚)
_IMPLIED_BARE_HOUR_RE = re.compile(rf"\s*(?P<h2>\d{{1,2}}){_BARE_HOUR_END}")
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
          | (?={_POINT_WORD})
          | (?(period)(?<=\d){_BARE_HOUR_END}|(?!)) )
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
    implied = hour_token is None and implied_period and not m["period"]
    if implied and (bare := _IMPLIED_BARE_HOUR_RE.match(text, pos)):  # 「今晚8 交作业」
        hour = _apply_period(int(bare["h2"]), 0, implied_period, bare[0].strip())
        return Clock(hour, 0), bare.end()
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
    if hour == 0 and period in _EVENING:  # 「今晚0点」: the midnight ending the evening
        return 24
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


def _default_clock(period: str | None) -> Clock:
    if period in _PERIOD_DEFAULT_HOUR:
        return Clock(_PERIOD_DEFAULT_HOUR[period], 0, defaulted=True)
    return Clock(*DEFAULT_CLOCK, defaulted=True)


def _default_note(clock: Clock) -> str:
    return f"（未写具体时间，默认 {clock.text()}）" if clock.defaulted else ""


_DAY_MINUTES = 24 * 60
NOON_SPAN_STARTS = 11 * 60  # 「11点到1点」 ends at 13:00: nobody means 11:00 to 01:00


def _ends_after(start: Clock, until: Clock) -> bool:
    """Whether a span from ``start`` to ``until`` ends after it starts, as :func:`_span_text`
    reads it written without a period word (「12点到1点」 ends at 13:00)."""
    begins, ends = start.hour * 60 + start.minute, until.hour * 60 + until.minute
    return begins < ends or NOON_SPAN_STARTS <= begins < 13 * 60 and ends <= 6 * 60


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
