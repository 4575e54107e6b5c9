"""Every 问班主任 message of a question is marked answered once an answer reached the trainee
(QA9 L2): whoever answers (one of the trainee's two managers), typed or with 「📌 用标准答案
回复」, from /unanswered or from such a message, each loses its buttons and ends with
「✅ 已回复。」 for the manager who answered, 「✅ 用户501老师已回复。」 for the other. Not
when the answer did not reach the trainee; a message Telegram will not edit any more, or one
sent before its id was kept, is left as it is and the answer goes out all the same. Revision
0007_handoff_messages adds that id. Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import Session, select

from bot.chat import DeliveryError, Edit, Keyboard, Reply
from bot.db import crud, question_crud
from bot.db.models import utcnow
from bot.db.question_models import QuestionHandoff
from bot.db.session import alembic_config, make_engine, upgrade
from handlers.ask import refresh_curated
from tests.migrations import upgrade_all_but
from tests.questions.conftest import (
    MANAGER,
    TRAINEE,
    Chat,
    RecordingMessenger,
    button,
    text_of,
)
from tests.questions.test_two_managers_answer import OTHER_MANAGER
from tests.questions.test_two_managers_answer import chat as two_managers  # noqa: F401

WANG_FANG = 503  # saved the curated answer
WEATHER = "明天北京天气怎么样"  # declined: the notices do not cover it
SAVED_QUESTION = "今天北京天气怎么样"
SAVED_ANSWER = "请看中国天气网的北京预报，出门带伞。"
NEAR = "北京今天天气如何"  # close to the saved one, not matched automatically
ANSWER_HINT = "请点「回答」，您的回复会直接发给这位学员"
LIST_MESSAGE = 41
ANSWERED_BY_MANAGER = "✅ 用户501老师已回复。"
ANSWERED_BY_OTHER = "✅ 用户502老师已回复。"


@dataclass
class EditingMessenger(RecordingMessenger):
    """Keeps each edit with the message it edits (sends stay in `sent`; a message's id is its
    place there, from 1); editing one of `gone` fails as Telegram fails for a deleted one."""

    edits: list[tuple[int, int, str, Keyboard]] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        if message_id in self.gone:
            raise DeliveryError("Bad Request: message to edit not found")
        self.edits.append((chat_id, message_id, text, buttons))


@dataclass(frozen=True)
class Push:
    """The 问班主任 message a manager got."""

    manager: int
    message_id: int
    text: str
    buttons: Keyboard


@pytest.fixture
def chat(two_managers: Chat) -> Chat:  # noqa: F811
    """The trainee in 语文一班 (MANAGER) and 数学二班 (OTHER_MANAGER), edits kept."""
    two_managers.messenger = two_managers.services.messenger = EditingMessenger()
    return two_managers


def messenger(chat: Chat) -> EditingMessenger:
    assert isinstance(chat.messenger, EditingMessenger)
    return chat.messenger


async def handed_off(chat: Chat, question: str = WEATHER) -> dict[int, Push]:
    """The trainee asks `question`, is declined and presses 问班主任: what each manager got."""
    declined = await chat.say(TRAINEE, question)
    assert "已转给班主任" in text_of(await chat.press(TRAINEE, button(declined, "问班主任")))
    pushes = {
        chat_id: Push(chat_id, number, text, buttons)
        for number, (chat_id, text, buttons) in enumerate(chat.messenger.sent, start=1)
        if text.startswith("🙋 <b>学员提问</b>") and f"：{question}\n" in text
    }
    assert sorted(pushes) == [MANAGER, OTHER_MANAGER]
    for push in pushes.values():
        assert "✍️ 回答" in [b.text for row in push.buttons for b in row]
        assert re.search(f"<i>我未能从通知中找到答案。{ANSWER_HINT}[^<]*。</i>", push.text)
    return pushes


def answered(push: Push, ending: str = "✅ 已回复。") -> str:
    """The push as it was sent, without the sentence asking to press a button, and `ending`."""
    text = re.sub(f"{ANSWER_HINT}[^<]*", "", push.text)
    assert text.count("</i>") == push.text.count("</i>") and "点「" not in text
    return f"{text}\n\n{ending}"


def edited(chat: Chat) -> dict[int, tuple[int, str, Keyboard]]:
    """Each message the messenger edited (by its id): the chat, the last text, the buttons."""
    edits = messenger(chat).edits
    return {message: (chat_id, text, buttons) for chat_id, message, text, buttons in edits}


def answers_to_trainee(chat: Chat) -> list[str]:
    return [text for text, _ in chat.messenger.to(TRAINEE) if text.startswith("💬 <b>")]


def question_id(chat: Chat) -> int:
    """The id of the question handed off."""
    with chat.services.session() as session:
        (row, *_) = session.exec(select(QuestionHandoff))
    return row.question_id


def edits_in(replies: list[Reply]) -> list[Edit]:
    return [reply for reply in replies if isinstance(reply, Edit)]


async def test_a_typed_answer_from_the_list_marks_both_managers_messages(chat: Chat) -> None:
    pushes = await handed_off(chat)
    listing = await chat.say(MANAGER, "/unanswered")
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    replies = await chat.say(MANAGER, "明天有雨，请带伞。")

    assert text_of(replies).startswith("✅ 已把回答发给学员。")
    assert [e.message_id for e in edits_in(replies)] == [LIST_MESSAGE]  # the list, as before
    mine, theirs = pushes[MANAGER], pushes[OTHER_MANAGER]
    assert edited(chat) == {
        mine.message_id: (MANAGER, answered(mine), ()),
        theirs.message_id: (OTHER_MANAGER, answered(theirs, ANSWERED_BY_MANAGER), ()),
    }
    assert theirs.text.startswith("🙋 <b>学员提问</b> · 数学二班\n")  # each keeps its class
    assert answered(theirs, ANSWERED_BY_MANAGER).endswith(
        "<i>我未能从通知中找到答案。</i>\n\n✅ 用户501老师已回复。"
    )
    assert len(answers_to_trainee(chat)) == 1


async def test_the_saved_answer_from_the_list_marks_both_managers_messages(chat: Chat) -> None:
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=WANG_FANG, first_name="王芳")
        question_crud.add_curated(
            session, question=SAVED_QUESTION, answer=SAVED_ANSWER, created_by=WANG_FANG
        )
    refresh_curated(chat.services)
    pushes = await handed_off(chat, NEAR)
    for push in pushes.values():
        assert [b.text for row in push.buttons for b in row] == ["✍️ 回答", "📌 用标准答案回复"]
    listing = await chat.say(OTHER_MANAGER, "/unanswered")

    replies = await chat.press(
        OTHER_MANAGER, button(listing, "用标准答案回复"), message_id=LIST_MESSAGE
    )

    assert text_of(replies).startswith("✅ 已把王芳老师保存的标准答案发给学员。")
    assert answers_to_trainee(chat) == [
        f"💬 <b>用户{OTHER_MANAGER}老师回复了您的问题</b>\n问：{NEAR}\n\n答：{SAVED_ANSWER}"
    ]
    mine, theirs = pushes[OTHER_MANAGER], pushes[MANAGER]
    assert edited(chat) == {
        theirs.message_id: (MANAGER, answered(theirs, ANSWERED_BY_OTHER), ()),
        mine.message_id: (OTHER_MANAGER, answered(mine), ()),
    }
    # The saved answer close to it is still named, as in the message sent.
    assert "相近的标准答案：「今天北京天气怎么样」（王芳老师）" in answered(theirs)


async def test_answered_from_a_message_the_other_one_is_marked_too(chat: Chat) -> None:
    pushes = await handed_off(chat)
    mine, theirs = pushes[OTHER_MANAGER], pushes[MANAGER]
    (answer, *_) = [b.data for row in mine.buttons for b in row if b.text == "✍️ 回答"]
    await chat.press(OTHER_MANAGER, answer or "", message_id=mine.message_id)

    replies = await chat.say(OTHER_MANAGER, "明天有雨，请带伞。")

    # The message answered through is edited by the reply, once; the other by the messenger.
    (reply_edit,) = edits_in(replies)
    assert (reply_edit.message_id, reply_edit.text, reply_edit.buttons) == (
        mine.message_id,
        answered(mine),
        (),
    )
    assert edited(chat) == {
        theirs.message_id: (MANAGER, answered(theirs, ANSWERED_BY_OTHER), ()),
    }


async def test_two_answers_leave_each_message_saying_its_manager_answered(chat: Chat) -> None:
    """Both managers pressed 「回答」 before either sent: the trainee gets both answers, the
    second once its manager confirmed it (tests/questions/test_answer_race.py)."""
    pushes = await handed_off(chat)
    for manager in (MANAGER, OTHER_MANAGER):
        await chat.press(manager, f"kbm:1:ans:{question_id(chat)}")
    await chat.say(MANAGER, "答案一：请看天气预报")
    held = await chat.say(OTHER_MANAGER, "答案二：出门带伞")

    await chat.press(OTHER_MANAGER, button(held, "仍要作为补充发给学员"))

    assert len(answers_to_trainee(chat)) == 2
    assert edited(chat) == {
        push.message_id: (push.manager, answered(push), ()) for push in pushes.values()
    }


async def test_the_trainees_other_ask_of_it_is_marked_too(chat: Chat) -> None:
    """Handed off on the first ask; the list answers the latest, and both are closed."""
    pushes = await handed_off(chat)
    await chat.say(TRAINEE, f"{WEATHER}？")
    listing = await chat.say(MANAGER, "/unanswered")
    assert "（问了 2 次）" in text_of(listing)
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    await chat.say(MANAGER, "明天有雨，请带伞。")

    assert sorted(edited(chat)) == sorted(push.message_id for push in pushes.values())


async def test_an_answer_that_did_not_reach_the_trainee_marks_nothing(chat: Chat) -> None:
    await handed_off(chat)
    listing = await chat.say(MANAGER, "/unanswered")
    chat.messenger.unreachable.add(TRAINEE)  # the trainee blocked the bot
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    replies = await chat.say(MANAGER, "明天有雨，请带伞。")

    assert "没能发给学员（对方屏蔽了我或注销了账号）" in text_of(replies)
    assert edits_in(replies) == [] and edited(chat) == {}


async def test_a_message_telegram_will_not_edit_leaves_the_answer_as_it_was(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    """The other manager deleted their message: the answer goes out and the rest is marked."""
    pushes = await handed_off(chat)
    deleted = pushes[OTHER_MANAGER].message_id
    messenger(chat).gone.add(deleted)
    listing = await chat.say(MANAGER, "/unanswered")
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    with caplog.at_level(logging.WARNING, logger="handlers.ask"):
        replies = await chat.say(MANAGER, "明天有雨，请带伞。")

    assert text_of(replies).startswith("✅ 已把回答发给学员。")
    assert [e.message_id for e in edits_in(replies)] == [LIST_MESSAGE]
    assert len(answers_to_trainee(chat)) == 1
    assert list(edited(chat)) == [pushes[MANAGER].message_id]
    assert any(
        f"handoff message {deleted} " in record.getMessage() and "not found" in record.message
        for record in caplog.records
    )


async def test_a_message_sent_before_its_id_was_kept_is_left_alone(chat: Chat) -> None:
    pushes = await handed_off(chat)
    with chat.services.session() as session:
        for row in session.exec(
            select(QuestionHandoff).where(QuestionHandoff.manager_id == OTHER_MANAGER)
        ):
            row.message_id = None
            session.add(row)
        session.commit()
    listing = await chat.say(MANAGER, "/unanswered")
    await chat.press(MANAGER, button(listing, "回答第 1 条"), message_id=LIST_MESSAGE)

    await chat.say(MANAGER, "明天有雨，请带伞。")

    assert list(edited(chat)) == [pushes[MANAGER].message_id]


# ----- revision 0007_handoff_messages ------------------------------------------------------


def upgrade_all_but_questions(engine: Engine, revision: str) -> None:
    """Upgrade every other feature to its head, the questions' branch to `revision` only."""
    upgrade_all_but(engine, branch_of="0002_questions", to=revision)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database at every other feature's head, the questions' before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but_questions(engine, "0002_questions")
    yield engine
    engine.dispose()


