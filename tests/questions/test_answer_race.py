"""Two managers of a trainee both press 「回答」 before either sends (QA10 H3): the first answer
reaches the trainee; the second is held back, its manager reads who answered, when and what,
and chooses 「仍要作为补充发给学员」 (sent once, as a supplement, however often pressed) or
「不发了」 (nothing is sent). 「📌 用标准答案回复」 over another manager's answer asks the same
way. A manager adding to their own answer, or to one the 「回答」 prompt already showed, is not
asked again. The trainee reads who answered: 「王芳老师回复了您的问题」, 「李强老师补充回复：」.
Through the conversation core on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.chat import Edit, Reply, Send
from bot.db import crud, question_crud
from handlers.ask import refresh_curated
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    TRAINEE,
    Chat,
    alert,
    button,
    buttons_of,
    text_of,
)
from tests.questions.test_two_managers_answer import OTHER_MANAGER, answers_to_trainee, handed_off
from tests.questions.test_two_managers_answer import chat as two_managers  # noqa: F401

WANG_FANG, LI_QIANG = MANAGER, OTHER_MANAGER  # 语文一班 and 数学二班; the trainee is in both
ASKED = "培训期间的住宿费谁出"
FIRST = "住宿由承训院校统一安排，费用从培训经费中列支。"
SECOND = "住宿费学员自理。"
SAVED_QUESTION = "今天北京天气怎么样"  # saved by the admin
SAVED_ANSWER = "请看中国天气网的北京预报，出门带伞。"
NEAR = "北京今天天气如何"  # close to it: 「📌 用标准答案回复」 is offered
SUPPLEMENT = "仍要作为补充发给学员"
DROP = "不发了"
WHEN = r"(\d+月\d+日 )?\d\d:\d\d"  # today's answers show the time only


@pytest.fixture
def chat(two_managers: Chat) -> Chat:  # noqa: F811
    """The trainee 小张 in 王芳's 语文一班 and 李强's 数学二班; the admin is 陈静."""
    two_managers.names.update(
        {WANG_FANG: "王芳", LI_QIANG: "李强", TRAINEE: "小张", ADMIN: "陈静"}
    )
    return two_managers


def letter(heading: str, answer: str, asked: str = ASKED) -> str:
    """A manager's answer as the trainee receives it."""
    return f"💬 <b>{heading}</b>\n问：{asked}\n\n答：{answer}"


def stored(chat: Chat, question: int) -> tuple[str | None, int | None]:
    """The question's recorded answer and who gave it."""
    with chat.services.session() as session:
        log = question_crud.get_question(session, question_id=question)
        assert log is not None
        return log.manager_answer, log.answered_by


async def both_pressed_and_first_sent(chat: Chat) -> tuple[int, list[Reply]]:
    """Both press 「回答」, 王芳 sends first, then 李强: the question and 李强's reply."""
    question = await handed_off(chat, ASKED)
    for manager in (WANG_FANG, LI_QIANG):
        assert "请直接发送您的回答" in text_of(await chat.press(manager, f"kbm:1:ans:{question}"))
    first = await chat.say(WANG_FANG, FIRST)
    assert text_of(first).startswith("✅ 已把回答发给学员。")
    return question, await chat.say(LI_QIANG, SECOND)


async def test_the_second_answer_is_held_and_shows_the_first(chat: Chat) -> None:
    question, held = await both_pressed_and_first_sent(chat)

    (prompt,) = held
    assert isinstance(prompt, Send)
    assert re.fullmatch(
        f"⚠️ 您点「回答」之后，这个问题班主任 王芳在 {WHEN} 已经回答过：「{FIRST}」\n\n"
        f"您的回答还没有发给学员：「{SECOND}」\n"
        "学员会收到两条回答，请先确认它们不互相矛盾。仍要作为补充发给学员吗？\n"
        "请点下面的按钮；直接再发文字会换掉这条回答，发送「取消」不发。\n\n"
        f"问题：{ASKED}",
        prompt.text,
    ), prompt.text
    assert [b.text for b in buttons_of(held)] == [f"📨 {SUPPLEMENT}", f"🚫 {DROP}"]
    assert answers_to_trainee(chat) == [letter("王芳老师回复了您的问题", FIRST)]
    assert stored(chat, question) == (FIRST, WANG_FANG)


