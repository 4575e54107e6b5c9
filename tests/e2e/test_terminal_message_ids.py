"""`guopei-bot chat` on the bot's DATA_DIR numbered its messages 1, 2, 3 … and handlers store the
id of the pressed message: a broadcast confirmed in the terminal kept 2 as its progress message,
and the Telegram bot then edited message 2 of the manager's REAL chat (its reply to /help) into
「📤 正在群发…」 and the report. The terminal's ids are negative now (Telegram's are positive):
the bot's edit is refused (400) and the report comes as a new message; the manager's earlier
messages stay as they were. The real bot on both engines, the real `guopei-bot chat` process."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from bot.chat import Button
from bot.cli import BOT_MARK
from bot.engines.console import ConsoleMessenger, event_from_line
from tests.e2e.test_reminders import MANAGER, seed_class
from tests.unit.test_console import run_cli

MEMBERS = [2001, 2002]


def stored_progress_ids(data_dir: Path) -> list[int | None]:
    with sqlite3.connect(data_dir / "guopei.db") as db:
        rows = db.execute("SELECT progress_message_id FROM broadcasts ORDER BY id").fetchall()
    return [row[0] for row in rows]


def test_a_broadcast_confirmed_in_the_terminal_never_edits_a_real_message(
    start_bot, fake_telegram, data_dir
) -> None:
    tg = fake_telegram
    seed_class(data_dir, "语文一班", MEMBERS)
    start_bot()
    assert (data_dir / BOT_MARK).exists()
    # the manager's real chat: message 1, 3, 5 … are hers, 2, 4, 6 … the bot's replies
    for _ in range(4):
        mark = tg.mark()
        tg.send_text(user_id=MANAGER, text="/help")
        tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    before = {mid: m.get("text") for mid, m in tg.messages_in_chat(MANAGER).items()}
    assert {2, 4} <= set(before), before

    # the same manager confirms a broadcast in the terminal (its 2nd message was the confirmation)
    mark = tg.mark()
    lines = ["/help", "/broadcast 终端群发：明天8点集合", "1"]
    chat = run_cli(["chat", "--user", str(MANAGER)], lines, data_dir)
    assert chat.returncode == 0, chat.stderr
    assert "开始发送" in chat.stdout, chat.stdout
    (progress_id,) = stored_progress_ids(data_dir)
    assert progress_id is not None and progress_id < 0  # never a Telegram message id

    # the bot sends it, and its report reaches the manager as a new message
    report = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=MANAGER,
        text_contains="人：送达",
        after=mark,
        timeout=60,
    )
    assert "送达 2" in report.text, report.text
    for member in MEMBERS:
        tg.wait_for(
            method="sendMessage", ok=True, chat_id=member, text_contains="明天8点集合", after=mark
        )
    # what the manager saw before is untouched: no message of hers was edited into the report
    edits = tg.calls(method="editMessageText", chat_id=MANAGER, after=mark)
    assert all(not c.ok and c.params.get("message_id") == progress_id for c in edits), [
        (c.params.get("message_id"), c.status) for c in edits
    ]
    after = {mid: m.get("text") for mid, m in tg.messages_in_chat(MANAGER).items()}
    assert {mid: after[mid] for mid in before} == before
    assert all("终端群发" not in (text or "") for mid, text in after.items() if mid in before)
    assert report.message_id not in before  # the report is a message of its own


async def test_the_terminal_numbers_its_messages_below_zero() -> None:
    """Every message the terminal shows (its own or another user's, sent or a file) has a
    negative id, and a pressed button carries it: what a handler stores from the terminal."""
    from bot.chat import SendFile

    out = io.StringIO()
    messenger = ConsoleMessenger(out, user_id=77)
    first = await messenger.send(77, "请选择", ((Button("确认", data="ok:1"),),))
    other = await messenger.send(88, "📋 满意度调查")
    sent_file = await messenger.send_file(77, SendFile(b"x", "a.csv"))
    menu = await messenger.send(77, "再选", ((Button("取消", data="no:1"),),))
    ids = [first.message_id, other.message_id, sent_file.message_id, menu.message_id]
    assert ids == [-1, -2, -3, -4]
    pressed = event_from_line("1", 77, messenger)
    assert pressed is not None and pressed.message_id == -4 and pressed.callback_data == "no:1"
    await messenger.edit(77, -1, "已确认", ((Button("撤回", data="undo:1"),),))
    pressed = event_from_line("1", 77, messenger)
    assert pressed is not None and pressed.message_id == -1 and pressed.callback_data == "undo:1"


# A 问班主任 pressed in the terminal on the bot's DATA_DIR stored the terminal's id of the
# manager's copy (negative, so the bot's edit was refused); since QA24 F4 the terminal does not
# send that copy at all beside a bot, and no id is stored: tests/e2e/test_qa24_terminal_handoff.py.
