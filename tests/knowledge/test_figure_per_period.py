"""A figure asked per year, term or time (「一年要脱产学多少天」「每次集中多少学时」) is the one a
notice states right after the same 每年 or 每次, not a total stated elsewhere of the same thing."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from tests.knowledge.conftest import with_notice

PROGRAMME_NOTICE = (
    "title: 关于实施2031年某省初中英语骨干教师研修项目的通知\n"
    "doc_number: 某培办〔2031〕21号\n"
    "issuer: 某省教师培训项目办公室\n"
    "date: 2031-03-02\n"
    "---\n"
    "各市县教育局:\n"
    "一、研修安排\n"
    "项目周期两年,参训教师集中研修共计240学时,其中高校集中研修160学时、影子跟岗80学时。\n"
    "二、组织方式\n"
    "按学期组织,每学期一次,每次60学时,由承办高校安排。\n"
)


@pytest.fixture(scope="module")
def programme_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return with_notice(tmp_path_factory, "programme.txt", PROGRAMME_NOTICE)


def test_a_figure_per_time_is_the_one_stated_after_it(programme_kb: KnowledgeBase) -> None:
    answer = programme_kb.ask("英语骨干教师研修每次集中研修要学多少学时")
    assert answer.answered, answer.reason
    assert "每次60学时" in "".join(answer.hits[0].text.split())


def test_a_figure_per_year_in_the_builtin_notices(kb: KnowledgeBase) -> None:
    answer = kb.ask("参加置换脱产研修的老师每年得脱产学习几天")
    assert answer.answered, answer.reason
    assert "每年脱产学习时间不少于42天" in "".join(answer.hits[0].text.split())
