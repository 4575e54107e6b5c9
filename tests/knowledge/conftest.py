"""Fixtures for the knowledge tests: one knowledge base per session, built in a tmp cache."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from bot.cli_knowledge import register
from knowledge import KnowledgeBase

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


@pytest.fixture(scope="session")
def kb_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding the built-in corpus index (built once per session)."""
    return tmp_path_factory.mktemp("kb-cache")


@pytest.fixture(scope="session")
def kb(kb_cache_dir: Path) -> KnowledgeBase:
    """The knowledge base over the shipped notices only."""
    return KnowledgeBase.open(kb_cache_dir)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shipped notices."""
    return CORPUS


def with_notice(tmp_path_factory: pytest.TempPathFactory, name: str, text: str) -> KnowledgeBase:
    """A knowledge base over the shipped notices and one uploaded notice `name` with `text`."""
    root = tmp_path_factory.mktemp(Path(name).stem)
    knowledge = KnowledgeBase.open(root / "index", root / "notices")
    notice = root / name
    notice.write_text(text, encoding="utf-8")
    knowledge.ingest([notice])
    return knowledge


def knowledge_cli(index_dir: Path, notices_dir: Path) -> typer.Typer:
    """A tiny Typer app with the knowledge commands (ingest, ask, deadlines, notices, …)."""
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test app."""

    register(application, lambda: (index_dir, notices_dir))
    return application


@pytest.fixture
def app(tmp_path: Path, kb_cache_dir: Path) -> typer.Typer:
    """The knowledge commands over the shared index of the shipped notices."""
    return knowledge_cli(kb_cache_dir, tmp_path / "notices")
