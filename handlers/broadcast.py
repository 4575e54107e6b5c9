"""Broadcasts to a whole class: `/broadcast TEXT`, or a message forwarded to the bot.

    /broadcast 明天上午9点在报告厅集合   → (class buttons if several) → 确认发送 → sent
    /broadcast → 「请发送要群发的内容」 → the manager's next message → the same steps
    (forward any text message to the bot) → choose the class → 确认发送

`/broadcast` alone waits for the text (a pending input, `TEXT_STATE`): 「取消」 or any command
ends the wait (/broadcast again simply starts over); a text too long, or a photo or file sent
instead, is refused and it goes on waiting (files and photos: `bot/conversation.py`); a
message forwarded meanwhile is the text. A text sent after the wait expired (30 minutes) is
no question: the bot offers to broadcast it (「📢 群发这段文字」, `OFFER_PREFIX`), keeping it in
a watch (`OFFER_STATE`) that a command or 30 minutes end.

After the confirm button the same message becomes the progress message, edited while the
broadcaster sends, and ends as the report: delivered / blocked the bot / failed, and who.

Callback data (version 1, re-checked: only the draft's author, only for a class they run)::

    bc:1:cls:<broadcast>:<class>   choose the class     bc:1:ok:<broadcast>:<class>  send
    bc:1:no:<broadcast>            drop the draft
    bc:1:pg:<broadcast>:<page>     another page of the class picker (…:1 when the offer says
                                   that an attachment of the forwarded message stays behind)
    bcr:1:<broadcast>              🔁 resend to the members it failed for (on the report)
    bco:1:<mark>                   📢 broadcast the text kept after the wait expired (the mark:
                                   that text's; a second or stale tap only toasts)

Both are private: in a group /broadcast is refused there, since the report names members who
blocked the bot. A draft keeps the message's hidden links (「点击此处」 → <a href>) and may be a
whole notice: 3,500 characters as Telegram counts them (the visible text in UTF-16 units: an
emoji counts 2, a link only its words, `&` one), less if the class header in front of it would
pass Telegram's 4,096; other messages are limited to MAX_MESSAGE_CHARS.

A message forwarded into a private chat reaches `forwarded_message` for managers and admins
(the router's roles): its text is the draft; a photo, sticker or file alone is refused (only
text can be broadcast), and with a caption the offer says the photo or file is not sent. An
admin's forwarded notice file and a forwarded .yaml template are still uploads (the file
routes' `uploaders`). Anybody else's forwarded text goes on to the question answerer.
"""

from __future__ import annotations

import re
from html import escape

from sqlmodel import Session

from bot.chat import Button, Edit, Event, Notice, Reply, Send, keyboard
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, TrainingClass
from bot.db.reminder_models import BroadcastStatus
from bot.limits import MAX_MESSAGE_UNITS, utf16_length, visible_length, visible_text
from handlers.class_names import CLASSES_PER_PAGE, class_labels, class_page
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
from scheduler.broadcaster import RESEND_PREFIX, resend_failed, stored_text_room, wake_sender

router = Router("broadcast", roles={Role.manager, Role.admin})

