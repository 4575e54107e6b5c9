"""A manager answers a waiting question: the buttons under /unanswered and under the 问班主任
message (`kbm:1:…`, handlers/unanswered.py), and the answer they type.

- 「回答」 (`kbm:1:ans:<question_id>`, then where it is: `:<days>:<page>` or `:ho`): the
  manager's next text goes to the trainee (pending input "handoff_answer"; 「取消」 gives up;
  up to 3,500 characters, as a broadcast: a longer one is refused and still awaited, and
  「✍️ 再补充一段」 under 「✅ 已把回答发给学员」 adds a part; a command ends it, saying how
  to answer again by a way that is there: `answer_ended_note`),
  and the message pressed in is edited once it arrived (handlers/answer_delivery.py). A second
  tap within a few seconds only says so. The prompt shows an answer given already: the new one
  is then sent as a supplement. A question set aside with 「🗑 忽略」 meanwhile (its 问班主任
  message keeps the button) is answered all the same: the prompt says it was dismissed, and
  the answer first brings it back, saying so (`answer_delivery.undismiss_to_answer`); as do
  📌 and 📨 below.
- A reply typed after the wait expired (30 minutes) is no question: it is kept (a watch,
  `REPLY_OFFER_STATE`, that a command or 30 minutes end) and offered, 「要把这段话作为回复发给
  学员吗？」 with 「📨 发给学员」 (`kbm:1:rof:<question_id>:<mark of the text>`): one tap sends
  it as if typed in time (held back if someone answered after 「回答」); a second or stale tap
  only toasts (`offer_expired_reply`, `send_offered_reply`).
- 「📌 用标准答案回复」 (`kbm:1:std:<question_id>:<curated_id>…`): the saved curated answer goes
  to the trainee as a typed one would, once, unless it was retired or another manager answered
  first (then it is held back: handlers/held_answer.py).
- 「⭐ 保存为标准答案」 (`kbm:1:cur:<question_id>`) stores the question and the answer as a
  curated answer that the knowledge base matches first from then on, for every class's
  trainees (the manager is told so before and after saving; trainees read who wrote it, each
  part of an answer others added to signed: `save_curated` says who may save, in whose name,
  and that another manager's saved answer is never replaced).
- 「📨 仍要作为补充发给学员」 / 「🚫 不发了」 (`kbm:1:sup|stc|nos:…`) settle an answer held
  back (handlers/held_answer.py); ◀ / ▶ page /unanswered (`kbm:1:pg:<days>:<page>`).
- 「📨 把条款发给学员」 (`kbm:1:kbs:<question_id>:<passage_id>:<days>:<page>`, under a question
  the notices now answer): the clause the bot would now give goes to the trainee, rendered as
  the bot renders it, once; it is recorded as this manager's answer (`send_clause`).
- 「🗑 忽略」 / 「🗑 确定忽略」 / 「↩️ 撤销忽略」 (`kbm:1:dis|dsy|und:<question_id>:<days>:<page>`)
  set a question aside for every manager (a handed-on or 💡 one after a confirmation), or
  bring it back (handlers/unanswered.py `dismiss`); 「🗂 查看已忽略的」
  (`kbm:1:dpg:<days>:<page>`) lists the dismissed ones, each with 「↩️ 撤销忽略第 N 条」
  (`kbm:1:rst:<question_id>:<days>:<page>`, `dismissed_listing`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.chat import Button, Edit, Notice, Reply, Send, keyboard
from bot.db import crud, question_crud
from bot.db.models import Role, User, utcnow
from bot.db.question_models import QuestionLog
from bot.limits import shorten, utf16_length
from bot.services import Services
from handlers.answer_delivery import (
    EARLIER_CHARS,
    HANDOFF_STATE,
    MAX_ANSWER_UNITS,
    SHARED,
    WRITE_MORE,
    AnsweredFrom,
    Earlier,
    answered_already,
    deliver_answer,
    delivery_status,
    dismissed_note,
    manager_repeats,
    mark_answered,
    note_delivery,
    store_answer,
    tell_earlier_answerer,
    typed_answer_sent,
    undismiss_to_answer,
)
from handlers.ask import (
    ANSWER_PREFIX,
    HITS_PER_QUESTION,
    UNAVAILABLE,
    VERSION,
    ask_text,
    citation,
    deliver,
    fresh_knowledge,
    refresh_curated,
    render_hit,
    teacher_name,
)
from handlers.held_answer import (
    CHOICE_PUNCTUATION,
    CHOICE_WORDS,
    CHOOSE_WITH_BUTTONS,
    DROP,
    HELD_UNITS,
    drop_held_answer,
    held_mark,
    hold_answer,
    not_sent_text,
    overtaken,
    seen_mark,
    seen_time,
    send_held_answer,
)
from handlers.routing import (
    WATCHING,
    Context,
    Router,
    UserError,
    button_id,
    button_number,
    on_expired_text,
    text_mark,
)
from handlers.unanswered import (
    MANAGERS,
    MAX_DAYS,
    QUESTION_UNITS,
    STALE,
    USE_CURATED,
    answered_from,
    clip,
    data,
    dismiss,
    dismissed_listing,
    restore_listed,
    unanswered_listing,
    undo_dismiss,
)

router = Router("manager_answer")

# Two taps of 「回答」 this close are one: the second does not ask again.
DOUBLE_TAP = timedelta(seconds=10)
ANSWER_TOO_LONG = (
    "回答太长了（{length} 字），一条回答最多 {limit} 字。请删减后重新发送；"
    "或者先发送前面一部分，发出后点「{more}」接着发，学员会依次收到。"
)
STILL_WAITING = "我还在等您的回答，发送「取消」放弃。"
CANCEL_WORDS = {"取消", "cancel", "/cancel"}
RETIRED = "这条标准答案已经停用了，没有发给学员。请重新发送 /unanswered，或点「回答」自己写。"
ALREADY_SAVED = "这条回答已经保存为标准答案了，没有重复保存。"
# A reply typed after the wait for it expired (30 minutes), kept for the offer to send it.
REPLY_OFFER_STATE = "handoff_answer_offer"
SEND_OFFERED = "📨 发给学员"
REPLY_OFFER = (
    "📨 要把这段话作为回复发给学员吗？点「{button}」就发送（只发一次）；不发的话不用理会。"
    "\n\n回复：{reply}\n\n问题：{question}"
)
REPLY_OFFERED_ALREADY = (
    "这段话还没有发给学员。要发送，请点上一条消息里的「{button}」；不发的话不用理会。"
)
# A toast only: a second tap finds the message edited into how the delivery went.
REPLY_OFFER_GONE = (
    "这个按钮已经处理过了，或已失效（之后发送过命令、写了新的回复，或已超过 30 分钟），"
    "没有再发送。要回复，请在 /unanswered 里点「回答」。"
)


# The refusal of a button on a question that is neither from the manager's class nor handed to
# them, each saying what was refused (a forged 🗑 is not refused as an answer).
NOT_THEIRS = "这个问题不是您班学员提的，"
MAY_NOT_ANSWER = f"{NOT_THEIRS}您不能回答。"
MAY_NOT_DISMISS = f"{NOT_THEIRS}您不能忽略。"
MAY_NOT_RESTORE = f"{NOT_THEIRS}您不能撤销忽略。"
MAY_NOT_SAVE = f"{NOT_THEIRS}您不能把它的回答存为标准答案。"
NOT_SENT_EITHER = f"{NOT_THEIRS}您的回答不会发给学员。"  # 「🚫 不发了」
# ⭐ of a question answered only by others (a forged button): their words are not this
# manager's to save; nothing changes.
NOT_ANSWERED_BY_YOU = "您还没有回答这个问题，无法存为标准答案。"


def question_for_manager(ctx: Context, raw_id: str, refusal: str = MAY_NOT_ANSWER) -> QuestionLog:
    """The question behind a manager's button, refused (`refusal`, naming what the button
    does) unless they may answer it."""
    question_id = button_id(raw_id, STALE)
    with ctx.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
        if question is None:
            raise UserError(STALE)
        allowed = question_crud.may_answer(
            session, manager_id=ctx.user.id, question=question, admin=ctx.role is Role.admin
        )
    if not allowed:
        raise UserError(refusal)
    return question


@router.callback(ANSWER_PREFIX, roles=MANAGERS)
async def on_manager_button(ctx: Context) -> list[Reply]:
    """「回答」 starts the reply, 「保存为标准答案」 stores the curated pair, 「📌 用标准答案回复」
    sends a saved one, 「仍要作为补充发给学员」 / 「不发了」 settle an answer held back because
    another one came first (`held_answer.overtaken`), 「📨 把条款发给学员」 sends the clause the
    notices now answer with, 「🗑 忽略」 (「🗑 确定忽略」) / 「↩️ 撤销忽略」 set a question aside
    or bring it back, 「🗂 查看已忽略的」 lists those set aside, ◀ / ▶ page."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) == 5 and parts[1] == VERSION and parts[2] == "pg":
        days = button_number(parts[3], STALE, low=1, high=MAX_DAYS)
        page = button_number(parts[4], STALE)
        await fresh_knowledge(ctx.services)
        return [Edit(*unanswered_listing(ctx, days, page))]
    if len(parts) == 5 and parts[1] == VERSION and parts[2] == "dpg":
        days = button_number(parts[3], STALE, low=1, high=MAX_DAYS)
        page = button_number(parts[4], STALE)
        return [Edit(*dismissed_listing(ctx, days, page))]
    if len(parts) == 6 and parts[1] == VERSION and parts[2] == "rst":
        days = button_number(parts[4], STALE, low=1, high=MAX_DAYS)
        page = button_number(parts[5], STALE)
        question = question_for_manager(ctx, parts[3], MAY_NOT_RESTORE)
        return restore_listed(ctx, question, days, page)
    if len(parts) == 7 and parts[1] == VERSION and parts[2] == "kbs":
        passage_id = button_number(parts[4], STALE)
        source = answered_from(parts[5:])
        if source is None or source.listing is None:  # only /unanswered has the button
            raise UserError(STALE)
        question = question_for_manager(ctx, parts[3])
        return await send_clause(ctx, question, passage_id, source.listing)
    if len(parts) >= 5 and parts[1] == VERSION and parts[2] == "std":
        curated_id = button_id(parts[4], STALE)
        source = answered_from(parts[5:])
        question = question_for_manager(ctx, parts[3])
        return await reply_with_curated(ctx, question, curated_id, source=source)
    if len(parts) == 6 and parts[1] == VERSION and parts[2] == "stc":
        curated_id = button_id(parts[4], STALE)
        seen_at = seen_time(parts[5])
        question = question_for_manager(ctx, parts[3])
        return await reply_with_curated(ctx, question, curated_id, seen_at=seen_at)
    if len(parts) < 4 or parts[1] != VERSION:
        raise UserError(STALE)
    action, raw_id = parts[2], parts[3]
    if action in ("dis", "dsy", "und"):
        listing = answered_from(parts[4:])
        if listing is None or listing.listing is None:  # only /unanswered has these buttons
            raise UserError(STALE)
        refusal = MAY_NOT_RESTORE if action == "und" else MAY_NOT_DISMISS
        question = question_for_manager(ctx, raw_id, refusal)
        if action == "und":
            return undo_dismiss(ctx, question, listing.listing)
        return await dismiss(ctx, question, listing.listing, confirmed=action == "dsy")
    if action == "ans":
        source = answered_from(parts[4:])
        return start_answer(ctx, question_for_manager(ctx, raw_id), source)
    if action == "rof" and len(parts) == 5:
        mark = held_mark(parts[4])
        return await send_offered_reply(ctx, question_for_manager(ctx, raw_id), mark)
    if action == "cur" and len(parts) == 4:
        return await save_curated(ctx, question_for_manager(ctx, raw_id, MAY_NOT_SAVE))
    if action == "sup" and len(parts) == 5:
        return await send_held_answer(ctx, question_for_manager(ctx, raw_id), held_mark(parts[4]))
    if action == "nos" and len(parts) in (4, 5):
        mark = held_mark(parts[4]) if len(parts) == 5 else None
        return drop_held_answer(ctx, question_for_manager(ctx, raw_id, NOT_SENT_EITHER), mark)
    if action == "nos" and len(parts) == 6:  # under a saved answer held back
        curated = (button_id(parts[4], STALE), seen_time(parts[5]))
        question = question_for_manager(ctx, raw_id, NOT_SENT_EITHER)
        return drop_held_answer(ctx, question, None, curated)
    raise UserError(STALE)


