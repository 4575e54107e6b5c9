"""QA19 F4: a 标准答案 keeps who wrote what. 王芳 answers a handed-on question and saves it
with ⭐; 李强 sends a supplement and presses ⭐: her saved answer is not replaced (he is told
why and how), trainees still read 「📌 王芳老师的解答」 over her words, she can still retire
it, and 「已经回答过」 names her for her answer and him for his supplement. Once she retired
hers, his ⭐ saves both, each signed (「王芳老师的解答」 over her words, 「李强老师补充：…」
under them), in her name: she is told and retires it in /curated; he reads it as read-only.
Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Reply
from bot.db import crud
from bot.db.models import Role
from bot.db.question_models import CuratedAnswer
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    alert,
    button,
    buttons_of,
    open_chat,
    text_of,
)

WANG_FANG, LI_QIANG = MANAGER, 502
ASKED = "今天北京天气怎么样"
HERS = "请关注当地天气预报，注意保暖。"
HIS = "下雨天课程照常进行。"
BOTH = f"{HERS}\n\n李强老师补充：{HIS}"
SUPPLEMENT = "仍要作为补充发给学员"
SAVE = "保存为标准答案"
WHEN = r"(\d+月\d+日 )?\d\d:\d\d"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat, with 王芳 running 语文一班 and 李强 数学二班, both joined by the trainee."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        opened.names.update({WANG_FANG: "王芳", LI_QIANG: "李强"})
        with opened.services.session() as session:
            crud.upsert_user(session, user_id=WANG_FANG, first_name="王芳")
            crud.upsert_user(session, user_id=LI_QIANG, first_name="李强")
            crud.set_role(session, user_id=LI_QIANG, role=Role.manager)
            other = crud.create_class(session, name="数学二班", manager_id=LI_QIANG)
            crud.join_class(session, user_id=TRAINEE, class_id=other.id)
        yield opened


def saved_entries(chat: Chat) -> list[tuple[str, int, bool]]:
    """(answer, created_by, active) of every curated answer, oldest first."""
    with chat.services.session() as session:
        rows = session.exec(select(CuratedAnswer).order_by(CuratedAnswer.id))
        return [(row.answer, row.created_by, row.active) for row in rows]


async def both_answer(chat: Chat) -> tuple[int, list[Reply], list[Reply]]:
    """The trainee hands the question on; 王芳 answers and saves it; 李强, who pressed 回答
    too, sends his as a supplement. The question's id, her ⭐ reply and his."""
    declined = await chat.say(TRAINEE, ASKED)
    handoff = button(declined, "问班主任")
    assert "已转给班主任" in text_of(await chat.press(TRAINEE, handoff))
    question = int(handoff.split(":")[3])
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.press(LI_QIANG, f"kbm:1:ans:{question}")
    hers = await chat.say(WANG_FANG, HERS)
    saved = text_of(await chat.press(WANG_FANG, button(hers, SAVE)))
    assert "署名「王芳老师的解答」" in saved
    held = await chat.say(LI_QIANG, HIS)
    his = await chat.press(LI_QIANG, button(held, SUPPLEMENT))
    return question, hers, his


async def test_a_supplements_save_does_not_replace_her_saved_answer(chat: Chat) -> None:
    question, _, his = await both_answer(chat)
    # Offered to save, he is told how it would be signed: her name over her words.
    assert "署名「王芳老师的解答」，您的补充署名「李强老师补充」" in text_of(his)

    refused = alert(await chat.press(LI_QIANG, button(his, SAVE)))

    assert refused.startswith("这个问题已有王芳保存的标准答案，学员问到会先看到它。")
    assert "这次没有保存" in refused and "请王芳或管理员先在 /curated 里停用那条" in refused
    assert len(refused) <= 200
    assert saved_entries(chat) == [(HERS, WANG_FANG, True)]
    read = text_of(await chat.say(OTHER, ASKED))
    assert read.startswith(f"📌 <b>王芳老师的解答</b>\n{HERS}")
    assert "李强" not in read
    # She keeps control of her answer; he reads it as hers.
    assert "停用第 1 条" in [b.text for b in buttons_of(await chat.say(WANG_FANG, "/curated"))][0]
    theirs = await chat.say(LI_QIANG, "/curated")
    assert "王芳 · " in text_of(theirs) and buttons_of(theirs) == []
    # 回答 pressed again: her answer is named hers, his supplement his.
    prompt = text_of(await chat.press(LI_QIANG, f"kbm:1:ans:{question}"))
    assert re.search(f"这个问题您在 {WHEN} 补充了班主任 王芳的回答，合起来是：「{HERS}", prompt)
    assert "已经回答过" not in prompt
    assert f"李强老师补充：{HIS}」" in prompt


