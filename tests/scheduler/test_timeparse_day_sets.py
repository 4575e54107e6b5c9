"""Sets of weekdays a class manager writes without 每: Saturday and Sunday (「周六日 10点」
「周六周日」「周六、周日」) is a weekly rule on both days, confirmed as 「每周六、日 10:00」,
where 「周六日」 used to be Saturday 09:00 with the text 「日 10点 开会」; 「周六日程安排」 stays
Saturday's 日程安排. 「周一三五」 is refused like 「周一、三、五」, 「本周六日」 lists a ready
/remind for each day still ahead (「本周六到周一」 is the range of those days since QA10 M1),
「下周一、三、五」 is refused instead of read as Monday with 「三、五 8点」 in the text.
「从明天起 每天9点」 reads like 「明天起 每天9点」, and 「明天9点~ 交作业」 leaves no 「~」 in the
text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.db.reminder_models import Reminder
from scheduler.timeparse import parse_reminder
from tests.events import command, press
from tests.scheduler.test_handlers import buttons_of, count, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import NOW, at
from tests.scheduler.test_timeparse_wrap_and_commas import refusal, suggested

# NOW is Wednesday 2026-11-25 10:00
WEEKEND_AT_TEN = [at(11, 28, 10), at(11, 29, 10), at(12, 5, 10)]


# ---------------------------------------------------------------- Saturday and Sunday


@pytest.mark.parametrize(
    "typed",
    [
        "周六日 10点 开会",
        "周六日10点 开会",
        "每周六日 10点 开会",
        "周六周日 10点 开会",
        "周六、周日 10点 开会",
        "周六，周日 10点 开会",
        "周六和周日 10点 开会",
        "周日、周六 10点 开会",
        "星期六日 上午10点 开会",
        "礼拜六、礼拜天 10:00 开会",
        "周六日，10点 开会",
        "周六日每天10点 开会",
        "周六到周日 10点 开会",
    ],
)
def test_saturday_and_sunday_is_every_weekend(typed: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.describe() == "每周六、日 10:00"
    assert parsed.cron is not None and parsed.cron["day_of_week"] == "sat,sun"
    assert parsed.message == "开会"
    assert parsed.next_runs() == WEEKEND_AT_TEN


def test_saturday_and_sunday_without_a_time_says_the_default() -> None:
    parsed = parse_reminder("周六日 开会", NOW)
    assert parsed.describe() == "每周六、日 09:00（未写具体时间，默认 09:00）"
    assert parsed.message == "开会"


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("周六日程安排", at(11, 28, 9), "日程安排"),  # 日程 is a word
        ("本周六日程安排", at(11, 28, 9), "日程安排"),
        ("周六一起 打球", at(11, 28, 9), "一起 打球"),  # no Monday after Saturday
        ("周五一定交 作业", at(11, 27, 9), "一定交 作业"),
        ("周五六点 开会", at(11, 27, 6), "开会"),  # Friday 6 o'clock
        ("周一二十点 开会", at(11, 30, 20), "开会"),  # Monday 20:00
        ("周五和三班 开会", at(11, 27, 9), "和三班 开会"),
        ("周五，三班 开会", at(11, 27, 9), "三班 开会"),
        ("下周五和三班 开会", at(12, 4, 9), "和三班 开会"),
        ("周末 10点 开会", at(11, 28, 10), "开会"),  # 周末 stays this weekend's Saturday
    ],
)
def test_what_is_no_set_of_days_stays_one_day(typed: str, run_at: datetime, message: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == run_at
    assert parsed.message == message


def test_mon_wed_fri_written_together_is_refused_like_a_list() -> None:
    reason = refusal("周一三五 8点 晨读", NOW)
    assert reason == (
        "「周一三五」是好几天：每周都要提醒的话，请写成：/remind 每周一三五 8点 晨读；"
        "只提醒一次的话，请每天分别设置，例如：/remind 周一 8点 晨读"
    )
    weekly, once = (parse_reminder(fix, NOW) for fix in suggested(reason))
    assert weekly.describe() == "每周一、三、五 08:00" and weekly.message == "晨读"
    assert once.run_at == at(11, 30, 8) and once.message == "晨读"


# ---------------------------------------------------------------- this week's days, next week's


def this_weeks_lines(typed: str, now: datetime) -> tuple[str, list[datetime], str]:
    """The refusal, when each per-day line goes out, and the weekly line's reading."""
    reason = refusal(typed, now)
    fixes = suggested(reason)
    runs = []
    for fix in fixes[:-1]:
        parsed = parse_reminder(fix, now)
        assert parsed.default_time_note == "" and parsed.message == typed.split()[-1]
        assert parsed.run_at is not None
        runs.append(parsed.run_at)
    return reason, runs, parse_reminder(fixes[-1], now).describe()


def test_this_saturday_to_monday_is_every_day_of_those_three() -> None:
    # QA10 M1: a range of this week's days is those days, no longer a line for each
    parsed = parse_reminder("本周六到周一 8点 签到", NOW)
    assert parsed.describe() == "11月28日（周六）至11月30日（周一） 每天 08:00"
    assert parsed.next_runs(5) == [at(11, 28, 8), at(11, 29, 8), at(11, 30, 8)]
    assert parsed.message == "签到"


