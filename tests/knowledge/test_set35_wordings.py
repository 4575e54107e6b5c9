"""Wordings from sealed set 35's misses, asked in new words.

Pinyin typed syllable by syllable may turn on one character (xuan 选, ren 人, ji 几): the
everyday table held only words of two to four characters, so 「… xuan ji ge ren」 lost its
question. A word jieba makes up around a question character (「选几人」) is no topic the notices
lack. 「根据哪个五年国培文件」 asks for the document a clause cites, even with words between 哪个
and 文件."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize(
    "question", ["zhihuan tuochan yanxiu yao xuan ji ge ren", "置换脱产研修要选几人"]
)
def test_how_many_are_chosen_is_answered_with_the_number(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    assert "遴选2000名" in "".join(answer.hits[0].text.split())


@pytest.mark.parametrize(
    "question",
    ["22年的国培资金预算依据哪一个五年规划文件", "2022年国培预算是根据哪个五年的国培通知下达的"],
)
def test_the_document_a_clause_follows_is_the_clause_citing_it(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    assert "教师函〔2021〕4号" in answer.hits[0].text  # not the notice's title page
