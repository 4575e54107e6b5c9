"""Shared fixtures: a temporary DATA_DIR, databases (SQLite and PostgreSQL), the fake Bot API
server and the real bot process under each engine."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.botproc import TOKEN, BotProcess

ENGINES = ["ptb", "aiogram"]


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped notices' index cache, built once per run (building takes seconds)."""
    from knowledge import KnowledgeBase

    root = tmp_path_factory.mktemp("built-index")
    KnowledgeBase.open(root / "index", root / "notices")
    return root / "index"


@pytest.fixture
def data_dir(tmp_path: Path, built_index: Path) -> Path:
    """A DATA_DIR of its own, holding a copy of the index cache as a restarted bot finds it
    (the cache is rebuilt if the test changes the notices; tests/knowledge cover building)."""
    path = tmp_path / "data"
    path.mkdir()
    shutil.copytree(built_index, path / "index", ignore=shutil.ignore_patterns(".kb.lock"))
    return path


@pytest.fixture(scope="session")
def postgres_server() -> str:
    reason = pg.unreachable_reason()
    if reason:
        pytest.skip(reason)
    return pg.server_url()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test gets its own database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    request.getfixturevalue("postgres_server")
    with pg.temporary_database() as url:
        yield url


@pytest.fixture
def fake_telegram() -> Iterator[object]:
    from tests.fakebot import FakeTelegram

    with FakeTelegram(token=TOKEN) as tg:
        yield tg


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def start_bot(
    fake_telegram: object, engine: str, data_dir: Path
) -> Iterator[Callable[..., BotProcess]]:
    """Factory: `bot = start_bot(admin_ids="1")` starts the real process; stopped at the end."""
    started: list[BotProcess] = []

    def start(**options: object) -> BotProcess:
        options.setdefault("engine", engine)
        options.setdefault("data_dir", data_dir)
        bot = BotProcess(fake_telegram, **options)  # type: ignore[arg-type]
        started.append(bot)
        return bot.start()

    yield start
    for bot in started:
        bot.stop()
