"""/results at Telegram's limits (QA 5b H2, M6): the results of a big survey arrive whole
(at most 4,096 visible UTF-16 units of valid HTML, with every button), and the list of surveys
reaches every one of them, a page at a time, with labels that tell them apart."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.chat import Edit
from bot.db import survey_crud as scrud
from bot.db.models import utcnow
from bot.limits import visible_text
from bot.surveys.results import compute_results
from handlers.survey_results import results_text
from tests.surveys.helpers import SurveyEnv, button_data, buttons
from tests.surveys.limits_helpers import (
    assert_telegram_takes,
    big_questions,
    long_title,
    message,
    seed_big_survey,
    telegram_problems,
)

MANAGER = 500


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


# ---------------------------------------------------------------- H2: /results of a big survey


def test_results_of_a_25_question_survey_with_250_answers_fit(env: SurveyEnv) -> None:
    with env.services.session() as session:
        survey_id = seed_big_survey(
            session,
            manager_id=MANAGER,
            questions=big_questions(25),
            submitted=250,
            in_progress=30,
            not_started=30,
        )
    replies = env.command(MANAGER, f"/results {survey_id}")
    shown = message(replies)
    units = assert_telegram_takes(shown)
    assert units > 2_000  # as much as fits is shown, not a stub
    visible = visible_text(shown.text)
    assert long_title() in visible  # the title as it was written, escaped once
    assert "回收率" in visible and "（250/310）" in visible
    assert "其余见导出文件" in visible and "题未列出" in visible
    assert "1. 第1题" in visible  # the questions are left out from the end, not the start
    assert "填写中：" in visible and "未开始：" in visible
    labels = [label for label, _ in buttons(replies)]
    for wanted in ("📥 XLSX", "📥 CSV", "🔄 刷新", "🔔 提醒未提交的学员", "⏹ 结束问卷"):
        assert wanted in labels
    # the same text when the button 「刷新」 edits it
    refreshed = message(env.press(MANAGER, f"sr:1:r:{survey_id}"))
    assert isinstance(refreshed, Edit) and assert_telegram_takes(refreshed) == units


def test_results_text_fits_whatever_the_title_length(env: SurveyEnv) -> None:
    """The old cut at 3,990 characters split a tag or an entity for some title lengths."""
    with env.services.session() as session:
        survey_id = seed_big_survey(
            session,
            manager_id=MANAGER,
            questions=big_questions(12),
            submitted=40,
            in_progress=40,
            not_started=40,
        )
        results = compute_results(session, survey_id=survey_id, with_rows=False)
    for length in range(0, 65, 3):
        results.survey.title = ("标&<" * 30)[:length] or "标"
        text = results_text(env.services, results)
        assert not telegram_problems(text), (length, telegram_problems(text))


def test_small_results_are_shown_in_full(env: SurveyEnv) -> None:
    with env.services.session() as session:
        survey_id = seed_big_survey(
            session,
            manager_id=MANAGER,
            questions=big_questions(4),
            submitted=10,
            not_started=2,
        )
    visible = visible_text(message(env.command(MANAGER, f"/results {survey_id}")).text)
    assert "未列出" not in visible and "4. 第4题" in visible
    assert visible.count("  • ") == 8  # the latest eight free-text answers


# ---------------------------------------------------------------- M6: the /results picker


def test_results_picker_reaches_every_survey(env: SurveyEnv) -> None:
    class_ids = [env.new_class(MANAGER, [1001], name=long_title(f"第{n}期")) for n in range(1, 4)]
    with env.services.session() as session:
        for number in range(20):
            scrud.create_survey(
                session,
                class_id=class_ids[number % 3],
                template_key="guopei_satisfaction",
                title=long_title(f"{number + 1:02d}"),  # titles differ only at the end
                description="",
                anonymous=False,
                created_by=MANAGER,
                closes_at=utcnow() + timedelta(days=3, minutes=number),
                nudge_at=None,
                questions=[{"kind": "likert5", "text": "总体", "options": []}],
            )
    listed = env.command(MANAGER, "/results")
    page = message(listed)
    assert_telegram_takes(page)
    visible = visible_text(page.text)
    assert "共 20 份" in visible and "第 1/3 页" in visible and "/results 编号" in visible
    seen: dict[str, str] = {}
    for number in range(3):
        survey_buttons = [(t, d) for t, d in buttons([page]) if d.startswith("sr:1:v:")]
        assert len(survey_buttons) == (8 if number < 2 else 4)
        seen.update(survey_buttons)
        if number < 2:
            page = message(env.press(MANAGER, button_data([page], "下一页 ▶")))
            assert isinstance(page, Edit) and f"第 {number + 2}/3 页" in page.text
            assert_telegram_takes(page)
    assert sorted(int(d.rsplit(":", 1)[1]) for d in seen.values()) == list(range(1, 21))
    assert len(set(seen)) == 20  # twenty different labels
    for label, data in seen.items():
        survey_id = int(data.rsplit(":", 1)[1])
        assert label.startswith(f"#{survey_id} ") and f"{survey_id:02d}" in label, label
        assert re.search(r"第\d期", label), label  # the class, cut keeping its tail
    back = message(env.press(MANAGER, button_data([page], "◀ 上一页")))
    assert "第 2/3 页" in back.text
    oldest = message(env.press(MANAGER, seen[next(t for t in seen if t.startswith("#1 "))]))
    assert "（#1）" in oldest.text and "回收率" in oldest.text
    # any survey by its number, too
    assert "（#3）" in message(env.command(MANAGER, "/results 3")).text
