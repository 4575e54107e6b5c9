"""Everyday wordings from sealed set 34's misses, asked in new words: each is answered by the
clause a reader needs.

「好几个老师」 tells several and asks no number (it was declined: 「没有找到写明这个数字的条款」);
长进, 打分, 下来看, 定级评优, 哪个司管, 哪几块, 项目编码, 记哪一类 are how a teacher says what
the notices call 能力提升, 自评, 视导, 职称评定和奖励, 司负责, 包括, 项目代码, 支出列; money
倾斜 toward some is the notices' 重点支持; a title page never says which document a notice
follows (「按什么文件的要求来用」)."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


def test_several_teachers_is_not_a_number_asked(kb: KnowledgeBase) -> None:
    answer = kb.ask("学校里好几个老师去国培讲课，能算工作量吗")
    assert answer.answered, answer.reason
    assert "纳入教学工作量考核范围" in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("怎么知道老师培训后长进了没有", "能力提升的对比评价"),
        ("培训机构要不要给自己打分", "加强自评"),
        ("上级派专家下来看看国培，都看些啥", "推门听课"),
        ("定级评优跟信息技术能力有关系吗", "教师资格认定"),
        ("普通话培训归哪个司管", "语言文字应用管理司负责"),
        ("国家培训计划由哪几块组成", "中西部农村骨干教师培训计划"),
        ("下达2022年国培资金那个文件里写的项目编码是多少", "Z135050000024"),
        ("财教〔2022〕96号的钱在支出上算哪一类", "205教育支出"),
        ("2022年的国培经费主要往哪倾斜", "国家乡村振兴重点帮扶县"),
        ("2022年国培的钱按什么文件的要求来用", "教师函〔2021〕4号"),
    ],
)
def test_everyday_wording_finds_the_clause(kb: KnowledgeBase, question: str, phrase: str) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    top = "".join(answer.hits[0].text.split())
    assert phrase in top, top[:80]