def test_the_revision_keeps_older_handoffs_without_a_message_id(engine: Engine) -> None:
    questions = sa.table(
        "question_logs",
        sa.column("id"),
        sa.column("user_id"),
        sa.column("chat_id"),
        sa.column("question"),
        sa.column("answered"),
        sa.column("hit_count"),
        sa.column("elapsed_ms"),
        sa.column("created_at"),
    )
    handoffs = sa.table(
        "question_handoffs",
        sa.column("question_id"),
        sa.column("manager_id"),
        sa.column("delivered"),
        sa.column("created_at"),
    )
    asked_at = utcnow()
    with Session(engine) as session:  # a handoff as the bot stored it before the revision
        old_question = session.execute(
            questions.insert()
            .values(
                user_id=TRAINEE,
                chat_id=TRAINEE,
                question=WEATHER,
                answered=False,
                hit_count=0,
                elapsed_ms=0.0,
                created_at=asked_at,
            )
            .returning(questions.c.id)
        ).scalar_one()
        session.execute(
            handoffs.insert().values(
                question_id=old_question,
                manager_id=MANAGER,
                delivered=True,
                created_at=asked_at,
            )
        )
        session.commit()

    upgrade(engine)

    assert ScriptDirectory.from_config(alembic_config(engine)).get_revision(
        "0007_handoff_messages"
    ).down_revision == "0002_questions"
    with Session(engine) as session:
        (old,) = session.exec(select(QuestionHandoff))
        assert (old.question_id, old.manager_id, old.message_id) == (old_question, MANAGER, None)
        assert question_crud.handoff_messages(session, question_ids=[old_question]) == []
        newer = question_crud.log_question(
            session, user_id=TRAINEE, chat_id=TRAINEE, question=WEATHER, answered=False
        )
        assert newer.id is not None
        big = 2**40  # a BIGINT, as the other Telegram ids
        question_crud.record_handoff(
            session,
            question_id=newer.id,
            deliveries=[(MANAGER, None, True)],
            message_ids={MANAGER: big},
        )
        (kept,) = question_crud.handoff_messages(session, question_ids=[old_question, newer.id])
        assert (kept.question_id, kept.manager_id, kept.message_id) == (newer.id, MANAGER, big)
    command.downgrade(alembic_config(engine), "0007_handoff_messages-1")
    columns = {c["name"] for c in inspect(engine).get_columns("question_handoffs")}
    assert "message_id" not in columns and {"question_id", "manager_id"} <= columns