PREFIX = "bc"
VERSION = "1"
STALE = "这个按钮已失效，请重新发送 /broadcast。"
NOT_YOURS = "这不是您创建的群发。"
RESEND_STALE = "这个按钮已失效。"  # as scheduler/broadcaster.py `resend_failed` says it
NO_CLASS = "您还没有培训班。请先用 /newclass 培训班名称 创建培训班。"
# What Telegram counts (visible text, UTF-16 units), at most: a whole notice fits, and so does
# the class header put in front of it (Telegram allows 4,096 for both).
MAX_CHARS = 3500
PICKER_CHARS = 20  # a class name in a picker button, cut keeping its tail (「…培训班第3期」)
TOO_LONG = "内容太长了（{length} 字{emoji}），请控制在 {limit} 字以内，分几次发送。"
TOO_MUCH_MARKUP = (
    "这条通知的链接网址和 &、<、> 等符号保存时要占更多位置：连同它们共 {length} 个字符，"
    "超过了群发能保存的 {limit} 个字符。请去掉一些链接或分几次发送。"
)
LEFT_OUT_NOTE = "\n\n⚠️ 只会群发上面这段文字，原消息中的{left_out}不会发出。"
LEFT_OUT = "图片、文件等内容"  # on a page turned to, whose button does not say what it was
TAG = re.compile(r"<[^>]*>")
# `/broadcast` alone waits for the text in the manager's next message (a pending input).
TEXT_STATE = "broadcast_text"
ASK_TEXT = (
    "📢 请发送要群发的内容（最多 {limit} 字），或发送「取消」。\n"
    "也可以把要群发的消息转发给我；下一步再选择发给哪个培训班、确认后才发送。"
)
CANCEL_WORDS = {"取消", "cancel", "不发了", "算了"}
CANCEL_PUNCTUATION = "。.！!"
CANCELLED = "已取消，没有群发。要群发，请重新发送 /broadcast。"
EMPTY_TEXT = "内容不能为空。请发送要群发的文字，或发送「取消」。"
TRY_AGAIN = "请重新发送要群发的内容，或发送「取消」。"
ENDED_NOTE = "已取消群发，没有发送。要群发，请重新发送 /broadcast。"
# A text typed after the wait expired, kept for the offer to broadcast it.
OFFER_STATE = "broadcast_offer"
OFFER_PREFIX = "bco"
OFFER = (
    "📢 要群发刚才这段文字吗？点「📢 群发这段文字」，再选择培训班、确认后才会发送；"
    "不群发的话不用理会。\n内容：{excerpt}"
)
# A toast only: a second tap finds the message edited into the confirmation or the report.
OFFER_GONE = (
    "这个按钮已经处理过了，或这段文字已经不在了（之后发送过命令，或已超过 30 分钟），没有再群发。"
    "要群发新的内容，请发送 /broadcast。"
)


def _data(action: str, broadcast_id: int, class_id: int | None = None) -> str:
    tail = f":{class_id}" if class_id is not None else ""
    return f"{PREFIX}:{VERSION}:{action}:{broadcast_id}{tail}"


@router.command("broadcast", "群发通知", private_only=True, long_text=True)
async def broadcast_command(ctx: Context) -> list[Reply]:
    """Start a broadcast draft from the command's text (private: its report names members);
    without a text, ask for it: the manager's next message is the text (`on_broadcast_text`)."""
    text = ctx.event.args.strip()
    left_out = attachment_of(ctx.event)  # a photo captioned 「/broadcast …」
    if not text and left_out:
        raise UserError(NO_TEXT.format(attachment=left_out))
    if not text:
        return _ask_for_text(ctx)
    return _draft(ctx, text, _html_after_command(ctx.event), forwarded=False, left_out=left_out)


def _ask_for_text(ctx: Context) -> list[Reply]:
    """`/broadcast` alone: wait for the text in the manager's next message."""
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
        if not classes:
            raise UserError(NO_CLASS)
        limit = length_limit([header(c, ctx.user.display_name) for c in classes])
        crud.set_pending(session, user_id=ctx.user.id, kind=TEXT_STATE, payload={})
    return [Send(ASK_TEXT.format(limit=limit))]


async def on_broadcast_text(ctx: Context) -> list[Reply]:
    """The text asked for by `/broadcast` alone: a draft, as `/broadcast TEXT` makes one.
    「取消」 ends the wait; a text that cannot be broadcast is refused and the wait goes on."""
    text = ctx.event.text.strip()
    if text.rstrip(CANCEL_PUNCTUATION).lower() in CANCEL_WORDS:
        with ctx.services.session() as session:
            crud.clear_pending(session, user_id=ctx.user.id)
        return [Send(CANCELLED)]
    if not text:
        raise UserError(EMPTY_TEXT)
    try:
        replies = _draft(
            ctx, text, ctx.event.html.strip(), forwarded=False, left_out=attachment_of(ctx.event)
        )
    except UserError as refusal:
        if str(refusal) == NO_CLASS:  # the classes are gone: waiting for a text is pointless
            with ctx.services.session() as session:
                crud.clear_pending(session, user_id=ctx.user.id)
            raise
        raise UserError(f"{refusal}\n{TRY_AGAIN}") from None
    with ctx.services.session() as session:
        crud.clear_pending(session, user_id=ctx.user.id)
    return replies


# A whole notice may be broadcast: the handler checks the length itself (`check_length`), so
# the conversation's MAX_MESSAGE_CHARS must not refuse it first, as for `/broadcast TEXT`.
router.text(state=TEXT_STATE, ended_note=ENDED_NOTE, long_text=True, restarted_by="broadcast")(
    on_broadcast_text
)


