"""A manager's answer to a handed-off question: a Telegram hiccup is retried, and when the
answer still cannot be delivered the manager is told the real reason."""

from __future__ import annotations

import pytest

import bot.chat
from bot.chat import TransientError
from tests.questions.conftest import MANAGER, TRAINEE, text_of
from tests.questions.test_pending_input import manager_starts_answering


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.chat, "PATIENT_BACKOFF_SECONDS", (0.0, 0.0))


def failing_to_trainee(chat, monkeypatch: pytest.MonkeyPatch, times: int) -> None:
    """The next `times` sends to the trainee fail with a 502."""
    send = chat.messenger.send
    left = [times]

    async def flaky(chat_id, text, buttons=()):
        if chat_id == TRAINEE and left[0] > 0:
            left[0] -= 1
            raise TransientError("Bad Gateway")
        return await send(chat_id, text, buttons)

    monkeypatch.setattr(chat.messenger, "send", flaky)


async def test_one_502_does_not_lose_the_answer(chat, monkeypatch):
    await manager_starts_answering(chat)
    failing_to_trainee(chat, monkeypatch, times=1)

    reply = await chat.say(MANAGER, "食堂12点开饭。")

    assert "已把回答发给学员" in text_of(reply)
    assert "食堂12点开饭" in chat.messenger.to(TRAINEE)[-1][0]


async def test_a_telegram_outage_is_not_blamed_on_the_trainee(chat, monkeypatch):
    await manager_starts_answering(chat)
    failing_to_trainee(chat, monkeypatch, times=10)

    reply = await chat.say(MANAGER, "食堂12点开饭。")

    assert "Telegram 暂时出错" in text_of(reply) and "屏蔽" not in text_of(reply)


async def test_a_blocked_trainee_is_named_as_the_reason(chat):
    await manager_starts_answering(chat)
    chat.messenger.unreachable.add(TRAINEE)

    reply = await chat.say(MANAGER, "食堂12点开饭。")

    assert "对方屏蔽了我" in text_of(reply)


async def test_a_second_manager_sees_the_first_answer_before_adding_to_it(chat):
    from bot.db import crud
    from bot.db.models import Role

    second_manager = 502
    with chat.services.session() as session:
        crud.set_role(session, user_id=second_manager, role=Role.manager)
        crud.upsert_user(session, user_id=second_manager, first_name="王", last_name="老师")
        other_class = crud.create_class(session, name="数学一班", manager_id=second_manager)
        crud.join_class(session, user_id=TRAINEE, class_id=other_class.id)
    await manager_starts_answering(chat)  # both managers got the question; the first answers
    await chat.say(MANAGER, "食堂12点开饭。")

    # The answer marked the second manager's message answered (no buttons); its 「回答」 as
    # sent is still pressed, as in a chat the edit did not reach (QA9 L2).
    to_second, marked = chat.messenger.to(second_manager)
    assert marked[0].endswith("\n\n✅ 用户501老师已回复。") and marked[1] == ()
    prompt = await chat.press(second_manager, to_second[1][0][0].data)

    assert "已经回答过：「食堂12点开饭。」" in text_of(prompt)
