"""QA16 M3 and M4: what is typed after an input expired (30 minutes) is offered with one button,
and the button acts once. A reply to a trainee is offered (「要把这段话作为回复发给学员吗？」):
one tap sends it with the usual delivery (a dismissed question is brought back), a second tap
only toasts. A second or late tap on 「📢 群发这段文字」 only toasts: the confirmation or the
delivery report it finds in that message stays as it is."""

from __future__ import annotations

from sqlmodel import select

from bot.chat import Edit, Notice, Reply, Send
from bot.db import crud
from bot.db.question_models import QuestionLog
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, button, text_of
from tests.questions.test_qa15_expired_input import (
    GATHERING,
    age_pending,
    broadcasts,
    questions_logged,
)

REPLY = "下雨照常上课，请带好雨具。"
UNDISMISSED = "↩️ 这个问题之前被忽略了，您回答后已撤销忽略。"


def only_a_toast(replies: list[Reply]) -> str:
    """The toast of a press that changed no message; fails if it edited or sent one."""
    assert not any(isinstance(r, Edit | Send) for r in replies), replies
    (notice,) = [r for r in replies if isinstance(r, Notice)]
    return notice.text


def sent_to_trainee(chat) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for text, _ in chat.messenger.to(TRAINEE)]


async def reply_pressed_from_handoff(chat) -> int:  # type: ignore[no-untyped-def]
    """The trainee hands a question on, the manager presses 「回答」 in the 问班主任 message;
    the question's id."""
    declined = await chat.say(TRAINEE, "明天北京天气怎么样")
    await chat.press(TRAINEE, button(declined, "问班主任"))
    (to_manager,) = chat.messenger.to(MANAGER)
    await chat.press(MANAGER, to_manager[1][0][0].data)
    with chat.services.session() as session:
        return max(q.id for q in session.exec(select(QuestionLog)))


async def test_a_second_tap_on_the_broadcast_offer_leaves_the_confirmation(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, GATHERING)
    confirm = await chat.press(MANAGER, button(late, "群发这段文字"))
    assert "确认群发" in text_of(confirm)

    again = only_a_toast(await chat.press(MANAGER, button(late, "群发这段文字")))

    assert "已经处理过了" in again and "没有再群发" in again
    assert len(broadcasts(chat)) == 1  # no second draft
    started = await chat.press(MANAGER, button(confirm, "确认发送"))  # the card still works
    assert "开始发送" in text_of(started)


async def test_a_late_tap_on_the_broadcast_offer_leaves_the_report(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, GATHERING)
    confirm = await chat.press(MANAGER, button(late, "群发这段文字"))
    await chat.press(MANAGER, button(confirm, "确认发送"))

    again = only_a_toast(await chat.press(MANAGER, button(late, "群发这段文字")))

    assert "没有再群发" in again
    (only,) = broadcasts(chat)
    assert only.status == "sending"


async def test_an_older_offer_does_not_broadcast_a_newer_text(chat) -> None:
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)
    older = await chat.say(MANAGER, GATHERING)
    await chat.say(MANAGER, "/broadcast")
    age_pending(chat, MANAGER, minutes=31)
    newer = await chat.say(MANAGER, "周六上午8点集合拍毕业照")

    only_a_toast(await chat.press(MANAGER, button(older, "群发这段文字")))
    assert broadcasts(chat) == []
    confirm = await chat.press(MANAGER, button(newer, "群发这段文字"))
    assert "周六上午8点集合拍毕业照" in text_of(confirm)


