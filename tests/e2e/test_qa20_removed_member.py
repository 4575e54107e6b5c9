"""QA20 F5, end to end on both engines through the fake Bot API server: a trainee the manager
removed (/myclass → 👥 成员 → 移出 → 确定移出) cannot rejoin with the same link or code: they are
told to ask the manager and are not added, also after a restart (the removal is in the
database); the manager is told of the first try only, with a button. The manager's 「↩️ 允许…
重新加入」 (there or in 👥 成员) lets them back (they are told, with the link), and
「🔄 更换加入码」 gives the class a new code: the old one says it expired, the new one joins.
Revision 0014_class_removals on both databases: members kept, removals and codes recorded,
downgraded on its own branch."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from bot.db import crud
from bot.db.models import Membership, TrainingClass, User
from bot.db.session import alembic_config, make_engine, upgrade
from tests.migrations import upgrade_all_but

ADMIN, MANAGER, REMOVED, STAYS, NEWCOMER = 900, 501, 1001, 1002, 1003
REFUSAL = "您已被班主任移出「英语三班」，如需重新加入请联系班主任"


def test_a_removed_trainee_stays_out_until_the_manager_lets_them_back(
    start_bot, fake_telegram
) -> None:
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 英语三班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    tg.say(REMOVED, f"/start {code}", "已加入培训班", first_name="李老师")
    tg.say(STAYS, f"/start {code}", "已加入培训班", first_name="王老师")

    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    members = tg.tap(MANAGER, listing, "成员", "的成员（2 人）")
    asked = tg.tap(MANAGER, members, "移出 1.", "确定把 李老师 移出")
    assert "也不能再用加入码回来" in asked.text
    mark = tg.mark()
    done = tg.tap(MANAGER, asked, "确定移出", "已把 李老师 移出")
    assert "的成员（1 人）" in done.text and "已移出（不能用加入码回来）：李老师" in done.text
    told = tg.wait_for(method="sendMessage", chat_id=REMOVED, after=mark)
    assert "您已被班主任移出培训班「英语三班」" in told.text

    # the same link is refused, and the manager is told once, with the button that lets them in
    mark = tg.mark()
    refused = tg.say(REMOVED, f"/start {code}", "移出", first_name="李老师")
    assert REFUSAL in refused.text and "我已把您想重新加入的事转告班主任" in refused.text
    (notice,) = tg.calls(method="sendMessage", chat_id=MANAGER, after=mark)
    assert "李老师 想重新加入「英语三班」。您之前把 TA 移出了" in notice.text
    # the code by hand is refused too, without telling the manager again; nothing changes
    mark = tg.mark()
    refused = tg.say(REMOVED, f"/join {code.lower()}", "移出", first_name="李老师")
    assert REFUSAL in refused.text and "已加入" not in refused.text and "转告" not in refused.text
    again = tg.say(MANAGER, "/myclass", "我管理的培训班")
    assert "英语三班（1 人）" in again.text
    assert tg.calls(method="sendMessage", chat_id=MANAGER, after=mark) == [again]

    # the removal survives a restart
    bot.stop()
    start_bot(admin_ids=str(ADMIN))
    assert REFUSAL in tg.say(REMOVED, f"/start {code}", "移出", first_name="李老师").text

    # 👥 成员 offers to let them back; so does the notice: they are told, with the link
    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    members = tg.tap(MANAGER, listing, "成员", "的成员（1 人）")
    assert members.data_of("允许 李老师 重新加入") == notice.data_of("允许 李老师 重新加入")
    mark = tg.mark()
    allowed = tg.tap(MANAGER, notice, "允许 李老师 重新加入", "已允许 李老师 重新加入")
    assert "已通知 TA" in allowed.text and "已移出" not in allowed.text
    invite = tg.wait_for(method="sendMessage", chat_id=REMOVED, after=mark)
    assert "班主任已允许您重新加入培训班「英语三班」" in invite.text and code in invite.text
    tg.say(REMOVED, f"/start {code}", "已加入培训班「英语三班」", first_name="李老师")


def test_a_replaced_join_code_says_it_expired_and_the_new_one_joins(
    start_bot, fake_telegram
) -> None:
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))

    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 英语三班", "已创建培训班")
    old = re.search(r"start=([A-Z0-9]{8})", created.text).group(1)
    tg.say(STAYS, f"/start {old}", "已加入培训班")

    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    members = tg.tap(MANAGER, listing, "成员", "的成员（1 人）")
    asked = tg.tap(MANAGER, members, "更换加入码", "确定更换「英语三班」的加入码吗")
    assert old in asked.text and "已经在班里的学员不受影响" in asked.text
    done = tg.tap(MANAGER, asked, "确定更换", "的加入码已更换为")
    new = re.search(r"start=([A-Z0-9]{8})", done.text).group(1)
    assert new != old and f"旧加入码 {old} 已失效" in done.text

    expired = tg.say(NEWCOMER, f"/start {old}", "已过期")
    assert "班主任更换了「英语三班」的加入码" in expired.text and "已加入" not in expired.text
    tg.say(NEWCOMER, f"/join {new}", "已加入培训班「英语三班」")
    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    assert "英语三班（2 人）" in listing.text and new in listing.text and old not in listing.text


# ----- revision 0014_class_removals ----------------------------------------------------------

REVISION, BEFORE = "0014_class_removals", "0001_core"


@pytest.fixture
def old_db(database_url: str) -> Iterator[Engine]:
    """Every other feature at its head, the classes' branch just before this revision."""
    engine = make_engine(database_url)
    upgrade_all_but(engine, branch_of=REVISION, to=BEFORE)
    yield engine
    engine.dispose()


