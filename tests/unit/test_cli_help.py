"""`guopei-bot --help` lists each command with its docstring as one paragraph: the wrapped
lines were kept as line breaks (「…and show」 / 「what cleaning removed.…」 on lines of their own,
ragged in the box). Rendered as markdown, they are joined and wrapped to the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def help_text(tmp_path: Path, *command: str) -> str:
    env = os.environ | {"DATA_DIR": str(tmp_path), "COLUMNS": "300", "BOT_TOKEN": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command, "--help"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "paragraph",
    [
        "knowledge base and show what cleaning removed. A new version of a stored notice",
        "(a running bot too): an uploaded file is moved into DATA_DIR/notices/.removed/, a",
        "notice file has the same content; one whose 文号 or title a live file holds only",
    ],
)
def test_the_command_list_shows_each_docstring_as_one_paragraph(
    tmp_path: Path, paragraph: str
) -> None:
    assert paragraph in help_text(tmp_path)
