"""QA22 F9: `guopei-bot deadlines` labelled the 2013 意见's 「到2017年底」 item 「第一、」
where the chat's /deadlines says 「第一部分」; `guopei-bot ask` cited clauses without 「条款」.
The CLI now labels a clause as every chat citation does (knowledge.models.clause_label)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return CliRunner()


def test_deadlines_label_a_numbered_part_as_the_chat_does(runner: CliRunner) -> None:
    result = runner.invoke(app, ["deadlines"])
    assert result.exit_code == 0, result.output
    assert "第一部分" in result.output
    assert "第一、" not in result.output
    assert "条款 八、" in result.output  # a clause numbered 八、 reads as in a citation


def test_ask_cites_the_clause_as_the_chat_does(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ask", "国培经费谁出"])
    assert result.exit_code == 0, result.output
    cited = [line for line in result.output.splitlines() if line.strip().startswith("——")]
    assert cited and any("条款 " in line for line in cited)  # 「条款 七、」, as in the chat
