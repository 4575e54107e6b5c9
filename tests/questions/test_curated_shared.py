"""Curated answers are shared by every class, and say so (QA 6b H3): the manager is told before
and after saving that every class's trainees will see it; a trainee of another manager's class
reads whose answer it is (「📌 王芳老师的解答」); /curated lets a manager retire only their own
answers (others' are read-only, and a forged 停用 is refused), an admin any. Through the
conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Edit, Event, EventKind, Notice
from bot.db import crud
from bot.db.models import Role
from bot.db.question_models import CuratedAnswer
from handlers.ask import teacher_name
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

OTHER_MANAGER, OTHER_TRAINEE = 502, 1003
QUESTION = "结业证书丢了怎么补办"
ANSWER = "证书丢失可以联系项目办补打电子版,电话 010-12345678,工作日 9:00-17:00。"
SHARED = "保存后，所有培训班的学员问到类似问题，都会先看到这条回答"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat, with a second manager 陈刚 whose class has a trainee of its own."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        with opened.services.session() as session:
            crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="陈刚")
            crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
            other = crud.create_class(session, name="数学二班", manager_id=OTHER_MANAGER)
            crud.join_class(session, user_id=OTHER_TRAINEE, class_id=other.id)
        yield opened


async def say_as(chat: Chat, user_id: int, first_name: str, text: str) -> list:
    """A message from a user with a real name (the conftest names everyone 用户<id>)."""
    head, _, args = text.partition(" ")
    command = text.startswith("/")
    event = Event(
        kind=EventKind.command if command else EventKind.text,
        user_id=user_id,
        chat_id=user_id,
        first_name=first_name,
        text=text,
        command=head[1:] if command else "",
        args=args.strip() if command else "",
    )
    return await chat.conversation.handle(event)


async def press_as(chat: Chat, user_id: int, first_name: str, data: str) -> list:
    """A button press by a user with a real name."""
    event = Event(
        kind=EventKind.callback,
        user_id=user_id,
        chat_id=user_id,
        first_name=first_name,
        callback_id="cb",
        callback_data=data,
        message_id=5,
    )
    return await chat.conversation.handle(event)


async def saved_by_wang_fang(chat: Chat) -> list:
    """王芳 answers a trainee's handed-off question and is offered to save it; the offer."""
    declined = await chat.say(TRAINEE, QUESTION)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    ((_, buttons),) = chat.messenger.to(MANAGER)
    await say_as(chat, MANAGER, "王芳", "/unanswered")
    await press_as(chat, MANAGER, "王芳", buttons[0][0].data)
    return await say_as(chat, MANAGER, "王芳", ANSWER)


def curated_id(chat: Chat) -> int:
    with chat.services.session() as session:
        (row,) = session.exec(select(CuratedAnswer)).all()
        return row.id


async def test_saving_says_every_class_sees_it_and_whose_it_is(chat: Chat) -> None:
    offer = await saved_by_wang_fang(chat)
    assert f"{SHARED}，署名「王芳老师的解答」" in text_of(offer)
    assert "只适用于本班的回答" in text_of(offer)

    saved = await press_as(chat, MANAGER, "王芳", button(offer, "保存为标准答案"))

    edit = next(r for r in saved if isinstance(r, Edit))
    assert edit.text.startswith(f"⭐ 已保存为标准答案。{SHARED}，署名「王芳老师的解答」。")
    assert "/curated" in edit.text
    # A trainee of another manager's class, and someone in no class, read whose answer it is.
    for asker in (OTHER_TRAINEE, OTHER):
        text = text_of(await chat.say(asker, QUESTION))
        assert text.startswith(f"📌 <b>王芳老师的解答</b>\n{ANSWER}\n\n—— 班主任保存的标准答案")
        assert "班主任解答" not in text


async def test_clauses_after_a_curated_answer_are_the_notices_own(chat: Chat) -> None:
    question = "教师培训学分怎么审核认定？"  # a sure answer with clauses after it
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="陈刚")
    from bot.db import question_crud
    from handlers.ask import refresh_curated

    with chat.services.session() as session:
        question_crud.add_curated(
            session, question=question, answer="由县级以上教育行政部门审核认定。",
            created_by=OTHER_MANAGER,
        )
    refresh_curated(chat.services)

    text = text_of(await chat.say(TRAINEE, question))

    assert text.startswith("📌 <b>陈刚老师的解答</b>\n由县级以上教育行政部门审核认定。")
    assert "\n\n<i>通知里还有 " in text and " 条相关条款，点「更多 ▶」查看</i>" in text
    assert "逐条看全文" not in text


async def test_a_manager_retires_only_their_own_and_an_admin_any(chat: Chat) -> None:
    offer = await saved_by_wang_fang(chat)
    await press_as(chat, MANAGER, "王芳", button(offer, "保存为标准答案"))
    entry = curated_id(chat)

    # 陈刚 sees 王芳's answer, read-only: no 停用 button, and a note why.
    listing = await say_as(chat, OTHER_MANAGER, "陈刚", "/curated")
    text = text_of(listing)
    assert "所有培训班的学员提问时优先匹配" in text and QUESTION in text
    assert "王芳 · " in text and "保存（其他班主任保存，只读）" in text
    assert "您只能停用自己保存的" in text
    assert not any("停用" in b.text for b in buttons_of(listing))

    # A forged 停用 (or 确认停用) of it is refused with a clear toast, and changes nothing.
    for action in ("rt", "ok"):
        (refused,) = await press_as(chat, OTHER_MANAGER, "陈刚", f"kbc:1:{action}:{entry}:0")
        assert isinstance(refused, Notice) and refused.alert
        assert refused.text == (
            "这条标准答案是王芳保存的，只有本人或管理员可以停用。有误请联系对方或管理员。"
        )
    assert text_of(await chat.say(OTHER_TRAINEE, QUESTION)).startswith("📌 <b>王芳老师的解答</b>")

    # 王芳 has the button on her own answer; so has an admin, who retires it.
    own = await say_as(chat, MANAGER, "王芳", "/curated")
    assert "停用第 1 条" in str(buttons_of(own)) and "只读" not in text_of(own)
    admin = await chat.say(ADMIN, "/curated")
    assert "只读" not in text_of(admin)
    ask = await chat.press(ADMIN, button(admin, "停用第 1 条"))
    done = await chat.press(ADMIN, button(ask, "确认停用"))
    assert any(isinstance(r, Notice) and r.text == "已停用" for r in done)
    assert "的解答" not in text_of(await chat.say(OTHER_TRAINEE, QUESTION))


def test_teacher_names() -> None:
    assert teacher_name("王芳") == "王芳老师"
    assert teacher_name("王老师") == "王老师" and teacher_name("李班主任") == "李班主任"
    long = teacher_name("很" * 40)
    assert "…" in long and long.endswith("老师") and len(long) <= 22
