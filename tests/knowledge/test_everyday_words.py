"""A trainee's everyday words reach the clause of an uploaded notice that answers them: 路费 is
the notice's 交通费, 吃住 its 食宿, 家里有事 its 特殊情况, 缺课 its 考勤; and a "when" question is
not sure of a clause that only holds its words apart when another states the date."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from tests.knowledge.conftest import with_notice

COMPLETION_NOTICE = (
    "title: 关于做好2031年“国培计划”小学语文骨干教师培训项目结业工作的通知\n"
    "doc_number: 某培办〔2031〕12号\n"
    "issuer: 某省教师培训项目办公室\n"
    "date: 2031-11-20\n"
    "---\n"
    "各项目承担单位、各参训学员:\n"
    "一、结业考核\n"
    "参训学员须完成全部线上课程学习,线上学习时长不少于60学时;"
    "请于2031年12月15日前提交研修总结和教学设计各一份。\n"
    "二、结业证书\n"
    "考核合格的学员由项目办统一颁发结业证书,并登记36学分。\n"
    "三、请假与考勤\n"
    "集中培训期间原则上不得请假。确因特殊情况需请假的,须向班主任提交书面申请,"
    "请假累计超过总学时的十分之一者不予结业。\n"
    "四、差旅与食宿\n"
    "参训学员往返交通费由派出单位按规定报销;培训期间食宿由承办单位统一安排,"
    "费用从培训经费中列支,不向学员收取。\n"
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return with_notice(tmp_path_factory, "completion.txt", COMPLETION_NOTICE)


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("来回路费能报销吗", "四、差旅与食宿"),
        ("车费能报吗", "四、差旅与食宿"),
        ("差旅费谁出", "四、差旅与食宿"),
        ("住宿费谁出", "四、差旅与食宿"),
        ("食宿费能报吗", "四、差旅与食宿"),
        ("吃住要交钱吗", "四、差旅与食宿"),
        ("住宿收费吗", "四、差旅与食宿"),
        ("家里有事可以请假吗", "三、请假与考勤"),
        ("孩子生病了能请假吗", "三、请假与考勤"),
        ("缺课会怎样", "三、请假与考勤"),
    ],
)
def test_everyday_words_get_the_clause(kb: KnowledgeBase, question: str, heading: str) -> None:
    answer = kb.ask(question)
    assert answer.answered and answer.hits[0].text.startswith(heading)


def test_a_when_question_is_not_sure_of_words_held_apart(kb: KnowledgeBase) -> None:
    answer = kb.ask("研修总结什么时候交")
    dated = [hit for hit in answer.hits if "2031年12月15日前提交研修总结" in hit.text]
    assert dated and (answer.hits[0] is dated[0] or not answer.confident)
