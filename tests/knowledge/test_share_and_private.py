"""Everyday words the notices say otherwise: 「多大比例」 asks a share, not an age (多大 is 年龄 in
the synonym table: 「参训教师多大年纪」); 私立 is the notices' 民办; 老毛病 their 问题."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("提升工程每年至少要轮训多大比例的老师", "教师总数的20%"),
        ("私立的培训机构能不能去抢国培的活", "民办"),
        ("搞学分管理是想治培训里哪些老毛病", "重项目设计"),
    ],
)
def test_everyday_words_reach_the_clause(kb: KnowledgeBase, question: str, phrase: str) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


def test_how_old_is_still_an_age(kb: KnowledgeBase) -> None:
    answer = kb.ask("参训老师多大年纪有要求吗")
    assert answer.answered and "周岁" in answer.hits[0].text
