"""End to end (both engines, the real bot process, the fake Bot API server): a manager who runs
105 classes, more than the 100 buttons Telegram shows in a message, pages the class pickers of
/broadcast, /remind and /survey to the last page and picks the 105th class there; the
broadcast, the reminder and the survey invitation reach that class's trainee and nobody else.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from bot.db import crud
from bot.db.models import Membership, Role, User
from bot.db.session import make_engine, upgrade
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from handlers.class_names import CLASSES_PER_PAGE
from tests.e2e.test_reminders import MANAGER, SHIFT

CLASSES = 105
PAGES = -(-CLASSES // CLASSES_PER_PAGE)
NAME = "2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班第{}期"
LAST = f"第{CLASSES}期"
TRAINEE = 5000  # trainee 5000 + N is the one member of class N


def seed_classes(data_dir: Path) -> None:
    """The manager's CLASSES classes of long names that differ at the end, one trainee each."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        for number in range(1, CLASSES + 1):
            training_class = crud.create_class(
                session, name=NAME.format(number), manager_id=MANAGER
            )
            session.add(User(id=TRAINEE + number, first_name=f"学员{number}"))
            session.add(Membership(class_id=training_class.id, user_id=TRAINEE + number))
        session.commit()
    engine.dispose()


def shown(call) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The buttons of a message Telegram took, by label."""
    assert call.ok and visible_length(call.text) <= MAX_MESSAGE_UNITS
    assert len(call.buttons) <= MAX_BUTTONS
    assert all(len(data.encode()) <= 64 for _, data in call.buttons)
    return dict(call.buttons)


def the_last_class(tg, message_id: int, picker, question: str) -> str:  # type: ignore[no-untyped-def]
    """Page the picker (showing page 1) to its last page; the callback data of class 105."""
    assert f"第 1/{PAGES} 页，共 {CLASSES} 个班" in picker.text, picker.text
    buttons = shown(picker)
    assert "◀ 上一页" not in buttons
    for page in range(2, PAGES + 1):
        classes = [label for label in buttons if "期" in label]
        assert len(classes) == CLASSES_PER_PAGE, classes
        mark = tg.mark()
        tg.press_button(user_id=MANAGER, message_id=message_id, data=buttons["下一页 ▶"])
        picker = tg.wait_for(
            method="editMessageText",
            chat_id=MANAGER,
            text_contains=f"第 {page}/{PAGES} 页",
            after=mark,
            timeout=15,
        )
        assert question in picker.text
        buttons = shown(picker)
        assert "◀ 上一页" in buttons
    assert "下一页 ▶" not in buttons
    return next(data for label, data in buttons.items() if LAST in label)


def received(tg, needle: str) -> set[int]:  # type: ignore[no-untyped-def]
    """The chats other than the manager's that got a message containing `needle`."""
    return {
        c.chat_id
        for c in tg.calls(method="sendMessage", ok=True)
        if needle in (c.text or "") and c.chat_id != MANAGER
    }


def test_the_105th_class_is_picked_on_the_last_page(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    seed_classes(data_dir)
    bot = start_bot(extra_env={"GUOPEI_TEST_REMINDER_SHIFT_SECONDS": str(SHIFT)})
    last_trainee = TRAINEE + CLASSES

    # /broadcast → the last page → class 105 → 确认发送 → its trainee gets it
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast 周五下午三点交研修日志")
    picker = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="请选择要发给哪个培训班", after=mark
    )
    pick = the_last_class(tg, picker.message_id, picker, "周五下午三点交研修日志")
    tg.press_button(user_id=MANAGER, message_id=picker.message_id, data=pick)
    confirm = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    assert f"{LAST}（1 人）" in confirm.text
    tg.press_button(
        user_id=MANAGER, message_id=picker.message_id, data=shown(confirm)["✅ 确认发送"]
    )
    tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=last_trainee,
        text_contains="周五下午三点交研修日志",
        timeout=20,
    )

    # /remind → the last page → class 105 → ✅ 确认 → it fires for its trainee
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/remind 1分钟后 提交第二单元作业")
    picker = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="请选择要提醒的培训班", after=mark
    )
    pick = the_last_class(tg, picker.message_id, picker, "提交第二单元作业")
    tg.press_button(user_id=MANAGER, message_id=picker.message_id, data=pick)
    confirm = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="确认后按时发给", after=mark
    )
    assert f"班级：{NAME.format(CLASSES)}" in confirm.text
    tg.press_button(user_id=MANAGER, message_id=picker.message_id, data=shown(confirm)["✅ 确认"])
    tg.wait_for(method="editMessageText", chat_id=MANAGER, text_contains="提醒已设置", after=mark)
    tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=last_trainee,
        text_contains="提交第二单元作业",
        timeout=30,
    )

    # /survey → template → the last page → class 105 → 3天后截止 → 确认发送 → the invitation
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/survey")
    templates = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="第 1 步", after=mark
    )
    template = next(data for label, data in templates.buttons if "专题课程反馈" in label)
    tg.press_button(user_id=MANAGER, message_id=templates.message_id, data=template)
    picker = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="第 2 步", after=mark
    )
    pick = the_last_class(tg, templates.message_id, picker, "第 2 步")
    tg.press_button(user_id=MANAGER, message_id=templates.message_id, data=pick)
    closing = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="第 3 步", after=mark
    )
    assert NAME.format(CLASSES) in closing.text
    tg.press_button(
        user_id=MANAGER, message_id=templates.message_id, data=shown(closing)["3天后截止"]
    )
    confirm = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="确认发送问卷", after=mark
    )
    assert f"班级：{NAME.format(CLASSES)}（1 人）" in confirm.text
    tg.press_button(
        user_id=MANAGER, message_id=templates.message_id, data=shown(confirm)["✅ 确认发送"]
    )
    tg.wait_for(method="editMessageText", chat_id=MANAGER, text_contains="已向", after=mark)
    tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=last_trainee,
        text_contains="专题课程反馈",
        timeout=20,
    )

    tg.wait_idle()
    assert received(tg, "周五下午三点交研修日志") == {last_trainee}
    assert received(tg, "提交第二单元作业") == {last_trainee}
    assert received(tg, "专题课程反馈") == {last_trainee}
    assert [c.short() for c in tg.calls() if c.method != "getUpdates" and not c.ok] == []
    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
