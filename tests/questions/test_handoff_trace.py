"""问班主任 leaves a trace (QA 6b M4): the trainee's message (the decline, or the page of the
answer they were reading) is edited to say when and to whom the question went, and loses the
问班主任 button (👍 / 👎 and the paging stay); the manager's /unanswered lists the handed-off
questions first, 「🙋 等您回复」; the re-answer prompt has no doubled 「。」。」. Through the
conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.chat import Edit, Notice, Reply
from handlers.ask import handoff_time
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

WEATHER = "明天北京天气怎么样"
SURE = "教师培训学分怎么审核认定？"  # a sure answer with more than one clause: 更多 pages on
TRACE = re.compile(r"✅ 已于 \d\d:\d\d 转给班主任 王老师，回复会发到这里。$")


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def split(replies: list[Reply]) -> tuple[Edit, Notice]:
    edit, notice = replies
    assert isinstance(edit, Edit) and isinstance(notice, Notice), replies
    return edit, notice


def labels(reply: Edit) -> list[str]:
    return [b.text for row in reply.buttons for b in row]


async def test_a_declined_question_says_where_it_went_and_loses_the_button(chat: Chat) -> None:
    declined = await chat.say(TRAINEE, WEATHER)

    edit, notice = split(await chat.press(TRAINEE, button(declined, "问班主任")))

    assert edit.text.startswith(declined[0].text.split("\n\n")[0])  # the decline is kept
    assert TRACE.search(edit.text), edit.text
    assert "也可以把问题转给班主任" not in edit.text and edit.buttons == ()
    # The message says it all: a short toast, not a box to dismiss.
    assert notice.text == "✅ 已转给班主任，回复会发到与我的私聊里。" and not notice.alert
    ((to_manager, _),) = chat.messenger.to(MANAGER)
    assert to_manager.startswith(f"🙋 <b>学员提问</b> · 语文一班\n用户{TRAINEE}：{WEATHER}")

    # Pressed again (an older copy of the message): the same trace, nothing sent twice.
    edit, notice = split(await chat.press(TRAINEE, button(declined, "问班主任")))
    assert TRACE.search(edit.text) and "已经转给班主任" in notice.text
    assert len(chat.messenger.to(MANAGER)) == 1


async def test_an_answer_keeps_its_page_and_buttons_but_not_the_handoff(chat: Chat) -> None:
    first = await chat.say(TRAINEE, SURE)
    second = await chat.press(TRAINEE, button(first, "更多"))
    page = next(r for r in second if isinstance(r, Edit))
    assert "第 2/" in page.text

    edit, _ = split(await chat.press(TRAINEE, button(second, "问班主任")))

    assert edit.text.startswith(page.text) and TRACE.search(edit.text), edit.text
    assert labels(edit) == ["👍 有帮助", "👎 没帮助", "◀ 上一条", "更多 ▶"]
    # Paging back keeps the trace; 👍 still works.
    back = next(
        r for r in await chat.press(TRAINEE, button([edit], "上一条")) if isinstance(r, Edit)
    )
    assert "第 1/" in back.text and TRACE.search(back.text)
    assert "🙋 问班主任" not in labels(back) and "更多 ▶" in labels(back)
    assert text_of(await chat.press(TRAINEE, button([back], "👍"))) == "谢谢反馈 👍"
    thumbs_down = await chat.press(TRAINEE, button([back], "👎"))
    assert "已经转给班主任" in text_of(thumbs_down) and "点「问班主任」" not in text_of(
        thumbs_down
    )


async def test_a_question_asked_in_a_group_says_the_reply_comes_privately(chat: Chat) -> None:
    asked = await chat.say(TRAINEE, f"/ask {WEATHER}", chat_type="group")
    edit, _ = split(await chat.press(TRAINEE, button(asked, "问班主任")))
    assert re.search(r"转给班主任 王老师，回复会发到与我的私聊里。$", edit.text), edit.text


async def test_a_class_without_a_manager_says_it_went_to_the_admins(chat: Chat) -> None:
    await chat.say(ADMIN, f"/removemanager {MANAGER}")
    declined = await chat.say(TRAINEE, WEATHER)

    edit, notice = split(await chat.press(TRAINEE, button(declined, "问班主任")))

    assert re.search(r"✅ 已于 \d\d:\d\d 转给管理员，回复会发到这里。$", edit.text), edit.text
    assert "目前没有班主任" in notice.text and notice.alert  # news worth a box


async def test_a_question_nobody_got_keeps_its_button(chat: Chat) -> None:
    chat.messenger.unreachable.add(MANAGER)
    declined = await chat.say(TRAINEE, WEATHER)

    (notice,) = await chat.press(TRAINEE, button(declined, "问班主任"))

    assert isinstance(notice, Notice) and "暂时联系不上班主任" in notice.text and notice.alert


async def test_unanswered_lists_the_handed_off_questions_first(chat: Chat) -> None:
    handed = await chat.say(TRAINEE, WEATHER)
    await chat.press(TRAINEE, button(handed, "问班主任"))
    await chat.say(TRAINEE, "明天上海会下雨吗")  # newer, declined, not handed off
    thumbs = await chat.say(TRAINEE, SURE)
    await chat.press(TRAINEE, button(thumbs, "👎"))
    await chat.press(TRAINEE, button(thumbs, "问班主任"))

    text = text_of(await chat.say(MANAGER, "/unanswered"))

    assert "（最近 30 天，共 3 条，🙋 等您回复的在前，其余新的在前）" in text
    entries = text.split("\n\n")[1:]
    assert [e.split("\n")[1] for e in entries] == [SURE, WEATHER, "明天上海会下雨吗"]
    assert entries[0].split("\n")[0].endswith(" · 🙋 等您回复（👎 认为没帮助）")
    assert entries[1].split("\n")[0].endswith(" · 🙋 等您回复（未能回答）")
    assert entries[2].split("\n")[0].endswith(" · 未能回答")


async def test_the_re_answer_prompt_has_no_doubled_full_stop(chat: Chat) -> None:
    declined = await chat.say(TRAINEE, WEATHER)
    await chat.press(TRAINEE, button(declined, "问班主任"))
    ((_, buttons),) = chat.messenger.to(MANAGER)
    answer = buttons[0][0].data
    await chat.press(MANAGER, answer)
    assert "已把回答发给学员" in text_of(
        await chat.say(MANAGER, "请关注天气预报,工作日 9:00-17:00。")
    )

    prompt = text_of(await chat.press(MANAGER, answer))

    assert "已经回答过：「请关注天气预报,工作日 9:00-17:00。」再发一次会作为补充回答" in prompt
    assert "。」。" not in prompt


async def test_the_time_names_the_day_when_it_is_not_today() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    at = datetime(2026, 12, 5, 11, 46, tzinfo=UTC)  # 19:46 in Beijing
    assert handoff_time(at, zone, datetime(2026, 12, 5, 23, 0, tzinfo=zone)) == "19:46"
    assert handoff_time(at, zone, datetime(2026, 12, 6, 8, 0, tzinfo=zone)) == "12月5日 19:46"


async def test_the_buttons_of_an_old_message_still_hand_off(chat: Chat) -> None:
    """A message sent before the page was added to the button (kb:1:ho:<id>) still works."""
    declined = await chat.say(TRAINEE, WEATHER)
    old = button(declined, "问班主任").rsplit(":", 1)[0]
    edit, _ = split(await chat.press(TRAINEE, old))
    assert TRACE.search(edit.text)
    assert buttons_of([edit]) == []
