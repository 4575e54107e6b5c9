"""The composition root: builds the long-lived services once and hands them to handlers.

Usage::

    services = Services.create(settings)   # migrates the database, loads nothing slow yet
    services.start_knowledge()             # load the index (jieba, cache) before serving
    with services.update_scope():          # one connection for all the work of one update
        with services.session() as session: ...
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.chat import Messenger
from bot.db.session import make_engine, upgrade
from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge import KnowledgeBase


@dataclass(frozen=True)
class _UpdateSession:
    engine: Engine
    session: Session
    task: asyncio.Task | None


_update_session: ContextVar[_UpdateSession | None] = ContextVar("update_session", default=None)


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # a worker thread: no event loop here
        return None


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
    def update_scope(self) -> Iterator[None]:
        """Within it, `session()` in this task is one session on one pooled connection, so an
        update's handlers share it instead of each checking out and pinging a connection.
        Tasks started and threads used meanwhile still get sessions of their own."""
        with (
            self.engine.connect() as connection,
            Session(bind=connection, expire_on_commit=False) as session,
        ):
            token = _update_session.set(_UpdateSession(self.engine, session, _current_task()))
            try:
                yield
            finally:
                _update_session.reset(token)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session: the update's (see `update_scope`), or a new one. Work left uncommitted
        at the end of the block is dropped either way, as when a session closes."""
        shared = _update_session.get()
        mine = shared is not None and shared.engine is self.engine
        if not mine or shared.task is not _current_task():
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
            return
        session = shared.session
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        if session.new or session.dirty or session.deleted:
            session.rollback()

    def start_knowledge(self) -> KnowledgeBase:
        """Open the knowledge base (built-in notices plus uploaded ones) from its disk cache."""
        if self.knowledge is None:
            from knowledge import KnowledgeBase

            self.knowledge = KnowledgeBase.open(
                cache_dir=self.settings.data_dir / "index",
                extra_notice_dir=self.settings.data_dir / "notices",
            )
            # While serving, notices another process adds or removes (`guopei-bot ingest`,
            # `remove`) are picked up within a second (questions check before answering).
            self.startup_hooks.append(_watch_knowledge)
            self.shutdown_hooks.append(_unwatch_knowledge)
        return self.knowledge


async def _watch_knowledge(services: Services) -> None:
    if services.knowledge is not None:
        services.knowledge.watch()


async def _unwatch_knowledge(services: Services) -> None:
    if services.knowledge is not None:
        await asyncio.to_thread(services.knowledge.unwatch)
