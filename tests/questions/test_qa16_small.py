"""QA16 L1–L3 in the chat.

L1: a broadcast text typed after its wait expired gets a ⌛ line that says /broadcast was
cancelled, not 「要群发，请重新发送 /broadcast」, since the 「📢 群发这段文字」 offer follows;
where no offer follows the line still says to send /broadcast again.
L2: a closing time typed after the wait for it expired gets the survey's confirmation (the
template and class chosen before), saying /survey timed out; nothing is sent before
「✅ 确认发送」. Text that is not a closing time is told to send /survey again.
L3: an unsure answer's header and the 👎 toast send only an asker in a class to 问班主任, and
only such an asker gets the 🙋 问班主任 button under an answer (QA18 F4).
"""

from __future__ import annotations

from sqlmodel import select

from bot.chat import Notice, Send
from bot.db.survey_models import Survey
from tests.questions.conftest import MANAGER, OTHER, TRAINEE, button, buttons_of, text_of
from tests.questions.test_qa15_expired_input import (
    GATHERING,
    age_pending,
    broadcasts,
    questions_logged,
)

UNSURE = "没有十足把握"
SEVERAL_HITS = "普通话培训班在哪里举办"  # unsure, an overview of several clauses
ONE_HIT = "参训教师年龄有什么要求"  # unsure, the one clause in full


def surveys(chat) -> list[Survey]:  # type: ignore[no-untyped-def]
    with chat.services.session() as session:
        return list(session.exec(select(Survey)))


# ----- L1 ------------------------------------------------------------------------------------


async def test_the_expired_line_before_the_broadcast_offer_does_not_say_to_resend(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, GATHERING)

    line, offer = (r.text for r in late if isinstance(r, Send))
    assert line.startswith("⌛") and "之前的 /broadcast 已自动取消" in line
    assert "重新发送" not in line and "相应的按钮" not in line
    assert "要群发刚才这段文字吗" in offer and button(late, "群发这段文字")
    assert broadcasts(chat) == []


async def test_without_an_offer_the_expired_line_still_says_to_resend(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, "取消")  # nothing to offer

    said = text_of(late)
    assert said.startswith("⌛") and "要群发，请重新发送 /broadcast" in said
    assert "群发这段文字" not in said and broadcasts(chat) == []


# ----- L2 ------------------------------------------------------------------------------------


async def waiting_for_closing_time(chat) -> None:  # type: ignore[no-untyped-def]
    """/survey → the first template → 语文一班 → ✍️ 输入截止时间, then 31 minutes pass."""
    picker = await chat.say(MANAGER, "/survey")
    classes = await chat.press(MANAGER, button(picker, "题"))
    closing = await chat.press(MANAGER, button(classes, "语文一班"))
    asked = await chat.press(MANAGER, button(closing, "输入截止时间"))
    assert "请发送截止时间" in text_of(asked)
    age_pending(chat, MANAGER, minutes=31)


async def test_a_closing_time_after_the_wait_expired_gets_the_confirmation(chat) -> None:
    await waiting_for_closing_time(chat)

    late = await chat.say(MANAGER, "下周五 18:00")

    line, confirm = (r.text for r in late if isinstance(r, Send))
    assert line.startswith("⌛") and "之前的 /survey 已自动取消" in line
    assert "重新发送 /survey" not in line and "没有处理" not in line
    assert "确认发送问卷" in confirm and "语文一班（1 人）" in confirm
    assert "刚发的截止时间" in confirm and "18:00" in confirm
    assert surveys(chat) == [] and questions_logged(chat) == []  # nothing sent unasked
    assert chat.messenger.to(TRAINEE) == []

    done = await chat.press(MANAGER, button(late, "确认发送"))

    assert "已向「语文一班」的 1 名学员发送问卷" in text_of(done)
    (survey,) = surveys(chat)
    assert survey.closes_at.minute == 0


async def test_other_text_after_the_closing_time_wait_expired_says_to_run_survey_again(
    chat,
) -> None:
    await waiting_for_closing_time(chat)

    late = text_of(await chat.say(MANAGER, "明天上课吗"))  # a question, not a closing time

    assert late.startswith("⌛") and "要发问卷，请重新发送 /survey" in late
    assert "确认发送问卷" not in late and surveys(chat) == []


# ----- L3 ------------------------------------------------------------------------------------


async def test_an_unsure_answer_sends_only_a_trainee_in_a_class_to_ask_the_manager(chat) -> None:
    for question in (SEVERAL_HITS, ONE_HIT):
        member = text_of(await chat.say(TRAINEE, question))
        outsider = text_of(await chat.say(OTHER, question))
        assert UNSURE in member and UNSURE in outsider, question
        assert "都不对的话点「问班主任」" in member
        header = outsider.split("</i>")[0]
        assert "问班主任" not in header and "换个说法再问" in header


async def test_the_thumbs_down_toast_sends_only_a_trainee_in_a_class_to_ask_the_manager(
    chat,
) -> None:
    member = await chat.say(TRAINEE, SEVERAL_HITS)
    outsider = await chat.say(OTHER, SEVERAL_HITS)

    (told_member,) = [
        r for r in await chat.press(TRAINEE, button(member, "👎")) if isinstance(r, Notice)
    ]
    (told_outsider,) = [
        r for r in await chat.press(OTHER, button(outsider, "👎")) if isinstance(r, Notice)
    ]

    assert "问班主任" in told_member.text
    assert "问班主任" not in told_outsider.text
    assert "换个说法再问" in told_outsider.text and "/join" in told_outsider.text


async def test_only_an_asker_in_a_class_gets_the_ask_the_manager_button(chat) -> None:
    """An asker in no class has no 班主任: the button only led to 「您还没有加入培训班」."""
    for question in (SEVERAL_HITS, ONE_HIT):
        member = await chat.say(TRAINEE, question)
        outsider = await chat.say(OTHER, question)
        assert any("问班主任" in b.text for b in buttons_of(member)), question
        labels = [b.text for b in buttons_of(outsider)]
        assert "👍 有帮助" in labels and not any("问班主任" in label for label in labels)
        if question == SEVERAL_HITS:  # the next pages keep it away too
            more = await chat.press(OTHER, button(outsider, "更多"))
            assert buttons_of(more) and not any("问班主任" in b.text for b in buttons_of(more))