@on_expired_text(TEXT_STATE)
async def on_expired_broadcast_text(ctx: Context) -> list[Reply]:
    """A text sent after the wait for the broadcast text expired: most likely that text,
    written slowly. Never a question; offer to broadcast it, keeping it in a watch (a command
    or 30 minutes end it). A text that could not be broadcast is refused as it would
    have been."""
    text = ctx.event.text.strip()
    if not text or text.rstrip(CANCEL_PUNCTUATION).lower() in CANCEL_WORDS:
        return []
    body = ctx.event.html.strip() or escape(text)
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
        if not classes:
            return []
        check_length(ctx, body, [header(c, ctx.user.display_name) for c in classes])
        kept = {"text": text, "html": ctx.event.html.strip(), WATCHING: True}
        crud.set_pending(session, user_id=ctx.user.id, kind=OFFER_STATE, payload=kept)
    offer = OFFER.format(excerpt=_excerpt(body))
    data = f"{OFFER_PREFIX}:1:{text_mark(text)}"
    return [Send(offer, keyboard([Button("📢 群发这段文字", data=data)]))]


@router.callback(OFFER_PREFIX)
async def on_offer(ctx: Context) -> list[Reply]:
    """「📢 群发这段文字」: the kept text becomes a draft, as if sent while the wait was on. A
    second tap, or one after the text was dropped, only says so in a toast: the message it is
    in may be the confirmation or the report by then, which must stay as it is."""
    mark = ctx.event.callback_data.split(":")[2:3]
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        kept = dict(pending.payload) if pending is not None else {}
        text = str(kept.get("text") or "")
        if pending is None or pending.kind != OFFER_STATE or not text:
            return [Notice(OFFER_GONE, alert=True)]
        if mark and mark[0] != text_mark(text):
            return [Notice(OFFER_GONE, alert=True)]
        crud.clear_pending(session, user_id=ctx.user.id)
    html = str(kept.get("html") or "")
    draft = _draft(ctx, text, html, forwarded=False)
    return [Edit(r.text, r.buttons) if isinstance(r, Send) else r for r in draft]


def _html_after_command(event: Event) -> str:
    """The command's text as HTML with its links, without the leading /broadcast."""
    if not event.html:
        return ""
    head = event.text.strip().split(maxsplit=1)[0]
    return event.html.strip().removeprefix(escape(head)).strip()


# What a forwarded message carried besides its text, as the offer names it.
ATTACHMENT_NAMES = {
    "photo": "图片",
    "animation": "动图",
    "sticker": "贴纸",
    "video": "视频",
    "video_note": "视频",
    "voice": "语音",
    "audio": "音频",
    "location": "位置",
    "venue": "位置",
    "contact": "联系人名片",
    "poll": "投票",
}
NO_TEXT = (
    "这条消息没有文字内容（只有{attachment}），暂时只能群发文字。"
    "请把要通知的内容用文字发给我，或发送 /broadcast 内容。"
)


def attachment_of(event: Event) -> str:
    """「图片」, 「文件「x.pdf」」 … for what a message carried besides text; "" for plain text."""
    if event.document is not None:
        return f"文件「{escape(event.document.file_name)}」"
    if event.media:
        return ATTACHMENT_NAMES.get(event.media, "图片、语音等内容")
    return ""


@router.forwarded(long_text=True)
async def forwarded_message(ctx: Context) -> list[Reply]:
    """A manager's forwarded message becomes a broadcast draft (choose the class). Only its
    text can be broadcast: a photo or file alone is refused, with a caption the offer says the
    photo or file stays behind."""
    attachment = attachment_of(ctx.event)
    text = ctx.event.text.strip()
    if attachment and not text:
        raise UserError(NO_TEXT.format(attachment=attachment))
    replies = _draft(ctx, text, ctx.event.html.strip(), forwarded=True, left_out=attachment)
    with ctx.services.session() as session:  # forwarded after `/broadcast` alone: that's it
        pending = crud.get_pending(session, user_id=ctx.user.id)
        if pending is not None and pending.kind == TEXT_STATE:
            crud.clear_pending(session, user_id=ctx.user.id)
    return replies


def _draft(
    ctx: Context, text: str, html: str, *, forwarded: bool, left_out: str = ""
) -> list[Reply]:
    """`html` is the text with its hidden links as <a href>, or "" when it has none."""
    if not text:
        raise UserError("这条消息没有文字内容，暂时只能群发文字。")
    body = html or escape(text)
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
        if not classes:
            raise UserError(NO_CLASS)
        # the longest header it may go out with: refused now, not by Telegram for every member
        check_length(ctx, body, [header(c, ctx.user.display_name) for c in classes])
        draft = rcrud.create_broadcast(
            session,
            class_id=classes[0].id,  # replaced by the class chosen on confirmation
            text=body,
            created_by=ctx.user.id,
            report_chat_id=ctx.event.chat_id,
            status=BroadcastStatus.draft,
        )
        assert draft.id is not None
        note = LEFT_OUT_NOTE.format(left_out=left_out) if left_out else ""
        if len(classes) == 1 and not forwarded:
            only = classes[0]
            counts = rcrud.recipient_counts(session, class_id=only.id)
            label = class_labels(classes)[only.id]
            text, buttons = _confirmation(draft.id, draft.text, only, label, counts)
            return [Send(text + note, buttons)]
        return [Send(*_picker(session, draft.id, draft.text, classes, 0, note))]