async def test_confirmed_it_is_sent_once_as_a_supplement(chat: Chat) -> None:
    question, held = await both_pressed_and_first_sent(chat)
    confirm = button(held, SUPPLEMENT)

    at_once = await asyncio.gather(chat.press(LI_QIANG, confirm), chat.press(LI_QIANG, confirm))
    later = await chat.press(LI_QIANG, confirm)

    assert answers_to_trainee(chat) == [
        letter("王芳老师回复了您的问题", FIRST),
        letter("李强老师补充回复：", SECOND),
    ]
    sent, again = sorted(
        at_once, key=lambda replies: not any(isinstance(r, Edit) for r in replies)
    )
    (done,) = [r for r in sent if isinstance(r, Edit)]
    assert done.message_id is None and done.text.startswith("✅ 已把回答发给学员。")
    # The prompt's buttons are gone; one more part may follow (QA20 F6).
    assert [b.text for b in buttons_of([done])] == ["⭐ 保存为标准答案", "✍️ 再补充一段"]
    assert text_of(again) == text_of(later) == "这条回答已经发给学员了，没有重复发送。"
    # The first answer is kept, the supplement under it (what ⭐ would save).
    assert stored(chat, question) == (f"{FIRST}\n\n李强老师补充：{SECOND}", LI_QIANG)
    # 王芳, who answered first, is told (once).
    told = [text for text, _ in chat.messenger.to(WANG_FANG) if "补充回复了您回答过的问题" in text]
    assert told == [f"ℹ️ 李强老师给学员补充回复了您回答过的问题：「{SECOND}」\n\n问题：{ASKED}"]
    # The reply is over: 李强's next text is not another answer.
    await chat.say(LI_QIANG, "明天几点上课")
    assert len(answers_to_trainee(chat)) == 2


async def test_declined_nothing_is_sent(chat: Chat) -> None:
    question, held = await both_pressed_and_first_sent(chat)

    dropped = await chat.press(LI_QIANG, button(held, DROP))

    (edit,) = [r for r in dropped if isinstance(r, Edit)]
    assert edit.text == f"好的，没有发给学员。学员收到的是班主任 王芳的回答。\n\n问题：{ASKED}"
    assert edit.buttons == ()
    assert answers_to_trainee(chat) == [letter("王芳老师回复了您的问题", FIRST)]
    assert stored(chat, question) == (FIRST, WANG_FANG)
    # Neither the prompt's other button nor a later text sends it.
    refused = alert(await chat.press(LI_QIANG, button(held, SUPPLEMENT)))
    assert refused.startswith("这个按钮已失效，没有发送：这条回答已经不发了，")
    await chat.say(LI_QIANG, "明天几点上课")
    assert len(answers_to_trainee(chat)) == 1


async def test_a_newer_text_replaces_the_held_one(chat: Chat) -> None:
    _, held = await both_pressed_and_first_sent(chat)

    newer = await chat.say(LI_QIANG, "住宿费按当地标准由学员所在学校报销。")

    assert f"（之前待发的「{SECOND}」已换成下面这条。）\n" in text_of(newer)
    assert "您的回答还没有发给学员：「住宿费按当地标准由学员所在学校报销。」" in text_of(newer)
    assert [b.text for b in buttons_of(newer)] == [f"📨 {SUPPLEMENT}", f"🚫 {DROP}"]
    refused = alert(await chat.press(LI_QIANG, button(held, SUPPLEMENT)))
    assert refused.startswith("这个按钮已失效，没有发送：") and "您又写了新的回答" in refused
    assert len(answers_to_trainee(chat)) == 1
    await chat.press(LI_QIANG, button(newer, SUPPLEMENT))
    assert answers_to_trainee(chat)[1] == letter(
        "李强老师补充回复：", "住宿费按当地标准由学员所在学校报销。"
    )


async def test_an_answer_given_while_asking_is_shown_before_sending(chat: Chat) -> None:
    """The admin answers between the prompt and 李强's confirmation: 李强 is asked again."""
    question, held = await both_pressed_and_first_sent(chat)
    await chat.press(ADMIN, f"kbm:1:ans:{question}")
    assert text_of(await chat.say(ADMIN, "以承训院校的通知为准。")).startswith("✅ 已把回答")

    asked_again = await chat.press(LI_QIANG, button(held, SUPPLEMENT))

    (edit,) = [r for r in asked_again if isinstance(r, Edit)]
    # Both earlier answers are shown, the admin named as one, and this would be the third.
    assert "这个问题管理员 陈静在" in edit.text
    assert f"「{FIRST}\n\n陈静老师补充：以承训院校的通知为准。」" in edit.text
    assert "学员会收到 3 条回答" in edit.text
    assert [b.text for b in buttons_of([edit])] == [f"📨 {SUPPLEMENT}", f"🚫 {DROP}"]
    # The admin is named to the trainee too, and the admin's answer is a supplement.
    assert answers_to_trainee(chat)[1:] == [letter("陈静老师补充回复：", "以承训院校的通知为准。")]
    await chat.press(LI_QIANG, button([edit], SUPPLEMENT))
    assert answers_to_trainee(chat)[2] == letter("李强老师补充回复：", SECOND)


