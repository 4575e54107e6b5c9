"""/deadlines items name their clause once, in the same place: the duty without its clause
number (「请各项目县于…」, not 「二、请各项目县于…」), the clause in the citation below it,
whether the notice numbered the sentence or a heading above it; the expired screen's note
says what it is about (「标 ⏳ 的期限…」). QA13 L2, L3. Through the conversation core with the
real knowledge base, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from knowledge.deadlines import find_deadlines
from knowledge.models import Document, Passage
from tests.questions.conftest import ADMIN, MANAGER, Chat, button, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")


def test_a_duty_loses_only_the_clause_numbers_its_citation_names() -> None:
    document = Document("d", "某通知", "某〔2030〕1号", "某部", "2030-01-01", "s", [], "", "f")
    passages = [
        Passage("d", "一、", "一、报到时间。请参训学员于2030年5月20日前完成报到。"),
        Passage("d", "二、", "二、请各项目县于2030年6月1日前报送实施方案。"),
        Passage("d", "三、(二)", "（二）请于2030年7月1日前提交研修总结。"),
        Passage("d", "十二、", "二、请于2030年8月1日前报送名单。"),  # not its clause's number
        Passage("d", "", "三、请于2030年9月1日前报送总结。"),  # no clause to cite instead
    ]
    texts = [deadline.text for deadline in find_deadlines([document], passages)]
    assert texts == [
        "请参训学员于2030年5月20日前完成报到。",
        "请各项目县于2030年6月1日前报送实施方案。",
        "请于2030年7月1日前提交研修总结。",
        "二、请于2030年8月1日前报送名单。",
        "三、请于2030年9月1日前报送总结。",
    ]


async def test_each_item_names_its_clause_once_below_the_duty(chat: Chat) -> None:
    today = datetime.now(TZ).date()
    check_in, plan = today + timedelta(days=20), today + timedelta(days=40)
    notices = {
        "报到通知.txt": (
            "关于做好2026年示范性项目学员报到工作的通知\n教师厅函〔2026〕15号\n"
            "各省、自治区、直辖市教育厅（教委）：\n"
            f"一、报到时间。请参训学员于{cn_date(check_in)}前登录平台完成报到，逾期视为自动放弃。\n"
            "教育部办公厅\n2026年11月30日\n"
        ),
        "送教通知.txt": (
            "关于开展2026年送教下乡培训的通知\n教师司函〔2026〕8号\n"
            "各省、自治区、直辖市教育厅（教委）：\n"
            "一、送教下乡培训每学年不少于4次，每次不少于2天，累计不少于80学时。\n"
            f"二、请各项目县于{cn_date(plan)}前报送送教下乡实施方案。\n"
            "教育部教师工作司\n2026年12月1日\n"
        ),
    }
    for name, notice in notices.items():
        assert "已加入知识库" in text_of(await chat.send_file(ADMIN, name, notice.encode()))

    listing = await chat.say(MANAGER, "/deadlines")

    items = text_of(listing).split("\n\n")[1:]
    assert items[0].startswith("1. 📅 <b>"), items
    assert items[0].split("\n")[1] == (
        f"请参训学员于{cn_date(check_in)}前登录平台完成报到，逾期视为自动放弃。"
    )
    assert items[0].endswith("教师厅函〔2026〕15号 · 条款 一、")
    assert items[1].split("\n")[1] == f"请各项目县于{cn_date(plan)}前报送送教下乡实施方案。"
    assert items[1].endswith("教师司函〔2026〕8号 · 条款 二、")

    expired = text_of(await chat.press(MANAGER, button(listing, "查看已过期的")))
    assert "\n标 ⏳ 的期限从培训结束算起，没有具体日期；" in expired, expired
    for item in expired.split("\n\n")[1:]:
        if item.startswith(tuple(f"{n}. " for n in range(1, 6))):
            duty = item.split("\n")[1]
            assert not re.match(r"[一二三四五六七八九十]+、", duty), item
