"""/remind through the conversation core: the confirmation of the newer time phrases, the
refusal of intervals, and 「明天…」 written between midnight and 05:00, which keeps its calendar
meaning but says which date that is and offers today with one tap.

The bot's clock cannot be set, so the time of day is chosen with the zone: BOT_TIMEZONE is a
fixed-offset zone in which it is now about 02:xx (or 14:xx), whatever the real time."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.db.reminder_models import Reminder
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table
from scheduler.timeparse import format_datetime
from tests.events import command, press
from tests.scheduler.test_handlers import buttons_of, text_of

MANAGER = 900


def zone_where_it_is(hour: int) -> str:
    """An Etc/GMT zone in which the local hour is now `hour` (± nothing: whole-hour offsets)."""
    offset = (hour - datetime.now(ZoneInfo("UTC")).hour) % 24
    if offset > 12:
        offset -= 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc signs are inverted


def conversation_at(tmp_path: Path, hour: int) -> tuple[Conversation, Services]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        bot_token=None,
        admin_ids=frozenset(),
        bot_timezone=zone_where_it_is(hour),
    )
    services = Services.create(settings)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        crud.create_class(session, name="语文一班", manager_id=MANAGER)
    return Conversation(services, routing_table()), services


async def test_tomorrow_after_midnight_names_its_date_and_offers_today(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 2)
    tz = services.settings.timezone
    now = datetime.now(tz)
    assert 1 <= now.hour <= 3
    tomorrow = now + timedelta(days=1)
    draft = await conversation.handle(command(MANAGER, "/remind 明天上午9点 交研修日志"))
    text = text_of(draft)
    assert f"时间：{format_datetime(tomorrow.replace(hour=9, minute=0))}" in text
    day = f"{tomorrow.month}月{tomorrow.day}日（周{'一二三四五六日'[tomorrow.weekday()]}）"
    assert f"注意：现在是凌晨，「明天」按日历算是 {day}。" in text
    today_label = f"🕘 改为{now.month}月{now.day}日 09:00"
    assert f"如果您指的是今天 {now.month}月{now.day}日（周" in text
    assert f"请点「{today_label}」" in text
    buttons = buttons_of(draft)
    assert today_label in buttons and "✅ 确认" in buttons

    moved = await conversation.handle(press(MANAGER, buttons[today_label]))
    today_nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    assert f"时间：{format_datetime(today_nine)}" in text_of(moved)
    assert "注意" not in text_of(moved) and today_label not in buttons_of(moved)
    done = await conversation.handle(press(MANAGER, buttons_of(moved)["✅ 确认"]))
    # a one-off reminder names its time once (「下次发送」 is for 🔁 ones)
    assert f"时间：{format_datetime(today_nine)}\n" in text_of(done)
    assert "下次发送" not in text_of(done)
    with services.session() as session:
        reminder = session.get(Reminder, int(buttons["✅ 确认"].split(":")[3]))
        assert reminder.status == "active"
        assert reminder.next_run_at == today_nine
    # pressed again (an old message): refused, nothing changes
    again = await conversation.handle(press(MANAGER, buttons[today_label]))
    assert "已经处理过" in text_of(again)


async def test_tomorrow_in_the_daytime_has_no_note(tmp_path: Path) -> None:
    conversation, services = conversation_at(tmp_path, 14)
    draft = await conversation.handle(command(MANAGER, "/remind 明天上午9点 交研修日志"))
    assert "注意" not in text_of(draft)
    assert [label for label in buttons_of(draft) if "改为" in label] == []


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ("12.10 9点 交材料", "月10日（周"),
        ("下周末 交材料", "（下周末按周六）"),
        ("元旦 交材料", "（元旦：1月1日）"),
        ("每两周 交材料", "暂不支持「每两周」这种隔几周重复的提醒"),
    ],
)
async def test_newer_phrases_on_the_confirmation(tmp_path: Path, args: str, shown: str) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    reply = text_of(await conversation.handle(command(MANAGER, f"/remind {args}")))
    assert shown in reply
    if "暂不支持" in shown:
        assert "每周五20:00" in reply
    else:
        assert "确认后按时发给全班学员" in reply and "交材料" in reply


async def test_a_morning_hour_typed_in_the_afternoon_is_read_as_tonight(tmp_path: Path) -> None:
    """「8点」 at 14:xx: 08:00 has passed, so 20:00 today, said on the confirmation (QA 6b L7)."""
    conversation, services = conversation_at(tmp_path, 14)
    now = datetime.now(services.settings.timezone)
    tonight = now.replace(hour=20, minute=0, second=0, microsecond=0)
    draft = await conversation.handle(command(MANAGER, "/remind 8点 签到"))
    text = text_of(draft)
    assert (
        f"时间：{format_datetime(tonight)}"
        "（今天 08:00 已过，按今晚 20:00 理解；明早请写「明天8点」）" in text
    )
    assert "内容：签到" in text
    done = await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认"]))
    assert f"时间：{format_datetime(tonight)}（今天 08:00 已过" in text_of(done)
    assert "下次发送" not in text_of(done)


async def test_a_weekday_range_is_confirmed_as_a_weekly_rule(tmp_path: Path) -> None:
    """「周一至周五 晚上9点」: every weekday at 21:00, not Monday at 09:00 (QA 6b M1)."""
    conversation, _ = conversation_at(tmp_path, 14)
    text = text_of(await conversation.handle(command(MANAGER, "/remind 周一至周五 晚上9点 打卡")))
    assert "时间：每周一至周五 21:00\n接下来三次：" in text
    assert "内容：打卡" in text and "默认" not in text and "至周五" not in text.split("内容：")[1]


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ("每天早晚8点 打卡", "一条提醒只能有一个时间，请分两条设置：早上8点和晚上8点。"),
        ("工作日。早上8点 签到", "请写成：/remind 工作日 早上8点 签到"),
    ],
)
async def test_a_time_that_cannot_be_read_whole_is_refused(
    tmp_path: Path, args: str, shown: str
) -> None:
    conversation, _ = conversation_at(tmp_path, 14)
    reply = await conversation.handle(command(MANAGER, f"/remind {args}"))
    assert shown in text_of(reply)
    assert "✅ 确认" not in buttons_of(reply)
