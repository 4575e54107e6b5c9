"""Keyword-only CRUD functions for the core tables; each takes the session it works in."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, delete, exists, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.db.models import (
    ClassRemoval,
    HandledUpdate,
    Membership,
    PendingInput,
    RetiredJoinCode,
    Role,
    TrainingClass,
    User,
    utcnow,
)

JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are typed by hand
JOIN_CODE_LENGTH = 8
# How long a handled update's id is kept: Telegram gives an unconfirmed update again for 24 h.
HANDLED_UPDATES_KEPT = timedelta(days=2)


def upsert_user(
    session: Session,
    *,
    user_id: int,
    first_name: str = "",
    last_name: str = "",
    username: str | None = None,
    language_code: str | None = None,
) -> User:
    """Create the user on first contact, refresh their names afterwards."""
    return upsert_sender(
        session,
        user_id=user_id,
        first_name=first_name,
        last_name=last_name,
        username=username,
        language_code=language_code,
    ).user


class Sender(NamedTuple):
    """What handling an update needs to know of its sender, read in one query."""

    user: User
    pending: PendingInput | None
    blocked: bool  # marked, in some class, as having blocked the bot


# Built once: every update reads its sender, and building the statement cost twice the query.
_SENDER = (
    select(
        User,
        PendingInput,
        exists()
        .where(Membership.user_id == User.id, Membership.blocked)  # type: ignore[arg-type]
        .correlate(User),
    )
    .outerjoin(PendingInput, PendingInput.user_id == User.id)  # type: ignore[arg-type]
    .where(User.id == bindparam("user_id"))
)


def upsert_sender(
    session: Session,
    *,
    user_id: int,
    first_name: str = "",
    last_name: str = "",
    username: str | None = None,
    language_code: str | None = None,
) -> Sender:
    """`upsert_user`, also reading the user's pending input and blocked mark, in one query."""
    row = session.exec(_SENDER, params={"user_id": user_id}).first()
    user, pending, is_blocked = row if row is not None else (None, None, False)
    fields = {
        "first_name": first_name[:128],
        "last_name": last_name[:128],
        "username": username[:64] if username else None,
        "language_code": language_code[:16] if language_code else None,
    }
    if user is None:
        user = User(id=user_id, **fields)
        session.add(user)
        try:
            session.commit()
        except IntegrityError:  # created concurrently by another update of the same user
            session.rollback()
            user = session.get(User, user_id)
            assert user is not None
        return Sender(user, None, False)
    changed = {
        k: v for k, v in fields.items() if (v or k == "last_name") and getattr(user, k) != v
    }
    if changed:
        for key, value in changed.items():
            setattr(user, key, value)
        session.add(user)
        session.commit()
    return Sender(user, pending, bool(is_blocked))


def set_role(session: Session, *, user_id: int, role: Role) -> User:
    """Give a user a role, creating the user row if they have not talked to the bot yet."""
    user = session.get(User, user_id) or User(id=user_id)
    user.role = role
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def users_with_role(session: Session, *, role: Role) -> list[User]:
    return list(session.exec(select(User).where(User.role == role)))


def new_join_code() -> str:
    """A random join code (a retired one is never handed out again: see `replace_join_code`)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def create_class(session: Session, *, name: str, manager_id: int) -> TrainingClass:
    """Create a class with a fresh, unique join code."""
    for _ in range(10):
        code = new_join_code()
        if session.get(RetiredJoinCode, code) is not None:
            continue
        training_class = TrainingClass(name=name, join_code=code, manager_id=manager_id)
        session.add(training_class)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        session.refresh(training_class)
        return training_class
    raise RuntimeError("could not find a free join code after 10 tries")


def find_class_by_code(session: Session, *, code: str) -> TrainingClass | None:
    normalized = code.strip().upper()
    if not normalized or len(normalized) > 16:
        return None
    return session.exec(select(TrainingClass).where(TrainingClass.join_code == normalized)).first()


def join_class(session: Session, *, user_id: int, class_id: int) -> tuple[Membership, bool]:
    """Add the user to the class; returns (membership, created). Rejoining unblocks them."""
    membership = session.exec(
        select(Membership).where(Membership.class_id == class_id, Membership.user_id == user_id)
    ).first()
    if membership is not None:
        if membership.blocked:
            membership.blocked = False
            session.add(membership)
            session.commit()
        return membership, False
    membership = Membership(class_id=class_id, user_id=user_id)
    session.add(membership)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return join_class(session, user_id=user_id, class_id=class_id)
    session.refresh(membership)
    return membership, True


def leave_class(session: Session, *, user_id: int, class_id: int) -> bool:
    """Take the user out of the class; False if they were not in it."""
    membership = session.exec(
        select(Membership).where(Membership.class_id == class_id, Membership.user_id == user_id)
    ).first()
    if membership is None:
        return False
    session.delete(membership)
    session.commit()
    return True


def remove_from_class(
    session: Session, *, user_id: int, class_id: int, removed_by: int
) -> bool:
    """The manager takes the user out of the class, and the class's join code no longer lets
    them back in (until `allow_rejoin`); False if they were not in it."""
    membership = session.exec(
        select(Membership).where(Membership.class_id == class_id, Membership.user_id == user_id)
    ).first()
    if membership is None:
        return False
    session.delete(membership)
    removal = _removal(session, user_id=user_id, class_id=class_id) or ClassRemoval(
        class_id=class_id, user_id=user_id, removed_by=removed_by
    )
    removal.removed_by, removal.removed_at, removal.rejoin_asked_at = removed_by, utcnow(), None
    session.add(removal)
    try:
        session.commit()
    except IntegrityError:  # removed concurrently (two taps): the other one recorded it
        session.rollback()
        return False
    return True


def _removal(session: Session, *, user_id: int, class_id: int) -> ClassRemoval | None:
    """The record of the user's removal from the class, if it stands."""
    statement = select(ClassRemoval).where(
        ClassRemoval.class_id == class_id, ClassRemoval.user_id == user_id
    )
    return session.exec(statement).first()


