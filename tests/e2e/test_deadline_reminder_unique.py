"""A deadline's class reminder (/deadlines 「⏰ 设为提醒」) exists once in the database, not only
once per process, on SQLite and PostgreSQL:

- the class picker of a manager with two classes marks 「书法班（已设1个）」 once one lead time is
  set, 「书法班（已设）」 once every lead time offered is (real bot, both engines);
- the database refuses a second active reminder with the same `dedup_key` (a cancelled, done
  or draft one does not count, nor do the NULL keys of /remind reminders);
- two processes setting the same reminder at once (two `Services`, each with its own lock)
  make one reminder, and the handler whose check came too late answers 「已经为「…」设过这个
  提醒」, never a traceback;
- after cancelling it in /reminders, setting it again works (real bot);
- revision 0013_deadline_reminder_key keeps the reminders stored before it and downgrades.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import handlers.deadlines as deadline_handlers
from bot.chat import Edit
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import TrainingClass, User, utcnow
from bot.db.reminder_models import Reminder, ReminderStatus
from bot.db.session import alembic_config, make_engine, upgrade
from bot.services import Services
from knowledge.models import Deadline
from scheduler.deadlines import ReminderExists, schedule_deadline_reminder
from tests.e2e.test_handoff_restart import ADMIN, MANAGER, Conversation
from tests.e2e.test_qa19_deadlines import TZ, pending_reminders, upload_notice
from tests.migrations import upgrade_all_but
from tests.questions.conftest import ADMIN as CHAT_ADMIN
from tests.questions.conftest import MANAGER as CHAT_MANAGER
from tests.questions.conftest import Chat, buttons_of, open_chat, text_of
from tests.scheduler.conftest import cn_date

REVISION = "0013_deadline_reminder_key"
BEFORE = "0006_broadcast_text"
SUMMARY = "参训学员须于{}前将个人研修总结上传平台。"


def picker_labels(call) -> list[str]:  # type: ignore[no-untyped-def]
    """The class buttons of 「先选择培训班」."""
    return [label for label, data in call.buttons if ":pk:" in data]


def open_picker(talk: Conversation):  # type: ignore[no-untyped-def]
    """/deadlines, then 设为提醒 of the first item: the class picker."""
    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    return talk.press(MANAGER, listing, "第 1 项设为提醒", "先选择培训班")


def set_for(talk: Conversation, picker, class_name: str, days: int) -> None:  # type: ignore[no-untyped-def]
    """Pick the class in the picker, then 提前N天; waits for 「✅ 已为「class」设提醒」."""
    label = next(label for label in picker_labels(picker) if label.startswith(class_name))
    choices = talk.press(MANAGER, picker, label, "选择提前几天", "editMessageText")
    talk.press(
        MANAGER, choices, f"提前{days}天", f"✅ 已为「{class_name}」设提醒", "editMessageText"
    )


# ----- the class picker (real bot) ------------------------------------------------------------


def test_the_class_picker_marks_the_classes_that_have_the_reminder(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    talk.say(MANAGER, "/newclass 国画班", "已创建培训班")
    upload_notice(talk, today)

    picker = open_picker(talk)
    assert picker_labels(picker) == ["书法班", "国画班"]
    assert "已设" not in picker.text
    # The first item is due in 5 days: 提前1天 and 提前3天 are offered.
    set_for(talk, picker, "书法班", 1)

    picker = open_picker(talk)
    assert picker_labels(picker) == ["书法班（已设1个）", "国画班"]
    assert "标「已设」的班已有这项提醒" in picker.text
    set_for(talk, picker, "书法班", 3)

    picker = open_picker(talk)
    assert picker_labels(picker) == ["书法班（已设）", "国画班"]
    choices = talk.press(MANAGER, picker, "书法班（已设）", "选择提前几天", "editMessageText")
    assert [label for label, _ in choices.buttons][:2] == ["提前1天（已设）", "提前3天（已设）"]
    assert len(pending_reminders(database_url)) == 2


# ----- cancelled, then set again (real bot) ---------------------------------------------------


def test_a_cancelled_deadline_reminder_can_be_set_again(start_bot, fake_telegram, database_url):
    tg = fake_telegram
    today = datetime.now(TZ).date()
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    talk = Conversation(tg)
    talk.set_up_class()
    upload_notice(talk, today)
    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    choices = talk.press(MANAGER, listing, "第 1 项设为提醒", "选择提前几天")
    talk.press(MANAGER, choices, "提前1天", "✅ 已为「书法班」设提醒", "editMessageText")

    listed = talk.say(MANAGER, "/reminders", "待发送的提醒</b>（共 1 条）")
    ask = talk.press(MANAGER, listed, "取消第 1 条", "确定取消这条提醒吗", "editMessageText")
    talk.press(MANAGER, ask, "🗑 确定取消", "🗑 已取消提醒", "editMessageText")
    assert pending_reminders(database_url) == []

    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    choices = talk.press(MANAGER, listing, "第 1 项设为提醒", "选择提前几天")
    assert [label for label, _ in choices.buttons] == ["书法班 提前1天", "书法班 提前3天"]
    talk.press(MANAGER, choices, "提前1天", "✅ 已为「书法班」设提醒", "editMessageText")
    texts = pending_reminders(database_url)
    assert len(texts) == 1 and "还有 1 天" in texts[0]
    talk.say(MANAGER, "/reminders", "待发送的提醒</b>（共 1 条）")


# ----- the database refuses a copy -----------------------------------------------------------


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    """A database at every head, with class 书法班 of manager 500."""
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        session.add(User(id=500, first_name="王芳"))
        session.flush()
        session.add(TrainingClass(id=7, name="书法班", manager_id=500, join_code="ABCDEFGH"))
        session.commit()
    yield engine
    engine.dispose()


def add(engine: Engine, key: str | None, *, active: bool = True) -> int:
    """Store a one-off reminder of class 7 tomorrow with `key`; returns its id."""
    with Session(engine) as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=500,
            chat_id=500,
            class_id=7,
            text="距截止日 还有 1 天：交总结",
            when_text="截止前1天",
            label="明天 9:00",
            run_at=utcnow() + timedelta(days=1),
            cron=None,
            active=active,
            dedup_key=key,
        )
        assert reminder.id is not None
        return reminder.id


def test_the_database_refuses_a_second_active_reminder_with_the_same_key(db: Engine) -> None:
    first = add(db, "deadline:abc")
    with pytest.raises(IntegrityError):
        add(db, "deadline:abc")
    add(db, "deadline:other")
    add(db, None)
    add(db, None)  # /remind reminders and rows from before the key: NULLs never collide
    add(db, "deadline:abc", active=False)  # a draft does not hold the key

    with Session(db) as session:
        assert rcrud.active_reminder_by_key(session, dedup_key="deadline:abc").id == first  # type: ignore[union-attr]
        rcrud.set_reminder_status(session, reminder_id=first, status=ReminderStatus.cancelled)
    again = add(db, "deadline:abc")  # cancelled: the key is free again
    with Session(db) as session:
        rcrud.set_reminder_status(session, reminder_id=again, status=ReminderStatus.done)
    add(db, "deadline:abc")  # and after it fired

    with Session(db) as session:
        keys = session.exec(
            select(Reminder.dedup_key).where(Reminder.status == ReminderStatus.active)
        ).all()
    assert sorted(map(str, keys)) == ["None", "None", "deadline:abc", "deadline:other"]


# ----- two processes at once (in-process conversation core) ---------------------------------


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb-cache-unique")


@pytest.fixture
async def chat(database_url: str, tmp_path: Path, index_cache: Path) -> AsyncIterator[Chat]:
    """Manager 501 runs 语文一班; the notice's one item is due in 5 days."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        due = datetime.now(TZ).date() + timedelta(days=5)
        replies = await opened.send_file(CHAT_ADMIN, "总结.txt", notice(due))
        assert "已加入知识库" in text_of(replies)
        yield opened


