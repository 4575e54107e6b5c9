"""knowledge/ is a library: it must not pull in the bot, Telegram or the database."""

from __future__ import annotations

import subprocess
import sys


def test_knowledge_imports_no_bot_telegram_or_database() -> None:
    code = (
        "import sys, knowledge, knowledge.kb, knowledge.ingest, knowledge.spelling;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('telegram', 'aiogram', 'sqlmodel', 'sqlalchemy', 'bot', 'handlers', 'scheduler')];"
        "print(','.join(bad))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert output == ""
