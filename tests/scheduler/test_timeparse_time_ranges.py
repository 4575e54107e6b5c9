"""Time spans and weekday ranges a class manager writes (QA8 L10): 「周六到周一 8点到9点 直播」
reminds at the start and keeps the span in the text (「08:00–09:00 直播」) instead of leaving
「到9点」 there; an end before the start is refused saying what to write; a range of weekdays
without 每 says 「每周一至周五」 on the confirmation; 「本周一到周五」 is every one of those days
still ahead this week (since QA10 M1; it was refused with a /remind for each); 「明天开始每天9点」
is the rule, not a one-off whose text is 「开始每天9点」."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.db.reminder_models import Reminder
from scheduler.jobs import reminder_message
from scheduler.timeparse import parse_reminder
from tests.events import command, press
from tests.scheduler.test_handlers import buttons_of, count, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at
from tests.scheduler.test_timeparse import NOW, TZ, at
from tests.scheduler.test_timeparse_wrap_and_commas import SUNDAY_EVENING, refusal, suggested

# NOW is Wednesday 2026-11-25 10:00, SUNDAY_EVENING Sunday 2026-12-06 19:48
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=TZ)
AT_START = "（按开始时间提醒）"


# ---------------------------------------------------------------- spans


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        ("明天 下午2点-4点 班会", at(11, 26, 14), "14:00–16:00 班会"),
        ("下午2点到4点 班会", at(11, 25, 14), "14:00–16:00 班会"),
        ("明天 14:00-16:00 班会", at(11, 26, 14), "14:00–16:00 班会"),
        ("明天 8点至9点 班会", at(11, 26, 8), "08:00–09:00 班会"),
        ("明天 8:00~9:00 班会", at(11, 26, 8), "08:00–09:00 班会"),
        ("明天 8：00～9：00 班会", at(11, 26, 8), "08:00–09:00 班会"),  # full-width
        ("明天 8:00 - 9:00 班会", at(11, 26, 8), "08:00–09:00 班会"),
        ("明天 9点——10点 班会", at(11, 26, 9), "09:00–10:00 班会"),
        ("明天 8-10点 班会", at(11, 26, 8), "08:00–10:00 班会"),  # not 8月10日
        ("明天 下午2到4点 班会", at(11, 26, 14), "14:00–16:00 班会"),
        ("明天 14-16点 班会", at(11, 26, 14), "14:00–16:00 班会"),
        ("明天 八点至九点半 班会", at(11, 26, 8), "08:00–09:30 班会"),
        ("明天 上午9点到下午3点 考试", at(11, 26, 9), "09:00–15:00 考试"),
        ("明天 中午12点到1点 午休", at(11, 26, 12), "12:00–13:00 午休"),
        ("今晚8点到10点 直播", at(11, 25, 20), "20:00–22:00 直播"),
        ("明晚7点到9点 直播", at(11, 26, 19), "19:00–21:00 直播"),
        ("下周三 下午2点半到4点半 教研", at(12, 2, 14, 30), "14:30–16:30 教研"),
        ("12月1日 9:00-11:00 考试", at(12, 1, 9), "09:00–11:00 考试"),
        ("3天后 9点-10点 交材料", at(11, 28, 9), "09:00–10:00 交材料"),
        ("明天9点到10点之间 提交", at(11, 26, 9), "09:00–10:00 提交"),
        ("明天 8点到9点，直播", at(11, 26, 8), "08:00–09:00 直播"),
        ("明天 8点到9点直播", at(11, 26, 8), "08:00–09:00 直播"),
        ("明天 8点到9点 到10楼开会", at(11, 26, 8), "08:00–09:00 到10楼开会"),
        ("明天，8-10点 班会", at(11, 26, 8), "08:00–10:00 班会"),
        ("明天 晚上10点到12点 答疑", at(11, 26, 22), "22:00–24:00 答疑"),
        ("明天 晚上11点到凌晨1点 直播", at(11, 26, 23), "23:00–次日01:00 直播"),
    ],
)
def test_a_one_off_span_reminds_at_its_start_and_keeps_the_span(
    typed: str, run_at: datetime, message: str
) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == run_at
    assert parsed.message == message
    assert parsed.describe().endswith(AT_START)
    assert typed.startswith(parsed.when_text)  # the whole span is WHEN: none of it in the text
    assert parsed.when_text.rstrip("之间").endswith(("点", "半", "00"))


WEEK_OF_NOV_30 = [at(11, 30, 8), at(12, 7, 8), at(12, 14, 8)]


@pytest.mark.parametrize(
    ("typed", "day_of_week", "described", "message", "runs"),
    [
        (
            "周六到周一 8点到9点 直播",
            "mon,sat,sun",
            "每周六至周一 08:00",
            "08:00–09:00 直播",
            [at(11, 28, 8), at(11, 29, 8), at(11, 30, 8)],
        ),
        (
            "周一到周五 早上8点-8点半 晨读",
            "mon-fri",
            "每周一至周五 08:00",
            "08:00–08:30 晨读",
            [at(11, 26, 8), at(11, 27, 8), at(11, 30, 8)],
        ),
        ("每周一 8点到9点 研修", "mon", "每周一 08:00", "08:00–09:00 研修", WEEK_OF_NOV_30),
        (
            "每周一、三、五 19:00-21:00 直播",
            "mon,wed,fri",
            "每周一、三、五 19:00",
            "19:00–21:00 直播",
            [at(11, 25, 19), at(11, 27, 19), at(11, 30, 19)],
        ),
        (
            "工作日 8点-9点 晨读",
            "mon-fri",
            "每周一至周五 08:00",
            "08:00–09:00 晨读",
            [at(11, 26, 8), at(11, 27, 8), at(11, 30, 8)],
        ),
        (
            "每晚8点到9点 打卡",
            "*",
            "每天 20:00",
            "20:00–21:00 打卡",
            [at(11, 25, 20), at(11, 26, 20), at(11, 27, 20)],
        ),
    ],
)
def test_a_recurring_span_reminds_at_its_start_and_keeps_the_span(
    typed: str, day_of_week: str, described: str, message: str, runs: list[datetime]
) -> None:
    """The rule fires at the start only (its hour and minute are the start's)."""
    parsed = parse_reminder(typed, NOW)
    assert parsed.cron is not None and parsed.cron["day_of_week"] == day_of_week
    assert (parsed.cron["hour"], parsed.cron["minute"]) == (str(runs[0].hour), "0")
    assert parsed.describe() == described + AT_START
    assert parsed.message == message
    assert parsed.next_runs() == runs


def test_a_bare_span_typed_in_the_evening_is_tonight_like_a_bare_hour() -> None:
    """「8点到9点」 at 19:48: 08:00 has passed, so 20:00–21:00, and the hint keeps the span."""
    parsed = parse_reminder("8点到9点 直播", SUNDAY_EVENING)
    assert parsed.run_at == at(12, 6, 20)
    assert parsed.message == "20:00–21:00 直播"
    assert "明早请写「明天8点到9点」" in parsed.describe()
    assert parse_reminder("8-9点 直播", SUNDAY_EVENING).message == "20:00–21:00 直播"


@pytest.mark.parametrize(
    ("typed", "start", "message"),
    [
        ("8点到13点 直播", at(12, 7, 8), "08:00–13:00 直播"),
        ("8点半到12点 直播", at(12, 7, 8, 30), "08:30–12:00 直播"),
        ("8点到下午5点 直播", at(12, 7, 8), "08:00–17:00 直播"),
    ],
)
def test_a_morning_span_typed_in_the_evening_has_passed(
    typed: str, start: datetime, message: str
) -> None:
    """An end that cannot be this evening (13点, 12点, 下午5点) shows the span was the morning,
    which has passed today: tomorrow morning's, said (QA21 F9)."""
    parsed = parse_reminder(typed, SUNDAY_EVENING)
    assert parsed.run_at == start
    assert parsed.message == message
    clock = f"{start:%H:%M}"
    assert parsed.describe() == (
        f"2026年12月7日（周一） {clock}（今天 {clock} 已过，按明天 {clock} 理解）" + AT_START
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "明天 9点到8点 班会",
            "「9点到8点」的结束时间 08:00 早于开始时间 09:00。请先写开始时间，再写结束时间，"
            "例如「8:00-9:00」；结束在晚上的话，请写明，例如「9点到晚上8点」。"
            "提醒会在开始时间发出。",
        ),
        (
            "明天 下午4点到2点 班会",
            "「下午4点到2点」的结束时间 14:00 早于开始时间 16:00。请先写开始时间，再写结束时间，"
            "例如「14:00-16:00」。提醒会在开始时间发出。",
        ),
        (
            "明天 上午10点到1点 班会",
            "「上午10点到1点」的结束时间 01:00 早于开始时间 10:00。请先写开始时间，再写结束时间；"
            "结束在下午的话，请写明，例如「上午10点到下午1点」。提醒会在开始时间发出。",
        ),
        (
            "明天 9点到9点 班会",
            "「9点到9点」的开始和结束都是 09:00：请写明结束时间，例如「9:00-10:00」，"
            "或者只写开始时间「9点」。",
        ),
    ],
)
def test_an_end_not_after_the_start_is_refused_with_what_to_write(typed: str, reason: str) -> None:
    assert refusal(typed, NOW) == reason
    for fix in re.findall(r"例如「(.+?)」|开始时间「(.+?)」", reason):
        written = "".join(fix)
        parsed = parse_reminder(f"明天 {written} 班会", NOW)
        assert parsed.message.endswith("班会") and parsed.run_at is not None


