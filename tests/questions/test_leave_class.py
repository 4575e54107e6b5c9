"""A trainee sees each class with its manager (two managers' classes may share a name) and can
leave one, after a confirmation; nobody else can take them out."""

from __future__ import annotations

from bot.chat import Edit
from bot.db import crud
from bot.db.models import Role
from tests.questions.conftest import OTHER, TRAINEE, button, text_of


async def test_a_trainee_tells_same_named_classes_apart_and_leaves_one(chat):
    with chat.services.session() as session:
        crud.set_role(session, user_id=502, role=Role.manager)
        crud.upsert_user(session, user_id=502, first_name="王", last_name="老师")
        first = crud.classes_of_member(session, user_id=TRAINEE)[0]
        twin = crud.create_class(session, name=first.name, manager_id=502)
        crud.join_class(session, user_id=TRAINEE, class_id=twin.id)

    listing = await chat.say(TRAINEE, "/myclass")
    assert f"{first.name} · 班主任 王 老师" in text_of(listing)

    leave = [b.data for row in listing[0].buttons for b in row if "退出" in b.text][1]
    assert (await chat.press(OTHER, leave))[0].alert  # not in that class: refused
    asked = await chat.press(TRAINEE, leave)
    assert "确定退出" in text_of(asked) and "王 老师" in text_of(asked)
    with chat.services.session() as session:  # nothing changes before the confirmation
        assert len(crud.classes_of_member(session, user_id=TRAINEE)) == 2

    done = await chat.press(TRAINEE, button(asked, "确定退出"))

    assert any(isinstance(r, Edit) and "已退出" in r.text for r in done)
    with chat.services.session() as session:
        assert [c.id for c in crud.classes_of_member(session, user_id=TRAINEE)] == [first.id]
    again = await chat.press(TRAINEE, button(asked, "确定退出"))
    assert "已经不在" in text_of(again)


async def test_a_manager_removes_a_member_after_a_confirmation(chat):
    from tests.questions.conftest import MANAGER

    listing = await chat.say(MANAGER, "/myclass")
    members = await chat.press(MANAGER, button(listing, "成员"))
    assert "小李" in text_of(members)
    assert (await chat.press(OTHER, button(listing, "成员")))[0].alert  # trainees may not
    asked = await chat.press(MANAGER, button(members, "移出 1."))
    assert "确定把 小李 移出" in text_of(asked)
    with chat.services.session() as session:
        assert crud.classes_of_member(session, user_id=TRAINEE)

    done = await chat.press(MANAGER, button(asked, "确定移出"))

    assert "已把 小李 移出" in text_of(done) and "（0 人）" in text_of(done)
    with chat.services.session() as session:
        assert crud.classes_of_member(session, user_id=TRAINEE) == []
    assert "移出培训班" in chat.messenger.to(TRAINEE)[-1][0]
    again = await chat.press(MANAGER, button(asked, "确定移出"))
    assert "已经不在" in text_of(again)
