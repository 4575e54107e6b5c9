"""A mistyped command line — an option without its value, a value not among the choices, an
unknown option or command, a missing argument, words too many — printed Typer's English box
(「╭─ Error ─╮ Option '--engine' requires an argument.」). The installed `guopei-bot` now says
in one Chinese line on stderr what to write instead and where the help is, with exit status 2
as before; --help, the commands themselves and their own exit statuses are as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("guopei-bot")


def guopei_bot(*args: str, data_dir: Path, module: bool = False) -> subprocess.CompletedProcess:
    """Run the installed console script (or `python -m bot`) as a shell does."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    command = [sys.executable, "-m", "bot"] if module else [str(SCRIPT)]
    return subprocess.run(
        [*command, *args],
        env={**clean, "DATA_DIR": str(data_dir), "COLUMNS": "80"},
        cwd=data_dir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_told(done: subprocess.CompletedProcess, line: str) -> None:
    """Exactly that one Chinese line on stderr, nothing on stdout, status 2, no English box."""
    assert (done.returncode, done.stdout, done.stderr) == (2, "", line + "\n"), done.stderr
    for english in ("Usage:", "Error", "Try '", "╭"):
        assert english not in done.stderr


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (
            ["run", "--engine"],
            "❌ --engine 需要一个值：ptb 或 aiogram。用法见 guopei-bot run --help",
        ),
        (
            ["chat", "--role"],
            "❌ --role 需要一个值：trainee、manager 或 admin。用法见 guopei-bot chat --help",
        ),
        (["chat", "--user"], "❌ --user 需要一个值。用法见 guopei-bot chat --help"),
        (
            ["survey", "export", "3", "-f"],
            "❌ -f 需要一个值：xlsx 或 csv。用法见 guopei-bot survey export --help",
        ),
    ],
)
def test_an_option_without_its_value_names_what_it_takes(
    tmp_path: Path, arguments: list[str], line: str
) -> None:
    assert_told(guopei_bot(*arguments, data_dir=tmp_path), line)


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (["run", "--engine", "foo"], "❌ --engine 的值 foo 不对，可选：ptb、aiogram。"),
        (["run", "--engine="], "❌ --engine 的值不对，可选：ptb、aiogram。"),
        (["chat", "--role", "boss"], "❌ --role 的值 boss 不对，可选：trainee、manager、admin。"),
        (
            ["survey", "export", "3", "--format", "pdf"],
            "❌ --format 的值 pdf 不对，可选：xlsx、csv。",
        ),
    ],
)
def test_a_value_not_among_the_choices_lists_them(
    tmp_path: Path, arguments: list[str], line: str
) -> None:
    assert_told(guopei_bot(*arguments, data_dir=tmp_path), line)
    assert not (tmp_path / "guopei.db").exists()  # refused before touching anything


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (["run", "--nope"], "❌ 没有 --nope 这个选项。用法见 guopei-bot run --help"),
        (["--nope"], "❌ 没有 --nope 这个选项。用法见 guopei-bot --help"),
        (["ask", "-x"], "❌ 没有 -x 这个选项。用法见 guopei-bot ask --help"),
        (["ask", "--jsn"], "❌ 没有 --jsn 这个选项，是不是 --json？用法见 guopei-bot ask --help"),
        (
            ["ask", "--json=yes", "经费"],
            "❌ --json 后面不用写值，只写 --json 即可。用法见 guopei-bot ask --help",
        ),
    ],
)
def test_an_unknown_option_is_named(tmp_path: Path, arguments: list[str], line: str) -> None:
    assert_told(guopei_bot(*arguments, data_dir=tmp_path), line)


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (["foo"], "❌ 没有 foo 这个命令。可用的命令见 guopei-bot --help"),
        (["notice"], "❌ 没有 notice 这个命令，是不是 notices？可用的命令见 guopei-bot --help"),
        (["db", "foo"], "❌ 没有 foo 这个命令。可用的命令见 guopei-bot db --help"),
    ],
)
def test_an_unknown_command_points_to_the_list(
    tmp_path: Path, arguments: list[str], line: str
) -> None:
    assert_told(guopei_bot(*arguments, data_dir=tmp_path), line)


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (
            ["restore"],
            "❌ guopei-bot restore 后面要写 name：删除过的通知文件名。"
            "用法见 guopei-bot restore --help",
        ),
        (
            ["remove"],
            "❌ guopei-bot remove 后面要写 names：通知文件名（见 guopei-bot notices）。"
            "用法见 guopei-bot remove --help",
        ),
        (
            ["survey", "export"],
            "❌ guopei-bot survey export 后面要写 survey。用法见 guopei-bot survey export --help",
        ),
    ],
)
def test_a_missing_argument_is_named(tmp_path: Path, arguments: list[str], line: str) -> None:
    assert_told(guopei_bot(*arguments, data_dir=tmp_path), line)


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (
            ["restore", "我的", "通知.txt"],
            "❌ guopei-bot restore 多写了参数 通知.txt。文件名或问题里有空格时，请用引号括起来。"
            "用法见 guopei-bot restore --help",
        ),
        (
            ["run", "now"],
            "❌ guopei-bot run 后面不用写参数，多了 now。用法见 guopei-bot run --help",
        ),
    ],
)
def test_words_too_many_are_shown(tmp_path: Path, arguments: list[str], line: str) -> None:
    assert_told(guopei_bot(*arguments, data_dir=tmp_path), line)


def test_python_m_bot_says_the_same(tmp_path: Path) -> None:
    done = guopei_bot("run", "--engine", data_dir=tmp_path, module=True)
    assert_told(done, "❌ --engine 需要一个值：ptb 或 aiogram。用法见 guopei-bot run --help")


def test_the_numeric_options_keep_their_own_line(tmp_path: Path) -> None:
    done = guopei_bot("kbstats", "--days", "0", data_dir=tmp_path)
    assert_told(done, "❌ --days「0」不对：天数请写 1 到 3650 之间的整数。")


def test_help_is_still_printed(tmp_path: Path) -> None:
    helped = guopei_bot("run", "--help", data_dir=tmp_path)
    assert helped.returncode == 0 and helped.stderr == ""
    assert "guopei-bot run" in helped.stdout and "--engine" in helped.stdout
    assert "ptb|aiogram" in helped.stdout

    bare = guopei_bot(data_dir=tmp_path)  # a bare group shows its help, status 2 as before
    assert bare.returncode == 2
    assert "Commands" in bare.stdout + bare.stderr and "notices" in bare.stdout + bare.stderr
    assert "❌" not in bare.stdout + bare.stderr

    group = guopei_bot("survey", data_dir=tmp_path)
    assert group.returncode == 2 and "export" in group.stdout + group.stderr


def test_a_command_runs_and_keeps_its_own_exit_status(tmp_path: Path) -> None:
    upgraded = guopei_bot("db", "upgrade", data_dir=tmp_path)
    assert (upgraded.returncode, upgraded.stdout) == (0, "数据库已是最新版本。\n"), upgraded.stderr

    missing = guopei_bot("survey", "export", "7", data_dir=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr == "没有编号为 7 的问卷。用 survey list 查看。\n"

    both = guopei_bot("ingest", "--replace", "--keep-both", "a.txt", data_dir=tmp_path)
    assert both.returncode == 2 and "--replace 和 --keep-both 只能选一个。" in both.stderr
