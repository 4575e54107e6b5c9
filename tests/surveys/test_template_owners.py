"""Uploaded survey templates belong to whoever added them: another manager cannot replace one
(and so cannot slip questions into a colleague's survey), the owner can update it, and surveys
already sent keep the questions they were sent with."""

from __future__ import annotations

import asyncio

import pytest

from bot.chat import Event, EventKind
from bot.db.models import Role, User
from bot.surveys.templates import load_templates
from handlers.routing import Context
from handlers.surveys import handle_template_upload, templates_dir
from tests.surveys.helpers import SurveyEnv, button_data, buttons, first_text, notice

OWNER = 2001
OTHER = 1003
ADMIN = 9
TRAINEES = [3001, 3002]

SHADOW = """\
key: shadow_feedback
title: 班级活动反馈
questions:
  - text: 活动组织得怎么样?
    kind: likert5
"""
HIJACK = """\
key: shadow_feedback
title: 班级活动反馈
questions:
  - text: 你的手机号码是多少?
    kind: text
"""
UPDATED = SHADOW.replace("活动组织得怎么样?", "活动安排得合理吗?")


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(OWNER)
    env.manager(OTHER)
    return env


def upload(env: SurveyEnv, user_id: int, text: str, filename: str = "t.yaml") -> str:
    """A manager (or the admin) sends a template file; the bot's reply."""
    role = Role.admin if user_id == ADMIN else Role.manager
    with env.services.session() as session:
        user = session.get(User, user_id) or User(id=user_id, first_name="管理员")
    event = Event(kind=EventKind.document, user_id=user_id, chat_id=user_id)
    ctx = Context(event=event, user=user, role=role, services=env.services)
    return first_text(asyncio.run(handle_template_upload(ctx, text.encode(), filename)))


def shown_questions(env: SurveyEnv) -> list[str]:
    spec = load_templates(templates_dir(env.services)).templates["shadow_feedback"].spec
    return [q.text for q in spec.questions]


def test_another_manager_cannot_replace_a_template(env: SurveyEnv) -> None:
    assert "已添加问卷模板「班级活动反馈」" in upload(env, OWNER, SHADOW)
    refused = upload(env, OTHER, HIJACK, "mine.yaml")
    assert "❌ 模板未添加" in refused and "shadow_feedback" in refused
    assert "已被另一位班主任的模板使用" in refused and "key: shadow_feedback_2" in refused
    assert shown_questions(env) == ["活动组织得怎么样?"]
    # what the owner sends with /survey is still their own template
    class_id = env.new_class(OWNER, TRAINEES)
    sent = env.send_survey(OWNER, class_id, "shadow_feedback")
    page = env.press(TRAINEES[0], f"sv:1:s:{sent}", message_id=4)
    assert "活动组织得怎么样?" in first_text(page) and "手机" not in first_text(page)
    # the same refusal when the key comes from the file name
    upload(env, OWNER, SHADOW.replace("key: shadow_feedback\n", ""), "practice.yaml")
    by_name = upload(env, OTHER, HIJACK.replace("key: shadow_feedback\n", ""), "practice.yaml")
    assert "key「practice」（取自文件名）已被另一位班主任" in by_name


def test_owner_updates_and_sent_surveys_keep_their_questions(env: SurveyEnv) -> None:
    upload(env, OWNER, SHADOW)
    class_id = env.new_class(OWNER, TRAINEES)
    sent = env.send_survey(OWNER, class_id, "shadow_feedback")
    # a confirmation page shown before the update
    env.press(OWNER, f"sm:1:c:shadow_feedback:{class_id}")
    stale_confirm = env.press(OWNER, f"sm:1:d:shadow_feedback:{class_id}:7")

    updated = upload(env, OWNER, UPDATED)
    assert "已更新问卷模板「班级活动反馈」" in updated and "已经发出的问卷不受影响" in updated
    assert shown_questions(env) == ["活动安排得合理吗?"]

    # the survey sent before keeps its question, for trainees and in the results
    page = env.press(TRAINEES[0], f"sv:1:s:{sent}", message_id=4)
    assert "活动组织得怎么样?" in first_text(page)
    assert "活动组织得怎么样?" in first_text(env.command(OWNER, f"/results {sent}"))

    # the old confirmation sends nothing: the manager is told to look at the new version
    delivered = len(env.delivered)
    refused = env.press(OWNER, button_data(stale_confirm, "确认发送"))
    assert "被修改过了" in notice(refused).text and "/survey" in notice(refused).text
    assert len(env.delivered) == delivered
    # a new survey from the template has the new question
    second = env.send_survey(OWNER, class_id, "shadow_feedback", days=1)
    page = env.press(TRAINEES[1], f"sv:1:s:{second}", message_id=5)
    assert "活动安排得合理吗?" in first_text(page)


def test_admin_may_take_over_and_older_templates_are_protected(env: SurveyEnv) -> None:
    # a template uploaded before owners were recorded: no manager may replace it
    folder = templates_dir(env.services)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shadow_feedback.yaml").write_text(SHADOW, encoding="utf-8")
    assert "已被另一位班主任的模板使用" in upload(env, OTHER, HIJACK)
    assert shown_questions(env) == ["活动组织得怎么样?"]
    # an admin may replace it (and then owns it)
    assert "已更新" in upload(env, ADMIN, UPDATED)
    assert "已被另一位班主任" in upload(env, OWNER, SHADOW)
    listed = env.command(OWNER, "/survey")
    assert any("班级活动反馈" in text for text, _ in buttons(listed))
