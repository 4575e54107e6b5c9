"""Alembic environment: runs against the engine the bot hands over (see bot.db.session)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.db.all_models  # noqa: F401  (registers every table on SQLModel.metadata)
from bot.db.models import AwareDateTime

engine = context.config.attributes["engine"]


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our aware timestamp type as plain SQL so migrations don't import the bot."""
    if type_ == "type" and isinstance(obj, AwareDateTime):
        return "sa.DateTime(timezone=True)"
    return False


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
