"""QA20 F11, end to end on both engines through the fake Bot API server: the person an admin
makes a class manager (/addmanager) or takes it back from (/removemanager) is told privately,
and the admin's reply says so; when Telegram refuses (they never opened the private chat, or
blocked the bot) the admin's reply says they were not told."""

from __future__ import annotations

ADMIN, MANAGER, GROUP_ONLY = 900, 501, 502
GROUP = -100777


def test_a_new_or_removed_manager_is_told_and_the_admin_learns_when_they_could_not_be(
    start_bot, fake_telegram
) -> None:
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))

    tg.say(MANAGER, "/start", "您好")
    mark = tg.mark()
    added = tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    assert "已私信通知对方" in added.text and "没能" not in added.text
    (notice,) = tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)
    assert notice.text.startswith("您已被设为班主任，发送 /help 查看班主任命令")
    tg.say(MANAGER, "/newclass 英语三班", "已创建培训班")

    mark = tg.mark()
    removed = tg.say(ADMIN, f"/removemanager {MANAGER}", "已撤销")
    assert "已私信通知对方" in removed.text
    (notice,) = tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)
    assert notice.text.startswith("您的班主任身份已被撤销")
    assert "您建的培训班仍然保留" in notice.text

    # someone who only ever wrote in a class group: the bot cannot open the chat with them
    mark = tg.mark()
    tg.send_text(user_id=GROUP_ONLY, text="/help", chat_id=GROUP, chat_type="supergroup")
    tg.wait_for(method="sendMessage", chat_id=GROUP, after=mark)
    tg.never_started_users.add(GROUP_ONLY)
    added = tg.say(ADMIN, f"/addmanager {GROUP_ONLY}", "设为班主任")
    assert "没能私信通知对方（对方还没有打开和我的私聊，或已屏蔽我）" in added.text
    assert "发送 /start 后即可看到班主任命令" in added.text

    # a manager who blocked the bot is removed: the admin is told to let them know otherwise
    tg.blocked_users.add(GROUP_ONLY)
    removed = tg.say(ADMIN, f"/removemanager {GROUP_ONLY}", "已撤销")
    assert "没能私信通知对方" in removed.text and "请另行告知对方" in removed.text
