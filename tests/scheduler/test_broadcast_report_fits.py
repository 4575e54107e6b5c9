"""A broadcast's report at Telegram's limit (4,096 UTF-16 units of visible text), on SQLite and
PostgreSQL, with a fake messenger: it fits however long the members' names are (each cut to 20
characters keeping its tail, the lists stopped before the room runs out, 「等 N 人」 saying how
many, entities never cut); when Telegram refuses it all the same, the short report (the counts
and the resend button) replaces the progress message. The sender itself refuses a text longer
than Telegram takes, counted as Telegram counts it."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.chat import DeliveryError, Unreachable
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.reminder_models import BroadcastDelivery, DeliveryStatus
from bot.limits import MAX_MESSAGE_UNITS, visible_length, visible_text
from bot.services import Services
from scheduler import broadcaster
from scheduler.broadcaster import broadcast, report_message
from tests.scheduler.test_broadcast_reliability import ChatMessenger, sender
from tests.scheduler.test_broadcast_reliability import services as services  # noqa: F401
from tests.scheduler.test_broadcaster import MANAGER, drain

# 64 emoji and 64 characters ending in HTML: the tail is what a cut name keeps
FIRST = "🌸" * 64
LAST = "🌸" * 57 + "张老师&<b>"
ENTITY_OR_TAG = re.compile(r"&(?:amp|lt|gt|quot|#\d+);|</?(?:b|i|a)(?: [^<>]*)?>")


def assert_valid_html(text: str) -> None:
    """No bare or cut entity, no stray < or >: what Telegram's HTML parser would refuse."""
    left = ENTITY_OR_TAG.sub("", text)
    assert not re.search(r"[&<>]", left), re.findall(r".{0,12}[&<>].{0,12}", left)[:3]


def long_named_class(services: Services, members: int, first: int = 1001) -> int:
    with services.session() as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="王老师")
        training_class = crud.create_class(session, name="🌸" * 64, manager_id=MANAGER)
        for user_id in range(first, first + members):
            crud.upsert_user(session, user_id=user_id, first_name=FIRST, last_name=LAST)
            crud.join_class(session, user_id=user_id, class_id=training_class.id)
        assert training_class.id is not None
        return training_class.id


def fail_members(messenger: ChatMessenger, failed: range, blocked: range, gone: range) -> None:
    for user_id in failed:
        messenger.failures[user_id] = [DeliveryError("Bad Request: message is too long")]
    for user_id in blocked:
        messenger.failures[user_id] = [Unreachable("Forbidden: bot was blocked by the user")]
    for user_id in gone:
        messenger.failures[user_id] = [Unreachable("Forbidden: user is deactivated")]


def report_shown(messenger: ChatMessenger) -> tuple[str, list[str]]:
    """The report as the manager's chat shows it now, and its buttons' labels."""
    (report,) = [
        (text, [b.text for row in buttons for b in row])
        for chat, text, buttons in messenger.messages.values()
        if chat == MANAGER and "人：送达" in text
    ]
    return report


# ---------------------------------------------------------------- H3: the report fits