def start_answer(
    ctx: Context, question: QuestionLog, source: AnsweredFrom | None = None
) -> list[Reply]:
    """Ask for the manager's answer to `question` (a second tap of 回答 within a few seconds only
    says so: the prompt is already there), remembering the message pressed in (`source`) to
    edit once the answer is sent, and when 回答 was pressed: an answer someone else gives after
    that is shown before this one is sent (`receive_answer`)."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        if (
            pending is not None
            and pending.kind == HANDOFF_STATE
            and pending.payload.get("question_id") == question.id
            and utcnow() - pending.updated_at < DOUBLE_TAP
        ):
            return [Notice("请直接发送您的回答，我在等着。")]
        dropped = ""
        if pending is not None and pending.kind == HANDOFF_STATE:
            held = pending.payload.get("held")
            if isinstance(held, str) and pending.payload.get("question_id") != question.id:
                dropped = (  # that prompt's 📨 offers 「✍️ 补充回答」 now (`held_answer.settled`)
                    f"\n<i>（另一个问题待确认的回答「{escape(clip(held, EARLIER_CHARS))}」"
                    "没有发送，已经放弃。）</i>"
                )
        payload: dict[str, object] = {"question_id": question.id, "pressed_at": iso_now()}
        if source is not None and ctx.event.message_id is not None:
            payload["listing"] = source.listing
            payload["message_id"] = ctx.event.message_id
        crud.set_pending(session, user_id=ctx.user.id, kind=HANDOFF_STATE, payload=payload)
    earlier = ""
    if question.manager_answer and question_crud.undelivered_answer_at(question) is None:
        earlier = f"\n<i>（{answered_already(ctx, question)}再发一次会作为补充回答发给学员。）</i>"
    if dismissed := dismissed_note(ctx, question):
        earlier += f"\n<i>{dismissed}</i>"
    return [
        Send(
            f"✍️ 请直接发送您的回答，我会转给学员。发送「取消」放弃。{earlier}{dropped}\n\n"
            f"问题：{escape(question.question)}"
        )
    ]


def iso_now() -> str:
    """Now, as the pending input's payload (JSON) keeps a time."""
    return utcnow().isoformat()


