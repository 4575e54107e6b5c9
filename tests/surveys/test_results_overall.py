"""The 满意率 a manager copies as 学员满意率 (QA12 #10): a survey that asks 「您对本次培训的总体
满意度如何？」 has that question's figure on top as 「总体满意率（第 6 题）」, and the figure of
all 满意度 answers together is labelled 「各题平均满意率」 — in /results, the chart, the XLSX and
the message sent when the survey closes. In-process, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from types import SimpleNamespace

from openpyxl import load_workbook
from sqlalchemy import update

from bot.db.models import utcnow
from bot.db.survey_models import Survey
from bot.surveys.chart import build_figure
from bot.surveys.export import SUMMARY_SHEET
from bot.surveys.results import QuestionStats, satisfaction_figures
from handlers.survey_results import close_due, satisfaction_lines
from tests.surveys.helpers import SurveyEnv, button_data, files, first_text

MANAGER = 500
TRAINEES = [1001, 1002, 1003, 1004]
# QA12's answers: 非常满意 ×4, 满意 ×1, 一般 ×1, the last (总体满意度) 非常满意.
ANSWERS = ["非常满意", "满意", "一般", "非常满意", "非常满意", "非常满意"]


class Recorder:
    """The messenger of the closing message: records what is sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, chat_id: int, text: str, buttons: object = ()) -> None:
        self.sent.append(text)


def answered_survey(env: SurveyEnv) -> int:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    # all four alike: the built-in survey is anonymous, and while it is open shows its
    # figures once every member has answered (or in batches of 3, the newest held back)
    for user in TRAINEES:
        page = env.press(user, f"sv:1:s:{survey_id}", message_id=7)
        for label in ANSWERS:
            page = env.press(user, button_data(page, label), message_id=7)
        page = env.press(user, button_data(page, "跳过"), message_id=7)
        assert "已提交" in first_text(env.press(user, button_data(page, "提交"), message_id=7))
    return survey_id


def test_the_overall_question_is_the_overall_figure_everywhere(env: SurveyEnv) -> None:
    survey_id = answered_survey(env)

    replies = env.command(MANAGER, f"/results {survey_id}")

    text = first_text(replies)
    assert "总体满意率（第 6 题）：<b>100.0%</b>\n各题平均满意率：83.3%（6 道满意度题）" in text
    assert "总体满意率：" not in text  # no unlabelled mean any more
    assert "6. 您对本次培训的总体满意度如何？" in text and "满意率 100.0%" in text

    book = load_workbook(io.BytesIO(files(env.press(MANAGER, f"sr:1:x:{survey_id}"))[0].content))
    summary = {row[0]: row[1] for row in book[SUMMARY_SHEET].iter_rows(values_only=True) if row}
    assert summary["总体满意率（第 6 题）"] == 1.0
    assert abs(summary["各题平均满意率"] - 5 / 6) < 1e-9
    assert "总体满意率" not in summary

    from bot.surveys.results import compute_results

    with env.services.session() as session:
        results = compute_results(session, survey_id=survey_id, with_rows=False)
    title = build_figure(results).get_suptitle()
    assert title.endswith(" · 总体满意率（第 6 题） 100.0% · 各题平均满意率 83.3%"), title

    recorder = Recorder()
    env.services.messenger = recorder  # type: ignore[assignment]
    with env.services.session() as session:
        session.execute(update(Survey).values(closes_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert asyncio.run(close_due(env.services)) == 1
    (closing,) = recorder.sent
    assert "总体满意率（第 6 题） 100.0%，各题平均满意率 83.3%。" in closing, closing


def likert(position: int, text: str, rate: float) -> QuestionStats:
    return QuestionStats(
        position=position,
        kind="likert5",
        text=text,
        required=True,
        options=(),
        counts=[],
        answered=4,
        satisfied_rate=rate,
    )


def test_without_an_overall_question_only_the_average_is_shown() -> None:
    results = SimpleNamespace(
        questions=[likert(0, "您对授课专家是否满意？", 1.0), likert(1, "您对后勤是否满意？", 0.5)],
        overall_satisfied_rate=0.75,
    )
    assert satisfaction_figures(results) == [("各题平均满意率", 0.75)]  # type: ignore[arg-type]
    assert satisfaction_lines(results) == ["各题平均满意率：<b>75.0%</b>（2 道满意度题）"]
    # 整体满意程度 asks the same; when it is the only 满意度 question, no average repeats it
    results.questions = [likert(2, "您对本次研修的整体满意程度", 0.5)]
    results.overall_satisfied_rate = 0.5
    assert satisfaction_lines(results) == ["总体满意率（第 3 题）：<b>50.0%</b>"]
