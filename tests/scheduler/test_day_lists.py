"""Lists of weekdays glued to what follows them: 「/remind 周六日每小时 打卡」 was Saturday 09:00
once with 「日每小时 打卡」 as the text, 「周六日打卡」 Saturday with 「日打卡」, 「周一三五打卡」
Monday with 「三五打卡」, and 「周一三五7点」 was refused as the hour 「三五7点」. Now the days end
where the text makes no word with the last of them: Saturday and Sunday is the weekend rule,
another list is refused as several days (every week, or once?), and 「每小时」 after them is
refused as a rule by the hour on those days, with the cron line that does it in the daytime.
「周一三班」「周一二年级」「周六日程安排」 stay one day (班 年级 日程 are words), and 「周末」
stays the Saturday, said.

The examples /remind shows say how a rule by the hour is written (scheduler/when/limits.py), and
「每2小时」 at the start of WHEN is refused by the parser in the words /remind uses
(scheduler/when/hourly.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db.reminder_models import Reminder
from scheduler.timeparse import EXAMPLES, parse_reminder
from tests.events import command
from tests.scheduler.test_handlers import buttons_of, count, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import NOW, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

# NOW is Wednesday 2026-11-25 10:00
WEEKEND_AT_NINE = [at(11, 28, 9), at(11, 29, 9), at(12, 5, 9)]


@pytest.mark.parametrize(
    "typed", ["周六日打卡", "周六周日打卡", "周六日上课", "周六日值班", "星期六日打卡"]
)
def test_saturday_and_sunday_glued_to_the_text_is_every_weekend(typed: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.describe() == "每周六、日 09:00（未写具体时间，默认 09:00）"
    assert parsed.next_runs() == WEEKEND_AT_NINE
    assert not parsed.message.startswith("日")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("周六日每小时 打卡", "每小时 打卡"),
        ("周六日每隔两小时 打卡", "每隔两小时 打卡"),
        ("周六日每人 打卡", "每人 打卡"),
    ],
)
def test_every_after_saturday_and_sunday_is_read_after_both_days(typed: str, message: str) -> None:
    # the weekend's rule, the 「每…」 left for /remind to refuse (below) or to send
    parsed = parse_reminder(typed, NOW)
    assert parsed.cron is not None and parsed.cron["day_of_week"] == "sat,sun"
    assert parsed.message == message


@pytest.mark.parametrize(
    ("typed", "days", "weekly", "once"),
    [
        ("周一三五7点 打卡", "周一三五", "每周一三五7点 打卡", "周一7点 打卡"),
        ("周一二三8点 打卡", "周一二三", "每周一二三8点 打卡", "周一8点 打卡"),
        ("周二四8点 打卡", "周二四", "每周二四8点 打卡", "周二8点 打卡"),
        ("周一三五打卡", "周一三五", "每周一三五打卡", "周一打卡"),
        ("周一三打卡", "周一三", "每周一三打卡", "周一打卡"),
    ],
)
def test_another_list_of_days_is_refused_as_several_days(
    typed: str, days: str, weekly: str, once: str
) -> None:
    reason = refusal(typed, NOW)
    assert reason == (
        f"「{days}」是好几天：每周都要提醒的话，请写成：/remind {weekly}；"
        f"只提醒一次的话，请每天分别设置，例如：/remind {once}"
    )
    assert "时间不存在" not in reason
    every_week, one_day = (parse_reminder(fix, NOW) for fix in suggested(reason))
    assert every_week.cron is not None and every_week.message == "打卡"
    assert one_day.run_at is not None and one_day.message == "打卡"


def test_every_hour_after_a_list_of_days_is_refused_with_those_days() -> None:
    reason = refusal("周一三五每小时 打卡", NOW)
    assert reason.startswith("还没有设置提醒：暂不支持「每小时」这样按小时重复的提醒")
    assert "（每周一、三、五 8:00 到 20:00 每个整点）：\n/remind cron 0 8-20 * * 1,3,5 打卡" in (
        reason
    )
    line = reason.split("\n/remind ")[1].split("\n")[0]
    rule = parse_reminder(line, NOW)
    assert rule.next_runs(3) == [at(11, 25, 11), at(11, 25, 12), at(11, 25, 13)]


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("周一三班 开会", at(11, 30, 9), "三班 开会"),
        ("周一三班开会", at(11, 30, 9), "三班开会"),
        ("周一二年级听课", at(11, 30, 9), "二年级听课"),
        ("周六日程安排", at(11, 28, 9), "日程安排"),
        ("周六日常检查", at(11, 28, 9), "日常检查"),
        ("周五六点 聚餐", at(11, 27, 6), "聚餐"),
        ("周末8点 打卡", at(11, 28, 8), "打卡"),  # said: （周末按周六）
    ],
)
def test_a_day_followed_by_a_word_stays_one_day(typed: str, run_at, message: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == run_at and parsed.message == message


def test_the_weekend_word_says_it_is_the_saturday() -> None:
    assert parse_reminder("周末8点 打卡", NOW).describe().endswith("（周末按周六）")


def test_every_two_hours_is_refused_in_the_words_remind_uses() -> None:
    reason = refusal("每2小时 签到", NOW)
    assert reason.startswith("还没有设置提醒：暂不支持「每2小时」这样按小时重复的提醒")
    assert "/remind cron 0 8,10,12,14,16,18,20 * * * 签到" in reason
    assert "每天只提醒一次的话：/remind 每天8点 签到" in reason
    assert refusal("每30分钟 签到", NOW).startswith("还没有设置提醒：「每30分钟」太频繁了")


def test_the_examples_say_how_to_write_several_times_a_day() -> None:
    assert "重复提醒不能写「每小时」「每隔几小时」" in EXAMPLES
    assert "cron 0 9,14,20 * * *（每天 9:00、14:00、20:00）" in EXAMPLES
    assert "重复提醒两次之间至少隔 1 小时；" not in EXAMPLES


# ---------------------------------------------------------------- /remind


async def test_remind_weekend_every_hour_is_refused_with_the_weekend_line(
    tmp_path: Path,
) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, "/remind 周六日每小时 打卡"))
    text = text_of(reply)
    assert text.startswith("还没有设置提醒：暂不支持「每小时」这样按小时重复的提醒"), text
    assert "（每周六、日 8:00 到 20:00 每个整点）：\n/remind cron 0 8-20 * * 6,0 打卡" in text
    assert "日每小时" not in text and "✅ 确认" not in buttons_of(reply)
    assert count(services, Reminder) == 0

    draft = await conversation.handle(command(MANAGER, "/remind cron 0 8-20 * * 6,0 打卡"))
    assert "内容：打卡" in text_of(draft) and "✅ 确认" in buttons_of(draft)
    upcoming = text_of(draft).split("接下来三次：\n")[1].split("\n内容：")[0].splitlines()
    assert all(("（周六）" in run) or ("（周日）" in run) for run in upcoming), upcoming


async def test_remind_weekend_glued_to_the_text_confirms_both_days(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 周六日打卡")))
    assert "时间：每周六、日 09:00（未写具体时间，默认 09:00）" in text
    assert "内容：打卡" in text and "日打卡" not in text


async def test_remind_mon_wed_fri_at_seven_says_it_is_several_days(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 周一三五7点 打卡")))
    assert text.startswith("「周一三五」是好几天"), text
    assert "/remind 每周一三五7点 打卡" in text and "时间不存在" not in text
    assert count(services, Reminder) == 0