@pytest.fixture
def other_process(chat: Chat) -> Iterator[Services]:
    """A second bot's services on the same database (its own lock, its own memory)."""
    services = Services.create(chat.services.settings, migrate=False)
    services.knowledge = chat.services.knowledge
    yield services
    services.engine.dispose()


def notice(due: date) -> bytes:
    return (
        "title: 关于报送研修总结的通知\ndoc_number: 教培〔2026〕9号\n---\n"
        "一、学员任务\n参训学员要结合本人的教学实际，认真总结研修收获，明确今后的改进方向。\n"
        + SUMMARY.format(cn_date(due))
        + "\n"
    ).encode()


def the_deadline(services: Services) -> Deadline:
    """The notice's deadline (the knowledge base holds the shipped notices too)."""
    found = services.knowledge.deadlines()  # type: ignore[union-attr]
    (deadline,) = [d for d in found if "个人研修总结" in d.text]
    return deadline


def class_reminders(services: Services) -> list[Reminder]:
    with services.session() as session:
        statement = select(Reminder).where(Reminder.status == ReminderStatus.active)
        return list(session.exec(statement))


async def test_two_processes_setting_it_at_once_make_one_reminder(
    chat: Chat, other_process: Services
) -> None:
    deadline = the_deadline(chat.services)
    with chat.services.session() as session:
        (class_id,) = [c.id for c in crud.classes_managed_by(session, manager_id=CHAT_MANAGER)]

    results = await asyncio.gather(
        *(
            schedule_deadline_reminder(services, CHAT_MANAGER, class_id, deadline, 1)
            for services in (chat.services, other_process)
        ),
        return_exceptions=True,
    )

    made = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ReminderExists)]
    assert len(made) == 1 and len(refused) == 1, results
    assert refused[0].reminder.id == made[0]
    (stored,) = class_reminders(chat.services)
    assert stored.id == made[0] and stored.dedup_key and stored.dedup_key.startswith("deadline:")
    assert stored.next_run_at == stored.run_at


