"""Storing a manager's answer to a waiting question and delivering it to the trainee, shared by
the typed answer and 「📌 用标准答案回复」 (handlers/manager_answer.py) and by an answer held
back and then confirmed (handlers/held_answer.py).

- `store_answer` records it in one conditional UPDATE, with the question's repeats (the same
  question asked again by the trainee, `manager_repeats`), only if it may be sent now (else
  it is held back).
- The trainee reads who answered: 「王芳老师回复了您的问题」, or 「王芳老师补充回复：」 when
  the question had an answer already (`reply_texts`; a long answer, up to 3,500 characters, in
  two messages); the question keeps the first answer with
  the supplement under it (「李强老师补充：…」), which is what ⭐ saves, signed with the name
  of whoever wrote the first answer (`question_logs.first_answered_by`), and the manager who
  answered before is told of it (`tell_earlier_answerer`); 「已经回答过」 then names both, each
  for their part (`answered_already`). Managers read an admin as
  「管理员 陈静」 (`answerer`).
- The manager is told how delivery went (`delivery_status`; the answer is saved either way)
  and offered 「⭐ 保存为标准答案」 (`kbm:1:cur:<question_id>`) and, once it arrived,
  「✍️ 再补充一段」 (`kbm:1:ans:<question_id>`: the next text is sent as a supplement).
- A question set aside with 「🗑 忽略」 (handlers/unanswered.py `dismiss`) whose 「回答」 or
  「📌」 is still in a 问班主任 message or an older /unanswered page is brought back by the
  answer first (`undismiss_to_answer`): the prompt says it was dismissed, and the manager is
  told it was restored; the answer reaches the trainee as any other.
- An answer that did not reach a trainee who had none (`question_logs.answer_undelivered_at`,
  kept through a restart: `note_delivery`) is neither held against nor added to: the next one
  replaces it, headed 「回复了您的问题」 (`Earlier`).
- Once an answer reached the trainee, every 问班主任 message of the question, in every
  manager's chat, loses its buttons and says 「✅ 已回复。」 (the other managers read
  「✅ 王芳老师已回复。」; one Telegram will not edit any more is left as it is), and the message
  answered from is edited (`mark_answered`). Messages are edited only once the answer reached
  the trainee: otherwise 「回答」 stays there to send it again. (A 问班主任 message sent before
  its id was kept, `question_handoffs.message_id`, is not edited.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlmodel import Session

from bot.chat import (
    Button,
    DeliveryError,
    Edit,
    NeverStarted,
    Reply,
    Send,
    Unreachable,
    keyboard,
)
from bot.db import question_crud
from bot.db.models import Role, User, utcnow
from bot.db.question_models import QuestionLog
from bot.limits import MAX_MESSAGE_UNITS, graphemes, utf16_length, visible_length
from handlers.ask import (
    answered_handoff,
    deliver,
    handoff_time,
    mark_handoffs_answered,
    teacher_name,
)
from handlers.routing import Context
from handlers.unanswered import (
    QUESTION_UNITS,
    AnsweredFrom,
    clip,
    data,
    unanswered_listing,
)

HANDOFF_STATE = "handoff_answer"
SENTENCE_ENDS = ("。", "!", "?", "!", "?", "…", ".")
# Said when a manager may save an answer as a curated one, and once it is saved: it is shared.
SHARED = "保存后，所有培训班的学员问到类似问题，都会先看到这条回答"
EARLIER_CHARS = 300  # the start of an earlier answer shown to a manager about to answer again
UNDISMISSED = "↩️ 这个问题之前被忽略了，您回答后已撤销忽略。"
# A typed answer may be as long as a broadcast (Telegram counts UTF-16 units); with the question
# over it, it may take two messages to the trainee (`reply_texts`).
MAX_ANSWER_UNITS = 3500
ASKED_UNITS = 1500  # the trainee's question over the answer (it is at most 1,000 characters)
CONTINUED = "\n（未完，接下一条）"
# Under 「✅ 已把回答发给学员」: one more part of the answer, sent as a supplement.
WRITE_MORE = "✍️ 再补充一段"


@dataclass(frozen=True, slots=True)
class Earlier:
    """Whether a question had a manager's answer before this one was stored, whose (the last to
    answer), and who wrote its first part (`first_by`, the name ⭐ signs it with)."""

    answered: bool
    by: int | None
    first_by: int | None = None

    @classmethod
    def of(cls, question: QuestionLog) -> Earlier:
        """An answer that did not reach the trainee (`question_crud.undelivered_answer_at`)
        is none."""
        lost = question_crud.undelivered_answer_at(question)
        given = question.manager_answer is not None and lost is None
        if not given:
            return cls(False, None)
        return cls(True, question.answered_by, question_crud.first_author(question))


def dismissed_note(ctx: Context, question: QuestionLog) -> str:
    """What the prompt of 「回答」 says of a question set aside with 「🗑 忽略」 (HTML, a full
    sentence): who dismissed it, whether the trainee was told no reply would come, and that an
    answer brings it back; "" when it is not dismissed."""
    if question.dismissed_at is None or question.manager_answer is not None:
        return ""
    who = "您"
    if question.dismissed_by != ctx.user.id:
        with ctx.services.session() as session:
            user = session.get(User, question.dismissed_by) if question.dismissed_by else None
        who = escape(user.display_name) if user is not None else "另一位老师"
    told = "，学员已收到「班主任暂时无法回复」" if question_crud.told_no_reply(question) else ""
    return f"⚠️ 这个问题已被{who}忽略{told}。您发送回答后，我会撤销忽略，把回答照常发给学员。"


def undismiss_to_answer(ctx: Context, question: QuestionLog) -> str:
    """Before a manager's answer to `question` is stored: bring it back if it was set aside with
    「🗑 忽略」 (with the repeats dismissed with it, which the answer then closes too), so that
    it is not answered while it stays dismissed; the line telling the manager (`UNDISMISSED`),
    "" when it was not dismissed."""
    assert question.id is not None
    with ctx.services.session() as session:
        fresh = question_crud.get_question(session, question_id=question.id)
        if fresh is None or fresh.dismissed_at is None or fresh.manager_answer is not None:
            return ""
        restored = question_crud.restore_dismissed(session, question_id=question.id)
    return UNDISMISSED if restored else ""


def manager_repeats(ctx: Context, session: Session, question: QuestionLog) -> list[int]:
    """`question_crud.unanswered_repeats` of `question` for this manager (all for an admin)."""
    return question_crud.unanswered_repeats(
        session, question=question, manager_id=ctx.user.id, everyone=ctx.role is Role.admin
    )


def store_answer(
    ctx: Context,
    session: Session,
    question: QuestionLog,
    answer: str,
    repeats: list[int],
    *,
    since: datetime | None = None,
    seen_at: datetime | None = None,
) -> bool:
    """Record `answer` as this manager's to `question` and its `repeats`, in one conditional
    UPDATE, if it may be sent now: as a supplement to the answer given at `seen_at` while that
    is still the last one; else unless someone else answered after `since` (when 「回答」 was
    pressed); else (📌) while nobody has answered. Whether it was recorded."""
    assert question.id is not None
    claim = {
        "question_id": question.id,
        "manager_id": ctx.user.id,
        "answer": answer,
        "repeat_ids": repeats,
    }
    # An answer the trainee never got is replaced, not added to.
    lost_at = question_crud.undelivered_answer_at(question)
    heading = None if lost_at else f"{teacher_name(ctx.user.display_name)}补充："
    if seen_at is not None:
        return question_crud.supplement_answer(session, seen_at=seen_at, heading=heading, **claim)
    if since is not None or lost_at is not None:
        latest = max(at for at in (since, lost_at) if at is not None)
        return question_crud.answer_unless_overtaken(
            session, since=latest, heading=heading, **claim
        )
    return question.manager_answer is None and question_crud.answer_if_waiting(session, **claim)


def answerer(ctx: Context, question: QuestionLog, user_id: int | None = None) -> str:
    """Who answered `question` last (or `user_id`, who wrote a part of its answer), as the
    manager reads it: 「您」, 「班主任 王芳」, 「管理员 陈静」 or 「另一位老师」 (the name
    not escaped)."""
    user_id = question.answered_by if user_id is None else user_id
    if user_id == ctx.user.id:
        return "您"
    with ctx.services.session() as session:
        user = session.get(User, user_id) if user_id else None
    if user is None:
        return "另一位老师"
    admin = user.id in ctx.services.settings.admin_ids or user.role == Role.admin
    return f"{'管理员' if admin else '班主任'} {user.display_name}"


def answered_already(ctx: Context, question: QuestionLog) -> str:
    """「这个问题班主任 王芳在 19:46 已经回答过：「…」」 (HTML, ending with a full stop): who
    answered `question`, when, and the start of what they said. When another manager added to
    an answer, both are named, each for their part: 「这个问题您在 19:46 补充了班主任 王芳的
    回答，合起来是：「…」」, so that nobody is shown another's answer as their own."""
    said = (question.manager_answer or "")[:EARLIER_CHARS]
    stop = "" if said.rstrip().endswith(SENTENCE_ENDS) else "。"  # not 「…17:00。」。
    when = ""
    if question.manager_answered_at is not None:
        zone = ctx.services.settings.timezone
        when = f"在 {handoff_time(question.manager_answered_at, zone, utcnow().astimezone(zone))} "
    who = escape(answerer(ctx, question))
    first = question_crud.first_author(question)
    if first is not None and first != question.answered_by:
        wrote = escape(answerer(ctx, question, first))
        return f"这个问题{who}{when}补充了{wrote}的回答，合起来是：「{escape(said)}」{stop}"
    return f"这个问题{who}{when}已经回答过：「{escape(said)}」{stop}"


