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
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename); with foreign keys on, dropping
        # a table that other rows refer to fails. The pragma only takes effect outside a
        # transaction, so it is set before the migrations' transaction begins.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=sqlite,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