@pytest.mark.parametrize(
    ("typed", "run_at", "message"),
    [
        # a deadline after the time stays in the text, as before
        ("明天 8点 到9点前 交材料", at(11, 26, 8), "到9点前 交材料"),
        # a time after a time without 到/-/~ is the text's
        ("明天9点 10点开会", at(11, 26, 9), "10点开会"),
        # 到 without an hour after it
        ("明天9点 到10楼开会", at(11, 26, 9), "到10楼开会"),
        ("明天 到点名 交材料", at(11, 26, 9), "到点名 交材料"),
    ],
)
def test_what_is_no_span_stays_in_the_text(typed: str, run_at: datetime, message: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == run_at
    assert parsed.message == message
    assert AT_START not in parsed.describe()


def test_two_spans_in_one_reminder_are_refused_with_both_spans() -> None:
    reason = refusal("每天8点到9点和20点到21点 打卡", NOW)
    assert reason.startswith("一条提醒只能有一个时间，请分两条设置：8点到9点和20点到21点。")
    fixes = suggested(reason)
    assert fixes == ["每天8点到9点 打卡", "每天20点到21点 打卡"]
    assert [parse_reminder(fix, NOW).message for fix in fixes] == [
        "08:00–09:00 打卡",
        "20:00–21:00 打卡",
    ]


# ---------------------------------------------------------------- weekday ranges


@pytest.mark.parametrize(
    "typed",
    [
        "周一到周五 9点 打卡",
        "周一——周五 9点 打卡",
        "周一–周五 9点 打卡",
        "周一〜周五 9点 打卡",
        "礼拜一到礼拜五 9点 打卡",
    ],
)
def test_a_weekday_range_without_every_says_every_week(typed: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.describe() == "每周一至周五 09:00"
    assert parsed.cron is not None and parsed.cron["day_of_week"] == "mon-fri"
    assert parsed.message == "打卡"
    assert parsed.next_runs() == [at(11, 26, 9), at(11, 27, 9), at(11, 30, 9)]


def test_workdays_written_with_every_have_the_same_label() -> None:
    assert parse_reminder("每周一至五 9点 打卡", NOW).describe() == "每周一至周五 09:00"


@pytest.mark.parametrize(
    ("typed", "label", "runs"),
    [
        # QA10 M1: the days still ahead this week, one rule (they were a /remind line each)
        ("本周一到周五 9点 打卡", "11月23日（周一）至11月27日（周五） 每天 09:00", [26, 27]),
        (  # today's 20:00 is still ahead
            "这周三至周五 晚上8点 打卡",
            "11月25日（周三）至11月27日（周五） 每天 20:00",
            [25, 26, 27],
        ),
        ("本周一到周五每天9点 打卡", "11月23日（周一）至11月27日（周五） 每天 09:00", [26, 27]),
        ("这个星期一到星期五 9点 打卡", "11月23日（周一）至11月27日（周五） 每天 09:00", [26, 27]),
    ],
)
def test_this_weeks_days_are_each_day_left(typed: str, label: str, runs: list[int]) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.describe() == label
    hour = 20 if "晚上" in typed else 9
    assert parsed.next_runs(5) == [at(11, day, hour) for day in runs]
    assert parsed.message == "打卡"


def test_this_weeks_days_all_past_are_refused_with_next_weeks() -> None:
    reason = refusal("本周一到周五 9点 打卡", SATURDAY)
    assert reason == (
        "「本周一到周五」这几天都已经过去了（现在是 2026年11月28日（周六） 10:00）。"
        "每周都要提醒的话，请写成：/remind 周一到周五 9点 打卡；"
        "只提醒下周的话，请写成：/remind 下周一到周五 9点 打卡"
    )
    weekly, next_week = (parse_reminder(fix, SATURDAY) for fix in suggested(reason))
    assert weekly.describe() == "每周一至周五 09:00"
    assert next_week.next_runs(6) == [at(11, 30, 9)] + [at(12, day, 9) for day in range(1, 5)]


# ---------------------------------------------------------------- a rule from a day on


def test_a_rule_from_a_day_on_is_the_rule_when_it_starts_that_day() -> None:
    parsed = parse_reminder("明天开始每天9点 打卡", NOW)
    assert parsed.cron is not None and parsed.cron["day_of_week"] == "*"
    assert parsed.describe() == "每天 09:00（明天开始）"
    assert parsed.message == "打卡"
    assert parsed.next_runs()[0] == at(11, 26, 9)
    weekly = parse_reminder("下周一起 每周一 8点 研修", NOW)
    assert weekly.describe() == "每周一 08:00（下周一开始）"
    assert weekly.next_runs()[0] == at(11, 30, 8)


def test_a_rule_that_would_start_before_that_day_starts_on_that_day() -> None:
    parsed = parse_reminder("下周一开始 每天8点 签到", NOW)
    assert parsed.describe() == "每天 08:00（下周一开始）"
    assert parsed.next_runs() == [at(11, 30, 8), at(12, 1, 8), at(12, 2, 8)]
    assert parsed.message == "签到"


def test_a_rule_from_a_day_on_that_cannot_be_a_rule_says_why() -> None:
    assert refusal("明天开始每两周 交周报", NOW).startswith("暂不支持「每两周」")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("明天起床后 量体温", "起床后 量体温"), ("明天开始 交作业", "开始 交作业")],
)
def test_start_words_without_a_rule_stay_in_the_text(typed: str, message: str) -> None:
    parsed = parse_reminder(typed, NOW)
    assert parsed.run_at == at(11, 26, 9)
    assert parsed.message == message


