"""QA23 F4: `guopei-bot chat --user ID` on the bot's DATA_DIR renamed that real user to
「终端用户」 (every event of the terminal carried that first name): the trainees then got
「📢 班级通知 · 语文一班 · 班主任 终端用户」 and the 标准答案 was signed 「终端用户老师的解答」.
The terminal now leaves a stored user's names alone; only a user it creates is 「终端用户」."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.cli import BOT_MARK
from tests.unit.test_console import run_cli


def names(data_dir: Path) -> dict[int, tuple[str, str]]:
    with sqlite3.connect(data_dir / "guopei.db") as db:
        rows = db.execute("SELECT id, first_name, last_name FROM users").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def as_telegram_user(data_dir: Path, user_id: int, first: str, last: str, role: str) -> None:
    """The user as the bot stored them from Telegram (their own names, their role)."""
    with sqlite3.connect(data_dir / "guopei.db") as db:
        db.execute(
            "UPDATE users SET first_name = ?, last_name = ?, role = ? WHERE id = ?",
            (first, last, role, user_id),
        )


def test_a_terminal_chat_on_the_bots_data_dir_keeps_the_managers_name(tmp_path: Path) -> None:
    manager = ["chat", "--user", "1001", "--role", "manager"]
    made = run_cli(manager, ["/newclass 语文一班"], tmp_path)
    code = re.search(r"start=(\w+)", made.stdout)
    assert code, made.stdout + made.stderr
    joined = run_cli(["chat", "--user", "2001"], [f"/join {code.group(1)}"], tmp_path)
    assert "已加入培训班「语文一班」" in joined.stdout, joined.stdout
    assert names(tmp_path)[2001] == ("终端用户", "")  # a user the terminal creates
    as_telegram_user(tmp_path, 1001, "王芳", "Wang", "manager")
    as_telegram_user(tmp_path, 2001, "孙丽", "", "trainee")
    (tmp_path / BOT_MARK).write_text("served\n", encoding="utf-8")  # the bot serves it

    # the trainee's question goes to the manager, who answers it in the terminal
    asked = run_cli(["chat", "--user", "2001"], ["培训期间能不能带家属去食堂吃饭", "1"], tmp_path)
    # (on the bot's DATA_DIR the handoff cannot be delivered from the terminal: QA24 F4)
    assert "孙丽：培训期间能不能带家属去食堂吃饭" in asked.stdout, asked.stdout
    answered = run_cli(
        ["chat", "--user", "1001"],
        ["/unanswered", "1", "可以，但需要提前登记。", "/broadcast 终端群发", "1"],
        tmp_path,
    )
    out = answered.stdout
    assert answered.returncode == 0, answered.stderr
    assert "王芳 Wang老师回复了您的问题" in out  # the trainee's copy, in one line
    assert "署名「王芳 Wang老师的解答」" in out, out  # the save step's signature
    assert "开始发送" in out, out
    assert "1. 孙丽 · " in out  # the trainee's name in /unanswered, kept too
    assert "终端用户" not in out + asked.stdout

    assert names(tmp_path)[1001] == ("王芳", "Wang")  # the bot still knows her by her name
    assert names(tmp_path)[2001] == ("孙丽", "")
    with sqlite3.connect(tmp_path / "guopei.db") as db:
        (sent,) = db.execute("SELECT text FROM broadcasts").fetchone()
    assert sent.startswith("📢 <b>班级通知</b> · 语文一班 · 班主任 王芳 Wang\n终端群发"), sent
