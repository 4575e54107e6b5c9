"""What a manager reads on the results chart: the questions top to bottom in their order, whole
numbers on the axes that count people, and question labels wrapped without a line that starts
with punctuation (a lone 「?」 or 「、后勤保障」)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.services import Services
from bot.settings import Settings
from bot.surveys.chart import render_chart, wrap_cjk
from bot.surveys.results import SurveyResults, compute_results
from tests.surveys.seed import seed_survey

NUMBERED = re.compile(r"^(\d+)\. ")
LINE_START_PUNCTUATION = set("、,，。.．!！?？;；:：)）]】』」》…%")


@pytest.fixture
def services(database_url: str, tmp_path: Path):
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", _env_file=None)
    built = Services.create(settings)
    yield built
    built.engine.dispose()


def drawn_figure(results: SurveyResults, monkeypatch: pytest.MonkeyPatch) -> Figure:
    """The figure render_chart saves as the PNG the manager gets, drawn as in that PNG."""
    saved: list[Figure] = []
    original = Figure.savefig

    def record(self: Figure, *args: object, **kwargs: object) -> None:
        saved.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    png = render_chart(results)
    assert png[:4] == b"\x89PNG" and len(saved) == 1
    return saved[0]


def question_texts(figure: Figure) -> list[Text]:
    """Every drawn text that begins with a question number: bar labels and panel titles."""
    return [
        text
        for text in figure.findobj(match=Text)
        if text.get_visible() and NUMBERED.match(text.get_text())
    ]


def results_of(services: Services, template_key: str, submitted: int) -> SurveyResults:
    survey_id = seed_survey(services, submitted=submitted, template_key=template_key)
    with services.session() as session:
        return compute_results(session, survey_id=survey_id)


def test_questions_run_top_to_bottom_in_order(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # course_feedback: 1 single, 2 multiple, 3 likert5 (4 is free text, not drawn)
    figure = drawn_figure(results_of(services, "course_feedback", 2), monkeypatch)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = question_texts(figure)
    top_down = sorted(texts, key=lambda t: -t.get_window_extent(renderer).y1)
    numbers = [int(NUMBERED.match(t.get_text()).group(1)) for t in top_down]  # type: ignore[union-attr]
    assert numbers == [1, 2, 3], [t.get_text() for t in top_down]


def test_head_counts_are_whole_numbers(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    figure = drawn_figure(results_of(services, "course_feedback", 2), monkeypatch)
    counted = [ax for ax in figure.axes if ax.get_title(loc="left")]  # the choice questions
    assert len(counted) == 2
    for ax in counted:
        low, high = ax.get_xlim()
        shown = [
            label.get_text()
            for label, tick in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
            if low <= tick <= high
        ]
        assert len(shown) >= 2, shown
        assert all(re.fullmatch(r"\d+", value) for value in shown), shown
        assert ax.get_xlabel() == "人数"


def test_wrapped_labels_keep_punctuation_with_the_text_before_it(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    figure = drawn_figure(results_of(services, "guopei_satisfaction", 3), monkeypatch)
    labels = [t.get_text() for t in question_texts(figure)]
    assert len(labels) == 6
    for label in labels:
        for line in label.split("\n"):
            assert line.strip() and line[0] not in LINE_START_PUNCTUATION, labels
    assert "6. 您对本次培训的总体满意度如何？" in labels
    assert "4. 您对培训的管理服务（班级管理、\n后勤保障、学习支持）是否满意？" in labels


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("您对本次培训的总体满意度如何?", ["您对本次培训的总体满意度如何?"]),
        ("您对本次培训的总体满意度如何?？", ["您对本次培训的总体满意度如何?？"]),
        ("一二三四五六七八九十一二三(四)", ["一二三四五六七八九十一二三", "(四)"]),
        ("信息技术应用能力提升工程2.0的项目", ["信息技术应用能力提升工程", "2.0的项目"]),
        ("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", None),
        ("短", ["短"]),
    ],
)
def test_wrap_cjk(text: str, lines: list[str] | None) -> None:
    wrapped = wrap_cjk(text, 14)
    if lines is not None:
        assert wrapped == lines
    else:  # too long for two lines: cut, and the cut is marked
        assert len(wrapped) == 2 and wrapped[1].endswith("…") and len(wrapped[1]) <= 14
