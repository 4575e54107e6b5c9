"""A closed survey's recipients are frozen as of its close (QA17 F1), in-process on SQLite and
PostgreSQL: after the manager's ⏹ 结束问卷 (or the deadline's closing), a member leaving, being
removed, rejoining, or a newcomer joining changes nothing in /results (回收率, counts, 已退出,
the lists), the XLSX and CSV exports or `guopei-bot survey list`; someone who had left before
the close stays 已退出 even after rejoining. While the survey is open, leaving still takes an
unsubmitted addressee out of the 回收率. Also: `survey list` shows a closed survey's actual
close time (F6), and the /results picker's example is a listed survey (F7)."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import select
from typer.testing import CliRunner

from bot.db import crud
from bot.db.models import utcnow
from bot.db.survey_models import Survey, SurveyAddressee
from bot.surveys.export import SUMMARY_SHEET
from handlers.start import LEAVE_PREFIX
from handlers.survey_results import close_due
from tests.surveys.helpers import SurveyEnv, button_data, files, first_text

MANAGER = 200
TRAINEES = [301, 302, 303, 304]
EARLY_LEAVER = 305  # leaves before the close without submitting
NEWCOMER = 309


def submit_anonymous(env: SurveyEnv, user: int, survey_id: int) -> None:
    """Answer the built-in anonymous survey (6 满意度 questions and a text) and submit."""
    page = env.press(user, f"sv:1:s:{survey_id}", message_id=70)
    for _ in range(6):
        page = env.press(user, button_data(page, "满意"), message_id=70)
    page = env.text(user, "很好")
    done = env.press(user, button_data(page, "提交"), message_id=71)
    assert "已提交" in first_text(done), done


def leave_by_myclass(env: SurveyEnv, user: int, class_id: int) -> None:
    env.press(user, f"{LEAVE_PREFIX}:1:ask:{class_id}")
    left = env.press(user, f"{LEAVE_PREFIX}:1:bye:{class_id}")
    assert "已退出" in first_text(left), left


def rejoin(env: SurveyEnv, user: int, class_id: int) -> None:
    with env.services.session() as session:
        crud.upsert_user(session, user_id=user, first_name=f"学员{user}")
        crud.join_class(session, user_id=user, class_id=class_id)


def views(env: SurveyEnv, survey_id: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Everything that shows the survey's figures: /results, its files, the CLI."""
    monkeypatch.setattr("handlers.survey_results.EXPORT_REPEAT_SECONDS", 0.0)
    shown = env.command(MANAGER, f"/results {survey_id}")
    xlsx = files(env.press(MANAGER, f"sr:1:x:{survey_id}"))
    csv = files(env.press(MANAGER, f"sr:1:c:{survey_id}"))
    assert len(xlsx) == 1 and len(csv) == 1, (xlsx, csv)
    sheet = load_workbook(io.BytesIO(xlsx[0].content))[SUMMARY_SHEET]
    monkeypatch.setattr("bot.cli_surveys._services", lambda: env.services)
    from bot.cli import app

    listed = CliRunner().invoke(app, ["survey", "list"])
    assert listed.exit_code == 0, listed.output
    exported = CliRunner().invoke(
        app, ["survey", "export", str(survey_id), "-f", "csv", "-o", "-"]
    )
    assert exported.exit_code == 0, exported.output
    return {
        "results": first_text(shown),
        "xlsx": [[cell.value for cell in row] for row in sheet.iter_rows()],
        "csv": csv[0].content.decode("utf-8-sig"),
        "list": listed.output,
        "cli csv": exported.output,
    }


def f1_survey(env: SurveyEnv) -> tuple[int, int]:
    """QA17's steps: 301–303 submit, 304 answers Q1 only; 305 leaves before the close."""
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [*TRAINEES, EARLY_LEAVER])
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    for user in TRAINEES[:3]:
        submit_anonymous(env, user, survey_id)
    page = env.press(TRAINEES[3], f"sv:1:s:{survey_id}", message_id=80)
    page = env.press(TRAINEES[3], button_data(page, "满意"), message_id=80)
    assert "2/7" in first_text(page), page
    leave_by_myclass(env, EARLY_LEAVER, class_id)
    # open: the early leaver is out of the 回收率
    text = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert "75.0%（3/4）" in text and "已退出 1 人（未提交，不计入回收率）" in text, text
    return class_id, survey_id


def assert_f1_figures(seen: dict[str, object]) -> None:
    text = seen["results"]
    assert "75.0%（3/4）" in text, text  # type: ignore[operator]
    assert "已提交 3 · 填写中 1 · 未开始 0" in text, text  # type: ignore[operator]
    assert "已退出 1 人（未提交，不计入回收率）" in text, text  # type: ignore[operator]
    assert "75.0%（3/4）" in seen["list"], seen["list"]  # type: ignore[operator]
    assert "（3/3）" not in str(seen) and "（3/5）" not in str(seen)
    summary = {row[0]: row[1] for row in seen["xlsx"] if row}  # type: ignore[union-attr]
    assert summary["回收率"] == 0.75 and summary["计入回收率人数"] == 4, summary
    assert summary["发送人数"] == 5 and summary["已退出"] == 1, summary


