"""Questions end to end on both engines, through the fake Bot API server: a cited answer with
bold matches, 👍 and 更多, a forged press refused, a declined question handed to the class
manager (the trainee's message then says when and to whom, without the button) and
answered (the trainee reads which manager answered), the answer saved as curated and used
next time, then retired with /curated, /unanswered, and an admin uploading a notice file that
is answerable at once (a corrupt one refused)."""

from __future__ import annotations

import re
from datetime import date

ADMIN, MANAGER, TRAINEE, OTHER = 900, 501, 1001, 1002
AGE_QUESTION = "参训教师年龄有什么要求"
FUNDS_QUESTION = "国培计划经费怎么管理"  # several hits: 更多 has something to show
OUT_OF_SCOPE = "明天北京天气怎么样"
NOTICE = (
    "title: 关于开展2026年乡村教师书法研修营的通知\n"
    "doc_number: 测试〔2026〕7号\n"
    "date: 2026-03-01\n"
    "---\n"
    "一、研修营安排\n"
    "(一)书法研修营于每年暑假在云南大理举办,每期十天,参训学员须自带毛笔和宣纸。\n"
    f"(二)请各地于{date.today().year + 1}年5月20日前将参训学员名单报送项目办。\n"
).encode()


def data_of(call, label: str) -> str:
    for text, data in call.buttons:
        if label in text and data:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons}")


def test_questions_handoff_curated_and_upload(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    def say(user_id: int, text: str, expected: str, method: str = "sendMessage", chat=None):
        mark = tg.mark()
        tg.send_text(user_id=user_id, text=text)
        return tg.wait_for(
            method=method, chat_id=chat or user_id, text_contains=expected, after=mark
        )

    def press(user_id: int, call, data: str, expected: str, method: str, chat=None):
        mark = tg.mark()
        tg.press_button(user_id=user_id, message_id=call.message_id, data=data, chat_id=chat)
        return tg.wait_for(method=method, text_contains=expected, after=mark)

    say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = say(MANAGER, "/newclass 书法班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    say(TRAINEE, f"/start {code}", "已加入培训班")

    # A cited answer with the matched words in bold; 👍 is stored, 更多 edits the message.
    answer = say(TRAINEE, AGE_QUESTION, "条款")
    assert "<b>参训教师年龄</b>" in answer.text and "—— 《" in answer.text
    assert answer.params.get("parse_mode", "").upper() == "HTML"
    press(TRAINEE, answer, data_of(answer, "👍"), "谢谢反馈", "answerCallbackQuery")
    funds = say(TRAINEE, FUNDS_QUESTION, "条相关条款")  # unsure: an overview of the clauses
    edited = press(TRAINEE, funds, data_of(funds, "更多"), "第 1/", "editMessageText")
    assert edited.params["message_id"] == funds.message_id
    assert any("上一条" in text for text, _ in edited.buttons)
    # Someone else pressing the asker's button (as in a group) is refused.
    press(OTHER, answer, data_of(answer, "👎"), "别人", "answerCallbackQuery", chat=TRAINEE)

    # Declined honestly, with 问班主任; the manager sees it in /unanswered, a trainee can't.
    declined = say(TRAINEE, OUT_OF_SCOPE, "没有找到")
    say(TRAINEE, "/unanswered", "只有班主任")
    listing = say(MANAGER, "/unanswered", OUT_OF_SCOPE)
    assert any("回答" in text for text, _ in listing.buttons)
    mark = tg.mark()
    tg.press_button(
        user_id=TRAINEE, message_id=declined.message_id, data=data_of(declined, "问班主任")
    )
    handed = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains=OUT_OF_SCOPE, after=mark
    )
    tg.wait_for(method="answerCallbackQuery", text_contains="已转给班主任", after=mark)
    # The trainee's message now says when and to whom it went, without the 问班主任 button.
    traced = tg.wait_for(
        method="editMessageText", chat_id=TRAINEE, text_contains="转给班主任", after=mark
    )
    assert traced.params["message_id"] == declined.message_id
    assert re.search(r"✅ 已于 \d\d:\d\d 转给班主任 张老师，回复会发到这里。$", traced.text)
    shown = tg.messages_in_chat(TRAINEE)[declined.message_id]
    assert "转给班主任 张老师" in shown["text"] and "reply_markup" not in shown
    assert "<b>学员提问</b> · 书法班\n" in handed.text

    # The manager answers; the trainee receives it; the manager saves it as curated.
    press(MANAGER, handed, data_of(handed, "回答"), "请直接发送您的回答", "sendMessage")
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="下雨时课程照常进行,请带好雨具。")
    delivered = tg.wait_for(
        method="sendMessage", chat_id=TRAINEE, text_contains="请带好雨具", after=mark
    )
    assert delivered.text.startswith("💬 <b>张老师回复了您的问题</b>\n")  # who answered
    offer = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="已把回答发给学员", after=mark
    )
    press(MANAGER, offer, data_of(offer, "保存为标准答案"), "已保存为标准答案", "editMessageText")
    curated = say(TRAINEE, OUT_OF_SCOPE, "📌 <b>张老师的解答</b>")
    assert "请带好雨具" in curated.text

    # /curated lists it (not for trainees); 停用 → 确认停用 retires it at once.
    say(TRAINEE, "/curated", "只有班主任")
    listing = say(MANAGER, "/curated", OUT_OF_SCOPE)
    assert "请带好雨具" in listing.text
    confirm = press(
        MANAGER, listing, data_of(listing, "停用第 1 条"), "停用这条标准答案", "editMessageText"
    )
    press(MANAGER, confirm, data_of(confirm, "确认停用"), "已停用", "editMessageText")
    assert "的解答" not in say(TRAINEE, OUT_OF_SCOPE, "没有找到").text

    # An admin uploads a notice: answerable at once. A corrupt file changes nothing.
    mark = tg.mark()
    tg.send_document(user_id=ADMIN, filename="broken.pdf", content=b"%PDF-1.4 junk \x00\x01")
    tg.wait_for(method="sendMessage", chat_id=ADMIN, text_contains="没有加入知识库", after=mark)
    mark = tg.mark()
    tg.send_document(user_id=TRAINEE, filename="notice.txt", content=NOTICE)
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="只有管理员", after=mark)
    mark = tg.mark()
    tg.send_document(user_id=ADMIN, filename="书法研修营.txt", content=NOTICE)
    tg.wait_for(
        method="sendMessage", chat_id=ADMIN, text_contains="现在就可以", after=mark, timeout=30
    )
    found = say(TRAINEE, "书法研修营在哪里举办", "大理")
    assert "测试〔2026〕7号" in found.text

    # Its deadline is listed; the manager turns it into a class reminder (scheduler/).
    listing = say(TRAINEE, "/deadlines", "参训学员名单报送项目办")
    assert not any("设为提醒" in text for text, _ in listing.buttons)
    listing = say(MANAGER, "/deadlines", "参训学员名单报送项目办")
    choices = press(MANAGER, listing, data_of(listing, "设为提醒"), "提前几天", "sendMessage")
    press(MANAGER, choices, data_of(choices, "提前3天"), "已为「书法班」设提醒", "editMessageText")

    assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log
    assert re.search(rf"update user={TRAINEE} kind=text handler=\w+ ms=\d", log)
