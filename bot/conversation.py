"""The chat-neutral core: one Event in, the Replies out. Engines call `Conversation.handle`.

It records who the user is, checks input size, picks the route (role guards included), runs
the handler, turns a `UserError` into a polite refusal, and logs one line per update. It reads
an event without the spaces and invisible characters (U+200B …) around its text and arguments:
a text of nothing else is empty, answered 「这条消息是空的…」 and nothing else is done (the
input the bot waits for, if any, refuses it in its own words), and a command's argument of
nothing else is no argument (QA23 F6).

In a group the bot answers only its commands (`/ask …`, `/cmd@this_bot`) and its buttons: other
messages there are talk between people and left alone before anything else (no size check, no
refusal), except a text replying to one of the bot's own messages, which gets a hint how to ask
there (`GROUP_REPLY_HINT`: plain text in a group is no question). A command addressed to
another bot (`/start@other_bot`) is ignored in every chat, and an unknown command is ignored in
a group. The input the bot is waiting for (a survey's text answer, a reply to a trainee …) was
asked for in the private chat: only a message there answers or ends it; a photo or a file
(not one this user uploads, like an admin's notice) answers nothing and leaves it waiting.

A text that comes after the input expired (`PENDING_INPUT_TTL`) is never taken as a question:
it was most likely typed for that input (a survey's suggestion, a broadcast written slowly).
After the ⌛ line, the input's `on_expired_text` handler offers to use it, and the ⌛ line then
only says that the input was cancelled (the offer says how to go on); without an offer the
user is told how to start again. A button that makes the bot wait for another kind of input
(「✍️ 回答」 while a /broadcast text is awaited) says the input it replaced was cancelled
(「之前的 /broadcast 已取消，还没有发送」, `REPLACED`). A pending input that only watches
(`WATCHING`: a survey sheet open at its review) ends silently on a command, and lets a photo
or file through.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.chat import Event, EventKind, Notice, Reply, Send, without_invisible_edges
from bot.db import crud
from bot.db.models import PendingInput, Role, User, utcnow
from bot.services import Services
from handlers.ask import GROUP_REPLY_HINT
from handlers.routing import WATCHING, Context, Resolved, RoutingTable, UserError

log = logging.getLogger("guopei.updates")

UNKNOWN_COMMAND = "没有这个命令：/{command}。发送 /help 查看可用的命令。"
STALE_BUTTON = "这个按钮已失效，请重新发送命令。"
INTERNAL_ERROR = "抱歉，处理时出了点问题，已记录下来。请稍后再试。"
TOO_LONG = "消息太长了（{length} 字）。请控制在 {limit} 字以内，分几次发送。"
TEXT_ONLY = "我只能看懂文字消息。有政策问题请直接用文字提问。"
TEXT_ONLY_ADMIN = "要把通知加入知识库，请发送 txt/md/html/pdf/docx 文件。"
# A message is taken as the input the bot asked for (a survey's text answer, a reply to a
# trainee …) only this long after asking: later, or after any command, it is a new message.
PENDING_INPUT_TTL = timedelta(minutes=30)
PRUNE_HANDLED_EVERY = 500  # the handled updates' ids older than two days go every 500 handled
REMEMBERED_HERE = 10_000  # the ids of the updates this process handled last, kept in memory
WAITING_FOR_TEXT = (
    "我正在等您用文字输入刚才要求的内容，图片、语音和文件不能作为回复，这条没有处理。"
    "请直接发送文字；要放弃，请发送 /cancel。"
)
EXPIRED_INPUT = "⌛ 距离上次请您输入已超过 30 分钟，那次输入已自动取消。"
EXPIRED_RETRY = "如需继续，请重新点一次相应的按钮。"
# The ⌛ line when the expired input's handler offers to use the text (a button follows): it
# names the command that asked for the input, and says nothing about starting it again.
EXPIRED_OFFERED = "⌛ 距离上次请您输入已超过 30 分钟，之前的 /{command} 已自动取消，还没有发送。"
# Before what a button (「✍️ 回答」) asks for instead of the input started by /command.
REPLACED = "之前的 /{command} 已取消，还没有发送。"
# After the ⌛ line, for a text no handler of the expired input offers to use.
NOT_HANDLED = "\n这条消息没有处理。如果是要问我的问题，请再发送一次。"
# A text of spaces and invisible characters only (「​」 U+200B, 「　」 U+3000): nothing to
# answer, record or offer (QA23 F6). While an input is awaited its handler refuses it in its
# own words (「内容不能为空…」), and the input goes on waiting.
EMPTY_TEXT = "这条消息是空的（只有空格或看不见的字符），没有处理。请发送文字内容。"


@dataclass(frozen=True, slots=True)
class PendingState:
    """What the user's pending input means for this event."""

    kind: str | None = None  # the kind of input this event may answer
    ended: str | None = None  # the kind of input this event ended (a command, or time)
    expired: bool = False  # it ended because PENDING_INPUT_TTL passed
    payload: dict = field(default_factory=dict)  # the input's payload
    watching: bool = False  # it only watched the user's text (`WATCHING`)