def test_leaving_after_the_managers_close_changes_nothing(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    class_id, survey_id = f1_survey(env)
    ask = env.press(MANAGER, f"sr:1:z:{survey_id}")
    assert "确定结束" in str(ask), ask
    closed = env.press(MANAGER, f"sr:1:zz:{survey_id}")
    assert "结束" in first_text(closed), closed
    at_close = views(env, survey_id, monkeypatch)
    assert_f1_figures(at_close)

    # 304 leaves by /myclass: nothing changes anywhere
    leave_by_myclass(env, TRAINEES[3], class_id)
    assert views(env, survey_id, monkeypatch) == at_close
    # a submitter removed by the manager (👥 成员), the early leaver and 304 rejoining, and a
    # newcomer joining: nothing changes either
    with env.services.session() as session:
        crud.leave_class(session, user_id=TRAINEES[0], class_id=class_id)
    rejoin(env, EARLY_LEAVER, class_id)
    rejoin(env, TRAINEES[3], class_id)
    rejoin(env, NEWCOMER, class_id)
    assert views(env, survey_id, monkeypatch) == at_close


def test_leaving_after_the_deadlines_close_changes_nothing(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    class_id, survey_id = f1_survey(env)

    class Messenger:
        async def send(self, chat_id: int, text: str, buttons: tuple = ()) -> None:
            pass

    monkeypatch.setattr(env.services, "messenger", Messenger())
    with env.services.session() as session:
        session.execute(
            update(Survey)
            .where(Survey.id == survey_id)
            .values(closes_at=utcnow() - timedelta(minutes=1))
        )
        session.commit()
    assert asyncio.run(close_due(env.services)) == 1
    at_close = views(env, survey_id, monkeypatch)
    assert_f1_figures(at_close)
    leave_by_myclass(env, TRAINEES[3], class_id)
    leave_by_myclass(env, TRAINEES[1], class_id)
    rejoin(env, EARLY_LEAVER, class_id)
    assert views(env, survey_id, monkeypatch) == at_close


def test_while_open_leaving_still_takes_an_unsubmitted_member_out(env: SurveyEnv) -> None:
    class_id, survey_id = f1_survey(env)
    leave_by_myclass(env, TRAINEES[3], class_id)
    text = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert "100.0%（3/3）" in text and "已退出 2 人（未提交，不计入回收率）" in text, text
    # nothing is frozen before the close
    with env.services.session() as session:
        frozen = session.exec(
            select(SurveyAddressee).where(
                SurveyAddressee.membership_at_close.is_not(None)  # type: ignore[union-attr]
            )
        ).all()
    assert not frozen
    rejoin(env, TRAINEES[3], class_id)
    text = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert "75.0%（3/4）" in text, text


def test_survey_list_shows_when_a_closed_survey_ended(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    open_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction", days=1)
    closed_id = env.send_survey(MANAGER, class_id, "course_feedback", days=3)
    env.press(MANAGER, f"sr:1:zz:{closed_id}")
    tz = env.services.settings.timezone
    with env.services.session() as session:
        opened, closed = session.get(Survey, open_id), session.get(Survey, closed_id)
        deadline = closed.closes_at.astimezone(tz)  # type: ignore[union-attr]
        ended = closed.closed_at.astimezone(tz)  # type: ignore[union-attr]
        open_deadline = opened.closes_at.astimezone(tz)  # type: ignore[union-attr]
    monkeypatch.setattr("bot.cli_surveys._services", lambda: env.services)
    from bot.cli import app

    listed = CliRunner().invoke(app, ["survey", "list"]).output
    lines = {int(line.split("\t")[0]): line for line in listed.splitlines()}
    assert f"已结束（{ended:%Y-%m-%d %H:%M} 结束）" in lines[closed_id], listed
    assert f"{deadline:%m-%d %H:%M}" not in lines[closed_id], listed
    assert f"进行中（截止 {open_deadline:%Y-%m-%d %H:%M}）" in lines[open_id], listed


def test_results_picker_example_is_a_listed_survey(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    first = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    second = env.send_survey(MANAGER, class_id, "course_feedback")
    assert (first, second) == (1, 2)
    text = first_text(env.command(MANAGER, "/results"))
    assert f"例如 /results {second}。" in text, text
    assert "/results 3" not in text, text


def test_results_say_a_closed_survey_ended_as_survey_list_does(env: SurveyEnv) -> None:
    """QA18 F8: /results and its picker said 「已截止」 of a survey ended with ⏹, `survey list`
    「已结束」; an open one still says 「进行中」."""
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    ended = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    still_open = env.send_survey(MANAGER, class_id, "course_feedback")
    env.press(MANAGER, f"sr:1:z:{ended}")
    env.press(MANAGER, f"sr:1:zz:{ended}")
    text = first_text(env.command(MANAGER, f"/results {ended}"))
    assert "已结束（" in text and "已截止" not in text, text
    assert "进行中，截止" in first_text(env.command(MANAGER, f"/results {still_open}"))
    picker = first_text(env.command(MANAGER, "/results"))
    assert f"#{ended} " in picker and "· 已结束 ·" in picker and "· 进行中 ·" in picker, picker