def answer_ended_note(services: Services, payload: dict) -> str:
    """What a manager reads when a command (or a button asking for other input) ends their
    reply to a trainee: how to answer again, by a way that is there. An answer held back
    because someone else answered first has its 「⚠️」 message, whose 「📨」 offers
    「✍️ 补充回答」 (`held_answer.settled`); a question answered already is not in
    /unanswered; one still waiting is."""
    cancelled = "已取消给学员的回复，没有发送。"
    if isinstance(payload.get("held"), str):
        return (
            f"{cancelled}这个问题已经有人回答了：要把您的回答作为补充发给学员，"
            "请点那条「⚠️」消息里的「📨」按钮，再点「✍️ 补充回答」重新写。"
        )
    with services.session() as session:
        question_id = payload.get("question_id")
        question = question_crud.get_question(
            session, question_id=question_id if isinstance(question_id, int) else 0
        )
    if question is not None and Earlier.of(question).answered:
        return f"{cancelled}学员已经收到了这个问题之前的回答。"
    return f"{cancelled}要回复，请在 /unanswered 里重新点「回答」。"


@router.text(state=HANDOFF_STATE, roles=MANAGERS, ended_note=answer_ended_note, long_text=True)
async def receive_answer(ctx: Context) -> list[Reply]:
    """The manager's reply to a handed-off question: store it and send it to the trainee; once
    it reached the trainee, edit the message 「回答」 was pressed in
    (`answer_delivery.answered_view`). When someone else answered the question after 「回答」
    was pressed, the reply is held back instead: the manager reads that answer and decides
    (`held_answer.overtaken`)."""
    text = ctx.event.text.strip()
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        payload = dict(pending.payload) if pending else {}
        question_id = int(payload.get("question_id") or 0)
        held = payload.get("held")
        if isinstance(held, str) and text.strip(CHOICE_PUNCTUATION) in CHOICE_WORDS:
            return [Send(CHOOSE_WITH_BUTTONS)]  # 「发吧」 answers the prompt, it is no answer
        if text.lower() in CANCEL_WORDS:
            crud.clear_pending(session, user_id=ctx.user.id)
            if isinstance(held, str):  # as 「🚫 不发了」
                question = question_crud.get_question(session, question_id=question_id)
                if question is not None:
                    return [Send(not_sent_text(ctx, question))]
            return [Send("已取消，没有发送任何回答。")]
    if not text:
        raise UserError("回答不能为空。请输入给学员的回答，或发送「取消」放弃。")
    if (length := utf16_length(text)) > MAX_ANSWER_UNITS:
        too_long = ANSWER_TOO_LONG.format(length=length, limit=MAX_ANSWER_UNITS, more=WRITE_MORE)
        raise UserError(f"{too_long}{STILL_WAITING}")
    try:
        question = question_for_manager(ctx, str(question_id))
    except UserError:
        with ctx.services.session() as session:  # a dead reply must not swallow later texts
            crud.clear_pending(session, user_id=ctx.user.id)
        raise
    begun = utcnow()  # when 「回答」 was pressed
    if payload.get("pressed_at"):
        begun = datetime.fromisoformat(str(payload["pressed_at"]))
    elif pending is not None:  # a prompt shown before that was kept: when it was shown
        begun = pending.updated_at
    earlier = Earlier.of(question)  # the save below changes `question` too
    undismissed = undismiss_to_answer(ctx, question)  # before its repeats are looked up
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        sent = store_answer(ctx, session, question, text, repeats, since=begun)
        if not sent:
            replaced = held if isinstance(held, str) and held != text else None
            return [Send(*hold_answer(ctx, session, question.id, payload, text, replaced))]
        crud.clear_pending(session, user_id=ctx.user.id)
    return await typed_answer_sent(
        ctx, question, text, repeats, payload, earlier, reply=Send, undismissed=undismissed
    )