class Conversation:
    """Turns Events into Replies using the routing table and the shared services."""

    def __init__(self, services: Services, table: RoutingTable) -> None:
        self.services = services
        self.table = table
        # Roles held in this process only (`guopei-bot chat --role` on a bot's database): the
        # stored role, which the bot and the other users see, is left as it is.
        self.role_overrides: dict[int, Role] = {}
        # The highest update id stored as handled when this process first looked (None: not
        # looked yet): a later id was handled, if at all, by this process, which remembers the
        # last ones it handled (a webhook post Telegram sends again, say).
        self._stored_up_to: int | None = None
        self._handled_here: OrderedDict[int, None] = OrderedDict()
        self._recorded = 0

    def role_of(self, user_id: int, stored_role: str) -> Role:
        if user_id in self.services.settings.admin_ids:
            return Role.admin
        return self.role_overrides.get(user_id) or Role(stored_role)

    async def handle(self, event: Event) -> list[Reply]:
        started = time.perf_counter()
        event = without_invisible_edges(event)  # 「/newclass ​」 names nothing (QA23 F6)
        handler_name = "-"
        try:
            replies, handler_name = await self._handle(event)
        except UserError as refusal:
            replies = _refuse(event, str(refusal))
        except Exception:
            log.exception("handler failed: user=%s kind=%s", event.user_id, event.kind)
            replies = _refuse(event, INTERNAL_ERROR)
        log.info(
            "update user=%s kind=%s handler=%s ms=%.1f",
            event.user_id,
            event.kind.value,
            handler_name,
            (time.perf_counter() - started) * 1000,
        )
        return replies

    async def _handle(self, event: Event) -> tuple[list[Reply], str]:
        if event.kind is EventKind.command and not self._addressed_to_us(event):
            return [], "other_bot"
        if not event.is_private and event.kind not in (EventKind.command, EventKind.callback):
            if event.kind is EventKind.text and self._is_us(event.replied_to_bot):
                return [Send(GROUP_REPLY_HINT)], "group_reply"
            return [], "group_message"
        with self.services.update_scope():
            return await self._route(event)

    def was_handled(self, update_id: int) -> bool:
        """Whether the Telegram update was handled already: Telegram forgets an update only at
        the next getUpdates (or the webhook post's answer), so one handled just before a crash
        comes back after the restart. A failed lookup counts as new (a reply twice, not none)."""
        try:
            with self.services.session() as session:
                if self._stored_up_to is None:  # the first update since the start
                    crud.forget_handled(session)  # (Telegram may reuse ids after a quiet week)
                    self._stored_up_to = crud.last_handled(session) or 0
                if update_id > self._stored_up_to:
                    return update_id in self._handled_here
                return crud.was_handled(session, update_id=update_id)
        except SQLAlchemyError as error:
            log.warning("could not look up whether update %s was handled: %s", update_id, error)
            return False

    def record_handled(self, update_id: int) -> None:
        """Store the update as handled, once its replies are performed (see `was_handled`)."""
        self._handled_here[update_id] = None
        self._recorded += 1
        if len(self._handled_here) > REMEMBERED_HERE:
            self._handled_here.popitem(last=False)
        try:
            with self.services.session() as session:
                crud.mark_handled(session, update_id=update_id)
                if self._recorded % PRUNE_HANDLED_EVERY == 0:
                    crud.forget_handled(session)
        except SQLAlchemyError as error:
            log.warning("could not record update %s as handled: %s", update_id, error)

    def _addressed_to_us(self, event: Event) -> bool:
        """A command names no bot, or this one (`/ask@Guopei_Bot` is /ask)."""
        return not event.addressee or self._is_us(event.addressee)

    def _is_us(self, username: str) -> bool:
        return bool(username) and username.lower() == self.services.bot_username.lower()

    async def _route(self, event: Event) -> tuple[list[Reply], str]:
        with self.services.session() as session:
            user, pending, blocked = crud.upsert_sender(
                session,
                user_id=event.user_id,
                first_name=event.first_name,
                last_name=event.last_name,
                username=event.username,
                language_code=event.language_code,
            )
            if blocked and event.is_private:  # they talk to the bot again: they unblocked it
                crud.unmark_blocked(session, user_id=user.id)
            if event.kind is EventKind.text and not event.text and not _awaits_text(pending):
                return [Send(EMPTY_TEXT)], "empty_text"
            state = _pending_input(session, event, pending)
        if state.expired and state.ended and event.kind is EventKind.text:
            expired = await self._expired_text(event, user, state)
            if expired is not None:
                return expired
        replies, name = await self._dispatch(event, user, state.kind, state.ended)
        restarted = self.table.restarts(state.ended or "", event.command)
        if state.ended and event.kind is EventKind.command and not restarted:
            note = self.table.ended_note(
                state.ended, services=self.services, payload=state.payload
            )
            replies = [Send(note), *replies]
        replaced = self._replaced_note(user.id, state) if not state.watching else ""
        if replaced:
            replies = [Send(replaced), *replies]
        return replies, name

    def _replaced_note(self, user_id: int, state: PendingState) -> str:
        """What to say when this event (a button: 「✍️ 回答」 while a /broadcast text is awaited)
        made the bot wait for another kind of input than the one it waited for, which is then
        no longer awaited: 「之前的 /broadcast 已取消，还没有发送」, or that input's ended note;
        "" when the input awaited is the same kind, or none now."""
        if state.kind is None:
            return ""
        with self.services.session() as session:
            now = crud.get_pending(session, user_id=user_id)
        if now is None or now.kind == state.kind:
            return ""
        route = self.table.state_route(state.kind)
        if route is not None and route.restarted_by:
            command = route.restarted_by
            return f"⚠️ {REPLACED.format(command=command)}要继续，请重新发送 /{command}。"
        return self.table.ended_note(state.kind, services=self.services, payload=state.payload)

    async def _expired_text(
        self, event: Event, user: User, state: PendingState
    ) -> tuple[list[Reply], str] | None:
        """A text after the input expired: the ⌛ line and the input's offer to use the text,
        or how to start again; never a question. None: handle it as any text (an expired
        watch with nothing to offer)."""
        assert state.ended is not None
        role = self.role_of(user.id, user.role)
        route = self.table.state_route(state.ended)
        handler = self.table.expired_text_handler(state.ended)
        allowed = route is None or route.roles is None or role in route.roles
        too_long = len(event.text) > self.services.settings.max_message_chars and not (
            route is not None and route.long_text
        )
        offer: list[Reply] = []
        if handler is not None and allowed and not too_long:
            context = Context(
                event=event,
                user=user,
                role=role,
                services=self.services,
                ended_input=state.ended,
                expired_payload=state.payload,
            )
            try:
                offer = await handler(context)
            except UserError as refusal:
                offer = [Send(str(refusal))]
        if state.watching:
            return (offer, "expired_watch") if offer else None
        if offer:  # the offer says how to go on: no 「请重新发送 /broadcast」 before it
            command = route.restarted_by if route is not None else ""
            line = EXPIRED_OFFERED.format(command=command) if command else EXPIRED_INPUT
            return [Send(line), *offer], "expired_offer"
        # 「已取消群发…请重新发送 /broadcast」: the input's own way back, if it has one
        retry = self.table.ended_note(
            state.ended, EXPIRED_RETRY, services=self.services, payload=state.payload
        )
        return [Send(EXPIRED_INPUT + retry + NOT_HANDLED)], "expired_input"

    async def _dispatch(
        self, event: Event, user: User, pending_kind: str | None, ended_input: str | None
    ) -> tuple[list[Reply], str]:
        role = self.role_of(user.id, user.role)
        resolved = self.table.resolve(event, role, pending_kind)
        if resolved.refusal is not None:
            return _refuse(event, resolved.refusal), resolved.name
        if pending_kind is not None and _not_the_text_asked_for(event, role, resolved):
            return [Send(WAITING_FOR_TEXT)], "waiting_for_text"
        limit = self.services.settings.max_message_chars
        length = len(event.text) if event.kind is EventKind.text else len(event.args)
        if length > limit and not (resolved.route and resolved.route.long_text):
            return _refuse(event, TOO_LONG.format(length=length, limit=limit)), "too_long"
        if resolved.route is None:
            if event.kind is EventKind.command:
                if not event.is_private:  # perhaps another bot's command: not ours to refuse
                    return [], "unknown"
                return _refuse(event, UNKNOWN_COMMAND.format(command=event.command)), "unknown"
            if event.kind is EventKind.callback:
                return [Notice(STALE_BUTTON, alert=True)], "stale_button"
            if event.kind is EventKind.media and event.is_private:
                hint = f"{TEXT_ONLY}\n{TEXT_ONLY_ADMIN}" if role is Role.admin else TEXT_ONLY
                return [Send(hint)], "media"
            return [], "ignored"
        context = Context(
            event=event,
            user=user,
            role=role,
            services=self.services,
            ended_input=ended_input if event.kind is EventKind.command else None,
        )
        replies = await resolved.route.handler(context)
        if event.kind is EventKind.callback and not any(isinstance(r, Notice) for r in replies):
            replies = [*replies, Notice()]
        return replies, resolved.route.handler.__name__


