"""/unanswered lists what a trainee asked since joining the manager's class, not before
(QA8 L8: asked on day 1, joined on day 2), except a question they handed to the manager with
问班主任; leaving and joining again starts afresh. Admins still see everyone's. One query per
page, through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.db import crud
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    open_chat,
    text_of,
)

BEFORE = "明天北京天气怎么样"  # declined: no notice covers it
AFTER = "后天上海天气怎么样"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def class_id(chat: Chat) -> int:
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        return training_class.id


async def test_questions_asked_before_joining_are_not_listed(chat: Chat) -> None:
    declined = await chat.say(OTHER, BEFORE)  # no class yet
    assert "没有找到" in text_of(declined)
    with chat.services.session() as session:
        crud.join_class(session, user_id=OTHER, class_id=class_id(chat))
    await chat.say(OTHER, AFTER)

    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if "question_logs" in statement:
            statements.append(statement)

    event.listen(chat.services.engine, "before_cursor_execute", count)
    try:
        listing = text_of(await chat.say(MANAGER, "/unanswered"))
    finally:
        event.remove(chat.services.engine, "before_cursor_execute", count)

    assert AFTER in listing and BEFORE not in listing and "共 1 条" in listing
    # The page, then its entries' rows: the join time is checked inside the one query.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    # An admin sees everyone's questions, as before.
    assert BEFORE in text_of(await chat.say(ADMIN, "/unanswered"))


async def test_leaving_and_joining_again_starts_afresh_but_handoffs_stay(chat: Chat) -> None:
    await chat.say(TRAINEE, BEFORE)
    handed = await chat.say(TRAINEE, "北京明年还办国培吗")
    await chat.press(TRAINEE, button(handed, "问班主任"))
    with chat.services.session() as session:
        assert crud.leave_class(session, user_id=TRAINEE, class_id=class_id(chat))
        crud.join_class(session, user_id=TRAINEE, class_id=class_id(chat))
    await chat.say(TRAINEE, AFTER)

    listing = text_of(await chat.say(MANAGER, "/unanswered"))

    assert "北京明年还办国培吗" in listing and "🙋 等您回复" in listing
    assert AFTER in listing and BEFORE not in listing and "共 2 条" in listing


async def test_an_answer_still_closes_the_same_question_asked_before_joining(chat: Chat) -> None:
    await chat.say(OTHER, BEFORE)
    with chat.services.session() as session:
        crud.join_class(session, user_id=OTHER, class_id=class_id(chat))
    await chat.say(OTHER, BEFORE)
    listing = await chat.say(MANAGER, "/unanswered")
    assert "（问了" not in text_of(listing)  # only the ask since joining is shown

    await chat.press(MANAGER, button(listing, "回答第 1 条"))
    await chat.say(MANAGER, "请看天气预报。")

    assert "没有待解答的问题" in text_of(await chat.say(ADMIN, "/unanswered"))