@on_expired_text(HANDOFF_STATE)
async def offer_expired_reply(ctx: Context) -> list[Reply]:
    """A text sent after the wait for a reply to a trainee expired: most likely that reply,
    written slowly. Never a question; offer to send it to the trainee, keeping it in a watch
    (a command or 30 minutes end it). 「取消」, or a question the manager may no longer answer,
    gets no offer."""
    text = ctx.event.text.strip()
    payload = dict(ctx.expired_payload or {})
    held = isinstance(payload.pop("held", None), str)
    payload.pop("seen_at", None)
    if not text or text.lower() in CANCEL_WORDS:
        return []
    if held and text.strip(CHOICE_PUNCTUATION) in CHOICE_WORDS:
        return []  # 「发吧」 meant the held answer's buttons, lost with it
    if (length := utf16_length(text)) > MAX_ANSWER_UNITS:
        too_long = ANSWER_TOO_LONG.format(length=length, limit=MAX_ANSWER_UNITS, more=WRITE_MORE)
        raise UserError(f"{too_long}没有发送：请在 /unanswered 里重新点「回答」。")
    try:
        question = question_for_manager(ctx, str(payload.get("question_id") or 0))
    except UserError:
        return []
    assert question.id is not None
    with ctx.services.session() as session:
        kept = {**payload, "text": text, WATCHING: True}
        crud.set_pending(session, user_id=ctx.user.id, kind=REPLY_OFFER_STATE, payload=kept)
    offer = REPLY_OFFER.format(
        button=SEND_OFFERED,
        reply=escape(clip(text, HELD_UNITS)),  # the whole text is sent
        question=escape(clip(question.question, QUESTION_UNITS)),
    )
    send = Button(SEND_OFFERED, data=f"{data('rof', question.id)}:{text_mark(text)}")
    return [Send(offer, keyboard([send]))]


