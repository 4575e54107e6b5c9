"""A passage knows the headings it sits under: a notice with two projects whose sub-clauses read
alike (「2. 培训地点」 under each) still answers for the project the trainee named, and shows
which project the quote belongs to."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeBase
from knowledge.ingest import parse_notice_text

TWO_PROJECTS = "\n".join(
    [
        "某省教育厅关于做好2031年乡村教师培训项目实施工作的通知",
        "某教〔2031〕52号",
        "各市、县(区)教育局:",
        "一、项目安排",
        "(一)乡村教师访名校研修项目",
        "1.培训对象:从乡村学校遴选骨干教师200名,参加为期两周的访名校研修。",
        "2.培训地点:研修安排在省会城市的优质中小学,由学校指定导师带教。",
        "(二)送教下乡培训项目",
        "1.培训对象:乡村学校全体学科教师,按学科编班,每班不超过50人。",
        "2.培训地点:送教团队到各乡镇中心学校集中授课,就近安排食宿。",
        "二、材料报送",
        "请各市于2031年9月1日前将实施总结报送省教育厅教师工作处。",
        "某省教育厅",
        "2031年5月1日",
    ]
)


def test_each_sub_clause_carries_the_headings_above_it_once() -> None:
    parsed = parse_notice_text(TWO_PROJECTS, "two-projects.txt")
    by_start = {p.text.split("\n")[-1][:9]: p for p in parsed.passages if p.kind != "meta"}
    # The first passage under a heading starts with it: it is not repeated above.
    first = by_start["1.培训对象:从乡"]
    assert first.text.startswith("一、项目安排\n(一)乡村教师访名校研修项目\n1.")
    assert first.heading == ""
    assert by_start["2.培训地点:研修"].heading == "一、项目安排\n(一)乡村教师访名校研修项目"
    second_project = by_start["1.培训对象:乡村"]
    assert second_project.text.startswith("(二)送教下乡培训项目\n1.")
    assert second_project.heading == "一、项目安排"
    assert by_start["2.培训地点:送教"].heading == "一、项目安排\n(二)送教下乡培训项目"
    # A new top-level clause leaves the headings of the one before behind.
    assert by_start["请各市于2031年"].heading == ""


def test_a_question_naming_the_project_gets_that_projects_clause(tmp_path: Path) -> None:
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "two-projects.txt").write_text(TWO_PROJECTS, encoding="utf-8")
    kb = KnowledgeBase.open(tmp_path / "index", notices)

    for question, expected, heading in [
        ("送教下乡培训在哪里上课", "送教团队到各乡镇中心学校", "(二)送教下乡培训项目"),
        ("访名校研修的培训地点在哪", "省会城市的优质中小学", "(一)乡村教师访名校研修项目"),
    ]:
        answer = kb.ask(question)
        assert answer.answered, question
        assert expected in answer.hits[0].text, (question, answer.hits[0].text)
        assert answer.hits[0].heading == f"一、项目安排 {heading}"