def was_removed(session: Session, *, user_id: int, class_id: int) -> bool:
    """Whether the class's manager removed the user and has not allowed them back."""
    statement = select(ClassRemoval.id).where(
        ClassRemoval.class_id == class_id, ClassRemoval.user_id == user_id
    )
    return session.exec(statement).first() is not None


def refuse_rejoin(session: Session, *, user_id: int, class_id: int) -> bool | None:
    """A removed user tried the class's code again: None if they were not removed, else
    whether this is their first try since the removal (the manager is told of that one)."""
    removal = _removal(session, user_id=user_id, class_id=class_id)
    if removal is None:
        return None
    if removal.rejoin_asked_at is not None:
        return False
    removal.rejoin_asked_at = utcnow()
    session.add(removal)
    session.commit()
    return True


def allow_rejoin(session: Session, *, user_id: int, class_id: int) -> bool:
    """Let a removed user join the class again with its code; False if they were not removed."""
    removal = _removal(session, user_id=user_id, class_id=class_id)
    if removal is None:
        return False
    session.delete(removal)
    session.commit()
    return True


def removed_members(
    session: Session, *, class_id: int, limit: int = 5
) -> tuple[int, list[User]]:
    """How many members the class's manager removed (and not let back), and the latest few."""
    from sqlalchemy import func

    total = session.exec(
        select(func.count()).select_from(ClassRemoval).where(ClassRemoval.class_id == class_id)
    ).one()
    statement = (
        select(User)
        .join(ClassRemoval, ClassRemoval.user_id == User.id)  # type: ignore[arg-type]
        .where(ClassRemoval.class_id == class_id)
        .order_by(ClassRemoval.removed_at.desc(), ClassRemoval.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    return int(total), list(session.exec(statement))


def replace_join_code(
    session: Session, *, class_id: int, expected: str | None = None
) -> tuple[str, str] | None:
    """Give the class a fresh join code; the old one is kept as retired (it then says it
    expired). Returns (old, new); None if the class is gone, or if its code is no longer
    `expected` (the code the manager was shown: it was replaced already, by a second tap)."""
    for _ in range(10):
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            return None
        old, new = training_class.join_code, new_join_code()
        if expected is not None and old != expected.upper():
            return None
        if session.get(RetiredJoinCode, new) is not None:
            continue
        try:
            session.add(RetiredJoinCode(code=old, class_id=class_id))
            session.flush()  # the retired row first: the class's row then takes the new code
            # One conditional UPDATE: of two taps at the same moment, the second changes nothing
            # (retiring the same old code fails too); the loop then reads the code it left.
            changed = session.execute(
                update(TrainingClass)
                .where(TrainingClass.id == class_id, TrainingClass.join_code == old)
                .values(join_code=new)
            )
            if changed.rowcount != 1:
                session.rollback()
                continue
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        session.expire(training_class)  # the UPDATE went around it
        return old, new
    raise RuntimeError("could not find a free join code after 10 tries")


def find_retired_code(session: Session, *, code: str) -> TrainingClass | None:
    """The class whose replaced join code this is (None for a code never used)."""
    normalized = code.strip().upper()
    if not normalized or len(normalized) > 16:
        return None
    retired = session.get(RetiredJoinCode, normalized)
    return None if retired is None else session.get(TrainingClass, retired.class_id)


def users_by_id(session: Session, *, user_ids: Iterable[int]) -> dict[int, User]:
    wanted = set(user_ids)
    if not wanted:
        return {}
    users = session.exec(select(User).where(User.id.in_(wanted)))  # type: ignore[union-attr]
    return {user.id: user for user in users}


def classes_of_member(session: Session, *, user_id: int) -> list[TrainingClass]:
    statement = (
        select(TrainingClass)
        .join(Membership, Membership.class_id == TrainingClass.id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.joined_at)
    )
    return list(session.exec(statement))


def classes_managed_by(session: Session, *, manager_id: int) -> list[TrainingClass]:
    statement = (
        select(TrainingClass)
        .where(TrainingClass.manager_id == manager_id)
        .order_by(TrainingClass.id)
    )
    return list(session.exec(statement))


def count_members(session: Session, *, class_id: int) -> int:
    from sqlalchemy import func

    statement = select(func.count()).select_from(Membership).where(Membership.class_id == class_id)
    return int(session.exec(statement).one())


def members_page(
    session: Session, *, class_id: int, offset: int = 0, limit: int = 10
) -> list[tuple[User, Membership]]:
    """One page of a class's members, in the order they joined, with their membership."""
    statement = (
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)  # type: ignore[arg-type]
        .where(Membership.class_id == class_id)
        .order_by(Membership.joined_at, Membership.id)
        .offset(offset)
        .limit(limit)
    )
    return [(user, membership) for user, membership in session.exec(statement)]


def iter_member_ids(
    session: Session, *, class_id: int, include_blocked: bool = False, batch: int = 500
) -> Iterator[int]:
    """Stream member ids in id order, `batch` at a time (constant memory for big classes)."""
    last_id = 0
    while True:
        statement = (
            select(Membership.id, Membership.user_id)
            .where(Membership.class_id == class_id, Membership.id > last_id)
            .order_by(Membership.id)
            .limit(batch)
        )
        if not include_blocked:
            statement = statement.where(Membership.blocked == False)  # noqa: E712
        rows = list(session.exec(statement))
        if not rows:
            return
        for _membership_id, user_id in rows:
            yield user_id
        last_id = rows[-1][0]


def mark_blocked(session: Session, *, user_id: int) -> int:
    """Flag every membership of a user who blocked the bot; returns how many."""
    memberships = list(session.exec(select(Membership).where(Membership.user_id == user_id)))
    for membership in memberships:
        membership.blocked = True
        session.add(membership)
    session.commit()
    return len(memberships)


def unmark_blocked(session: Session, *, user_id: int) -> int:
    """Clear the blocked flag of a user who is talking to the bot again; returns how many."""
    blocked = select(Membership.id).where(Membership.user_id == user_id, Membership.blocked)
    ids = list(session.exec(blocked))
    if not ids:  # the usual case: a read only, so SQLite takes no write lock
        return 0
    for membership_id in ids:
        membership = session.get(Membership, membership_id)
        if membership is not None:
            membership.blocked = False
            session.add(membership)
    session.commit()
    return len(ids)


def get_pending(session: Session, *, user_id: int) -> PendingInput | None:
    return session.get(PendingInput, user_id)


def set_pending(session: Session, *, user_id: int, kind: str, payload: dict) -> None:
    """Say what the user's next plain text message is for (replaces any earlier one)."""
    pending = session.get(PendingInput, user_id) or PendingInput(user_id=user_id, kind=kind)
    pending.kind = kind
    pending.payload = payload
    pending.updated_at = utcnow()
    session.add(pending)
    session.commit()


def clear_pending(session: Session, *, user_id: int) -> None:
    pending = session.get(PendingInput, user_id)
    if pending is not None:
        session.delete(pending)
        session.commit()


def was_handled(session: Session, *, update_id: int) -> bool:
    """Whether the update with this id was handled already (before a crash, say)."""
    return session.get(HandledUpdate, update_id) is not None


def last_handled(session: Session) -> int | None:
    """The highest update id stored as handled, if any."""
    return session.exec(select(func.max(HandledUpdate.update_id))).one()


def mark_handled(session: Session, *, update_id: int, now: datetime | None = None) -> None:
    """Remember that the update was handled (again is harmless). On PostgreSQL the commit does
    not wait for the WAL flush: only a crash of the database server itself could lose the last
    moment's marks (and those updates would be handled again), as SQLite's synchronous=NORMAL."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    session.add(HandledUpdate(update_id=update_id, handled_at=now or utcnow()))
    try:
        session.commit()
    except IntegrityError:  # handled already
        session.rollback()


def forget_handled(session: Session, *, now: datetime | None = None) -> int:
    """Drop the handled updates older than `HANDLED_UPDATES_KEPT`; returns how many."""
    before = (now or utcnow()) - HANDLED_UPDATES_KEPT
    result = session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < before))
    session.commit()
    return int(result.rowcount)