@router.text(state=REPLY_OFFER_STATE)
async def text_while_reply_offered(ctx: Context) -> list[Reply]:
    """A text while a reply typed too late is offered: the same reply sent again is pointed to
    the offer's button (not asked as a question, not sent twice); any other text is answered
    as any text typed to the bot, and the offer stays."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        kept = str(pending.payload.get("text") or "") if pending is not None else ""
    if kept and ctx.event.text.strip() == kept:
        return [Send(REPLY_OFFERED_ALREADY.format(button=SEND_OFFERED))]
    return await ask_text(ctx)


async def send_offered_reply(ctx: Context, question: QuestionLog, mark: str) -> list[Reply]:
    """「📨 发给学员」 under a reply kept after the wait expired (`offer_expired_reply`): sent
    as if typed in time (`receive_answer`), once; held back when someone else answered after
    「回答」 was pressed. A second tap, or one after the text was dropped, only says so in a
    toast: the message may show how the delivery went by then, which must stay as it is."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        kept = dict(pending.payload) if pending is not None else {}
        text = str(kept.pop("text", "") or "")
        offered = (
            pending is not None
            and pending.kind == REPLY_OFFER_STATE
            and kept.get("question_id") == question.id
            and bool(text)
            and text_mark(text) == mark
        )
        if not offered:
            return [Notice(REPLY_OFFER_GONE, alert=True)]
        crud.clear_pending(session, user_id=ctx.user.id)
    kept.pop(WATCHING, None)
    begun = utcnow()
    if kept.get("pressed_at"):
        begun = datetime.fromisoformat(str(kept["pressed_at"]))
    earlier = Earlier.of(question)  # the save below changes `question` too
    undismissed = undismiss_to_answer(ctx, question)  # before its repeats are looked up
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        sent = store_answer(ctx, session, question, text, repeats, since=begun)
        if not sent:
            return [Edit(*hold_answer(ctx, session, question.id or 0, kept, text))]
    return await typed_answer_sent(
        ctx, question, text, repeats, kept, earlier, reply=Edit, undismissed=undismissed
    )


