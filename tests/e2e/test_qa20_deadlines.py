"""QA20 on the real bot (both engines; the replacement on SQLite and PostgreSQL too) through the
fake Bot API:

- F1: a class reminder set from a notice's deadline (/deadlines 「设为提醒」) is not left to
  announce a superseded date in silence. When the admin replaces the notice (「🔁 替换旧版本」)
  with a version whose date differs, the admin's confirmation counts the class reminders set
  from the old deadline, the manager who set them is told (「您为「书法班」设的提醒依据的通知
  已被替换为新版本」, with a button to /reminders), and /reminders marks them 「⚠️ 依据的通知已被
  替换」; a reminder of a deadline the new version keeps word for word is neither counted nor
  marked, and nothing is cancelled. Deleting the notice (/notices) does the same 「已被删除」,
  and 「恢复」 makes the reminder current again (no mark).
- F12: an item still ahead whose every lead time (09:00 one, three, seven days before) has
  passed says so in the manager's list, with the /remind to write instead, and has no button.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.e2e.test_handoff_restart import ADMIN, MANAGER, TRAINEE, Conversation, data_of
from tests.e2e.test_qa19_deadlines import TZ, pending_reminders
from tests.scheduler.conftest import cn_date

TITLE = "关于做好2026年国培计划冬季研修工作的通知"
SUMMARY = "请各参训学员于{}前提交研修总结，逾期不予结业。"
UPLOAD = "请各参训学员于{}前将研修成果上传平台。"


def notice(summary: date, upload: date, lodging: str = "培训机构统一承担") -> bytes:
    """QA20's winter notice: the summary's and the upload's deadlines, and the lodging."""
    return (
        f"title: {TITLE}\ndoc_number: 教师厅〔2026〕9号\nissuer: 某省教育厅\ndate: 2026-12-01\n"
        "---\n"
        f"一、作业要求\n{SUMMARY.format(cn_date(summary))}\n"
        f"二、成果上传\n{UPLOAD.format(cn_date(upload))}\n"
        f"三、住宿安排\n培训期间住宿费由{lodging}。\n"
    ).encode()


def upload(talk: Conversation, name: str, content: bytes, expected: str):  # type: ignore[no-untyped-def]
    """The admin sends a notice file; waits for the bot's answer containing `expected`."""
    mark = talk.tg.mark()
    talk.tg.send_document(user_id=ADMIN, filename=name, content=content)
    return talk.tg.wait_for(
        method="sendMessage", chat_id=ADMIN, text_contains=expected, after=mark, timeout=30
    )


def set_reminder(talk: Conversation, item: int, days: int) -> None:
    """The manager (one class) turns item `item` of /deadlines into a reminder N days ahead."""
    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    choices = talk.press(MANAGER, listing, f"第 {item} 项设为提醒", "选择提前几天")
    talk.press(MANAGER, choices, f"提前{days}天", "✅ 已为「书法班」设提醒", "editMessageText")


def test_replacing_a_notice_tells_the_manager_of_the_reminders_set_from_it(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    summary, kept, moved = (today + timedelta(days=d) for d in (10, 12, 15))
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    upload(talk, "冬季通知.txt", notice(summary, kept), "已加入知识库")
    set_reminder(talk, 1, 1)  # the summary: its date moves in the new version
    set_reminder(talk, 2, 3)  # the upload: the new version keeps it word for word

    asked = upload(talk, "冬季通知v2.txt", notice(moved, kept, "学员自理"), "可能是它的新版本")
    mark = tg.mark()
    replaced = talk.press(ADMIN, asked, "替换旧版本", "已替换旧版本", "editMessageText")
    assert (
        "⚠️ 有 1 条培训班提醒是按旧版本的期限设的（「书法班」1 条），没有自动取消。"
        "已通知设提醒的班主任：王芳。"
    ) in replaced.text, replaced.text
    told = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="依据的通知", after=mark
    )
    assert told.text.startswith("⚠️ 您为「书法班」设的提醒依据的通知已被替换为新版本："), told.text
    assert SUMMARY.format(cn_date(summary)) in told.text and cn_date(kept) not in told.text
    assert "请用 /reminders 查看或取消，再用 /deadlines 按新版本设提醒。" in told.text
    assert len(pending_reminders(database_url)) == 2  # told, not cancelled

    listing = talk.press(MANAGER, told, "查看我的提醒", "待发送的提醒", "editMessageText")
    assert listing.text.count("⚠️ 依据的通知已被替换") == 1, listing.text
    first, second = listing.text.split("\n2. ")
    kept_first = SUMMARY.format(cn_date(summary))[:20] not in first
    marked, clean = (second, first) if kept_first else (first, second)
    assert "⚠️ 依据的通知已被替换" in marked and "研修总结" in marked
    assert "⚠️" not in clean and "研修成果上传平台" in clean


def test_deleting_a_notice_tells_the_manager_and_restoring_it_clears_the_mark(
    start_bot, fake_telegram
):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    upload(talk, "冬季通知.txt", notice(today + timedelta(10), today + timedelta(12)), "已加入")
    set_reminder(talk, 1, 1)

    listing = talk.say(ADMIN, "/notices", "知识库里的通知")
    assert "教师厅〔2026〕9号" in listing.text.split("\n\n")[1]
    confirm = talk.press(ADMIN, listing, "删除第 1 条", "删除这份通知", "editMessageText")
    mark = tg.mark()
    removed = talk.press(ADMIN, confirm, "确认删除", "已删除", "editMessageText")
    assert "⚠️ 有 1 条培训班提醒是按这份通知的期限设的（「书法班」1 条）" in removed.text
    told = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="依据的通知", after=mark
    )
    assert told.text.startswith("⚠️ 您为「书法班」设的提醒依据的通知已被删除："), told.text
    assert "请用 /reminders 查看或取消。" in told.text
    reminders = talk.say(MANAGER, "/reminders", "待发送的提醒")
    assert "⚠️ 依据的通知已被删除" in reminders.text

    talk.press(ADMIN, removed, "恢复", "已恢复", "editMessageText")
    reminders = talk.say(MANAGER, "/reminders", "待发送的提醒")
    assert "⚠️" not in reminders.text and "研修总结" in reminders.text


def test_an_item_too_close_for_a_lead_time_says_why_it_has_no_button(start_bot, fake_telegram):
    tg = fake_telegram
    now = datetime.now(TZ)
    # Before 09:00 the day before tomorrow's lead time is still ahead: then today's item.
    word, soon = ("明天", now.date() + timedelta(1)) if now.hour >= 9 else ("今天", now.date())
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    upload(talk, "冬季通知.txt", notice(soon, now.date() + timedelta(12)), "已加入知识库")

    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    first = listing.text.split("\n\n2. ")[0]
    assert SUMMARY.format(cn_date(soon)) in first, listing.text
    assert f"⏰ {word}的事项：提前提醒的时间（前一天 9:00）已过，不能「设为提醒」；" in first
    assert "可用 /remind " in first and " 提醒内容 自己设。" in first
    labels = [label for label, _ in listing.buttons]
    assert "⏰ 第 2 项设为提醒" in labels and "⏰ 第 1 项设为提醒" not in labels, labels
    data_of(listing, "第 2 项设为提醒")

    trainee = talk.say(TRAINEE, "/deadlines", "通知里的截止时间")
    assert "的事项：提前提醒的时间" not in trainee.text
