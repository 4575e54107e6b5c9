"""/deadlines on a class's notice (QA15 M7): its dates carry the same ⚠️ scope line as answers
(knowledge/scope.py), a duty of a 教育局/教育厅 is marked as theirs, and the trainees' own day
(「请参训学员于…报到」) is listed, without 「前」, and can be set as a reminder. Through the
conversation core with the real knowledge base, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from knowledge.deadlines import date_error, duty_holder, find_deadlines, is_on_the_day
from knowledge.models import Document, Passage
from scheduler.timeparse import format_day, format_when
from tests.questions.conftest import ADMIN, MANAGER, Chat, button, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")
CLASS_TITLE = "甘肃省教育厅关于举办“国培计划(2026)”甘肃省乡村小学语文骨干教师高级研修班的通知"
SCOPE = "⚠️ 只适用于这个研修班，不是国培计划的通用规定"


def class_notice(names_due: date, check_in: date) -> bytes:
    """The 甘肃 研修班 notice QA15 uploaded, its dates moved to ``names_due`` and ``check_in``."""
    starts = check_in + timedelta(days=1)
    return (
        f"{CLASS_TITLE}\n甘教师〔2026〕15号\n各市(州)教育局:\n"
        "一、培训对象\n全省乡村小学语文骨干教师100名,年龄不超过50周岁,具有中级及以上职称。\n"
        f"二、培训时间和地点\n{cn_date(starts)}至{cn_date(starts + timedelta(days=15))},"
        f"共15天,在西北师范大学集中培训。请参训学员于{cn_date(check_in)}报到。\n"
        f"四、其他事项\n请各市(州)教育局于{cn_date(names_due)}前将参训学员名单报送省教育厅教师工作处。\n"
        "甘肃省教育厅\n2026年12月1日\n"
    ).encode()


# ---------------------------------------------------------------- finding the dates


def document(title: str = "某通知") -> Document:
    return Document("d", title, "某〔2030〕1号", "某部", "2030-01-01", "s", [], "", "f")


def test_the_trainees_check_in_day_is_found() -> None:
    passages = [
        Passage("d", "二、", "2030年5月21日至6月4日集中培训。请参训学员于2030年5月20日报到。"),
        Passage("d", "三、", "学员于2030年7月1日上午到县教师发展中心报到。"),
        Passage("d", "四、", "请参训教师于2030年8月1日参加开班仪式。"),
    ]
    found = {d.when_text: d for d in find_deadlines([document()], passages)}
    assert {when: d.due for when, d in found.items()} == {
        "2030年5月20日": date(2030, 5, 20),
        "2030年7月1日": date(2030, 7, 1),
        "2030年8月1日": date(2030, 8, 1),
    }
    assert all(is_on_the_day(d) and duty_holder(d) is None for d in found.values())


def test_a_date_that_is_nobodys_duty_is_not_found() -> None:
    passages = [
        Passage("d", "一、", "会议于2030年3月2日召开。请各地于2030年3月3日参加视频会议。"),
        Passage("d", "二、", "培训于2030年4月1日至5日举行，学员在校报到。"),
    ]
    assert find_deadlines([document()], passages) == []


def test_a_day_the_calendar_lacks_is_kept_as_written_and_marked() -> None:
    """「2030年2月30日」 is a duty with a misprinted day: listed as written, no date to remind
    on (QA21 F5; until then it was dropped without a word)."""
    passages = [Passage("d", "三、", "请于2030年2月30日报到。")]
    (found,) = find_deadlines([document()], passages)
    assert found.due is None and found.when_text.startswith("2030年2月30日")
    assert date_error(found) == "2030年2月只有28天"


def test_a_list_handed_to_a_county_body_or_uploaded_is_a_duty() -> None:
    """「将…报县教师发展中心」 and 「…上传平台」 are duties as 报送 is (QA18 F5)."""
    passages = [
        Passage("d", "一、", "请各中心学校于2030年4月10日前将参训教师名单报县教师发展中心。"),
        Passage("d", "二、", "各校于2030年4月15日前将研修总结上传平台。"),
        Passage("d", "三、", "培训于2030年4月20日前结束，届时另行通知。"),  # no duty
    ]
    found = find_deadlines([document()], passages)
    assert [d.when_text for d in found] == ["2030年4月10日前", "2030年4月15日前"]


def test_a_limit_is_no_day_of_its_own() -> None:
    passages = [Passage("d", "一、", "请参训学员于2030年5月20日前完成报到。")]
    (found,) = find_deadlines([document()], passages)
    assert found.when_text == "2030年5月20日前" and not is_on_the_day(found)


def test_whose_duty_a_deadline_is() -> None:
    passages = [
        Passage("d", "一、", "请各市(州)教育局于2030年5月1日前将参训学员名单报送省教育厅。"),
        Passage("d", "二、", "请各省级教育行政部门于2030年6月1日前报送总结。"),
        Passage("d", "三、", "请有关省(区)教育厅于培训结束后的1个月内报送总结。"),
        Passage("d", "四、", "请参训学员于2030年7月1日前提交研修日志。"),
        Passage("d", "五、", "请于2030年8月1日前提交研修总结。"),
        Passage("d", "六、", "请各州（市）于2030年9月1日前将培训计划报送省教育厅。"),  # QA16 L4
        Passage("d", "七、", "各县于2030年10月1日前完成送教下乡。"),
        Passage("d", "八、", "请各承训机构于2030年11月1日前提交培训总结。"),  # QA18
    ]
    holders = [duty_holder(d) for d in find_deadlines([document()], passages)]
    assert holders == [
        "教育局",
        "省级教育行政部门",
        "教育厅",
        None,
        None,
        "各州",
        "各县",
        "承训机构",
    ]


# ---------------------------------------------------------------- /deadlines


async def test_a_class_notice_lists_its_dates_with_scope_and_holder(chat: Chat) -> None:
    today = datetime.now(TZ).date()
    names_due, check_in = today + timedelta(days=8), today + timedelta(days=12)
    uploaded = await chat.send_file(ADMIN, "gansu-class.txt", class_notice(names_due, check_in))
    assert "已加入知识库" in text_of(uploaded)

    listing = await chat.say(MANAGER, "/deadlines")

    items = text_of(listing).split("\n\n")[1:]
    first, second = items[0].split("\n"), items[1].split("\n")
    assert first[0] == f"1. 📅 <b>{format_day(names_due, today)}</b>前（教育局的任务）"
    assert first[1].startswith("请各市（州）教育局于")
    assert first[2] == SCOPE
    assert second[0] == f"2. 📅 <b>{format_day(check_in, today)}</b>"  # a day, no 「前」
    assert second[1] == f"请参训学员于{cn_date(check_in)}报到。"
    assert second[2] == SCOPE
    assert second[3].startswith("—— 《") and second[3].endswith("甘教师〔2026〕15号 · 条款 二、")


async def test_setting_a_bodys_duty_as_a_reminder_says_whose_it_is(chat: Chat) -> None:
    today = datetime.now(TZ).date()
    names_due, check_in = today + timedelta(days=8), today + timedelta(days=12)
    await chat.send_file(ADMIN, "gansu-class.txt", class_notice(names_due, check_in))
    listing = await chat.say(MANAGER, "/deadlines")

    choices = text_of(await chat.press(MANAGER, button(listing, "第 1 项设为提醒")))

    assert f"{SCOPE}，请确认是您的培训班再设提醒。" in choices
    assert "⚠️ 这是教育局的任务，不是学员要做的事；提醒全班学员前请确认。" in choices


async def test_the_check_in_day_becomes_a_reminder(chat: Chat) -> None:
    today = datetime.now(TZ).date()
    names_due, check_in = today + timedelta(days=8), today + timedelta(days=12)
    await chat.send_file(ADMIN, "gansu-class.txt", class_notice(names_due, check_in))
    listing = await chat.say(MANAGER, "/deadlines")

    choices = await chat.press(MANAGER, button(listing, "第 2 项设为提醒"))

    text = text_of(choices)
    assert f"⏰ 为这一项（日期 {format_day(check_in, today)}）设提醒" in text, text
    assert "截止" not in text and "任务" not in text
    done = await chat.press(MANAGER, button(choices, "提前3天"))
    run = datetime.combine(check_in - timedelta(days=3), time(9), TZ)
    assert text_of(done).startswith(
        f"✅ 已为「语文一班」设提醒：{format_when(run, datetime.now(TZ))} 发给全体学员"
        f"（日期 {format_day(check_in, today)} 前 3 天）。"
    ), text_of(done)
    reminders = text_of(await chat.say(MANAGER, "/reminders"))
    assert f"{format_when(run, datetime.now(TZ))} · 距{cn_date(check_in)} 还有 3 天：" in (
        reminders
    ), reminders
    assert "截止" not in reminders, reminders