async def test_adding_to_ones_own_answer_is_not_asked(chat: Chat) -> None:
    question = await handed_off(chat, ASKED)
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.say(WANG_FANG, FIRST)

    prompt = text_of(await chat.press(WANG_FANG, f"kbm:1:ans:{question}"))
    sent = await chat.say(WANG_FANG, "报销时请保留住宿发票。")

    assert re.search(f"这个问题您在 {WHEN} 已经回答过：「{FIRST}」再发一次会作为补充回答", prompt)
    assert text_of(sent).startswith("✅ 已把回答发给学员。")
    assert answers_to_trainee(chat) == [
        letter("王芳老师回复了您的问题", FIRST),
        letter("王芳老师补充回复：", "报销时请保留住宿发票。"),
    ]


async def test_an_answer_the_prompt_showed_is_not_asked_about_again(chat: Chat) -> None:
    question = await handed_off(chat, ASKED)
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.say(WANG_FANG, FIRST)

    prompt = text_of(await chat.press(LI_QIANG, f"kbm:1:ans:{question}"))
    sent = await chat.say(LI_QIANG, SECOND)

    assert re.search(f"这个问题班主任 王芳在 {WHEN} 已经回答过：「{FIRST}」再发一次会", prompt)
    assert text_of(sent).startswith("✅ 已把回答发给学员。")
    assert answers_to_trainee(chat)[1] == letter("李强老师补充回复：", SECOND)


# ----- 📌 用标准答案回复 -------------------------------------------------------------------


def save_curated_answer(chat: Chat) -> int:
    """The admin saved SAVED_ANSWER; its id."""
    with chat.services.session() as session:
        crud.upsert_user(session, user_id=ADMIN, first_name="陈静")
        curated = question_crud.add_curated(
            session, question=SAVED_QUESTION, answer=SAVED_ANSWER, created_by=ADMIN
        )
    refresh_curated(chat.services)
    assert curated.id is not None
    return curated.id


async def test_the_saved_answer_over_another_answer_is_held(chat: Chat) -> None:
    save_curated_answer(chat)
    question = await handed_off(chat, NEAR)
    listing = await chat.say(LI_QIANG, "/unanswered")  # opened before 王芳 answered
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.say(WANG_FANG, "明天有雨，请带伞。")

    held = await chat.press(LI_QIANG, button(listing, "用标准答案回复"))

    assert re.match(
        f"⚠️ 这个问题班主任 王芳在 {WHEN} 已经回答过：「明天有雨，请带伞。」\n\n"
        f"陈静老师保存的标准答案还没有发给学员：「{SAVED_ANSWER}」\n",
        text_of(held),
    ), text_of(held)
    assert [b.text for b in buttons_of(held)] == [f"📨 {SUPPLEMENT}", f"🚫 {DROP}"]
    assert answers_to_trainee(chat) == [
        letter("王芳老师回复了您的问题", "明天有雨，请带伞。", NEAR)
    ]

    confirm = button(held, SUPPLEMENT)
    at_once = await asyncio.gather(chat.press(LI_QIANG, confirm), chat.press(LI_QIANG, confirm))

    assert answers_to_trainee(chat)[1:] == [letter("李强老师补充回复：", SAVED_ANSWER, NEAR)]
    texts = sorted(text_of(replies) for replies in at_once)
    assert texts[0].startswith("✅ 已把陈静老师保存的标准答案发给学员。")
    assert texts[1] == "您已经回答过这个问题了，这次没有再发送。"
    both = f"明天有雨，请带伞。\n\n李强老师补充：{SAVED_ANSWER}"
    assert stored(chat, question) == (both, LI_QIANG)


