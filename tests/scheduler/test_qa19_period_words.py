"""QA19 F3: a short period word after a day (「周五晚」「后天晚」「12月10日晚」「下周一早」
「周四夜里」) means the hour of the fuller word (晚上 20:00, 早上 09:00), not the default 09:00
with the word left at the start of the reminder text; 「明天凌晨」 without its hour is refused
with the lines to send. A lone 早/晚 glued to the text is the period too (「周五晚交日志」), unless
it starts a word of it (「周五晚自习」「早到」)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from scheduler.timeparse import parse_reminder
from tests.events import command
from tests.scheduler.test_handlers import text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import TZ
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

MONDAY = datetime(2026, 12, 7, 15, 45, tzinfo=TZ)  # the time QA19 tested at


@pytest.mark.parametrize(
    ("typed", "day", "hour", "when"),
    [
        ("周五晚 交日志", 11, 20, "周五晚"),
        ("后天晚 交日志", 9, 20, "后天晚"),
        ("12月10日晚 交日志", 10, 20, "12月10日晚"),
        ("下周一早 交日志", 14, 9, "下周一早"),
        ("周四夜里 交日志", 10, 20, "周四夜里"),
        ("周四夜里交日志", 10, 20, "周四夜里"),  # a two-character word may be glued to the text
        ("周五晚，交日志", 11, 20, "周五晚"),
        ("周五 晚 交日志", 11, 20, "周五 晚"),
        ("明天夜间 交日志", 8, 20, "明天夜间"),
        ("明天晚间 交日志", 8, 20, "明天晚间"),
        ("明天清晨 交日志", 8, 9, "明天清晨"),
        ("明天午后 交日志", 8, 15, "明天午后"),
        ("今天夜里 交日志", 7, 20, "今天夜里"),
    ],
)
def test_a_short_period_word_has_the_fuller_words_hour_and_leaves_the_text(
    typed: str, day: int, hour: int, when: str
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at is not None
    assert (parsed.run_at.day, parsed.run_at.hour, parsed.run_at.minute) == (day, hour, 0)
    assert parsed.message == "交日志"
    assert parsed.when_text == when
    assert f"默认 {hour:02d}:00" in parsed.describe()


@pytest.mark.parametrize(
    ("typed", "hour"),
    [("每天晚 打卡", 20), ("每周五晚 打卡", 20), ("工作日早 打卡", 9)],
)
def test_a_rule_takes_the_short_word_too(typed: str, hour: int) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.cron is not None and parsed.cron["hour"] == str(hour)
    assert parsed.message == "打卡"


@pytest.mark.parametrize(
    ("typed", "day", "hour", "minute"),
    [
        ("周五晚8点 交日志", 11, 20, 0),
        ("明天晚 8点 交日志", 8, 20, 0),
        ("明天夜里11点 交日志", 8, 23, 0),
        ("明天凌晨3点 交日志", 8, 3, 0),
        ("周五晚上 交日志", 11, 20, 0),
        ("周五傍晚 交日志", 11, 18, 0),
        ("明晚 交日志", 8, 20, 0),
    ],
)
def test_a_written_hour_and_the_fuller_words_read_as_before(
    typed: str, day: int, hour: int, minute: int
) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at is not None
    assert (parsed.run_at.day, parsed.run_at.hour, parsed.run_at.minute) == (day, hour, minute)
    assert parsed.message == "交日志"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("周五晚自习", "晚自习"),
        ("周五晚自习 点名", "晚自习 点名"),
        ("明天早到 点名", "早到 点名"),
        ("明天晚一点 交", "晚一点 交"),
    ],
)
def test_a_lone_word_glued_to_the_text_is_the_texts(typed: str, message: str) -> None:
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at is not None and parsed.run_at.hour == 9
    assert parsed.message == message
    assert "默认 09:00" in parsed.describe()  # the confirmation says the hour was not written


@pytest.mark.parametrize(
    ("typed", "hour", "message"),
    [
        ("周五晚交日志", 20, "交日志"),
        ("明天早交作业", 9, "交作业"),
        ("后天晚开班会", 20, "开班会"),
    ],
)
def test_a_lone_word_glued_to_a_task_is_the_period(typed: str, hour: int, message: str) -> None:
    """「周五晚交日志」 typed without a space is Friday evening, as 「周五晚 交日志」 is."""
    parsed = parse_reminder(typed, MONDAY)
    assert parsed.run_at is not None and parsed.run_at.hour == hour
    assert parsed.message == message


def test_a_time_before_the_word_leaves_it_in_the_text() -> None:
    parsed = parse_reminder("明天9点 晚 交", MONDAY)
    assert parsed.run_at is not None and parsed.run_at.hour == 9
    assert parsed.message == "晚 交"


@pytest.mark.parametrize(
    ("typed", "day", "rest"),
    [("明天凌晨 交日志", "明天", "交日志"), ("周五凌晨交日志", "周五", "交日志")],
)
def test_small_hours_without_the_hour_are_refused_with_lines_that_parse(
    typed: str, day: str, rest: str
) -> None:
    reason = refusal(typed, MONDAY)
    assert f"「{day}凌晨」没写几点" in reason
    lines = suggested(reason)
    assert lines == [f"{day}凌晨5点 {rest}", f"{day}早上 {rest}"]
    hours = [parse_reminder(line, MONDAY).run_at.hour for line in lines]  # type: ignore[union-attr]
    assert hours == [5, 9]


def test_small_hours_of_a_past_day_say_it_is_past() -> None:
    assert "已经过去" in refusal("昨天凌晨 交日志", MONDAY)


async def test_remind_friday_evening_confirms_20_00_without_the_word(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 周五晚 交日志")))
    assert "20:00" in text and "09:00" not in text
    assert "内容：交日志" in text
    assert "晚 交日志" not in text
