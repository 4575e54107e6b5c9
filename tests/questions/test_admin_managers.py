"""An admin adds and removes class managers: /addmanager warns about an id the bot has never
seen, /removemanager takes the role back (the classes and their reminders stay), and either
without an id lists the managers; through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db.models import Role, User
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, Chat, open_chat, text_of


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def role_of(chat: Chat, user_id: int) -> str | None:
    with chat.services.session() as session:
        user = session.get(User, user_id)
        return user.role if user else None


async def test_removed_manager_loses_the_commands_but_not_the_class(chat: Chat) -> None:
    listing = text_of(await chat.say(ADMIN, "/removemanager"))
    assert "目前的班主任（共 1 位）" in listing and f"王老师 <code>{MANAGER}</code>" in listing

    done = text_of(await chat.say(ADMIN, f"/removemanager {MANAGER}"))

    assert "已撤销 王老师 的班主任身份" in done and "「语文一班」仍然保留" in done
    assert f"/addmanager {MANAGER}" in done
    assert role_of(chat, MANAGER) == Role.trainee
    assert "只有班主任可以使用" in text_of(await chat.say(MANAGER, "/newclass 数学班"))
    assert "已经" not in text_of(await chat.say(ADMIN, f"/addmanager {MANAGER}"))
    assert "已创建培训班「数学班」" in text_of(await chat.say(MANAGER, "/newclass 数学班"))


async def test_refusals_change_nothing(chat: Chat) -> None:
    for command, expected in (
        (f"/removemanager {TRAINEE}", "不是班主任"),
        (f"/removemanager {ADMIN}", "是管理员（ADMIN_IDS）"),
        ("/removemanager ①", "/removemanager 123456789"),
        ("/addmanager ①", "/addmanager 123456789"),
    ):
        assert expected in text_of(await chat.say(ADMIN, command)), command
    assert "只有管理员可以使用" in text_of(await chat.say(MANAGER, f"/removemanager {MANAGER}"))
    assert role_of(chat, MANAGER) == Role.manager and role_of(chat, TRAINEE) == Role.trainee


async def test_an_id_never_seen_is_added_with_a_warning(chat: Chat) -> None:
    added = text_of(await chat.say(ADMIN, "/addmanager 777000111"))

    assert "已将 777000111 设为班主任" in added
    assert "还没有和我说过话，请确认没有写错" in added and "/removemanager 777000111" in added
    known = text_of(await chat.say(ADMIN, f"/addmanager {TRAINEE}"))
    assert "已将 小李 设为班主任" in known and "没有和我说过话" not in known