def reply_texts(
    question: QuestionLog, answer: str, by: str, *, supplement: bool = False
) -> list[str]:
    """What the trainee receives: the manager's answer under their question, headed with who
    gave it (`by`, their name: 「王芳老师回复了您的问题」), and as a supplement (「王芳老师补充
    回复：」) when the question had an answer already, so that two answers are not read as one
    contradicting itself. An answer too long for one message with the question (up to
    `MAX_ANSWER_UNITS`) goes on in a second one, 「王芳老师回复（续）」, cut at a line's end."""
    who = escape(teacher_name(by))
    heading = f"{who}补充回复：" if supplement else f"{who}回复了您的问题"
    asked = clip(question.question, ASKED_UNITS)
    lead = f"💬 <b>{heading}</b>\n问：{escape(asked)}\n\n答："
    letters: list[str] = []
    rest = answer
    while True:
        room = MAX_MESSAGE_UNITS - visible_length(lead)
        if utf16_length(rest) <= room:
            return [*letters, lead + escape(rest)]
        head, rest = cut_answer(rest, room - utf16_length(CONTINUED))
        letters.append(lead + escape(head) + CONTINUED)
        lead = f"💬 <b>{who}{'补充回复' if supplement else '回复'}（续）</b>\n"


def cut_answer(text: str, units: int) -> tuple[str, str]:
    """`text` cut in two, the first part in at most `units` UTF-16 units: after its last line
    (the line break dropped) or else sentence that fits in the second half of them, else
    between two characters as read (graphemes)."""
    end = used = 0
    for cluster in graphemes(text):
        size = utf16_length(cluster)
        if used + size > units:
            break
        used += size
        end += len(cluster)
    head = text[:end]
    line = head.rfind("\n")
    if line >= end // 2:
        return head[:line], text[line + 1 :]
    sentence = max(head.rfind(mark) for mark in SENTENCE_ENDS)
    if sentence >= end // 2:
        return head[: sentence + 1], text[sentence + 1 :]
    return head, text[end:]


