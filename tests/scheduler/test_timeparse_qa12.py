"""/remind as QA12 typed it (Monday 2026-12-07, about 04:00 bot time). 「周五 8.30」「下周五 8.30」
go out at 08:30 on that day, as after 「明天」「周末」: after a weekday 「8.30」 is no date, unless
it is the date of that very weekday (「周六 12.12」), which is still asked about (#6). A refusal
that names the default time starts 「还没有设置提醒：」 (#7). 「明天 5 点名」 is 17:00 like
「明天 5点 点名」, with the afternoon note (#8). 「月初」「月中」 are the 1st and the 15th, said
(#16)."""

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

MONDAY = datetime(2026, 12, 7, 4, 0, tzinfo=TZ)  # Friday is 12月11日, Saturday 12月12日

# ---------------------------------------------------------------- #6: 8.30 after a weekday


@pytest.mark.parametrize(
    ("typed", "run_at"),
    [
        ("周五 8.30 交作业", at(12, 11, 8, 30)),
        ("周六 8.30 交作业", at(12, 12, 8, 30)),
        ("下周五 8.30 交作业", at(12, 18, 8, 30)),
        ("本周五 8.30 交作业", at(12, 11, 8, 30)),
        ("这周五 8.30 交作业", at(12, 11, 8, 30)),
        ("下下周一 8.30 交作业", at(12, 21, 8, 30)),
        ("星期五 8.30 交作业", at(12, 11, 8, 30)),
        ("周五8.30交作业", at(12, 11, 8, 30)),
        ("下周五，8.30 交作业", at(12, 18, 8, 30)),
        ("周一 8.30 交作业", at(12, 7, 8, 30)),  # 8月30日 2027 is a Monday, but months away
        ("周五 17.30 交作业", at(12, 11, 17, 30)),
    ],
)
def test_a_dotted_time_after_a_weekday_is_that_time(typed: str, run_at: datetime) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at == run_at
    assert parsed.message == "交作业"
    assert parsed.describe() == format_datetime(run_at)


@pytest.mark.parametrize(
    ("typed", "date_line"),
    [
        ("周六 12.12 开会", "12月12日 开会"),  # that Saturday's date
        ("下周五 12.18 开会", "12月18日 开会"),
        ("周五 12.18 开会", "12月18日 开会"),  # a Friday, though next week's
    ],
)
def test_a_dotted_date_on_the_weekday_written_is_asked_about(typed: str, date_line: str) -> None:
    reason = refusal(typed, MONDAY)
    assert "是钟点还是日期？" in reason
    assert suggested(reason)[1] == date_line


async def test_the_bot_confirms_friday_at_a_dotted_time(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 下周五 8.30 交作业"))
    text = text_of(draft)
    assert "（周五） 08:30" in text and "钟点还是日期" not in text
    assert "内容：交作业" in text and "✅ 确认" in buttons_of(draft)


# ---------------------------------------------------------------- #8: 「5 点名」 at 17:00


@pytest.mark.parametrize(
    ("typed", "hour", "message", "note"),
    [
        ("明天 5 点名", 17, "点名", "（「5」按下午理解；凌晨的话请写「凌晨5点」）"),
        ("明天5 点名", 17, "点名", "（「5」按下午理解；凌晨的话请写「凌晨5点」）"),
        ("明天 5点 点名", 17, "点名", "（「5点」按下午理解；凌晨的话请写「凌晨5点」）"),
        ("明天 3 点评作业", 15, "点评作业", "（「3」按下午理解；凌晨的话请写「凌晨3点」）"),
        ("每天 3 点名", 15, "点名", "（「3」按下午理解；凌晨的话请写「凌晨3点」）"),
        ("明天 9 点名", 9, "点名", ""),
        ("明天 凌晨5 点名", 5, "点名", ""),
        ("明天 早上5 点名", 5, "点名", ""),
        ("明天 05 点名", 5, "点名", ""),
    ],
)
def test_a_bare_hour_before_a_word_of_dian_follows_the_afternoon_rule(
    typed: str, hour: int, message: str, note: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert (parsed.run_at or parsed.next_runs(1)[0]).hour == hour
    assert parsed.message == message
    assert parsed.note == note


async def test_the_bot_says_a_roll_call_at_5_is_the_afternoon(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 明天 5 点名"))
    text = text_of(draft)
    assert "17:00（「5」按下午理解；凌晨的话请写「凌晨5点」）" in text
    assert "05:00" not in text and "内容：点名" in text


# ---------------------------------------------------------------- #7: a refusal sets nothing


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("明天 3-5 人一组 讨论", "明天 09:00 3-5 人一组 讨论"),  # a count
        ("周六 12.12 开会", "周六 12:12 开会"),  # a time or a date?
        ("明天 交材料，截止下午5点", "明天 下午5点 交材料，截止"),  # a time in the text
        ("明天。晚上8点 交材料", "明天 晚上8点 交材料"),  # a time not read
    ],
)
def test_a_refusal_naming_the_default_time_says_nothing_was_set(typed: str, line: str) -> None:
    reason = refusal(typed, MONDAY)
    assert reason.startswith("还没有设置提醒：")
    assert "会按" not in reason and "发送" not in reason
    assert suggested(reason)[0] == line


async def test_the_bot_says_a_count_refused_set_no_reminder(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, "/remind 明天 3-5 人一组 讨论"))
    text = text_of(reply)
    assert text.startswith("还没有设置提醒：「3-5 人」是数量，不是时间。")
    assert "/remind 明天 09:00 3-5 人一组 讨论" in text and "会按默认" not in text
    assert "✅ 确认" not in buttons_of(reply)
    listing = text_of(await conversation.handle(command(MANAGER, "/reminders")))
    assert "目前没有待发送的提醒" in listing


# ---------------------------------------------------------------- #16: 月初, 月中


@pytest.mark.parametrize(
    ("typed", "now", "run_at", "note"),
    [
        ("下个月初 交材料", MONDAY, at(1, 1, 9, year=2027), "（下个月初按1日）"),
        ("下月初 9点 交材料", MONDAY, at(1, 1, 9, year=2027), "（下月初按1日）"),
        ("月中 8点 交材料", MONDAY, at(12, 15, 8), "（月中按15日）"),
        ("本月中 8.30 交材料", MONDAY, at(12, 15, 8, 30), "（本月中按15日）"),
        ("月中旬 8点 交材料", MONDAY, at(12, 15, 8), "（月中旬按15日）"),
        ("下个月中 8点 交材料", MONDAY, at(1, 15, 8, year=2027), "（下个月中按15日）"),
        (
            "月初 8点 交材料",
            MONDAY,
            at(1, 1, 8, year=2027),
            "（月初按1日；本月1日已过，按1月1日）",
        ),
        (
            "月中 8点 交材料",
            datetime(2026, 12, 15, 10, 0, tzinfo=TZ),
            at(1, 15, 8, year=2027),
            "（月中按15日；本月15日已过，按1月15日）",
        ),
    ],
)
def test_the_start_and_middle_of_a_month_are_the_1st_and_the_15th(
    typed: str, now: datetime, run_at: datetime, note: str
) -> None:
    parsed = parse_reminder(typed, now)
    assert parsed.run_at == run_at
    assert parsed.message == "交材料"
    assert parsed.describe().endswith(note)


async def test_the_bot_confirms_the_middle_of_the_month(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 下个月中 8点 交作业"))
    text = text_of(draft)
    assert "15日（" in text and "08:00（下个月中按15日）" in text
    assert "内容：交作业" in text and "✅ 确认" in buttons_of(draft)
