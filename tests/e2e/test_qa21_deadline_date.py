"""QA21 F3: a deadline reminder writes its date as Chinese readers do, 「2027年1月5日」, not
「2027年01月05日」; a reminder stored before, with the zero-padded text, is still the same
reminder (real bot on both engines, SQLite and PostgreSQL):

- /reminders shows the new reminder's date without zeros;
- a padded reminder stored before counts as set: the class picker says 「书法班（已设2个）」,
  the lead time says 「提前1天（已设）」, and pressing it says 「已经为「书法班」设过这个提醒」;
- the database refuses the same reminder in the new form (the key is the same);
- it is not marked while its notice is live, and is counted, told and marked 「⚠️ 依据的通知已被
  替换」 like a new one when the notice is replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import TrainingClass
from bot.db.session import make_engine
from scheduler.deadlines import (
    ReminderExists,
    deadline_message,
    reminder_key,
    schedule_deadline_reminder,
)
from scheduler.timeparse import format_datetime
from tests.e2e.test_handoff_restart import ADMIN, MANAGER, Conversation
from tests.e2e.test_qa19_deadlines import TZ, pending_reminders
from tests.e2e.test_qa20_deadlines import SUMMARY, TITLE, notice, upload
from tests.questions.conftest import ADMIN as CHAT_ADMIN
from tests.questions.conftest import MANAGER as CHAT_MANAGER
from tests.questions.conftest import Chat, open_chat, text_of
from tests.scheduler.conftest import cn_date

SOURCE = f"\n依据：《{TITLE}》（教师厅〔2026〕9号 · 条款 一、）"


def single_digit_due(today: date) -> date:
    """At least 10 days ahead (every lead time offered), on a day 1–9 of its month: the date a
    zero-padded text writes differently."""
    due = today + timedelta(days=10)
    while due.day > 9:
        due += timedelta(days=1)
    return due


def summary_text(due: date, days: int, *, padded: bool = False) -> str:
    """The reminder of QA20's summary item, as set now or (`padded`) before QA21 F3."""
    day = f"{due:%Y年%m月%d日}" if padded else cn_date(due)
    return f"距截止日 {day} 还有 {days} 天：{SUMMARY.format(cn_date(due))}{SOURCE}"


def store_padded_reminder(database_url: str, class_id: int, due: date, days: int) -> int:
    """Store a reminder as the bot set it before QA21 F3: padded text, key over that text."""
    text = summary_text(due, days, padded=True)
    run_at = datetime.combine(due - timedelta(days=days), time(9), TZ)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            reminder = rcrud.create_reminder(
                session,
                created_by=MANAGER,
                chat_id=MANAGER,
                class_id=class_id,
                text=text,
                when_text=f"截止前{days}天",
                label=f"{format_datetime(run_at)}（截止日前 {days} 天）",
                run_at=run_at,
                cron=None,
                active=True,
                dedup_key=reminder_key(class_id, text, run_at, days),
            )
            assert reminder.id is not None
            return reminder.id
    finally:
        engine.dispose()