async def test_the_saved_answer_declined_is_not_sent(chat: Chat) -> None:
    curated_id = save_curated_answer(chat)
    question = await handed_off(chat, NEAR)
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.say(WANG_FANG, "明天有雨，请带伞。")
    held = await chat.press(LI_QIANG, f"kbm:1:std:{question}:{curated_id}")

    dropped = await chat.press(LI_QIANG, button(held, DROP))

    assert text_of(dropped).startswith("好的，没有发给学员。学员收到的是班主任 王芳的回答。")
    # 📨 on that prompt (another device) or on a second prompt opened before sends nothing.
    refused = alert(await chat.press(LI_QIANG, button(held, SUPPLEMENT)))
    assert refused.startswith("这条标准答案您已经选了「不发了」，没有发送。")
    assert len(answers_to_trainee(chat)) == 1
    assert stored(chat, question) == ("明天有雨，请带伞。", WANG_FANG)
    # Pressing 📌 again is a new choice: its 📨 sends.
    again = await chat.press(LI_QIANG, f"kbm:1:std:{question}:{curated_id}")
    await chat.press(LI_QIANG, button(again, SUPPLEMENT))
    assert answers_to_trainee(chat)[1] == letter("李强老师补充回复：", SAVED_ANSWER, NEAR)


async def test_a_typed_answer_after_the_saved_one_is_held(chat: Chat) -> None:
    """王芳 answers with 📌 while 李强's 「回答」 prompt is open."""
    curated_id = save_curated_answer(chat)
    question = await handed_off(chat, NEAR)
    await chat.press(LI_QIANG, f"kbm:1:ans:{question}")
    sent = await chat.press(WANG_FANG, f"kbm:1:std:{question}:{curated_id}")
    assert text_of(sent).startswith("✅ 已把陈静老师保存的标准答案发给学员。")

    held = await chat.say(LI_QIANG, SECOND)

    assert f"已经回答过：「{SAVED_ANSWER}」" in text_of(held)
    assert answers_to_trainee(chat) == [letter("王芳老师回复了您的问题", SAVED_ANSWER, NEAR)]
    await chat.press(LI_QIANG, button(held, SUPPLEMENT))
    assert answers_to_trainee(chat)[1] == letter("李强老师补充回复：", SECOND, NEAR)


# ----- what a manager types or does while an answer is held (QA11 M1, M2, M3) ------------------


@pytest.mark.parametrize("typed", ["发吧", "好的。", "不发了", "算了", "确定"])
async def test_a_reply_to_the_prompt_is_not_taken_as_the_answer(chat: Chat, typed: str) -> None:
    question, held = await both_pressed_and_first_sent(chat)

    hint = await chat.say(LI_QIANG, typed)

    buttons = f"「📨 {SUPPLEMENT}」或「🚫 {DROP}」"
    assert text_of(hint).startswith(f"请点上一条消息下面的按钮：{buttons}。")
    assert buttons_of(hint) == []
    # The held answer is unchanged: the prompt's 📨 sends it, not 「发吧」.
    await chat.press(LI_QIANG, button(held, SUPPLEMENT))
    assert answers_to_trainee(chat)[1:] == [letter("李强老师补充回复：", SECOND)]
    assert stored(chat, question)[0] == f"{FIRST}\n\n李强老师补充：{SECOND}"


async def test_cancel_typed_while_held_is_not_sending(chat: Chat) -> None:
    question, held = await both_pressed_and_first_sent(chat)

    cancelled = await chat.say(LI_QIANG, "取消")

    assert text_of(cancelled) == (
        f"好的，没有发给学员。学员收到的是班主任 王芳的回答。\n\n问题：{ASKED}"
    )
    await chat.press(LI_QIANG, button(held, SUPPLEMENT))
    await chat.say(LI_QIANG, "明天几点上课")
    assert answers_to_trainee(chat) == [letter("王芳老师回复了您的问题", FIRST)]
    assert stored(chat, question) == (FIRST, WANG_FANG)


async def test_a_held_answer_ended_by_a_command_offers_a_way_to_add_it(chat: Chat) -> None:
    """/unanswered ends the reply and no longer lists the question (王芳 answered it): the
    note points to the held message, whose 📨 then offers 「✍️ 补充回答」, which works."""
    question, held = await both_pressed_and_first_sent(chat)

    listing = await chat.say(LI_QIANG, "/unanswered")
    assert "「⚠️」消息里的「📨」按钮，再点「✍️ 补充回答」" in text_of(listing)
    assert "没有待解答的问题" in text_of(listing)

    pressed = await chat.press(LI_QIANG, button(held, SUPPLEMENT))

    assert alert(pressed).startswith("这个按钮已失效，没有发送：")
    (edit,) = [r for r in pressed if isinstance(r, Edit)]
    assert edit.text.startswith("这条回答没有发给学员：") and f"问题：{ASKED}" in edit.text
    assert [b.text for b in buttons_of([edit])] == ["✍️ 补充回答"]
    prompt = text_of(await chat.press(LI_QIANG, button([edit], "补充回答")))
    assert f"已经回答过：「{FIRST}」再发一次会作为补充回答发给学员" in prompt
    assert text_of(await chat.say(LI_QIANG, SECOND)).startswith("✅ 已把回答发给学员。")
    assert answers_to_trainee(chat)[1:] == [letter("李强老师补充回复：", SECOND)]
    assert stored(chat, question) == (f"{FIRST}\n\n李强老师补充：{SECOND}", LI_QIANG)