async def test_a_reply_typed_after_the_wait_expired_is_offered_and_sent_once(chat) -> None:
    await reply_pressed_from_handoff(chat)
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, REPLY)

    said = text_of(late)
    assert said.startswith("⌛") and "要把这段话作为回复发给学员吗" in said and REPLY in said
    assert "没有找到" not in said and "按提问处理" not in said
    assert sent_to_trainee(chat) == [] and questions_logged(chat) == ["明天北京天气怎么样"]
    sent = await chat.press(MANAGER, button(late, "发给学员"))
    assert any(isinstance(r, Edit) and "学员" in r.text for r in sent)
    (letter,) = sent_to_trainee(chat)
    assert REPLY in letter and "明天北京天气怎么样" in letter

    again = only_a_toast(await chat.press(MANAGER, button(late, "发给学员")))

    assert "已经处理过了" in again and "没有再发送" in again
    assert len(sent_to_trainee(chat)) == 1


async def test_the_offered_reply_restores_a_dismissed_question(chat) -> None:
    question_id = await reply_pressed_from_handoff(chat)
    await chat.press(MANAGER, f"kbm:1:dis:{question_id}:30:0")
    await chat.press(MANAGER, f"kbm:1:dsy:{question_id}:30:0")
    with chat.services.session() as session:
        assert session.get(QuestionLog, question_id).dismissed_at is not None
    before = len(sent_to_trainee(chat))  # the trainee was told the manager cannot reply
    with chat.services.session() as session:  # 「回答」 pressed again in the 问班主任 message
        crud.set_pending(
            session, user_id=MANAGER, kind="handoff_answer", payload={"question_id": question_id}
        )
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, REPLY)

    sent = await chat.press(MANAGER, button(late, "发给学员"))

    assert UNDISMISSED in text_of(sent)
    assert REPLY in sent_to_trainee(chat)[before]
    with chat.services.session() as session:
        question = session.get(QuestionLog, question_id)
        assert question.dismissed_at is None and question.manager_answer == REPLY


async def test_the_reply_offer_ends_with_a_command(chat) -> None:
    await reply_pressed_from_handoff(chat)
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, REPLY)

    listed = text_of(await chat.say(MANAGER, "/myclass"))
    assert not listed.startswith("已取消")

    gone = only_a_toast(await chat.press(MANAGER, button(late, "发给学员")))
    assert "没有再发送" in gone and sent_to_trainee(chat) == []


async def test_cancel_after_the_wait_expired_offers_nothing(chat) -> None:
    await reply_pressed_from_handoff(chat)
    age_pending(chat, MANAGER, minutes=31)

    late = await chat.say(MANAGER, "取消")

    assert "这条消息没有处理" in text_of(late) and not any(
        getattr(r, "buttons", ()) for r in late
    )


async def test_the_offered_reply_is_held_back_when_someone_answered_meanwhile(chat) -> None:
    question_id = await reply_pressed_from_handoff(chat)
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, REPLY)
    await chat.press(ADMIN, f"kbm:1:ans:{question_id}")
    await chat.say(ADMIN, "明天有雨，照常上课。")
    assert len(sent_to_trainee(chat)) == 1

    held = await chat.press(MANAGER, button(late, "发给学员"))

    assert "仍要作为补充发给学员" in text_of(held) and REPLY in text_of(held)
    assert len(sent_to_trainee(chat)) == 1  # not sent unasked
    await chat.press(MANAGER, button(held, "仍要作为补充发给学员"))
    assert REPLY in sent_to_trainee(chat)[-1] and len(sent_to_trainee(chat)) == 2


async def test_the_offered_reply_sent_again_points_to_the_button(chat) -> None:
    await reply_pressed_from_handoff(chat)
    age_pending(chat, MANAGER, minutes=31)
    late = await chat.say(MANAGER, REPLY)

    again = text_of(await chat.say(MANAGER, REPLY))

    assert "还没有发给学员" in again and "发给学员" in again
    assert questions_logged(chat) == ["明天北京天气怎么样"] and sent_to_trainee(chat) == []
    await chat.say(MANAGER, "培训期间的交通费怎么报销")  # another text is a question
    assert questions_logged(chat)[-1] == "培训期间的交通费怎么报销"
    await chat.press(MANAGER, button(late, "发给学员"))  # and the offer stays
    assert len(sent_to_trainee(chat)) == 1
