"""QA21 F4: 「（您的消息按提问处理了。要回复学员的问题，请发送 /unanswered…）」 is for a manager
(or admin) whose plain text in the private chat was taken for a question, most often an answer
meant for a trainee. A manager's `/ask 问题` meant a question: no such note, in the private
chat nor in a class group, where the reply is public (nor the trainee's 「您还没有加入培训班」).
Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.questions.conftest import ADMIN, MANAGER, OTHER, Chat, open_chat, text_of

ASKED = "明天北京天气怎么样"  # declined: the notices do not cover it
DECLINED = "没有找到能回答「明天北京天气怎么样」的条款"
NOTE = "您的消息按提问处理了"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


@pytest.mark.parametrize("user", [MANAGER, ADMIN])
@pytest.mark.parametrize("chat_type", ["group", "private"])
async def test_a_managers_ask_gets_the_answer_without_the_note(
    chat: Chat, user: int, chat_type: str
) -> None:
    reply = text_of(await chat.say(user, f"/ask {ASKED}", chat_type=chat_type))

    assert DECLINED in reply
    assert NOTE not in reply and "/unanswered" not in reply
    assert "您还没有加入培训班" not in reply


async def test_plain_text_in_the_private_chat_still_gets_the_note(chat: Chat) -> None:
    for user in (MANAGER, ADMIN):
        reply = text_of(await chat.say(user, ASKED))
        assert DECLINED in reply
        assert f"（{NOTE}。要回复学员的问题，请发送 /unanswered，" in reply
    # Plain text in a group is left alone; a trainee without a class is told how to join.
    assert await chat.say(MANAGER, ASKED, chat_type="group") == []
    assert "您还没有加入培训班" in text_of(await chat.say(OTHER, f"/ask {ASKED}"))
