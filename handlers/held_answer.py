"""An answer held back because someone else answered the question first.

Two managers may both press 「回答」 before either sends: an answer is sent at once unless
someone else answered the question after 「回答」 was pressed (the pending input keeps when; an
answer the prompt showed was warned of there), or, for 📌, at all (handlers/answer_delivery.py
`store_answer`). It is held back instead: the manager reads who answered, when and what
(`overtaken`), and chooses 「仍要作为补充发给学员」 (`kbm:1:sup:<question_id>:<mark of the held
text>`; for 📌 `kbm:1:stc:<question_id>:<curated_id>:<when the other answer was given>`),
sent once, unless yet another answer came meanwhile (shown then), or 「不发了」
(`kbm:1:nos:<question_id>[:<mark>]`; for 📌 `kbm:1:nos:<question_id>:<curated_id>:<when>`,
after which that 📨 sends nothing until 📌 is pressed again, also after a restart:
`declined_curated_offers`).

While a typed answer is held, 「取消」 is 「不发了」, a reply to the prompt (「发吧」「不发了」)
is answered with a hint to use the buttons, and any other text replaces the held answer only
in a new prompt that says so (handlers/manager_answer.py `receive_answer`). A held answer lost
to a command or 30 minutes turns its message, when 📨 is pressed, into 「✍️ 补充回答」 (a
「回答」 that shows the answers given: `settled`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import escape

from sqlmodel import Session

from bot.chat import Button, Edit, Keyboard, Notice, Reply, keyboard
from bot.db import crud, question_crud
from bot.db.question_models import QuestionLog
from handlers.answer_delivery import (
    EARLIER_CHARS,
    HANDOFF_STATE,
    Earlier,
    answered_already,
    answerer,
    manager_repeats,
    store_answer,
    typed_answer_sent,
)
from handlers.routing import Context, UserError, button_number, text_mark
from handlers.unanswered import QUESTION_UNITS, STALE, clip, data

# An answer held back because someone else answered first is sent only when the manager says so.
SUPPLEMENT = "仍要作为补充发给学员"
DROP = "不发了"
ALREADY_SENT = "这条回答已经发给学员了，没有重复发送。"
# What a manager may type to the held answer's prompt meaning one of its buttons: not an answer.
CHOICE_WORDS = {"发", "发吧", "发送", "好", "好的", "确定", "确认", "是", "不发", "不发了", "算了"}
CHOICE_PUNCTUATION = "。.!！~～ "
CHOOSE_WITH_BUTTONS = (
    f"请点上一条消息下面的按钮：「📨 {SUPPLEMENT}」或「🚫 {DROP}」。"
    "刚才这句没有当作回答，待发的回答也没有变；发送「取消」不发。"
)
WRITE_SUPPLEMENT = "✍️ 补充回答"
HELD_UNITS = 1200  # the answer held back, shown with it (with the question, within a message)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MAX_SEEN_MARK = 10**17 - 1  # `seen_mark` until the year 5138


def hold_answer(
    ctx: Context,
    session: Session,
    question_id: int,
    payload: dict,
    text: str,
    replaced: str | None = None,
) -> tuple[str, Keyboard]:
    """Keep the manager's typed answer in the pending reply (`payload`), with when the answer
    that came first was given, and ask whether to send it all the same (`overtaken`), saying
    which answer held before it replaced (`replaced`), if one did."""
    other = question_crud.get_question(session, question_id=question_id)
    assert other is not None and other.manager_answered_at is not None
    held = {**payload, "held": text, "seen_at": other.manager_answered_at.isoformat()}
    crud.set_pending(session, user_id=ctx.user.id, kind=HANDOFF_STATE, payload=held)
    mark = text_mark(text)
    return overtaken(
        ctx,
        other,
        "您的回答",
        text,
        confirm=f"{data('sup', question_id)}:{mark}",
        drop=f"{data('nos', question_id)}:{mark}",
        typed=True,
        replaced=replaced,
    )


def overtaken(
    ctx: Context,
    question: QuestionLog,
    what: str,
    answer: str,
    *,
    confirm: str,
    drop: str,
    typed: bool = False,
    replaced: str | None = None,
) -> tuple[str, Keyboard]:
    """The message holding back an answer (`what`: 「您的回答」 or a saved curated one) because
    someone else answered `question` first (since 「回答」 was pressed, when `typed`): who,
    when and what they said, what would be sent (and the held answer it `replaced`), and
    「仍要作为补充发给学员」 / 「不发了」; a typed one says what a text does meanwhile."""
    since = "您点「回答」之后，" if typed else ""
    swap = ""
    if replaced is not None:
        swap = f"（之前待发的「{escape(clip(replaced, EARLIER_CHARS))}」已换成下面这条。）\n"
    hint = "\n请点下面的按钮；直接再发文字会换掉这条回答，发送「取消」不发。" if typed else ""
    text = (
        f"⚠️ {since}{answered_already(ctx, question)}\n\n{swap}"
        f"{what}还没有发给学员：「{escape(clip(answer, HELD_UNITS))}」\n"
        f"学员会收到{answer_count(question)}回答，请先确认它们不互相矛盾。仍要作为补充发给学员吗？"
        f"{hint}\n\n问题：{escape(clip(question.question, QUESTION_UNITS))}"
    )
    return text, keyboard(
        [Button(f"📨 {SUPPLEMENT}", data=confirm), Button(f"🚫 {DROP}", data=drop)]
    )


def answer_count(question: QuestionLog) -> str:
    """「两条」, 「 3 条」: how many answers the trainee has once one more is sent (a supplement
    is kept under its 「李强老师补充：」, `answer_delivery.store_answer`)."""
    total = 2 + len(re.findall(r"\n\n[^\n]{1,40}补充：", question.manager_answer or ""))
    return "两条" if total == 2 else f" {total} 条"


def held_mark(raw: str) -> str:
    """`text_mark` from callback data, refused unless it is one."""
    if not re.fullmatch("[0-9a-f]{8}", raw):
        raise UserError(STALE)
    return raw


def seen_mark(at: datetime) -> str:
    """When the answer a manager was shown was given, in callback data (microseconds since
    1970, as exact as the database keeps it): `seen_time` reads it back."""
    return str((at - EPOCH) // MICROSECOND)


def seen_time(raw: str) -> datetime:
    """The time `seen_mark` wrote, refused unless it is one."""
    return EPOCH + button_number(raw, STALE, high=MAX_SEEN_MARK) * MICROSECOND


def held_payload(ctx: Context, question: QuestionLog, mark: str) -> dict | None:
    """The pending reply holding the manager's typed answer to `question` that the pressed
    message shows (`mark`), or None once it was sent, dropped or replaced."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
    if pending is None or pending.kind != HANDOFF_STATE:
        return None
    held = pending.payload.get("held")
    if pending.payload.get("question_id") != question.id or not isinstance(held, str):
        return None
    return dict(pending.payload) if text_mark(held) == mark else None


