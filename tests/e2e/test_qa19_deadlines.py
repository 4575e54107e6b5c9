"""/deadlines on the real bot (both engines, SQLite and PostgreSQL) through the fake Bot API:

- QA19 F1: a double tap of 「书法班 提前1天」 sets one reminder (the second tap gets the toast
  「这条提醒已经设置过了。」 and the 「✅ 已为…设提醒」 message stays); after a restart, the same
  choice is marked 「（已设）」 and pressing it says 「已经为「书法班」设过这个提醒」 and adds no
  copy, while another lead time is still set;
- QA19 F2: the trainees' check-in day 「请参训学员于…到培训基地报到」 is listed (without 「前」),
  with a 设为提醒 for the manager.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.db.reminder_models import Reminder, ReminderStatus
from bot.db.session import make_engine
from tests.e2e.test_handoff_restart import ADMIN, MANAGER, TRAINEE, Conversation
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")
SUMMARY = "参训学员须于{}前将个人研修总结上传平台。"
CHECK_IN = "请参训学员于{}到培训基地报到。"


def notice(today: date) -> bytes:
    """QA19's notice, its dates 5, 11 and 13 days ahead (listed in that order)."""
    return (
        "title: 关于报送2026年国培计划研修成果的通知\ndoc_number: 教培〔2026〕9号\n"
        "issuer: 某省教育厅\ndate: 2026-12-01\n---\n"
        "一、学员任务\n" + SUMMARY.format(cn_date(today + timedelta(days=5))) + "\n"
        "二、成果报送\n请各项目县教育局于"
        f"{cn_date(today + timedelta(days=11))}前将研修成果汇总表报送至项目办。\n"
        "三、报到\n" + CHECK_IN.format(cn_date(today + timedelta(days=13))) + "\n"
    ).encode()


def pending_reminders(database_url: str) -> list[str]:
    """The texts of the active reminders, read from the bot's database."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            statement = select(Reminder.text).where(Reminder.status == ReminderStatus.active)
            return list(session.exec(statement))
    finally:
        engine.dispose()


def upload_notice(talk: Conversation, today: date) -> None:
    """The admin adds QA19's notice."""
    talk.tg.send_document(user_id=ADMIN, filename="成果.txt", content=notice(today))
    talk.tg.wait_for(method="sendMessage", chat_id=ADMIN, text_contains="已加入知识库", timeout=30)


def test_a_deadline_reminder_is_set_once_however_often_it_is_pressed(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    bot = start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    upload_notice(talk, today)
    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    assert "1. 📅" in listing.text and "个人研修总结" in listing.text.split("2. 📅")[0]
    choices = talk.press(MANAGER, listing, "第 1 项设为提醒", "选择提前几天")

    # A double tap: the same button twice (the second press may come after the first edit).
    one_day = next(data for label, data in choices.buttons if label == "书法班 提前1天")
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=choices.message_id, data=one_day)
    tg.press_button(user_id=MANAGER, message_id=choices.message_id, data=one_day, check=False)
    tg.wait_for(method="answerCallbackQuery", text_contains="这条提醒已经设置过了。", after=mark)
    tg.wait_idle()
    edits = [c.text for c in tg.calls(method="editMessageText", chat_id=MANAGER, after=mark)]
    assert len(edits) == 1 and edits[0].startswith("✅ 已为「书法班」设提醒："), edits
    assert len(pending_reminders(database_url)) == 1
    talk.say(MANAGER, "/reminders", "待发送的提醒</b>（共 1 条）")

    # After a restart the database still knows: the choice is marked and adds no copy.
    assert bot.stop() == 0
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    again = talk.press(MANAGER, listing, "第 1 项设为提醒", "选择提前几天")
    labels = [label for label, _ in again.buttons]
    assert labels == ["书法班 提前1天（已设）", "书法班 提前3天"], labels
    mark = tg.mark()
    repeat = talk.press(
        MANAGER, again, "提前1天", "已经为「书法班」设过这个提醒", "editMessageText"
    )
    assert "这次没有再设，学员不会收到两遍" in repeat.text and "个人研修总结" in repeat.text
    toast = tg.wait_for(method="answerCallbackQuery", after=mark)
    assert toast.text == "已经为「书法班」设过这个提醒"
    assert len(pending_reminders(database_url)) == 1
    talk.say(MANAGER, "/reminders", "待发送的提醒</b>（共 1 条）")

    # Another lead time is another reminder.
    third = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    again = talk.press(MANAGER, third, "第 1 项设为提醒", "选择提前几天")
    talk.press(MANAGER, again, "提前3天", "✅ 已为「书法班」设提醒", "editMessageText")
    texts = pending_reminders(database_url)
    assert sorted("还有 1 天" in text for text in texts) == [False, True], texts


def test_the_trainees_check_in_day_is_listed_and_can_be_reminded(start_bot, fake_telegram):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    upload_notice(talk, today)
    check_in = today + timedelta(days=13)
    sentence = CHECK_IN.format(cn_date(check_in))

    listing = talk.say(TRAINEE, "/deadlines", "通知里的截止时间")
    assert "（还没到期的，共 3 项）" in listing.text
    third = listing.text.split("3. ")[1]
    assert third.startswith(f"📅 <b>{check_in.month}月{check_in.day}日（"), third
    assert "</b>\n" + sentence in third and "</b>前" not in third
    assert "—— 《关于报送2026年国培计划研修成果的通知》 · 教培〔2026〕9号 · 条款 三、" in third

    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    choices = talk.press(MANAGER, listing, "第 3 项设为提醒", "选择提前几天")
    assert f"日期 {check_in.month}月{check_in.day}日" in choices.text
    done = talk.press(MANAGER, choices, "提前1天", "✅ 已为「书法班」设提醒", "editMessageText")
    assert sentence in done.text
