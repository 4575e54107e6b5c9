"""Keyword-only CRUD for reminders, broadcasts and their delivery rows (see reminder_models).

Delivery state changes are single conditional UPDATEs (`WHERE status = 'pending'` …), so a
row only moves along the state machine once, whatever else runs concurrently.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, func, insert, literal, or_, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select

from bot.db.models import Membership, TrainingClass, User, utcnow
from bot.db.reminder_models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
    Reminder,
    ReminderStatus,
)

INSERT_BATCH = 500

# ---------------------------------------------------------------- broadcasts


def create_broadcast(
    session: Session,
    *,
    class_id: int,
    text: str,
    created_by: int,
    buttons: list | None = None,
    kind: str = "broadcast",
    report_chat_id: int | None = None,
    recipient_ids: Iterable[int] | None = None,
    status: str = BroadcastStatus.sending,
    reminder_id: int | None = None,
    occurrence_key: str | None = None,
    progress_message_id: int | None = None,
) -> Broadcast:
    """Persist a broadcast and (unless a draft) its pending delivery rows, in one commit
    (`progress_message_id`: a message shown already, which the report replaces)."""
    record = Broadcast(
        class_id=class_id,
        text=text,
        created_by=created_by,
        buttons=buttons or [],
        kind=kind,
        report_chat_id=report_chat_id,
        status=status,
        reminder_id=reminder_id,
        occurrence_key=occurrence_key,
        progress_message_id=progress_message_id,
    )
    session.add(record)
    session.flush()
    assert record.id is not None
    if status == BroadcastStatus.sending:
        add_deliveries(
            session, broadcast_id=record.id, class_id=class_id, recipient_ids=recipient_ids
        )
    session.commit()
    return record


def add_deliveries(
    session: Session,
    *,
    broadcast_id: int,
    class_id: int,
    recipient_ids: Iterable[int] | None = None,
) -> None:
    """Write one pending row per recipient (no commit): the class's unblocked members by default.

    The members are copied with one INSERT … SELECT, so memory does not grow with the class.
    """
    if recipient_ids is None:
        members = select(
            literal(broadcast_id), Membership.user_id, literal(DeliveryStatus.pending), literal(0)
        ).where(Membership.class_id == class_id, Membership.blocked == False)  # noqa: E712
        session.execute(
            insert(BroadcastDelivery).from_select(
                ["broadcast_id", "user_id", "status", "attempts"], members
            )
        )
        return
    unique_ids = list(dict.fromkeys(int(user_id) for user_id in recipient_ids))
    for start in range(0, len(unique_ids), INSERT_BATCH):
        rows = [
            {
                "broadcast_id": broadcast_id,
                "user_id": user_id,
                "status": DeliveryStatus.pending,
                "attempts": 0,
            }
            for user_id in unique_ids[start : start + INSERT_BATCH]
        ]
        session.execute(insert(BroadcastDelivery), rows)


def recipient_counts(session: Session, *, class_id: int) -> tuple[int, int]:
    """(members a broadcast to the class will be sent to, members skipped: they blocked the
    bot). The same rule as `add_deliveries`: every member not marked blocked."""
    statement = (
        select(Membership.blocked, func.count())
        .where(Membership.class_id == class_id)
        .group_by(Membership.blocked)
    )
    counts = {bool(blocked): int(number) for blocked, number in session.exec(statement)}
    return counts.get(False, 0), counts.get(True, 0)


def start_draft_broadcast(
    session: Session,
    *,
    broadcast_id: int,
    class_id: int,
    text: str | None = None,
    progress_message_id: int | None = None,
) -> bool:
    """Turn a confirmed draft into a running broadcast; False if it was not a draft any more.

    `progress_message_id`: an existing message (the confirmation) to edit with the progress.
    """
    values: dict = {
        "status": BroadcastStatus.sending,
        "class_id": class_id,
        "created_at": utcnow(),
    }
    if text is not None:
        values["text"] = text
    if progress_message_id is not None:
        values["progress_message_id"] = progress_message_id
    result = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.draft)
        .values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        return False
    add_deliveries(session, broadcast_id=broadcast_id, class_id=class_id)
    session.commit()
    return True


def set_broadcast_status(
    session: Session, *, broadcast_id: int, status: str, expected: str | None = None
) -> bool:
    statement = update(Broadcast).where(Broadcast.id == broadcast_id)
    if expected is not None:
        statement = statement.where(Broadcast.status == expected)
    values: dict = {"status": status}
    if status == BroadcastStatus.done:
        values["finished_at"] = utcnow()
    result = session.execute(statement.values(**values))
    session.commit()
    return result.rowcount == 1


def get_broadcast(session: Session, *, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def active_broadcast_ids(session: Session) -> list[int]:
    statement = (
        select(Broadcast.id)
        .where(Broadcast.status == BroadcastStatus.sending)
        .order_by(Broadcast.id)
    )
    return [int(i) for i in session.exec(statement)]


def set_progress_message(session: Session, *, broadcast_id: int, message_id: int) -> None:
    session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .values(progress_message_id=message_id)
    )
    session.commit()


def set_broadcast_reported(session: Session, *, broadcast_id: int) -> bool:
    """The final report reached the manager: never send it again. False if it already had."""
    result = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.reported_at == None)  # noqa: E711
        .values(reported_at=utcnow())
    )
    session.commit()
    return result.rowcount == 1


def unreported_broadcast_ids(session: Session, *, finished_after: datetime) -> list[int]:
    """Finished broadcasts (since `finished_after`) whose report has not reached the manager."""
    statement = (
        select(Broadcast.id)
        .where(
            Broadcast.status == BroadcastStatus.done,
            Broadcast.reported_at == None,  # noqa: E711
            Broadcast.report_chat_id != None,  # noqa: E711
            Broadcast.finished_at >= finished_after,
        )
        .order_by(Broadcast.id)
    )
    return [int(i) for i in session.exec(statement)]


RESEND_KEY = "resend:{}"


def resend_of(session: Session, *, broadcast_id: int) -> Broadcast | None:
    """The resend to the members whose delivery of `broadcast_id` failed, if one was made."""
    statement = select(Broadcast).where(
        Broadcast.occurrence_key == RESEND_KEY.format(broadcast_id)
    )
    return session.exec(statement).first()


def is_resend(broadcast: Broadcast) -> bool:
    return (broadcast.occurrence_key or "").startswith(RESEND_KEY.format(""))


# Whom 「🔁 重发」 sends a broadcast to again: the members it failed for and those who had never
# opened the private chat (they may have since); not those who got it, blocked the bot, deleted
# their account, or whose delivery is unknown (it may have arrived).
RESENT = (DeliveryStatus.failed, DeliveryStatus.not_started)


def _resend_recipients(record: Broadcast) -> Select[tuple[int, str]]:
    """SELECT of (user id, delivery status) of the members a resend of `record` goes to: its
    deliveries that failed or met a member who had never opened the private chat (RESENT),
    unless the member is marked as having blocked the bot since (a member who left the class
    is no longer marked)."""
    return (
        select(BroadcastDelivery.user_id, BroadcastDelivery.status)
        .join(
            Membership,
            and_(
                Membership.user_id == BroadcastDelivery.user_id,
                Membership.class_id == record.class_id,
            ),
            isouter=True,
        )
        .where(
            BroadcastDelivery.broadcast_id == record.id,
            BroadcastDelivery.status.in_(RESENT),  # type: ignore[attr-defined]
            or_(Membership.blocked == None, Membership.blocked == False),  # noqa: E711, E712
        )
    )


def resend_count(session: Session, *, record: Broadcast) -> int:
    """How many members 「🔁 重发」 would send `record` to now."""
    recipients = _resend_recipients(record).subquery()
    return int(session.exec(select(func.count()).select_from(recipients)).one())


def create_resend(session: Session, *, broadcast_id: int) -> tuple[Broadcast | None, int, int]:
    """Send a finished broadcast again to the members whose delivery failed or who had never
    opened the private chat (they may have since).

    One commit writes the new broadcast (same class, text, buttons, kind and report chat;
    occurrence key ``resend:<id>``, unique) and its pending rows. Returns (the new broadcast,
    how many it goes to, how many of them had never opened the private chat); (None, 0, 0) if
    this broadcast was resent already (also when two presses race: the unique key lets only
    one in) or nobody is left to send to.
    """
    original = get_broadcast(session, broadcast_id=broadcast_id)
    if original is None or resend_of(session, broadcast_id=broadcast_id) is not None:
        return None, 0, 0
    statement = _resend_recipients(original).order_by(BroadcastDelivery.id)
    rows = [(int(user_id), status) for user_id, status in session.exec(statement)]
    if not rows:
        return None, 0, 0
    try:
        record = create_broadcast(
            session,
            class_id=original.class_id,
            text=original.text,
            created_by=original.created_by,
            buttons=list(original.buttons or []),
            kind=original.kind,
            report_chat_id=original.report_chat_id,
            recipient_ids=[user_id for user_id, _ in rows],
            occurrence_key=RESEND_KEY.format(broadcast_id),
        )
    except IntegrityError:  # the other press won
        session.rollback()
        return None, 0, 0
    never = sum(1 for _, status in rows if status == DeliveryStatus.not_started)
    return record, len(rows), never


# ---------------------------------------------------------------- deliveries


def _relaxed_commit(session: Session) -> None:
    """On PostgreSQL, commit this transaction without waiting for the WAL flush.

    Used for the outcome of a send (sent/blocked/failed/back to pending), not for the claim
    before it, which stays durable: it is what prevents a second send. A crash of the *bot*
    loses nothing (the server still writes the WAL out); a crash of the database server
    could lose the last fraction of a second of outcomes, and those rows, still `sending`,
    become `unknown`: never sent twice. SQLite in WAL mode with synchronous=NORMAL
    (bot/db/session.py) already behaves this way.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def next_pending(
    session: Session, *, broadcast_id: int, now: datetime, limit: int = 100
) -> list[tuple[int, int, int]]:
    """(delivery id, user id, attempts) of pending rows that may be sent now, in id order."""
    statement = (
        select(BroadcastDelivery.id, BroadcastDelivery.user_id, BroadcastDelivery.attempts)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status == DeliveryStatus.pending,
            (BroadcastDelivery.not_before == None) | (BroadcastDelivery.not_before <= now),  # noqa: E711
        )
        .order_by(BroadcastDelivery.id)
        .limit(limit)
    )
    return [(int(a), int(b), int(c)) for a, b, c in session.exec(statement)]