async def deliver_answer(
    ctx: Context, question: QuestionLog, answer: str, *, supplement: bool
) -> DeliveryError | None:
    """Send the trainee this manager's `answer` (`reply_texts`: two messages when it is long);
    None once it all arrived, else what Telegram said (the rest is not sent)."""
    for letter in reply_texts(question, answer, ctx.user.display_name, supplement=supplement):
        failure = await deliver(ctx.services, question.user_id, letter)
        if failure is not None:
            return failure
    return None


def delivery_status(
    ctx: Context, failure: DeliveryError | None, repeats: list[int], *, sent: str = "回答"
) -> str:
    """How sending the manager's answer went, told to the manager (it is saved either way);
    `sent` names what was sent (HTML) in 「✅ 已把…发给学员。」."""
    if failure is None:
        status = f"✅ 已把{sent}发给学员。"
    elif isinstance(failure, NeverStarted):
        bot = ctx.services.bot_username
        status = (
            "⚠️ 回答已保存，但没能发给学员：对方还没有私聊过我（可能是在群里提问的），我不能主动"
            f"联系。请让对方打开 t.me/{escape(bot)} 并点「开始」，然后再点一次「回答」重发。"
        )
    elif isinstance(failure, Unreachable):
        status = "⚠️ 回答已保存，但没能发给学员（对方屏蔽了我或注销了账号）。"
    else:
        status = (
            "⚠️ 回答已保存，但 Telegram 暂时出错，没能发给学员。请过几分钟再点一次「回答」重发。"
        )
    if repeats:
        status += f"\n这位学员把这个问题问了 {len(repeats) + 1} 次，都已标为已回答。"
    return status


def note_delivery(
    ctx: Context, question: QuestionLog, earlier: Earlier, failure: DeliveryError | None
) -> None:
    """Record whether this manager's answer, just stored, reached the trainee (in the database,
    so a restart keeps it): one that did not, and was the trainee's only one, is not held
    against nor added to (`question_crud.undelivered_answer_at`)."""
    assert question.id is not None
    with ctx.services.session() as session:
        if failure is None or earlier.answered:
            question_crud.mark_answer_delivered(session, question_id=question.id)
        else:
            question_crud.mark_answer_undelivered(
                session, question_id=question.id, manager_id=ctx.user.id
            )