def _picker(
    session: Session,
    broadcast_id: int,
    text: str,
    classes: list[TrainingClass],
    page: int,
    note: str,
) -> tuple[str, tuple]:
    """A page of the class picker (`class_page`): a button per class with its member count.
    Its paging buttons say whether the offer carries the note that an attachment stays behind
    (`bc:1:pg:<broadcast>:<page>:1`), so that the note is on every page."""
    left_out = ":1" if note else ""
    view = class_page(classes, page, lambda other: _data("pg", broadcast_id, other) + left_out)
    short = class_labels(classes, limit=PICKER_CHARS)  # 「2026年国培计划(中西部…训班第12期」
    rows = []
    for c in view.shown:
        receiving = rcrud.recipient_counts(session, class_id=c.id)[0]
        rows.append(
            [Button(f"{short[c.id]}（{receiving} 人）", data=_data("cls", broadcast_id, c.id))]
        )
    rows.append(view.paging)
    rows.append([Button("✖ 取消", data=_data("no", broadcast_id))])
    question = f"请选择要发给哪个培训班：{view.line}"
    return f"📢 <b>群发</b>\n内容：{_excerpt(text)}{note}\n\n{question}", keyboard(*rows)


def header(training_class: TrainingClass, manager_name: str) -> str:
    """The line a broadcast starts with (「📢 班级通知 · 语文一班 · 班主任 王芳」); the manager
    too: two managers' classes may share a name."""
    sender = f"{training_class.name} · 班主任 {manager_name}"
    return f"📢 <b>班级通知</b> · {escape(sender)}\n"


def length_limit(headers: list[str]) -> int:
    """How long a draft may be (as Telegram counts) to go out below each of these headers."""
    return min(MAX_CHARS, MAX_MESSAGE_UNITS - max(visible_length(h) for h in headers))


def check_length(ctx: Context, body: str, headers: list[str]) -> None:
    """Refuse a draft Telegram would refuse below one of these headers, saying by how much in
    the units it counts (the visible text in UTF-16: an emoji counts 2, a link its words only);
    and one whose HTML the database cannot hold (PostgreSQL: links' addresses and `&amp;`)."""
    limit = length_limit(headers)
    visible = visible_text(body)
    length = utf16_length(visible)
    if length > limit:
        emoji = "，表情符号每个按 2 字计" if length > len(visible) else ""
        raise UserError(TOO_LONG.format(length=length, emoji=emoji, limit=limit))
    room = stored_text_room(ctx.services)
    stored = len(body) + max(len(h) for h in headers)
    if room is not None and stored > room:
        raise UserError(TOO_MUCH_MARKUP.format(length=stored, limit=room))


def _excerpt(html_text: str, limit: int = 300) -> str:
    """At most `limit` characters of the draft's HTML to show; a longer one is cut as plain
    escaped text (its links' tags removed), never inside a tag or an entity like &lt;."""
    if len(html_text) <= limit:
        return html_text
    cut = TAG.sub("", html_text)[:limit]
    if "&" in cut[-6:]:
        cut = cut[: cut.rfind("&")]
    return cut + "…"