def earliest_retry(session: Session, *, broadcast_id: int) -> datetime | None | bool:
    """When the next pending row may be sent: a datetime, True if any pending row may be sent
    at once, or False when no row is pending (the broadcast is finished)."""
    statement = select(func.count(), func.min(BroadcastDelivery.not_before)).where(
        BroadcastDelivery.broadcast_id == broadcast_id,
        BroadcastDelivery.status == DeliveryStatus.pending,
    )
    count, earliest = session.exec(statement).one()
    if not count:
        return False
    unscheduled = session.exec(
        select(func.count()).where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status == DeliveryStatus.pending,
            BroadcastDelivery.not_before == None,  # noqa: E711
        )
    ).one()
    if unscheduled or earliest is None:
        return True
    return earliest


def _move(
    session: Session,
    delivery_id: int,
    from_status: str,
    *,
    durable: bool = False,
    **values: object,
) -> bool:
    if not durable:
        _relaxed_commit(session)
    result = session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.id == delivery_id, BroadcastDelivery.status == from_status)
        .values(updated_at=utcnow(), **values)
    )
    session.commit()
    return result.rowcount == 1


def claim_delivery(session: Session, *, delivery_id: int) -> bool:
    """pending → sending, just before the message goes out; False if someone else has it."""
    return _move(
        session, delivery_id, DeliveryStatus.pending, durable=True, status=DeliveryStatus.sending
    )


