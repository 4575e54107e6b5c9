"""「🗑 忽略」 in /unanswered (QA13 M8): junk a trainee asked (「双色球开奖号码」) is set aside in
one tap, for every manager who would see it (the trainee's other class's manager, admins), with
its repeats; the trainee is sent nothing; the page is shown again saying so, with
「↩️ 撤销忽略」, which brings it back. Forged or stale button data is refused in Chinese and
changes nothing; a question answered or dismissed meanwhile is left alone. /kbstats counts a
dismissed question as 忽略, never as answered. Through the conversation core on SQLite and
PostgreSQL; across a restart of the real bot: tests/e2e/test_unanswered_dismiss.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.chat import Edit, Notice, Reply
from bot.db import question_crud
from bot.db.models import utcnow
from bot.db.question_models import QuestionLog
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    OTHER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    text_of,
)
from tests.questions.dismissals import (
    LOTTERY,
    SHOWN,
    WANG_FANG,
    WEATHER,
    declined,
    open_two_class_chat,
)

STALE = "这个按钮已失效，请重新发送 /unanswered。"
DISMISS = "🗑 忽略"
UNDO = "↩️ 撤销忽略"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_two_class_chat(database_url, tmp_path, index_cache)


def edited(replies: list[Reply]) -> Edit:
    (edit,) = [r for r in replies if isinstance(r, Edit)]
    return edit


def alert(replies: list[Reply]) -> str:
    (notice,) = replies
    assert isinstance(notice, Notice) and notice.alert
    return notice.text


def row_of(replies: list[Reply], number: int) -> list[str]:
    """The button texts of entry `number`'s row (the row starting 「✍️ 回答第 N 条」)."""
    for reply in replies:
        for row in getattr(reply, "buttons", ()):
            if row and row[0].text == f"✍️ 回答第 {number} 条":
                return [b.text for b in row]
    raise AssertionError(f"no row for entry {number}")


def dismiss_data(replies: list[Reply], number: int) -> str:
    for reply in replies:
        for row in getattr(reply, "buttons", ()):
            if row and row[0].text == f"✍️ 回答第 {number} 条":
                (found,) = [b.data for b in row if b.text == DISMISS]
                assert found is not None
                return found
    raise AssertionError(f"no row for entry {number}")


def trainee_messages(chat: Chat) -> list[str]:
    return [text for text, _ in chat.messenger.to(TRAINEE)]


def stored(chat: Chat, question_id: int) -> QuestionLog:
    with chat.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
    assert question is not None
    return question


async def test_junk_is_dismissed_for_every_manager_and_the_trainee_hears_nothing(
    chat: Chat,
) -> None:
    weather = await declined(chat, WEATHER)
    lottery = await declined(chat, LOTTERY)
    listing = await chat.say(MANAGER, "/unanswered")
    assert row_of(listing, 1) == ["✍️ 回答第 1 条", DISMISS]
    assert row_of(listing, 2) == ["✍️ 回答第 2 条", DISMISS]
    assert dismiss_data(listing, 1) == f"kbm:1:dis:{lottery}:30:0"  # newest first
    before = trainee_messages(chat)

    pressed = await chat.press(MANAGER, dismiss_data(listing, 1))

    page = edited(pressed)
    assert page.message_id is None  # the list pressed in
    assert page.text.startswith(
        f"🗑 已忽略「{LOTTERY}」。它已从所有老师的 /unanswered 里移除（学员所在各班的"
        "班主任和管理员都不再看到）；学员不会收到任何消息。\n\n"
        "🙋 <b>待解答的问题</b>（最近 30 天，共 1 条，新的在前）"
    )
    assert LOTTERY not in page.text.split("\n\n", 1)[1] and WEATHER in page.text
    assert [b.text for b in buttons_of([page])] == ["✍️ 回答第 1 条", DISMISS, UNDO, SHOWN]
    assert page.text.endswith("\n\n<i>已忽略 1 条（最近 30 天）</i>")
    assert Notice("已忽略，学员不会收到任何消息") in pressed
    assert trainee_messages(chat) == before
    assert stored(chat, lottery).dismissed_by == MANAGER
    assert stored(chat, lottery).manager_answer is None
    # Settled for everyone who would see it: the other class's manager and the admin.
    for who in (MANAGER, WANG_FANG, ADMIN):
        again = text_of(await chat.say(who, "/unanswered"))
        assert LOTTERY not in again and WEATHER in again, who
    assert stored(chat, weather).dismissed_at is None


