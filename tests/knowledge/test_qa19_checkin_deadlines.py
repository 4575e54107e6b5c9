"""The trainees' own dates in their common wordings are deadlines (QA19 F2): the day they come
(「请参训学员于2026年12月20日到培训基地报到」, 「日到…」 is no range) and the limits to check in,
sign up or pay (「…前到培训基地报到」「…前报名」「…前缴纳住宿费」), each with its clause and
source sentence; real ranges (「…日到12月25日」「…日至25日」) stay no one's deadline."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.deadlines import deadline_item
from knowledge.deadlines import duty_holder, find_deadlines, is_on_the_day
from knowledge.models import Deadline, Document, Passage

NOTICE = Document(
    "d", "关于报送2026年国培计划研修成果的通知", "教培〔2026〕9号", "某省教育厅", "2026-12-01",
    "成果.txt", [], "", "f",
)  # fmt: skip
TODAY = date(2026, 12, 7)


def deadlines_of(*sentences: str) -> list[Deadline]:
    """The deadlines found in one clause 三、 holding `sentences`."""
    return find_deadlines([NOTICE], [Passage("d", "三、", "".join(sentences))])


@pytest.mark.parametrize(
    ("sentence", "when_text", "due"),
    [
        ("请参训学员于2026年12月20日到培训基地报到。", "2026年12月20日", date(2026, 12, 20)),
        ("请参训学员于2026年12月20日前到培训基地报到。", "2026年12月20日前", date(2026, 12, 20)),
        ("请于2026年12月20日前报到。", "2026年12月20日前", date(2026, 12, 20)),
        ("请学员于2026年12月15日前报名。", "2026年12月15日前", date(2026, 12, 15)),
        ("请于2026年12月18日前缴纳住宿费。", "2026年12月18日前", date(2026, 12, 18)),
        ("请学员于2026年12月18日前交纳培训费。", "2026年12月18日前", date(2026, 12, 18)),
        ("学员于2026年12月20日至培训基地报到。", "2026年12月20日", date(2026, 12, 20)),
        ("学员于2026年12月20日到达培训基地报到。", "2026年12月20日", date(2026, 12, 20)),
    ],
)
def test_the_trainees_own_dates_are_found_with_their_sentence(
    sentence: str, when_text: str, due: date
) -> None:
    [found] = deadlines_of(sentence)
    assert (found.when_text, found.due) == (when_text, due)
    assert (found.text, found.clause, found.doc_number) == (sentence, "三、", "教培〔2026〕9号")
    assert duty_holder(found) is None  # the trainees' own, no 「（…的任务）」


@pytest.mark.parametrize(
    "sentence",
    [
        "学员于2026年12月20日到12月25日参加培训。",
        "学员于2026年12月20日至25日参加培训。",
        "请学员于2026年12月20日到23日报到。",
        "学员于2026年12月20日 至 2026年12月25日参加集中研修。",
        "学员于2026年12月20日～25日参加培训。",
        "学员于2026年12月20日到二十五日参加培训。",
        "培训于2026年12月20日到12月25日举行，请学员按时报到。",
        "会议于2026年12月20日召开。",
    ],
)
def test_a_range_or_an_event_is_no_deadline(sentence: str) -> None:
    assert deadlines_of(sentence) == []


def test_the_day_is_listed_as_that_day_and_the_limit_with_before() -> None:
    on_day, limit = deadlines_of(
        "请参训学员于2026年12月20日到培训基地报到。", "请于2026年12月18日前缴纳住宿费。"
    )
    assert is_on_the_day(on_day) and not is_on_the_day(limit)
    assert deadline_item(on_day, TODAY).startswith("📅 <b>12月20日（周日）</b>\n请参训学员")
    assert deadline_item(limit, TODAY).startswith("📅 <b>12月18日（周五）</b>前\n请于")
    source = "《关于报送2026年国培计划研修成果的通知》 · 教培〔2026〕9号 · 条款 三、"
    assert deadline_item(on_day, TODAY).endswith(f"—— {source}")


def test_the_qa19_notice_yields_all_three_dates() -> None:
    passages = [
        Passage("d", "一、", "请各项目县教育局于2026年12月18日前将研修成果汇总表报送至项目办。"),
        Passage("d", "二、", "参训学员须于2026年12月12日前将个人研修总结上传平台。"),
        Passage("d", "三、", "请参训学员于2026年12月20日到培训基地报到。"),
    ]
    found = [(d.clause, d.due) for d in find_deadlines([NOTICE], passages)]
    assert found == [
        ("一、", date(2026, 12, 18)),
        ("二、", date(2026, 12, 12)),
        ("三、", date(2026, 12, 20)),
    ]
