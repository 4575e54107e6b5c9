"""A number out of range on the command line (QA21 F10): `guopei-bot kbstats --days 0` and
`guopei-bot ask -k 0 国培经费` printed Typer's English box 「Invalid value for '--days': Input
should be greater than or equal to 1」. Every numeric option (and the survey id) now says in
one Chinese line which numbers it takes, exits with status 2 and touches nothing; a number in
range (full-width digits too) is taken as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

DAYS = "❌ --days「{}」不对：天数请写 1 到 3650 之间的整数。"
PASSAGES = "❌ -k「{}」不对：段落数请写 1 到 20 之间的整数。"
SURVEYS = "❌ --limit「{}」不对：问卷数请写 1 到 1000 之间的整数。"
SURVEY_ID = (
    "❌ 「{}」不对：问卷编号请写 1 到 2147483647 之间的整数，编号见 guopei-bot survey list。"
)
USER_ID = "❌ --user「{}」不对：Telegram 用户 ID 请写 1 到 9007199254740991 之间的整数。"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    ("arguments", "refusal"),
    [
        (["kbstats", "--days", "0"], DAYS),
        (["kbstats", "--days", "3651"], DAYS),
        (["kbstats", "--days", "abc"], DAYS),
        (["kbstats", "--days", "1.5"], DAYS),
        (["ask", "-k", "0", "国培经费"], PASSAGES),
        (["ask", "-k", "21", "国培经费"], PASSAGES),
        (["ask", "-k", "-1", "国培经费"], PASSAGES),
        (["survey", "list", "--limit", "0"], SURVEYS),
        (["survey", "list", "--limit", "x"], SURVEYS),
        (["survey", "export", "abc"], SURVEY_ID),
        (["survey", "export", "0"], SURVEY_ID),
        (["survey", "export", "2147483648"], SURVEY_ID),
        (["chat", "--user", "0"], USER_ID),
        (["chat", "--user", "小张"], USER_ID),
    ],
)
def test_a_number_out_of_range_is_refused_in_one_chinese_line(
    data_dir: Path, arguments: list[str], refusal: str
) -> None:
    result = CliRunner().invoke(app, arguments)
    value = (
        arguments[arguments.index("国培经费") - 1] if "国培经费" in arguments else arguments[-1]
    )
    assert result.exit_code == 2
    assert result.output.strip() == refusal.format(value), result.output
    assert list(data_dir.iterdir()) == []  # refused before the database or index was made


def test_a_number_in_range_is_taken_also_in_full_width_digits(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["kbstats", "--json", "--days", "３６５０"])
    assert result.exit_code == 0, result.output
    assert '"total": 0' in result.output
    assert (
        CliRunner().invoke(app, ["survey", "list", "--limit", "1000"]).output == "还没有问卷。\n"
    )
    missing = CliRunner().invoke(app, ["survey", "export", "7"])
    assert missing.exit_code == 1 and "没有编号为 7 的问卷" in missing.output


@pytest.mark.parametrize(
    ("arguments", "refusal"),
    [
        (["kbstats", "--days", "0"], DAYS.format(0)),
        (["ask", "-k", "0", "国培经费"], PASSAGES.format(0)),
    ],
)
def test_the_installed_command_prints_only_that_line(
    data_dir: Path, arguments: list[str], refusal: str
) -> None:
    """The tester's two commands, run as `guopei-bot` (its `main`), as a shell runs them."""
    script = Path(sys.executable).with_name("guopei-bot")
    done = subprocess.run(
        [str(script), *arguments], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", refusal + "\n")