def test_the_revision_keeps_members_and_records_removals_and_codes(old_db: Engine) -> None:
    assert not {"class_removals", "retired_join_codes"} & set(inspect(old_db).get_table_names())
    with Session(old_db) as session:
        session.add(User(id=MANAGER, first_name="张老师", role="manager"))
        session.add_all(User(id=u, first_name=f"学员{u}") for u in (REMOVED, STAYS))
        session.flush()
        session.add(TrainingClass(id=7, name="英语三班", manager_id=MANAGER, join_code="ABCDEFGH"))
        session.flush()
        session.add_all(Membership(class_id=7, user_id=u) for u in (REMOVED, STAYS))
        session.commit()

    upgrade(old_db)

    with Session(old_db) as session:
        assert crud.count_members(session, class_id=7) == 2
        assert not crud.was_removed(session, user_id=REMOVED, class_id=7)
        assert crud.remove_from_class(session, user_id=REMOVED, class_id=7, removed_by=MANAGER)
        assert crud.was_removed(session, user_id=REMOVED, class_id=7)
        assert crud.refuse_rejoin(session, user_id=REMOVED, class_id=7) is True  # first try
        assert crud.refuse_rejoin(session, user_id=REMOVED, class_id=7) is False
        assert crud.refuse_rejoin(session, user_id=STAYS, class_id=7) is None
        assert crud.removed_members(session, class_id=7, limit=5)[0] == 1
        assert crud.replace_join_code(session, class_id=7)[0] == "ABCDEFGH"
        found = crud.find_retired_code(session, code="abcdefgh")
        assert found is not None and found.id == 7
        assert crud.find_class_by_code(session, code="ABCDEFGH") is None
        assert crud.allow_rejoin(session, user_id=REMOVED, class_id=7)
        assert not crud.was_removed(session, user_id=REMOVED, class_id=7)
        crud.remove_from_class(session, user_id=STAYS, class_id=7, removed_by=MANAGER)

    command.downgrade(alembic_config(old_db), f"{REVISION}@-1")
    tables = set(inspect(old_db).get_table_names())
    assert not {"class_removals", "retired_join_codes"} & tables and "memberships" in tables
    assert {"reminders", "question_logs", "surveys"} <= tables
