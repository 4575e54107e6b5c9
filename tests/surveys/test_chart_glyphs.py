"""The results chart draws no empty boxes (QA 5b L3): emoji and characters the CJK font lacks
are drawn with the fallback font or left out, and matplotlib warns of no missing glyph."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.surveys.chart import _drawable_chars, render_chart
from bot.surveys.results import compute_results
from tests.surveys.helpers import SurveyEnv
from tests.surveys.limits_helpers import big_questions, seed_big_survey

MANAGER = 500


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


# ---------------------------------------------------------------- L3: emoji in the chart


def test_chart_draws_no_empty_boxes(env: SurveyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    questions = big_questions(4)
    questions[1]["options"][0] = "😀👨‍👩‍👧‍👦🇨🇳"  # nothing of it in the fonts but 😀
    questions[1]["options"][1] = "🇨🇳"  # nothing at all
    with env.services.session() as session:
        survey_id = seed_big_survey(
            session,
            manager_id=MANAGER,
            questions=questions,
            submitted=5,
            title="培训😀满意度👨‍👩‍👧‍👦调查🇨🇳𠀀✓",
        )
        results = compute_results(session, survey_id=survey_id, with_rows=False)
    drawn: list[Figure] = []
    original = Figure.savefig

    def record(self: Figure, *args: object, **kwargs: object) -> None:
        drawn.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_chart(results)
    assert png[:4] == b"\x89PNG"
    assert not [w for w in caught if "missing from font" in str(w.message)], caught
    texts = [t.get_text() for t in drawn[0].findobj(match=Text) if t.get_visible()]
    fonts_have = _drawable_chars()
    for text in texts:
        assert all(c == "\n" or ord(c) in fonts_have for c in text), text
    title = next(t for t in texts if "满意度" in t and "回收" in t)
    assert title.startswith("培训😀满意度调查✓ · ")
    assert "选项2" in texts and "😀" in texts  # an option with nothing left: its number
