"""Helpers for in-process tests that drive `Conversation.handle`: fresh services on the test's
own database, and what a list of replies says and offers."""

from __future__ import annotations

from pathlib import Path

from bot.chat import Edit, MenuScope, Messenger, Notice, Reply, Send, SendFile, Sent
from bot.services import Services
from bot.settings import Settings


class TextMessenger(Messenger):
    """A messenger for tests that only send and edit text: subclasses write `send` and `edit`;
    files are not expected, menus and button answers are ignored."""

    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        raise NotImplementedError

    async def download(self, file_id: str) -> bytes:
        raise NotImplementedError

    async def set_menu(self, scope: MenuScope) -> None:
        return None

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        return None


def fresh_services(database_url: str, tmp_path: Path) -> Services:
    """Services on `database_url` (migrated), data in `tmp_path`, no token and no admins."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp_path / "data",
        bot_token=None,
        admin_ids=frozenset(),
    )
    return Services.create(settings)


def text_of(replies: list[Reply]) -> str:
    """Every text the replies show, one per line (messages, edits and button notices)."""
    return "\n".join(r.text for r in replies if isinstance(r, Send | Edit | Notice))


def buttons_of(replies: list[Reply]) -> dict[str, str]:
    """The replies' buttons: label → callback data."""
    return {
        b.text: b.data
        for r in replies
        if isinstance(r, Send | Edit)
        for row in r.buttons
        for b in row
        if b.data
    }