async def test_answering_another_question_says_the_held_answer_was_dropped(chat: Chat) -> None:
    question, held = await both_pressed_and_first_sent(chat)
    other = await handed_off(chat, "研修日志每周要写几篇")

    prompt = text_of(await chat.press(LI_QIANG, f"kbm:1:ans:{other}"))

    assert f"另一个问题待确认的回答「{SECOND}」没有发送，已经放弃。" in prompt
    pressed = await chat.press(LI_QIANG, button(held, SUPPLEMENT))
    assert [b.text for r in pressed if isinstance(r, Edit) for b in buttons_of([r])] == [
        "✍️ 补充回答"
    ]
    assert answers_to_trainee(chat) == [letter("王芳老师回复了您的问题", FIRST)]
    assert stored(chat, question) == (FIRST, WANG_FANG)


async def test_saving_after_adding_to_ones_own_answer_keeps_the_first(chat: Chat) -> None:
    question = await handed_off(chat, ASKED)
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    first = await chat.say(WANG_FANG, FIRST)
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    await chat.say(WANG_FANG, "报销时请保留住宿发票。")

    saved = text_of(await chat.press(WANG_FANG, button(first, "保存为标准答案")))

    assert f"答：{FIRST}\n\n王芳老师补充：报销时请保留住宿发票。" in saved, saved
    # 王芳 added to her own answer: nobody else is told.
    assert not any("补充回复了您" in text for text, _ in chat.messenger.to(WANG_FANG))


# ----- a first answer that did not reach the trainee (QA11 M4) --------------------------------


async def test_an_answer_the_trainee_never_got_is_not_held_against(chat: Chat) -> None:
    question = await handed_off(chat, ASKED)
    for manager in (WANG_FANG, LI_QIANG):
        await chat.press(manager, f"kbm:1:ans:{question}")
    chat.messenger.unreachable.add(TRAINEE)  # blocked the bot for a while
    assert "没能发给学员" in text_of(await chat.say(WANG_FANG, FIRST))
    chat.messenger.unreachable.discard(TRAINEE)

    sent = await chat.say(LI_QIANG, SECOND)

    assert text_of(sent).startswith("✅ 已把回答发给学员。")
    assert "学员收到的是" not in text_of(sent)
    # The trainee's only answer is not headed as a supplement, and replaces the lost one.
    assert answers_to_trainee(chat) == [letter("李强老师回复了您的问题", SECOND)]
    assert stored(chat, question) == (SECOND, LI_QIANG)


async def test_a_resend_of_an_answer_the_trainee_never_got_is_no_supplement(chat: Chat) -> None:
    question = await handed_off(chat, ASKED)
    await chat.press(WANG_FANG, f"kbm:1:ans:{question}")
    chat.messenger.unreachable.add(TRAINEE)
    await chat.say(WANG_FANG, FIRST)
    chat.messenger.unreachable.discard(TRAINEE)

    prompt = text_of(await chat.press(WANG_FANG, f"kbm:1:ans:{question}"))
    await chat.say(WANG_FANG, FIRST)

    assert "已经回答过" not in prompt and "补充" not in prompt
    assert answers_to_trainee(chat) == [letter("王芳老师回复了您的问题", FIRST)]
    assert stored(chat, question) == (FIRST, WANG_FANG)


async def test_declining_over_an_answer_the_trainee_never_got_says_so(chat: Chat) -> None:
    """李强's answer was held while 王芳's was still on its way, and it did not arrive."""
    question = await handed_off(chat, ASKED)
    for manager in (WANG_FANG, LI_QIANG):
        await chat.press(manager, f"kbm:1:ans:{question}")
    chat.messenger.unreachable.add(TRAINEE)
    await chat.say(WANG_FANG, FIRST)
    # As if held before the failure was known: a supplement to the answer stored then.
    with chat.services.session() as session:
        log = question_crud.get_question(session, question_id=question)
        assert log is not None and log.manager_answered_at is not None
        crud.set_pending(
            session,
            user_id=LI_QIANG,
            kind="handoff_answer",
            payload={"question_id": question, "held": SECOND},
        )

    dropped = await chat.say(LI_QIANG, "取消")

    assert text_of(dropped).startswith("好的，没有发给学员。学员还没有收到任何老师的回答。")
