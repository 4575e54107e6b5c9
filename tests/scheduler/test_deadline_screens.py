"""/deadlines puts the deadlines still ahead on its first screen and the expired ones behind
「查看已过期的（N）」 (QA 6b M2); 设为提醒 says when the reminder is sent and to whom (M6).
Through the conversation core with the real knowledge base, on SQLite and PostgreSQL.

The shipped notices (2011–2019) hold four dated deadlines, all past, and one relative limit
(「培训结束后的1个月内」) of a 2011 notice, long past too (QA12 #9): nothing is ahead."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.deadlines import notice_day, split_expired
from knowledge.models import Deadline
from scheduler.timeparse import format_day, format_when
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, Chat, button, buttons_of, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")


def past_and_ahead(chat: Chat) -> tuple[list[Deadline], list[Deadline]]:
    today = datetime.now(TZ).date()
    knowledge = chat.services.knowledge
    days = {m["doc_id"]: notice_day(m) for m in knowledge.documents() if notice_day(m)}
    ahead, past = split_expired(knowledge.deadlines(), today, days)
    return past, ahead


@pytest.mark.parametrize("who", [TRAINEE, MANAGER])
async def test_expired_deadlines_are_behind_a_button(chat: Chat, who: int) -> None:
    past, ahead = past_and_ahead(chat)
    assert len(past) >= 5 and not ahead

    first = await chat.say(who, "/deadlines")

    text = text_of(first)
    assert text == "🗓 通知里暂时没有还没到期的截止时间。"  # not the 2011 「培训结束后」 limit
    labels = [b.text for b in buttons_of(first)]
    assert labels == [f"查看已过期的（{len(past)}）"], labels

    expired = await chat.press(who, button(first, "查看已过期的"))

    text = text_of(expired)
    assert f"已过期的截止时间</b>（共 {len(past)} 项，最近的在前）" in text, text
    # A limit the notice words as a year keeps its words; a day is a date with its weekday.
    assert "📅 <b>2020年前</b>" in text and "2019-12-31" not in text
    assert "📅 <b>2019年4月12日（周五）</b>前" in text and "2019-04-12" not in text
    assert text.index("2020年前") < text.index("2019年4月12日") < text.index("2013年底前")
    # The 2011 notice's limit without a date: last (by its notice's date), and said why.
    assert ". ⏳ <b>培训结束后的1个月内</b>（2011年的通知）" in text, text
    assert text.index("2013年底前") < text.index("培训结束后的1个月内")
    assert "请有关省（区）教育厅" in text and "省(区)" not in text  # quoted in Chinese punctuation
    assert "这些通知是一年多以前的，它们的培训早已结束" in text
    assert "设为提醒" not in " ".join(b.text for b in buttons_of(expired))
    back = await chat.press(who, button(expired, "◀ 返回未到期的"))
    assert back[0].text == first[0].text and back[0].buttons == first[0].buttons


async def test_nothing_ahead_says_so_with_the_button(chat: Chat, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    past, _ = past_and_ahead(chat)
    monkeypatch.setattr(chat.services.knowledge, "deadlines", lambda: list(past))

    first = await chat.say(TRAINEE, "/deadlines")

    assert text_of(first) == "🗓 通知里暂时没有还没到期的截止时间。"
    expired = await chat.press(TRAINEE, button(first, f"查看已过期的（{len(past)}）"))
    assert f"（共 {len(past)} 项" in text_of(expired)
    # Forged or stale pages of either list get the stale-button reply.
    for forged in ("dl:1:old:99", "dl:1:old:²", "dl:1:pg:-1"):
        refused = await chat.press(TRAINEE, forged)
        assert "已失效" in text_of(refused), forged


async def test_many_expired_deadlines_are_paged(chat: Chat, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    old = [
        Deadline(
            due=date(2018, 1, day),
            text=f"第{day}项材料报送",
            when_text=f"2018年1月{day}日前",
            clause="三、",
            title="旧通知",
            doc_number="",
            source="",
            doc_id=f"old{day}",
        )
        for day in range(1, 13)
    ]
    monkeypatch.setattr(chat.services.knowledge, "deadlines", lambda: old)
    first = await chat.say(TRAINEE, "/deadlines")
    expired = await chat.press(TRAINEE, button(first, "查看已过期的（12）"))
    assert "第 1/3 页" in text_of(expired) and "1. 📅 <b>2018年1月12日（周五）</b>前" in text_of(
        expired
    )
    second = await chat.press(TRAINEE, button(expired, "下一页"))
    assert "第 2/3 页" in text_of(second) and "6. 📅 <b>2018年1月7日（周日）</b>前" in text_of(
        second
    )
    assert "◀ 返回未到期的" in [b.text for b in buttons_of(second)]


async def test_a_deadline_reminder_says_when_and_to_whom(chat: Chat) -> None:
    today = datetime.now(TZ).date()
    due = today + timedelta(days=10)
    notice = (
        "title: 关于提交研修总结的通知\n---\n一、提交要求\n"
        "(一)各培训班要认真总结研修成效,明确下一阶段的研修重点和改进措施。\n"
        f"(二)请各培训班于{cn_date(due)}前提交研修总结和教学设计各一份。\n"
    ).encode()
    assert "已加入知识库" in text_of(await chat.send_file(ADMIN, "summary.txt", notice))
    listing = await chat.say(MANAGER, "/deadlines")
    assert f"1. 📅 <b>{format_day(due, today)}</b>前" in text_of(listing)

    choices = await chat.press(MANAGER, button(listing, "第 1 项设为提醒"))

    now = datetime.now(TZ)
    runs = {d: datetime.combine(due - timedelta(days=d), time(9), TZ) for d in (1, 3, 7)}
    text = text_of(choices)
    assert "发给「语文一班」全体学员" in text and f"截止日 {format_day(due, today)}" in text
    for days, run in runs.items():  # each lead time with the time it is sent
        assert f"· 提前{days}天：{format_when(run, now)}" in text, text
    done = await chat.press(MANAGER, button(choices, "提前3天"))
    assert text_of(done).startswith(
        f"✅ 已为「语文一班」设提醒：{format_when(runs[3], now)} 发给全体学员"
        f"（截止日 {format_day(due, today)} 前 3 天）。"
    ), text_of(done)
    # /reminders shows the same time, the same way.
    assert f"1. {format_when(runs[3], now)} · 距截止日" in text_of(
        await chat.say(MANAGER, "/reminders")
    )