async def test_the_last_question_dismissed_leaves_an_empty_list_with_undo(chat: Chat) -> None:
    question_id = await declined(chat, LOTTERY)
    listing = await chat.say(MANAGER, "/unanswered 7")

    page = edited(await chat.press(MANAGER, dismiss_data(listing, 1)))

    assert page.text.endswith(
        "\n\n👍 最近 7 天没有待解答的问题。\n\n<i>已忽略 1 条（最近 7 天）</i>"
    )
    ((undo,), (shown,)) = page.buttons
    assert (undo.text, undo.data) == (UNDO, f"kbm:1:und:{question_id}:7:0")
    assert (shown.text, shown.data) == (SHOWN, "kbm:1:dpg:7:0")

    restored = await chat.press(MANAGER, undo.data)

    back = edited(restored)
    assert back.text.startswith(f"↩️ 已撤销忽略：「{LOTTERY}」又回到了待解答的列表里。\n\n")
    assert LOTTERY in back.text.split("\n\n", 1)[1]
    assert row_of([back], 1) == ["✍️ 回答第 1 条", DISMISS]
    assert stored(chat, question_id).dismissed_at is None
    assert LOTTERY in text_of(await chat.say(WANG_FANG, "/unanswered"))
    # Pressed again: it says so and changes nothing.
    assert alert(await chat.press(MANAGER, undo.data)) == "已经撤销过了，这个问题没有被忽略。"
    assert stored(chat, question_id).dismissed_at is None


async def test_a_question_asked_twice_is_dismissed_with_its_repeat(chat: Chat) -> None:
    first = await declined(chat, LOTTERY)
    second = await declined(chat, f"{LOTTERY}？")
    listing = await chat.say(MANAGER, "/unanswered")
    assert "（问了 2 次）" in text_of(listing)

    page = edited(await chat.press(MANAGER, dismiss_data(listing, 1)))

    assert "（学员问了 2 次，都已忽略）" in page.text
    assert stored(chat, first).dismissed_at == stored(chat, second).dismissed_at is not None
    undo = button([page], UNDO)
    await chat.press(MANAGER, undo)
    assert stored(chat, first).dismissed_at is None and stored(chat, second).dismissed_at is None
    assert "（问了 2 次）" in text_of(await chat.say(MANAGER, "/unanswered"))


async def test_a_handed_off_question_asks_first_and_then_tells_the_trainee_once(
    chat: Chat,
) -> None:
    reply = await chat.say(TRAINEE, LOTTERY)
    await chat.press(TRAINEE, button(reply, "问班主任"))
    listing = await chat.say(MANAGER, "/unanswered")
    assert "🙋 等您回复" in text_of(listing)
    question_id = int(dismiss_data(listing, 1).split(":")[3])
    before = trainee_messages(chat)

    asked = edited(await chat.press(MANAGER, dismiss_data(listing, 1)))

    # Nothing is dismissed yet: the list's message asks, in place.
    assert asked.message_id is None
    assert asked.text == (
        f"🗑 要忽略「{LOTTERY}」吗？\n\n这位学员点过「问班主任」，还在等您回复。确定忽略吗？"
        "忽略后学员不会收到回复，我会告诉学员：班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
    )
    ((confirm, back),) = asked.buttons
    assert (confirm.text, confirm.data) == ("🗑 确定忽略", f"kbm:1:dsy:{question_id}:30:0")
    assert (back.text, back.data) == ("↩️ 返回", "kbm:1:pg:30:0")
    assert stored(chat, question_id).dismissed_at is None
    assert trainee_messages(chat) == before
    # 返回 shows the list again, the question still in it.
    returned = edited(await chat.press(MANAGER, back.data))
    assert LOTTERY in returned.text and row_of([returned], 1)[-1] == DISMISS

    done = await chat.press(MANAGER, confirm.data)

    told = f"您转给班主任的问题「{LOTTERY}」班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
    assert trainee_messages(chat) == [*before, told]
    page = edited(done)
    assert f"这位学员点过「问班主任」，我已告诉学员：{told}" in page.text
    assert "学员不会收到任何消息" not in page.text
    assert Notice("已忽略，已告诉学员班主任暂时无法回复") in done
    assert stored(chat, question_id).dismissed_by == MANAGER
    # A second press of 确定 (or another manager's) tells the trainee nothing more.
    again = await chat.press(MANAGER, confirm.data)
    late = await chat.press(WANG_FANG, confirm.data)
    assert Notice("您已经忽略过这个问题了。") in again
    assert Notice(f"用户{MANAGER} 已经忽略了这个问题，不用再忽略。") in late
    assert trainee_messages(chat) == [*before, told]


