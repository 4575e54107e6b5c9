"""A database as it was before a revision, for the tests of that revision's upgrade and
downgrade: every feature's branch of the Alembic history at its head, but the one branch the
revision is on, which stops short of it."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from bot.db.session import alembic_config, upgrade


def upgrade_all_but(engine: Engine, *, branch_of: str, to: str) -> None:
    """Upgrade every head of the history whose ancestry holds `branch_of` only to `to`, and
    every other head fully (so revisions other features add later are there too)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    for head in script.get_heads():
        ancestry = {r.revision for r in script.iterate_revisions(head, "base")}
        upgrade(engine, to if branch_of in ancestry else head)