async def test_report_of_sixty_long_emoji_names_fits(services: Services) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    class_id = long_named_class(services, 66)  # 60 of them not reached, 6 reached
    fail_members(messenger, range(1001, 1025), range(1025, 1043), range(1043, 1061))
    text = "明天上午9点在报告厅集合 &amp; 请带好&lt;笔记本&gt;"
    await broadcast(
        services, class_id=class_id, text=text, created_by=MANAGER, report_chat_id=MANAGER
    )
    await drain(sender(services), services)

    report, labels = report_shown(messenger)
    assert not any("📤 正在向" in t for t in messenger.shown_to(MANAGER))
    assert visible_length(report) <= MAX_MESSAGE_UNITS
    assert_valid_html(report)
    assert report.startswith(f"⚠️ 已发给「{'🌸' * 64}」，24 人发送失败：明天上午9点")
    assert "共 66 人：送达 6 · 屏蔽了机器人 18 · 账号已注销 18 · 失败 24" in report
    assert labels == ["🔁 重发给未送达的 24 人"]
    lines = {line.split("：", 1)[0]: line.split("：", 1)[1] for line in report.splitlines()[2:]}
    failed = lines["⚠️ 发送失败"]
    assert failed.endswith(" 等 24 人")
    names = failed.removesuffix(" 等 24 人").split("、")
    assert len(names) == broadcaster.NAMES_IN_REPORT
    # each name cut to 20 characters keeping its tail, escaped after the cut
    assert set(names) == {"🌸" * 13 + "…老师&amp;&lt;b&gt;"}
    assert all(len(visible_text(name)) == broadcaster.NAME_CHARS for name in names)
    assert len(lines["🚫 屏蔽了机器人（已标记，之后不再发送）"].split("、")) == 18


async def test_names_stop_before_the_room_runs_out(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if every name were listed whole, the report stops listing in time."""
    monkeypatch.setattr(broadcaster, "NAMES_IN_REPORT", 200)
    monkeypatch.setattr(broadcaster, "NAME_CHARS", 200)
    class_id = long_named_class(services, 90)
    broadcast_id = await broadcast(
        services, class_id=class_id, text="通知", created_by=MANAGER, report_chat_id=MANAGER
    )
    with services.session() as session:
        rows = session.exec(
            select(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast_id)
        ).all()
        for number, row in enumerate(rows):  # 30 blocked, 30 failed, 30 unknown
            row.status = (DeliveryStatus.blocked, DeliveryStatus.failed, DeliveryStatus.unknown)[
                number % 3
            ]
            session.add(row)
        session.commit()
        report, _ = report_message(session, broadcast_id=broadcast_id)
    assert visible_length(report) <= MAX_MESSAGE_UNITS
    assert_valid_html(report)
    sections = report.splitlines()[2:]
    assert len(sections) == 3
    for line in sections:  # each section had its share: some names, then how many in all
        assert line.endswith(" 等 30 人") and "张老师&amp;&lt;b&gt;" in line


async def test_a_refused_report_is_replaced_by_the_short_report(services: Services) -> None:
    messenger: ChatMessenger = services.messenger  # type: ignore[assignment]
    class_id = long_named_class(services, 6)
    fail_members(messenger, range(1001, 1003), range(1003, 1004), range(0))

    def full_report(method: str, chat_id: int, text: str) -> bool:
        return chat_id == MANAGER and "⚠️ 发送失败：" in text

    messenger.fail(full_report, [DeliveryError("Bad Request: message is too long")] * 2)
    broadcast_id = await broadcast(
        services, class_id=class_id, text="周五交作业", created_by=MANAGER, report_chat_id=MANAGER
    )
    await drain(sender(services), services)

    assert [c[0] for c in messenger.calls if full_report(*c[:3])] == ["edit", "send"]
    (shown,) = messenger.shown_to(MANAGER)  # the progress message, now the short report
    report, labels = report_shown(messenger)
    assert shown == report
    assert report.startswith(f"⚠️ 已发给「{'🌸' * 64}」，2 人发送失败：周五交作业")
    assert "共 6 人：送达 3 · 屏蔽了机器人 1 · 失败 2" in report
    assert "名单未能显示" in report and "张老师" not in report
    assert labels == ["🔁 重发给未送达的 2 人"]
    with services.session() as session:
        assert rcrud.get_broadcast(session, broadcast_id=broadcast_id).reported_at is not None


async def test_the_sender_refuses_what_telegram_would(services: Services) -> None:
    class_id = long_named_class(services, 1)
    with pytest.raises(ValueError, match="UTF-16"):
        await broadcast(services, class_id=class_id, text="🔔" * 2049, created_by=MANAGER)
    await broadcast(services, class_id=class_id, text="🔔" * 2048, created_by=MANAGER)
