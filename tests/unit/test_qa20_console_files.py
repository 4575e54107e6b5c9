"""The terminal chat writes the files the bot sends (a survey's 📥 XLSX / 📥 CSV, a chart) into
DATA_DIR/exports/ and prints where (QA20 F2): before, it printed 「📎 survey_1_results.xlsx
（6958 字节）」 and saved nothing. A second export never overwrites the first; a file's name
cannot leave the folder nor hide in it."""

from __future__ import annotations

import re
from pathlib import Path

from bot.engines.console import safe_name, save_file
from tests.unit.test_console import run_cli


def test_survey_exports_are_saved_in_the_data_dir_and_their_paths_printed(tmp_path: Path):
    made = run_cli(
        ["chat", "--role", "manager", "--user", "100"], ["/newclass 数学二班"], tmp_path
    )
    code = re.search(r"加入码：(\w+)", made.stdout).group(1)
    joined = run_cli(["chat", "--role", "trainee", "--user", "201"], [f"/join {code}"], tmp_path)
    assert "已加入培训班" in joined.stdout, joined.stdout
    earlier = tmp_path / "exports" / "survey_1_results.xlsx"  # an export of an earlier chat
    earlier.parent.mkdir()
    earlier.write_bytes(b"earlier")
    # /survey → 专题课程反馈 → 数学二班 → 3 天后截止 → ✅ 确认发送; /results 1 → 📥 XLSX, 📥 CSV
    lines = ["/survey", "1", "1", "2", "1", "/results 1", "1", "2"]

    result = run_cli(["chat", "--role", "manager", "--user", "100"], lines, tmp_path)

    assert result.returncode == 0, result.stderr
    xlsx = tmp_path / "exports" / "survey_1_results-2.xlsx"  # the earlier one is kept
    csv = tmp_path / "exports" / "survey_1_results.csv"
    for path in (xlsx, csv):
        assert f"已保存到：{path}" in result.stdout, result.stdout
    assert "📎 survey_1_results.xlsx（" in result.stdout  # the name it was sent with
    assert xlsx.read_bytes()[:2] == b"PK" and earlier.read_bytes() == b"earlier"
    assert csv.read_text("utf-8-sig").count("\n") >= 1
    assert sorted(p.name for p in earlier.parent.iterdir()) == [
        "survey_1_results-2.xlsx",
        "survey_1_results.csv",
        "survey_1_results.xlsx",
    ]


def test_file_names_stay_in_the_folder_and_nothing_is_overwritten(tmp_path: Path):
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name(".bashrc") == "bashrc"
    assert safe_name("专题 课程<反馈>|结果.xlsx") == "专题_课程_反馈_结果.xlsx"
    assert safe_name("...") == "file"
    assert safe_name("长" * 300 + ".csv") == "长" * 76 + ".csv"
    folder = tmp_path / "exports"
    first = save_file(folder, "../结果.csv", b"a")
    second = save_file(folder, "../结果.csv", b"b")
    third = save_file(folder, "结果.csv", b"c")
    assert [first.name, second.name, third.name] == ["结果.csv", "结果-2.csv", "结果-3.csv"]
    assert first.parent == folder.resolve() and first.read_bytes() == b"a"
    assert not (tmp_path / "结果.csv").exists()
