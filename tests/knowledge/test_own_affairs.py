"""A trainee's own affairs (pay, leave, the day one checks in, insurance, travel money, moving to
another class) are left by the 国培 notices to schools and organisers:
such a question is declined, not answered by the 脱产研修 clause its other words meet; a class's
own notice that speaks of them answers them. So is a day, a deposit or a score asked for that
no clause states."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from tests.knowledge.conftest import with_notice

CLASS_NOTICE = (
    "title: 关于2031年“国培计划”初中数学骨干教师培训班报到事项的通知\n"
    "doc_number: 某培办〔2031〕15号\n"
    "issuer: 某省教师培训项目办公室\n"
    "date: 2031-06-20\n"
    "---\n"
    "各参训学员:\n"
    "一、报到时间和地点\n"
    "请于2031年7月5日14:00前到某师范大学学术交流中心一楼大厅报到,报到时携带身份证。\n"
    "二、纪律\n"
    "培训期间那天起原则上不准请假,确需请假的须持书面假条向班主任申请,请假超过2天的不予结业。\n"
    "三、工资待遇\n"
    "参训期间学员工资、绩效照常发放,由派出学校负责。\n"
    "四、保险\n"
    "承办单位为每位学员购买培训期间人身意外伤害保险。\n"
    "五、结业考核\n"
    "结业考试满分100分,60分及格。\n"
)


@pytest.mark.parametrize(
    "question",
    [
        "去国培脱产研修那三个月 学校还发不发工资",
        "参训期间绩效工资会被学校扣掉吗",
        "集中研修时孩子病了 能请两天假不",
        "国培开班那天几点前去报到",
        "参加送教下乡有没有意外保险",
        "置换研修期间来回的车费谁给报",
        "国培培训中间想换到别的班可以吗",
        "信息技术能力测评考多少分算过",
    ],
)
def test_the_notices_leave_them_to_others(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert not answer.answered, answer.hits[0].text[:60]
    assert answer.reason in ("own_affairs", "out_of_scope", "no_figure")
    if "考多少分" not in question:
        assert answer.reason == "own_affairs"  # 「…由学校或承办单位安排」


@pytest.mark.parametrize(
    "question",
    [
        "云南那个招标的投标文件截止到哪天",
        "云南国培招标要交多少保证金",
        "普通话培训班的学员考核多少分算合格",
    ],
)
def test_a_day_deposit_or_score_no_clause_states_is_declined(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert not answer.answered, answer.hits[0].text[:60]
    assert answer.reason == "no_figure"  # 「没有找到写明这个数字的条款」


def test_a_day_asked_of_a_notice_is_its_date(kb: KnowledgeBase) -> None:
    answer = kb.ask("学分管理的意见是哪天印发的")
    assert answer.answered and "2016" in answer.hits[0].text


@pytest.mark.parametrize(
    "question",
    [
        "提升工程的省级规划方案要在什么时间之前报到教育部",
        "2018年省里做好的国培规划要报到哪里审核",
        "请问假如网络研修学时不够怎么办",  # 请问 + 假如 asks no leave
        "请问暑假送教下乡怎么安排",
    ],
)
def test_words_near_the_affairs_are_not_them(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.answered, answer.reason


@pytest.fixture(scope="module")
def class_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return with_notice(tmp_path_factory, "class.txt", CLASS_NOTICE)


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("报到那天要带什么", "报到时携带身份证"),  # not the 纪律 clause 那天 meets
        ("请两天假可以吗", "请假超过2天的不予结业"),
        ("培训期间工资照发吗", "工资、绩效照常发放"),
        ("培训给买保险吗", "人身意外伤害保险"),
        ("结业考试多少分及格", "60分及格"),
    ],
)
def test_a_class_notice_that_speaks_of_them_answers(
    class_kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = class_kb.ask(question)
    assert answer.answered, answer.reason
    assert phrase in "".join(answer.hits[0].text.split())
