"""QA17 F2: /kbstats counts questions, not question log rows. A trainee's repeats of one
question answered together from /unanswered are one answered question, the unit 「转给班主任」
counts; 「没有转来」 is said only of a question answered without a handoff; a handoff still
waiting shows as 「仍在等待 N」. The decline and 👎 rates stay shares of asks (「提问 N 次」).
Driven through the conversation core, set up by commands as the tester did (admin 100
/addmanager 200, /newclass, /join), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.db import question_crud
from bot.db.models import utcnow
from bot.db.question_models import QuestionLog
from bot.services import Services
from bot.settings import Settings
from tests.questions.conftest import Chat, RecordingMessenger, button, text_of

ADMIN, MANAGER = 100, 200
LOST_CERTIFICATE = "结业证书弄丢了咋补办啊"  # trainee 303, twice
LOST_HOURS = "学时证明丢了能补开吗"  # trainee 304
LOST_HOURS_TOO = "学时证明丢失怎么补办"  # trainee 301: never answered
ANSWER = "请联系项目办补办，带上身份证复印件。"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp_path / "data",
        admin_ids=frozenset({ADMIN}),
    )
    services = Services.create(settings)
    services.messenger = RecordingMessenger()
    from knowledge import KnowledgeBase

    services.knowledge = KnowledgeBase.open(index_cache, tmp_path / "data" / "notices")
    yield Chat(services)
    services.engine.dispose()


async def open_class(chat: Chat, trainees: tuple[int, ...]) -> None:
    """Admin 100 makes 200 a manager, who opens 语文一班, which the trainees join."""
    await chat.say(MANAGER, "/start")
    assert "200" in text_of(await chat.say(ADMIN, f"/addmanager {MANAGER}"))
    created = text_of(await chat.say(MANAGER, "/newclass 语文一班"))
    (code,) = set(re.findall(r"/join (\S+)", created))
    for trainee in trainees:
        joined = text_of(await chat.say(trainee, f"/join {code}"))
        assert "语文一班" in joined, joined


async def ask(chat: Chat, trainee: int, question: str, *, hand_off: bool) -> int:
    """The trainee asks (and presses 🙋 问班主任 when `hand_off`); the ask's id."""
    replies = await chat.say(trainee, question)
    if hand_off:
        handed = text_of(await chat.press(trainee, button(replies, "问班主任")))
        assert "班主任" in handed, handed
    with chat.services.session() as session:
        return max(q.id for q in session.exec(select(QuestionLog)) if q.user_id == trainee)


async def answer_from_unanswered(chat: Chat, question_id: int) -> str:
    """The manager presses 「回答」 on the question in /unanswered and types the answer."""
    listing = await chat.say(MANAGER, "/unanswered")
    data = [
        b.data
        for r in listing
        for row in getattr(r, "buttons", ())
        for b in row
        if b.data and b.data.startswith(f"kbm:1:ans:{question_id}:")
    ]
    assert data, text_of(listing)
    assert "请直接发送您的回答" in text_of(await chat.press(MANAGER, data[0]))
    return text_of(await chat.say(MANAGER, ANSWER))


def stats_of(chat: Chat) -> question_crud.QuestionStats:
    with chat.services.session() as session:
        return question_crud.question_stats(session, since=utcnow() - timedelta(days=1))


async def test_repeats_answered_together_are_one_answered_question(chat: Chat) -> None:
    await open_class(chat, (301, 303, 304))
    await ask(chat, 303, LOST_CERTIFICATE, hand_off=False)
    certificate = await ask(chat, 303, LOST_CERTIFICATE, hand_off=True)
    hours = await ask(chat, 304, LOST_HOURS, hand_off=True)
    await ask(chat, 301, LOST_HOURS_TOO, hand_off=True)

    sent = await answer_from_unanswered(chat, certificate)
    assert "这位学员把这个问题问了 2 次，都已标为已回答" in sent, sent
    await answer_from_unanswered(chat, hours)
    report = text_of(await chat.say(ADMIN, "/kbstats"))

    assert "转给班主任 3，班主任已回答 2，仍在等待 1，忽略 0（不算已回答）" in report, report
    assert "没有转来" not in report
    stats = stats_of(chat)
    assert (stats.handed_off, stats.manager_answered, stats.handed_off_waiting) == (3, 2, 1)
    assert stats.manager_answered_unasked == 0
    # The one still waiting is the one /unanswered still lists.
    assert LOST_HOURS_TOO in text_of(await chat.say(MANAGER, "/unanswered"))
    # Rates stay shares of asks: four asks, each with its own reply.
    assert "提问 4 次" in report


async def test_not_handed_on_is_said_only_of_a_question_answered_without_a_handoff(
    chat: Chat,
) -> None:
    await open_class(chat, (301, 303))
    await ask(chat, 303, LOST_CERTIFICATE, hand_off=False)
    certificate = await ask(chat, 303, LOST_CERTIFICATE, hand_off=True)
    lottery = await ask(chat, 301, "双色球开奖号码", hand_off=False)  # declined, never handed on
    await answer_from_unanswered(chat, certificate)
    await answer_from_unanswered(chat, lottery)

    report = text_of(await chat.say(ADMIN, "/kbstats"))

    assert (
        "转给班主任 1，班主任已回答 2（其中 1 条学员没有转来，是从 /unanswered 回答的），"
        "忽略 0（不算已回答）" in report
    ), report
    assert "仍在等待" not in report  # nothing handed on waits


async def test_asks_handed_on_twice_and_dismissed_together_are_one_question(
    chat: Chat,
) -> None:
    await open_class(chat, (303,))
    await ask(chat, 303, LOST_CERTIFICATE, hand_off=True)
    second = await ask(chat, 303, LOST_CERTIFICATE, hand_off=True)  # its own 问班主任 button
    stats = stats_of(chat)
    assert (stats.handed_off, stats.handed_off_waiting) == (1, 1)

    dismiss = button(await chat.say(MANAGER, "/unanswered"), "🗑 忽略")
    asked = await chat.press(MANAGER, dismiss)
    assert "确定忽略吗" in text_of(asked), text_of(asked)  # handed on: asked first
    await chat.press(MANAGER, button(asked, "忽略"))

    report = text_of(await chat.say(ADMIN, "/kbstats"))
    with chat.services.session() as session:
        stored = question_crud.get_question(session, question_id=second)
        assert stored is not None and stored.dismissed_at is not None
    assert "转给班主任 1，班主任已回答 0，忽略 1（不算已回答）" in report, report


async def test_an_ask_after_the_answer_is_another_question(chat: Chat) -> None:
    await open_class(chat, (303,))
    first = await ask(chat, 303, LOST_CERTIFICATE, hand_off=True)
    await answer_from_unanswered(chat, first)
    await ask(chat, 303, LOST_CERTIFICATE, hand_off=True)  # asked again after the answer

    report = text_of(await chat.say(ADMIN, "/kbstats"))

    assert "转给班主任 2，班主任已回答 1，仍在等待 1，" in report, report
