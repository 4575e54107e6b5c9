"""End to end (both engines, the real bot process, the fake Bot API server): a trainee who left
the class mid-survey presses the next answer on their old sheet and is told 「您已不在「语文一班」
里,这份问卷不再需要填写。」 (nothing stored); /results names the three addressees and says
「已退出 1 人（未提交，不计入回收率）」, the rate being 1/2; 🔄 刷新 with nothing new sends no
second chart; two quick 📥 XLSX taps send one file and answer the second 「文件已发送」; the
chart module is warmed up once a manager sends /results (not at start-up)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from bot.db.session import make_engine
from bot.db.survey_models import SurveyAnswer
from tests.e2e.test_reminders import MANAGER
from tests.e2e.test_surveys import labels, message
from tests.surveys import seeding

TRAINEES = [5001, 5002, 5003]
GONE = "您已不在「语文一班」里，这份问卷不再需要填写。"


def seed_survey(data_dir: Path) -> int:
    return seeding.seed_survey(
        data_dir,
        class_name="语文一班",
        trainees=TRAINEES,
        title="专题反馈",
        anonymous=False,
        questions=[seeding.DIFFICULTY, seeding.OVERALL],
    )


def answers_in_db(data_dir: Path) -> int:
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        count = session.execute(select(func.count()).select_from(SurveyAnswer)).scalar_one()
    engine.dispose()
    return count


def reply(tg, user: int, text: str, needle: str):  # type: ignore[no-untyped-def]
    mark = tg.mark()
    tg.send_text(user_id=user, text=text)
    return tg.wait_for(
        method="sendMessage", ok=True, chat_id=user, text_contains=needle, after=mark, timeout=20
    )


def press(tg, user: int, message_id: int, label: str, needle: str, shows: str = ""):  # type: ignore[no-untyped-def]
    """Press the button labelled `label` (else the first whose label contains it); wait for
    the toast containing `needle` and until the message shows `shows`."""
    found = labels(message(tg, user, message_id))
    data = found.get(label) or next(d for text, d in found.items() if label in text)
    mark = tg.mark()
    tg.press_button(user_id=user, message_id=message_id, data=data)
    toast = tg.wait_for(
        method="answerCallbackQuery",
        after=mark,
        timeout=20,
        predicate=lambda c: needle in str(c.params.get("text", "")),
    )
    tg.wait_until(lambda t: shows in str(message(t, user, message_id)), timeout=20)
    return toast


def test_left_member_refused_results_refresh_and_export(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    survey_id = seed_survey(data_dir)
    bot = start_bot()
    leaver, submitter, _ = TRAINEES

    # both open the survey from /mysurveys; the leaver answers question 1, then leaves
    sheets = {}
    for user in (leaver, submitter):
        listed = reply(tg, user, "/mysurveys", "专题反馈")
        sheets[user] = listed.message_id
        press(tg, user, listed.message_id, "开始", "开始填写", shows="1/2")
    press(tg, leaver, sheets[leaver], "适中", "已记录", shows="2/2")
    press(tg, submitter, sheets[submitter], "偏难", "已记录", shows="2/2")
    press(tg, submitter, sheets[submitter], "满意", "已记录", shows="请核对")
    press(tg, submitter, sheets[submitter], "提交", "提交成功", shows="已提交")
    stored = answers_in_db(data_dir)
    classes = reply(tg, leaver, "/myclass", "语文一班")
    press(tg, leaver, classes.message_id, "退出", "", shows="确定退出")
    press(tg, leaver, classes.message_id, "确定退出", "", shows="已退出")

    # the old sheet's next answer: refused saying why, the buttons gone, nothing stored
    toast = press(tg, leaver, sheets[leaver], "非常满意", GONE, shows=GONE)
    assert toast.params.get("show_alert") in (True, "true", "True")
    assert not labels(message(tg, leaver, sheets[leaver]))
    assert answers_in_db(data_dir) == stored
    assert "refused survey callback" not in bot.log()

    # the manager: three addressees, one of them left without submitting (out of the 回收率);
    # one chart
    mark = tg.mark()
    results = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    assert "（1/2）" in results.text, results.text
    assert "已退出 1 人（未提交，不计入回收率）" in results.text, results.text
    tg.wait_for(method="sendPhoto", ok=True, chat_id=MANAGER, after=mark, timeout=30)
    # 🔄 刷新 with nothing new: no second chart (the /help after it is answered after it)
    mark = tg.mark()
    press(tg, MANAGER, results.message_id, "刷新", "数据没有变化")
    reply(tg, MANAGER, "/help", "/results")
    assert not [c for c in tg.calls()[mark:] if c.method == "sendPhoto"]

    # two quick 📥 XLSX taps: one file; the second tap's toast says it was sent
    xlsx = labels(message(tg, MANAGER, results.message_id))["📥 XLSX"]
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=results.message_id, data=xlsx)
    tg.press_button(user_id=MANAGER, message_id=results.message_id, data=xlsx)
    tg.wait_for(
        method="answerCallbackQuery",
        after=mark,
        timeout=30,
        predicate=lambda c: c.params.get("text") == "文件已发送",
    )
    reply(tg, MANAGER, "/help", "/results")
    documents = [c for c in tg.calls()[mark:] if c.method == "sendDocument"]
    assert len(documents) == 1 and documents[0].ok

    # /results without a number warms the chart module up in the background (once)
    assert "survey chart warmed up" not in bot.log()
    reply(tg, MANAGER, "/results", "回收率")
    tg.wait_until(lambda _t: "survey chart warmed up" in bot.log(), timeout=30)