async def test_a_trainee_who_cannot_be_reached_is_reported(chat: Chat) -> None:
    await chat.press(TRAINEE, button(await chat.say(TRAINEE, LOTTERY), "问班主任"))
    listing = await chat.say(MANAGER, "/unanswered")
    question_id = int(dismiss_data(listing, 1).split(":")[3])
    chat.messenger.unreachable.add(TRAINEE)

    done = await chat.press(MANAGER, f"kbm:1:dsy:{question_id}:30:0")

    assert "但没能告诉学员班主任暂时无法回复（发送失败）" in edited(done).text
    assert Notice("已忽略，但没能告诉学员") in done
    assert stored(chat, question_id).dismissed_at is not None


async def test_junk_is_still_dismissed_in_one_tap(chat: Chat) -> None:
    question_id = await declined(chat, LOTTERY)
    listing = await chat.say(MANAGER, "/unanswered")

    pressed = await chat.press(MANAGER, dismiss_data(listing, 1))

    assert edited(pressed).text.startswith(f"🗑 已忽略「{LOTTERY}」")
    assert stored(chat, question_id).dismissed_at is not None


async def test_pressed_again_or_by_another_manager_nothing_changes(chat: Chat) -> None:
    question_id = await declined(chat, LOTTERY)
    other_id = await declined(chat, WEATHER)
    mine = await chat.say(MANAGER, "/unanswered")
    hers = await chat.say(WANG_FANG, "/unanswered")
    lottery_mine = f"kbm:1:dis:{question_id}:30:0"
    assert lottery_mine in [b.data for b in buttons_of(mine)]
    await chat.press(MANAGER, lottery_mine)
    at = stored(chat, question_id).dismissed_at

    twice = await chat.press(MANAGER, lottery_mine)
    late = await chat.press(WANG_FANG, f"kbm:1:dis:{question_id}:30:0")

    assert Notice("您已经忽略过这个问题了。") in twice
    assert edited(twice).text.startswith(f"⚠️ 「{LOTTERY}」您已经忽略过这个问题了。\n\n")
    assert Notice(f"用户{MANAGER} 已经忽略了这个问题，不用再忽略。") in late
    page = edited(late)  # her page shown again, without it
    assert LOTTERY not in page.text.split("\n\n", 1)[1] and WEATHER in page.text
    assert stored(chat, question_id).dismissed_at == at
    assert stored(chat, question_id).dismissed_by == MANAGER
    assert hers  # her list was shown before the dismissal
    assert stored(chat, other_id).dismissed_at is None


async def test_an_answered_question_is_not_dismissed(chat: Chat) -> None:
    question_id = await declined(chat, LOTTERY)
    listing = await chat.say(MANAGER, "/unanswered")
    with chat.services.session() as session:  # 王芳 answers it meanwhile
        question_crud.save_manager_answer(
            session, question_id=question_id, manager_id=WANG_FANG, answer="这个不归培训管。"
        )

    pressed = await chat.press(MANAGER, dismiss_data(listing, 1))

    assert Notice("已经有老师回答了这个问题，没有忽略。") in pressed
    assert stored(chat, question_id).dismissed_at is None


