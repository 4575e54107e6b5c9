"""QA22: questions a trainee asks that were answered wrongly or not at all.

「乡村教师访名校研修多长时间」 was answered, sure, by a news item naming 访名校培训 and no length
of time: a length asked for (多长时间, 多久) is a figure the top clause must state, as days and
hours are. 「幼儿园老师能报国培吗」 was declined: jieba read 报国 (to serve one's country); so
was 「peixun jingfei shei chu」, though its characters are answered."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


def test_a_length_of_time_no_clause_states_is_declined(kb: KnowledgeBase) -> None:
    answer = kb.ask("乡村教师访名校研修多长时间")
    assert not answer.answered
    assert answer.reason == "no_figure"  # the bot says no clause states that figure


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("置换脱产研修到高校要学多久", "18周(126天)"),
        ("跟岗实践要占多少时间", "不少于三分之一"),
    ],
)
def test_a_length_of_time_a_clause_states_is_answered(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered
    assert any(phrase in hit.text for hit in answer.hits[:3])


@pytest.mark.parametrize("question", ["幼儿园老师能报国培吗", "我能报国培不"])
def test_signing_up_for_guopei_is_taking_part(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    taking_part = kb.ask(question.replace("报国培", "参加国培"))
    assert answer.answered
    assert [hit.passage_id for hit in answer.hits] == [
        hit.passage_id for hit in taking_part.hits
    ]


@pytest.mark.parametrize("typed", ["peixun jingfei shei chu", "pei xun jing fei shei chu"])
def test_pinyin_is_read_like_the_characters(kb: KnowledgeBase, typed: str) -> None:
    """「培训经费谁出」 in pinyin was declined: 谁 is said shei, the table has shui."""
    answer = kb.ask(typed)
    in_characters = kb.ask("培训经费谁出")
    assert answer.answered
    assert answer.hits[0].passage_id == in_characters.hits[0].passage_id
