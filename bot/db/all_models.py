"""Imports every table module so `SQLModel.metadata` knows the whole schema (for Alembic)."""

import bot.db.question_models  # noqa: F401
import bot.db.reminder_models  # noqa: F401
import bot.db.survey_models  # noqa: F401
from bot.db import models  # noqa: F401