@pytest.mark.parametrize(
    "forged",
    [
        "kbm:1:dis:999999:30:0",  # no such question
        "kbm:1:dis:abc:30:0",
        "kbm:1:dis:{id}:0:0",  # days out of range
        "kbm:1:dis:{id}:30:x",
        "kbm:1:dis:{id}:30",  # the page is missing
        "kbm:1:dis:{id}:ho",  # only /unanswered has the button
        "kbm:1:dis:{id}",
        "kbm:1:und:{id}:30:-1",
        "kbm:1:dsy:{id}:30",  # the confirmation's 确定, cut
        "kbm:1:dsy:{id}:ho",
        "kbm:1:dsy:x{id}:30:0",
        "kbm:1:dpg:0:0",  # the dismissed list: days out of range
        "kbm:1:dpg:30:x",
        "kbm:1:dpg:30",
        "kbm:1:rst:{id}:30",  # its 撤销忽略, cut
        "kbm:1:rst:abc:30:0",
        "kbm:1:rst:{id}:0:0",
        "kbm:1:rst:999999:30:0",
        "kbm:2:dis:{id}:30:0",
    ],
)
async def test_forged_data_is_refused_and_changes_nothing(chat: Chat, forged: str) -> None:
    question_id = await declined(chat, LOTTERY)

    refused = await chat.press(MANAGER, forged.format(id=question_id))

    assert alert(refused) == STALE
    assert stored(chat, question_id).dismissed_at is None


async def test_questions_the_manager_may_not_touch_are_refused(chat: Chat) -> None:
    outsider = await declined(chat, LOTTERY, user_id=OTHER)  # in no class
    answered = await chat.say(TRAINEE, "国培计划包括哪些内容？")  # the bot answered it
    assert "问班主任" in str(buttons_of(answered))
    with chat.services.session() as session:
        answered_id = max(q.id for q in session.exec(select(QuestionLog)))

    foreign = await chat.press(MANAGER, f"kbm:1:dis:{outsider}:30:0")
    needless = await chat.press(MANAGER, f"kbm:1:dis:{answered_id}:30:0")
    trainee = await chat.press(TRAINEE, f"kbm:1:dis:{outsider}:30:0")

    assert alert(foreign) == "这个问题不是您班学员提的，您不能忽略。"
    assert Notice("这个问题不在待解答的列表里，没有改动。") in needless
    assert "班主任" in alert(trainee)  # the role guard
    assert stored(chat, outsider).dismissed_at is None
    assert stored(chat, answered_id).dismissed_at is None
    # The admin may (they see every question).
    await chat.press(ADMIN, f"kbm:1:dis:{outsider}:30:0")
    assert stored(chat, outsider).dismissed_by == ADMIN


async def test_kbstats_counts_dismissed_questions_apart_from_answered_ones(chat: Chat) -> None:
    lottery = await declined(chat, LOTTERY)
    weather = await declined(chat, WEATHER)
    await chat.press(MANAGER, f"kbm:1:dis:{lottery}:30:0")
    answer = await chat.press(MANAGER, f"kbm:1:ans:{weather}:30:0")
    assert "请直接发送您的回答" in text_of(answer)
    sent = await chat.say(MANAGER, "明天多云，记得带伞。")
    assert "✅ 已把回答发给学员" in text_of(sent), text_of(sent)
    assert stored(chat, weather).manager_answer is not None

    with chat.services.session() as session:
        stats = question_crud.question_stats(session, since=utcnow() - timedelta(days=1))
    report = text_of(await chat.say(ADMIN, "/kbstats"))

    assert (stats.manager_answered, stats.dismissed, stats.manager_answered_unasked) == (1, 1, 1)
    assert (
        "转给班主任 0，班主任已回答 1（其中 1 条学员没有转来，是从 /unanswered 回答的），"
        "忽略 1（不算已回答）" in report
    )