async def typed_answer_sent(
    ctx: Context,
    question: QuestionLog,
    text: str,
    repeats: list[int],
    payload: dict,
    earlier: Earlier,
    *,
    reply: type[Send] | type[Edit],
    undismissed: str = "",
) -> list[Reply]:
    """Send the manager's typed answer, stored already, to the trainee (a supplement when the
    question had an answer `earlier`), tell the manager how it went in a new message or in the
    one pressed (`reply`), with `undismissed` (`undismiss_to_answer`), offering to save it as a
    curated answer; once it reached the trainee, mark the question's messages answered
    (`mark_answered`)."""
    failure = await deliver_answer(ctx, question, text, supplement=earlier.answered)
    note_delivery(ctx, question, earlier, failure)
    status = delivery_status(ctx, failure, repeats)
    if undismissed:
        status += f"\n{undismissed}"
    signed = f"署名「{escape(teacher_name(ctx.user.display_name))}的解答」"
    if earlier.answered and earlier.first_by not in (None, ctx.user.id):
        signed = signature(ctx, earlier.first_by)
    more = ""
    buttons = [[Button("⭐ 保存为标准答案", data=data("cur", question.id))]]
    if failure is None:  # else 「回答」 sends it again
        more = f"\n还要接着写，请点「{WRITE_MORE}」，下一条会作为补充发给学员。"
        buttons.append([Button(WRITE_MORE, data=data("ans", question.id))])
    replies: list[Reply] = [
        reply(
            f"{status}{more}\n\n这个回答也适用于其他学员的话，可以保存为标准答案。{SHARED}，"
            f"{signed}。只适用于本班的回答（如本班的教室、日期、联系电话）"
            "请不要保存。",
            keyboard(*buttons),
        )
    ]
    if failure is None:
        await tell_earlier_answerer(ctx, question, text, earlier)
        source = None
        if "message_id" in payload:
            listing = payload.get("listing")
            source = AnsweredFrom(tuple(listing) if listing else None, payload["message_id"])
        replies += await mark_answered(
            ctx, question, repeats, source, answered_before_by=earlier.by
        )
    return replies


def signature(ctx: Context, first_by: int | None) -> str:
    """How a saved answer that this manager added to is signed (HTML): 「署名「王芳老师的解答」，
    您的补充署名「李强老师补充」」; `first_by` wrote its first part."""
    with ctx.services.session() as session:
        author = session.get(User, first_by) if first_by is not None else None
    first = escape(teacher_name(author.display_name)) if author is not None else "班主任"
    mine = escape(teacher_name(ctx.user.display_name))
    return f"署名「{first}的解答」，您的补充署名「{mine}补充」"


async def tell_earlier_answerer(
    ctx: Context, question: QuestionLog, answer: str, earlier: Earlier
) -> None:
    """Once another manager's supplement reached the trainee, tell the one who answered before
    (they may want to check the two agree); nothing when that was this manager."""
    if not earlier.answered or earlier.by is None or earlier.by == ctx.user.id:
        return
    who = escape(teacher_name(ctx.user.display_name))
    await deliver(
        ctx.services,
        earlier.by,
        f"ℹ️ {who}给学员补充回复了您回答过的问题：「{escape(clip(answer, EARLIER_CHARS))}」\n\n"
        f"问题：{escape(clip(question.question, QUESTION_UNITS))}",
    )


def answered_view(ctx: Context, question: QuestionLog, source: AnsweredFrom | None) -> list[Reply]:
    """The message `question` was answered from, now that it is: the /unanswered page shown
    again without it, or the 问班主任 message without its buttons, 「✅ 已回复。」; nothing when
    that message is not known."""
    if source is None:
        return []
    if source.listing is not None:
        return [Edit(*unanswered_listing(ctx, *source.listing), message_id=source.message_id)]
    return [answered_handoff(ctx, question, source.message_id)]


async def mark_answered(
    ctx: Context,
    question: QuestionLog,
    repeats: list[int],
    source: AnsweredFrom | None,
    *,
    answered_before_by: int | None = None,
) -> list[Reply]:
    """Once an answer to `question` (and to its `repeats`) reached the trainee: every 问班主任
    message they brought, in any manager's chat, loses its buttons (`mark_handoffs_answered`),
    and the message answered from is edited by the reply returned (`answered_view`)."""
    assert question.id is not None
    pressed = None  # the 问班主任 message answered through: the reply edits it
    if source is not None and source.listing is None:
        pressed = source.message_id if source.message_id is not None else ctx.event.message_id
    await mark_handoffs_answered(
        ctx, [question.id, *repeats], answered_before_by=answered_before_by, pressed=pressed
    )
    return answered_view(ctx, question, source)
