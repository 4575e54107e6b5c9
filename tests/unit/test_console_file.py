"""The terminal chat's `/file PATH` with a path that is not a file says so in one Chinese line
instead of a traceback and 「抱歉,处理时出了点问题」 (QA 5a #19); a real file is still sent."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_console import run_cli


def test_a_missing_path_or_a_folder_is_named_and_a_file_is_taken(tmp_path: Path) -> None:
    notice = tmp_path / "通知.txt"
    notice.write_text("关于开展研修的通知\n一、研修安排\n参训教师须完成全部课程。\n", "utf-8")
    missing = tmp_path / "没有这个文件.docx"
    result = run_cli(
        ["chat", "--role", "admin", "--user", "900"],
        [f"/file {missing}", f"/file {tmp_path}", f'/file "{notice}"'],
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert f"🤖 「{missing}」不存在。/file 后面写本机上一个文件的路径" in result.stdout
    assert f"🤖 「{tmp_path}」是一个文件夹，不是文件。" in result.stdout
    assert "收到「通知.txt」" in result.stdout  # the quoted path of a real file is read
    assert "处理时出了点问题" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
