"""Fixtures of the deadline tests: the in-process chat of tests/questions on the test's database,
with one knowledge-base cache for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.questions.conftest import Chat, open_chat


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb-cache")


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    yield from open_chat(database_url, tmp_path, index_cache)


def cn_date(day: date) -> str:
    """2026年12月6日, as the bot writes a date."""
    return f"{day.year}年{day.month}月{day.day}日"
