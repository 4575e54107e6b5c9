"""A typo that makes a non-word (万案, 管埋) is repaired from the notices' own phrase around it."""

from __future__ import annotations

from knowledge.spelling import QueryCorrector


def test_a_non_word_is_repaired_from_the_phrase_around_it() -> None:
    corrector = QueryCorrector(
        {"方案": 3, "工作": 5, "学分": 2, "管理": 4},
        {},
        "各地要制定扶贫专项工作方案。大力推行学分管理。实现培训全覆盖。",
    )
    words = ["扶贫", "专项", "工作", "万案", "不"]
    assert corrector.correct("扶贫专项工作万案不", words) == "扶贫专项工作方案不"
    assert (
        corrector.correct("也搞学分管埋吗", ["也", "搞", "学分", "管埋", "吗"]) == "也搞学分管理吗"
    )
    assert corrector.correct("培训全履盖", ["培训", "全履盖"]) == "培训全覆盖"


def test_a_real_word_or_an_unmatched_phrase_is_left_alone() -> None:
    corrector = QueryCorrector({"方案": 3, "工作": 5}, {}, "制定扶贫专项工作方案。")
    assert (
        corrector.correct("工作万岁", ["工作", "万岁"], lambda word: word == "万岁") == "工作万岁"
    )
    assert corrector.correct("生活万案", ["生活", "万案"]) == "生活万案"
