"""A time that has passed (QA21 F9). A time alone with no day (「8点」 at 22:20) means the next
such time, tomorrow, and the confirmation says 「按明天 08:00 理解」; a day written (「今晚8点」
「今天8点」 at 22:20, a past date) is refused, and every example the refusal gives, its own
and the list after it, is still ahead, whatever the time (after 20:00 it no longer suggests
「今晚8点」). The survey's closing-time hint gives only times ahead too.

The parser is given a fixed now; the conversation core runs in a zone where it is now 22:xx
(tests/scheduler/test_remind_phrases.py `conversation_at`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.db.reminder_models import Reminder
from handlers.surveys import CLOSING_EXAMPLES, MAX_OPEN_DAYS
from scheduler.timeparse import TimeParseError, examples, format_datetime, parse_reminder
from tests.events import command, press
from tests.scheduler.test_handlers import buttons_of, text_of
from tests.scheduler.test_remind_phrases import MANAGER, conversation_at

TZ = ZoneInfo("Asia/Shanghai")
LATE = datetime(2026, 12, 7, 22, 20, tzinfo=TZ)  # a Monday evening
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
# every ten minutes of a day, and the turn of a year
NOWS = [LATE.replace(hour=0, minute=0) + timedelta(minutes=10 * n) for n in range(144)] + [
    datetime(2026, 12, 31, 23, 50, tzinfo=TZ)
]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def refusal(typed: str, now: datetime) -> str:
    with pytest.raises(TimeParseError) as info:
        parse_reminder(typed, now)
    return info.value.reason


def suggested(reason: str) -> list[str]:
    """The two times a refusal of a past time suggests (「例如「明天20:00」或「今晚11点」。」)."""
    found = re.search(r"例如「([^」]+)」或「([^」]+)」。", reason)
    assert found is not None, reason
    return [found[1], found[2]]


def one_off_examples(listed: str) -> list[str]:
    """The one-off times of the list of examples (「· 一次性：明早8:30 / 今晚8点 / …」)."""
    line = next(x for x in listed.split("\n") if x.startswith("· 一次性："))
    return line.removeprefix("· 一次性：").split(" / ")


def assert_ahead(typed: str, now: datetime) -> datetime:
    """`typed` read at `now` as a one-off reminder is ahead of it; that time."""
    parsed = parse_reminder(f"{typed} 开会", now)
    assert parsed.run_at is not None and parsed.run_at > now, (typed, now, parsed)
    assert parsed.message == "开会", (typed, parsed)
    return parsed.run_at


@pytest.mark.parametrize(
    ("typed", "now", "run_at", "note"),
    [
        ("8点", LATE, at(8, 8), "（今天 08:00、20:00 都已过，按明天 08:00 理解）"),
        ("8点半", LATE, at(8, 8, 30), "（今天 08:30、20:30 都已过，按明天 08:30 理解）"),
        ("08:00", LATE, at(8, 8), "（今天 08:00 已过，按明天 08:00 理解）"),
        ("早上8点", LATE, at(8, 8), "（今天 08:00 已过，按明天 08:00 理解）"),
        ("晚上8点", LATE, at(8, 20), "（今天 20:00 已过，按明天 20:00 理解）"),
        ("21点", LATE, at(8, 21), "（今天 21:00 已过，按明天 21:00 理解）"),
        (
            "9点",
            MORNING,
            at(8, 9),
            "（今天 09:00 已过，按明天 09:00 理解；今晚请写「今晚9点」）",
        ),
    ],
)
def test_a_time_alone_that_has_passed_is_tomorrows(
    typed: str, now: datetime, run_at: datetime, note: str
) -> None:
    parsed = parse_reminder(f"{typed} 开会", now)
    assert parsed.run_at == run_at
    assert parsed.describe() == format_datetime(run_at) + note
    assert parsed.message == "开会"


def test_the_evening_a_morning_refusal_offers_is_tonight() -> None:
    assert assert_ahead("今晚9点", MORNING) == at(7, 21)


def test_a_span_alone_that_has_passed_is_tomorrows() -> None:
    parsed = parse_reminder("8点到9点 开会", LATE)
    assert parsed.run_at == at(8, 8)
    assert parsed.message == "08:00–09:00 开会"
    assert "按明天 08:00 理解" in parsed.describe()


def test_a_time_alone_still_ahead_tonight_is_unchanged() -> None:
    parsed = parse_reminder("10点半 开会", LATE)
    assert parsed.run_at == at(7, 22, 30)
    assert "按今晚 22:30 理解" in parsed.describe()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("今晚8点", "时间已经过去了：2026年12月7日（周一） 20:00"),
        ("今天8点", "时间已经过去了：2026年12月7日（周一） 08:00"),
        ("今天晚上9点", "时间已经过去了：2026年12月7日（周一） 21:00"),
        ("昨天9点", "时间已经过去了：2026年12月6日（周日） 09:00"),
        ("2026年12月1日 9点", "时间已经过去了：2026年12月1日（周二） 09:00"),
    ],
)
def test_a_day_written_that_has_passed_is_refused_with_times_ahead(typed: str, shown: str) -> None:
    reason = refusal(f"{typed} 开会", LATE)
    assert reason.startswith(shown), reason
    assert "今晚8点" not in reason.removeprefix(shown)
    for example in suggested(reason):
        assert_ahead(example, LATE)


def test_tonight_refused_suggests_the_same_time_tomorrow() -> None:
    reason = refusal("今晚8点 开会", LATE)
    assert suggested(reason) == ["明天20:00", "今晚11点"]
    assert assert_ahead("明天20:00", LATE) == at(8, 20)


@pytest.mark.parametrize("now", NOWS, ids=lambda now: f"{now:%m%d-%H%M}")
def test_every_example_is_ahead_at_any_time(now: datetime) -> None:
    for past in ("今天0点", "昨天9点", "3天前"):
        for example in suggested(refusal(f"{past} 开会", now)):
            assert_ahead(example, now)
    for example in one_off_examples(examples(now)):
        assert_ahead(example, now)


@pytest.mark.parametrize("now", NOWS[::6], ids=lambda now: f"{now:%m%d-%H%M}")
def test_the_survey_closing_examples_are_ahead_at_any_time(now: datetime) -> None:
    for example in re.findall(r"<code>([^<]+)</code>", CLOSING_EXAMPLES):
        parsed = parse_reminder(f"{example} 问卷截止", now)
        assert parsed.run_at is not None
        assert now < parsed.run_at < now + timedelta(days=MAX_OPEN_DAYS), (example, now)


async def test_the_confirmation_says_tomorrow(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 22)
    now = datetime.now(services.settings.timezone)
    tomorrow = (now + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)

    draft = await conversation.handle(command(MANAGER, "/remind 8点 开会"))

    text = text_of(draft)
    assert (
        f"时间：{format_datetime(tomorrow)}（今天 08:00、20:00 都已过，按明天 08:00 理解）" in text
    ), text
    assert "内容：开会" in text
    confirm = buttons_of(draft)["✅ 确认"]
    assert "提醒已设置" in text_of(await conversation.handle(press(MANAGER, confirm)))
    with services.session() as session:
        reminder = session.get(Reminder, int(confirm.split(":")[3]))
        assert reminder is not None and reminder.next_run_at == tomorrow


async def test_tonight_at_22_is_refused_without_suggesting_it(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 22)

    text = text_of(await conversation.handle(command(MANAGER, "/remind 今晚8点 开会")))

    assert text.startswith("时间已经过去了："), text
    assert "今晚8点" not in text  # neither in the refusal nor in the list of examples
    assert "例如「明天20:00」或「今晚11点」" in text or "或「1小时后」" in text, text
    assert "明晚8点" in text and "可以这样写" in text
    now = datetime.now(services.settings.timezone)
    for example in one_off_examples(text.split("\n\n", 1)[1]):
        assert_ahead(example, now)
