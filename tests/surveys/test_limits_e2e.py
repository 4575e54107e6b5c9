"""End to end (both engines, the real bot process, the fake Bot API server): a survey of 25
long questions with 250 answers and long-named members. /results lists the manager's ten
surveys a page at a time, and the big one, picked from the list, arrives whole: valid HTML
within 4,096 visible UTF-16 units, with its export, reminder and closing buttons, and its
chart. A trainee's /mysurveys
names the class."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from bot.db import survey_crud as scrud
from bot.db.models import utcnow
from bot.db.session import make_engine, upgrade
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length, visible_text
from tests.e2e.test_reminders import MANAGER
from tests.e2e.test_surveys import labels, message
from tests.surveys.limits_helpers import big_questions, html_problems, long_title, seed_big_survey

FIRST_MEMBER = 200_000  # 250 submitted, then 30 half-way, then 30 not started
HALF_WAY = FIRST_MEMBER + 250


def seed(data_dir: Path) -> int:
    """The big survey and nine small ones in the bot's database; returns the big one's id."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        big = seed_big_survey(
            session,
            manager_id=MANAGER,
            questions=big_questions(25),
            submitted=250,
            in_progress=30,
            not_started=30,
            first_user_id=FIRST_MEMBER,
        )
        class_id = scrud.get_survey(session, survey_id=big).class_id  # type: ignore[union-attr]
        for number in range(9):
            scrud.create_survey(
                session,
                class_id=class_id,
                template_key=f"small{number}",
                title=long_title(f"{number + 2:02d}"),
                description="",
                anonymous=False,
                created_by=MANAGER,
                closes_at=utcnow() + timedelta(days=3),
                nudge_at=None,
                questions=[{"kind": "likert5", "text": "总体", "options": []}],
            )
    engine.dispose()
    return big


def assert_telegram_takes(call) -> str:  # type: ignore[no-untyped-def]
    """The call was answered 200 and Telegram would have taken it too; its visible text."""
    assert call.ok, call.short()
    text = call.params["text"]
    assert not html_problems(text), html_problems(text)
    assert visible_length(text) <= MAX_MESSAGE_UNITS, visible_length(text)
    assert len(call.buttons) <= MAX_BUTTONS
    return visible_text(text)


def test_big_survey_results_and_picker(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    big = seed(data_dir)
    start_bot()

    # the picker: ten surveys, eight to a page, ▶ to the rest
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/results")
    picker = tg.wait_for(
        method="sendMessage", chat_id=MANAGER, text_contains="问卷结果", after=mark, timeout=15
    )
    shown = assert_telegram_takes(picker)
    assert "共 10 份" in shown and "第 1/2 页" in shown and "/results 编号" in shown
    first_page = [
        label for label in labels(message(tg, MANAGER, picker.message_id)) if "#" in label
    ]
    assert len(first_page) == 8 and f"#{big} " not in " ".join(first_page)
    mark = tg.mark()
    tg.press_button(
        user_id=MANAGER,
        message_id=picker.message_id,
        data=labels(message(tg, MANAGER, picker.message_id))["下一页 ▶"],
    )
    page = tg.wait_for(
        method="editMessageText",
        chat_id=MANAGER,
        text_contains="第 2/2 页",
        after=mark,
        timeout=15,
    )
    assert_telegram_takes(page)
    big_button = next(
        data
        for label, data in labels(message(tg, MANAGER, picker.message_id)).items()
        if label.startswith(f"#{big} ")
    )

    # the big survey's results, from the list: the whole message arrives, with its buttons
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=picker.message_id, data=big_button)
    results = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="回收率", after=mark, timeout=20
    )
    shown = assert_telegram_takes(results)
    assert "（250/310）" in shown and "其余见导出文件" in shown and "填写中：" in shown
    buttons = labels(message(tg, MANAGER, picker.message_id))
    for wanted in ("📥 XLSX", "📥 CSV", "🔔 提醒未提交的学员", "⏹ 结束问卷"):
        assert wanted in buttons, buttons
    assert visible_length(results.params["text"]) > 3_000  # as much as fits

    tg.wait_for(method="sendPhoto", ok=True, chat_id=MANAGER, after=mark, timeout=30)  # the chart

    # a trainee half-way: /mysurveys names the class of each open survey
    mark = tg.mark()
    tg.send_text(user_id=HALF_WAY, text="/mysurveys")
    mine = tg.wait_for(
        method="sendMessage", chat_id=HALF_WAY, text_contains="我的问卷", after=mark, timeout=15
    )
    shown = assert_telegram_takes(mine)
    assert long_title(f"{FIRST_MEMBER}班") in shown and "✏️ 填写中" in shown
    assert len(mine.buttons) == 10  # ten open surveys to fill in
