"""A survey written straight into a bot's SQLite database, for the end-to-end survey tests:
the class (tests/e2e/test_reminders.seed_class) and one open survey of the given questions,
closing in three days, sent by MANAGER."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from bot.db import survey_crud as scrud
from bot.db.models import utcnow
from bot.db.session import make_engine
from tests.e2e.test_reminders import MANAGER, seed_class

DIFFICULTY = {"kind": "single", "text": "难度", "options": ["偏难", "适中", "偏易"]}
OVERALL = {"kind": "likert5", "text": "总体评价", "options": []}


def seed_survey(
    data_dir: Path,
    *,
    class_name: str,
    trainees: list[int],
    title: str,
    anonymous: bool,
    questions: list[dict],
) -> int:
    """The survey's id, its class holding `trainees`."""
    class_id = seed_class(data_dir, class_name, trainees)
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine, expire_on_commit=False) as session:
        survey, _ = scrud.create_survey(
            session,
            class_id=class_id,
            template_key="e2e",
            title=title,
            description="",
            anonymous=anonymous,
            created_by=MANAGER,
            closes_at=utcnow() + timedelta(days=3),
            nudge_at=None,
            questions=questions,
        )
    engine.dispose()
    return survey.id  # type: ignore[return-value]
