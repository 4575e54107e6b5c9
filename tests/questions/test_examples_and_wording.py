"""The bot's own example questions get a confident answer that holds for every class (QA 6b M3),
and the wording QA 6b L5 asked for: the declines, the leave confirmation, the removal of a
member, /start in a group; forged or out-of-range ids in /myclass and typed user ids are
refused (QA 6a #5). Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Notice
from handlers.ask import COLLOQUIAL_EXAMPLE, EXAMPLE, EXAMPLE_QUESTIONS
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    open_chat,
    text_of,
)

OLD_EXAMPLES = ("年龄有什么要求", "培训经费怎么管理")
FAIR = "为避免答非所问，没有给出不相关的条款"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


@pytest.mark.parametrize("question", EXAMPLE_QUESTIONS)
async def test_each_example_gets_a_confident_answer(chat: Chat, question: str) -> None:
    text = text_of(await chat.say(TRAINEE, question))
    assert text.startswith("📖") and "没有十足把握" not in text and "—— 《" in text
    assert "少数民族双语教师普通话培训班" not in text  # a rule for one 2011 class


async def test_the_bot_offers_only_those_examples(chat: Chat) -> None:
    offered = [
        text_of(await chat.say(TRAINEE, "/start")),
        text_of(await chat.say(TRAINEE, "你好")),
        text_of(await chat.say(TRAINEE, "你是谁")),
        text_of(await chat.say(TRAINEE, "/ask")),
        text_of(await chat.say(TRAINEE, "?")),
        text_of(await chat.say(TRAINEE, "😀😀")),
    ]
    assert EXAMPLE in offered[0] and COLLOQUIAL_EXAMPLE in offered[0]
    assert f"/ask {EXAMPLE.rstrip('？')}" in offered[3]
    for text in offered:
        assert not any(old in text for old in OLD_EXAMPLES), text
        for example in re.findall(r"「([^「」]+?)」", text):
            if example.endswith(("?", "？")):
                assert example in EXAMPLE_QUESTIONS, example


async def test_declines_avoid_colloquial_wording(chat: Chat) -> None:
    out_of_scope = text_of(await chat.say(TRAINEE, "明天北京天气怎么样"))
    no_figure = text_of(await chat.say(TRAINEE, "国培专家讲课费一节课多少钱"))
    for text in (out_of_scope, no_figure):
        assert FAIR in text and "糊弄" not in text
    assert "另行规定，为避免答非所问" in no_figure
    assert (
        "关于「国培专家讲课费一节课多少钱」，我在收录的国培通知里没有找到写明这个数字" in no_figure
    )


async def test_a_year_the_notices_do_not_cover_is_declined_by_saying_so(chat: Chat) -> None:
    """The 2022 budget notice is not offered for 2023: the reply names the missing year."""
    reply = text_of(await chat.say(TRAINEE, "2023年国培资金预算什么时候下达"))
    assert "我收录的国培通知里没有讲到问题里的那一年" in reply
    assert "财教〔2022〕96号" not in reply


async def test_a_managers_stray_text_gets_the_way_to_answer_not_the_trainees_hint(
    chat: Chat,
) -> None:
    """A manager's answer typed after the 回答 prompt was cancelled reads as a question."""
    reply = text_of(await chat.say(MANAGER, "由派出学校按标准报销住宿费"))
    assert "您的消息按提问处理了。要回复学员的问题，请发送 /unanswered" in reply
    assert "您还没有加入培训班" not in reply
    assert "您还没有加入培训班" in text_of(await chat.say(OTHER, "北京明年还办国培吗"))


async def test_start_in_a_group_shows_the_trainees_help_only(chat: Chat) -> None:
    for user in (MANAGER, ADMIN):
        group = text_of(await chat.say(user, "/start", chat_type="group"))
        assert "/ask" in group and "/deadlines" in group
        for private_only in ("/curated", "/unanswered", "/newclass", "/addmanager", "管理员"):
            assert private_only not in group, (user, private_only)
        assert "/curated" in text_of(await chat.say(user, "/start"))
    assert "/curated" not in text_of(await chat.say(MANAGER, "/help", chat_type="group"))


async def test_the_leave_confirmation_names_the_manager_outside_the_quotes(chat: Chat) -> None:
    listing = await chat.say(TRAINEE, "/myclass")
    asked = await chat.press(TRAINEE, button(listing, "退出"))
    assert "确定退出「语文一班」（班主任 王老师）吗？退出后不再收到" in text_of(asked)
    done = await chat.press(TRAINEE, button(asked, "确定退出"))
    assert "已退出「语文一班」（班主任 王老师）。" in text_of(done)


async def test_removing_a_member_says_the_trainee(chat: Chat) -> None:
    listing = await chat.say(MANAGER, "/myclass")
    members = await chat.press(MANAGER, button(listing, "成员"))
    asked = await chat.press(MANAGER, button(members, "移出"))
    assert "移出后该学员不再收到这个班的通知、提醒和问卷，也不能再用加入码回来" in text_of(asked)
    assert "TA" not in text_of(asked)


@pytest.mark.parametrize("forged", ["2147483648", "0", "²", "9223372036854775808"])
async def test_a_forged_class_id_in_myclass_gets_the_stale_toast(chat: Chat, forged: str) -> None:
    for data in (f"mc:1:ask:{forged}", f"mc:1:bye:{forged}", f"cm:1:ls:{forged}:0"):
        (refused,) = await chat.press(TRAINEE if data.startswith("mc") else MANAGER, data)
        assert isinstance(refused, Notice) and "失效" in refused.text, (data, refused)
    assert "语文一班" in text_of(await chat.say(TRAINEE, "/myclass"))  # still a member


@pytest.mark.parametrize("typed", ["0", "9007199254740992", "١٢٣", "-5"])
async def test_a_typed_user_id_out_of_range_is_refused(chat: Chat, typed: str) -> None:
    for command in ("addmanager", "removemanager"):
        refused = text_of(await chat.say(ADMIN, f"/{command} {typed}"))
        assert refused.startswith("请写上对方的 Telegram 用户 ID（一串数字）"), refused
