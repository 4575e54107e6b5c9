"""A way back from 「🗑 忽略」 after its message is gone (QA14 M1): /unanswered ends with
「已忽略 N 条（最近 30 天）」 and 「🗂 查看已忽略的」, which lists the dismissed questions
asked in the list's days (QA15 L1) that the manager's list would otherwise show, ten to a
page, laid out as /unanswered lays out its entries, each with 「↩️ 撤销忽略第 N 条」: the
question waits again for every manager. Forged or stale data is refused in Chinese and
changes nothing. Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.chat import Edit, Notice, Reply, Send
from bot.db import crud, question_crud
from bot.db.question_models import QuestionLog
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from handlers.unanswered import clip
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    text_of,
)
from tests.questions.dismissals import (
    LOTTERY,
    SHOWN,
    WANG_FANG,
    WEATHER,
    declined,
    open_two_class_chat,
)

BACK = "◀ 返回待解答列表"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_two_class_chat(database_url, tmp_path, index_cache)


async def dismissed(chat: Chat, question_id: int, by: int = MANAGER) -> None:
    """🗑 pressed on a junk question (one tap)."""
    pressed = await chat.press(by, f"kbm:1:dis:{question_id}:30:0")
    assert "🗑 已忽略" in edited(pressed).text


def edited(replies: list[Reply]) -> Edit:
    (edit,) = [r for r in replies if isinstance(r, Edit)]
    return edit


def dismissed_at(chat: Chat, question_id: int) -> object:
    with chat.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
    assert question is not None
    return question.dismissed_at


async def test_the_foot_of_unanswered_leads_to_the_dismissed_and_one_is_restored(
    chat: Chat,
) -> None:
    lottery = await declined(chat, LOTTERY)
    weather = await declined(chat, WEATHER)
    waiting = await declined(chat, "明年国培什么时候开始报名")
    before = await chat.say(MANAGER, "/unanswered")
    assert "已忽略" not in text_of(before) and SHOWN not in str(buttons_of(before))
    await dismissed(chat, lottery)
    await dismissed(chat, weather, by=WANG_FANG)

    listing = await chat.say(MANAGER, "/unanswered")

    assert text_of(listing).endswith("\n\n<i>已忽略 2 条（最近 30 天）</i>")
    assert button(listing, SHOWN) == "kbm:1:dpg:30:0"

    shown = edited(await chat.press(MANAGER, button(listing, SHOWN)))

    header, first, second = shown.text.split("\n\n")
    assert header == (
        "🗂 <b>已忽略的问题</b>（最近 30 天，共 2 条，最近忽略的在前）\n"
        "点「↩️ 撤销忽略」，问题回到所有老师的 /unanswered 里。"
    )
    assert first.startswith(f"1. 用户{TRAINEE} · ")
    assert f"\n{WEATHER}\n<i>🗑 用户{WANG_FANG} 今天 " in first and first.endswith(" 忽略</i>")
    assert second.startswith(f"2. 用户{TRAINEE} · ")
    assert f"\n{LOTTERY}\n<i>🗑 用户{MANAGER} 今天 " in second
    assert [[b.text for b in row] for row in shown.buttons] == [
        ["↩️ 撤销忽略第 1 条"],
        ["↩️ 撤销忽略第 2 条"],
        [BACK],
    ]
    assert shown.buttons[1][0].data == f"kbm:1:rst:{lottery}:30:0"
    assert shown.buttons[2][0].data == "kbm:1:pg:30:0"

    restored = await chat.press(MANAGER, shown.buttons[1][0].data or "")

    page = edited(restored)
    assert page.text.startswith(f"↩️ 已撤销忽略：「{LOTTERY}」又回到了待解答的列表里。\n\n🗂 ")
    assert "共 1 条" in page.text and LOTTERY not in page.text.split("\n\n", 1)[1]
    assert Notice("已撤销") in restored
    assert dismissed_at(chat, lottery) is None and dismissed_at(chat, weather) is not None
    for who in (MANAGER, WANG_FANG, ADMIN):  # back for everyone
        assert LOTTERY in text_of(await chat.say(who, "/unanswered")), who
    # Pressed again: it says so, and changes nothing.
    again = await chat.press(MANAGER, f"kbm:1:rst:{lottery}:30:0")
    assert Notice("已经撤销过了，这个问题没有被忽略。") in again
    assert dismissed_at(chat, lottery) is None and dismissed_at(chat, weather) is not None
    # 返回 shows /unanswered.
    back = edited(await chat.press(MANAGER, "kbm:1:pg:30:0"))
    assert "待解答的问题" in back.text and "已忽略 1 条" in back.text
    assert dismissed_at(chat, waiting) is None


async def test_a_restored_handed_on_question_says_an_answer_still_reaches_the_trainee(
    chat: Chat,
) -> None:
    await chat.press(TRAINEE, button(await chat.say(TRAINEE, LOTTERY), "问班主任"))
    with chat.services.session() as session:
        question_id = max(q.id for q in session.exec(select(QuestionLog)))
    await chat.press(MANAGER, f"kbm:1:dsy:{question_id}:30:0")
    shown = edited(await chat.press(MANAGER, "kbm:1:dpg:30:0"))
    assert "🙋 已告诉学员暂时无法回复（未能回答）" in shown.text  # QA15 L2

    page = edited(await chat.press(MANAGER, f"kbm:1:rst:{question_id}:30:0"))

    assert "这位学员点过「问班主任」：您现在回答，回复仍会发给学员。" in page.text
    answer = await chat.press(MANAGER, f"kbm:1:ans:{question_id}:30:0")
    assert "请直接发送您的回答" in text_of(answer)
    sent = await chat.say(MANAGER, "这个不归培训管，请看彩票站公告。")
    assert "✅ 已把回答发给学员" in text_of(sent)


async def test_only_the_days_of_the_list_and_only_what_the_manager_would_see(chat: Chat) -> None:
    old = await declined(chat, LOTTERY)
    recent = await declined(chat, WEATHER)
    outsider = await declined(chat, "彩票怎么买", user_id=OTHER)  # in no class
    await dismissed(chat, old)
    await dismissed(chat, recent)
    await dismissed(chat, outsider, by=ADMIN)
    with chat.services.session() as session:
        at = dismissed_at(chat, old)
        session.execute(
            update(QuestionLog)
            .where(QuestionLog.id == old)
            .values(  # asked and dismissed before /unanswered's 30 days (QA15 L1)
                created_at=at - timedelta(days=31),  # type: ignore[operator]
                dismissed_at=at - timedelta(days=31),  # type: ignore[operator]
            )
        )
        session.commit()

    mine = await chat.say(MANAGER, "/unanswered")
    admins = await chat.say(ADMIN, "/unanswered")

    assert text_of(mine).endswith("<i>已忽略 1 条（最近 30 天）</i>")
    assert text_of(admins).endswith("<i>已忽略 2 条（最近 30 天）</i>")
    shown = edited(await chat.press(MANAGER, "kbm:1:dpg:30:0"))
    assert WEATHER in shown.text and LOTTERY not in shown.text and "彩票怎么买" not in shown.text
    refused = await chat.press(MANAGER, f"kbm:1:rst:{outsider}:30:0")
    assert [r.text for r in refused if isinstance(r, Notice)] == [
        "这个问题不是您班学员提的，您不能撤销忽略。"
    ]
    assert dismissed_at(chat, outsider) is not None


async def test_many_dismissed_are_paged_and_a_page_fits(chat: Chat) -> None:
    """Twelve long-named trainees' long questions, all dismissed: ten on the first page, within
    Telegram's limits, the questions cut to make room; the rest on the next."""
    asked = "这个问题很长，" * 60
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        for user_id in range(3000, 3012):
            crud.upsert_user(session, user_id=user_id, first_name="🌸" * 64)
            crud.join_class(session, user_id=user_id, class_id=training_class.id)
    ids = []
    for user_id in range(3000, 3012):
        chat.names[user_id] = "🌸" * 64
        ids.append(await declined(chat, asked, user_id=user_id))
    for question_id in ids:
        await dismissed(chat, question_id)

    first = await chat.press(MANAGER, "kbm:1:dpg:30:0")

    page = edited(first)
    assert visible_length(page.text) <= MAX_MESSAGE_UNITS
    assert sum(len(row) for row in page.buttons) <= MAX_BUTTONS
    assert page.text.count("\n<i>🗑 ") == 10 and f"\n{clip(asked, 200)}\n" in page.text
    assert page.text.endswith("<i>第 1/2 页，越往后越早</i>")
    assert [b.text for b in page.buttons[-2]] == ["下一页 ▶"]
    assert page.buttons[-2][0].data == "kbm:1:dpg:30:1"
    second = edited(await chat.press(MANAGER, "kbm:1:dpg:30:1"))
    assert second.text.count("\n<i>🗑 ") == 2 and "11. " in second.text
    # A page past the end (restored meanwhile) shows the last one.
    assert "11. " in edited(await chat.press(MANAGER, "kbm:1:dpg:30:5")).text


async def test_nothing_dismissed_says_so(chat: Chat) -> None:
    shown = await chat.press(MANAGER, "kbm:1:dpg:7:0")

    page = edited(shown)
    assert page.text == "最近 7 天没有忽略的问题。"
    assert [[(b.text, b.data) for b in row] for row in page.buttons] == [
        [(BACK, "kbm:1:pg:7:0")]
    ]
    assert not [r for r in shown if isinstance(r, Send)]
