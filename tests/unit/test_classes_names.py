"""/newclass refuses a name the same manager already uses, and the class pickers of /remind
and /broadcast tell apart classes that share a name anyway (made before the rule): through
the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Edit, Reply, Send
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role, TrainingClass, User
from bot.limits import visible_length
from bot.services import Services
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import fresh_services, text_of

MANAGER, OTHER_MANAGER = 2001, 2002


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Conversation, Services]]:
    services = fresh_services(database_url, tmp_path)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
    yield Conversation(services, routing_table()), services
    services.engine.dispose()


def labels_of(replies: list[Reply]) -> list[str]:
    return [
        b.text for r in replies if isinstance(r, Send | Edit) for row in r.buttons for b in row
    ]


def names(services: Services, manager: int) -> list[str]:
    with services.session() as session:
        return [
            c.name
            for c in session.exec(select(TrainingClass).where(TrainingClass.manager_id == manager))
        ]


async def test_same_name_twice_is_refused_with_suggestions(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    created = text_of(await conversation.handle(command(MANAGER, "/newclass 语文班")))
    assert "已创建培训班「语文班」" in created
    for again in ("/newclass 语文班", "/newclass  语文班 ", "/newclass 语文班"):
        refused = text_of(await conversation.handle(command(MANAGER, again)))
        assert "您已经有一个叫「语文班」的培训班了" in refused, again
        assert "/newclass 语文班2" in refused and "/newclass 语文班（2026秋）" in refused
        assert "/myclass" in refused
    assert names(services, MANAGER) == ["语文班"]
    # a different name, and the same name for another manager, are fine
    assert "已创建" in text_of(await conversation.handle(command(MANAGER, "/newclass 语文班2")))
    other = text_of(await conversation.handle(command(OTHER_MANAGER, "/newclass 语文班")))
    assert "已创建培训班「语文班」" in other
    assert names(services, MANAGER) == ["语文班", "语文班2"]


async def test_pickers_tell_apart_classes_that_share_a_name(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    with services.session() as session:  # two made before names had to differ
        first = crud.create_class(session, name="语文班", manager_id=MANAGER)
        second = crud.create_class(session, name="语文班", manager_id=MANAGER)
        crud.create_class(session, name="数学班", manager_id=MANAGER)
    expected = {f"语文班（加入码 {first.join_code}）", f"语文班（加入码 {second.join_code}）"}

    remind = await conversation.handle(command(MANAGER, "/remind 明天9点 交研修日志"))
    assert "请选择要提醒的培训班" in text_of(remind)
    assert expected <= set(labels_of(remind)) and "数学班" in labels_of(remind)

    broadcast = await conversation.handle(command(MANAGER, "/broadcast 明天集合"))
    assert {f"{label}（0 人）" for label in expected} <= set(labels_of(broadcast))
    assert "数学班（0 人）" in labels_of(broadcast)


async def test_myclass_pages_many_long_named_classes_with_buttons_told_apart(world) -> None:  # type: ignore[no-untyped-def]
    conversation, services = world
    prefix = "2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班"
    with services.session() as session:
        for n in range(1, 11):
            crud.create_class(session, name=f"{prefix}第{n}期", manager_id=MANAGER)
        for _ in range(2):  # two classes of one name, run by the other manager
            joined = crud.create_class(session, name=f"{prefix}第1期", manager_id=OTHER_MANAGER)
            crud.join_class(session, user_id=MANAGER, class_id=joined.id)

    first = await conversation.handle(command(MANAGER, "/myclass"))

    assert "第 1/2 页，共 12 个班" in text_of(first)
    members = [label for label in labels_of(first) if label.startswith("👥")]
    assert len(members) == 8 and len(set(members)) == 8
    assert members[0].endswith("第1期」成员") and members[7].endswith("第8期」成员")
    next_page = next(b.data for r in first for row in r.buttons for b in row if "下一页" in b.text)
    second = await conversation.handle(press(MANAGER, next_page))
    leave = [label for label in labels_of(second) if label.startswith("🚪")]
    assert len(leave) == 2 and leave[0] != leave[1]  # same names: told apart by join code
    assert all("加入码" in label for label in leave)
    assert "📚 <b>我加入的培训班</b>" in text_of(second) and "第10期" in text_of(second)
    for replies in (first, second):
        assert visible_length(text_of(replies)) < 4096


def test_a_name_cannot_reverse_the_line_it_is_shown_in() -> None:
    assert User(id=1, first_name="\u202eabc", last_name="李").display_name == "abc 李"
    assert User(id=2, first_name="\u202e", username="zhang").display_name == "@zhang"