async def reply_with_curated(
    ctx: Context,
    question: QuestionLog,
    curated_id: int,
    *,
    source: AnsweredFrom | None = None,
    seen_at: datetime | None = None,
) -> list[Reply]:
    """「📌 用标准答案回复」: send a saved curated answer to the trainee as a typed answer is sent
    (and recorded as this manager's answer), once: not if it was retired meanwhile, nor when
    this manager answered first (another tap). When another manager answered first, the manager
    reads that answer and decides (`held_answer.overtaken`); 「仍要作为补充发给学员」 comes
    back here with when that answer was given (`seen_at`), and sends it as a supplement unless
    yet another came meanwhile. The message pressed in (`source`) is edited as after a typed
    answer (`answer_delivery.answered_view`)."""
    with ctx.services.session() as session:
        curated = question_crud.get_curated(session, curated_id=curated_id)
        author = session.get(User, curated.created_by) if curated is not None else None
    if curated is None:
        raise UserError(STALE)
    if not curated.active:
        raise UserError(RETIRED)
    assert question.id is not None
    offer = {"question_id": question.id, "manager_id": ctx.user.id, "curated_id": curated_id}
    with ctx.services.session() as session:
        if seen_at is None:  # 📌 pressed again: a new choice
            question_crud.forget_declined_curated(session, **offer)
            declined = False
        else:
            declined = question_crud.curated_offer_declined(
                session, answer_seen_at=seen_at, **offer
            )
    if declined:
        raise UserError(
            f"这条标准答案您已经选了「{DROP}」，没有发送。要发，请重新点「{USE_CURATED}」。"
        )
    earlier = Earlier.of(question)  # the save below changes `question` too
    undismissed = undismiss_to_answer(ctx, question)  # before its repeats are looked up
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        sent = store_answer(ctx, session, question, curated.answer, repeats, seen_at=seen_at)
        fresh = question_crud.get_question(session, question_id=question.id) or question
    saved_by = escape(teacher_name(author.display_name) if author is not None else "班主任")
    if not sent:
        if fresh.answered_by == ctx.user.id:
            raise UserError("您已经回答过这个问题了，这次没有再发送。")
        assert fresh.manager_answered_at is not None
        chosen = f"{question.id}:{curated_id}:{seen_mark(fresh.manager_answered_at)}"
        held = overtaken(
            ctx,
            fresh,
            f"{saved_by}保存的标准答案",
            curated.answer,
            confirm=f"{ANSWER_PREFIX}:{VERSION}:stc:{chosen}",
            drop=f"{ANSWER_PREFIX}:{VERSION}:nos:{chosen}",
        )
        return [Send(*held) if seen_at is None else Edit(*held)]
    with ctx.services.session() as session:  # a reply begun with 「回答」 is not waited for
        pending = crud.get_pending(session, user_id=ctx.user.id)
        if (
            pending is not None
            and pending.kind == HANDOFF_STATE
            and pending.payload.get("question_id") == question.id
        ):
            crud.clear_pending(session, user_id=ctx.user.id)
    failure = await deliver_answer(ctx, question, curated.answer, supplement=earlier.answered)
    note_delivery(ctx, question, earlier, failure)
    status = delivery_status(ctx, failure, repeats, sent=f"{saved_by}保存的标准答案")
    if undismissed:
        status += f"\n{undismissed}"
    answer = "发送的回答" if failure is None else f"{saved_by}保存的标准答案"
    done = (
        f"{status}\n\n学员的问题：{escape(question.question)}\n{answer}：{escape(curated.answer)}"
    )
    replies: list[Reply] = [Send(done) if seen_at is None else Edit(done)]
    if failure is None:
        await tell_earlier_answerer(ctx, question, curated.answer, earlier)
        replies += await mark_answered(
            ctx, question, repeats, source, answered_before_by=earlier.by
        )
    return replies


