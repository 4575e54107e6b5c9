"""The core tables: people, training classes, memberships (and who was removed from a class,
and replaced join codes), pending conversation input, and the updates already handled.

Feature tables (questions, reminders, surveys) live in their own modules beside this one and
share `SQLModel.metadata`; `bot.db.all_models` imports them all so Alembic sees every table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, TypeDecorator, UniqueConstraint
from sqlmodel import JSON, Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class AwareDateTime(TypeDecorator[datetime]):
    """Stores UTC and always returns aware datetimes, also on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an aware column; attach a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def aware_column(**kwargs: object) -> Column:
    """A timestamp column that stores and returns time-zone-aware datetimes."""
    return Column(AwareDateTime(), **kwargs)


class Role(StrEnum):
    trainee = "trainee"
    manager = "manager"
    admin = "admin"


# Unicode embedding, override and isolate controls: a name carrying them would reorder the
# text that follows it on the same line.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


class User(SQLModel, table=True):
    """A Telegram user who has talked to the bot."""

    __tablename__ = "users"

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str = Field(default="", max_length=128)
    last_name: str = Field(default="", max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language_code: str | None = Field(default=None, max_length=16)
    role: str = Field(default=Role.trainee, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))

    @property
    def display_name(self) -> str:
        """The name to show others, without direction overrides that would reverse the rest
        of the line it is shown in (「\u202eabc」)."""
        name = f"{self.first_name} {self.last_name}".translate(BIDI_CONTROLS).strip()
        return name or (f"@{self.username}" if self.username else str(self.id))


class TrainingClass(SQLModel, table=True):
    """A training class (培训班) run by one class manager, joined with its code."""

    __tablename__ = "training_classes"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    join_code: str = Field(max_length=16, unique=True, index=True)
    manager_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))


class Membership(SQLModel, table=True):
    """A trainee in a class; `blocked` is set when Telegram says they blocked the bot."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("class_id", "user_id", name="uq_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_classes.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    blocked: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))


class ClassRemoval(SQLModel, table=True):
    """A member whom the class's manager removed (👥 成员 → 移出): the join code no longer lets
    them back in until the manager allows it (「↩️ 允许重新加入」 deletes the row)."""

    __tablename__ = "class_removals"
    __table_args__ = (UniqueConstraint("class_id", "user_id", name="uq_class_removal"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_classes.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    removed_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    removed_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
    # when they first tried the join code again (the manager is told that once, with a button)
    rejoin_asked_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))


class RetiredJoinCode(SQLModel, table=True):
    """A join code a manager replaced (「🔄 更换加入码」): it joins nobody, and says it expired."""

    __tablename__ = "retired_join_codes"

    code: str = Field(max_length=16, primary_key=True)
    class_id: int = Field(foreign_key="training_classes.id", index=True)
    retired_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))


class PendingInput(SQLModel, table=True):
    """What the user's next plain text message answers (a survey free-text, a reply …)."""

    __tablename__ = "pending_inputs"

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=32)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))


class HandledUpdate(SQLModel, table=True):
    """A Telegram update the bot handled and answered. Telegram forgets an update only once a
    later getUpdates confirms it: one handled just before a crash comes back after the
    restart, and is then skipped instead of answered twice. Rows older than two days
    (`crud.HANDLED_UPDATES_KEPT`) are pruned now and then: Telegram keeps an update 24 hours."""

    __tablename__ = "handled_updates"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    handled_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