async def test_a_check_that_came_too_late_gets_the_friendly_answer(
    chat: Chat, other_process: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = await chat.say(CHAT_MANAGER, "/deadlines")
    assert "1. 📅" in text_of(listing) and "个人研修总结" in text_of(listing).split("2. ")[0]
    to_remind = next(b.data for b in buttons_of(listing) if "第 1 项设为提醒" in b.text)
    choices = await chat.press(CHAT_MANAGER, to_remind or "")
    one_day = next(b.data for b in buttons_of(choices) if "提前1天" in b.text)
    assert not class_reminders(chat.services)
    # The other process sets it just after this one's 「already set?」 looked and found nothing.
    deadline = the_deadline(chat.services)
    with chat.services.session() as session:
        (class_id,) = [c.id for c in crud.classes_managed_by(session, manager_id=CHAT_MANAGER)]
    theirs = await schedule_deadline_reminder(other_process, CHAT_MANAGER, class_id, deadline, 1)
    monkeypatch.setattr(deadline_handlers, "existing_reminder", lambda *args: None)

    replies = await chat.press(CHAT_MANAGER, one_day or "")

    edit = next(r for r in replies if isinstance(r, Edit))
    assert edit.text.startswith("ℹ️ 已经为「语文一班」设过这个提醒："), edit.text
    assert "这次没有再设，学员不会收到两遍" in edit.text
    assert [r.id for r in class_reminders(chat.services)] == [theirs]


# ----- revision 0013_deadline_reminder_key ---------------------------------------------------


@pytest.fixture
def old_db(database_url: str) -> Iterator[Engine]:
    """Every other feature at its head, the reminders' branch just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but(engine, branch_of=REVISION, to=BEFORE)
    yield engine
    engine.dispose()


def test_the_revision_keeps_older_reminders_and_downgrades(old_db: Engine) -> None:
    columns = {c["name"] for c in inspect(old_db).get_columns("reminders")}
    assert "dedup_key" not in columns
    reminders = sa.table(
        "reminders",
        *map(sa.column, ["id", "class_id", "created_by", "chat_id", "text", "when_text", "label"]),
        *map(sa.column, ["run_at", "status", "next_run_at", "created_at"]),
    )
    broadcasts = sa.table(
        "broadcasts",
        *map(sa.column, ["id", "class_id", "created_by", "kind", "text", "status"]),
        *map(sa.column, ["reminder_id", "created_at"]),
        sa.column("buttons", sa.JSON),
    )
    run_at = utcnow() + timedelta(days=2)
    with Session(old_db) as session:
        session.add(User(id=500, first_name="王芳"))
        session.flush()
        session.add(TrainingClass(id=7, name="书法班", manager_id=500, join_code="ABCDEFGH"))
        session.flush()
        ids = [
            session.execute(
                reminders.insert()
                .values(
                    class_id=7,
                    created_by=500,
                    chat_id=500,
                    text="距截止日 还有 1 天：交总结",
                    when_text="截止前1天",
                    label="后天",
                    run_at=run_at,
                    status=status,
                    next_run_at=run_at if status == "active" else None,
                    created_at=utcnow(),
                )
                .returning(reminders.c.id)
            ).scalar_one()
            for status in ("active", "active", "done")
        ]
        session.execute(
            broadcasts.insert().values(
                class_id=7,
                created_by=500,
                kind="reminder",
                text="交总结",
                buttons=[],
                status="done",
                reminder_id=ids[2],
                created_at=utcnow(),
            )
        )
        session.commit()

    upgrade(old_db)

    with Session(old_db) as session:
        stored = session.exec(select(Reminder).order_by(Reminder.id)).all()
        assert [(r.id, r.status, r.dedup_key) for r in stored] == [
            (ids[0], "active", None),
            (ids[1], "active", None),
            (ids[2], "done", None),
        ]
        assert stored[0].run_at == run_at
    add(old_db, "deadline:abc")
    with pytest.raises(IntegrityError):
        add(old_db, "deadline:abc")

    command.downgrade(alembic_config(old_db), f"{REVISION}-1")
    columns = {c["name"] for c in inspect(old_db).get_columns("reminders")}
    assert "dedup_key" not in columns and "next_run_at" in columns
    indexes = {i["name"] for i in inspect(old_db).get_indexes("reminders")}
    assert "uq_reminder_dedup_key" not in indexes
    with Session(old_db) as session:
        count = session.execute(sa.text("SELECT count(*) FROM reminders")).scalar_one()
        linked = session.execute(sa.text("SELECT reminder_id FROM broadcasts")).scalar_one()
    assert (count, linked) == (4, ids[2])
    upgrade(old_db)  # and up again
    assert "dedup_key" in {c["name"] for c in inspect(old_db).get_columns("reminders")}
