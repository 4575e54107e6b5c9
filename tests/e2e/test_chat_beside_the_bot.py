"""A terminal chat opened on the bot's DATA_DIR while the bot runs (QA20 F1): restarted, the
bot runs the scheduler again — the terminal never took it over (it used to, and then printed
every class's reminders and broadcasts in the terminal, counted as delivered). The real bot on
both engines against the fake server, and the real `guopei-bot chat` process."""

from __future__ import annotations

from bot.cli import BOT_MARK
from tests.unit.test_chat_on_a_bot_data_dir import open_chat, say

WAITING = "another process runs the scheduler"


def test_a_terminal_chat_never_takes_the_bots_scheduler(start_bot, data_dir) -> None:
    bot = start_bot(admin_ids="1")
    assert (data_dir / BOT_MARK).exists()  # the bot marks its DATA_DIR
    chat = open_chat(data_dir, "--user", "1", "--role", "admin")
    try:
        say(chat, "/help", "/help")
        bot.stop()  # a deploy or a crash while the terminal stays open
        before = len(bot.log())
        bot.start()
        assert WAITING not in bot.log()[before:]  # it leads: reminders go to Telegram
    finally:
        assert chat.stdin
        chat.stdin.close()
        chat.wait(timeout=60)