def class_id_of(database_url: str, name: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            found = session.exec(select(TrainingClass).where(TrainingClass.name == name)).one()
            assert found.id is not None
            return found.id
    finally:
        engine.dispose()


def open_picker(talk: Conversation):  # type: ignore[no-untyped-def]
    """/deadlines, then 设为提醒 of the first item (the summary): the class picker."""
    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    assert "提交研修总结" in listing.text.split("\n\n2. ")[0], listing.text
    return talk.press(MANAGER, listing, "第 1 项设为提醒", "先选择培训班")


def pick(talk: Conversation, picker, label: str):  # type: ignore[no-untyped-def]
    return talk.press(MANAGER, picker, label, "选择提前几天", "editMessageText")


def test_the_date_is_unpadded_and_a_padded_reminder_is_the_same_reminder(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    due = single_digit_due(today)
    kept = due + timedelta(days=3)
    assert cn_date(due) != f"{due:%Y年%m月%d日}"
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    talk.say(MANAGER, "/newclass 国画班", "已创建培训班")
    upload(talk, "冬季通知.txt", notice(due, kept), "已加入知识库")

    # Set now: the date without zeros, in the database and in /reminders.
    choices = pick(talk, open_picker(talk), "书法班")
    talk.press(MANAGER, choices, "提前3天", "✅ 已为「书法班」设提醒", "editMessageText")
    assert pending_reminders(database_url) == [summary_text(due, 3)]
    listed = talk.say(MANAGER, "/reminders", "待发送的提醒")
    assert f"距截止日 {cn_date(due)} 还有 3 天：" in listed.text, listed.text
    assert f"{due:%Y年%m月%d日}" not in listed.text

    # One stored before QA21 F3 (padded) is current, and counts as set.
    store_padded_reminder(database_url, class_id_of(database_url, "书法班"), due, 1)
    listed = talk.say(MANAGER, "/reminders", "待发送的提醒</b>（共 2 条）")
    assert f"距截止日 {due:%Y年%m月%d日} 还有 1 天：" in listed.text, listed.text
    assert "⚠️" not in listed.text, listed.text
    picker = open_picker(talk)
    assert [label for label, data in picker.buttons if ":pk:" in data] == [
        "书法班（已设2个）",
        "国画班",
    ]
    choices = pick(talk, picker, "书法班（已设2个）")
    assert [label for label, _ in choices.buttons][:3] == [
        "提前1天（已设）",
        "提前3天（已设）",
        "提前7天",
    ]
    again = talk.press(
        MANAGER, choices, "提前1天（已设）", "已经为「书法班」设过这个提醒", "editMessageText"
    )
    assert "这次没有再设，学员不会收到两遍" in again.text
    assert sorted(pending_reminders(database_url)) == sorted(
        [summary_text(due, 3), summary_text(due, 1, padded=True)]
    )

    # The notice replaced (its date moved): the old and the new reminder alike.
    asked = upload(talk, "冬季通知v2.txt", notice(due + timedelta(2), kept), "可能是它的新版本")
    mark = tg.mark()
    replaced = talk.press(ADMIN, asked, "替换旧版本", "已替换旧版本", "editMessageText")
    assert (
        "⚠️ 有 2 条培训班提醒是按旧版本的期限设的（「书法班」2 条），没有自动取消。"
    ) in replaced.text, replaced.text
    told = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="依据的通知", after=mark
    )
    assert told.text.startswith(
        "⚠️ 您为「书法班」设的 2 条提醒依据的通知已被替换为新版本："
    ), told.text
    listed = talk.press(MANAGER, told, "查看我的提醒", "待发送的提醒", "editMessageText")
    assert listed.text.count("⚠️ 依据的通知已被替换") == 2, listed.text
    assert len(pending_reminders(database_url)) == 2  # told, not cancelled


# ----- the database refuses the new form of a padded reminder (in-process core) --------------


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb-cache-qa21-date")


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """Manager 501 runs 语文一班."""
    yield from open_chat(database_url, tmp_path, index_cache)


async def test_the_database_refuses_the_new_form_of_a_padded_reminder(
    chat: Chat, database_url: str
) -> None:
    due = single_digit_due(datetime.now(TZ).date())
    replies = await chat.send_file(CHAT_ADMIN, "冬季通知.txt", notice(due, due + timedelta(3)))
    assert "已加入知识库" in text_of(replies)
    found = chat.services.knowledge.deadlines()  # type: ignore[union-attr]
    (deadline,) = [d for d in found if d.title == TITLE and "研修总结" in d.text]
    with chat.services.session() as session:
        (class_id,) = [c.id for c in crud.classes_managed_by(session, manager_id=CHAT_MANAGER)]
    assert class_id is not None
    old_id = store_padded_reminder(database_url, class_id, due, 1)

    # Past the handler's check (another process, or a tap racing it): the database says no.
    with pytest.raises(ReminderExists) as refused:
        await schedule_deadline_reminder(chat.services, CHAT_MANAGER, class_id, deadline, 1)
    assert refused.value.reminder.id == old_id

    made = await schedule_deadline_reminder(chat.services, CHAT_MANAGER, class_id, deadline, 3)
    with chat.services.session() as session:
        texts = {r.id: r.text for r, _ in rcrud.reminders_of_manager(session, manager_id=501)}
    assert texts == {old_id: summary_text(due, 1, padded=True), made: summary_text(due, 3)}
    assert deadline_message(deadline, 3) == summary_text(due, 3)
