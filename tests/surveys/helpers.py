"""In-process survey harness: the real Conversation and routing table on a fresh database,
with the broadcaster replaced by a recorder (the invitations and nudges it was handed).

    env = SurveyEnv.create(database_url, tmp_path)
    manager = env.manager(500); trainees = env.class_with(manager, [1001, 1002])
    survey_id = env.send_survey(manager, class_id, "guopei_satisfaction")
    replies = env.press(1001, "sv:1:s:1", message_id=77)
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from bot.chat import Edit, Event, EventKind, Notice, Reply, Send, SendFile
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table

_message_ids = itertools.count(1000)


@dataclass
class SurveyEnv:
    services: Services
    conversation: Conversation
    delivered: list[dict] = field(default_factory=list)

    @classmethod
    def create(cls, database_url: str, tmp_path: Path, monkeypatch: object) -> SurveyEnv:
        settings = Settings(database_url=database_url, data_dir=tmp_path / "data", _env_file=None)
        services = Services.create(settings)
        env = cls(services, Conversation(services, routing_table()))

        async def fake_deliver(services: Services, **kwargs: object) -> int:
            env.delivered.append(kwargs)
            return len(kwargs.get("recipient_ids") or [])

        monkeypatch.setattr("handlers.surveys.deliver", fake_deliver)  # type: ignore[attr-defined]
        return env

    def close(self) -> None:
        self.services.engine.dispose()

    # ------------------------------------------------------------- people and classes

    def manager(self, user_id: int) -> int:
        with self.services.session() as session:
            crud.set_role(session, user_id=user_id, role=Role.manager)
        return user_id

    def new_class(self, manager_id: int, members: list[int], name: str = "语文一班") -> int:
        with self.services.session() as session:
            training_class = crud.create_class(session, name=name, manager_id=manager_id)
            for user_id in members:
                crud.upsert_user(session, user_id=user_id, first_name=f"学员{user_id}")
                crud.join_class(session, user_id=user_id, class_id=training_class.id)
        return training_class.id  # type: ignore[return-value]

    # ------------------------------------------------------------- talking

    async def handle(self, event: Event) -> list[Reply]:
        return await self.conversation.handle(event)

    def run(self, event: Event) -> list[Reply]:
        return asyncio.run(self.handle(event))

    @staticmethod
    def command_event(user_id: int, text: str) -> Event:
        command, _, args = text.lstrip("/").partition(" ")
        return Event(
            kind=EventKind.command,
            user_id=user_id,
            chat_id=user_id,
            first_name=f"用户{user_id}",
            text=text,
            command=command,
            args=args,
        )

    @staticmethod
    def text_event(user_id: int, text: str) -> Event:
        return Event(
            kind=EventKind.text,
            user_id=user_id,
            chat_id=user_id,
            first_name=f"学员{user_id}",
            text=text,
        )

    @staticmethod
    def press_event(user_id: int, data: str, message_id: int = 1) -> Event:
        return Event(
            kind=EventKind.callback,
            user_id=user_id,
            chat_id=user_id,
            first_name=f"学员{user_id}",
            callback_id=str(next(_message_ids)),
            callback_data=data,
            message_id=message_id,
        )

    def command(self, user_id: int, text: str) -> list[Reply]:
        return self.run(self.command_event(user_id, text))

    def text(self, user_id: int, text: str) -> list[Reply]:
        return self.run(self.text_event(user_id, text))

    def press(self, user_id: int, data: str, message_id: int = 1) -> list[Reply]:
        return self.run(self.press_event(user_id, data, message_id))

    def send_survey(self, manager_id: int, class_id: int, key: str, days: int = 3) -> int:
        """Walk /survey's buttons; returns the new survey's id."""
        self.command(manager_id, "/survey")
        self.press(manager_id, f"sm:1:t:{key}")
        self.press(manager_id, f"sm:1:c:{key}:{class_id}")
        confirm = self.press(manager_id, f"sm:1:d:{key}:{class_id}:{days}")
        ok = button_data(confirm, "确认发送")
        done = self.press(manager_id, ok)
        text = first_text(done) or " ".join(texts(done))  # with a messenger: shown, a toast
        assert "已向" in text, text
        return int(text.split("编号 ")[1].split("）")[0])


def texts(replies: list[Reply]) -> list[str]:
    return [r.text for r in replies if isinstance(r, Send | Edit | Notice)]


def first_text(replies: list[Reply]) -> str:
    for reply in replies:
        if isinstance(reply, Send | Edit):
            return reply.text
    return ""


def notice(replies: list[Reply]) -> Notice | None:
    return next((r for r in replies if isinstance(r, Notice)), None)


def buttons(replies: list[Reply]) -> list[tuple[str, str]]:
    found = []
    for reply in replies:
        if isinstance(reply, Send | Edit):
            for row in reply.buttons:
                for button in row:
                    found.append((button.text, button.data or ""))
    return found


def button_data(replies: list[Reply], label: str) -> str:
    """The data of the button whose label (less its ✅/⬜/☑️ mark) is `label`, else contains it."""
    found = buttons(replies)
    for text, data in found:
        if text.removeprefix("✅ ").removeprefix("⬜ ").removeprefix("☑️ ") == label:
            return data
    for text, data in found:
        if label in text:
            return data
    raise AssertionError(f"no button {label!r} in {buttons(replies)}")


def files(replies: list[Reply]) -> list[SendFile]:
    return [r for r in replies if isinstance(r, SendFile)]


def submit_course_feedback(env: SurveyEnv, user: int, survey_id: int) -> None:
    """`user` answers the course_feedback template's 4 questions and submits."""
    page = env.press(user, f"sv:1:s:{survey_id}", message_id=60)
    page = env.press(user, button_data(page, "适中"), message_id=60)
    page = env.press(user, button_data(page, "案例研讨"), message_id=60)
    page = env.press(user, button_data(page, "选好了，下一题 ➡️"), message_id=60)
    page = env.press(user, button_data(page, "满意"), message_id=60)
    page = env.press(user, button_data(env.text(user, "很好"), "提交"), message_id=61)
    assert "已提交" in first_text(page), page
