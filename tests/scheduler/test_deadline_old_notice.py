"""A limit without a date (「培训结束后的1个月内」) counts from its notice's training: from a
notice of this past year it may still be ahead and stays on the first screen of /deadlines; from an
older one (the shipped 2011 notice, QA12 #9) it is past, listed with the expired deadlines by
its notice's date, and each says the year of its notice. The grouping with a fixed today; the
screens through the conversation core with the real knowledge base, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.deadlines import notice_day, split_expired
from knowledge.models import Deadline
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, Chat, button, buttons_of, text_of

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 7)


def deadline(due: date | None, doc_id: str) -> Deadline:
    return Deadline(
        due=due,
        text=doc_id,
        when_text="" if due else "培训结束后的1个月内",
        clause="",
        title="",
        doc_number="",
        source="",
        doc_id=doc_id,
    )


@pytest.mark.parametrize(
    ("metadata", "day"),
    [
        ({"date": "2011-06-21"}, date(2011, 6, 21)),
        ({"date": "2018"}, date(2018, 12, 31)),  # a year alone: its last day
        ({"date": "2024-02"}, date(2024, 2, 29)),
        ({"date": "", "doc_number": "教师〔2010〕4号"}, date(2010, 12, 31)),
        ({"date": "", "doc_number": ""}, None),
        ({"date": "2019-13"}, None),
    ],
)
def test_the_day_of_a_notice(metadata: dict[str, str], day: date | None) -> None:
    assert notice_day(metadata) == day


def test_a_limit_without_a_date_is_past_when_its_notice_is_over_a_year_old() -> None:
    found = [
        deadline(None, "recent"),  # a notice of this spring
        deadline(None, "undated notice"),  # nothing says when: it may still be ahead
        deadline(None, "2011"),
        deadline(date(2013, 12, 31), "2013"),
        deadline(date(2010, 5, 1), "2010"),
        deadline(date(2026, 12, 20), "later"),
    ]
    days = {"recent": date(2026, 3, 1), "2011": date(2011, 6, 21), "2013": date(2013, 10, 25)}

    ahead, past = split_expired(found, TODAY, days)

    assert [d.doc_id for d in ahead] == ["later", "recent", "undated notice"]
    assert [d.doc_id for d in past] == ["2013", "2011", "2010"]  # latest first
    # a year and a day old is past; a year to the day is not yet
    for issued, is_past in ((date(2025, 12, 6), True), (date(2025, 12, 7), False)):
        _, past = split_expired([deadline(None, "x")], TODAY, {"x": issued})
        assert bool(past) is is_past, issued


@pytest.mark.parametrize("who", [TRAINEE, MANAGER])
async def test_only_a_recent_limit_without_a_date_is_shown_as_ahead(chat: Chat, who: int) -> None:
    issued = datetime.now(TZ).date() - timedelta(days=40)
    notice = (
        f"title: 关于开展乡村教师研修的通知\ndate: {issued.isoformat()}\n---\n"
        "一、有关要求\n"
        "(一)各培训班要结合参训教师的实际需求,认真制订研修计划,明确研修主题和考核方式。\n"
        "(二)请各培训班于培训结束后的2周内将研修总结报送项目办。\n"
    ).encode()
    assert "已加入知识库" in text_of(await chat.send_file(ADMIN, "研修通知.txt", notice))

    first = await chat.say(who, "/deadlines")

    text = text_of(first)
    assert "（还没到期的，共 1 项）" in text, text
    assert f"1. ⏳ <b>培训结束后的2周内</b>（{issued.year}年的通知）" in text
    assert "培训结束后的1个月内" not in text and "2011" not in text
    assert "设为提醒" not in " ".join(b.text for b in buttons_of(first))  # no date to remind of

    expired = await chat.press(who, button(first, "查看已过期的"))

    text = text_of(expired)
    assert "⏳ <b>培训结束后的1个月内</b>（2011年的通知）" in text, text
    assert "培训结束后的2周内" not in text
