"""QA20 F5, end to end on both engines through the fake Bot API server: a trainee the manager
removed (/myclass → 👥 成员 → 移出 → 确定移出) cannot rejoin with the same link or code: they are
told to ask the manager and are not added, also after a restart (the removal is in the
database). The manager's 「↩️ 允许…重新加入」 lets them back (they are told, with the link), and
「🔄 更换加入码」 gives the class a new code: the old one says it expired, the new one joins."""

from __future__ import annotations

import re

from tests.e2e.test_removed_manager_handoff import data_of

ADMIN, MANAGER, REMOVED, STAYS, NEWCOMER = 900, 501, 1001, 1002, 1003
REFUSAL = "您已被班主任移出「英语三班」，如需重新加入请联系班主任"


def test_a_removed_trainee_stays_out_until_the_manager_lets_them_back(
    start_bot, fake_telegram
) -> None:
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    def say(user_id: int, text: str, expected: str, name: str = "张老师"):  # type: ignore[no-untyped-def]
        mark = tg.mark()
        tg.send_text(user_id=user_id, text=text, first_name=name)
        return tg.wait_for(
            method="sendMessage", chat_id=user_id, text_contains=expected, after=mark
        )

    def press(call, label: str, expected: str):  # type: ignore[no-untyped-def]
        mark = tg.mark()
        tg.press_button(user_id=MANAGER, message_id=call.message_id, data=data_of(call, label))
        return tg.wait_for(
            method="editMessageText", chat_id=MANAGER, text_contains=expected, after=mark
        )

    say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = say(MANAGER, "/newclass 英语三班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    say(REMOVED, f"/start {code}", "已加入培训班", name="李老师")
    say(STAYS, f"/start {code}", "已加入培训班", name="王老师")

    listing = say(MANAGER, "/myclass", "我管理的培训班")
    members = press(listing, "成员", "的成员（2 人）")
    asked = press(members, "移出 1.", "确定把 李老师 移出")
    assert "也不能再用加入码回来" in asked.text
    mark = tg.mark()
    done = press(asked, "确定移出", "已把 李老师 移出")
    assert "的成员（1 人）" in done.text and "已移出（不能用加入码回来）：李老师" in done.text
    told = tg.wait_for(method="sendMessage", chat_id=REMOVED, after=mark)
    assert "您已被班主任移出培训班「英语三班」" in told.text

    # the same link and the code by hand are both refused; nothing changes in the class
    for attempt in (f"/start {code}", f"/join {code.lower()}"):
        refused = say(REMOVED, attempt, "移出", name="李老师")
        assert REFUSAL in refused.text and "已加入" not in refused.text
    again = say(MANAGER, "/myclass", "我管理的培训班")
    assert "英语三班（1 人）" in again.text

    # the removal survives a restart
    bot.stop()
    start_bot(admin_ids=str(ADMIN))
    assert REFUSAL in say(REMOVED, f"/start {code}", "移出", name="李老师").text

    # the manager lets them back: they are told, with the link, and the link joins again
    listing = say(MANAGER, "/myclass", "我管理的培训班")
    members = press(listing, "成员", "的成员（1 人）")
    mark = tg.mark()
    allowed = press(members, "允许 李老师 重新加入", "已允许 李老师 重新加入")
    assert "已通知 TA" in allowed.text and "已移出" not in allowed.text
    invite = tg.wait_for(method="sendMessage", chat_id=REMOVED, after=mark)
    assert "班主任已允许您重新加入培训班「英语三班」" in invite.text and code in invite.text
    say(REMOVED, f"/start {code}", "已加入培训班「英语三班」", name="李老师")


def test_a_replaced_join_code_says_it_expired_and_the_new_one_joins(
    start_bot, fake_telegram
) -> None:
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))

    def say(user_id: int, text: str, expected: str):  # type: ignore[no-untyped-def]
        mark = tg.mark()
        tg.send_text(user_id=user_id, text=text)
        return tg.wait_for(
            method="sendMessage", chat_id=user_id, text_contains=expected, after=mark
        )

    def press(call, label: str, expected: str):  # type: ignore[no-untyped-def]
        mark = tg.mark()
        tg.press_button(user_id=MANAGER, message_id=call.message_id, data=data_of(call, label))
        return tg.wait_for(
            method="editMessageText", chat_id=MANAGER, text_contains=expected, after=mark
        )

    say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = say(MANAGER, "/newclass 英语三班", "已创建培训班")
    old = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    say(STAYS, f"/start {old}", "已加入培训班")

    members = press(say(MANAGER, "/myclass", "我管理的培训班"), "成员", "的成员（1 人）")
    asked = press(members, "更换加入码", "确定更换「英语三班」的加入码吗")
    assert old in asked.text and "已经在班里的学员不受影响" in asked.text
    done = press(asked, "确定更换", "的加入码已更换为")
    new = re.search(r"start=([A-Z0-9]{8})", done.text).group(1)
    assert new != old and f"旧加入码 {old} 已失效" in done.text

    expired = say(NEWCOMER, f"/start {old}", "已过期")
    assert "班主任更换了「英语三班」的加入码" in expired.text and "已加入" not in expired.text
    say(NEWCOMER, f"/join {new}", "已加入培训班「英语三班」")
    listing = say(MANAGER, "/myclass", "我管理的培训班")
    assert "英语三班（2 人）" in listing.text and new in listing.text and old not in listing.text
