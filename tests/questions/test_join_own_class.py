"""A class manager who opens their own class's join link (or sends /join with its code) is
not added to it: as a member they would receive their own broadcasts and count among their
survey's addressees. They are shown the link for their trainees; nothing changes. A manager
who joined before this check is told how to leave; a manager joining another's class, and a
former manager joining their old class as a trainee, still join."""

from __future__ import annotations

from bot.db import crud
from bot.db.models import Role, TrainingClass
from bot.db.reminder_crud import recipient_counts
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, text_of

OTHER_MANAGER = 502


def own_class(chat) -> TrainingClass:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        return training_class


def member_ids(chat, class_id: int) -> set[int]:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        return set(crud.iter_member_ids(session, class_id=class_id, include_blocked=True))


def receiving(chat, class_id: int) -> int:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        return recipient_counts(session, class_id=class_id)[0]


async def test_a_manager_is_not_added_to_their_own_class(chat) -> None:
    training_class = own_class(chat)
    code = training_class.join_code
    link = f"https://t.me/{chat.services.bot_username}?start={code}"
    for attempt in (f"/join {code}", f"/start {code}", f"/join {code.lower()}"):
        refusal = text_of(await chat.say(MANAGER, attempt))
        assert "这是您管理的班（语文一班），无需加入；学员用这个链接加入" in refusal, refusal
        assert link in refusal and f"/join {code}" in refusal
        assert "已加入" not in refusal and "⚠️" not in refusal
    assert member_ids(chat, training_class.id) == {TRAINEE}
    assert receiving(chat, training_class.id) == 1  # what /broadcast would count
    assert "我加入的培训班" not in text_of(await chat.say(MANAGER, "/myclass"))


async def test_an_admin_running_a_class_is_refused_too(chat) -> None:
    with chat.services.session() as session:
        mine = crud.create_class(session, name="管理员的班", manager_id=ADMIN)
    refusal = text_of(await chat.say(ADMIN, f"/join {mine.join_code}"))
    assert "这是您管理的班（管理员的班），无需加入" in refusal
    assert member_ids(chat, mine.id) == set()


async def test_a_manager_who_joined_before_is_told_how_to_leave(chat) -> None:
    training_class = own_class(chat)
    with chat.services.session() as session:  # joined before the check existed
        crud.join_class(session, user_id=MANAGER, class_id=training_class.id)
    refusal = text_of(await chat.say(MANAGER, f"/join {training_class.join_code}"))
    assert "无需加入" in refusal
    assert "您之前已经作为学员加入了这个班" in refusal and "/myclass" in refusal
    assert member_ids(chat, training_class.id) == {TRAINEE, MANAGER}  # unchanged by /join

    # the way out it names works
    listing = await chat.say(MANAGER, "/myclass")
    leave = next(b.data for r in listing for row in r.buttons for b in row if "🚪 退出" in b.text)
    confirm = await chat.press(MANAGER, leave)
    bye = next(b.data for r in confirm for row in r.buttons for b in row if "确定退出" in b.text)
    assert "已退出" in text_of(await chat.press(MANAGER, bye))
    assert member_ids(chat, training_class.id) == {TRAINEE}


async def test_other_classes_and_former_managers_still_join(chat) -> None:
    training_class = own_class(chat)
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=OTHER_MANAGER, first_name="张老师")
        crud.set_role(session, user_id=OTHER_MANAGER, role=Role.manager)
    # another manager's class: a manager may take part in it like a trainee
    joined = text_of(await chat.say(OTHER_MANAGER, f"/join {training_class.join_code}"))
    assert "✅ 已加入培训班「语文一班」" in joined
    # a manager removed with /removemanager keeps the class row, but no longer runs it
    with chat.services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.trainee)
    joined = text_of(await chat.say(MANAGER, f"/join {training_class.join_code}"))
    assert "✅ 已加入培训班「语文一班」" in joined
    assert member_ids(chat, training_class.id) == {TRAINEE, OTHER_MANAGER, MANAGER}
