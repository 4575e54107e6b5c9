"""A typo that makes a non-word (万案, 管埋) is repaired from the notices' own phrase around it."""

from __future__ import annotations

import knowledge.ranking as ranking
from knowledge.models import Passage
from knowledge.spelling import QueryCorrector

REAL_WORDS = {
    "方案",
    "工作",
    "学分",
    "管理",
    "扶贫",
    "专项",
    "培训",
    "监管",
    "机制",
    "项目",
}.__contains__


def test_a_non_word_is_repaired_from_the_phrase_around_it() -> None:
    corrector = QueryCorrector(
        {"方案": 3, "工作": 5, "学分": 2, "管理": 4},
        {},
        "各地要制定扶贫专项工作方案。大力推行学分管理。实现培训全覆盖。",
    )
    words = ["扶贫", "专项", "工作", "万案", "不"]
    assert corrector.correct("扶贫专项工作万案不", words, REAL_WORDS) == "扶贫专项工作方案不"
    words = ["也", "搞", "学分", "管埋", "吗"]
    assert corrector.correct("也搞学分管埋吗", words, REAL_WORDS) == "也搞学分管理吗"
    assert corrector.correct("培训全履盖", ["培训", "全履盖"], REAL_WORDS) == "培训全覆盖"


def test_a_real_word_or_an_unmatched_phrase_is_left_alone() -> None:
    corrector = QueryCorrector({"方案": 3, "工作": 5}, {}, "制定扶贫专项工作方案。")
    assert (
        corrector.correct("工作万岁", ["工作", "万岁"], lambda word: word == "万岁") == "工作万岁"
    )
    assert corrector.correct("生活万案", ["生活", "万案"]) == "生活万案"


def test_a_pair_glued_around_a_function_character_is_no_typo() -> None:
    corrector = QueryCorrector({"选学": 2, "汉语拼音": 3}, {}, "可选学汉语拼音知识。")
    words = ["普通话", "培训", "要学", "汉语拼音"]
    assert corrector.correct("普通话培训要学汉语拼音", words) == "普通话培训要学汉语拼音"


def test_homophone_of_two_lone_characters_becomes_the_real_word() -> None:
    corrector = QueryCorrector({"跟岗": 2, "影子教师": 3})
    words = ["影子教师", "跟", "刚", "去", "哪里"]
    fixed = corrector.correct("影子教师跟刚去哪里", words, lambda word: word in {"跟岗", "哪里"})
    assert fixed == "影子教师跟岗去哪里"


def test_homophone_is_never_an_index_fragment() -> None:
    corrector = QueryCorrector({"制到": 1, "学分管理": 2})
    words = ["学分管理", "只到", "意见"]
    assert corrector.correct("学分管理只到意见", words, lambda word: word == "学分管理") == (
        "学分管理只到意见"
    )


def test_a_lone_character_beside_a_non_word_is_read_with_it() -> None:
    corrector = QueryCorrector({"开发": 2, "强化": 3}, {}, "开发数字化培训资源。强化培训管理。")
    words = ["国培", "要", "开发", "数", "宇化", "培训", "资源"]
    real = {"国培", "开发", "强化", "培训", "资源"}
    fixed = corrector.correct("国培要开发数宇化培训资源", words, real.__contains__)
    assert fixed == "国培要开发数字化培训资源"


def test_phrase_at_the_very_end_of_the_notices_is_found() -> None:
    corrector = QueryCorrector({"方案": 3}, {}, "专项工作方案")
    assert (
        corrector.correct("专项工作万案", ["专项", "工作", "万案"], REAL_WORDS) == "专项工作方案"
    )
    assert corrector.correct("工作万", ["工作", "万"]) == "工作万"


def test_phrase_text_holds_each_sentence_once_and_is_off_when_huge(monkeypatch) -> None:
    passages = [
        Passage("a", "", "制定工作方案。推行学分管理。"),
        Passage("b", "", "制定工作方案。"),
    ]
    assert ranking.phrase_text(passages).count("制定工作方案") == 1
    monkeypatch.setattr(ranking, "CONTEXT_REPAIR_MAX_CHARS", 10)
    assert ranking.phrase_text(passages) == ""


def test_two_lone_characters_and_a_three_character_non_word_are_repaired() -> None:
    corrector = QueryCorrector({"监管": 2, "幼儿园": 9}, {}, "建立培训项目监管机制。")
    words = ["建立", "培训", "项目", "监", "菅", "机制"]
    assert corrector.correct("建立培训项目监菅机制", words, REAL_WORDS) == "建立培训项目监管机制"
    # No phrase around 幻儿园 is in the notices, but one word of them is a character away.
    assert corrector.correct("管不管幻儿园老师", ["管", "不管", "幻儿园", "老师"]) == (
        "管不管幼儿园老师"
    )


def test_a_phrase_beats_a_sound_and_function_characters_stay() -> None:
    corrector = QueryCorrector(
        {"设计": 4, "设置": 6, "总体": 3, "重要": 5}, None, "项目总体设计。"
    )
    real = {"设计", "设置", "总体", "重要", "项目"}.__contains__
    assert corrector.correct("项目总体设汁", ["项目", "总体", "设汁"], real) == "项目总体设计"
    assert corrector.correct("国培中要发挥", ["国培", "中要", "发挥"], real) == "国培中要发挥"


def test_a_real_word_the_notices_lack_is_read_with_the_lone_character_after_it() -> None:
    """分布 is a word, but 「分布骤完成」 is the notices' 「分步骤完成」 with one key missed."""
    corrector = QueryCorrector({"步骤": 2, "完成": 3}, {}, "有计划、分步骤完成培训。")
    words = ["全覆盖", "是", "要", "分布", "骤", "完成", "吗"]
    real = {"全覆盖", "分布", "步骤", "完成"}.__contains__
    assert corrector.correct("全覆盖是要分布骤完成吗", words, real) == "全覆盖是要分步骤完成吗"
    # an indexed word with a lone character after it is left alone
    corrector = QueryCorrector({"分布": 1, "步骤": 2}, {}, "分步骤完成。")
    assert corrector.correct("分布骤", ["分布", "骤"], real) == "分布骤"


def test_a_rare_dictionary_word_is_repaired_only_to_one_that_sounds_the_same() -> None:
    """jieba's dictionary knows 办发 (of 国办发) and 驾校, both rarely seen: 「管理办发」 is the
    notices' 管理办法 (same sound), but 驾校 never becomes the 名校 of 「访名校培训」."""
    corrector = QueryCorrector(
        {"管理": 4, "办法": 3, "名校": 1, "培训": 9},
        {},
        "制定管理办法。通过访名校培训等方式。",
        everyday_words={"办发": 6, "驾校": 4, "管理": 9000, "培训": 9000, "有没有": 9000},
    )
    is_word = {"办发", "驾校", "管理", "办法", "名校", "培训", "有没有"}.__contains__
    assert (
        corrector.correct("有没有管理办发", ["有没有", "管理", "办发"], is_word)
        == "有没有管理办法"
    )
    assert corrector.correct("访驾校培训", ["访", "驾校", "培训"], is_word) == "访驾校培训"
