"""问班主任 after /removemanager, end to end on both engines through the fake Bot API server
(QA 6a, finding 3): the removed manager receives nothing, the admin receives the question with
the reason, the trainee's pop-up says the class has no manager and the admin has it, the
admin's answer reaches the trainee, and /myclass says 「班主任：暂无（请联系管理员）」."""

from __future__ import annotations

import re

ADMIN, MANAGER, TRAINEE = 900, 501, 1001
OUT_OF_SCOPE = "明天北京天气怎么样"


def test_a_removed_managers_trainee_is_answered_by_the_admin(start_bot, fake_telegram):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))

    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 书法班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    tg.say(TRAINEE, f"/start {code}", "已加入培训班")
    tg.say(ADMIN, f"/removemanager {MANAGER}", "已撤销")

    declined = tg.say(TRAINEE, OUT_OF_SCOPE, "没有找到")
    mark = tg.mark()
    tg.press_button(
        user_id=TRAINEE, message_id=declined.message_id, data=declined.data_of("问班主任")
    )
    handed = tg.wait_for(
        method="sendMessage", chat_id=ADMIN, text_contains=OUT_OF_SCOPE, after=mark
    )
    told = tg.wait_for(method="answerCallbackQuery", after=mark)

    assert "这个培训班目前没有班主任（原班主任已被撤销），所以转给了管理员" in handed.text
    assert "「书法班」目前没有班主任，问题已转给管理员" in told.text
    # The pop-up comes after every delivery was tried: the removed manager got nothing.
    assert tg.calls(method="sendMessage", chat_id=MANAGER, after=mark) == []

    mark = tg.mark()
    tg.press_button(user_id=ADMIN, message_id=handed.message_id, data=handed.data_of("回答"))
    tg.wait_for(
        method="sendMessage", chat_id=ADMIN, text_contains="请直接发送您的回答", after=mark
    )
    tg.say(ADMIN, "请以当地天气预报为准", "已把回答发给学员")
    answer = tg.wait_for(
        method="sendMessage", chat_id=TRAINEE, text_contains="回复了您的问题", after=mark
    )
    assert "请以当地天气预报为准" in answer.text

    listing = tg.say(TRAINEE, "/myclass", "我加入的培训班")
    assert "书法班 · 班主任：暂无（请联系管理员）" in listing.text