# ---------------------------------------------------------------- /remind


async def test_remind_a_span_confirms_the_start_and_trainees_read_the_span(
    tmp_path: Path,
) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 周六到周一 8点到9点 直播"))
    text = text_of(draft)
    assert "时间：每周六至周一 08:00（按开始时间提醒）\n接下来三次：" in text
    assert "内容：08:00–09:00 直播" in text and "到9点" not in text
    done = await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"]))
    assert "内容：08:00–09:00 直播" in text_of(done)
    with services.session() as session:
        reminder = session.get(Reminder, int(buttons_of(draft)["✅ 确认"].split(":")[3]))
        assert reminder is not None and reminder.status == "active"
    sent = reminder_message(reminder, "语文一班", None, "王老师")
    assert sent.endswith("\n08:00–09:00 直播")


async def test_remind_a_weekday_range_says_every_week(tmp_path: Path) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 周一到周五 9点 打卡")))
    assert "时间：每周一至周五 09:00\n接下来三次：" in text
    assert "内容：打卡" in text


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ("明天 9点到8点 班会", "「9点到8点」的结束时间 08:00 早于开始时间 09:00。"),
    ],
)
async def test_remind_refuses_what_cannot_be_one_reminder(
    tmp_path: Path, args: str, shown: str
) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, f"/remind {args}"))
    assert shown in text_of(reply)
    assert "✅ 确认" not in buttons_of(reply)
    assert count(services, Reminder) == 0
