"""Fixtures for the knowledge tests: one knowledge base per session, built in a tmp cache."""

from __future__ import annotations

from pathlib import Path

import pytest

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
