"""/remind as a class manager writes it in free text: a number range followed by 人/组/页 … is a
count, not a time span (「明天 3-5 人一组 讨论」 is not 15:00–17:00); with no time written it is
asked about with the lines to send. 「下周末 8.30」「月底 8.30」 are 08:30 on that Saturday and
on the month's last day, as after 「明天」. 「明天早上5点」「凌晨5点」 are 05:00, not the
afternoon a bare 「5点」 means."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from scheduler.timeparse import format_datetime, parse_reminder
from tests.events import command
from tests.scheduler.test_handlers import buttons_of, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # the next Saturday is 11月28日
MONTH_END_EVENING = datetime(2026, 11, 30, 20, 0, tzinfo=TZ)
SMALL_HOURS = datetime(2026, 11, 23, 1, 0, tzinfo=TZ)
AFTERNOON = "按下午理解"


# ---------------------------------------------------------------- a range of a count


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("明天 3-5 人一组 讨论", "3-5 人"),
        ("明天 3-5人一组讨论", "3-5人"),
        ("明天 2-4 组 展示", "2-4 组"),
        ("明天 3~5 名学员发言", "3~5 名"),
        ("明天 10-20 页 预习", "10-20 页"),
        ("明天 三到五人一组 讨论", "三到五人"),
        ("每天 1-2 次 打卡", "1-2 次"),
    ],
)
def test_a_range_of_a_count_after_a_day_is_asked_about(typed: str, count: str) -> None:
    reason = refusal(typed, MONDAY)
    assert reason.startswith(f"还没有设置提醒：「{count}」是数量，不是时间。")
    assert "会按" not in reason  # nothing was set: no time it 「would」 go out at
    assert "15:00" not in reason
    day, rest = typed.split(" ", 1)
    lines = suggested(reason)
    assert lines[0] == f"{day} 09:00 {rest}"
    parsed = parse_reminder(lines[0], MONDAY)  # the line sends as written
    assert (parsed.run_at or parsed.next_runs(1)[0]).hour == 9
    assert parsed.message == rest and parsed.default_time_note == ""


def test_a_range_of_hours_before_a_count_word_says_how_to_write_the_hours() -> None:
    reason = refusal("明天 3-5 人一组 讨论", MONDAY)
    lines = suggested(reason)
    assert lines[1] == "明天 3-5点 提醒内容"
    assert parse_reminder("明天 3-5点 开会", MONDAY).run_at == at(11, 24, 15)
    assert len(suggested(refusal("明天 30-50 页 预习", MONDAY))) == 1  # no hours 30 to 50


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("明天8点 3-5人一组讨论", "3-5人一组讨论"),
        ("明天8点 3-5 人一组讨论", "3-5 人一组讨论"),
        ("明天 8:00 3-5 人一组 讨论", "3-5 人一组 讨论"),
    ],
)
def test_a_range_of_a_count_after_a_time_stays_in_the_text(typed: str, message: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == at(11, 24, 8)
    assert parsed.message == message
    assert AFTERNOON not in parsed.describe()


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("明天 2-4 班会", at(11, 24, 14), "14:00–16:00 班会"),
        ("明天 8-9 晨读", at(11, 24, 8), "08:00–09:00 晨读"),
        ("明天 3-5点 人一组讨论", at(11, 24, 15), "15:00–17:00 人一组讨论"),
    ],
)
def test_a_range_of_hours_is_still_a_span(typed: str, run_at: datetime, message: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == message


async def test_the_bot_asks_about_a_range_of_a_count(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, "/remind 明天 3-5 人一组 讨论"))
    text = text_of(reply)
    assert "「3-5 人」是数量，不是时间" in text
    assert "/remind 明天 09:00 3-5 人一组 讨论" in text
    assert "15:00" not in text and "✅ 确认" not in buttons_of(reply)


# ---------------------------------------------------------------- 下周末 / 月底 and a dotted time


@pytest.mark.parametrize(
    ("typed", "run_at", "note"),
    [
        ("下周末 8.30 交总结", at(12, 5, 8, 30), "（下周末按周六）"),
        ("下周末8.30 交总结", at(12, 5, 8, 30), "（下周末按周六）"),
        ("周末 8.30 交总结", at(11, 28, 8, 30), "（周末按周六）"),
        ("本周末 8.30 交总结", at(11, 28, 8, 30), "（本周末按周六）"),
        ("下下周末 8.30 交总结", at(12, 12, 8, 30), "（下下周末按周六）"),
        ("月底 8.30 交总结", at(11, 30, 8, 30), ""),
        ("月末 8.30 交总结", at(11, 30, 8, 30), ""),
        ("本月底 8.30 交总结", at(11, 30, 8, 30), ""),
        ("下个月底 8.30 交总结", at(12, 31, 8, 30), ""),
        ("月底 17.30 交总结", at(11, 30, 17, 30), ""),
    ],
)
def test_a_dotted_time_after_a_weekend_or_the_month_end_is_read(
    typed: str, run_at: datetime, note: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == "交总结"
    assert parsed.default_time_note == ""
    assert parsed.describe() == format_datetime(run_at) + note


def test_the_month_end_past_its_time_is_next_month_and_says_so() -> None:
    parsed = parse_reminder("月底 8.30 交总结", MONTH_END_EVENING)
    assert parsed.run_at == at(12, 31, 8, 30)
    assert parsed.describe().endswith("08:30（本月最后一天已过，按12月31日）")


def test_a_dotted_date_on_the_weekday_written_is_still_asked_about() -> None:
    assert "「11.28」是钟点还是日期？" in refusal("周六 11.28 开会", MONDAY)
    assert parse_reminder("周五 8.30 开会", MONDAY).run_at == at(11, 27, 8, 30)  # QA12 #6


async def test_the_confirmation_of_next_weekend_at_a_dotted_time(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 下周末 8.30 交总结"))
    text = text_of(draft)
    assert "（周六） 08:30（下周末按周六）" in text
    assert "内容：交总结" in text and "✅ 确认" in buttons_of(draft)


# ---------------------------------------------------------------- 5点 in the morning


@pytest.mark.parametrize(
    ("typed", "now", "run_at"),
    [
        ("明天早上5点 跑步", MONDAY, at(11, 24, 5)),
        ("明天凌晨5点 跑步", MONDAY, at(11, 24, 5)),
        ("明天 早上 5点 跑步", MONDAY, at(11, 24, 5)),
        ("明早5点 跑步", MONDAY, at(11, 24, 5)),
        ("明天清晨5点 跑步", MONDAY, at(11, 24, 5)),
        ("凌晨5点 跑步", SMALL_HOURS, at(11, 23, 5)),
        ("早上5点 跑步", SMALL_HOURS, at(11, 23, 5)),
    ],
)
def test_five_in_the_morning_is_five_without_the_afternoon_note(
    typed: str, now: datetime, run_at: datetime
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.run_at == run_at
    assert AFTERNOON not in parsed.describe()
    assert parsed.message == "跑步"


def test_a_bare_five_is_still_the_afternoon_and_says_so() -> None:
    parsed = parse_reminder("明天 5点 跑步", MONDAY)
    assert parsed.run_at == at(11, 24, 17)
    assert parsed.describe().endswith("17:00（「5点」按下午理解；凌晨的话请写「凌晨5点」）")
