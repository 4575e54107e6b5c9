"""The foundation end to end: the real `guopei-bot run` process under each engine, talking
over HTTP to the fake Bot API server: menus, classes, joining by deep link, refusals, logs."""

from __future__ import annotations

import re

from tests.botproc import TOKEN

ADMIN, MANAGER, TRAINEE, OTHER_TRAINEE = 900, 501, 1001, 1002


def expect(tg, chat_id: int, text: str):
    """Wait for the bot to send `chat_id` a message containing `text`."""
    return tg.wait_for(method="sendMessage", chat_id=chat_id, text_contains=text)


def test_admin_manager_and_trainees_on_a_real_bot(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    default_menu = tg.wait_for(
        method="setMyCommands",
        predicate=lambda c: "scope" not in c.params or c.params["scope"].get("type") == "default",
    )
    assert {c["command"] for c in default_menu.params["commands"]} >= {"start", "help", "join"}
    assert "newclass" not in {c["command"] for c in default_menu.params["commands"]}
    admin_menu = tg.wait_for(
        method="setMyCommands",
        predicate=lambda c: c.params.get("scope", {}).get("chat_id") == ADMIN,
    )
    assert "addmanager" in {c["command"] for c in admin_menu.params["commands"]}

    # A trainee may not use manager or admin commands; nothing changes.
    tg.send_text(user_id=TRAINEE, text="/newclass 偷偷建班")
    expect(tg, TRAINEE, "只有班主任可以使用")
    tg.send_text(user_id=TRAINEE, text="/addmanager 1001")
    expect(tg, TRAINEE, "只有管理员可以使用")

    # The admin makes a manager, who gets the manager menu.
    tg.send_text(user_id=ADMIN, text="/addmanager abc")
    expect(tg, ADMIN, "/addmanager 123456789")
    tg.send_text(user_id=ADMIN, text=f"/addmanager {MANAGER}")
    expect(tg, ADMIN, "设为班主任")
    manager_menu = tg.wait_for(
        method="setMyCommands",
        predicate=lambda c: c.params.get("scope", {}).get("chat_id") == MANAGER,
    )
    assert "newclass" in {c["command"] for c in manager_menu.params["commands"]}

    # The manager creates a class and gets its join link.
    tg.send_text(user_id=MANAGER, text="/newclass")
    expect(tg, MANAGER, "请在命令后写上培训班名称")
    tg.send_text(user_id=MANAGER, text="/newclass 2026国培语文一班")
    created = expect(tg, MANAGER, "已创建培训班")
    link = re.search(r"https://t\.me/guopei_test_bot\?start=([A-Z0-9]{8})", created.text)
    assert link, created.text
    code = link.group(1)

    # Deep link: /start <code> joins at once; /join with a wrong code is refused.
    tg.send_text(user_id=TRAINEE, text=f"/start {code}", first_name="王老师")
    expect(tg, TRAINEE, "已加入培训班「2026国培语文一班」")
    tg.send_text(user_id=OTHER_TRAINEE, text="/join ZZZZ9999")
    expect(tg, OTHER_TRAINEE, "加入码「ZZZZ9999」不存在")
    tg.send_text(user_id=OTHER_TRAINEE, text=f"/join {code.lower()}")
    expect(tg, OTHER_TRAINEE, "已加入培训班")
    tg.send_text(user_id=OTHER_TRAINEE, text=f"/join {code}")
    expect(tg, OTHER_TRAINEE, "无需重复加入")

    tg.send_text(user_id=MANAGER, text="/myclass")
    expect(tg, MANAGER, "2026国培语文一班（2 人）")
    tg.send_text(user_id=TRAINEE, text="/myclass")
    expect(tg, TRAINEE, "我加入的培训班")

    # Unknown commands, and over-long messages, get a polite refusal.
    tg.send_text(user_id=TRAINEE, text="/foo")
    expect(tg, TRAINEE, "没有这个命令：/foo")
    tg.send_text(user_id=TRAINEE, text="长" * 1500)
    expect(tg, TRAINEE, "消息太长了（1500 字）")
    tg.send_text(user_id=TRAINEE, text="/help")
    help_reply = expect(tg, TRAINEE, "使用帮助")
    assert "/newclass" not in help_reply.text

    # Flood control on a reply: the bot waits retry_after once and the user still gets it.
    mark = tg.mark()
    tg.fail_next("sendMessage", status=429)
    tg.send_text(user_id=TRAINEE, text="/myclass")
    delivered = tg.wait_for(method="sendMessage", chat_id=TRAINEE, ok=True, after=mark)
    assert "我加入的培训班" in delivered.text
    assert [c.status for c in tg.calls(method="sendMessage", after=mark)] == [429, 200]

    assert bot.stop() == 0
    log = bot.log()
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
    assert re.search(rf"update user={MANAGER} kind=command handler=new_class ms=\d", log)
    assert "Traceback" not in log


def test_restart_loses_no_update_and_repeats_none(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot()
    tg.send_text(user_id=TRAINEE, text="/help")
    expect(tg, TRAINEE, "使用帮助")
    assert bot.stop() == 0

    tg.send_text(user_id=TRAINEE, text="/myclass")  # arrives while the bot is down
    start_bot()
    expect(tg, TRAINEE, "还没有加入培训班")
    tg.send_text(user_id=TRAINEE, text="/start")
    expect(tg, TRAINEE, "您好")
    replies = [c.text for c in tg.calls(method="sendMessage", chat_id=TRAINEE)]
    assert sum("使用帮助" in r and "您好" not in r for r in replies) == 1
    assert sum("还没有加入培训班" in r for r in replies) == 1


def test_sigterm_right_after_taking_updates_answers_each_exactly_once(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot()
    users = range(3000, 3040)
    for user_id in users:
        tg.send_text(user_id=user_id, text="/help")
    tg.wait_until(lambda t: t.pending_updates() == 0, timeout=30)  # all taken by the bot
    assert bot.stop() == 0  # SIGTERM while the batch is being handled

    start_bot()
    tg.wait_until(
        lambda t: {c.chat_id for c in t.calls(method="sendMessage", ok=True)} >= set(users),
        timeout=30,
    )
    tg.wait_idle(timeout=10)
    replies = [c.chat_id for c in tg.calls(method="sendMessage", ok=True)]
    assert sorted(replies) == sorted(users)
