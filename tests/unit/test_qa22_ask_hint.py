"""「还有呢」 after an answer (QA22 F6), in the offline console chat: the hint names the
「🙋 问班主任」 button only to a user whose answer had it (one in a class); a trainee in no class
is told to join a class with /join and the code from the class manager."""

from __future__ import annotations

import re
from pathlib import Path

from tests.unit.test_console import run_cli

QUESTION = "国培经费谁出"
ASK_BUTTON = "🙋 问班主任"
JOIN_HINT = "想请老师解答，请先发送 /join 加入码 加入您的培训班（加入码向班主任要）"


def test_a_trainee_in_no_class_is_told_to_join_not_to_press_a_missing_button(tmp_path: Path):
    result = run_cli(["chat", "--user", "501"], [QUESTION, "还有呢"], tmp_path)
    assert result.returncode == 0, result.stderr
    answer, hint = result.stdout.rsplit("🤖 ", 1)
    assert "—— 《" in answer and ASK_BUTTON not in answer  # no class manager to ask
    assert "问班主任" not in hint
    assert JOIN_HINT in hint and "「更多 ▶」" in hint


def test_a_class_member_is_pointed_to_the_ask_button(tmp_path: Path):
    manager = ["chat", "--role", "manager", "--user", "77"]
    created = run_cli(manager, ["/newclass 语文一班"], tmp_path)
    assert created.returncode == 0, created.stderr
    code = re.search(r"加入码：(\w+)", created.stdout)
    assert code, created.stdout
    result = run_cli(["chat", "--user", "502"], [f"/join {code[1]}", QUESTION, "还有呢"], tmp_path)
    assert result.returncode == 0, result.stderr
    answer, hint = result.stdout.rsplit("🤖 ", 1)
    assert ASK_BUTTON in answer  # the button the hint names is there
    assert "想请老师解答，请点「🙋 问班主任」" in hint and "/join" not in hint


def test_a_manager_in_no_class_gets_no_button_nor_join_hint(tmp_path: Path):
    result = run_cli(["chat", "--role", "manager", "--user", "78"], [QUESTION, "还有呢"], tmp_path)
    assert result.returncode == 0, result.stderr
    answer, hint = result.stdout.rsplit("🤖 ", 1)
    assert ASK_BUTTON not in answer
    assert "问班主任" not in hint and "/join" not in hint and "「更多 ▶」" in hint