async def send_clause(
    ctx: Context, question: QuestionLog, passage_id: int, listing: tuple[int, int]
) -> list[Reply]:
    """「📨 把条款发给学员」: send the trainee the clause the notices now answer the question
    with (`passage_id`, the one the list showed), rendered as the bot renders an answer, once,
    recorded as this manager's answer; the list pressed in is then shown again without it.
    Nothing is sent when the knowledge base now answers otherwise, or someone answered first."""
    kb = await fresh_knowledge(ctx.services)
    if kb is None:
        raise UserError(UNAVAILABLE)
    answer = kb.ask(question.question, k=HITS_PER_QUESTION, with_curated=False)
    top = answer.hits[0] if answer.answered and answer.confident and answer.hits else None
    if top is None or top.passage_id != passage_id:
        why = "知识库对这个问题的回答变了（通知有改动），没有发送。"
        note = f"⚠️ {why}请看刷新后的列表。"
        return [Edit(*unanswered_listing(ctx, *listing, note=note)), Notice(why, alert=True)]
    assert question.id is not None
    earlier = Earlier.of(question)
    clause = f"{top.text}\n—— 《{top.title}》 {top.doc_number} {top.clause}".rstrip()
    undismissed = "" if earlier.answered else undismiss_to_answer(ctx, question)
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        sent = not earlier.answered and store_answer(ctx, session, question, clause, repeats)
        fresh = question_crud.get_question(session, question_id=question.id) or question
    if not sent:
        why = "已经有老师回答了这个问题，没有发送。"
        if fresh.answered_by == ctx.user.id:
            why = "这个问题您已经回答过了，没有重复发送。"
        return [Edit(*unanswered_listing(ctx, *listing, note=f"⚠️ {why}")), Notice(why)]
    heading = f"{escape(teacher_name(ctx.user.display_name))}把通知里的解答发给您"
    letter = (
        f"💬 <b>{heading}</b>\n问：{escape(question.question)}\n\n"
        f"📖 {render_hit(top, question=question.question)}"
    )
    failure = await deliver(ctx.services, question.user_id, letter)
    note_delivery(ctx, question, earlier, failure)
    status = delivery_status(ctx, failure, repeats, sent="通知里的条款")
    if failure is not None:  # 「回答」 is what it says to press again; 📨 does as well
        status = status.replace("点一次「回答」", "点一次「📨 把条款发给学员」")
    if undismissed:
        status += f"\n{undismissed}"
    replies: list[Reply] = [
        Send(f"{status}\n\n学员的问题：{escape(question.question)}\n{citation(top)}")
    ]
    if failure is None:
        replies += await mark_answered(ctx, question, repeats, AnsweredFrom(listing))
    return replies


def answered_part(ctx: Context, question: QuestionLog) -> bool:
    """Whether the stored answer has a part by this manager: the first, the last, or one added
    in between under their 「李强老师补充：」 (`answer_delivery.store_answer`)."""
    if ctx.user.id in (question.answered_by, question_crud.first_author(question)):
        return True
    heading = f"\n\n{teacher_name(ctx.user.display_name)}补充："
    return heading in (question.manager_answer or "")


