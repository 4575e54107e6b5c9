"""End to end: /broadcast on the real bot (both engines) to 300 members through flood control
(the fake server answers 429 beyond 30 sends/s) with 5 users who blocked the bot; then a
second broadcast during which the bot is SIGKILLed and restarted: every member gets each
message exactly once."""

from __future__ import annotations

from collections import Counter

from tests.e2e.test_reminders import MANAGER, seed_class

MEMBERS = list(range(2001, 2301))
BLOCKED = set(MEMBERS[10:15])


def confirm_broadcast(tg, text: str, bad_gateways: int = 0) -> int:  # type: ignore[no-untyped-def]
    """/broadcast TEXT and press 确认发送; returns the confirmation (= progress) message id."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/broadcast {text}")
    confirm = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=MANAGER,
        text_contains="确认群发",
        after=mark,
        timeout=15,
    )
    assert "300 人" in confirm.text
    ok = next(data for label, data in confirm.buttons if "确认发送" in label)
    if bad_gateways:  # the first sends get 502: retried later with backoff, then delivered
        tg.fail_next("sendMessage", status=502, count=bad_gateways)
    tg.press_button(user_id=MANAGER, message_id=confirm.message_id, data=ok)
    return confirm.message_id


def deliveries(tg, needle: str) -> Counter:  # type: ignore[no-untyped-def]
    """How many times each chat received (HTTP 200) a message containing `needle`."""
    return Counter(
        c.chat_id
        for c in tg.calls(method="sendMessage", ok=True)
        if needle in (c.text or "") and c.chat_id != MANAGER
    )


def assert_exactly_once(got: Counter, members: set[int], database_url: str) -> None:
    """Nobody twice; everybody once, except at most the one message in flight at the kill.

    That message may or may not have reached Telegram; the bot never resends it (a duplicate
    is worse than a gap), records it as `unknown` and names it in the report. The kill comes
    right after a delivery, so it is almost always delivered and this is exactly-once.
    """
    from sqlalchemy import create_engine, text

    assert set(got.values()) == {1}, {k: v for k, v in got.items() if v != 1}
    engine = create_engine(database_url)
    with engine.connect() as connection:
        unknown = set(
            connection.execute(
                text("SELECT user_id FROM broadcast_deliveries WHERE status = 'unknown'")
            ).scalars()
        )
    engine.dispose()
    assert len(unknown) <= 1
    assert members - set(got) <= unknown
    assert set(got) <= members


def test_broadcast_at_the_flood_limit_survives_a_kill(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    seed_class(data_dir, "语文一班", MEMBERS)
    tg.blocked_users.update(BLOCKED)
    tg.flood_limit_per_second = 30
    bot = start_bot()

    # a trainee may not broadcast; a forwarded message from a trainee is just a question
    mark = tg.mark()
    tg.send_text(user_id=2001, text="/broadcast 大家好")
    tg.wait_for(
        method="sendMessage", ok=True, chat_id=2001, text_contains="只有班主任", after=mark
    )

    # 1) 300 members, 5 blocked, 30/s flood control, two 502s on the way
    progress_id = confirm_broadcast(tg, "明天上午9点在报告厅集合 <请带笔记本>", bad_gateways=2)
    report = tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="人：送达",
        timeout=60,
        predicate=lambda c: c.params.get("message_id") == progress_id,
    )
    got = deliveries(tg, "请带笔记本")
    assert set(got) == set(MEMBERS) - BLOCKED and set(got.values()) == {1}
    assert "送达 295" in report.text and "屏蔽了机器人 5" in report.text
    assert "学员2011" in report.text  # who blocked the bot is named
    progress = tg.calls(method="editMessageText", ok=True, chat_id=MANAGER)
    assert any("📤 正在向" in (c.text or "") for c in progress)
    assert len([c for c in tg.calls(method="sendMessage") if c.status == 502]) == 2
    stats = tg.stats()
    assert stats["duplicates"] == 0
    assert stats["http_429"] <= 3  # ≤ 1% of 300

    # 2) killed mid-broadcast and restarted: nobody missed, nobody twice
    confirm_broadcast(tg, "第二条通知:下午2点分组讨论")
    tg.wait_until(lambda t: sum(deliveries(t, "第二条通知").values()) >= 100, timeout=30)
    bot.kill()
    sent_before_kill = sum(deliveries(tg, "第二条通知").values())
    assert sent_before_kill < 295  # it really was interrupted
    restart = tg.mark()
    bot.start()
    tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="人：送达",
        after=restart,
        timeout=60,
    )
    got = deliveries(tg, "第二条通知")
    # the blocked users were flagged by the first broadcast: not even tried this time
    assert_exactly_once(got, set(MEMBERS) - BLOCKED, f"sqlite:///{data_dir / 'guopei.db'}")
    assert tg.stats()["duplicates"] == 0
    tried_blocked = [
        c for c in tg.calls(method="sendMessage", after=restart) if c.chat_id in BLOCKED
    ]
    assert tried_blocked == []


def test_kill_mid_broadcast_on_postgresql(fake_telegram, data_dir, postgres_server):
    """The same crash on PostgreSQL (advisory-lock leadership), one engine: exactly once."""
    from tests import pg
    from tests.botproc import BotProcess

    tg = fake_telegram
    tg.flood_limit_per_second = 30
    members = MEMBERS[:150]
    with pg.temporary_database() as url:
        seed_class(data_dir, "语文一班", members, database_url=url)
        bot = BotProcess(tg, engine="aiogram", data_dir=data_dir, database_url=url)
        try:
            bot.start()
            mark = tg.mark()
            tg.send_text(user_id=MANAGER, text="/broadcast PG通知:周三停课")
            confirm = tg.wait_for(
                method="sendMessage",
                ok=True,
                chat_id=MANAGER,
                text_contains="确认群发",
                after=mark,
            )
            ok = next(data for label, data in confirm.buttons if "确认发送" in label)
            tg.press_button(user_id=MANAGER, message_id=confirm.message_id, data=ok)
            tg.wait_until(lambda t: sum(deliveries(t, "PG通知").values()) >= 40, timeout=30)
            bot.kill()
            assert sum(deliveries(tg, "PG通知").values()) < 150
            restart = tg.mark()
            bot.start()
            tg.wait_for(
                method="editMessageText",
                ok=True,
                chat_id=MANAGER,
                text_contains="人：送达",
                after=restart,
                timeout=60,
            )
            assert_exactly_once(deliveries(tg, "PG通知"), set(members), url)
        finally:
            bot.stop()
