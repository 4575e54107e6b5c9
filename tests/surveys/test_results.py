"""Results, exports and the chart, checked against the rows stored in the database."""

from __future__ import annotations

import csv
import io
import struct
import warnings
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.db.survey_models import SurveyAnswer, SurveyQuestion, SurveyResponse
from bot.services import Services
from bot.settings import Settings
from bot.surveys.chart import cjk_font_path, render_chart
from bot.surveys.export import DETAIL_SHEET, SUMMARY_SHEET, to_csv, to_xlsx
from bot.surveys.results import compute_results
from bot.surveys.templates import LIKERT5
from tests.surveys.seed import seed_survey


@pytest.fixture
def services(database_url: str, tmp_path: Path):
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", _env_file=None)
    built = Services.create(settings)
    yield built
    built.engine.dispose()


def stored_counts(services: Services, survey_id: int) -> dict[int, Counter]:
    """Per question position: how often each option was chosen in submitted responses."""
    counts: dict[int, Counter] = {}
    with services.session() as session:
        rows = session.execute(
            select(
                SurveyQuestion.position,
                SurveyAnswer.choice,
                SurveyAnswer.choices,
                SurveyAnswer.text,
            )
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.survey_id == survey_id, SurveyResponse.status == "submitted")
        )
        for position, choice, choices, text in rows:
            counter = counts.setdefault(position, Counter())
            if choices:
                counter.update(choices)
            elif choice is not None:
                counter[choice] += 1
            elif text:
                counter["text"] += 1
    return counts


def test_figures_and_exports_match_stored_rows(services: Services) -> None:
    survey_id = seed_survey(
        services, submitted=120, in_progress=15, not_started=25, anonymous=False
    )
    with services.session() as session:
        results = compute_results(session, survey_id=survey_id)
    stored = stored_counts(services, survey_id)
    assert (results.members, results.submitted, results.in_progress, results.not_started) == (
        160,
        120,
        15,
        25,
    )
    assert results.response_rate == pytest.approx(120 / 160)
    satisfied = answered = 0
    for q in results.questions:
        if q.kind == "text":
            assert len(q.texts) == stored[q.position]["text"]
            continue
        assert q.counts == [stored[q.position][i] for i in range(len(q.options))]
        if q.kind == "likert5":
            assert q.answered == 120
            expected_mean = sum((5 - i) * n for i, n in enumerate(q.counts)) / 120
            assert q.mean == pytest.approx(expected_mean)
            assert q.satisfied_rate == pytest.approx((q.counts[0] + q.counts[1]) / 120)
            satisfied += q.counts[0] + q.counts[1]
            answered += q.answered
    assert results.overall_satisfied_rate == pytest.approx(satisfied / answered)
    assert results.names is not None and len(results.names["not_started"]) == 25

    # XLSX: the detail sheet has one row per submitted response, the same figures
    book = load_workbook(io.BytesIO(to_xlsx(results)), read_only=True)
    detail = list(book[DETAIL_SHEET].iter_rows(values_only=True))
    header, rows = detail[0], detail[1:]
    assert len(rows) == 120
    assert header[:4] == ("序号", "用户ID", "姓名", "提交时间")
    for q in results.questions:
        column = 4 + q.position
        values = [row[column] for row in rows]
        if q.kind in ("likert5", "single"):
            assert [values.count(option) for option in q.options] == q.counts
        elif q.kind == "multiple":
            picked = Counter(p for v in values if v for p in v.split("、"))
            assert [picked[option] for option in q.options] == q.counts
    summary = {row[0]: row[1] for row in book[SUMMARY_SHEET].iter_rows(values_only=True) if row}
    assert summary["已提交"] == 120 and summary["发送人数"] == 160
    assert summary["回收率"] == pytest.approx(0.75)

    # CSV: the same detail table
    reader = list(csv.reader(io.StringIO(to_csv(results).decode("utf-8-sig"))))
    assert len(reader) == 121
    likert_column = 4 + next(q.position for q in results.questions if q.kind == "likert5")
    likert = next(q for q in results.questions if q.kind == "likert5")
    assert [sum(1 for r in reader[1:] if r[likert_column] == o) for o in LIKERT5] == likert.counts


