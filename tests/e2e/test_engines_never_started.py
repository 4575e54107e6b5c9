"""A member who never opened the private chat with the bot (they joined or asked from the class
group) is not someone who blocked it (QA 5c M4): Telegram answers 403 「Forbidden: bot can't
initiate conversation with a user」, and the broadcast report counts them apart, names them and
tells the manager to have them open the bot; the manager's answer to their handed-off question
says the same. They are not marked as blocked: once they open the chat, the next broadcast
reaches them. The real bot on both engines, against the fake server emulating that refusal."""

from __future__ import annotations

from tests.e2e.test_groups import data_of
from tests.e2e.test_reminders import MANAGER, seed_class

GROUP = -100555
READER, BLOCKER, NEVER, GROUP_ASKER = 2001, 2002, 2003, 2004
BOT = "guopei_test_bot"


def broadcast(tg, text: str) -> str:  # type: ignore[no-untyped-def]
    """/broadcast TEXT, 确认发送, and the final report's text."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/broadcast {text}")
    confirm = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    tg.press_button(
        user_id=MANAGER, message_id=confirm.message_id, data=data_of(confirm, "确认发送")
    )
    return tg.wait_for(
        method="editMessageText",
        ok=True,
        chat_id=MANAGER,
        text_contains="人：送达",
        after=mark,
        timeout=30,
        predicate=lambda c: c.params.get("message_id") == confirm.message_id,
    ).text


def test_a_member_who_never_started_the_bot_is_not_reported_as_blocking_it(
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "语文一班", [READER, BLOCKER, NEVER, GROUP_ASKER])
    tg.blocked_users.add(BLOCKER)
    tg.never_started_users.update({NEVER, GROUP_ASKER})
    start_bot()

    # A question asked in the class group, handed to the manager, answered: it cannot be
    # delivered, and the manager is told why and what to do, not that they were blocked.
    mark = tg.mark()
    tg.send_text(
        user_id=GROUP_ASKER,
        text="/ask 明天北京天气怎么样",
        first_name=f"学员{GROUP_ASKER}",
        chat_id=GROUP,
        chat_type="supergroup",
    )
    declined = tg.wait_for(method="sendMessage", chat_id=GROUP, text_contains="没有找到")
    tg.press_button(
        user_id=GROUP_ASKER,
        chat_id=GROUP,
        message_id=declined.message_id,
        data=data_of(declined, "问班主任"),
    )
    handed = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="明天北京天气", after=mark
    )
    tg.press_button(user_id=MANAGER, message_id=handed.message_id, data=data_of(handed, "回答"))
    tg.wait_for(method="sendMessage", chat_id=MANAGER, text_contains="请直接发送您的回答")
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="以当地天气预报为准,课程照常。")
    status = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="回答已保存", after=mark
    )
    refused = tg.calls(method="sendMessage", chat_id=GROUP_ASKER, after=mark)
    assert [c.status for c in refused] == [403]
    assert refused[0].response["description"] == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    assert "还没有私聊过我" in status.text and f"t.me/{BOT}" in status.text
    assert "屏蔽" not in status.text

    # A broadcast: those who never started the bot are counted and named apart.
    report = broadcast(tg, "明天上午9点交研修日志")
    assert "共 4 人：送达 1 · 还没有私聊过机器人 2 · 屏蔽了机器人 1" in report
    assert f"💬 还没有私聊过机器人：学员{NEVER}、学员{GROUP_ASKER}" in report
    assert f"🚫 屏蔽了机器人（已标记，之后不再发送）：学员{BLOCKER}" in report
    assert f"请让这 2 人打开 t.me/{BOT} 并点「开始」" in report

    # One of them opens the private chat: the next broadcast reaches them; the other is tried
    # again (not marked as blocked), the one who blocked the bot is not.
    mark = tg.mark()
    tg.send_text(user_id=NEVER, text="/start", first_name=f"学员{NEVER}")
    tg.wait_for(method="sendMessage", ok=True, chat_id=NEVER, after=mark)
    mark = tg.mark()
    report = broadcast(tg, "下午2点分组讨论")
    assert "共 3 人：送达 2 · 还没有私聊过机器人 1" in report
    assert f"💬 还没有私聊过机器人：学员{GROUP_ASKER}" in report
    tried = {
        c.chat_id: c.status
        for c in tg.calls(method="sendMessage", after=mark)
        if "分组讨论" in (c.text or "") and c.chat_id != MANAGER
    }
    assert tried == {READER: 200, NEVER: 200, GROUP_ASKER: 403}
