"""The offline console chat: `guopei-bot chat`, and `guopei-bot run` without a token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def run_cli(args: list[str], lines: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env |= {"DATA_DIR": str(data_dir), "BOT_TOKEN": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir,
        timeout=120,
    )


def test_manager_creates_a_class_and_presses_a_numbered_button(tmp_path: Path):
    result = run_cli(
        ["chat", "--role", "manager", "--user", "77"],
        ["/newclass 语文一班", "/remind 明天9点 交研修日志", "1", "/reminders"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "已创建培训班「语文一班」" in out
    assert "[1] ✅ 确认" in out  # inline buttons shown as numbered choices
    assert "✅ 提醒已设置" in out  # typing 1 pressed it
    assert "待发送的提醒（共 1 条）" in out
    assert "<b>" not in out
    assert "/file 文件路径 发送本机文件" in out  # the banner says how to send a file


def test_run_without_a_token_starts_the_console_and_says_how_to_connect(tmp_path: Path):
    result = run_cli(["run"], ["/start", "/newclass 偷偷建班"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "未设置 BOT_TOKEN" in result.stderr and "BOT_TOKEN=" in result.stderr
    assert "update user=" not in result.stderr  # no log lines between the chat's messages
    assert "我是国培助手" in result.stdout
    assert "只有班主任可以使用" in result.stdout
    assert (tmp_path / "guopei.db").exists()


def test_console_on_a_shared_postgresql_database_runs_no_background_jobs(
    tmp_path: Path, postgres_server: str
):
    from tests import pg

    with pg.temporary_database() as url:
        env_lines = ["/newclass 语文一班", "/remind 明天9点 交研修日志", "1"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
        env |= {"DATA_DIR": str(tmp_path), "BOT_TOKEN": "", "DATABASE_URL": url}
        result = subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--role", "manager", "--user", "77"],
            input="\n".join(env_lines) + "\n",
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        engine = create_engine(url)
        with engine.connect() as connection:
            jobs = connection.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar()
            reminders = connection.execute(text("SELECT count(*) FROM reminders")).scalar()
        engine.dispose()
    assert result.returncode == 0, result.stderr
    assert "不运行定时提醒、群发和问卷截止" in result.stderr
    assert "✅ 提醒已设置" in result.stdout
    assert reminders == 1  # stored for the bot process that holds the scheduler ...
    assert jobs == 0  # ... and not scheduled by the terminal


def role_in_database(data_dir: Path, user_id: int) -> str | None:
    engine = create_engine(f"sqlite:///{data_dir / 'guopei.db'}")
    with engine.connect() as connection:
        role = connection.execute(
            text("SELECT role FROM users WHERE id = :id"), {"id": user_id}
        ).scalar()
    engine.dispose()
    return role


def test_chat_role_holds_for_that_chat_only(tmp_path: Path):
    as_manager = run_cli(
        ["chat", "--role", "manager", "--user", "77"], ["/newclass 语文一班"], tmp_path
    )
    assert "已创建培训班「语文一班」" in as_manager.stdout, as_manager.stderr
    assert role_in_database(tmp_path, 77) == "trainee"  # not promoted for good

    again = run_cli(["chat", "--user", "77"], ["/newclass 数学班"], tmp_path)

    assert "只有班主任可以使用" in again.stdout


async def test_the_terminal_warns_when_a_message_breaks_a_telegram_limit() -> None:
    import io

    from bot.chat import Button, SendFile
    from bot.engines.console import ConsoleMessenger

    out = io.StringIO()
    messenger = ConsoleMessenger(out)
    rows = tuple((Button(f"班{i}", data=f"c:{i}"),) for i in range(101))

    await messenger.send(1, "<b>提醒</b>\n" + "😀 &amp; 很长的提醒\n" * 400, ())
    await messenger.edit(1, 1, "请选择班级", (*rows, (Button("取消", data="c:x"),)))
    await messenger.send_file(1, SendFile(b"png", "chart.png", caption="图" * 1025))
    await messenger.send(1, "<b>短消息</b>" + "好" * 4000, rows[:100])

    shown = out.getvalue()
    assert "⚠️ 超出 Telegram 限制：消息长 4403 个单位（按 UTF-16 计，上限 4096）" in shown
    assert "在 Telegram 上会被截断，结尾显示「……（内容过长，以下省略）」" in shown
    assert "⚠️ 超出 Telegram 限制：102 个按钮（上限 100）" in shown
    assert "⚠️ 超出 Telegram 限制：说明文字长 1025 个单位（按 UTF-16 计，上限 1024）" in shown
    assert shown.count("⚠️") == 3  # 4,006 units and 100 buttons are within the limits
    assert "[102] 取消" in shown  # the terminal still shows everything


async def test_a_message_to_another_user_is_one_line_and_its_buttons_cannot_be_pressed() -> None:
    """QA18 F2: the terminal running the scheduler sends other users' reminders and surveys."""
    import io

    from bot.chat import Button, EventKind
    from bot.engines.console import ConsoleMessenger, event_from_line

    out = io.StringIO()
    messenger = ConsoleMessenger(out, user_id=77)
    await messenger.send(77, "请选择", ((Button("我的按钮", data="mine:1"),),))
    survey = ((Button("很满意", data="sv:1:5"),),)
    await messenger.send(88, "📋 <b>满意度调查</b>\n第 1 题", survey)

    shown = out.getvalue()
    assert "📨 （发给用户 88 的消息，不在这个终端）📋 满意度调查 / 第 1 题" in shown
    assert "很满意" not in shown  # its button is not listed
    pressed = event_from_line("1", 77, messenger)
    assert pressed is not None and pressed.kind is EventKind.callback
    assert pressed.callback_data == "mine:1"  # «1» still presses this user's own button


def test_a_broadcast_in_the_terminal_shows_each_trainee_message_as_one_line(tmp_path: Path):
    made = run_cli(["chat", "--role", "manager", "--user", "77"], ["/newclass 语文一班"], tmp_path)
    code = re.search(r"start=(\w+)", made.stdout)
    assert code, made.stdout
    joined = run_cli(["chat", "--user", "88"], [f"/join {code.group(1)}"], tmp_path)
    assert "语文一班" in joined.stdout

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env |= {"DATA_DIR": str(tmp_path), "BOT_TOKEN": ""}
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--role", "manager", "--user", "77"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert chat.stdin and chat.stdout
    chat.stdin.write("/broadcast 明天交研修日志\n1\n")
    chat.stdin.flush()
    shown = []
    try:
        for line in chat.stdout:  # until the trainee's copy is out (the chat waits for input)
            shown.append(line)
            if "📨" in line:
                break
    finally:
        chat.stdin.close()
        chat.wait(timeout=60)

    assert shown[-1].startswith("📨 （发给用户 88 的消息，不在这个终端）📢 班级通知")
    assert shown[-1].strip().endswith(" / 明天交研修日志")
    assert not any("[1]" in line for line in shown[shown.index("   [2] ✖ 取消\n") + 1 :])
