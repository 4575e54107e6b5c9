"""The chat-neutral core: one Event in, the Replies out. Engines call `Conversation.handle`.

It records who the user is, checks input size, picks the route (role guards included), runs
the handler, turns a `UserError` into a polite refusal, and logs one line per update.
"""

from __future__ import annotations

import logging
import time

from bot.chat import Event, EventKind, Notice, Reply, Send
from bot.db import crud
from bot.db.models import Role
from bot.services import Services
from handlers.routing import Context, RoutingTable, UserError

log = logging.getLogger("guopei.updates")

UNKNOWN_COMMAND = "没有这个命令:/{command}。发送 /help 查看可用的命令。"
STALE_BUTTON = "这个按钮已失效,请重新发送命令。"
INTERNAL_ERROR = "抱歉,处理时出了点问题,已记录下来。请稍后再试。"
TOO_LONG = "消息太长了({length} 字)。请控制在 {limit} 字以内,分几次发送。"


class Conversation:
    """Turns Events into Replies using the routing table and the shared services."""

    def __init__(self, services: Services, table: RoutingTable) -> None:
        self.services = services
        self.table = table

    def role_of(self, user_id: int, stored_role: str) -> Role:
        if user_id in self.services.settings.admin_ids:
            return Role.admin
        return Role(stored_role)

    async def handle(self, event: Event) -> list[Reply]:
        started = time.perf_counter()
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
        limit = self.services.settings.max_message_chars
        length = len(event.text) if event.kind is EventKind.text else len(event.args)
        if length > limit:
            return _refuse(event, TOO_LONG.format(length=length, limit=limit)), "too_long"
        with self.services.update_scope():
            return await self._route(event)

    async def _route(self, event: Event) -> tuple[list[Reply], str]:
        with self.services.session() as session:
            user, pending_kind = crud.upsert_user_with_pending(
                session,
                user_id=event.user_id,
                first_name=event.first_name,
                last_name=event.last_name,
                username=event.username,
                language_code=event.language_code,
            )
        role = self.role_of(user.id, user.role)
        resolved = self.table.resolve(event, role, pending_kind)
        if resolved.refusal is not None:
            return _refuse(event, resolved.refusal), resolved.name
        if resolved.route is None:
            if event.kind is EventKind.command:
                return _refuse(event, UNKNOWN_COMMAND.format(command=event.command)), "unknown"
            if event.kind is EventKind.callback:
                return [Notice(STALE_BUTTON, alert=True)], "stale_button"
            return [], "ignored"
        context = Context(event=event, user=user, role=role, services=self.services)
        replies = await resolved.route.handler(context)
        if event.kind is EventKind.callback and not any(isinstance(r, Notice) for r in replies):
            replies = [*replies, Notice()]
        return replies, resolved.route.handler.__name__


def _refuse(event: Event, text: str) -> list[Reply]:
    if event.kind is EventKind.callback:
        return [Notice(text[:200], alert=True)]
    return [Send(text)]


__all__ = ["Conversation"]
