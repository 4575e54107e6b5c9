"""The safety net: what the text after WHEN must not hold. A second time
(``每天早晚8点``), more weekdays after a one-off day (``下周一、三、五``), a time of day the
parser could not place after a defaulted one (``工作日，早上8点`` ``明天 交材料，截止下午5点``),
a range of a count (``明天 3-5 人一组``): each is refused with the lines to send, so that a
reminder never goes out at a time other than the one written."""

from __future__ import annotations

import re
from datetime import datetime

from scheduler.when.clock import _BARE_HOUR_END, _POINT_WORD, _clock_start, _hour_clock
from scheduler.when.days import _DOTTED_CLOCK, _WEEKDAY_RE
from scheduler.when.limits import NOT_SET, TimeParseError
from scheduler.when.recurrence import (
    _EVERY_DAY_PERIOD,
    _EVERY_DAY_RE,
    _day_set_patterns,
    _days_match,
)
from scheduler.when.result import Reparse, format_datetime
from scheduler.when.spans import _time_span
from scheduler.when.words import (
    _AM,
    _COUNT_WORDS,
    _DAY_CHARS,
    _DAY_PERIOD_WORDS,
    _FULLWIDTH,
    _MESSAGE_SEPARATORS,
    _NOON,
    _PART_SEP_RE,
    _PERIOD_WORD,
    _PM,
    _THIS_WEEK,
    _WEEK_OFFSET,
    _WEEK_PREFIX,
    _WEEK_PREFIX_RE,
    BEFORE,
    NUM,
    PART_SEP,
    RANGE_SEP,
    WEEK,
    WEEKDAY_CN,
    _alternation,
    _weekday,
    cn_to_int,
)

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


# the days after a weekday WHEN: 「至周五」「到下周一」「、三、五」「日」 (「本周六日」)
_MORE_DAYS_RES = _day_set_patterns("(?P<first>)", rf"{_WEEK_PREFIX}?{WEEK}")
_DAY_PART_RE = re.compile(
    rf"(?P<range>{RANGE_SEP})|(?P<pre>{_WEEK_PREFIX})(?={WEEK})|(?P<wd>[{_DAY_CHARS}])"
)


def _refuse_weekday_span(when_text: str, rest: str, now: datetime, parse: Reparse) -> None:
    """「下周一、三、五 8点」「下周六日」: one day was read and 「、三、五」 would be left in the
    text. 「本周六日」「本周一、三、五」 list a /remind for each of those days still ahead (a
    reminder is one day, or a weekly rule). A range of them (「下周一至周五」) is a range of
    days (:func:`match_date_range`); only one that cannot be (「下周一至三班」) comes here.
    ``parse`` reads each suggested line, to leave out the days already past."""
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
        ahead = [f"/remind {line}" for line in lines if not _is_past(line, now, parse)]
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


def _is_past(typed: str, now: datetime, parse: Reparse) -> bool:
    """Whether /remind ``typed``, read by ``parse``, would be refused as a time already past."""
    try:
        parse(typed, now)
    except TimeParseError as error:
        return error.reason.startswith("时间已经过去了")
    return False


_EVERY_DAY_WORDS_RE = re.compile(r"(?:(?:每天|每日|天天|每晚|每早|的)\s*)*")


def _refuse_unread_clock(
    when_text: str,
    message: str,
    schedule: dict[str, object],
    now: datetime,
    parse: Reparse,
) -> None:
    """The time was defaulted but the text starts with one (「工作日, 早上8点 签到」): refuse,
    showing how to write it, rather than send at 09:00 a text saying 「早上8点」. ``parse``
    reads the line it would suggest, which is suggested only when it reads as meant."""
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
    day = _day_for(when_text, time_words, rest, now, parse)
    suggestion = f"{day} {time_words} {rest}"
    if day is None:
        how = "请把时间紧接着日期写，例如：/remind 工作日 8:00 签到"
    elif schedule.get("run_at") is not None and re.search("每|天天", words[0]):
        how = (  # 「周末每天10点」: once, or every day?
            f"只提醒一次的话，请写成：/remind {suggestion}；"
            f"要重复提醒的话，请写成：/remind 每天 {time_words} {rest}"
        )
    else:
        how = f"请写成：/remind {suggestion}"
    read = _read_so_far(when_text, schedule, nested=True)
    raise TimeParseError(
        f"{NOT_SET}「{written}」里的时间没能读懂（只读出了{read}）。"
        f"{how}\n如果「{written}」是提醒内容的一部分，请先写明提醒时间，例如："
        f"/remind {when_text} {default_clock} {message}",
        with_examples=False,
    )


