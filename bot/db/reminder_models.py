"""Tables of reminders and broadcasts: what managers scheduled, what was sent, to whom.

A `Broadcast` is one message to many members; it owns one `BroadcastDelivery` row per
recipient (unique per broadcast), written before anything is sent and moved through

    pending → sending → sent | blocked | deactivated | not_started | failed
                      ↘ pending (429 or a transient error: sent again later)

A row still `sending` when the process died is set to `unknown` on start-up and never sent
again: Telegram cannot say whether it arrived, and a duplicate is worse than a gap (see
scheduler/broadcaster.py). A finished broadcast (`done`) keeps `reported_at` empty until its
final report reached the manager, so a report lost to a Telegram error or a crash is sent again
(also after a restart). A resend (to the members whose delivery failed or who had never opened
the private chat) is a broadcast of its own whose `occurrence_key` is
`resend:<the original's id>` (unique: one resend per broadcast).
A `Reminder` fires broadcasts (kind "reminder") on its schedule. One set from a deadline
(/deadlines 「⏰ 设为提醒」) carries a `dedup_key` (class, text, time, lead days): unique among
the *active* reminders (a partial index), so two processes on one database cannot both set it,
and once it is cancelled, done or missed it no longer blocks setting it again.

`apscheduler_jobs` is APScheduler's SQLAlchemyJobStore table, declared here so the migration
creates it and Alembic's autogenerate does not propose to drop it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    LargeBinary,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlmodel import JSON, Field, SQLModel

from bot.db.models import aware_column, utcnow


class ReminderStatus:
    draft = "draft"  # shown to the manager, not confirmed yet
    active = "active"  # scheduled
    done = "done"  # a one-off that fired
    missed = "missed"  # its time passed while the bot was down, beyond the grace period
    cancelled = "cancelled"


class DeliveryStatus:
    pending = "pending"
    sending = "sending"
    sent = "sent"
    blocked = "blocked"
    failed = "failed"
    unknown = "unknown"  # was in flight when the process died: maybe delivered, never resent
    deactivated = "deactivated"  # the account was deleted (403 "user is deactivated")
    # never opened the private chat (403 "bot can't initiate conversation with a user")
    not_started = "not_started"


class BroadcastStatus:
    draft = "draft"
    sending = "sending"
    done = "done"
    cancelled = "cancelled"


class Reminder(SQLModel, table=True):
    """A one-off (`run_at`) or recurring (`cron`, APScheduler CronTrigger fields) reminder."""

    __tablename__ = "reminders"
    # Partial rather than cleared on every status change: the scheduler sets `done` in more
    # than one place, and a key that only counts while active cannot be forgotten there.
    __table_args__ = (
        Index(
            "uq_reminder_dedup_key",
            "dedup_key",
            unique=True,
            sqlite_where=sql_text("status = 'active'"),
            postgresql_where=sql_text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    class_id: int | None = Field(default=None, foreign_key="training_classes.id", index=True)
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    text: str = Field(max_length=2000)
    when_text: str = Field(default="", max_length=200)
    label: str = Field(default="", max_length=200)
    run_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    cron: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default=ReminderStatus.draft, max_length=16, index=True)
    next_run_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
    # Set only for a deadline's reminder (scheduler/deadlines.py); None for /remind ones.
    dedup_key: str | None = Field(default=None, max_length=64)

    @property
    def is_recurring(self) -> bool:
        return self.cron is not None


class Broadcast(SQLModel, table=True):
    """One message to the members of a class (or to chosen recipients)."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_classes.id", index=True)
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(default="broadcast", max_length=16)
    # Telegram limits the visible text (4,096 UTF-16 units, checked before a broadcast is
    # stored); the HTML stored here is longer by its links' addresses and escapes.
    text: str = Field(sa_column=Column(Text, nullable=False))
    buttons: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=BroadcastStatus.sending, max_length=16, index=True)
    report_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    progress_message_id: int | None = Field(default=None)
    reminder_id: int | None = Field(default=None, foreign_key="reminders.id")
    occurrence_key: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    reported_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))


class BroadcastDelivery(SQLModel, table=True):
    """The state of one broadcast for one recipient (see the module docstring)."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "user_id", name="uq_delivery_recipient"),
        Index("ix_delivery_queue", "broadcast_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcasts.id")
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(default=DeliveryStatus.pending, max_length=16)
    attempts: int = Field(default=0)
    not_before: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    error: str | None = Field(default=None, max_length=200)
    updated_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))


apscheduler_jobs = Table(
    "apscheduler_jobs",
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