def finish_delivery(
    session: Session, *, delivery_id: int, status: str, error: str | None = None
) -> bool:
    """sending → sent / blocked / failed."""
    return _move(
        session,
        delivery_id,
        DeliveryStatus.sending,
        status=status,
        error=error[:200] if error else None,
    )


def release_delivery(
    session: Session,
    *,
    delivery_id: int,
    not_before: datetime | None = None,
    count_attempt: bool = False,
    error: str | None = None,
) -> bool:
    """sending → pending: Telegram surely did not take it (429, 5xx); send again later."""
    values: dict = {"status": DeliveryStatus.pending, "not_before": not_before}
    if count_attempt:
        values["attempts"] = BroadcastDelivery.attempts + 1
    if error:
        values["error"] = error[:200]
    return _move(session, delivery_id, DeliveryStatus.sending, **values)


def mark_inflight_unknown(session: Session) -> int:
    """After a crash: rows that were being sent may or may not have arrived. Never resend them."""
    result = session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.status == DeliveryStatus.sending)
        .values(status=DeliveryStatus.unknown, updated_at=utcnow())
    )
    session.commit()
    return int(result.rowcount or 0)


def delivery_counts(session: Session, *, broadcast_id: int) -> dict[str, int]:
    statement = (
        select(BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id == broadcast_id)
        .group_by(BroadcastDelivery.status)
    )
    return {status: int(count) for status, count in session.exec(statement)}