# a time of day anywhere in the text: 「下午5点」「8:30」「8点」 (not 「第3点」「9 点名」)
_TIME_IN_TEXT_RE = re.compile(
    rf"(?:{_alternation(w for w in _AM + _NOON + _PM if len(w) > 1)})\s*{NUM}\s*[点點时時]"
    r"|(?<![\d.:])\d{1,2}\s*:\s*[0-5]\d"
    rf"|(?<![\d.第])\d{{1,2}}(?!{_POINT_WORD})\s*[点點](?![名评赞菜击播单餐歌拨燃亮])"
    rf"|^{_DOTTED_CLOCK}"  # 「周六 12.12 开会」: a date or a time?
)


def _default_clock_of(schedule: dict[str, object]) -> str:
    """The default time a schedule was given (「09:00」, 「15:00」 for 下午)."""
    default = re.search(r"默认 (\d\d:\d\d)", str(schedule["default_time_note"]))
    return default[1] if default else "09:00"


# a period word ending WHEN, whose usual hour was taken: 「周五下午」「明天 早上」「工作日，晚上」
_PERIOD_END_RE = re.compile(
    rf"(?P<day>.*?)(?:{PART_SEP}|\s*)"
    rf"(?P<period>{_alternation(w for w in _AM + _NOON + _PM if len(w) > 1)})$"
)
# a day word that holds its period word (「今晚」 is 「今天」 「晚上」)
_DAY_OF_OFFSET = {-1: "昨天", 0: "今天", 1: "明天", 2: "后天"}
_PERIOD_DAYS = {
    word: (_DAY_OF_OFFSET[offset], period)
    for word, (offset, period) in _DAY_PERIOD_WORDS.items()
    if offset in _DAY_OF_OFFSET
} | {"每晚": ("每天", "晚上"), "每早": ("每天", "早上")}


def _day_and_period(when_text: str) -> tuple[str, str] | None:
    """(the day, the period word) of a WHEN that ends with a period word and no hour
    (「周五下午」 → 「周五」「下午」, 「今晚」 → 「今天」「晚上」); None for a day alone."""
    if when_text in _PERIOD_DAYS:
        return _PERIOD_DAYS[when_text]
    found = _PERIOD_END_RE.fullmatch(when_text)
    if found is None or not found["day"].strip():
        return None
    return found["day"].strip(), found["period"]


def _read_so_far(when_text: str, schedule: dict[str, object], *, nested: bool = False) -> str:
    """What WHEN was read as, said truthfully: 「「明天」，没有钟点」 for a day alone, but
    「「周五下午」（按 15:00）」 when a period word gave its usual hour, which was read (in
    brackets already, ``nested``: 「「周五下午」，按 15:00」)."""
    if _day_and_period(when_text) is None:
        return f"「{when_text}」，没有钟点"
    clock = _default_clock_of(schedule)
    return f"「{when_text}」，按 {clock}" if nested else f"「{when_text}」（按 {clock}）"


def _day_for(
    when_text: str, time_words: str, text: str, now: datetime, parse: Reparse
) -> str | None:
    """What to write before ``time_words`` in a suggested line 「/remind 周五 下午5点 交材料」:
    WHEN as written, or its day without the period word when the time carries its own
    (「周五下午 下午5点」 is not read) or when only that reads (「明天晚上 3-5点」); the first
    that ``parse`` reads at the time written, with ``text`` kept. None when neither does."""
    split = _day_and_period(when_text)
    days = [when_text]
    if split is not None:
        own_period = re.match(rf"\s*(?:{_PERIOD_WORD})", time_words.translate(_FULLWIDTH))
        days = [split[0], when_text] if own_period else [when_text, split[0]]
    for day in days:
        try:
            fixed = parse(f"{day} {time_words} {text}", now, refuse_unread=False)
        except TimeParseError:
            continue
        if not fixed.default_time_note and fixed.message.endswith(text):
            return day
    return None


# what a suggested line leaves out around the time it moves to the front: the end of its span
# (「8.30-9」), a bracket around it (「（截止晚上10点）」) and the words leading into it
_SPAN_END_IN_TEXT_RE = re.compile(rf"{RANGE_SEP}(?P<until>\d{{1,2}}(?:[.:][0-5]\d)?)(?=\s|$)")
_CLOSING_BRACKETS = "）)】]」"
_OPEN_BRACKET_TAIL_RE = re.compile(r"[（(【\[「]\s*(?:截止|截至|最晚|最迟|不晚于|于|在)?\s*$")


