"""The composition root: builds the long-lived services once and hands them to handlers.

Usage::

    services = Services.create(settings)   # migrates the database, loads nothing slow yet
    services.start_knowledge()             # load the index (jieba, cache) before serving
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.chat import Messenger
from bot.db.session import make_engine, upgrade
from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge import KnowledgeBase


@dataclass
class Services:
    """Everything a handler may need, built once per process."""

    settings: Settings
    engine: Engine
    messenger: Messenger | None = None
    bot_username: str = "guopei_bot"
    knowledge: KnowledgeBase | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    startup_hooks: list[Callable[[Services], Awaitable[None]]] = field(default_factory=list)
    shutdown_hooks: list[Callable[[Services], Awaitable[None]]] = field(default_factory=list)

    @classmethod
    def create(cls, settings: Settings, *, migrate: bool = True) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url_resolved)
        if migrate:
            upgrade(engine)
        username = settings.bot_username or "guopei_bot"
        return cls(settings=settings, engine=engine, bot_username=username)

    async def on_started(self) -> None:
        """Run the start-up hooks (scheduler, resumed broadcasts) once the messenger is set."""
        for hook in self.startup_hooks:
            await hook(self)

    async def on_stopping(self) -> None:
        """Run the shutdown hooks in reverse order."""
        for hook in reversed(self.shutdown_hooks):
            await hook(self)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def start_knowledge(self) -> KnowledgeBase:
        """Open the knowledge base (built-in notices plus uploaded ones) from its disk cache."""
        if self.knowledge is None:
            from knowledge import KnowledgeBase

            self.knowledge = KnowledgeBase.open(
                cache_dir=self.settings.data_dir / "index",
                extra_notice_dir=self.settings.data_dir / "notices",
            )
        return self.knowledge
