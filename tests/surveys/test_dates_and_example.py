"""How a survey writes its closing time, and the example template (QA 6b M5, M7), through the
conversation core on SQLite and PostgreSQL.

The closing time is written as the reminders write a time: 「12月11日(周五) 20:00」, the weekday
always there, the year only when it is not this year, 「今天/明天」 in what the manager reads at
once (the confirmation, /results, /mysurveys) but not in the invitation and the nudge, which
trainees read later. 「1天后截止」 and a typed 「3天后」 close on a whole hour. 「📄 示例模板」
sends the built-in template with its Chinese comments, and that file, once its key is changed,
is accepted back as the manager's own template."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.db import survey_crud as scrud
from bot.db.models import utcnow
from bot.surveys.templates import BUILTIN_DIR, load_templates, parse_template
from handlers.survey_results import nudge_text
from handlers.surveys import templates_dir
from scheduler.timeparse import format_when
from tests.surveys.helpers import SurveyEnv, button_data, buttons, files, first_text, notice
from tests.surveys.test_template_owners import upload

MANAGER = 2001
TRAINEES = [1001, 1002]


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


def whole_hour_after(env: SurveyEnv, days: int) -> datetime:
    """`days` from now, rounded up to the next whole hour of the bot's time zone."""
    later = (utcnow() + timedelta(days=days)).astimezone(env.services.settings.timezone)
    whole = later.replace(minute=0, second=0, microsecond=0)
    return whole + timedelta(hours=1) if whole < later else whole


def local_now(env: SurveyEnv) -> datetime:
    return datetime.now(env.services.settings.timezone)


def test_one_day_closes_on_a_whole_hour_written_with_its_weekday(env: SurveyEnv) -> None:
    class_id = env.new_class(MANAGER, TRAINEES)
    env.command(MANAGER, "/survey")
    env.press(MANAGER, "sm:1:t:course_feedback")
    env.press(MANAGER, f"sm:1:c:course_feedback:{class_id}")
    confirm = env.press(MANAGER, f"sm:1:d:course_feedback:{class_id}:1")
    expected = whole_hour_after(env, 1)
    shown = format_when(expected, local_now(env))

    text = first_text(confirm)
    assert f"截止：{shown}\n" in text, text
    assert shown.endswith(":00") and f"{expected.month}月{expected.day}日（周" in shown
    assert "-" not in text.split("截止：")[1].split("\n")[0]  # not 「2026-12-07 19:46」
    if expected.date() == local_now(env).date() + timedelta(days=1):
        assert shown.startswith("明天 ")

    done = first_text(env.press(MANAGER, button_data(confirm, "确认发送")))
    assert f"截止：{shown}。" in done, done
    survey_id = int(done.split("编号 ")[1].split("）")[0])
    # The invitation is read later: the date and weekday, no 「明天」.
    invitation = env.delivered[-1]["text"]
    written = format_when(expected, local_now(env), relative=False)
    assert f"截止：{written}" in invitation and "明天" not in invitation, invitation
    # What the trainee lists and the manager's results use the same words.
    mine = first_text(env.command(TRAINEES[0], "/mysurveys"))
    assert f"截止 {shown}" in mine, mine
    results = first_text(env.command(MANAGER, f"/results {survey_id}"))
    assert f"进行中，截止 {shown}" in results, results
    with env.services.session() as session:
        survey = scrud.get_survey(session, survey_id=survey_id)
    assert survey is not None and survey.closes_at == expected
    nudge = nudge_text(env.services, survey)
    assert f"将于 {written} 截止" in nudge and "明天" not in nudge, nudge


@pytest.mark.parametrize(
    ("typed", "clock"),
    [("3天后", None), ("两天后", None), ("下周五 18:30", "18:30")],
)
def test_a_typed_closing_time_is_written_with_its_weekday(
    env: SurveyEnv, typed: str, clock: str | None
) -> None:
    class_id = env.new_class(MANAGER, TRAINEES)
    env.press(MANAGER, f"sm:1:w:course_feedback:{class_id}")
    text = first_text(env.text(MANAGER, typed))
    shown = text.split("截止：")[1].split("\n")[0]
    assert "（周" in shown and "-" not in shown, text
    if clock is None:  # 「N天后」: on the whole hour after, not at an odd minute
        days = 3 if typed.startswith("3") else 2
        assert shown == format_when(whole_hour_after(env, days), local_now(env)), text
    else:  # a clock written is kept
        assert shown.endswith(f"（周五） {clock}"), text


def test_the_example_template_is_sent_with_comments_and_comes_back_as_ones_own(
    env: SurveyEnv,
) -> None:
    picker = env.command(MANAGER, "/survey")
    assert "📄 示例模板" in first_text(picker)
    example = button_data(picker, "📄 示例模板")

    replies = env.press(MANAGER, example)

    (sent,) = files(replies)
    assert sent.filename == "course_feedback.yaml" and not sent.as_photo
    assert sent.content == (BUILTIN_DIR / "course_feedback.yaml").read_bytes()
    assert "key" in sent.caption and "发回给我" in sent.caption and "/survey" in sent.caption
    assert len(sent.caption) <= 1024  # Telegram's caption limit
    assert notice(replies) is not None
    text = sent.content.decode()
    for field in ("key", "title", "questions", "kind", "options", "single", "likert5"):
        assert f"#   {field}" in text or f"{field} " in text.split("\nkey:")[0], field
    # The comments change nothing the loader reads: the built-in template is the same.
    builtin = load_templates().templates["course_feedback"]
    assert parse_template(text, filename="x.yaml").version == builtin.version
    assert [q.kind for q in builtin.spec.questions] == ["single", "multiple", "likert5", "text"]

    # Sent back as it is: refused, saying to change the key; with the key changed: added.
    refused = upload(env, MANAGER, text, "course_feedback.yaml")
    assert "模板未添加" in refused and "key" in refused, refused
    mine = text.replace("key: course_feedback", "key: my_course_1").replace(
        "title: 专题课程反馈", "title: 我的课程反馈"
    )
    added = upload(env, MANAGER, mine, "course_feedback.yaml")
    assert "已添加问卷模板「我的课程反馈」" in added, added
    assert "my_course_1" in load_templates(templates_dir(env.services)).templates
    picker = env.command(MANAGER, "/survey")
    assert any("我的课程反馈" in label for label, _ in buttons(picker))


def test_a_trainee_cannot_fetch_the_example(env: SurveyEnv) -> None:
    env.new_class(MANAGER, TRAINEES)
    replies = env.press(TRAINEES[0], "sm:1:ex")
    assert files(replies) == []
    assert notice(replies) is not None or "班主任" in first_text(replies)
