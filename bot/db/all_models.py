"""Imports every table module so `SQLModel.metadata` knows the whole schema (for Alembic)."""

from bot.db import models  # noqa: F401
