"""The /survey template picker a page at a time (`page_of`, like the class pickers), on SQLite
and PostgreSQL: with 40 uploaded templates the manager pages to the last one, picks it and the
class gets that survey; the built-in templates and the manager's own uploads come first; a
forged page is refused with a toast and one past the end shows the last page."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.chat import Edit, Event, EventKind, Notice, Reply, Send
from bot.db.models import Role, User
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from bot.surveys.templates import load_templates
from handlers.routing import Context
from handlers.surveys import TEMPLATES_PER_PAGE, handle_template_upload
from tests.surveys.helpers import SurveyEnv, button_data, buttons, first_text

MANAGER, COLLEAGUE = 2001, 2002
TRAINEES = [3001, 3002]
OWN, OTHERS = 10, 30  # the manager's uploads and a colleague's: 40 uploaded templates
BUILTIN = ["专题课程反馈", "国培项目培训满意度调查"]
FORGED = ("-1", "①", "１", "٣", "²", "x", "", "1.0", "+1", "99999999999999")


def template(key: str, title: str) -> str:
    return f"key: {key}\ntitle: {title}\nquestions:\n  - text: {title}满意吗?\n    kind: likert5\n"


def upload(env: SurveyEnv, user_id: int, key: str, title: str) -> None:
    with env.services.session() as session:
        user = session.get(User, user_id) or User(id=user_id, first_name=f"老师{user_id}")
    event = Event(kind=EventKind.document, user_id=user_id, chat_id=user_id)
    ctx = Context(event=event, user=user, role=Role.manager, services=env.services)
    reply = first_text(
        asyncio.run(handle_template_upload(ctx, template(key, title).encode(), "t.yaml"))
    )
    assert "已添加问卷模板" in reply, reply


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    """The colleague's 30 templates (「公共模板01」…, files a…) sort before the manager's 10
    (「我的模板01」…, files m…): the picker still shows the manager's first."""
    env.manager(MANAGER)
    env.manager(COLLEAGUE)
    for number in range(1, OTHERS + 1):
        upload(env, COLLEAGUE, f"a{number:02}", f"公共模板{number:02}")
    for number in range(1, OWN + 1):
        upload(env, MANAGER, f"m{number:02}", f"我的模板{number:02}")
    return env


TOTAL = len(BUILTIN) + OWN + OTHERS
PAGES = -(-TOTAL // TEMPLATES_PER_PAGE)


def titles(replies: list[Reply]) -> list[str]:
    """The template buttons' titles, in order (「…满意度调查（7 题，匿名）」 → 「…满意度调查」)."""
    return [text.split("（")[0] for text, data in buttons(replies) if data.startswith("sm:1:t:")]


def fits(replies: list[Reply]) -> None:
    (message,) = [r for r in replies if isinstance(r, Send | Edit)]
    assert visible_length(message.text) <= MAX_MESSAGE_UNITS
    assert len(buttons(replies)) <= MAX_BUTTONS
    assert all(len(data.encode()) <= 64 for _, data in buttons(replies))


def test_the_last_of_40_templates_is_picked_on_the_last_page_and_sent(env: SurveyEnv) -> None:
    class_id = env.new_class(MANAGER, TRAINEES)
    replies = env.command(MANAGER, "/survey")
    fits(replies)
    assert f"第 1/{PAGES} 页，共 {TOTAL} 个模板" in first_text(replies)
    assert len(titles(replies)) == TEMPLATES_PER_PAGE
    own = [f"我的模板{n:02}" for n in range(1, OWN + 1)]
    assert titles(replies)[: len(BUILTIN) + OWN] == BUILTIN + own
    assert [text for text, _ in buttons(replies) if "页" in text] == ["下一页 ▶"]

    seen = titles(replies)
    for page in range(2, PAGES + 1):
        replies = env.press(MANAGER, button_data(replies, "下一页 ▶"))
        fits(replies)
        assert isinstance(replies[0], Edit) and f"第 {page}/{PAGES} 页" in first_text(replies)
        seen += titles(replies)
    assert [text for text, _ in buttons(replies) if "页" in text] == ["◀ 上一页"]
    # every template once, the colleague's after the manager's own
    assert seen == BUILTIN + own + [f"公共模板{n:02}" for n in range(1, OTHERS + 1)]
    back = env.press(MANAGER, button_data(replies, "◀ 上一页"))
    assert f"第 {PAGES - 1}/{PAGES} 页" in first_text(back)

    last = f"公共模板{OTHERS:02}"
    chosen = env.press(MANAGER, button_data(replies, last))
    assert last in first_text(chosen) and "第 2 步" in first_text(chosen)
    env.press(MANAGER, button_data(chosen, "语文一班"))
    confirm = env.press(MANAGER, f"sm:1:d:a{OTHERS:02}:{class_id}:3")
    assert f"问卷：{last}" in first_text(confirm)
    done = env.press(MANAGER, button_data(confirm, "确认发送"))
    assert "已向" in first_text(done)
    (invitation,) = env.delivered
    assert sorted(invitation["recipient_ids"]) == TRAINEES
    assert last in invitation["text"]


def test_a_colleague_sees_their_own_templates_first(env: SurveyEnv) -> None:
    replies = env.command(COLLEAGUE, "/survey")
    assert titles(replies) == BUILTIN + [f"公共模板{n:02}" for n in range(1, 14)]


def test_a_forged_page_is_refused_and_one_past_the_end_shows_the_last(env: SurveyEnv) -> None:
    env.command(MANAGER, "/survey")
    for forged in FORGED:
        (refusal,) = env.press(MANAGER, f"sm:1:tp:{forged}")
        assert isinstance(refusal, Notice) and refusal.alert, forged
        assert refusal.text == "这个按钮已失效，请重新发送 /survey。"
    past = env.press(MANAGER, f"sm:1:tp:{PAGES + 5}")
    assert isinstance(past[0], Edit) and f"第 {PAGES}/{PAGES} 页" in first_text(past)
    assert titles(past)[-1] == f"公共模板{OTHERS:02}"
    assert len(load_templates(env.services.settings.data_dir / "survey_templates").templates) == (
        TOTAL
    )


def test_a_few_templates_are_one_page_without_paging(database_url, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    env = SurveyEnv.create(database_url, tmp_path, monkeypatch)
    try:
        env.manager(MANAGER)
        replies = env.command(MANAGER, "/survey")
        assert titles(replies) == BUILTIN
        assert not [text for text, _ in buttons(replies) if "页" in text]
        assert not re.search(r"第 \d+/\d+ 页", first_text(replies))
    finally:
        env.close()
