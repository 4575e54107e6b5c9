"""QA21 F7: ⭐ (`kbm:1:cur:<id>`) pressed by a manager who gave no part of the answer (a forged
button: 李强 never answered the question 王芳 answered) is refused saying so, 「您还没有回答这个
问题，无法存为标准答案。」, not told that someone 「随后补充」 his answer; nothing is saved and
王芳 is told nothing. Who did answer still saves it; a manager whose supplement sits between two
others is still told that the last one added to it; an admin saves any. Through the
conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Reply
from bot.db import crud
from bot.db.models import Role
from bot.db.question_models import CuratedAnswer, QuestionLog
from tests.questions.conftest import ADMIN, TRAINEE, Chat, alert, button, open_chat, text_of

WANG_FANG, LI_QIANG, ZHAO_MIN = 501, 502, 503  # 501 is open_chat's manager, renamed
ASKED = "今天北京天气怎么样"
HERS = "请关注当地天气预报，注意保暖。"
NOT_YOURS = "您还没有回答这个问题，无法存为标准答案。"
SAVE = "保存为标准答案"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat, the trainee also in 李强's 数学二班 and 赵敏's 英语三班."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        opened.names.update({WANG_FANG: "王芳", LI_QIANG: "李强", ZHAO_MIN: "赵敏"})
        with opened.services.session() as session:
            crud.upsert_user(session, user_id=WANG_FANG, first_name="王芳")
            for manager, name in ((LI_QIANG, "数学二班"), (ZHAO_MIN, "英语三班")):
                crud.upsert_user(session, user_id=manager, first_name=opened.name(manager))
                crud.set_role(session, user_id=manager, role=Role.manager)
                other = crud.create_class(session, name=name, manager_id=manager)
                crud.join_class(session, user_id=TRAINEE, class_id=other.id)
        yield opened


def curated(chat: Chat) -> list[tuple[str, int]]:
    with chat.services.session() as session:
        rows = session.exec(select(CuratedAnswer).order_by(CuratedAnswer.id))
        return [(row.answer, row.created_by) for row in rows]


def stored(chat: Chat, question_id: int) -> QuestionLog:
    with chat.services.session() as session:
        question = session.get(QuestionLog, question_id)
        assert question is not None
        return question


async def handed_off(chat: Chat) -> int:
    """The trainee's question, handed to all three managers; its id."""
    declined = await chat.say(TRAINEE, ASKED)
    handoff = button(declined, "问班主任")
    assert "已转给班主任" in text_of(await chat.press(TRAINEE, handoff))
    return int(handoff.split(":")[3])


async def answer(chat: Chat, manager: int, question_id: int, text: str) -> list[Reply]:
    """`manager` presses 回答 and types `text`; it reaches the trainee."""
    await chat.press(manager, f"kbm:1:ans:{question_id}")
    replies = await chat.say(manager, text)
    assert "已把回答发给学员" in text_of(replies), text_of(replies)
    return replies


async def test_a_save_by_a_manager_who_never_answered_is_refused_as_such(chat: Chat) -> None:
    question_id = await handed_off(chat)
    hers = await answer(chat, WANG_FANG, question_id, HERS)
    before = stored(chat, question_id)
    told_before = len(chat.messenger.to(WANG_FANG))

    refused = alert(await chat.press(LI_QIANG, f"kbm:1:cur:{question_id}"))

    assert refused == NOT_YOURS
    assert "随后补充" not in refused
    assert curated(chat) == []
    after = stored(chat, question_id)
    assert (after.manager_answer, after.answered_by) == (HERS, WANG_FANG)
    assert after.manager_answered_at == before.manager_answered_at
    assert len(chat.messenger.to(WANG_FANG)) == told_before  # she is told nothing
    # She, who answered, still saves it in her name.
    saved = text_of(await chat.press(WANG_FANG, button(hers, SAVE)))
    assert "⭐ 已保存为标准答案。" in saved
    assert curated(chat) == [(HERS, WANG_FANG)]


async def test_a_supplement_in_the_middle_is_still_told_who_added_to_it(chat: Chat) -> None:
    """王芳 answers, 李强 adds to it, 赵敏 adds to that: 李强's ⭐ is not 「还没有回答」."""
    question_id = await handed_off(chat)
    await answer(chat, WANG_FANG, question_id, HERS)
    await answer(chat, LI_QIANG, question_id, "下雨天课程照常进行。")
    await answer(chat, ZHAO_MIN, question_id, "带好雨具。")
    assert "李强老师补充：" in (stored(chat, question_id).manager_answer or "")

    refused = alert(await chat.press(LI_QIANG, f"kbm:1:cur:{question_id}"))

    assert refused.startswith("另一位老师（赵敏）随后补充了这个问题的回答")
    assert curated(chat) == []


async def test_an_admin_who_never_answered_still_saves_it(chat: Chat) -> None:
    question_id = await handed_off(chat)
    await answer(chat, WANG_FANG, question_id, HERS)

    saved = text_of(await chat.press(ADMIN, f"kbm:1:cur:{question_id}"))

    assert "⭐ 已保存为标准答案。" in saved
    assert curated(chat) == [(HERS, WANG_FANG)]
