"""QA24 F4: `guopei-bot chat --user ID` on the bot's DATA_DIR only printed a message to another
user (「📨 （发给用户 1001 的消息，不在这个终端）」) yet the handlers took it as delivered: a
🙋 问班主任 was stored delivered with the terminal's message id, the trainee was told
「✅ 已于 05:07 转给班主任 王芳」, and the manager on Telegram never got it. Beside a Telegram bot
the terminal now refuses such a message as Telegram refuses one it cannot deliver: the handoff
is stored undelivered (the question waits in /unanswered), the trainee is told the manager
could not be reached, and the terminal says to do it in Telegram. On a DATA_DIR of its own the
terminal still plays everyone. The real bot on both engines, the real `guopei-bot chat`."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli import BOT_MARK
from bot.engines.console import ConsoleMessenger, NotInThisTerminal
from tests.e2e.test_reminders import MANAGER, seed_class
from tests.unit.test_console import run_cli

MEMBERS = [2001, 2002]
QUESTION = "培训期间能不能带家属去食堂吃饭"


def handoffs(data_dir: Path) -> list[tuple[int, bool, int | None]]:
    with sqlite3.connect(data_dir / "guopei.db") as db:
        rows = db.execute("SELECT manager_id, delivered, message_id FROM question_handoffs")
        return [(row[0], bool(row[1]), row[2]) for row in rows.fetchall()]


def test_a_handoff_from_the_terminal_beside_the_bot_is_not_claimed(
    start_bot, fake_telegram, data_dir
) -> None:
    tg = fake_telegram
    seed_class(data_dir, "语文一班", MEMBERS)
    start_bot()
    assert (data_dir / BOT_MARK).exists()

    mark = tg.mark()
    asked = run_cli(["chat", "--user", "2001"], [QUESTION, "1"], data_dir)
    out = asked.stdout
    assert asked.returncode == 0, asked.stderr
    assert "发给别人的消息（问班主任、回答学员、通知等）在终端里发不出" in out  # said at the start
    assert f"⚠️ 发给用户 {MANAGER} 的消息没有发出" in out, out
    assert "请在 Telegram 里操作" in out
    assert f"没发出的内容：🙋 学员提问 · 语文一班 / 学员2001：{QUESTION}" in out
    assert "暂时联系不上班主任" in out and "/unanswered" in out  # the trainee's pop-up
    assert "✅ 已于" not in out and "✅ 已转给" not in out and "不在这个终端" not in out
    assert handoffs(data_dir) == [(MANAGER, False, None)]  # no delivery, no message id
    assert not tg.calls(chat_id=MANAGER, after=mark)  # the manager indeed got nothing

    # what the trainee was told holds: the question waits in the manager's /unanswered, and
    # answering it there edits no message of the manager's (no terminal id was stored)
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/unanswered")
    listing = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="带家属", after=mark, ok=True
    )
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=listing.message_id, data=listing.data_of("回答"))
    tg.wait_for(chat_id=MANAGER, text_contains="请直接发送您的回答", after=mark, ok=True)
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="可以，但需要提前登记。")
    tg.wait_for(
        method="sendMessage", chat_id=2001, text_contains="需要提前登记", after=mark, ok=True
    )
    tg.wait_for(chat_id=MANAGER, text_contains="标准答案", after=mark, ok=True)
    refused = tg.calls(method="editMessageText", after=mark, ok=False)
    assert not refused, [(c.chat_id, c.params.get("message_id")) for c in refused]


def test_a_managers_answer_from_the_terminal_beside_the_bot_is_not_claimed(
    start_bot, fake_telegram, data_dir
) -> None:
    """The manager answers in the terminal a question the trainee handed on in Telegram: the
    answer is kept, the manager is told it did not reach the trainee, and the 问班主任 message
    in her Telegram chat keeps its 「回答」 button (it is marked answered only once delivered)."""
    tg = fake_telegram
    seed_class(data_dir, "语文一班", MEMBERS)
    start_bot()
    tg.say(2002, QUESTION, "")
    answer = tg.calls(method="sendMessage", chat_id=2002)[-1]
    tg.tap(2002, answer, "问班主任", "转给班主任")
    handed = tg.wait_for(method="sendMessage", chat_id=MANAGER, text_contains=QUESTION, ok=True)
    assert handoffs(data_dir) == [(MANAGER, True, handed.message_id)]

    mark = tg.mark()
    said = run_cli(
        ["chat", "--user", str(MANAGER)], ["/unanswered", "1", "可以，但需要提前登记。"], data_dir
    )
    out = said.stdout
    assert said.returncode == 0, said.stderr
    assert "⚠️ 发给用户 2002 的消息没有发出" in out, out
    assert "回答已保存，但" in out and "没能发给学员" in out
    assert "✅ 已把回答发给学员" not in out
    assert not tg.calls(after=mark, method="editMessageText")  # her message is left as it was
    assert not tg.calls(after=mark, chat_id=2002)
    with sqlite3.connect(data_dir / "guopei.db") as db:
        (undelivered,) = db.execute("SELECT answer_undelivered_at FROM question_logs").fetchone()
    assert undelivered is not None


def test_on_its_own_data_dir_the_terminal_still_plays_the_manager(data_dir: Path) -> None:
    seed_class(data_dir, "语文一班", MEMBERS)
    asked = run_cli(["chat", "--user", "2001"], [QUESTION, "1"], data_dir)
    out = asked.stdout
    assert f"📨 （发给用户 {MANAGER} 的消息，不在这个终端）🙋 学员提问" in out, out
    assert "✅ 已于" in out and "转给班主任" in out
    assert "发不出" not in out + asked.stderr
    ((manager, delivered, message_id),) = handoffs(data_dir)
    assert manager == MANAGER and delivered and message_id is not None and message_id < 0


async def test_the_messenger_refuses_only_other_users_and_only_beside_a_bot() -> None:
    out = io.StringIO()
    beside = [True]
    messenger = ConsoleMessenger(out, user_id=77, beside_bot=lambda: beside[0])
    own = await messenger.send(77, "您好")
    assert own.message_id == -1 and "🤖 您好" in out.getvalue()
    with pytest.raises(NotInThisTerminal):
        await messenger.send(88, "<b>📢 班级通知</b>\n明天8点集合")
    with pytest.raises(NotInThisTerminal):
        await messenger.edit(88, 5, "✅ 已回复。")
    shown = out.getvalue()
    assert "⚠️ 发给用户 88 的消息没有发出" in shown and "对方什么也没收到" in shown
    assert "（没发出的内容：📢 班级通知 / 明天8点集合）" in shown
    assert "⚠️ 发给用户 88 的消息没有更新" in shown and "对方看到的还是原来的" in shown
    beside[0] = False  # the bot's mark gone: the terminal plays everyone again
    other = await messenger.send(88, "明天8点集合")
    assert other.message_id == -2
    assert out.getvalue().endswith("📨 （发给用户 88 的消息，不在这个终端）明天8点集合\n")
