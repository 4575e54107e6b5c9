"""Events as an engine makes them, for in-process tests that drive `Conversation.handle`."""

from __future__ import annotations

from bot.chat import Event, EventKind


def command(user: int, text: str) -> Event:
    """`/name args` typed by `user` in their private chat."""
    name, _, args = text.removeprefix("/").partition(" ")
    return Event(
        kind=EventKind.command, user_id=user, chat_id=user, text=text, command=name, args=args
    )


def press(user: int, data: str) -> Event:
    """`user` pressing a button with callback `data` on message 5 of their private chat."""
    return Event(
        kind=EventKind.callback,
        user_id=user,
        chat_id=user,
        message_id=5,
        callback_id="q",
        callback_data=data,
    )