async def test_once_she_retired_hers_his_save_keeps_both_names(chat: Chat) -> None:
    _, _, his = await both_answer(chat)
    curated = await chat.say(WANG_FANG, "/curated")
    asked = await chat.press(WANG_FANG, button(curated, "停用第 1 条"))
    assert "已停用" in text_of(await chat.press(WANG_FANG, button(asked, "确认停用")))
    told_before = len(chat.messenger.to(WANG_FANG))

    saved = text_of(await chat.press(LI_QIANG, button(his, SAVE)))

    assert "⭐ 已保存为标准答案。" in saved
    assert "署名「王芳老师的解答」，您的补充署名「李强老师补充」" in saved
    assert "这条由王芳老师管理：王芳老师或管理员可以在 /curated 里停用。" in saved
    assert f"答：{BOTH}" in saved
    assert saved_entries(chat)[-1] == (BOTH, WANG_FANG, True)
    read = text_of(await chat.say(OTHER, ASKED))
    assert read.startswith(f"📌 <b>王芳老师的解答</b>\n{BOTH}")
    # She is told, and retires it herself; to him it is read-only.
    (notice,) = [t for t, _ in chat.messenger.to(WANG_FANG)[told_before:]]
    assert notice.startswith(
        "ℹ️ 李强老师把您的回答（连同对方的补充）保存为标准答案了，署名「王芳老师的解答」。"
    )
    assert "这条由您管理：有误的话，请在 /curated 里停用。" in notice and f"答：{BOTH}" in notice
    assert buttons_of(await chat.say(LI_QIANG, "/curated")) == []
    mine = await chat.say(WANG_FANG, "/curated")
    asked = await chat.press(WANG_FANG, button(mine, "停用第 1 条"))
    assert "已停用" in text_of(await chat.press(WANG_FANG, button(asked, "确认停用")))
    assert "王芳老师的解答" not in text_of(await chat.say(OTHER, ASKED))


async def test_her_own_button_after_his_supplement_says_who_saves_it(chat: Chat) -> None:
    _, hers, _ = await both_answer(chat)

    again = alert(await chat.press(WANG_FANG, button(hers, SAVE)))

    assert "合在一起记录" in again and "署名仍是您的解答加对方的补充" in again
    assert saved_entries(chat) == [(HERS, WANG_FANG, True)]


async def test_an_admin_saving_her_answer_credits_her(chat: Chat) -> None:
    declined = await chat.say(TRAINEE, ASKED)
    handoff = button(declined, "问班主任")
    await chat.press(TRAINEE, handoff)
    question = int(handoff.split(":")[3])
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.say(WANG_FANG, HERS)

    saved = text_of(await chat.press(ADMIN, f"kbm:1:cur:{question}"))

    assert "署名「王芳老师的解答」。这条由王芳老师管理" in saved and "您的补充" not in saved
    assert saved_entries(chat) == [(HERS, WANG_FANG, True)]
    assert text_of(await chat.say(OTHER, ASKED)).startswith(f"📌 <b>王芳老师的解答</b>\n{HERS}")
    told = chat.messenger.to(WANG_FANG)[-1][0]
    assert told.startswith(f"ℹ️ 用户{ADMIN}老师把您的回答保存为标准答案了，")
    assert "署名「王芳老师的解答」。" in told
