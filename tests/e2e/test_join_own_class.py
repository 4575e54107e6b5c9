"""End to end, both engines: a class manager who opens their own class's join link is told
it is their class and shown the link for trainees; they are not added, so /broadcast still
counts the trainees only; a trainee's link still joins."""

from __future__ import annotations

from sqlmodel import Session

from bot.db.models import TrainingClass
from bot.db.session import make_engine
from tests.e2e.test_reminders import MANAGER, seed_class

MEMBERS = [4001, 4002]
NEWCOMER = 4003


def join_code(data_dir, class_id: int) -> str:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        code = session.get(TrainingClass, class_id).join_code
    engine.dispose()
    return code


def test_a_manager_opening_their_own_link_is_not_a_member(start_bot, fake_telegram, data_dir):
    tg = fake_telegram
    class_id = seed_class(data_dir, "测试一班", MEMBERS)
    code = join_code(data_dir, class_id)
    start_bot()

    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/start {code}")  # the deep link
    refusal = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    assert "这是您管理的班（测试一班），无需加入；学员用这个链接加入" in refusal.text
    assert f"?start={code}" in refusal.text and "已加入" not in refusal.text

    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/join {code}")
    refusal = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    assert "无需加入" in refusal.text

    # a trainee's link still joins; /broadcast counts the three trainees, not the manager
    mark = tg.mark()
    tg.send_text(user_id=NEWCOMER, text=f"/start {code}")
    tg.wait_for(
        method="sendMessage", ok=True, chat_id=NEWCOMER, text_contains="已加入培训班", after=mark
    )
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast 明天8点集合")
    confirm = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    assert "测试一班（3 人）" in confirm.text
