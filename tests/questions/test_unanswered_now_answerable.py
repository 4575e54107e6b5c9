"""/unanswered after an admin uploads a notice that answers a waiting question (QA13 M8): the
question is marked 「💡 现在知识库能回答了：《…》 条款 …」 and 「📨 把条款发给学员」 sends the
trainee the clause the bot would now give, rendered as the bot renders answers, once, recorded
as the manager's answer (the list is shown again without it, its 问班主任 messages lose their
buttons); the mark quotes the clause's start, so the manager reads what 📨 sends (QA14 M5),
and 🗑 on such a question asks first (QA14 M1).
Not for junk, nor for a 👎 answer the notices still give the same way; a press after the
knowledge base changed its answer sends nothing. Through the conversation core on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest

from bot.chat import Edit, Notice, Reply, Send
from bot.db import crud, question_crud
from bot.db.models import Role
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from handlers.ask import refresh_curated
from handlers.unanswered import answerable_line, clip
from knowledge.models import Hit
from tests.questions.conftest import (
    MANAGER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

ADMIN = 900
LEAVE = "培训期间可以请假吗"  # declined by the shipped notices; the uploaded one answers it
LOTTERY = "双色球开奖号码"
# answered (unsure) by the shipped notices' 示范性 clauses; the uploaded one is right
CHECK_IN = "示范性项目学员要在什么时间前登录平台"
NOTICE = (
    "关于做好2026年“国培计划”示范性项目学员报到工作的通知\n"
    "教师厅函〔2026〕15号\n"
    "各省、自治区、直辖市教育厅（教委）：\n"
    "一、报到时间。请参训学员于2026年12月20日前登录平台完成报到，逾期视为自动放弃。\n"
    "二、经费。参训学员培训期间的食宿费由承办单位统一安排，往返交通费回所在单位按规定报销，"
    "不得向学员收取任何费用。\n"
    "三、请假。培训期间原则上不得请假，确需请假的，须经班主任批准，请假累计超过总学时的"
    "六分之一者不予结业。\n"
    "四、结业证书。学员完成全部学习任务并考核合格的，由承办单位颁发结业证书，"
    "计入继续教育学分72学时。\n"
    "教育部办公厅\n"
    "2026年11月30日\n"
)
MARK = "💡 现在知识库能回答了：《关于做好2026年“国培计划”示范性项目学员报到工作的通知》"
SEND = "📨 把条款发给学员"
LEAVE_CLAUSE = (
    "请假。培训期间原则上不得请假，确需请假的，须经班主任批准，请假累计超过总学时的六分之一者不予结业。"
)
DISMISS = "🗑 忽略"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


async def upload(chat: Chat) -> None:
    report = text_of(await chat.send_file(ADMIN, "notice2026.txt", NOTICE.encode()))
    assert "✅ 已加入知识库" in report, report


def letters(chat: Chat) -> list[str]:
    return [text for text, _ in chat.messenger.to(TRAINEE) if text.startswith("💬 <b>")]


def rows(replies: list[Reply]) -> list[list[str]]:
    (listing,) = [r for r in replies if isinstance(r, Send | Edit) and "待解答" in r.text]
    return [[b.text for b in row] for row in listing.buttons]


def entry(replies: list[Reply], number: int) -> str:
    (listing,) = [r for r in replies if isinstance(r, Send | Edit) and "待解答" in r.text]
    (found,) = [part for part in listing.text.split("\n\n") if part.startswith(f"{number}. ")]
    return found


def question_id(chat: Chat, text: str) -> int:
    with chat.services.session() as session:
        (entry,) = [
            e
            for e in question_crud.unanswered_for(
                session, manager_id=MANAGER, since=question_crud.utcnow().replace(year=2000)
            )
            if e.latest.question == text
        ]
    return entry.id


async def test_a_question_the_new_notice_answers_is_marked_and_sent_in_one_tap(
    chat: Chat,
) -> None:
    await chat.press(TRAINEE, button(await chat.say(TRAINEE, LEAVE), "问班主任"))
    await chat.say(TRAINEE, LOTTERY)
    before = await chat.say(MANAGER, "/unanswered")
    assert "💡" not in text_of(before) and SEND not in str(buttons_of(before))
    leave_id = question_id(chat, LEAVE)
    handoff = [m for m in chat.messenger.to(MANAGER) if LEAVE in m[0]]
    assert len(handoff) == 1  # the 问班主任 message

    await upload(chat)
    listing = await chat.say(MANAGER, "/unanswered")

    # What 📨 sends, read before pressing it (QA14 M5).
    assert entry(listing, 1).endswith(f"{LEAVE}\n{MARK} 条款 三、：「{LEAVE_CLAUSE}」")
    assert "💡" not in entry(listing, 2)  # junk stays junk
    assert rows(listing) == [
        ["✍️ 回答第 1 条", SEND, DISMISS],
        ["✍️ 回答第 2 条", DISMISS],
    ]
    pressed = button(listing, SEND)
    assert pressed.startswith(f"kbm:1:kbs:{leave_id}:") and pressed.endswith(":30:0")

    sent = await chat.press(MANAGER, pressed)

    (letter,) = letters(chat)
    assert letter.startswith(
        f"💬 <b>用户{MANAGER}老师把通知里的解答发给您</b>\n问：{LEAVE}\n\n📖 "
    )
    assert "须经班主任批准" in letter and "六分之一" in letter
    assert "教师厅函〔2026〕15号" in letter and "条款 三、" in letter
    (status,) = [r for r in sent if isinstance(r, Send)]
    assert status.text.startswith(f"✅ 已把通知里的条款发给学员。\n\n学员的问题：{LEAVE}\n")
    assert "教师厅函〔2026〕15号" in status.text
    (refreshed,) = [r for r in sent if isinstance(r, Edit) and r.message_id is None]
    assert LEAVE not in refreshed.text and LOTTERY in refreshed.text
    # The 问班主任 message lost its 「回答」.
    assert any(
        LEAVE in text and "✅ 已回复" in text and not buttons
        for text, buttons in chat.messenger.to(MANAGER)
    )
    with chat.services.session() as session:
        stored = question_crud.get_question(session, question_id=leave_id)
    assert stored is not None and stored.answered_by == MANAGER
    assert stored.manager_answer is not None and "六分之一" in stored.manager_answer

    again = await chat.press(MANAGER, pressed)

    assert Notice("这个问题您已经回答过了，没有重复发送。") in again
    assert len(letters(chat)) == 1


async def test_a_thumbs_down_answer_is_marked_once_a_better_clause_exists(chat: Chat) -> None:
    answered = await chat.say(TRAINEE, CHECK_IN)
    assert "报到" not in text_of(answered)
    await chat.press(TRAINEE, button(answered, "👎"))
    before = await chat.say(MANAGER, "/unanswered")
    assert "👎 认为没帮助" in text_of(before) and "💡" not in text_of(before)

    await upload(chat)
    listing = await chat.say(MANAGER, "/unanswered")

    assert entry(listing, 1).endswith(
        f"{CHECK_IN}\n{MARK} 条款 一、：「报到时间。请参训学员于2026年12月20日前登录平台完成报到，"
        "逾期视为自动放弃。」"
    )
    await chat.press(MANAGER, button(listing, SEND))
    (letter,) = letters(chat)
    assert "2026年12月20日前登录平台完成报到" in letter.replace("<b>", "").replace("</b>", "")


async def test_a_clause_that_did_not_reach_the_trainee_can_be_sent_again(chat: Chat) -> None:
    await chat.say(TRAINEE, LEAVE)
    await upload(chat)
    listing = await chat.say(MANAGER, "/unanswered")
    chat.messenger.unreachable.add(TRAINEE)

    failed = await chat.press(MANAGER, button(listing, SEND))

    assert text_of(failed).startswith("⚠️ 回答已保存，但没能发给学员（对方屏蔽了我或注销了账号）。")
    assert not [r for r in failed if isinstance(r, Edit)]  # the list keeps its 📨
    chat.messenger.unreachable.discard(TRAINEE)

    again = await chat.press(MANAGER, button(listing, SEND))

    assert text_of(again).startswith("✅ 已把通知里的条款发给学员。")
    (letter,) = letters(chat)
    assert letter.startswith(f"💬 <b>用户{MANAGER}老师把通知里的解答发给您</b>")


async def test_a_press_after_the_answer_changed_sends_nothing(chat: Chat) -> None:
    await chat.say(TRAINEE, LEAVE)
    await upload(chat)
    listing = await chat.say(MANAGER, "/unanswered")
    pressed = button(listing, SEND).split(":")
    pressed[4] = str(int(pressed[4]) + 1)  # the clause shown is no longer the top one

    refused = await chat.press(MANAGER, ":".join(pressed))

    why = "知识库对这个问题的回答变了（通知有改动），没有发送。"
    assert Notice(why, alert=True) in refused
    (page,) = [r for r in refused if isinstance(r, Edit)]
    assert page.text.startswith(f"⚠️ {why}请看刷新后的列表。\n\n") and LEAVE in page.text
    assert letters(chat) == []
    with chat.services.session() as session:
        stored = question_crud.get_question(session, question_id=question_id(chat, LEAVE))
    assert stored is not None and stored.manager_answer is None


@pytest.mark.parametrize(
    "forged",
    ["kbm:1:kbs:{id}:x:30:0", "kbm:1:kbs:{id}:5:30", "kbm:1:kbs:{id}:5:ho:0", "kbm:1:kbs:{id}"],
)
async def test_forged_data_is_refused(chat: Chat, forged: str) -> None:
    await chat.say(TRAINEE, LEAVE)
    await upload(chat)

    refused = await chat.press(MANAGER, forged.format(id=question_id(chat, LEAVE)))

    (notice,) = refused
    assert isinstance(notice, Notice) and notice.alert
    assert notice.text == "这个按钮已失效，请重新发送 /unanswered。"
    assert letters(chat) == []


async def test_a_saved_answer_and_the_clause_are_both_offered(chat: Chat) -> None:
    await chat.say(TRAINEE, LEAVE)
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=502, first_name="王芳")
        crud.set_role(session, user_id=502, role=Role.manager)
        question_crud.add_curated(
            session, question="培训期间能不能请假", answer="请先问班主任。", created_by=502
        )
    refresh_curated(chat.services)
    await upload(chat)

    listing = await chat.say(MANAGER, "/unanswered")

    assert rows(listing) == [
        ["✍️ 回答第 1 条", "📌 用标准答案回复", DISMISS],
        ["📨 把第 1 条的条款发给学员"],
    ]
    assert "相近的标准答案" in entry(listing, 1) and MARK in entry(listing, 1)


async def test_a_page_of_answerable_questions_fits(chat: Chat) -> None:
    """Ten long-named trainees each handing on a long question the notice answers, close to a
    saved answer too: the marks and offers fit, the questions cut shorter to make room."""
    asked = f"{LEAVE}？" * 25
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        for user_id in range(3000, 3012):
            crud.upsert_user(session, user_id=user_id, first_name="🌸" * 64)
            crud.join_class(session, user_id=user_id, class_id=training_class.id)
    for user_id in range(3000, 3012):
        chat.names[user_id] = "🌸" * 64
        await chat.press(user_id, button(await chat.say(user_id, asked), "问班主任"))
    with chat.services.session() as session:
        question_crud.add_curated(
            session, question=asked, answer="请先问班主任。", created_by=ADMIN
        )
    refresh_curated(chat.services)
    await upload(chat)

    listing = await chat.say(MANAGER, "/unanswered")

    (page,) = [r for r in listing if isinstance(r, Send)]
    assert visible_length(page.text) <= MAX_MESSAGE_UNITS
    assert sum(len(row) for row in page.buttons) <= MAX_BUTTONS
    assert text_of(listing).count("💡") == 10, text_of(listing)
    # With the saved answer's line too, 200 units of each question would not fit: 100 do,
    # and each mark still quotes the clause.
    assert f"\n{clip(asked, 100)}\n<i>相近的标准答案" in page.text
    assert page.text.count(f"条款 三、：「{LEAVE_CLAUSE}」") == 10


def test_the_mark_quotes_the_start_of_the_clause_escaped_and_cut() -> None:
    """The 💡 line quotes what 📨 would send: the clause's first 60 units, its number (which the
    citation names) left out, its line breaks as spaces, HTML escaped (QA14 M5)."""
    text = "（二）住宿。学员<统一>安排住宿，\n" + "费用由承办单位承担，" * 10
    hit = Hit(
        text=text,
        score=30.0,
        title="住宿安排的通知",
        doc_number="",
        date="",
        source="",
        clause="二、(二)",
        doc_id="d",
        passage_id=7,
    )

    line = answerable_line(hit)
    short = answerable_line(hit, 30)

    start = clip("住宿。学员<统一>安排住宿， " + "费用由承办单位承担，" * 10, 60)
    assert line == (
        f"💡 现在知识库能回答了：《住宿安排的通知》 条款 二、（二）：「{escape(start)}」"
    )
    assert start.endswith("…") and "&lt;统一&gt;" in line
    assert short.endswith(f"「{escape(clip(start, 30))}」")


async def test_dismissing_a_question_the_notices_now_answer_asks_first(chat: Chat) -> None:
    await chat.say(TRAINEE, LEAVE)
    await upload(chat)
    listing = await chat.say(MANAGER, "/unanswered")
    leave_id = question_id(chat, LEAVE)
    before = [text for text, _ in chat.messenger.to(TRAINEE)]

    asked = await chat.press(MANAGER, f"kbm:1:dis:{leave_id}:30:0")

    (confirm,) = [r for r in asked if isinstance(r, Edit)]
    assert confirm.message_id is None
    assert confirm.text == (
        f"🗑 要忽略「{LEAVE}」吗？\n\n{MARK} 条款 三、：「{LEAVE_CLAUSE}」\n"
        "确定忽略吗？要把条款发给学员，请点「↩️ 返回」，再点「📨 把条款发给学员」。"
    )
    assert [[b.text for b in row] for row in confirm.buttons] == [["🗑 确定忽略", "↩️ 返回"]]
    with chat.services.session() as session:
        stored = question_crud.get_question(session, question_id=leave_id)
    assert stored is not None and stored.dismissed_at is None
    assert SEND in str(buttons_of(listing))

    done = await chat.press(MANAGER, confirm.buttons[0][0].data or "")

    (page,) = [r for r in done if isinstance(r, Edit)]
    assert page.text.startswith(f"🗑 已忽略「{LEAVE}」。") and "学员不会收到任何消息" in page.text
    assert [text for text, _ in chat.messenger.to(TRAINEE)] == before  # not handed on
    with chat.services.session() as session:
        stored = question_crud.get_question(session, question_id=leave_id)
    assert stored is not None and stored.dismissed_by == MANAGER
