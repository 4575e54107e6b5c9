"""QA15 in the chat: the scope line before a clause of one class's or one province's notice
sends only a trainee in a class to the 班主任 (L9), a province's notice gets one (M1), such a
clause is never a sure answer to a question that does not name it (M2), and a greeting gets
no button hint (L12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Edit
from tests.knowledge.test_qa15_scope import UPLOADS
from tests.questions.conftest import OTHER, TRAINEE, Chat, button, open_chat

CLASS_NOTICE = "中小学少数民族双语教师普通话培训班"
AGE_QUESTION = "参训教师年龄有什么要求"
IN_CLASS_END = "具体要求请问班主任。"
NO_CLASS_END = "具体要求请以您所在培训班的通知为准。"
UNSURE = "没有十足把握"


@pytest.fixture
def uploaded_chat(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    """The chat of tests/questions/conftest.py with the QA15 tester's uploads among the
    notices (its own index cache: the shared one holds the shipped notices only)."""
    notices = tmp_path / "data" / "notices"
    notices.mkdir(parents=True)
    for name, text in UPLOADS.items():
        (notices / name).write_text(text, encoding="utf-8")
    cache = tmp_path_factory.mktemp("qa15-chat-cache")
    yield from open_chat(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, cache)


async def test_the_scope_line_sends_only_a_trainee_in_a_class_to_the_class_manager(chat):
    # The one clause found, shown in full (unsure): its line says whom to ask.
    (member,) = await chat.say(TRAINEE, AGE_QUESTION)
    (outsider,) = await chat.say(OTHER, AGE_QUESTION)
    note = f"⚠️ 这一条出自《{CLASS_NOTICE}》，只适用于这个培训班，不是国培计划的通用规定；"
    assert note + IN_CLASS_END in member.text and NO_CLASS_END not in member.text
    assert note + NO_CLASS_END in outsider.text and IN_CLASS_END not in outsider.text
    # The same on a clause's own page (更多).
    for who in (TRAINEE, OTHER):
        (reply,) = await chat.say(who, "国培学员年龄要求")
        more = await chat.press(who, button([reply], "更多"))
        page = next(r for r in more if isinstance(r, Edit)).text
        assert page.startswith("📖") and f"《{CLASS_NOTICE}》，只适用于这个培训班" in page
        assert (IN_CLASS_END if who == TRAINEE else NO_CLASS_END) in page


async def test_a_class_s_clause_is_said_to_be_unsure(chat):
    # The clause binds the 2011 双语 class alone, and the question names no class (QA15 M2).
    (reply,) = await chat.say(TRAINEE, AGE_QUESTION)
    assert reply.text.startswith("🔎") and UNSURE in reply.text
    assert "只适用于这个培训班" in reply.text
    for question in ("国培的培训费要自己出吗", "国培是免费的吗"):
        (reply,) = await chat.say(TRAINEE, question)
        first = reply.text.split("\n\n2. ")[0]
        assert UNSURE in reply.text or CLASS_NOTICE not in first, question
    # Naming the class: a sure answer, no line.
    (named,) = await chat.say(TRAINEE, "双语教师普通话培训班参训教师年龄有什么要求")
    assert named.text.startswith("📖") and "⚠️" not in named.text


async def test_a_province_s_notice_gets_the_scope_line(uploaded_chat):
    chat = uploaded_chat
    (reply,) = await chat.say(OTHER, "网络研修要多少学时")
    assert "云南省" in reply.text and UNSURE in reply.text
    assert "⚠️ 只适用于云南省，不是国培计划的通用规定" in reply.text
    more = await chat.press(OTHER, button([reply], "更多"))
    page = next(r for r in more if isinstance(r, Edit))
    if "云南省教育厅关于做好" in page.text:
        assert (
            "⚠️ 这一条出自云南省教育厅的通知，只适用于云南省，不是国培计划的通用规定；"
            "具体要求请以您所在省份的通知为准。"
        ) in page.text
    (gansu,) = await chat.say(TRAINEE, "甘肃国培网络研修多少学时")
    assert UNSURE in gansu.text and "不适用于甘肃省" in gansu.text
    (named,) = await chat.say(TRAINEE, "云南国培网络研修多少学时")
    assert "不少于60" in named.text and "只适用于云南省" not in named.text


async def test_a_greeting_gets_no_button_hint(chat):
    for greeting in ("大家好", "请问", "老师您好！"):
        (reply,) = await chat.say(TRAINEE, greeting)
        assert "按钮" not in reply.text and "可以直接问我" in reply.text, greeting
    (reply,) = await chat.say(TRAINEE, "3")
    assert "如果是想点按钮，请直接点消息下方的按钮" in reply.text