def recipients_with_status(
    session: Session, *, broadcast_id: int, status: str, limit: int = 20
) -> list[str]:
    """Display names (or ids) of the first `limit` recipients whose delivery has `status`."""
    statement = (
        select(BroadcastDelivery.user_id, User)
        .join(User, User.id == BroadcastDelivery.user_id, isouter=True)
        .where(BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.status == status)
        .order_by(BroadcastDelivery.id)
        .limit(limit)
    )
    return [
        user.display_name if user else str(user_id) for user_id, user in session.exec(statement)
    ]


# ---------------------------------------------------------------- reminders


def create_reminder(
    session: Session,
    *,
    created_by: int,
    chat_id: int,
    class_id: int | None,
    text: str,
    when_text: str,
    label: str,
    run_at: datetime | None,
    cron: dict | None,
    active: bool = False,
    dedup_key: str | None = None,
) -> Reminder:
    """Store a reminder draft (shown to the manager, scheduled once confirmed); `active`: a
    one-off stored scheduled at once. Raises IntegrityError when `dedup_key` is taken by an
    active reminder (reminder_models: unique among those)."""
    reminder = Reminder(
        created_by=created_by,
        chat_id=chat_id,
        class_id=class_id,
        text=text,
        when_text=when_text[:200],
        label=label[:200],
        run_at=run_at,
        cron=cron,
        dedup_key=dedup_key,
    )
    if active:
        reminder.status = ReminderStatus.active
        reminder.next_run_at = run_at
    session.add(reminder)
    session.commit()
    session.refresh(reminder)
    return reminder


def get_reminder(session: Session, *, reminder_id: int) -> Reminder | None:
    return session.get(Reminder, reminder_id)


def active_reminder_by_key(session: Session, *, dedup_key: str) -> Reminder | None:
    """The active reminder holding `dedup_key` (at most one: the index is unique)."""
    statement = select(Reminder).where(
        Reminder.dedup_key == dedup_key, Reminder.status == ReminderStatus.active
    )
    return session.exec(statement).first()


