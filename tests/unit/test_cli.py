"""The `guopei-bot` commands that read the database: `kbstats` over the question log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli import app
from bot.db import question_crud
from bot.db.session import make_engine, upgrade


def test_kbstats_reports_decline_and_thumbs_down_rates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'guopei.db'}")
    upgrade(engine)
    with Session(engine) as session:
        for number in range(4):
            question_crud.log_question(
                session,
                user_id=7,
                chat_id=7,
                question=f"经费怎么管理{number}",
                answered=number < 3,
                top_title="国培通知",
                top_clause="七、",
                top_doc_id="doc-1",
            )
        first = question_crud.log_question(
            session, user_id=7, chat_id=7, question="学时", answered=True, top_doc_id="doc-1"
        )
        question_crud.set_feedback(session, question_id=first.id, feedback="down")

    result = CliRunner().invoke(app, ["kbstats", "--json", "--days", "7"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert (stats["total"], stats["answered"], stats["declined"]) == (5, 4, 1)
    assert stats["decline_rate"] == pytest.approx(0.2)
    assert stats["thumbs_down_rate"] == pytest.approx(0.25)

    text = CliRunner().invoke(app, ["kbstats"]).output
    assert "拒答率 20.0%" in text and "<b>" not in text


@pytest.mark.parametrize("days", ["0", "1000000"])
def test_kbstats_refuses_a_period_out_of_range_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, days: str
):
    """QA19 F10: 1,000,000 days overflowed the date; the chat's /kbstats allows 1–3650."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["kbstats", "--days", days])
    assert result.exit_code == 2
    assert "--days" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "guopei.db").exists()  # refused before touching anything
