"""QA22 on `guopei-bot chat`: without --role a user acts with their stored role (F10: a stored
manager was told /unanswered is for managers only), and log records stay out of the terminal,
in DATA_DIR/logs/chat.log (F11: a WARNING line was printed between the chat's messages)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_console import role_in_database, run_cli

REFUSED = "只有班主任可以使用"


def make_manager(data_dir: Path, user_id: int) -> None:
    """User `user_id` opens a class in a chat as manager, then an admin makes them one for good."""
    opened = run_cli(
        ["chat", "--user", str(user_id), "--role", "manager"],
        ["/newclass 2026国培语文一班"],
        data_dir,
    )
    assert "已创建培训班「2026国培语文一班」" in opened.stdout, opened.stdout + opened.stderr
    added = run_cli(
        ["chat", "--user", "1", "--role", "admin"], [f"/addmanager {user_id}"], data_dir
    )
    assert added.returncode == 0, added.stderr
    assert role_in_database(data_dir, user_id) == "manager", added.stdout


def test_a_stored_manager_without_role_is_a_manager(tmp_path: Path) -> None:
    make_manager(tmp_path, 100)

    chat = run_cli(["chat", "--user", "100"], ["/unanswered"], tmp_path)

    assert chat.returncode == 0, chat.stderr
    assert "没有待解答的问题" in chat.stdout  # the manager's answer, not a refusal
    assert REFUSED not in chat.stdout
    assert role_in_database(tmp_path, 100) == "manager"


def test_a_new_user_without_role_is_a_trainee(tmp_path: Path) -> None:
    chat = run_cli(["chat", "--user", "300"], ["/unanswered", "/newclass 偷偷建班"], tmp_path)

    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.count(REFUSED) == 2
    assert role_in_database(tmp_path, 300) == "trainee"


def test_role_trainee_on_a_stored_manager_holds_for_that_chat_only(tmp_path: Path) -> None:
    make_manager(tmp_path, 100)

    as_trainee = run_cli(["chat", "--user", "100", "--role", "trainee"], ["/unanswered"], tmp_path)

    assert REFUSED in as_trainee.stdout, as_trainee.stderr
    assert role_in_database(tmp_path, 100) == "manager"  # put back when the chat ended
    again = run_cli(["chat", "--user", "100"], ["/unanswered"], tmp_path)
    assert "没有待解答的问题" in again.stdout


def test_a_refused_results_request_prints_no_log_line(tmp_path: Path) -> None:
    make_manager(tmp_path, 100)

    chat = run_cli(["chat", "--user", "100"], ["/results 99"], tmp_path)

    assert chat.returncode == 0, chat.stderr
    terminal = chat.stdout + chat.stderr
    assert "WARNING" not in terminal
    assert "guopei.surveys" not in terminal and "refused survey" not in terminal
    assert "没有编号为 99 的问卷" in chat.stdout
    log = (tmp_path / "logs" / "chat.log").read_text(encoding="utf-8")
    assert "refused survey 99 results for user 100" in log  # kept for whoever looks into it
