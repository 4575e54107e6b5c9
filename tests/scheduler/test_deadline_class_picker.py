"""设为提醒 for a manager who runs several classes with long names that differ only at the end
(「2026年国培计划(中西部项目)…培训班第3期」): the class is picked first, from labels that can be
told apart, then the days; through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.limits import MAX_BUTTONS, visible_length
from tests.questions.conftest import ADMIN, MANAGER, buttons_of, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")
PREFIX = "2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班"


def notice(due: date) -> bytes:
    return (
        "title: 关于报送研修计划的通知\n---\n一、报送要求\n"
        "(一)各培训班要结合参训教师的实际需求,认真制订研修计划,明确研修主题、"
        "时间安排和考核方式,确保研修取得实效。\n"
        f"(二)请各培训班于{cn_date(due)}前将研修计划报送项目办。\n"
    ).encode()


async def test_many_long_named_classes_are_picked_first_then_the_days(chat) -> None:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        classes = [
            crud.create_class(session, name=f"{PREFIX}第{n}期", manager_id=MANAGER)
            for n in range(1, 13)
        ]
    due = datetime.now(TZ).date() + timedelta(days=30)
    assert "已加入知识库" in text_of(await chat.send_file(ADMIN, "plan.txt", notice(due)))
    listing = await chat.say(MANAGER, "/deadlines")
    to_remind = next(b.data for b in buttons_of(listing) if "设为提醒" in b.text)

    first_page = await chat.press(MANAGER, to_remind)

    assert "先选择培训班" in text_of(first_page)
    labels = [b.text for b in buttons_of(first_page) if b.data and ":pk:" in b.data]
    assert len(labels) == 10 and len(set(labels)) == 10  # the first page, all different
    # the fixture's 语文一班, then 第1期 … 第9期; the labels keep the tail that differs
    assert labels[0] == "语文一班" and labels[1].endswith("第1期") and labels[9].endswith("第9期")
    second_page = await chat.press(
        MANAGER, next(b.data for b in buttons_of(first_page) if "下一页" in b.text)
    )
    twelfth = next(b for b in buttons_of(second_page) if b.text.endswith("第12期"))
    for replies in (first_page, second_page):
        assert visible_length(text_of(replies)) < 4096
        assert len(buttons_of(replies)) <= MAX_BUTTONS

    days = await chat.press(MANAGER, twelfth.data or "")
    assert f"为「{PREFIX}第12期」设提醒" in text_of(days)
    assert [b.text for b in buttons_of(days)] == [
        "提前1天",
        "提前3天",
        "提前7天",
        "◀ 换一个培训班",
    ]
    done = await chat.press(MANAGER, next(b.data for b in buttons_of(days) if b.text == "提前3天"))

    assert f"已为「{PREFIX}第12期」设提醒" in text_of(done)
    with chat.services.session() as session:
        (reminder, _), *more = rcrud.reminders_of_manager(session, manager_id=MANAGER)
    assert not more and reminder.class_id == classes[11].id


async def test_a_class_of_another_manager_cannot_be_picked(chat) -> None:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        crud.create_class(session, name="数学班", manager_id=MANAGER)
        foreign = crud.create_class(session, name="外班", manager_id=ADMIN + 1)
    due = datetime.now(TZ).date() + timedelta(days=30)
    await chat.send_file(ADMIN, "plan.txt", notice(due))
    listing = await chat.say(MANAGER, "/deadlines")
    to_remind = next(b.data for b in buttons_of(listing) if "设为提醒" in b.text)
    picker = await chat.press(MANAGER, to_remind)
    pick = next(b.data for b in buttons_of(picker) if b.data and ":pk:" in b.data)

    forged = await chat.press(MANAGER, pick.rsplit(":", 1)[0] + f":{foreign.id}")

    assert forged[0].alert and "这不是您管理的培训班" in forged[0].text
