"""End to end, both engines: what a manager's broadcast carries. A forwarded notice keeps its
hidden links (「点击此处」 stays a link for the trainees); a whole notice of 1,500 characters
may be broadcast; /broadcast in the class group is refused there, so its report (which names
members who blocked the bot) is never posted in the group."""

from __future__ import annotations

from tests.e2e.test_reminders import MANAGER, seed_class

MEMBERS = [3001, 3002]
NOTICE = "各位学员:请于12月10日前点击此处完成报名。🙂"
LINK = "https://gpjh.example.cn/baoming"


def confirm(tg, mark: int) -> None:  # type: ignore[no-untyped-def]
    """Pick the class if asked, then press 确认发送."""
    offer = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark, timeout=15)
    if "确认群发" not in offer.text:
        pick = next(data for label, data in offer.buttons if "一班" in label)
        tg.press_button(user_id=MANAGER, message_id=offer.message_id, data=pick)
        offer = tg.wait_for(
            method="editMessageText", chat_id=MANAGER, text_contains="确认群发", after=mark
        )
    ok = next(data for label, data in offer.buttons if "确认发送" in label)
    tg.press_button(user_id=MANAGER, message_id=offer.message_id, data=ok)


def test_a_forwarded_notice_keeps_its_link(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    seed_class(data_dir, "报名一班", MEMBERS)
    start_bot()
    here = NOTICE.index("此处")
    mark = tg.mark()
    tg.forward_text(
        user_id=MANAGER,
        text=NOTICE,
        from_chat_id=-1001,
        entities=[{"type": "text_link", "offset": here, "length": 2, "url": LINK}],
    )
    confirm(tg, mark)

    for member in MEMBERS:
        sent = tg.wait_for(method="sendMessage", ok=True, chat_id=member, after=mark)
        assert f'点击<a href="{LINK}">此处</a>完成报名' in sent.text
        assert sent.text.startswith("📢 <b>班级通知</b> · 报名一班 · 班主任 ")  # names may repeat


def test_a_long_notice_is_broadcast_and_groups_get_no_report(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    seed_class(data_dir, "长文一班", MEMBERS)
    start_bot()
    group = -100777
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast 群里发的通知", chat_id=group, chat_type="group")
    refusal = tg.wait_for(method="sendMessage", ok=True, chat_id=group, after=mark)
    assert "私聊" in refusal.text
    assert [label for label, _ in refusal.buttons] == ["👉 私聊"]  # opens the private chat

    long_notice = "第一条:" + "请各位学员按时提交研修日志。" * 110  # 1,544 characters
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/broadcast {long_notice}")
    confirm(tg, mark)
    for member in MEMBERS:
        sent = tg.wait_for(method="sendMessage", ok=True, chat_id=member, after=mark)
        assert long_notice in sent.text