async def save_curated(ctx: Context, question: QuestionLog) -> list[Reply]:
    """「⭐ 保存为标准答案」: store the question with the answer it holds as a curated answer
    and reload them. Who may save, and in whose name (QA19 F4):

    - The manager who answered last saves the answer as the trainee read it: when they added
      to another manager's answer, both parts, each signed (「📌 王芳老师的解答」 over her words,
      「李强老师补充：…」 under them). The one who answered first is told their answer was
      added to, and cannot save it alone (the question keeps both); an admin saves any.
    - The saved answer is in the name of whoever wrote its first part: the trainees read that
      name, and that manager (or an admin) retires it in /curated. So someone else's words are
      never published under the saver's name, and their author keeps control of them; when
      they are saved by someone else, their author is told.
    - A save never replaces another manager's active 标准答案 of the same question: it is
      refused, naming whose it is and how to replace it (they, or an admin, retire it in
      /curated first). A manager's own earlier one of the question is replaced, saying so.
    - A manager with no part in the answer (a forged ⭐) is refused, saying so; nothing changes.
    """
    if not question.manager_answer:
        raise UserError("这个问题还没有回答，先点「回答」写下回答再保存。")
    if ctx.role is not Role.admin and not answered_part(ctx, question):
        raise UserError(NOT_ANSWERED_BY_YOU)  # a forged ⭐: nothing of theirs to save
    if question.answered_by != ctx.user.id and ctx.role is not Role.admin:
        # Two managers answered: the trainee got both, the question keeps both, signed.
        with ctx.services.session() as session:
            other = session.get(User, question.answered_by) if question.answered_by else None
        who = f"另一位老师（{shorten(other.display_name, 20)}）" if other else "另一位老师"
        raise UserError(  # a pop-up: plain text, at most 200 characters
            f"{who}随后补充了这个问题的回答，您的回答和对方的补充合在一起记录，"
            "所以这里不能单独保存。两条回答学员都已收到；对方保存时署名仍是您的解答加对方的补充，"
            "由您管理。"
        )
    assert question.id is not None
    author = question_crud.first_author(question) or ctx.user.id
    with ctx.services.session() as session:
        result = question_crud.save_curated_once(
            session, question_id=question.id, created_by=author, saver=ctx.user.id
        )
        owner = session.get(User, author)
        kept_by = session.get(User, result.kept_by) if result and result.kept_by else None
    if result is None:  # a double tap, or a press on an old message: nothing changes
        return [Notice(ALREADY_SAVED)]
    if result.saved is None:
        who = shorten(kept_by.display_name, 20) if kept_by is not None else "另一位老师"
        how = (
            "请先在 /curated 里停用那条"
            if ctx.role is Role.admin
            else f"请{who}或管理员先在 /curated 里停用那条"
        )
        raise UserError(  # a pop-up: plain text, at most 200 characters
            f"这个问题已有{who}保存的标准答案，学员问到会先看到它。"
            f"为免替换别人保存的答案，这次没有保存。要换成这条，{how}，再点「⭐ 保存为标准答案」。"
        )
    saved = result.saved
    refresh_curated(ctx.services)
    owner_name = teacher_name(owner.display_name) if owner is not None else "班主任"
    if author == ctx.user.id:
        signed = f"署名「{escape(owner_name)}的解答」。要收回，请在 /curated 里停用。"
    else:
        owned = escape(owner_name)
        signed = f"署名「{owned}的解答」"
        if question.answered_by == ctx.user.id:
            signed += f"，您的补充署名「{escape(teacher_name(ctx.user.display_name))}补充」"
        signed += f"。这条由{owned}管理：{owned}或管理员可以在 /curated 里停用。我已告诉{owned}。"
    if result.replaced:
        signed += "\n您之前保存的同一问题的标准答案已停用，换成了这条。"
    replies: list[Reply] = [
        Edit(
            f"⭐ 已保存为标准答案。{SHARED}，{signed}\n\n"
            f"问：{escape(saved.question)}\n答：{escape(saved.answer)}"
        ),
        Notice("已保存"),
    ]
    if author != ctx.user.id:
        added = "（连同对方的补充）" if question.answered_by == ctx.user.id else ""
        await deliver(
            ctx.services,
            author,
            f"ℹ️ {escape(teacher_name(ctx.user.display_name))}把您的回答{added}保存为标准答案了，"
            f"署名「{escape(owner_name)}的解答」。所有培训班的学员问到类似问题，"
            "都会先看到这条回答。这条由您管理：有误的话，请在 /curated 里停用。\n\n"
            f"问：{escape(clip(saved.question, QUESTION_UNITS))}\n"
            f"答：{escape(clip(saved.answer, EARLIER_CHARS))}",
        )
    return replies
