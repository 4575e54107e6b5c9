"""End to end, both engines: a broadcast's report at Telegram's limit, which the fake server
enforces as Telegram does (4,096 UTF-16 units of visible text, or 400 「message is too long」).
60 of 66 members, with names of 64 emoji plus 64 characters, are not reached (failed, blocked
the bot, deleted the account): the report still replaces the progress message, with its
headline, the names cut and counted, and the resend button."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session

from bot.db.models import User
from bot.db.session import make_engine
from bot.limits import MAX_MESSAGE_UNITS, utf16_length
from tests.e2e.test_reminders import MANAGER, seed_class

REPORT = "人：送达"
FIRST = "🌸" * 64
LAST = "🌸" * 57 + "张老师&<b>"


def rename(data_dir: Path, user_ids: list[int], first: str, last: str) -> None:
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(User).where(User.id.in_(user_ids)).values(first_name=first, last_name=last)
        )
        session.commit()
    engine.dispose()


def confirm(tg, text: str) -> int:  # type: ignore[no-untyped-def]
    """/broadcast TEXT, then 确认发送; returns the confirmation (= progress) message id."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/broadcast {text}")
    offer = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    send = next(data for label, data in offer.buttons if "确认发送" in label)
    tg.press_button(user_id=MANAGER, message_id=offer.message_id, data=send)
    return offer.message_id


def test_report_of_sixty_long_names_reaches_the_manager(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    members = list(range(4001, 4067))
    seed_class(data_dir, "长名一班", members)
    rename(data_dir, members[:60], FIRST, LAST)
    tg.blocked_users.update(members[24:42])
    tg.deactivated_users.update(members[42:60])
    start_bot()

    progress_id = confirm(tg, "明天上午9点在报告厅集合 & 请带好<笔记本>")
    tg.fail_next("sendMessage", status=400, count=24)  # the first 24 deliveries are refused
    report = tg.wait_for(
        method="editMessageText",
        chat_id=MANAGER,
        text_contains=REPORT,
        timeout=60,
        predicate=lambda c: c.params.get("message_id") == progress_id,
    )
    assert report.ok, report.short()
    refused = {c.chat_id for c in tg.calls(method="sendMessage") if c.status == 400}
    assert len(refused) == 24 and refused <= set(members[:24])
    shown = tg.messages_in_chat(MANAGER)[progress_id]["text"]  # as the manager sees it
    assert utf16_length(shown) <= MAX_MESSAGE_UNITS
    assert shown.startswith("⚠️ 已发给「长名一班」，24 人发送失败：明天上午9点在报告厅集合 &")
    assert "共 66 人：送达 6 · 屏蔽了机器人 18 · 账号已注销 18 · 失败 24" in shown
    cut = "🌸" * 13 + "…老师&<b>"  # each name cut to 20 characters, keeping its tail
    assert f"⚠️ 发送失败：{cut}、" in shown and shown.count(cut) == 20 + 18 + 18
    assert "、".join([cut] * 20) + " 等 24 人" in shown
    assert [label for label, _ in report.buttons] == ["🔁 重发给未送达的 24 人"]
    assert "📤 正在向" not in shown
