"""In-process fixtures for the question feature: a real Conversation on a temporary database,
a knowledge base built from the shipped notices, and a messenger that records what it sends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.chat import (
    Button,
    Event,
    EventKind,
    Keyboard,
    MenuScope,
    Messenger,
    Notice,
    Reply,
    SendFile,
    Sent,
    Unreachable,
)
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table

ADMIN, MANAGER, TRAINEE, OTHER = 900, 501, 1001, 1002


@dataclass
class RecordingMessenger(Messenger):
    """Keeps every message sent outside a reply; `files` feeds download()."""

    sent: list[tuple[int, str, Keyboard]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    unreachable: set[int] = field(default_factory=set)

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        if chat_id in self.unreachable:
            raise Unreachable("Forbidden: bot was blocked by the user")
        self.sent.append((chat_id, text, buttons))
        return Sent(chat_id=chat_id, message_id=len(self.sent))

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        self.sent.append((chat_id, text, buttons))

    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        return Sent(chat_id=chat_id, message_id=0)

    async def download(self, file_id: str) -> bytes:
        return self.files[file_id]

    async def set_menu(self, scope: MenuScope) -> None:
        return None

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        return None

    def to(self, chat_id: int) -> list[tuple[str, Keyboard]]:
        return [(text, buttons) for chat, text, buttons in self.sent if chat == chat_id]


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index cache of the shipped notices for the whole session (built once)."""
    return tmp_path_factory.mktemp("kb-cache")


class Chat:
    """Drives the conversation in-process like a Telegram client would."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.conversation = Conversation(services, routing_table())
        self.messenger: RecordingMessenger = services.messenger  # type: ignore[assignment]
        self.names: dict[int, str] = {}  # the first name each user's events carry: 「用户501」

    def name(self, user_id: int) -> str:
        return self.names.get(user_id, f"用户{user_id}")

    async def say(self, user_id: int, text: str, chat_type: str = "private") -> list[Reply]:
        chat_id = user_id if chat_type == "private" else -100123
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            event = Event(
                kind=EventKind.command,
                user_id=user_id,
                chat_id=chat_id,
                chat_type=chat_type,
                first_name=self.name(user_id),
                text=text,
                command=head[1:],
                args=args.strip(),
            )
        else:
            event = Event(
                kind=EventKind.text,
                user_id=user_id,
                chat_id=chat_id,
                chat_type=chat_type,
                first_name=self.name(user_id),
                text=text,
            )
        return await self.conversation.handle(event)

    async def press(self, user_id: int, data: str, message_id: int = 77) -> list[Reply]:
        event = Event(
            kind=EventKind.callback,
            user_id=user_id,
            chat_id=user_id,
            first_name=self.name(user_id),
            callback_id="cb",
            callback_data=data,
            message_id=message_id,
        )
        return await self.conversation.handle(event)

    async def send_file(self, user_id: int, name: str, content: bytes) -> list[Reply]:
        from bot.chat import Document

        file_id = f"file-{len(self.messenger.files)}"
        self.messenger.files[file_id] = content
        event = Event(
            kind=EventKind.document,
            user_id=user_id,
            chat_id=user_id,
            first_name=self.name(user_id),
            document=Document(file_id=file_id, file_name=name, mime_type=None, size=len(content)),
        )
        return await self.conversation.handle(event)


def alert(replies: list[Reply]) -> str:
    """The text of the one alert (a Notice shown as a pop-up) among the replies."""
    (notice,) = [r for r in replies if isinstance(r, Notice)]
    assert notice.alert
    return notice.text


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies if hasattr(r, "text"))


def buttons_of(replies: list[Reply]) -> list[Button]:
    return [b for r in replies for row in getattr(r, "buttons", ()) for b in row]


def button(replies: list[Reply], label: str) -> str:
    """The callback data of the first button whose text contains `label`."""
    for b in buttons_of(replies):
        if label in b.text and b.data:
            return b.data
    raise AssertionError(f"no button {label!r} in {[b.text for b in buttons_of(replies)]}")


def open_chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """Admin 900, manager 501 running a class that trainee 1001 joined; 1002 has no class."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp_path / "data",
        admin_ids=frozenset({ADMIN}),
    )
    services = Services.create(settings)
    services.messenger = RecordingMessenger()
    from knowledge import KnowledgeBase

    services.knowledge = KnowledgeBase.open(index_cache, tmp_path / "data" / "notices")
    with services.session() as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="王老师")
        crud.upsert_user(session, user_id=TRAINEE, first_name="小李")
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
        training_class = crud.create_class(session, name="语文一班", manager_id=MANAGER)
        crud.join_class(session, user_id=TRAINEE, class_id=training_class.id)
    yield Chat(services)
    services.engine.dispose()


@pytest.fixture
def chat(tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat on a temporary SQLite file."""
    yield from open_chat(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, index_cache)
