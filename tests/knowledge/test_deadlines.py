"""Deadlines found in the notices."""

from __future__ import annotations

from datetime import date

from knowledge import Deadline, KnowledgeBase
from knowledge.deadlines import find_deadlines
from knowledge.models import Document, Passage


def test_shipped_notices_yield_their_deadlines(kb: KnowledgeBase) -> None:
    deadlines = kb.deadlines()
    assert all(isinstance(deadline, Deadline) for deadline in deadlines)
    by_when = {deadline.when_text: deadline for deadline in deadlines}
    april = by_when["2019年4月12日前"]
    assert april.due == date(2019, 4, 12)
    assert "参训学员信息" in april.text and "报送" in april.text
    assert (april.clause, april.doc_number) == ("七、", "教师厅〔2019〕2号")
    assert april.title.endswith("组织实施工作的通知") and april.source and april.doc_id
    year_end = by_when["2013年底前"]
    assert year_end.due == date(2013, 12, 31)
    assert "报送教育部" in year_end.text and year_end.clause == "八、"
    relative = by_when["培训结束后的1个月内"]
    assert relative.due is None
    assert "培训工作总结" in relative.text
    assert relative.title == "中小学少数民族双语教师普通话培训班"


def test_dated_deadlines_come_first_in_date_order(kb: KnowledgeBase) -> None:
    dues = [deadline.due for deadline in kb.deadlines()]
    dated = [due for due in dues if due]
    assert dated == sorted(dated)
    assert dues[: len(dated)] == dated


def test_to_json_is_plain_data(kb: KnowledgeBase) -> None:
    data = kb.deadlines()[0].to_json()
    assert set(data) >= {"due", "text", "when_text", "clause", "title", "doc_number", "source"}
    assert isinstance(data["due"], str | None)


def test_patterns_and_dates_without_duties() -> None:
    document = Document("d", "某通知", "某〔2030〕1号", "某部", "2030-01-01", "s", [], "", "f")
    passages = [
        Passage("d", "一、", "请于2030年5月底前提交申报材料。到2031年底完成全员培训任务。"),
        Passage("d", "二、", "项目下达后10个工作日内报送实施方案。会议于2030年3月2日召开。"),
        Passage("d", "", "某通知", kind="meta"),
    ]
    found = {deadline.when_text: deadline.due for deadline in find_deadlines([document], passages)}
    assert found == {
        "2030年5月底前": date(2030, 5, 31),
        "到2031年底": date(2031, 12, 31),
        "项目下达后10个工作日内": None,
    }


def test_year_only_limit_means_before_that_year(kb: KnowledgeBase) -> None:
    by_when = {deadline.when_text: deadline for deadline in kb.deadlines()}
    assert by_when["2020年前"].due == date(2019, 12, 31)
    assert "全覆盖" in by_when["2020年前"].text
    assert by_when["到2017年底"].due == date(2017, 12, 31)
