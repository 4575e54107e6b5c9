"""An anonymous survey shows no answer until 3 sheets are in (QA13 M7), a survey nobody
answered gets no chart (L4), and a member who left without submitting is out of the 回收率
(L6): checked in-process on /results, 🔄 刷新, 📥, the closing message, the exports and the
CLI."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from typer.testing import CliRunner

from bot.db.models import utcnow
from bot.db.survey_models import Survey
from bot.surveys.export import SUMMARY_SHEET, HeldError, to_csv, to_xlsx
from bot.surveys.results import MIN_ANONYMOUS_RESPONSES, compute_results, shuffle_key
from handlers.start import LEAVE_PREFIX
from handlers.survey_results import close_due
from tests.surveys.helpers import SurveyEnv, button_data, buttons, files, first_text, notice

MANAGER = 500
TRAINEES = [1001, 1002, 1003, 1004]
HELD = "匿名问卷满 3 份后才显示结果，以免看出个人答案"


def submit_anonymous(env: SurveyEnv, user: int, survey_id: int, rating: str, text: str) -> None:
    """Answer the built-in anonymous survey (6 满意度 questions and a text) with one rating."""
    page = env.press(user, f"sv:1:s:{survey_id}", message_id=70)
    for _ in range(6):
        page = env.press(user, button_data(page, rating), message_id=70)
    page = env.text(user, text)
    done = env.press(user, button_data(page, "提交"), message_id=71)
    assert "已提交" in first_text(done), done


def labels(replies: list) -> list[str]:
    return [label for label, _ in buttons(replies)]


def test_anonymous_answers_are_held_until_three_sheets(env: SurveyEnv) -> None:
    assert MIN_ANONYMOUS_RESPONSES == 3
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")

    # nobody yet: the text alone, no chart of empty bars
    empty = env.command(MANAGER, f"/results {survey_id}")
    assert "（0/4）" in first_text(empty) and not files(empty), empty
    refresh = button_data(empty, "刷新")

    # one sheet: the rate, and no figure that would be that person's answers
    submit_anonymous(env, TRAINEES[0], survey_id, "非常不满意", "住宿太差")
    one = env.press(MANAGER, refresh)
    text = first_text(one)
    assert "25.0%（1/4）" in text and HELD in text and "目前已提交 1 份" in text, text
    for leak in ("非常不满意", "住宿太差", "满意率", "均分", "100%", "人作答"):
        assert leak not in text, (leak, text)
    assert not files(one) and notice(one).text == "已刷新"
    assert "📥 XLSX" not in labels(one) and "📥 CSV" not in labels(one), labels(one)
    # a 📥 button of an older message: refused with the reason, no file
    stale = env.press(MANAGER, f"sr:1:x:{survey_id}")
    assert not files(stale) and notice(stale).alert and HELD in notice(stale).text, stale

    # the second sheet changes nothing a manager could read an answer from
    refresh = button_data(one, "刷新")
    submit_anonymous(env, TRAINEES[1], survey_id, "满意", "很好")
    two = env.press(MANAGER, refresh)
    assert "（2/4）" in first_text(two) and "目前已提交 2 份" in first_text(two), two
    assert "很好" not in first_text(two) and not files(two)

    # the third, while the survey is open and one member has not answered: still held, as
    # the fourth sheet would otherwise be read off the change (QA20 F4)
    submit_anonymous(env, TRAINEES[2], survey_id, "非常满意", "收获很大")
    three = env.press(MANAGER, button_data(two, "刷新"))
    text = first_text(three)
    assert HELD in text and "（3/4）" in text and "目前已提交 3 份" in text, text
    assert "收获很大" not in text and "满意率" not in text and not files(three), text

    # the last member's sheet: every sheet, the free text, the chart and the exports
    submit_anonymous(env, TRAINEES[3], survey_id, "一般", "还行")
    four = env.press(MANAGER, button_data(three, "刷新"))
    text = first_text(four)
    assert "（4/4）" in text and "4 人作答" in text, text
    assert "收获很大" in text and "满意率" in text, text
    assert len(files(four)) == 1 and "📥 XLSX" in labels(four)
    assert files(env.press(MANAGER, f"sr:1:c:{survey_id}"))


def test_a_named_survey_shows_its_one_answer(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    page = env.press(TRAINEES[0], f"sv:1:s:{survey_id}", message_id=60)
    page = env.press(TRAINEES[0], button_data(page, "适中"), message_id=60)
    page = env.press(TRAINEES[0], button_data(page, "案例研讨"), message_id=60)
    page = env.press(TRAINEES[0], button_data(page, "选好了，下一题 ➡️"), message_id=60)
    page = env.press(TRAINEES[0], button_data(page, "满意"), message_id=60)
    page = env.text(TRAINEES[0], "很好")
    env.press(TRAINEES[0], button_data(page, "提交"), message_id=61)
    shown = env.command(MANAGER, f"/results {survey_id}")
    text = first_text(shown)
    assert HELD not in text and "适中 1（100%）" in text and "很好" in text, text
    assert len(files(shown)) == 1 and "📥 XLSX" in labels(shown)


def test_held_survey_exports_and_closing_message(
    env: SurveyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    submit_anonymous(env, TRAINEES[0], survey_id, "非常不满意", "住宿太差")

    with env.services.session() as session:
        results = compute_results(session, survey_id=survey_id)
    assert results.held and not results.rows
    assert all(q.answered == 0 and not q.texts for q in results.questions)
    for export in (to_xlsx, to_csv):
        with pytest.raises(HeldError, match=HELD):
            export(results)

    # the CLI: no file, the reason on stderr; `survey list` shows the rate only
    monkeypatch.setattr("bot.cli_surveys._services", lambda: env.services)
    from bot.cli import app

    output = env.services.settings.data_dir / "out.xlsx"
    runner = CliRunner()
    refused = runner.invoke(app, ["survey", "export", str(survey_id), "-o", str(output)])
    assert refused.exit_code == 1 and HELD in refused.output, refused.output
    assert not output.exists()
    listed = runner.invoke(app, ["survey", "list"])
    assert "25.0%（1/4）" in listed.output and "满意率" not in listed.output, listed.output

    # closing at the deadline: the rate, why nothing else, and no 📥 button
    sent: list[tuple[int, str, tuple]] = []

    class Messenger:
        async def send(self, chat_id: int, text: str, buttons: tuple = ()) -> None:
            sent.append((chat_id, text, buttons))

    monkeypatch.setattr(env.services, "messenger", Messenger())
    with env.services.session() as session:
        session.execute(
            update(Survey)
            .where(Survey.id == survey_id)
            .values(closes_at=utcnow() - timedelta(minutes=1))
        )
        session.commit()
    assert asyncio.run(close_due(env.services)) == 1
    ((chat_id, text, keys),) = sent
    assert chat_id == MANAGER and "（1/4）" in text and "不显示结果" in text, text
    assert "满意率" not in text
    assert [b.text for row in keys for b in row] == ["📊 查看结果"]


def test_who_left_without_submitting_is_out_of_the_rate(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES[:3])
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    stayer, submitter, leaver = TRAINEES[:3]
    page = env.press(submitter, f"sv:1:s:{survey_id}", message_id=60)
    page = env.press(submitter, button_data(page, "适中"), message_id=60)
    page = env.press(submitter, button_data(page, "案例研讨"), message_id=60)
    page = env.press(submitter, button_data(page, "选好了，下一题 ➡️"), message_id=60)
    page = env.press(submitter, button_data(page, "满意"), message_id=60)
    page = env.text(submitter, "很好")
    env.press(submitter, button_data(page, "提交"), message_id=61)
    env.press(leaver, f"{LEAVE_PREFIX}:1:ask:{class_id}")
    env.press(leaver, f"{LEAVE_PREFIX}:1:bye:{class_id}")

    text = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert "回收率：<b>50.0%（1/2）</b>" in text, text
    assert "已退出 1 人（未提交，不计入回收率）" in text, text
    with env.services.session() as session:
        results = compute_results(session, survey_id=survey_id)
    assert (results.members, results.counted, results.left) == (3, 2, 1)
    # the XLSX 汇总 and the chart give the same rate
    book = load_workbook(io.BytesIO(to_xlsx(results)), read_only=True)
    summary = {row[0]: row[1] for row in book[SUMMARY_SHEET].iter_rows(values_only=True) if row}
    assert summary["发送人数"] == 3 and summary["计入回收率人数"] == 2
    assert summary["回收率"] == pytest.approx(0.5)
    from bot.surveys.chart import build_figure

    assert "50.0%（1/2）" in build_figure(results).get_suptitle()
    # reminders still go to the one who stayed and has not submitted
    assert "已提醒 1 名" in first_text(env.press(MANAGER, f"sr:1:n:{survey_id}"))
    assert env.delivered[-1]["recipient_ids"] == [stayer]


def test_a_class_too_small_for_anonymous_results_is_told_before_sending(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES[:2])
    env.command(MANAGER, "/survey")
    env.press(MANAGER, "sm:1:t:guopei_satisfaction")
    env.press(MANAGER, f"sm:1:c:guopei_satisfaction:{class_id}")
    confirm = env.press(MANAGER, f"sm:1:d:guopei_satisfaction:{class_id}:3")
    text = first_text(confirm)
    assert "这个班只有 2 人" in text and "结果您将看不到" in text, text
    env.press(MANAGER, button_data(confirm, "确认发送"))
    shown = first_text(env.command(MANAGER, "/results"))
    assert "这份问卷最多 2 份，不会显示结果" in shown and "还差" not in shown, shown

    # a class of 3 is big enough: no warning, and the line says when results show
    big_class = env.new_class(MANAGER, TRAINEES[2:] + [1005], name="数学一班")
    env.press(MANAGER, f"sm:1:c:guopei_satisfaction:{big_class}")
    text = first_text(env.press(MANAGER, f"sm:1:d:guopei_satisfaction:{big_class}:3"))
    assert "只有" not in text and "满 3 份后显示" in text, text


def test_anonymous_free_text_is_not_in_the_order_it_came_in(env: SurveyEnv) -> None:
    """The texts are not listed in the order they came in; the trainee is told what the
    manager sees."""
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, TRAINEES)
    survey_id = env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    came_in = ["住宿太差", "安排合理", "不错", "好"]
    for user, text in zip(TRAINEES[:3], came_in, strict=False):
        submit_anonymous(env, user, survey_id, "满意", text)

    page = env.press(TRAINEES[3], f"sv:1:s:{survey_id}", message_id=80)
    for _ in range(6):
        page = env.press(TRAINEES[3], button_data(page, "满意"), message_id=80)
    page = env.text(TRAINEES[3], came_in[3])
    done = first_text(env.press(TRAINEES[3], button_data(page, "提交"), message_id=81))
    assert "班主任只看到汇总（满 3 份后显示），不显示谁答了什么" in done, done
    assert "看不到您的个人答案" not in done

    with env.services.session() as session:  # every member answered: all sheets count
        results = compute_results(session, survey_id=survey_id)
    (texts,) = [q.texts for q in results.questions if q.texts]
    # in an order set by their content alone (a hash), so neither order of arrival shows
    assert texts == sorted(came_in, key=lambda text: shuffle_key(survey_id, [text]))
