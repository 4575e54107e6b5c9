"""What every engine shares: performing a handler's replies through a Messenger."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.chat import DeliveryError, Edit, Event, Messenger, Notice, Reply, Send, SendFile

log = logging.getLogger(__name__)

AnswerCallback = Callable[[str, str, bool], Awaitable[None]]


async def perform(
    event: Event, replies: list[Reply], messenger: Messenger, answer_callback: AnswerCallback
) -> None:
    """Answer the button press first (so the spinner stops), then send and edit in order."""
    notices = [r for r in replies if isinstance(r, Notice)]
    if event.callback_id and notices:
        try:
            await answer_callback(event.callback_id, notices[0].text[:200], notices[0].alert)
        except DeliveryError as error:
            log.warning("could not answer callback of user %s: %s", event.user_id, error)
    for reply in replies:
        try:
            if isinstance(reply, Send):
                await messenger.send(reply.chat_id or event.chat_id, reply.text, reply.buttons)
            elif isinstance(reply, Edit):
                message_id = reply.message_id or event.message_id
                if message_id is None:
                    await messenger.send(reply.chat_id or event.chat_id, reply.text, reply.buttons)
                else:
                    chat_id = reply.chat_id or event.chat_id
                    await messenger.edit(chat_id, message_id, reply.text, reply.buttons)
            elif isinstance(reply, SendFile):
                await messenger.send_file(reply.chat_id or event.chat_id, reply)
        except DeliveryError as error:
            log.warning("reply to user %s not delivered: %s", event.user_id, error)


def split_command(text: str) -> tuple[str, str]:
    """`/Join@guopei_bot  AB12` → ("join", "AB12")."""
    head, _, rest = text.strip().partition(" ")
    command = head[1:].split("@", 1)[0].lower()
    return command, rest.strip()