def _confirmation(
    broadcast_id: int,
    text: str,
    training_class: TrainingClass,
    label: str,
    counts: tuple[int, int],
    back_page: int | None = None,
) -> tuple[str, tuple]:
    """The confirmation names the class and how many members will actually receive it. A
    class nobody in it can receive offers 「◀ 换一个培训班」 (the picker's `back_page`) when
    the manager has others."""
    assert training_class.id is not None
    receiving, blocked = counts
    if blocked:
        head = (
            f"班级：{escape(label)}（共 {receiving + blocked} 人）\n"
            f"将发给 {receiving} 人；另有 {blocked} 人屏蔽了机器人或已注销账号，不会发给他们。"
        )
    else:
        head = f"班级：{escape(label)}（{receiving} 人）"
    cancel = Button("✖ 取消", data=_data("no", broadcast_id))
    if not receiving:
        why = f"这 {blocked} 人都屏蔽了机器人或已注销账号" if blocked else "还没有学员加入"
        message = (
            f"📢 <b>无法群发</b>\n{head}\n\n这个班目前没有可以接收通知的学员（{why}）。"
            "请把加入链接（发送 /myclass 查看）发给学员，有人加入后再群发。"
        )
        if back_page is None:
            return message, keyboard([cancel])
        back = Button("◀ 换一个培训班", data=_data("pg", broadcast_id, back_page))
        return message + "\n也可以换一个培训班群发。", keyboard([back], [cancel])
    message = (
        f"📢 <b>确认群发</b>\n{head}\n"
        f"内容：\n{_excerpt(text, 1500)}\n\n点「确认发送」后开始发送，进度会显示在这条消息里。"
    )
    send = Button("✅ 确认发送", data=_data("ok", broadcast_id, training_class.id))
    return message, keyboard([send, cancel])


@router.callback(PREFIX)
async def on_button(ctx: Context) -> list[Reply]:
    """Choose the class, confirm (start sending) or drop a broadcast draft."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) < 4 or parts[1] != VERSION:
        raise UserError(STALE)
    # <broadcast>:<class>, or <broadcast>:<page>[:1] for "pg"
    action, numbers = parts[2], [button_id(parts[3], STALE)]
    numbers += [
        button_number(p, STALE) if action == "pg" else button_id(p, STALE) for p in parts[4:]
    ]
    with ctx.services.session() as session:
        draft = rcrud.get_broadcast(session, broadcast_id=numbers[0])
        if draft is None:
            raise UserError(STALE)
        if draft.created_by != ctx.user.id:
            raise UserError(NOT_YOURS)
        if draft.status != BroadcastStatus.draft:
            return [Notice("这条群发已经处理过了。")]
        if action == "no":
            rcrud.set_broadcast_status(
                session,
                broadcast_id=numbers[0],
                status=BroadcastStatus.cancelled,
                expected=BroadcastStatus.draft,
            )
            return [Edit("已取消，没有发送。")]
        if action == "pg" and len(numbers) in (2, 3):
            classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
            if not classes:
                raise UserError(NO_CLASS)
            note = LEFT_OUT_NOTE.format(left_out=LEFT_OUT) if numbers[2:] == [1] else ""
            return [Edit(*_picker(session, numbers[0], draft.text, classes, numbers[1], note))]
        if action not in ("cls", "ok") or len(numbers) != 2:
            raise UserError(STALE)
        training_class = session.get(TrainingClass, numbers[1])
        if training_class is None or training_class.manager_id != ctx.user.id:
            raise UserError("您不是这个培训班的班主任。")
        if action == "cls":
            classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
            labels = class_labels(classes)
            counts = rcrud.recipient_counts(session, class_id=training_class.id)
            ids = [c.id for c in classes]
            # back to the picker's page that holds this class, if there is another to pick
            back = ids.index(training_class.id) // CLASSES_PER_PAGE if len(ids) > 1 else None
            label = labels[training_class.id]
            confirmation = _confirmation(
                numbers[0], draft.text, training_class, label, counts, back_page=back
            )
            return [Edit(*confirmation)]
        first_line = header(training_class, ctx.user.display_name)
        check_length(ctx, draft.text, [first_line])  # the manager's name may have grown
        started = rcrud.start_draft_broadcast(
            session,
            broadcast_id=numbers[0],
            class_id=training_class.id,
            text=first_line + draft.text,
            progress_message_id=ctx.event.message_id,
        )
    if not started:
        return [Notice("这条群发已经处理过了。")]
    wake_sender(ctx.services)
    return [Notice("开始发送")]


@router.callback(RESEND_PREFIX)
async def on_resend(ctx: Context) -> list[Reply]:
    """「🔁 重发给未送达的 N 人」 on a report: the message again, only to the members it failed
    for or who had never opened the bot, once; only the broadcast's author
    (scheduler/broadcaster.py `resend_failed`)."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) != 3 or parts[1] != "1":
        raise UserError(RESEND_STALE)
    broadcast_id = button_id(parts[2], RESEND_STALE)
    answer = resend_failed(ctx.services, broadcast_id=broadcast_id, user_id=ctx.user.id)
    if answer.refused:
        raise UserError(answer.notice)
    replies: list[Reply] = [Edit(*answer.report)] if answer.report else []
    return [*replies, Notice(answer.notice)]