@pytest.mark.parametrize(
    ("typed", "now", "runs", "weekly"),
    [
        ("本周六日 10点 开会", NOW, [at(11, 28, 10), at(11, 29, 10)], "每周六、日 10:00"),
        ("这周六、周日 10点 开会", NOW, [at(11, 28, 10), at(11, 29, 10)], "每周六、日 10:00"),
        ("本周一、三、五 8点 晨读", NOW, [at(11, 27, 8)], "每周一、三、五 08:00"),
    ],
)
def test_this_weeks_set_of_days_lists_the_days_still_ahead(
    typed: str, now: datetime, runs: list[datetime], weekly: str
) -> None:
    reason, lines_run_at, weekly_read = this_weeks_lines(typed, now)
    assert "请每天分别发一条" in reason
    assert lines_run_at == runs
    assert weekly_read == weekly


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "下周一、三、五 8点 晨读",  # was Monday 09:00 with the text 「三、五 8点 晨读」
            "「下周一、三、五」是好几天，一条一次性提醒只能在一天发出。每周都要提醒的话，请写成："
            "/remind 每周一、三、五 8点 晨读；只提醒这几天的话，请每天分别设置，例如："
            "/remind 下周一 8点 晨读",
        ),
        (
            "下周六日 10点 开会",
            "「下周六日」是好几天，一条一次性提醒只能在一天发出。每周都要提醒的话，请写成："
            "/remind 每周六日 10点 开会；只提醒这几天的话，请每天分别设置，例如："
            "/remind 下周六 10点 开会",
        ),
    ],
)
def test_next_weeks_set_of_days_is_refused_with_the_fix(typed: str, reason: str) -> None:
    assert refusal(typed, NOW) == reason
    for fix in suggested(reason):
        parsed = parse_reminder(fix, NOW)
        assert parsed.default_time_note == "" and parsed.message in typed


# ---------------------------------------------------------------- 从 … 起, separators


def test_a_rule_from_a_day_on_may_begin_with_from() -> None:
    parsed = parse_reminder("从明天起 每天9点 打卡", NOW)
    assert parsed.describe() == "每天 09:00（明天开始）"
    assert parsed.message == "打卡"
    assert parsed.next_runs()[0] == at(11, 26, 9)
    assert parse_reminder("从 明天开始，每天9点 打卡", NOW).describe() == "每天 09:00（明天开始）"
    later = parse_reminder("从下周一开始 每天8点 打卡", NOW)
    assert later.describe() == "每天 08:00（下周一开始）"
    assert later.next_runs()[0] == at(11, 30, 8)


def test_a_rule_from_today_on_is_read_after_nine() -> None:
    # QA10 M3: when today's time has passed, it says so instead of 「（今天开始）」
    for typed, first, said in [
        ("从今天起 每天11点 打卡", at(11, 25, 11), "（今天开始）"),
        ("今天起 每天9点 打卡", at(11, 26, 9), "（今天的 09:00 已过，从明天开始）"),
    ]:
        parsed = parse_reminder(typed, NOW)
        assert parsed.describe().endswith(said)
        assert parsed.next_runs()[0] == first and parsed.message == "打卡"


@pytest.mark.parametrize("typed", ["从明天开始 交作业", "从明天9点 开会"])
def test_from_without_a_rule_is_still_refused(typed: str) -> None:
    assert refusal(typed, NOW).startswith(f"没看懂提醒时间：「{typed}」")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("明天9点~ 交作业", "交作业"),
        ("明天9点～ 交作业", "交作业"),
        ("明天9点〜 交作业", "交作业"),
        ("明天9点– 交作业", "交作业"),
        # a deadline after a start: reminded at 9, the text keeps the deadline
        ("明天 9点-10点前 交", "10点前 交"),
    ],
)
def test_a_dangling_separator_after_the_time_is_not_left_in_the_text(
    typed: str, message: str
) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == at(11, 26, 9)
    assert parsed.message == message


# ---------------------------------------------------------------- /remind


async def test_remind_saturday_and_sunday_confirms_every_weekend(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 周六日 10点 开会"))
    text = text_of(draft)
    assert "时间：每周六、日 10:00\n接下来三次：" in text
    upcoming = text.split("接下来三次：\n")[1].split("\n内容：")[0].splitlines()
    assert len(upcoming) == 3
    assert all(("（周六） 10:00" in run) or ("（周日） 10:00" in run) for run in upcoming)
    assert "内容：开会" in text and "日 10点" not in text
    done = await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"]))
    assert "内容：开会" in text_of(done)
    with services.session() as session:
        reminder = session.get(Reminder, int(buttons_of(draft)["✅ 确认"].split(":")[3]))
        assert reminder is not None and reminder.status == "active"
        assert reminder.cron is not None and reminder.cron["day_of_week"] == "sat,sun"


async def test_remind_from_tomorrow_on_confirms_the_rule(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 从明天起 每天9点 打卡")))
    assert "时间：每天 09:00（明天开始）\n接下来三次：" in text
    assert "内容：打卡" in text


async def test_remind_this_saturday_to_monday_confirms_those_days(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, "/remind 本周六到周一 8点 签到"))
    # whatever today is, next Monday 08:00 is still ahead (QA10 M1: a range, not a line a day)
    assert "（周六）至" in text_of(reply) and "（周一） 每天 08:00\n共 " in text_of(reply)
    assert "✅ 确认" in buttons_of(reply)
    assert count(services, Reminder) == 1
