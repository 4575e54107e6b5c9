"""QA21 F8: a manager's button on another class's question is refused saying what was refused:
a forged 「🗑 忽略」 is refused as 「不能忽略」, not as 「不能回答」; 「↩️ 撤销忽略」 as
「不能撤销忽略」, ⭐ as 「不能把它的回答存为标准答案」, 「🚫 不发了」 says the answer is not
sent, and the buttons that send an answer still say 「不能回答」. Nothing changes: the question
is not dismissed, restored, answered or saved, and the trainee is sent nothing. Through the
conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Notice, Reply
from bot.db import crud
from bot.db.models import Role
from bot.db.question_models import CuratedAnswer, QuestionLog
from tests.questions.conftest import ADMIN, MANAGER, OTHER, TRAINEE, Chat, open_chat, text_of
from tests.questions.dismissals import LOTTERY, declined

WANG_FANG = 502  # 数学二班's manager: OTHER is her trainee, TRAINEE is not
NOT_THEIRS = "这个问题不是您班学员提的，"
MAY_NOT_ANSWER = f"{NOT_THEIRS}您不能回答。"
MARK = "0123abcd"  # a well-formed mark of a kept text (`text_mark`)


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat, with 王芳 managing 数学二班, which only OTHER joined."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        opened.names[WANG_FANG] = "王芳"
        with opened.services.session() as session:
            crud.upsert_user(session, user_id=WANG_FANG, first_name="王芳")
            crud.set_role(session, user_id=WANG_FANG, role=Role.manager)
            hers = crud.create_class(session, name="数学二班", manager_id=WANG_FANG)
            crud.join_class(session, user_id=OTHER, class_id=hers.id)
        yield opened


def alert(replies: list[Reply]) -> str:
    (notice,) = replies
    assert isinstance(notice, Notice) and notice.alert
    return notice.text


def stored(chat: Chat, question_id: int) -> QuestionLog:
    with chat.services.session() as session:
        question = session.get(QuestionLog, question_id)
        assert question is not None
        return question


async def answered_by_admin(chat: Chat, question_id: int) -> None:
    """The admin answers the question (the trainee gets it)."""
    await chat.press(ADMIN, f"kbm:1:ans:{question_id}")
    assert "已把回答发给学员" in text_of(await chat.say(ADMIN, "彩票问题请咨询当地福彩中心。"))


@pytest.mark.parametrize(
    ("forged", "state", "refusal"),
    [
        ("kbm:1:dis:{id}:30:0", "waiting", f"{NOT_THEIRS}您不能忽略。"),
        ("kbm:1:dsy:{id}:30:0", "waiting", f"{NOT_THEIRS}您不能忽略。"),
        ("kbm:1:und:{id}:30:0", "dismissed", f"{NOT_THEIRS}您不能撤销忽略。"),
        ("kbm:1:rst:{id}:30:0", "dismissed", f"{NOT_THEIRS}您不能撤销忽略。"),
        ("kbm:1:cur:{id}", "answered", f"{NOT_THEIRS}您不能把它的回答存为标准答案。"),
        ("kbm:1:nos:{id}", "waiting", f"{NOT_THEIRS}您的回答不会发给学员。"),
        ("kbm:1:nos:{id}:" + MARK, "waiting", f"{NOT_THEIRS}您的回答不会发给学员。"),
        ("kbm:1:ans:{id}", "waiting", MAY_NOT_ANSWER),
        ("kbm:1:ans:{id}:30:0", "waiting", MAY_NOT_ANSWER),
        ("kbm:1:rof:{id}:" + MARK, "waiting", MAY_NOT_ANSWER),
        ("kbm:1:sup:{id}:" + MARK, "waiting", MAY_NOT_ANSWER),
        ("kbm:1:std:{id}:1", "waiting", MAY_NOT_ANSWER),
        ("kbm:1:kbs:{id}:1:30:0", "waiting", MAY_NOT_ANSWER),
    ],
)
async def test_a_button_on_another_classs_question_names_what_was_refused(
    chat: Chat, forged: str, state: str, refusal: str
) -> None:
    question_id = await declined(chat, LOTTERY)  # TRAINEE is in 语文一班 only
    if state == "dismissed":
        await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0")
        assert stored(chat, question_id).dismissed_at is not None
    if state == "answered":
        await answered_by_admin(chat, question_id)
    before = stored(chat, question_id)
    sent_before = len(chat.messenger.sent)

    refused = alert(await chat.press(WANG_FANG, forged.format(id=question_id)))

    assert refused == refusal
    after = stored(chat, question_id)
    assert after.dismissed_at == before.dismissed_at
    assert after.manager_answer == before.manager_answer
    assert after.answered_by == before.answered_by
    assert len(chat.messenger.sent) == sent_before  # the trainee (nor anyone) is sent nothing
    with chat.services.session() as session:
        assert list(session.exec(select(CuratedAnswer))) == []


async def test_her_own_trainees_question_she_may_dismiss(chat: Chat) -> None:
    """The refusal is about whose question it is: on her trainee's, 🗑 works."""
    question_id = await declined(chat, LOTTERY, user_id=OTHER)

    replies = await chat.press(WANG_FANG, f"kbm:1:dis:{question_id}:30:0")

    assert NOT_THEIRS not in text_of(replies)
    assert stored(chat, question_id).dismissed_by == WANG_FANG
    assert TRAINEE not in [chat_id for chat_id, _, _ in chat.messenger.sent]
