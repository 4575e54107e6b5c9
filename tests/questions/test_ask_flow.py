"""The question feature in-process: Conversation.handle on a temporary SQLite database with
the real knowledge base and a recording messenger (no Telegram, no fake server)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.chat import Edit, Notice, Send
from bot.db import question_crud
from bot.db.models import utcnow
from bot.db.question_models import CuratedAnswer, QuestionLog
from tests.questions.conftest import ADMIN, MANAGER, OTHER, TRAINEE, button, text_of

AGE_QUESTION = "普通话培训参训教师年龄有什么要求"
FUNDS_QUESTION = "国培计划经费怎么管理"  # several hits: 更多 has something to show
OUT_OF_SCOPE = "明天北京天气怎么样"


def logs(chat) -> list[QuestionLog]:
    from sqlmodel import select

    with chat.services.session() as session:
        return list(session.exec(select(QuestionLog).order_by(QuestionLog.id)))


async def test_answer_is_cited_bold_logged_and_rated(chat):
    replies = await chat.say(TRAINEE, AGE_QUESTION)
    (answer,) = replies
    assert isinstance(answer, Send)
    assert "<b>参训教师年龄</b>" in answer.text and "<b>周岁</b>" in answer.text
    assert "—— 《" in answer.text and "条款" in answer.text
    (entry,) = logs(chat)
    assert entry.answered and entry.top_doc_id and entry.score and entry.elapsed_ms > 0

    up = button(replies, "👍")
    assert up == f"kb:1:fb:{entry.id}:up"
    await chat.press(TRAINEE, up)
    assert logs(chat)[0].feedback == "up"

    funds = await chat.say(TRAINEE, FUNDS_QUESTION)
    more = await chat.press(TRAINEE, button(funds, "更多"))
    edit = next(r for r in more if isinstance(r, Edit))
    # An unsure answer opens on an overview of its clauses; 更多 then shows the first in full.
    clauses = re.search(r"共 (\d+) 条相关条款", funds[0].text)
    assert funds[0].text.startswith("🔎") and clauses
    assert f"第 1/{clauses[1]} 条" in edit.text and edit.text.startswith("📖")
    assert button(more, "上一条").endswith(":0")

    # Only the asker may press; a forged or malformed id is refused and changes nothing.
    forged = await chat.press(OTHER, f"kb:1:fb:{entry.id}:down")
    assert isinstance(forged[0], Notice) and forged[0].alert and "别人" in forged[0].text
    assert logs(chat)[0].feedback == "up"
    for data in ("kb:1:fb:999999:up", "kb:1:fb:abc:up", "kb:9:fb:1:up", "kb:1:pg:1:99"):
        refused = await chat.press(TRAINEE, data)
        assert refused[0].alert, data


async def test_a_sure_answer_is_plain_and_an_unsure_one_says_so(chat):
    (sure,) = await chat.say(TRAINEE, AGE_QUESTION)
    assert sure.text.startswith("📖") and "没有十足把握" not in sure.text
    (vague,) = await chat.say(TRAINEE, "普通话培训班在哪里举办")
    assert vague.text.startswith("🔎") and "没有十足把握" in vague.text
    # The first three clauses side by side: the one that answers (培训内容和方式: 就近集中举办)
    # is third.
    assert "\n\n1. " in vague.text and "\n\n3. " in vague.text
    assert "条款 培训内容和方式" in vague.text
    assert button([vague], "问班主任")
    full = await chat.press(TRAINEE, button([vague], "更多"))
    edit = next(r for r in full if isinstance(r, Edit))
    assert edit.text.startswith("📖") and "没有十足把握" not in edit.text


async def test_bad_input_gets_a_clear_message_and_is_not_logged(chat):
    for text, expected in [
        ("   ", "这条消息是空的"),  # only spaces (QA23 F6)
        ("😀😀🎉", "请用文字描述"),
        ("\x00\x01\x02abc\x03", "无法识别的字符"),
        ("问" * 4000, "消息太长了"),
        ("/ask", "/ask 后面写上问题"),
        ("你好!", "可以直接问我"),
        ("谢谢 🙏", "不客气"),
        ("9", "请写出您想问的具体内容"),  # a mistyped button number
        ("2019年?", "请写出您想问的具体内容"),
    ]:
        assert expected in text_of(await chat.say(TRAINEE, text)), text
    assert logs(chat) == []
    # Plain text in a group is not a question; /ask in a group is.
    assert await chat.say(TRAINEE, AGE_QUESTION, chat_type="group") == []
    assert "—— 《" in text_of(await chat.say(TRAINEE, f"/ask {AGE_QUESTION}", chat_type="group"))


async def test_decline_handoff_manager_answer_and_curated(chat):
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    assert "没有找到" in text_of(declined)
    handoff = button(declined, "问班主任")
    (entry,) = logs(chat)
    assert not entry.answered and entry.reason == "out_of_scope"

    # A trainee can't list unanswered questions; the manager sees this one.
    assert "只有班主任" in text_of(await chat.say(TRAINEE, "/unanswered"))
    listing = await chat.say(MANAGER, "/unanswered")
    assert OUT_OF_SCOPE in text_of(listing)

    traced, notice = await chat.press(TRAINEE, handoff)
    assert isinstance(traced, Edit)
    assert f"转给班主任 用户{MANAGER}，回复会发到这里。" in traced.text
    assert isinstance(notice, Notice) and "已转给班主任" in notice.text
    (to_manager,) = chat.messenger.to(MANAGER)
    assert OUT_OF_SCOPE in to_manager[0]
    answer_data = to_manager[1][0][0].data
    assert answer_data == f"kbm:1:ans:{entry.id}:ho"  # pressed in the 问班主任 message
    again = await chat.press(TRAINEE, handoff)
    assert "已经转给" in again[-1].text and len(chat.messenger.to(MANAGER)) == 1

    # Another manager may not answer it; the trainee may not press the manager's button.
    assert (await chat.press(TRAINEE, answer_data))[0].alert
    assert "请直接发送您的回答" in text_of(await chat.press(MANAGER, answer_data))
    reply = await chat.say(MANAGER, "培训期间请关注天气预报,下雨时课程照常进行。")
    assert "已把回答发给学员" in text_of(reply)
    (to_trainee,) = chat.messenger.to(TRAINEE)
    assert "下雨时课程照常进行" in to_trainee[0]
    assert "没有待解答" in text_of(await chat.say(MANAGER, "/unanswered"))

    save = button(reply, "保存为标准答案")
    assert (await chat.press(TRAINEE, save))[0].alert
    saved = await chat.press(MANAGER, save)
    assert any(isinstance(r, Edit) and "已保存为标准答案" in r.text for r in saved)
    with chat.services.session() as session:
        assert session.get(CuratedAnswer, 1).answer.startswith("培训期间")

    # The same question (and a close paraphrase) is now answered from the curated pair.
    curated = await chat.say(OTHER, OUT_OF_SCOPE)
    assert f"用户{MANAGER}老师的解答" in text_of(curated)  # who saved it, for every class
    assert "下雨时课程照常进行" in text_of(curated)
    assert logs(chat)[-1].answered and logs(chat)[-1].curated_id == 1


async def test_thumbs_down_lists_for_manager_and_no_class_hint(chat):
    replies = await chat.say(TRAINEE, AGE_QUESTION)
    await chat.press(TRAINEE, button(replies, "👎"))
    assert AGE_QUESTION in text_of(await chat.say(MANAGER, "/unanswered"))
    # A user without a class is told how to join instead of getting a dead button.
    declined = await chat.say(OTHER, OUT_OF_SCOPE)
    assert "/join" in text_of(declined) and "问班主任" not in str(declined)
    # An unreachable manager: the trainee is told, the question stays listed.
    chat.messenger.unreachable.add(MANAGER)
    declined = await chat.say(TRAINEE, OUT_OF_SCOPE)
    notice = await chat.press(TRAINEE, button(declined, "问班主任"))
    assert "联系不上" in notice[0].text


async def test_kbstats_and_deadlines(chat):
    await chat.say(TRAINEE, AGE_QUESTION)
    replies = await chat.say(TRAINEE, AGE_QUESTION)
    await chat.press(TRAINEE, button(replies, "👎"))
    await chat.say(TRAINEE, OUT_OF_SCOPE)
    assert "只有管理员" in text_of(await chat.say(MANAGER, "/kbstats"))
    assert "1 到" in text_of(await chat.say(ADMIN, "/kbstats abc"))
    assert "1 到" in text_of(await chat.say(ADMIN, "/kbstats ①"))  # isdigit(), not int()
    stats = text_of(await chat.say(ADMIN, "/kbstats 7"))
    assert "最近 7 天" in stats and "提问 3 次" in stats and "拒答率 33.3%" in stats
    assert "👎 率 50.0%" in stats and "最常被问到的条款" in stats
    with chat.services.session() as session:
        data = question_crud.question_stats(session, since=utcnow().replace(year=2000)).to_json()
    assert data["total"] == 3 and data["top_notices"][0][2] == 2

    # The shipped notices' deadlines are all past (a 2011 「培训结束后」 limit too): one tap away.
    listing = await chat.say(TRAINEE, "/deadlines")
    assert text_of(listing) == "🗓 通知里暂时没有还没到期的截止时间。"
    deadlines = text_of(await chat.press(TRAINEE, button(listing, "查看已过期的")))
    assert "已过期的截止时间" in deadlines and "—— 《" in deadlines and "条款" in deadlines


async def test_admin_uploads_a_notice_then_it_is_answered(chat, tmp_path: Path):
    notice = (
        "title: 关于开展2026年乡村教师书法研修营的通知\n"
        "doc_number: 测试〔2026〕7号\n"
        "date: 2026-03-01\n"
        "---\n"
        "一、研修营安排\n"
        "(一)书法研修营于每年暑假在云南大理举办,每期十天,参训学员须自带毛笔和宣纸。\n"
        "(二)请各地于2026年5月20日前将参训学员名单报送项目办。\n"
    ).encode()
    refused = await chat.say(TRAINEE, "书法研修营在哪里举办")
    assert "没有找到" in text_of(refused)
    assert "只有管理员" in text_of(await chat.send_file(TRAINEE, "notice.txt", notice))
    assert "暂不支持" in text_of(await chat.send_file(ADMIN, "virus.exe", b"MZ\x90\x00"))
    bad = await chat.send_file(ADMIN, "broken.pdf", b"%PDF-1.4 garbage \x00\x01")
    assert "没有加入知识库" in text_of(bad) and "没有任何改动" in text_of(bad)
    empty = text_of(await chat.send_file(ADMIN, "empty.txt", b"   "))
    assert "没有加入知识库：文件是空的。\n知识库没有任何改动。" in empty  # one sentence each
    before = chat.services.knowledge.stats()["documents"]

    report = text_of(await chat.send_file(ADMIN, "书法研修营.txt", notice))
    assert "已加入知识库" in report and "书法研修营" in report and "现在就可以" in report
    assert chat.services.knowledge.stats()["documents"] == before + 1
    answer = text_of(await chat.say(TRAINEE, "书法研修营在哪里举办"))
    assert "大理" in answer and "测试〔2026〕7号" in answer


async def test_deadline_reminder_button_calls_the_scheduler(chat, monkeypatch):
    from handlers import deadlines

    notice = (
        "title: 关于报送2027年研修计划的通知\n---\n"
        "一、报送要求\n(一)各培训班要结合参训教师的实际需求,认真制订年度研修计划,明确研修主题、"
        "时间安排和考核方式,确保研修取得实效。\n"
        "(二)请各培训班于2027年3月15日前将研修计划报送项目办。\n"
    ).encode()
    assert "已加入知识库" in text_of(await chat.send_file(ADMIN, "plan.txt", notice))
    calls = []

    async def schedule_deadline_reminder(services, manager_id, class_id, deadline, days_before):
        calls.append((manager_id, class_id, deadline.due.isoformat(), days_before))

    monkeypatch.setattr(deadlines, "schedule_deadline_reminder", schedule_deadline_reminder)
    listing = await chat.say(TRAINEE, "/deadlines")
    assert "2027年3月15日（周一）" in text_of(listing) and "设为提醒" not in str(listing)
    listing = await chat.say(MANAGER, "/deadlines")
    set_data = button(listing, "设为提醒")  # the notices' other dates are past
    assert set_data.startswith("dl:1:rm:")
    assert (await chat.press(TRAINEE, set_data))[0].alert
    choices = await chat.press(MANAGER, set_data)
    three_days = button(choices, "提前3天")
    assert (await chat.press(OTHER, three_days))[0].alert
    done = await chat.press(MANAGER, three_days)
    assert "已为「语文一班」设提醒" in text_of(done)
    assert calls == [(MANAGER, 1, "2027-03-15", 3)]
    forged = await chat.press(MANAGER, three_days.replace(":3", ":5"))
    assert forged[0].alert and len(calls) == 1
    assert (await chat.press(MANAGER, "dl:1:rm:0000000000"))[0].alert
    assert (await chat.press(MANAGER, "dl:1:pg:99"))[0].alert


async def test_handed_off_answer_is_listed_and_a_dead_reply_state_clears(chat):
    from bot.db import crud

    replies = await chat.say(TRAINEE, AGE_QUESTION)
    await chat.press(TRAINEE, button(replies, "问班主任"))
    (to_manager,) = chat.messenger.to(MANAGER)
    assert "仍希望由班主任解答" in to_manager[0] and "《" in to_manager[0]
    assert "🙋 等您回复\n" in text_of(await chat.say(MANAGER, "/unanswered"))

    with chat.services.session() as session:
        crud.set_pending(
            session, user_id=MANAGER, kind="handoff_answer", payload={"question_id": 999}
        )
    assert (await chat.say(MANAGER, "这条回答没有对应的问题"))[0].text.startswith("这个按钮已失效")
    with chat.services.session() as session:
        assert crud.get_pending(session, user_id=MANAGER) is None
    # Cancelling a reply sends nothing.
    await chat.press(MANAGER, to_manager[1][0][0].data)
    assert "已取消" in text_of(await chat.say(MANAGER, "取消"))
    assert chat.messenger.to(TRAINEE) == []


async def test_a_figure_the_notices_leave_open_is_declined_with_the_way_to_a_person(chat):
    question = "国培专家讲课费一节课多少钱"
    declined = await chat.say(TRAINEE, question)
    assert "没有找到写明这个数字" in text_of(declined) and "另行规定" in text_of(declined)
    button(declined, "问班主任")
    (entry,) = logs(chat)
    assert not entry.answered and entry.reason == "no_figure"
    assert question in text_of(await chat.say(MANAGER, "/unanswered"))


async def test_a_follow_up_points_to_the_answer_buttons_and_is_not_logged(chat):
    """「还有呢」「具体点」 right after an answer ask for more of it (QA20 F9): they get the way
    to 「更多 ▶」 and 「问班主任」, not the first-contact greeting, and never reach /unanswered."""
    assert "—— 《" in text_of(await chat.say(TRAINEE, FUNDS_QUESTION))
    for follow_up in ("还有呢", "具体点", "能说详细一点吗？", "没看懂"):
        reply = text_of(await chat.say(TRAINEE, follow_up))
        assert "「更多 ▶」" in reply and "问班主任" in reply, follow_up
        assert "您好" not in reply
    assert [entry.question for entry in logs(chat)] == [FUNDS_QUESTION]
    # A question that only starts like one is still a question.
    assert "—— 《" in text_of(await chat.say(TRAINEE, "还有哪些培训项目"))
