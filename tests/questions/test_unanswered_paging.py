"""/unanswered with 150 waiting questions (QA M5): the header says how many wait in all, ten to
a page with ◀ / ▶ and 「最早的 ⏭」, the oldest reachable and answerable, and every page within
Telegram's 4,096 visible units whatever the names (64 + 64 characters, emoji, `<b>`, `&`) and
questions (1,000 characters, mostly emoji). Through the conversation core, on SQLite and
PostgreSQL, for a manager and for an admin (who sees everyone's)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import Edit, Reply, Send
from bot.db import crud, question_crud
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from handlers.unanswered import clip
from tests.questions.conftest import ADMIN, MANAGER, Chat, button, buttons_of, open_chat, text_of

TRAINEES = range(3000, 3015)
FIRST = "🌸" * 56 + "张老师&<b>"  # 64 characters
LAST = "🌸" * 64


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def ask_many(chat: Chat, count: int) -> list[int]:
    """`count` different declined questions from the class's trainees, oldest first."""
    ids = []
    with chat.services.session() as session:
        (training_class,) = crud.classes_managed_by(session, manager_id=MANAGER)
        for user_id in TRAINEES:
            crud.upsert_user(session, user_id=user_id, first_name=FIRST, last_name=LAST)
            crud.join_class(session, user_id=user_id, class_id=training_class.id)
        for number in range(count):
            question = f"第{number}问<b>&</b>" + "😀🌸" * 500
            log = question_crud.log_question(
                session,
                user_id=TRAINEES[number % len(TRAINEES)],
                chat_id=TRAINEES[number % len(TRAINEES)],
                question=question,
                answered=False,
                reason="out_of_scope",
            )
            ids.append(log.id)
    return ids


def shown(replies: list[Reply]) -> Send | Edit:
    (message,) = (r for r in replies if isinstance(r, Send | Edit))
    units = visible_length(message.text)
    assert units <= MAX_MESSAGE_UNITS, units
    assert sum(len(row) for row in message.buttons) <= MAX_BUTTONS
    return message


def answer_buttons(replies: list[Reply]) -> dict[int, int]:
    """「✍️ 回答第 N 条」: N → the question's id (`kbm:1:ans:<id>:<days>:<page>`)."""
    return {
        int(found.group(1)): int(b.data.split(":")[3])
        for b in buttons_of(replies)
        if (found := re.fullmatch(r"✍️ 回答第 (\d+) 条", b.text))
    }


@pytest.mark.parametrize("who", [MANAGER, ADMIN])
async def test_150_questions_are_paged_and_fit(chat: Chat, who: int) -> None:
    ids = ask_many(chat, 150)
    pages = [await chat.say(who, "/unanswered")]
    while any(b.text == "下一页 ▶" for b in buttons_of(pages[-1])):
        pages.append(await chat.press(who, button(pages[-1], "下一页")))
    assert len(pages) == 15
    lengths = [visible_length(shown(page).text) for page in pages]
    assert max(lengths) <= 3500, lengths
    listed: dict[int, int] = {}
    for number, page in enumerate(pages, start=1):
        text = text_of(page)
        assert "（最近 30 天，共 150 条，新的在前）" in text
        assert f"第 {number}/15 页" in text
        listed |= answer_buttons(page)
    assert listed == {n: ids[150 - n] for n in range(1, 151)}  # newest first, all of them
    # Names and questions are cut before escaping: no broken entity, the tags shown as text.
    first = text_of(pages[0])
    assert "第149问&lt;b&gt;&amp;&lt;/b&gt;😀🌸" in first and "…" in first
    assert not re.search(r"&[a-z]*…", first)
    assert "张老师&amp;&lt;b&gt;" not in first  # 64 + 64 characters shortened to 20
    # 「最早的 ⏭」 reaches the longest-waiting questions in one tap; ◀ goes back.
    oldest = await chat.press(who, button(pages[0], "最早的"))
    assert answer_buttons(oldest) == answer_buttons(pages[-1])
    assert "第 15/15 页" in text_of(oldest) and "第0问" in text_of(oldest)
    assert "最早的 ⏭" not in [b.text for b in buttons_of(pages[-2])]  # 下一页 is the last
    back = await chat.press(who, button(oldest, "上一页"))
    assert "第 14/15 页" in text_of(back)
    # The oldest can be answered.
    start = await chat.press(who, f"kbm:1:ans:{ids[0]}")
    assert "请直接发送您的回答" in text_of(start)
    reply = text_of(await chat.say(who, "请看培训手册第3页。"))
    assert "回答已保存" in reply or "已把回答发给学员" in reply
    after = await chat.say(who, "/unanswered")
    assert "共 149 条" in text_of(after)


async def test_a_page_past_the_end_and_forged_page_buttons(chat: Chat) -> None:
    ask_many(chat, 12)
    listing = await chat.say(MANAGER, "/unanswered 7")
    assert "（最近 7 天，共 12 条，新的在前）" in text_of(listing)
    following = button(listing, "下一页")
    assert following == "kbm:1:pg:7:1"  # the days asked for are kept
    assert "最早的 ⏭" not in [b.text for b in buttons_of(listing)]  # two pages only
    # A page that no longer exists (questions answered meanwhile) shows the last one.
    assert "第 2/2 页" in text_of(await chat.press(MANAGER, "kbm:1:pg:7:9"))
    for forged in (
        "kbm:1:pg:0:1",
        "kbm:1:pg:9999:1",
        "kbm:1:pg:7:x",
        "kbm:1:pg:7",
        "kbm:2:pg:7:1",
    ):
        assert "已失效" in text_of(await chat.press(MANAGER, forged)), forged


def test_clip_counts_utf16_units() -> None:
    assert clip("问" * 200, 200) == "问" * 200
    assert clip("问" * 201, 200) == "问" * 199 + "…"
    assert clip("😀" * 200, 200) == "😀" * 99 + "…"  # 199 units
    assert clip("a😀", 2) == "a…"
