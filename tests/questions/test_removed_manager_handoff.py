"""问班主任 after /removemanager (QA 6a, finding 3): the removed manager no longer receives the
trainee's name and question; a class without a current manager has it sent to the admins and
the trainee is told so; when nobody can take it the trainee is told that too and the question
waits in the admin's /unanswered. /myclass says the class has no manager. Through the
conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Notice
from bot.db import crud
from bot.db.models import Role
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    TRAINEE,
    Chat,
    button,
    open_chat,
    text_of,
)

OTHER_MANAGER = 502
WEATHER = "今天北京天气怎么样"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


async def hand_off(chat: Chat, question: str = WEATHER) -> str:
    """The trainee asks something the notices do not cover and presses 问班主任; the pop-up."""
    declined = await chat.say(TRAINEE, question)
    pressed = await chat.press(TRAINEE, button(declined, "问班主任"))
    return text_of([reply for reply in pressed if isinstance(reply, Notice)])


def received(chat: Chat, user_id: int, question: str = WEATHER) -> list[str]:
    return [text for text, _ in chat.messenger.to(user_id) if question in text]


async def test_a_removed_managers_class_hands_questions_to_the_admin(chat: Chat) -> None:
    assert "已撤销 王老师 的班主任身份" in text_of(
        await chat.say(ADMIN, f"/removemanager {MANAGER}")
    )

    told = await hand_off(chat)

    assert "「语文一班」目前没有班主任，问题已转给管理员" in told and "私聊" in told
    assert received(chat, MANAGER) == []  # neither the name nor the question
    (to_admin,) = received(chat, ADMIN)
    assert (
        f"用户{TRAINEE}" in to_admin and "这个培训班目前没有班主任（原班主任已被撤销）" in to_admin
    )
    # The admin answers from that message; the trainee gets the answer.
    ((_, buttons),) = [m for m in chat.messenger.to(ADMIN) if WEATHER in m[0]]
    answer = buttons[0][0].data
    assert answer is not None and "回答" in buttons[0][0].text
    assert "请直接发送您的回答" in text_of(await chat.press(ADMIN, answer))
    assert "已把回答发给学员" in text_of(await chat.say(ADMIN, "请看天气预报"))
    assert any("请看天气预报" in text for text, _ in chat.messenger.to(TRAINEE))
    # /myclass says so, and the leave button still names the class.
    listing = text_of(await chat.say(TRAINEE, "/myclass"))
    assert "语文一班 · 班主任：暂无（请联系管理员）" in listing and "王老师" not in listing

    # Made a manager again, they receive their trainees' questions again.
    await chat.say(ADMIN, f"/addmanager {MANAGER}")
    assert await hand_off(chat, "明天上海会下雨吗") == "✅ 已转给班主任，回复会发到与我的私聊里。"
    assert len(received(chat, MANAGER, "明天上海会下雨吗")) == 1
    assert received(chat, ADMIN, "明天上海会下雨吗") == []
    assert "语文一班 · 班主任 王老师" in text_of(await chat.say(TRAINEE, "/myclass"))


async def test_a_trainee_of_two_classes_reaches_the_manager_and_the_admin(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="赵老师")
        crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
        other = crud.create_class(session, name="数学二班", manager_id=OTHER_MANAGER)
        crud.join_class(session, user_id=TRAINEE, class_id=other.id)
    await chat.say(ADMIN, f"/removemanager {MANAGER}")

    told = await hand_off(chat)

    assert "已转给班主任；「语文一班」目前没有班主任，也已转给管理员" in told
    assert received(chat, MANAGER) == []
    (to_manager,) = received(chat, OTHER_MANAGER)
    assert "<b>学员提问</b> · 数学二班\n" in to_manager and "语文一班" not in to_manager
    (to_admin,) = received(chat, ADMIN)
    assert "学员提问</b> · 语文一班\n" in to_admin and "没有班主任" in to_admin
    listing = text_of(await chat.say(TRAINEE, "/myclass"))
    assert "数学二班 · 班主任 赵老师" in listing
    assert "语文一班 · 班主任：暂无（请联系管理员）" in listing


async def test_nobody_to_take_it_is_said_and_it_waits_for_the_admin(chat: Chat) -> None:
    await chat.say(ADMIN, f"/removemanager {MANAGER}")
    chat.messenger.unreachable.add(ADMIN)  # the admin blocked the bot

    told = await hand_off(chat)

    assert "「语文一班」目前没有班主任，其他能接手的人暂时也联系不上" in told
    assert "/unanswered" in told and "✅" not in told
    assert received(chat, MANAGER) == []
    assert WEATHER in text_of(await chat.say(ADMIN, "/unanswered"))

    # No admin at all (ADMIN_IDS empty): nobody is tried, and the trainee is told so.
    settings = chat.services.settings
    chat.services.settings = settings.model_copy(update={"admin_ids": frozenset()})
    told = await hand_off(chat, "明天上海会下雨吗")
    assert "抱歉，「语文一班」目前没有班主任，暂时没有人能接手这个问题" in told
    assert received(chat, MANAGER, "明天上海会下雨吗") == []
    # An admin configured later finds it in /unanswered.
    chat.services.settings = settings
    assert "明天上海会下雨吗" in text_of(await chat.say(ADMIN, "/unanswered"))


async def test_an_admin_who_runs_a_class_still_gets_its_questions(chat: Chat) -> None:
    """A class run by an admin (ADMIN_IDS) has a manager, whatever the stored role."""
    with chat.services.session() as session:
        admins_class = crud.create_class(session, name="管理员的班", manager_id=ADMIN)
        crud.join_class(session, user_id=TRAINEE, class_id=admins_class.id)
        crud.set_role(session, user_id=MANAGER, role=Role.trainee)

    told = await hand_off(chat)

    assert "已转给班主任；「语文一班」目前没有班主任，也已转给管理员" in told
    (to_admin,) = received(chat, ADMIN)  # one message for both classes
    assert "<b>学员提问</b> · 管理员的班、语文一班\n" in to_admin
    assert "「语文一班」目前没有班主任（原班主任已被撤销）" in to_admin
    assert "管理员的班 · 班主任" in text_of(await chat.say(TRAINEE, "/myclass"))
