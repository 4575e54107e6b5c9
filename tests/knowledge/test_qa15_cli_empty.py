"""QA15 L11: `guopei-bot ask ""` and other refused input say why in Chinese, not only a code."""

from __future__ import annotations

import typer
from typer.testing import CliRunner


def ask(app: typer.Typer, question: str) -> str:
    """The plain `ask` output for one question, on a wide terminal."""
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ask", question])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_empty_question_says_to_write_one(app: typer.Typer) -> None:
    output = ask(app, "")
    assert "无法回答：问题是空的，请在 ask 后面写上要问的内容" in output
    assert "无法回答：（" not in output


def test_a_blank_question_says_the_same(app: typer.Typer) -> None:
    assert "问题是空的" in ask(app, "   ")


def test_punctuation_only_asks_for_words(app: typer.Typer) -> None:
    assert "无法回答：没有看到文字内容，请用文字写出问题" in ask(app, "？？？")


def test_a_too_long_question_gives_the_limit(app: typer.Typer) -> None:
    assert "请用一两句话（1000 字以内）" in ask(app, "参训教师" * 300)
