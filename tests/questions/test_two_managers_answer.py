"""Two managers answer the same handed-off question (QA 6a, finding 7): the trainee gets both
answers (the second once its manager, shown the first, confirms it as a supplement:
tests/questions/test_answer_race.py); the question keeps the later one, so 「保存为标准答案」
saves it for the manager who wrote it, and the one who answered first is told honestly that
the other's answer replaced theirs (nothing is saved under their name). Through the
conversation core on SQLite and PostgreSQL, in turn and at the same moment."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db import crud, question_crud
from bot.db.models import Role
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

OTHER_MANAGER = 502
SUPPLEMENT = "仍要作为补充发给学员"
WEATHER = "今天北京天气怎么样"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat, with a second manager whose class the trainee joined too."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        with opened.services.session() as session:
            crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="赵老师")
            crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
            other = crud.create_class(session, name="数学二班", manager_id=OTHER_MANAGER)
            crud.join_class(session, user_id=TRAINEE, class_id=other.id)
        yield opened


async def handed_off(chat: Chat, asked: str = WEATHER) -> int:
    """The trainee's question, handed to both managers; its id."""
    reply = await chat.say(TRAINEE, asked)
    handoff = button(reply, "问班主任")
    assert "已转给班主任" in text_of(await chat.press(TRAINEE, handoff))
    return int(handoff.split(":")[3])


def answers_to_trainee(chat: Chat) -> list[str]:
    return [text for text, _ in chat.messenger.to(TRAINEE) if text.startswith("💬 <b>")]


def curated(chat: Chat) -> list[tuple[int, str, str]]:
    with chat.services.session() as session:
        return question_crud.curated_pairs(session)


async def test_the_first_to_answer_is_told_the_other_answer_replaced_theirs(chat: Chat) -> None:
    question = await handed_off(chat)
    await chat.press(MANAGER, f"kbm:1:ans:{question}")
    await chat.press(OTHER_MANAGER, f"kbm:1:ans:{question}")
    first = await chat.say(MANAGER, "答案一:请看天气预报")
    held = await chat.say(OTHER_MANAGER, "答案二:出门带伞")
    second = await chat.press(OTHER_MANAGER, button(held, SUPPLEMENT))
    assert [a.split("答：")[1] for a in answers_to_trainee(chat)] == [
        "答案一:请看天气预报",
        "答案二:出门带伞",
    ]

    refused = text_of(await chat.press(MANAGER, button(first, "保存为标准答案")))

    assert "另一位老师（用户502）随后补充了这个问题的回答，" in refused
    assert "您的回答和对方的补充合在一起记录" in refused
    assert "两条回答学员都已收到" in refused and len(refused) <= 200
    assert curated(chat) == []
    saved = text_of(await chat.press(OTHER_MANAGER, button(second, "保存为标准答案")))
    both = "答案一:请看天气预报\n\n用户502老师补充：答案二:出门带伞"  # the first is kept (QA11 M2)
    assert "已保存为标准答案" in saved and f"答：{both}" in saved
    assert [(q, a) for _, q, a in curated(chat)] == [(WEATHER, both)]
    # /curated names who saved it.
    assert "用户502" in text_of(await chat.say(MANAGER, "/curated"))


async def test_answering_at_the_same_moment(chat: Chat) -> None:
    question = await handed_off(chat)
    await asyncio.gather(
        chat.press(MANAGER, f"kbm:1:ans:{question}"),
        chat.press(OTHER_MANAGER, f"kbm:1:ans:{question}"),
    )
    replies = await asyncio.gather(chat.say(MANAGER, "答案一"), chat.say(OTHER_MANAGER, "答案二"))
    # One reaches the trainee; the other waits until its manager, shown the first, confirms.
    (late,) = [i for i, reply in enumerate(replies) if SUPPLEMENT in str(buttons_of(reply))]
    assert len(answers_to_trainee(chat)) == 1
    manager = (MANAGER, OTHER_MANAGER)[late]
    replies[late] = await chat.press(manager, button(replies[late], SUPPLEMENT))
    assert len(answers_to_trainee(chat)) == 2
    with chat.services.session() as session:
        log = question_crud.get_question(session, question_id=question)
        assert log is not None
        kept, later = log.manager_answer, log.answered_by
    assert (kept, later) in (
        ("答案二\n\n用户501老师补充：答案一", MANAGER),
        ("答案一\n\n用户502老师补充：答案二", OTHER_MANAGER),
    )
    earlier = OTHER_MANAGER if later == MANAGER else MANAGER

    pressed = await asyncio.gather(
        *(
            chat.press(manager, button(reply, "保存为标准答案"))
            for manager, reply in zip((MANAGER, OTHER_MANAGER), replies, strict=True)
        )
    )

    by_manager = dict(zip((MANAGER, OTHER_MANAGER), map(text_of, pressed), strict=True))
    assert "合在一起记录" in by_manager[earlier]
    assert "已保存为标准答案" in by_manager[later] and f"答：{kept}" in by_manager[later]
    assert [a for _, _, a in curated(chat)] == [kept]


async def test_an_admin_still_saves_any_answer(chat: Chat) -> None:
    question = await handed_off(chat)
    await chat.press(MANAGER, f"kbm:1:ans:{question}")
    await chat.say(MANAGER, "答案一")

    saved = text_of(await chat.press(ADMIN, f"kbm:1:cur:{question}"))

    assert "已保存为标准答案" in saved and [a for _, _, a in curated(chat)] == ["答案一"]
