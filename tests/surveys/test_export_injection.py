"""What trainees, managers and templates wrote reaches the exports as text, never as a live
spreadsheet formula (CSV injection): the 📥 XLSX / CSV buttons and `guopei-bot survey export`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.db import crud
from tests.surveys.helpers import SurveyEnv, button_data, files, first_text

MANAGER = 500
TRAINEE = 1001
HYPERLINK = '=HYPERLINK("http://evil.example","点我")'
EVIL_NAME = "@SUM(1+1)*cmd"
EVIL_CLASS = "+语文班"


def answered_survey(env: SurveyEnv) -> int:
    """The course feedback survey, submitted by a trainee whose name and answer are formulas."""
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [TRAINEE], name=EVIL_CLASS)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    page = env.press(TRAINEE, f"sv:1:s:{survey_id}", message_id=7)
    page = env.press(TRAINEE, button_data(page, "适中"), message_id=7)
    page = env.press(TRAINEE, button_data(page, "案例研讨"), message_id=7)
    page = env.press(TRAINEE, button_data(page, "选好了"), message_id=7)
    env.press(TRAINEE, button_data(page, "满意"), message_id=7)
    review = env.text(TRAINEE, HYPERLINK)
    done = env.press(TRAINEE, button_data(review, "提交"), message_id=7)
    assert "已提交" in first_text(done)
    with env.services.session() as session:  # the name Telegram gave on the trainee's last visit
        crud.upsert_user(session, user_id=TRAINEE, first_name=EVIL_NAME)
    return survey_id


def xlsx_cells(content: bytes, sheet: str) -> list[tuple[object, str]]:
    book = load_workbook(io.BytesIO(content))
    return [(cell.value, cell.data_type) for row in book[sheet].iter_rows() for cell in row]


def test_xlsx_button_writes_formulas_as_text(env: SurveyEnv) -> None:
    survey_id = answered_survey(env)
    content = files(env.press(MANAGER, f"sr:1:x:{survey_id}"))[0].content
    detail = xlsx_cells(content, "明细")
    assert all(kind != "f" for _, kind in detail), detail
    assert (HYPERLINK, "s") in detail and (EVIL_NAME, "s") in detail
    summary = xlsx_cells(content, "汇总")
    assert all(kind != "f" for _, kind in summary)
    assert (EVIL_CLASS, "s") in summary
    book = load_workbook(io.BytesIO(content))
    answer_cell = next(c for row in book["明细"].iter_rows() for c in row if c.value == HYPERLINK)
    assert answer_cell.quotePrefix  # Excel keeps it text even when the cell is edited


def test_csv_button_neutralises_formulas(env: SurveyEnv) -> None:
    survey_id = answered_survey(env)
    content = files(env.press(MANAGER, f"sr:1:c:{survey_id}"))[0].content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    values = [value for row in rows for value in row]
    assert "'" + HYPERLINK in values and "'" + EVIL_NAME in values
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values), values
    assert "适中" in values  # ordinary answers are untouched


def test_cli_export_writes_text_not_formulas(
    env: SurveyEnv, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey_id = answered_survey(env)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r3.xlsx"
    result = CliRunner().invoke(
        app, ["survey", "export", str(survey_id), "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    detail = xlsx_cells(out.read_bytes(), "明细")
    assert (HYPERLINK, "s") in detail and all(kind != "f" for _, kind in detail)
    result = CliRunner().invoke(app, ["survey", "export", str(survey_id), "-f", "csv", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "'" + HYPERLINK.replace('"', '""') in result.stdout
    assert '"=HYPERLINK' not in result.stdout and ",=HYPERLINK" not in result.stdout
