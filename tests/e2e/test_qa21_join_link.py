"""QA21 F1 and F2.

F1, real bot on both engines: /join (and /start) with the whole join link pasted (https://t.me/
<bot>?start=CODE, without https://, tg://resolve?domain=<bot>&start=CODE), or the code with a
space inside (also a full-width one), joins the class; a link of another bot, or one without
start=, says what to send instead, and no error quotes a chopped link.

F2: a second tap on 「🔄 确定更换」 (/myclass → 👥 成员 → 🔄 更换加入码) does not change the code
again: it is answered 「已经更换过了」 with the current code: two taps at once on the real bot
(both engines), and, through the conversation core on SQLite and PostgreSQL, another process
replacing the code between this tap's read and its write; a confirmation shown before the
button carried its code is stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

import handlers.classes as class_handlers
from bot.chat import Edit, Notice
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import RetiredJoinCode, Role, TrainingClass
from bot.services import Services
from handlers import routing_table
from tests.events import command, press
from tests.inprocess import buttons_of, fresh_services, text_of

ADMIN, MANAGER = 900, 501
BOT = "guopei_test_bot"  # the fake Bot API server's getMe


def test_the_pasted_join_link_or_a_spaced_code_joins(start_bot, fake_telegram) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))

    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 语文一班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    half = len(code) // 2

    # what does not join: another bot's link, a link without the code, another site's link
    other = tg.say(1001, f"/join https://t.me/other_bot?start={code}", "不是我")
    assert f"@other_bot 的，不是我（@{BOT}）的加入链接" in other.text
    assert "/join ABCD2345" in other.text and "https://t.me/o" not in other.text
    bare = tg.say(1001, f"/join https://t.me/{BOT}", "这个链接里没有加入码")
    assert "?start=" in bare.text and "/join ABCD2345" in bare.text
    assert "https://t.me/g" not in bare.text
    elsewhere = tg.say(1001, f"/join https://example.com/?start={code}", "不是培训班的加入链接")
    assert "https://" not in elsewhere.text
    unknown = tg.say(1001, f"/join https://t.me/{BOT}?start=ZZZZ9999", "不存在")
    assert "加入码「ZZZZ9999」不存在" in unknown.text and "https://" not in unknown.text

    pasted = [
        f"/join https://t.me/{BOT}?start={code}",
        f"/join t.me/{BOT}?start={code.lower()}",
        f"/join http://t.me/{BOT}?start={code}",
        f"/join tg://resolve?domain={BOT}&start={code}",
        f"/join {code[:half]} {code[half:]}",
        f"/join {code[:half]}\u3000{code[half:].lower()}",  # a full-width space
        f"/start https://t.me/{BOT}?start={code}",
        f"/join 加入链接：https://t.me/{BOT}?start={code}，点开即可",
    ]
    for trainee, text in enumerate(pasted, start=1002):
        joined = tg.say(trainee, text, "语文一班")
        assert "✅ 已加入培训班「语文一班」" in joined.text, (text, joined.text)

    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    assert f"语文一班（{len(pasted)} 人）" in listing.text


def test_a_double_tap_on_confirm_replaces_the_code_once(start_bot, fake_telegram) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))

    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 英语三班", "已创建培训班")
    old = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    members = tg.tap(MANAGER, listing, "成员", "的成员（0 人）")
    asked = tg.tap(MANAGER, members, "更换加入码", "确定更换「英语三班」的加入码吗")
    sure = asked.data_of("确定更换")

    # two taps that arrive together (the second before the page was edited)
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=asked.message_id, data=sure)
    tg.press_button(user_id=MANAGER, message_id=asked.message_id, data=sure, check=False)
    done = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="的加入码已更换为", after=mark
    )
    new = re.search(r"start=([A-Z0-9]{8})", done.text).group(1)
    assert new != old and f"旧加入码 {old} 已失效" in done.text
    refused = tg.wait_for(method="answerCallbackQuery", text_contains="已经更换过了", after=mark)
    assert f"现在的加入码是 {new}" in refused.text and "这次没有再换" in refused.text
    assert refused.params.get("show_alert") in (True, "true", "True")
    edits = [c for c in tg.calls(method="editMessageText", after=mark) if c.text]
    assert [c.text.count("已更换为") for c in edits] == [1]

    # a later tap on the same button is refused the same way
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=asked.message_id, data=sure, check=False)
    again = tg.wait_for(method="answerCallbackQuery", after=mark)
    assert "已经更换过了" in again.text and new in again.text

    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    assert new in listing.text and old not in listing.text
    assert "已过期" in tg.say(1001, f"/join {old}", "加入码").text
    tg.say(1001, f"/join https://t.me/{BOT}?start={new}", "已加入培训班「英语三班」")


# ----- F2 through the conversation core, on SQLite and PostgreSQL ----------------------------


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Conversation, Services, int]]:
    """Manager 501 runs 英语三班; the conversation, its services and the class id."""
    services = fresh_services(database_url, tmp_path)
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        class_id = crud.create_class(session, name="英语三班", manager_id=MANAGER).id
    assert class_id is not None
    yield Conversation(services, routing_table()), services, class_id
    services.engine.dispose()


@pytest.fixture
def other_process(world: tuple[Conversation, Services, int]) -> Iterator[Services]:
    """A second bot's services on the same database."""
    services = Services.create(world[1].settings, migrate=False)
    yield services
    services.engine.dispose()


