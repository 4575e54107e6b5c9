"""QA23: questions a trainee asks that got a sure answer from a clause that does not answer
them, or none at all.

「国培能不能收学员的钱」 was answered, sure, with clause 六 of 教师厅〔2019〕2号 (收 was no
word the notices use): charging trainees is the notices' 「不得向参训学员…收取…费用」 (F1).
「2022年国培资金有多少」「学员满意率要达到多少」「培训定额标准是多少」 were answered, sure, by
clauses stating no sum, rate or standard (F3): like a number of days, such figures must be
stated by the top clause. Pinyin 「xue fen you sha yong」 read you sha as 油砂 and 「送交下乡」
(送教下乡 mistyped as a real word) were declined (F10)."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize("question", ["国培能不能收学员的钱", "培训机构能收学员钱吗"])
def test_charging_trainees_is_answered_by_the_clause_forbidding_it(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    assert "不得向参训学员另外收取培训费用" in answer.hits[0].text


@pytest.mark.parametrize(
    "question", ["2022年国培资金有多少", "学员满意率要达到多少", "培训定额标准是多少"]
)
def test_a_sum_rate_or_standard_no_clause_states_is_declined(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert not answer.answered
    assert answer.reason == "no_figure"  # 「没有找到写明这个数字的条款」


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("2019年国培资金有多少", "19.85亿元"),
        ("信息技术提升工程每年培训人数要占多少比例", "20%"),
        ("2.0的学时里实践应用的比例要达到多少", "50%"),
    ],
)
def test_a_sum_or_rate_a_clause_states_is_answered(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    assert phrase in answer.hits[0].text


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("xue fen you sha yong", "学分有啥用"), ("送交下乡是什么", "送教下乡是什么")],
)
def test_pinyin_and_a_mistyped_real_word_are_read_as_meant(
    kb: KnowledgeBase, typed: str, meant: str
) -> None:
    answer, intended = kb.ask(typed), kb.ask(meant)
    assert answer.answered and intended.answered
    assert answer.hits[0].passage_id == intended.hits[0].passage_id
