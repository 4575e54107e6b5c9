"""The survey tests' environment: services on the test's own database, a fake messenger, and
helpers to act as a manager or trainee (tests/surveys/helpers.py). A test module that needs its
managers set up overrides `env` and asks for this one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.surveys.helpers import SurveyEnv


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SurveyEnv]:
    environment = SurveyEnv.create(database_url, tmp_path, monkeypatch)
    yield environment
    environment.close()