def code_of(services: Services, class_id: int) -> str:
    with services.session() as session:
        training_class = session.get(TrainingClass, class_id)
        assert training_class is not None
        return training_class.join_code


def retired(services: Services) -> list[str]:
    with services.session() as session:
        return [r.code for r in session.exec(select(RetiredJoinCode))]


async def confirmation(conversation: Conversation, class_id: int) -> str:
    """👥 成员 → 🔄 更换加入码: the 「🔄 确定更换」 data."""
    members = await conversation.handle(press(MANAGER, f"cm:1:ls:{class_id}:0"))
    asked = await conversation.handle(press(MANAGER, buttons_of(members)["🔄 更换加入码"]))
    assert "确定更换「英语三班」的加入码吗" in text_of(asked)
    return buttons_of(asked)["🔄 确定更换"]


async def test_a_replacement_between_this_taps_read_and_write_is_not_repeated(
    world: tuple[Conversation, Services, int],
    other_process: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation, services, class_id = world
    old = code_of(services, class_id)
    sure = await confirmation(conversation, class_id)
    real_replace = crud.replace_join_code
    theirs: list[str] = []

    def replaced_meanwhile(session, *, class_id: int, expected: str | None = None):  # type: ignore[no-untyped-def]
        # this tap has read the class (its code still the old one); the other tap's process
        # replaces the code just before this one writes
        assert session.get(TrainingClass, class_id).join_code == old
        with other_process.session() as their_session:
            found = real_replace(their_session, class_id=class_id, expected=expected)
            assert found is not None
            theirs.append(found[1])
        return real_replace(session, class_id=class_id, expected=expected)

    monkeypatch.setattr(class_handlers.crud, "replace_join_code", replaced_meanwhile)
    replies = await conversation.handle(press(MANAGER, sure))

    assert not any(isinstance(r, Edit) for r in replies)
    (notice,) = [r for r in replies if isinstance(r, Notice)]
    assert notice.alert
    assert notice.text == (
        "「英语三班」的加入码已经更换过了，这次没有再换。"
        f"现在的加入码是 {theirs[0]}，加入链接请看 /myclass。"
    )
    assert code_of(services, class_id) == theirs[0] and retired(services) == [old]


async def test_the_second_tap_is_refused_with_the_current_code(
    world: tuple[Conversation, Services, int],
) -> None:
    conversation, services, class_id = world
    old = code_of(services, class_id)
    sure = await confirmation(conversation, class_id)

    first = await conversation.handle(press(MANAGER, sure))
    second = await conversation.handle(press(MANAGER, sure))

    new = code_of(services, class_id)
    assert new != old and retired(services) == [old]
    (edit,) = [r for r in first if isinstance(r, Edit)]
    assert f"已更换为 <code>{new}</code>" in edit.text
    assert not any(isinstance(r, Edit) for r in second)
    (notice,) = [r for r in second if isinstance(r, Notice)]
    assert notice.alert and "已经更换过了" in notice.text and new in notice.text
    # a fresh confirmation (it shows the new code) replaces it again
    newest = await conversation.handle(press(MANAGER, await confirmation(conversation, class_id)))
    assert "已更换为" in text_of(newest) and code_of(services, class_id) not in (old, new)
    assert sorted(retired(services)) == sorted([old, new])


async def test_a_confirmation_shown_before_the_code_was_in_the_button_is_stale(
    world: tuple[Conversation, Services, int],
) -> None:
    conversation, services, class_id = world
    old = code_of(services, class_id)

    replies = await conversation.handle(press(MANAGER, f"cm:1:nk:{class_id}:0"))

    assert "这个按钮已失效，请重新发送 /myclass" in text_of(replies)
    assert code_of(services, class_id) == old and retired(services) == []
    # the join link of the unchanged code still joins
    joined = await conversation.handle(command(1001, f"/join https://t.me/guopei_bot?start={old}"))
    assert "已加入培训班「英语三班」" in text_of(joined)