def test_xlsx_summary_figures_are_numbers(services: Services) -> None:
    """均分, 占比, 满意率 and 回收率 are numbers a manager can sort and average in Excel, shown
    as 3.50 and 50.0%."""
    survey_id = seed_survey(services, submitted=30, not_started=10, anonymous=False)
    with services.session() as session:
        results = compute_results(session, survey_id=survey_id)
    book = load_workbook(io.BytesIO(to_xlsx(results)))
    rows = list(book[SUMMARY_SHEET].iter_rows())
    by_key = {row[0].value: row[1] for row in rows if row[0].value}
    # course_feedback's only 满意度 question, 3, asks for the 总体评价: its figure is the overall
    # one, and no 「各题平均」 figure repeats it.
    overall = next(q for q in results.questions if q.kind == "likert5")
    assert "总体评价" in overall.text and "各题平均满意率" not in by_key
    for key, expected in (("回收率", 0.75), ("总体满意率（第 3 题）", overall.satisfied_rate)):
        cell = by_key[key]
        assert cell.data_type == "n" and cell.value == pytest.approx(expected), key
        assert cell.number_format == "0.0%", key
    header_at = next(i for i, row in enumerate(rows) if row[0].value == "题号")
    header = [cell.value for cell in rows[header_at]]
    share, mean, rate = header.index("占比"), header.index("均分"), header.index("满意率")
    table = rows[header_at + 1 :]
    likert = next(q for q in results.questions if q.kind == "likert5")
    first = next(row for row in table if row[0].value == likert.position + 1)
    assert first[mean].data_type == "n" and first[mean].value == pytest.approx(likert.mean)
    assert first[mean].number_format == "0.00"
    assert first[rate].data_type == "n" and first[rate].number_format == "0.0%"
    assert first[rate].value == pytest.approx(likert.satisfied_rate)
    shares = [row[share] for row in table if row[share].value not in (None, "")]
    assert shares and all(c.data_type == "n" and c.number_format == "0.0%" for c in shares)
    assert all(0 <= c.value <= 1 for c in shares)
    assert first[share].value == pytest.approx(likert.counts[0] / likert.answered)


def test_anonymous_never_reveals_who(services: Services) -> None:
    survey_id = seed_survey(
        services,
        submitted=30,
        in_progress=5,
        not_started=5,
        anonymous=True,
        first_user_id=7_000_000,
    )
    with services.session() as session:
        results = compute_results(session, survey_id=survey_id)
    assert results.names is None
    assert all(
        r.user_id is None and r.name is None and r.submitted_at is None for r in results.rows
    )
    xlsx = load_workbook(io.BytesIO(to_xlsx(results)), read_only=True)
    cells = [str(c) for row in xlsx[DETAIL_SHEET].iter_rows(values_only=True) for c in row]
    assert "用户ID" not in cells and "姓名" not in cells
    csv_text = to_csv(results).decode("utf-8-sig")
    for blob in (" ".join(cells), csv_text):
        assert "学员7000" not in blob and "7000" not in blob
    from handlers.survey_results import results_text

    text = results_text(services, results)
    assert "学员7000" not in text and "未开始：" not in text
    assert "填写中 5" in text and "未开始 5" in text


def test_chart_png_with_cjk_font(services: Services) -> None:
    survey_id = seed_survey(services, submitted=40, template_key="guopei_satisfaction")
    with services.session() as session:
        results = compute_results(session, survey_id=survey_id)
    font = cjk_font_path()
    assert font.is_file()
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(font), lazy=True).getBestCmap()
    drawn = results.survey.title + "".join(q.text[:28] for q in results.questions)
    drawn += "".join(LIKERT5) + "满意率均分占比回收总体各题平均第"
    missing = {ch for ch in drawn if not ch.isspace() and ord(ch) not in cmap}
    assert not missing, f"font {font.name} lacks {missing}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_chart(results)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 800 and height >= 400
    assert len(png) > 20_000  # bars and glyphs drawn, not an empty canvas


def test_chart_subset_font_covers_common_chinese() -> None:
    """The shipped GB2312 subset is the fallback: it has every GB2312 character."""
    from fontTools.ttLib import TTFont

    from bot.surveys.chart import SHIPPED_FONT_DIR

    subset = next(SHIPPED_FONT_DIR.glob("*.otf"))
    cmap = TTFont(str(subset), lazy=True).getBestCmap()
    sample = "国培计划培训满意度调查非常满意一般不满意意见建议授课专家管理服务教学安排"
    assert all(ord(ch) in cmap for ch in sample)