def settled(ctx: Context, question: QuestionLog, mark: str) -> list[Reply]:
    """Why a held answer's button does nothing: that answer was sent already (a double tap), or
    it was replaced by a newer one (whose message has the buttons), or it was dropped or the
    reply ended (30 minutes, or a command): the message then offers 「✍️ 补充回答」, a new
    「回答」 that shows the answers given (sent as a supplement, `manager_answer.start_answer`)."""
    stored = question.manager_answer or ""
    last = stored.rpartition("补充：")[2]  # a supplement is appended (`store_answer`)
    if question.answered_by == ctx.user.id and mark in (text_mark(stored), text_mark(last)):
        return [Notice(ALREADY_SENT, alert=True)]
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
    newer = (
        pending is not None
        and pending.kind == HANDOFF_STATE
        and pending.payload.get("question_id") == question.id
        and isinstance(pending.payload.get("held"), str)
    )
    if newer:
        return [
            Notice(  # a pop-up: plain text, at most 200 characters
                "这个按钮已失效，没有发送：您又写了新的回答，请用最新一条消息里的按钮。",
                alert=True,
            )
        ]
    write = Button(WRITE_SUPPLEMENT, data=data("ans", question.id or 0))
    return [
        Edit(
            "这条回答没有发给学员：已经不发了，或超过 30 分钟没有确认，或中间发了别的命令。"
            f"要给学员补充，请点下面的「{WRITE_SUPPLEMENT}」重新写。\n\n"
            f"问题：{escape(clip(question.question, QUESTION_UNITS))}",
            keyboard([write]),
        ),
        Notice(
            "这个按钮已失效，没有发送：这条回答已经不发了，或超过 30 分钟没有确认。"
            f"要补充，请点「{WRITE_SUPPLEMENT}」。",
            alert=True,
        ),
    ]


async def send_held_answer(ctx: Context, question: QuestionLog, mark: str) -> list[Reply]:
    """「仍要作为补充发给学员」 under a typed answer held back (`hold_answer`): send it as a
    supplement, once (a double tap sends once), unless yet another answer came meanwhile:
    that one is shown instead, asking again."""
    payload = held_payload(ctx, question, mark)
    if payload is None:
        return settled(ctx, question, mark)
    text = str(payload["held"])
    earlier = Earlier.of(question)
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        seen_at = datetime.fromisoformat(str(payload["seen_at"]))
        sent = store_answer(ctx, session, question, text, repeats, seen_at=seen_at)
        if not sent:
            fresh = question_crud.get_question(session, question_id=question.id) or question
            if fresh.answered_by == ctx.user.id:  # the other tap of a double tap sent it
                return [Notice(ALREADY_SENT)]
            return [Edit(*hold_answer(ctx, session, question.id, payload, text))]
        crud.clear_pending(session, user_id=ctx.user.id)
    return await typed_answer_sent(ctx, question, text, repeats, payload, earlier, reply=Edit)


def drop_held_answer(
    ctx: Context,
    question: QuestionLog,
    mark: str | None,
    curated: tuple[int, datetime] | None = None,
) -> list[Reply]:
    """「不发了」: the held answer is not sent; a typed one ends the reply begun with 「回答」
    (`mark`); a saved curated one (`curated`: its id and when the answer shown was given) is
    recorded as declined, so that 「📨」 sends it no more (`decline_curated_offer`)."""
    if mark is not None:
        if held_payload(ctx, question, mark) is None:
            return settled(ctx, question, mark)
        with ctx.services.session() as session:
            crud.clear_pending(session, user_id=ctx.user.id)
    if curated is not None:
        assert question.id is not None
        curated_id, seen_at = curated
        with ctx.services.session() as session:
            question_crud.decline_curated_offer(
                session,
                question_id=question.id,
                manager_id=ctx.user.id,
                curated_id=curated_id,
                answer_seen_at=seen_at,
            )
    return [Edit(not_sent_text(ctx, question)), Notice("没有发送")]


def not_sent_text(ctx: Context, question: QuestionLog) -> str:
    """What a manager reads once a held answer is not sent: what the trainee has instead."""
    with ctx.services.session() as session:
        fresh = question_crud.get_question(session, question_id=question.id or 0) or question
    has = "学员还没有收到任何老师的回答。"
    if fresh.manager_answer is not None and question_crud.undelivered_answer_at(fresh) is None:
        has = f"学员收到的是{escape(answerer(ctx, fresh))}的回答。"
    return f"好的，没有发给学员。{has}\n\n问题：{escape(clip(fresh.question, QUESTION_UNITS))}"
