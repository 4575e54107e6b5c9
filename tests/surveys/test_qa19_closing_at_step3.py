"""QA19 F7: at /survey step 3 (「第 3 步：什么时候截止？」) a closing time typed instead of
pressing 「✍️ 输入截止时间」 is taken as the closing time: the confirmation page, nothing sent
before 「✅ 确认发送」. Step 3 only watches the text (`WATCHING`): any other text is a question
as before, a command ends the watch without a word, and so does another step's button."""

from __future__ import annotations

from bot.chat import Reply, Send
from bot.db import crud
from tests.questions.conftest import (  # noqa: F401 (the chat fixtures)
    MANAGER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    chat,
    index_cache,
    text_of,
)
from tests.questions.test_qa15_expired_input import age_pending, broadcasts, questions_logged
from tests.questions.test_qa16_small import surveys, waiting_for_closing_time

STEP_3 = "第 3 步：什么时候截止？"
POLICY_QUESTION = "培训期间能请假吗"


async def at_step_3(chat: Chat) -> list[Reply]:  # noqa: F811
    """/survey → the first template → 语文一班: the closing-time step, its buttons unpressed."""
    picker = await chat.say(MANAGER, "/survey")
    classes = await chat.press(MANAGER, button(picker, "题"))
    closing = await chat.press(MANAGER, button(classes, "语文一班"))
    assert STEP_3 in text_of(closing)
    return closing


def is_confirmation(replies: list[Reply]) -> bool:
    return "确认发送问卷" in text_of(replies) and any(
        "确认发送" in b.text for b in buttons_of(replies)
    )


async def test_a_time_typed_at_step_3_gets_the_confirmation(chat: Chat) -> None:  # noqa: F811
    await at_step_3(chat)

    confirm = await chat.say(MANAGER, "后天下午5点")

    text = text_of(confirm)
    assert is_confirmation(confirm), text
    assert "语文一班（1 人）" in text and "17:00" in text
    assert "/unanswered" not in text and "没有找到" not in text
    assert surveys(chat) == [] and questions_logged(chat) == []  # nothing sent, no question
    assert chat.messenger.to(TRAINEE) == []

    done = await chat.press(MANAGER, button(confirm, "确认发送"))

    assert "已向「语文一班」的 1 名学员发送问卷" in text_of(done)
    assert len(surveys(chat)) == 1
    again = await chat.say(MANAGER, "后天下午5点")  # the watch ended with the confirmation
    assert not is_confirmation(again)


async def test_other_text_at_step_3_is_still_a_question(chat: Chat) -> None:  # noqa: F811
    await at_step_3(chat)

    answer = await chat.say(MANAGER, POLICY_QUESTION)

    assert not is_confirmation(answer)
    assert "截止时间" not in text_of(answer)
    assert questions_logged(chat) == [POLICY_QUESTION]

    confirm = await chat.say(MANAGER, "明天 18:00")  # step 3 still watches after a question

    assert is_confirmation(confirm) and "18:00" in text_of(confirm)


async def test_a_question_starting_with_a_day_is_a_question(chat: Chat) -> None:  # noqa: F811
    await at_step_3(chat)

    for question in ("明天上课吗", "昨天的通知说了什么"):
        answer = await chat.say(MANAGER, question)
        assert not is_confirmation(answer)
        assert "已经过去" not in text_of(answer) and "截止时间" not in text_of(answer)
    assert questions_logged(chat) == ["明天上课吗", "昨天的通知说了什么"]


async def test_a_past_time_at_step_3_says_so_and_the_next_time_is_taken(
    chat: Chat,  # noqa: F811
) -> None:
    await at_step_3(chat)

    refused = await chat.say(MANAGER, "昨天")

    assert "问卷截止时间「昨天」已经过去了" in text_of(refused)
    assert "请再发一次截止时间" in text_of(refused)
    assert questions_logged(chat) == []
    assert is_confirmation(await chat.say(MANAGER, "3天后"))
    assert surveys(chat) == []


async def test_a_closing_button_ends_the_watch(chat: Chat) -> None:  # noqa: F811
    closing = await at_step_3(chat)
    confirm = await chat.press(MANAGER, button(closing, "1天后截止"))
    assert is_confirmation(confirm)

    later = await chat.say(MANAGER, "后天下午5点")

    assert not is_confirmation(later)
    assert questions_logged(chat) == ["后天下午5点"]


async def test_a_command_at_step_3_ends_the_watch_without_a_word(chat: Chat) -> None:  # noqa: F811
    await at_step_3(chat)

    help_text = text_of(await chat.say(MANAGER, "/help"))

    assert "已取消发送问卷" not in help_text
    assert not is_confirmation(await chat.say(MANAGER, "后天下午5点"))


async def test_after_half_an_hour_a_time_still_gets_the_confirmation_and_a_question_is_one(
    chat: Chat,  # noqa: F811
) -> None:
    await at_step_3(chat)
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, "后天下午5点")

    assert is_confirmation(late)
    assert not any(r.text.startswith("⌛") for r in late if isinstance(r, Send))
    assert surveys(chat) == []

    await at_step_3(chat)
    age_pending(chat, MANAGER, minutes=31)

    answer = await chat.say(MANAGER, POLICY_QUESTION)

    assert not is_confirmation(answer) and "⌛" not in text_of(answer)
    assert questions_logged(chat) == [POLICY_QUESTION]


async def test_step_3_does_not_replace_a_broadcast_text_awaited(chat: Chat) -> None:  # noqa: F811
    picker = await chat.say(MANAGER, "/survey")
    classes = await chat.press(MANAGER, button(picker, "题"))
    await chat.say(MANAGER, "/broadcast")  # now the broadcast text is awaited
    closing = await chat.press(MANAGER, button(classes, "语文一班"))  # an older message's button
    assert STEP_3 in text_of(closing)

    with chat.services.session() as session:
        pending = crud.get_pending(session, user_id=MANAGER)
        assert pending is not None and pending.kind != "survey_close"
    draft = await chat.say(MANAGER, "明天下午三点开班会")

    assert not is_confirmation(draft)  # the text is the broadcast's draft, as it was awaited
    assert [b.text for b in broadcasts(chat)] == ["明天下午三点开班会"]
    assert questions_logged(chat) == []


async def test_a_question_after_the_typed_wait_expired_is_not_a_past_closing_time(
    chat: Chat,  # noqa: F811
) -> None:
    await waiting_for_closing_time(chat)

    late = await chat.say(MANAGER, "昨天的通知说了什么")

    assert "已经过去" not in text_of(late) and not is_confirmation(late)
    assert "没有处理" in text_of(late)  # the ⌛ line: send the question again
