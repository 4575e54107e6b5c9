"""/unanswered shows a question a trainee asked several times once, with how often, and the
manager's one answer closes all those asks: the trainee gets one reply and none of them comes
back in the list. Through the conversation core, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.db import crud, question_crud
from bot.db.models import utcnow
from bot.db.question_models import QuestionLog
from tests.questions.conftest import (
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

WEATHER = "明天北京天气怎么样"  # declined: no notice covers it
ASKED = [WEATHER, f"{WEATHER}?", f"  {WEATHER} ？！", WEATHER]  # the same question, four times


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def join_other(chat: Chat) -> None:
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        crud.join_class(session, user_id=OTHER, class_id=training_class.id)


def question_logs(chat: Chat) -> list[QuestionLog]:
    with chat.services.session() as session:
        return list(session.exec(select(QuestionLog).order_by(QuestionLog.id)))


async def test_repeats_are_one_row_and_one_answer_closes_them(chat: Chat) -> None:
    join_other(chat)
    for text in ASKED:
        await chat.say(TRAINEE, text)
    await chat.say(TRAINEE, "后天上海天气怎么样")  # another question: its own row
    await chat.say(OTHER, WEATHER)  # another trainee: their own row
    assert all(not log.answered for log in question_logs(chat))

    listing = await chat.say(MANAGER, "/unanswered")
    text = text_of(listing)
    rows = text.split("\n\n")[1:]
    assert len(rows) == 3, text
    assert "（最近 30 天，共 3 条，新的在前）" in text and "页" not in text
    assert rows[0].startswith("1. 用户1002") and rows[0].endswith(WEATHER)  # asked once
    assert rows[1].endswith("后天上海天气怎么样")
    assert rows[2].startswith("3. 用户1001") and rows[2].endswith(f"{WEATHER}（问了 4 次）")
    answer_buttons = [b for b in buttons_of(listing) if b.text.startswith("✍️ 回答第")]
    assert [b.text for b in answer_buttons] == [f"✍️ 回答第 {n} 条" for n in (1, 2, 3)]

    await chat.press(MANAGER, answer_buttons[2].data)
    reply = text_of(await chat.say(MANAGER, "北京明天有雨,课程照常进行。"))
    assert "已把回答发给学员" in reply and "问了 4 次，都已标为已回答" in reply
    to_trainee = chat.messenger.to(TRAINEE)
    assert len(to_trainee) == 1  # one reply, not one per ask
    assert to_trainee[0][0].startswith(f"💬 <b>用户{MANAGER}老师回复了您的问题</b>")
    assert "课程照常进行" in to_trainee[0][0]
    assert chat.messenger.to(OTHER) == []

    after = text_of(await chat.say(MANAGER, "/unanswered"))
    assert "共 2 条" in after and "问了" not in after
    assert "用户1002" in after and "后天上海天气怎么样" in after
    assert after.count(WEATHER) == 1  # only the other trainee's ask is left
    answered = [log.question for log in question_logs(chat) if log.manager_answer]
    assert answered == [text.strip() for text in ASKED]


async def test_limit_counts_questions_not_asks(chat: Chat) -> None:
    with chat.services.session() as session:
        for number in range(12):
            for _ in range(3):
                question_crud.log_question(
                    session,
                    user_id=TRAINEE,
                    chat_id=TRAINEE,
                    question=f"第{number}个问题?",
                    answered=False,
                    reason="out_of_scope",
                )
        listed = question_crud.unanswered_for(
            session, manager_id=MANAGER, since=utcnow() - timedelta(days=1), limit=10
        )
    assert [entry.latest.question for entry in listed] == [
        f"第{number}个问题?" for number in range(11, 1, -1)
    ]
    assert {entry.count for entry in listed} == {3}
    listing = await chat.say(MANAGER, "/unanswered")
    text = text_of(listing)
    assert "共 12 条" in text and text.count("（问了 3 次）") == 10 and "第 1/2 页" in text
    rest = text_of(await chat.press(MANAGER, button(listing, "下一页")))
    assert "第 2/2 页" in rest and "11. 小李" in rest and rest.count("（问了 3 次）") == 2
    assert rest.index("第1个问题?") < rest.index("第0个问题?")  # the oldest last


def test_question_key_ignores_spaces_and_trailing_punctuation() -> None:
    key = question_crud.question_key
    assert key(" 住宿费 谁出 ？") == key("住宿费  谁出?!") == key("住宿费 谁出。") == "住宿费 谁出"
    assert key("住宿费谁出") != key("住宿费谁付")
