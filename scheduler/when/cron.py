"""Cron rules: ``cron 0 9 * * 1-5`` (:func:`match_cron`, crontab weekdays converted to
APScheduler's by :func:`crontab_weekdays`), and the checks every recurring rule passes: it
fires, and not more often than every ``MIN_REPEAT_MINUTES`` (:func:`_check_fires`)."""

from __future__ import annotations

import re
from datetime import datetime

from scheduler.when.clock import _DAY_MINUTES
from scheduler.when.limits import MIN_REPEAT_MINUTES, TimeParseError
from scheduler.when.result import Candidate, cron_next_runs
from scheduler.when.words import APS_WEEKDAYS, CRONTAB_WEEKDAYS


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