def set_reminder_class(session: Session, *, reminder_id: int, class_id: int) -> None:
    session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.draft)
        .values(class_id=class_id)
    )
    session.commit()


def move_draft_reminder(
    session: Session, *, reminder_id: int, run_at: datetime, label: str
) -> Reminder | None:
    """Give a draft reminder another time; None if it is no longer a draft."""
    moved = session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.draft)
        .values(run_at=run_at, label=label)
    )
    session.commit()
    if moved.rowcount != 1:
        return None
    return get_reminder(session, reminder_id=reminder_id)


def activate_reminder(session: Session, *, reminder_id: int, next_run_at: datetime) -> bool:
    """draft → active; False if it was confirmed or dropped already."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.draft)
        .values(status=ReminderStatus.active, next_run_at=next_run_at)
    )
    session.commit()
    return result.rowcount == 1


def set_reminder_status(
    session: Session, *, reminder_id: int, status: str, expected: str | None = None
) -> bool:
    statement = update(Reminder).where(Reminder.id == reminder_id)
    if expected is not None:
        statement = statement.where(Reminder.status == expected)
    values: dict = {"status": status}
    if status != ReminderStatus.active:
        values["next_run_at"] = None
    result = session.execute(statement.values(**values))
    session.commit()
    return result.rowcount == 1


def set_next_run(session: Session, *, reminder_id: int, next_run_at: datetime | None) -> None:
    session.execute(
        update(Reminder).where(Reminder.id == reminder_id).values(next_run_at=next_run_at)
    )
    session.commit()


def active_reminders(session: Session) -> list[Reminder]:
    statement = select(Reminder).where(Reminder.status == ReminderStatus.active)
    return list(session.exec(statement.order_by(Reminder.id)))


def _of_manager(statement: Select, manager_id: int, everyone: bool) -> Select:
    """Narrow a query joined with TrainingClass to the active reminders of the classes a
    manager runs (or created); `everyone` (admins): of every class."""
    statement = statement.where(Reminder.status == ReminderStatus.active)
    if everyone:
        return statement
    return statement.where(
        (TrainingClass.manager_id == manager_id) | (Reminder.created_by == manager_id)
    )


def reminders_of_manager(
    session: Session,
    *,
    manager_id: int,
    offset: int = 0,
    limit: int | None = None,
    everyone: bool = False,
) -> list[tuple[Reminder, str]]:
    """Active reminders of the classes a manager runs (or created), soonest first (`everyone`
    for admins: of every class); with `offset` and `limit`, one page of them."""
    statement = _of_manager(
        select(Reminder, TrainingClass.name).join(
            TrainingClass, TrainingClass.id == Reminder.class_id
        ),
        manager_id,
        everyone,
    ).order_by(Reminder.next_run_at, Reminder.id)
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return [(reminder, name) for reminder, name in session.exec(statement)]


def count_reminders_of_manager(
    session: Session, *, manager_id: int, everyone: bool = False
) -> int:
    """How many reminders `reminders_of_manager` lists in all."""
    statement = _of_manager(
        select(func.count())
        .select_from(Reminder)
        .join(TrainingClass, TrainingClass.id == Reminder.class_id),
        manager_id,
        everyone,
    )
    return int(session.exec(statement).one())


def active_deadline_reminders(session: Session) -> list[tuple[Reminder, str]]:
    """The active reminders set from /deadlines (their `dedup_key` says so), each with its
    class's name, oldest first."""
    statement = (
        select(Reminder, TrainingClass.name)
        .join(TrainingClass, TrainingClass.id == Reminder.class_id)
        .where(
            Reminder.status == ReminderStatus.active,
            Reminder.dedup_key.startswith("deadline:"),  # type: ignore[union-attr]
        )
        .order_by(Reminder.id)
    )
    return [(reminder, name) for reminder, name in session.exec(statement)]
