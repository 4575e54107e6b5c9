"""The manager's side in-process: typed closing time, double-tapped 确认发送, /results access,
exports as documents, reminders to non-respondents (button and automatic nudge), template
upload, /mysurveys."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bot.chat import Event, EventKind
from bot.db.models import Role, utcnow
from bot.db.survey_models import Survey
from handlers.routing import Context
from handlers.survey_results import nudge_due
from handlers.surveys import handle_template_upload
from tests.surveys.helpers import (
    SurveyEnv,
    button_data,
    buttons,
    files,
    first_text,
    notice,
)

MANAGER = 500
OTHER_MANAGER = 600
TRAINEES = [1001, 1002, 1003, 1004]


def test_typed_closing_time_and_double_confirm(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    env.command(MANAGER, "/survey")
    env.press(MANAGER, "sm:1:t:guopei_satisfaction")
    env.press(MANAGER, f"sm:1:c:guopei_satisfaction:{class_id}")
    asked = env.press(MANAGER, f"sm:1:w:guopei_satisfaction:{class_id}")
    assert "请发送截止时间" in first_text(asked)
    assert "没看懂" in first_text(env.text(MANAGER, "随便什么时候"))
    assert "重复" in first_text(env.text(MANAGER, "每天9点"))
    confirm = env.text(MANAGER, "5天后18:00")
    assert "确认发送问卷" in first_text(confirm) and "18:00" in first_text(confirm)
    ok = button_data(confirm, "确认发送")
    first = env.press(MANAGER, ok)
    assert "已向" in first_text(first) and "4 名学员" in first_text(first)
    again = env.press(MANAGER, ok)  # a double tap sends nothing twice
    assert "已经发送过" in notice(again).text
    assert len(env.delivered) == 1
    with env.services.session() as session:
        assert session.execute(select(func.count()).select_from(Survey)).scalar_one() == 1
        survey = session.execute(select(Survey)).scalar_one()
    assert survey.nudge_at is not None and survey.nudge_at < survey.closes_at
    # a class of another manager, and a template that is not there, are refused
    env.manager(OTHER_MANAGER)
    foreign = env.press(OTHER_MANAGER, f"sm:1:c:guopei_satisfaction:{class_id}")
    assert "不归您管理" in notice(foreign).text
    assert "不存在" in notice(env.press(MANAGER, "sm:1:t:nope")).text


def test_results_exports_and_reminders(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    # three trainees submit (an anonymous survey shows its figures from 3 on), one is half-way
    for user in TRAINEES[:3]:
        page = env.press(user, f"sv:1:s:{survey_id}", message_id=user)
        for label in ["非常满意", "满意", "满意", "一般", "满意", "非常满意"]:
            page = env.press(user, button_data(page, label), message_id=user)
        page = env.press(user, button_data(page, "跳过"), message_id=user)
        assert "已提交" in first_text(env.press(user, button_data(page, "提交"), message_id=user))
    page = env.press(TRAINEES[3], f"sv:1:s:{survey_id}", message_id=9)
    env.press(TRAINEES[3], button_data(page, "满意"), message_id=9)

    # open, one member still answering: the three sheets are held back (QA20 F4: the fourth
    # would be read off the change)
    results = env.command(MANAGER, f"/results {survey_id}")
    text = first_text(results)
    assert "75.0%" in text and "（3/4）" in text
    assert "已提交 3 · 填写中 1 · 未开始 0" in text
    assert "目前已提交 3 份" in text and "满意率" not in text and not files(results)

    # nobody else may read or export it
    env.manager(OTHER_MANAGER)
    assert "不属于您" in first_text(env.command(OTHER_MANAGER, f"/results {survey_id}"))
    assert "不属于您" in notice(env.press(OTHER_MANAGER, f"sr:1:x:{survey_id}")).text
    assert "班主任" in first_text(env.command(TRAINEES[0], f"/results {survey_id}"))

    # remind non-respondents: the half-way one
    env.delivered.clear()
    reminded = env.press(MANAGER, f"sr:1:n:{survey_id}")
    assert "已提醒 1 名" in first_text(reminded)
    assert sorted(env.delivered[0]["recipient_ids"]) == TRAINEES[3:]
    assert "刚刚已经提醒过" in notice(env.press(MANAGER, f"sr:1:n:{survey_id}")).text
    assert len(env.delivered) == 1

    # the automatic nudge: once, when due
    assert asyncio.run(nudge_due(env.services)) == 0
    with env.services.session() as session:
        session.execute(update(Survey).values(nudge_at=utcnow() - timedelta(minutes=1)))
        session.commit()
    assert asyncio.run(nudge_due(env.services)) == 1
    assert asyncio.run(nudge_due(env.services)) == 0
    assert sorted(env.delivered[-1]["recipient_ids"]) == TRAINEES[3:]
    assert "截止" in env.delivered[-1]["text"]

    # /mysurveys for a trainee half-way, and after the survey is closed
    mine = env.command(TRAINEES[3], "/mysurveys")
    assert "填写中" in first_text(mine) and any("继续" in t for t, _ in buttons(mine))
    only = env.command(MANAGER, "/results")  # the manager's only survey: shown at once
    assert f"（#{survey_id}）" in first_text(only) and "请选择" not in first_text(only)
    closing = env.press(MANAGER, f"sr:1:z:{survey_id}")
    assert "确定" in first_text(closing)
    env.press(MANAGER, f"sr:1:zz:{survey_id}")
    mine = first_text(env.command(TRAINEES[3], "/mysurveys"))  # ended part-way: said so (L5)
    assert "目前没有" in mine and "已结束，未提交" in mine, mine
    closed = env.press(TRAINEES[3], f"sv:1:s:{survey_id}", message_id=5)
    assert "截止" in notice(closed).text
    assert "已截止" in notice(env.press(MANAGER, f"sr:1:n:{survey_id}")).text

    # closed: every sheet counts
    results = env.command(MANAGER, f"/results {survey_id}")
    text = first_text(results)
    assert "（3/4）" in text
    assert "满意率 100.0%" in text  # q1: 非常满意 ×3
    assert "总体满意率（第 6 题）：<b>100.0%</b>" in text  # 总体满意度: 非常满意 ×3
    assert "各题平均满意率：83.3%（6 道满意度题）" in text  # 15 of 18 satisfied answers
    assert "学员" not in text  # anonymous: no names anywhere
    chart = files(results)
    assert chart and chart[0].as_photo and chart[0].content[:4] == b"\x89PNG"

    # exports as documents
    xlsx = files(env.press(MANAGER, f"sr:1:x:{survey_id}"))[0]
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True)["明细"]
    assert len(list(sheet.iter_rows(values_only=True))) == 4
    csv_file = files(env.press(MANAGER, f"sr:1:c:{survey_id}"))[0]
    assert csv_file.filename.endswith(".csv") and "满意" in csv_file.content.decode("utf-8-sig")


def test_template_upload(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    with env.services.session() as session:
        from bot.db.models import User

        manager = session.get(User, MANAGER)
        trainee = User(id=1001, first_name="学员")

    def ctx_for(user, role: Role) -> Context:  # type: ignore[no-untyped-def]
        event = Event(kind=EventKind.document, user_id=user.id, chat_id=user.id)
        return Context(event=event, user=user, role=role, services=env.services)

    good = "title: 实践反馈\nquestions:\n  - text: 收获大吗?\n    kind: likert5\n"
    added = asyncio.run(
        handle_template_upload(ctx_for(manager, Role.manager), good.encode(), "practice.yaml")
    )
    assert "已添加问卷模板「实践反馈」" in first_text(added)
    listed = env.command(MANAGER, "/survey")
    assert any("实践反馈" in t for t, _ in buttons(listed))
    bad = good.replace("likert5", "likert7")
    refused = asyncio.run(
        handle_template_upload(ctx_for(manager, Role.manager), bad.encode(), "practice2.yaml")
    )
    assert "practice2.yaml 第 4 行" in first_text(refused)
    from handlers.routing import UserError

    with pytest.raises(UserError):
        asyncio.run(
            handle_template_upload(ctx_for(trainee, Role.trainee), good.encode(), "t.yaml")
        )


def test_install_hook_nudges_due_surveys(env: SurveyEnv) -> None:
    """The start-up hook checks for due nudges at once and then every minute."""
    from handlers.survey_results import install

    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    with env.services.session() as session:
        session.execute(update(Survey).values(nudge_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    env.delivered.clear()

    async def run() -> None:
        await install(env.services)
        for _ in range(100):
            if env.delivered:
                break
            await asyncio.sleep(0.02)
        await env.services.on_stopping()

    asyncio.run(run())
    assert len(env.delivered) == 1 and len(env.delivered[0]["recipient_ids"]) == 4
    assert f"sv:1:s:{survey_id}" == env.delivered[0]["buttons"][0][0].data


def test_deadline_closes_and_reports_once(env: SurveyEnv) -> None:
    from bot.chat import Messenger, Sent
    from handlers.survey_results import close_due

    class Recorder(Messenger):
        def __init__(self) -> None:
            self.sent: list[tuple[int, str, tuple]] = []

        async def send(self, chat_id, text, buttons=()):  # type: ignore[no-untyped-def]
            self.sent.append((chat_id, text, buttons))
            return Sent(chat_id=chat_id, message_id=len(self.sent))

        async def edit(self, chat_id, message_id, text, buttons=()):  # type: ignore[no-untyped-def]
            return None

        async def send_file(self, chat_id, file):  # type: ignore[no-untyped-def]
            return Sent(chat_id=chat_id, message_id=0)

        async def download(self, file_id):  # type: ignore[no-untyped-def]
            return b""

        async def set_menu(self, scope):  # type: ignore[no-untyped-def]
            return None

        async def answer_callback(self, callback_id, text, alert):  # type: ignore[no-untyped-def]
            return None

    recorder = Recorder()
    env.services.messenger = recorder
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    page = env.press(TRAINEES[0], f"sv:1:s:{survey_id}", message_id=3)
    assert asyncio.run(close_due(env.services)) == 0
    with env.services.session() as session:
        session.execute(update(Survey).values(closes_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert asyncio.run(close_due(env.services)) == 1
    assert asyncio.run(close_due(env.services)) == 0
    assert len(recorder.sent) == 1
    chat_id, text, keys = recorder.sent[0]
    assert chat_id == MANAGER and "已截止" in text and "0/4" in text
    assert keys[0][0].data == f"sr:1:v:{survey_id}"
    late = env.press(TRAINEES[0], button_data(page, "适中"), message_id=3)
    assert "截止" in notice(late).text


def test_results_of_the_only_survey_at_once_and_refreshed_only_on_refresh(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    first_id = env.send_survey(MANAGER, class_id, "course_feedback")
    # one survey: /results shows it at once (no chart yet: nobody answered), and says nothing
    # of refreshing
    shown = env.command(MANAGER, "/results")
    text = first_text(shown)
    assert text.startswith(f"📊 <b>专题课程反馈</b>（#{first_id}）"), text
    assert "请选择" not in text and "回收率" in text
    assert not files(shown)
    assert notice(shown) is None or notice(shown).text != "已刷新"
    refreshed = env.press(MANAGER, button_data(shown, "刷新"))
    assert "回收率" in first_text(refreshed) and notice(refreshed).text.startswith("已刷新")
    assert not files(refreshed)  # nothing new since the chart was sent: no second chart

    # two surveys: the list, and picking one shows it without 「已刷新」
    second_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    listed = env.command(MANAGER, "/results")
    assert "请选择一份问卷" in first_text(listed)
    picked = env.press(MANAGER, button_data(listed, f"#{second_id} "))
    assert first_text(picked).startswith(f"📊 <b>国培项目培训满意度调查</b>（#{second_id}）")
    assert notice(picked).text == ""
    # 取消 on the closing confirmation goes back to the results, also without 「已刷新」
    cancel = button_data(env.press(MANAGER, f"sr:1:z:{second_id}"), "取消")
    assert notice(env.press(MANAGER, cancel)).text == ""