def _pending_input(session: Session, event: Event, pending: PendingInput | None) -> PendingState:
    """The kind of input this event may answer, the kind it ended, and whether that expired.

    A command ends the user's pending input, and so does `PENDING_INPUT_TTL` passing. The input
    was asked for in the private chat: an event from a group neither answers nor ends it. A
    watch (`WATCHING`) is for plain text only, and a command ends it without a word.
    """
    if pending is None or not event.is_private:
        return PendingState()
    payload = dict(pending.payload or {})
    watching = bool(payload.get(WATCHING))
    expired = utcnow() - pending.updated_at > PENDING_INPUT_TTL
    if not expired and event.kind is not EventKind.command:
        if watching and event.kind in (EventKind.media, EventKind.document):
            return PendingState()
        return PendingState(kind=pending.kind, watching=watching, payload=payload)
    crud.clear_pending(session, user_id=pending.user_id)
    if watching and event.kind is EventKind.command:
        return PendingState()
    return PendingState(ended=pending.kind, expired=expired, payload=payload, watching=watching)


def _awaits_text(pending: PendingInput | None) -> bool:
    """Whether the bot waits for this user's text (a broadcast, a reply to a trainee …), not
    only watches it (`WATCHING`: a survey sheet at its review), and the wait has not expired."""
    return (
        pending is not None
        and not (pending.payload or {}).get(WATCHING)
        and utcnow() - pending.updated_at <= PENDING_INPUT_TTL
    )


def _not_the_text_asked_for(event: Event, role: Role, resolved: Resolved) -> bool:
    """A photo, sticker, voice message or file sent while the bot waits for typed text (a
    broadcast, a reply to a trainee …): it answers nothing, and the input goes on waiting. A
    file this user adds with it (an admin's notice, a manager's .yaml template) is still
    added, and a forwarded message still goes to its own handler (a manager's broadcast)."""
    if event.kind not in (EventKind.media, EventKind.document) or event.forwarded:
        return False
    return resolved.route is None or role not in resolved.route.uploaders


def _refuse(event: Event, text: str) -> list[Reply]:
    if event.kind is EventKind.callback:
        return [Notice(text[:200], alert=True)]
    return [Send(text)]


__all__ = ["Conversation"]