def _refuse_time_in_text(
    when_text: str, message: str, schedule: dict[str, object], now: datetime, parse: Reparse
) -> None:
    """The time was defaulted but the text holds one (「明天 交材料，截止下午5点」
    「周六 12.12 开会」): refuse with how to write it rather than send it at the default time.
    ``parse`` reads the line suggested (:func:`_day_for`)."""
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
    read = _read_so_far(when_text, schedule)
    day_of_clock = _day_for(when_text, clock, content, now, parse) or when_text
    month, _, day = found[0].strip().partition(".")
    if day and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:  # 「周六 12.12」「后天 12.14 9点」
        raise TimeParseError(
            f"{NOT_SET}「{token}」是钟点还是日期？提醒时间只读出了{read}。"
            f"是钟点的话，请写成："
            f"/remind {day_of_clock} {clock} {content}；是日期的话，请写成："
            f"/remind {int(month)}月{int(day)}日 {content}",
            with_examples=False,
        )
    raise TimeParseError(
        f"{NOT_SET}提醒内容里有时间「{token}」，但提醒时间只读出了{read}。"
        f"要在 {clock} 提醒的话，请把时间紧接着日期写，"
        f"例如：/remind {day_of_clock} {clock} {content}\n"
        f"如果「{token}」只是提醒内容的一部分，请写明提醒时间，例如："
        f"/remind {when_text} {default_clock} {message}",
        with_examples=False,
    )


_COUNT_RANGE_RE = re.compile(
    rf"(?P<range>(?P<low>{NUM}){RANGE_SEP}(?P<high>{NUM}))\s*(?:{_COUNT_WORDS})"
)


def _refuse_count_range(
    when_text: str, message: str, schedule: dict[str, object], now: datetime, parse: Reparse
) -> None:
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
    read = _read_so_far(when_text, schedule)
    lines = (
        f"{NOT_SET}「{token}」是数量，不是时间。提醒时间只读出了{read}。"
        f"请写明提醒时间，例如："
        f"/remind {when_text} {default_clock} {message}"
    )
    hours = f"{numbers}点"
    if cn_to_int(found["low"]) < cn_to_int(found["high"]) <= 24:
        day = _day_for(when_text, hours, "提醒内容", now, parse) or when_text
        lines += (
            f"\n要在 {numbers} 点提醒的话，请在钟点后写「点」，例如："
            f"/remind {day} {hours} 提醒内容"
        )
    raise TimeParseError(lines, with_examples=False)


# a number starting the text that may be an hour written without 点: 「明天 8 交作业」, not a
# class (「明天 1 班 交作业」)
_BARE_HOUR_TEXT_RE = re.compile(rf"(?P<hour>\d{{1,2}}){_BARE_HOUR_END}(?!\s*班)")


def _refuse_bare_hour(
    when_text: str, message: str, schedule: dict[str, object], now: datetime, parse: Reparse
) -> None:
    """The time was defaulted and the text starts with a number that may be the hour written
    without 点 (「明天 8 交作业」「周五 3 交周报」): refuse with the line with 点 and the line at
    the default time, rather than send 「8 交作业」 at 09:00. A count or a number of a word
    (「明天 5个人」「明天 3班」「明天 2026年度总结」) is not asked about."""
    found = _BARE_HOUR_TEXT_RE.match(message.translate(_FULLWIDTH))
    if found is None or int(found["hour"]) > 24:
        return
    hour = found["hour"]
    content = message[found.end() :].strip().lstrip(_MESSAGE_SEPARATORS).strip() or "提醒内容"
    day = _day_for(when_text, f"{hour}点", content, now, parse) or when_text
    raise TimeParseError(
        f"{NOT_SET}「{message[: found.end()].strip()}」是钟点吗？提醒时间只读出了"
        f"{_read_so_far(when_text, schedule)}。要在 {hour}点 提醒的话，请在钟点后写「点」，"
        f"例如：/remind {day} {hour}点 {content}\n"
        f"如果「{hour}」是提醒内容的一部分，请写明提醒时间，例如："
        f"/remind {when_text} {_default_clock_of(schedule)} {message}",
        with_examples=False,
    )
