"""Keyword-only CRUD for the question log, handoffs, curated answers and question statistics.

Usage::

    with services.session() as session:
        log = question_crud.log_question(session, user_id=1, chat_id=1, question="…",
                                         answered=False, reason="out_of_scope")
        question_crud.set_feedback(session, question_id=log.id, feedback="down")
        stats = question_crud.question_stats(session, since=utcnow() - timedelta(days=30))
        page = question_crud.list_curated(session, offset=0, limit=5)
        question_crud.retire_curated(session, curated_id=page[0].id)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, delete, func, or_, update
from sqlmodel import Session, select

from bot.db.models import Membership, Role, TrainingClass, User, utcnow
from bot.db.question_models import (
    CuratedAnswer,
    DeclinedCuratedOffer,
    QuestionHandoff,
    QuestionLog,
)

FEEDBACK_VALUES = ("up", "down")


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value is not None else None


def log_question(
    session: Session,
    *,
    user_id: int,
    chat_id: int,
    question: str,
    answered: bool,
    reason: str | None = None,
    curated_id: int | None = None,
    top_doc_id: str | None = None,
    top_title: str | None = None,
    top_doc_number: str | None = None,
    top_clause: str | None = None,
    top_passage_id: int | None = None,
    score: float | None = None,
    hit_count: int = 0,
    elapsed_ms: float = 0.0,
) -> QuestionLog:
    """Store one question with its result; long strings are clipped to the column limits. A
    declined ask of a question a manager set aside for this trainee (「🗑 忽略」) is stored set
    aside with it (`_dismissal_of_repeat`): the manager need not dismiss it again."""
    log = QuestionLog(
        user_id=user_id,
        chat_id=chat_id,
        question=question[:1000],
        answered=answered,
        reason=_clip(reason, 32),
        curated_id=curated_id,
        top_doc_id=_clip(top_doc_id, 128),
        top_title=_clip(top_title, 255),
        top_doc_number=_clip(top_doc_number, 64),
        top_clause=_clip(top_clause, 64),
        top_passage_id=top_passage_id,
        score=score,
        hit_count=hit_count,
        elapsed_ms=round(elapsed_ms, 3),
    )
    if not answered:
        _dismiss_as_before(session, log)
    session.add(log)
    session.commit()
    session.refresh(log)
    return log


def _dismissal_of_repeat(
    session: Session, *, user_id: int, question: str
) -> tuple[datetime, int | None] | None:
    """(when, by whom) the trainee's asks of `question` (by `question_key`) were last set
    aside with 「🗑 忽略」 and not answered since; None when none of them is."""
    key = question_key(question)
    dismissed = session.execute(
        select(QuestionLog.dismissed_at, QuestionLog.dismissed_by, QuestionLog.question)
        .where(
            QuestionLog.user_id == user_id,
            QuestionLog.dismissed_at != None,  # noqa: E711
            QuestionLog.manager_answer == None,  # noqa: E711
        )
        .order_by(QuestionLog.dismissed_at.desc())
    )
    for dismissed_at, dismissed_by, asked in dismissed:
        if question_key(asked) == key:
            return dismissed_at, dismissed_by
    return None


def _dismiss_as_before(session: Session, log: QuestionLog) -> None:
    """Set a new ask that needs a person aside with the trainee's dismissed asks of the same
    question: the same time and manager, so that it is one entry of 「🗂 查看已忽略的」 and
    「↩️ 撤销忽略」 or 问班主任 (`claim_handoff`) brings it back with them. Not committed."""
    earlier = _dismissal_of_repeat(session, user_id=log.user_id, question=log.question)
    if earlier is not None:
        log.dismissed_at, log.dismissed_by = earlier


def get_question(session: Session, *, question_id: int) -> QuestionLog | None:
    return session.get(QuestionLog, question_id)


def set_feedback(session: Session, *, question_id: int, feedback: str) -> QuestionLog:
    """Record 👍 ("up") or 👎 ("down"); pressing again replaces the earlier rating. A 👎 that
    makes an answered ask wait for a manager leaves it set aside when the trainee's asks of the
    question are (`_dismiss_as_before`)."""
    if feedback not in FEEDBACK_VALUES:
        raise ValueError(f"feedback must be one of {FEEDBACK_VALUES}: {feedback!r}")
    log = session.get(QuestionLog, question_id)
    if log is None:
        raise LookupError(f"no question {question_id}")
    newly_waiting = (
        feedback == "down"
        and log.answered
        and log.feedback != "down"
        and log.handed_off_at is None
        and log.manager_answer is None
        and log.dismissed_at is None
    )
    if newly_waiting:
        _dismiss_as_before(session, log)
    log.feedback = feedback
    log.feedback_at = utcnow()
    session.add(log)
    session.commit()
    return log


@dataclass(frozen=True, slots=True)
class ClassManager:
    """A class the asker belongs to, with the manager who runs it; `current` is False when
    that manager has since been removed (/removemanager) and is not an admin either."""

    manager_id: int
    class_id: int
    class_name: str
    current: bool = True


def managers_of_member(
    session: Session, *, user_id: int, admin_ids: Iterable[int] = ()
) -> list[ClassManager]:
    """The classes a user belongs to (not the ones they run), each with its manager and
    whether that manager still is one (the role, or one of `admin_ids`)."""
    admins = set(admin_ids)
    statement = (
        select(TrainingClass, User.role)
        .join(Membership, Membership.class_id == TrainingClass.id)
        .join(User, User.id == TrainingClass.manager_id, isouter=True)
        .where(Membership.user_id == user_id)
        .order_by(Membership.joined_at)
    )
    return [
        ClassManager(
            manager_id=c.manager_id,
            class_id=c.id,
            class_name=c.name,
            current=role == Role.manager or c.manager_id in admins,
        )
        for c, role in session.exec(statement)
        if c.manager_id != user_id
    ]


def record_handoff(
    session: Session,
    *,
    question_id: int,
    deliveries: Iterable[tuple[int, int | None, bool]],
    message_ids: Mapping[int, int] | None = None,
) -> list[QuestionHandoff]:
    """Note that the question went to these (manager_id, class_id, delivered) managers, with
    the id of the message each got (`message_ids`, by manager) where it is known."""
    ids = message_ids or {}
    rows = [
        QuestionHandoff(
            question_id=question_id, manager_id=m, class_id=c, delivered=d, message_id=ids.get(m)
        )
        for m, c, d in deliveries
    ]
    log = session.get(QuestionLog, question_id)
    if log is not None and log.handed_off_at is None:
        log.handed_off_at = utcnow()
        session.add(log)
    session.add_all(rows)
    session.commit()
    return rows


def handoff_messages(session: Session, *, question_ids: Iterable[int]) -> list[QuestionHandoff]:
    """The 问班主任 messages sent for these questions whose message id is known (not those sent
    before it was kept, nor undelivered ones), in the order they were sent."""
    ids = list(question_ids)
    if not ids:
        return []
    known = QuestionHandoff.message_id != None  # noqa: E711
    statement = (
        select(QuestionHandoff)
        .where(QuestionHandoff.question_id.in_(ids), known)
        .order_by(QuestionHandoff.id)
    )
    return list(session.exec(statement))


def may_answer(session: Session, *, manager_id: int, question: QuestionLog, admin: bool) -> bool:
    """Admins answer any question; a manager answers those of their classes' trainees or those
    handed to them."""
    if admin:
        return True
    handed = session.exec(
        select(QuestionHandoff.id).where(
            QuestionHandoff.question_id == question.id, QuestionHandoff.manager_id == manager_id
        )
    ).first()
    if handed is not None:
        return True
    member = session.exec(
        select(Membership.id)
        .join(TrainingClass, TrainingClass.id == Membership.class_id)
        .where(TrainingClass.manager_id == manager_id, Membership.user_id == question.user_id)
    ).first()
    return member is not None


MAX_ANSWER_CHARS = 4000  # QuestionLog.manager_answer


def _answer_values(
    *, manager_id: int, answer: str, heading: str | None = None
) -> dict[str, object]:
    """The columns a manager's answer sets on a question and on its repeats. With a `heading`
    (「李强老师补充：」) an answer given already is kept and this one appended under it, in
    the UPDATE itself: the first answer stays what /unanswered shows and ⭐ saves, and so does
    the name of whoever wrote it (`first_answered_by`; `first_author`)."""
    stored: object = answer[:MAX_ANSWER_CHARS]
    first: object = manager_id
    if heading is not None:
        appended = QuestionLog.manager_answer + f"\n\n{heading}{answer}"
        stored = case(
            (QuestionLog.manager_answer == None, stored),  # noqa: E711
            else_=func.substr(appended, 1, MAX_ANSWER_CHARS),
        )
        first = case(
            (QuestionLog.manager_answer == None, manager_id),  # noqa: E711
            else_=func.coalesce(QuestionLog.first_answered_by, QuestionLog.answered_by),
        )
    return {
        "manager_answer": stored,
        "answered_by": manager_id,
        "first_answered_by": first,
        "manager_answered_at": utcnow(),
    }


def first_author(question: QuestionLog) -> int | None:
    """Who wrote the answer the question's stored one begins with (others may have added to it
    since, 「李强老师补充：…」); None while it has no answer."""
    if question.manager_answer is None:
        return None
    return question.first_answered_by or question.answered_by


def save_manager_answer(
    session: Session,
    *,
    question_id: int,
    manager_id: int,
    answer: str,
    repeat_ids: Iterable[int] = (),
) -> QuestionLog:
    """Store the manager's reply to a question (the latest reply wins), and on `repeat_ids`,
    the same question asked again by the same trainee (see `unanswered_repeats`), so that none
    of them is listed again."""
    log = session.get(QuestionLog, question_id)
    if log is None:
        raise LookupError(f"no question {question_id}")
    values = _answer_values(manager_id=manager_id, answer=answer)
    for repeat in [log, *(session.get(QuestionLog, i) for i in repeat_ids if i != question_id)]:
        if repeat is None:
            continue
        for column, value in values.items():
            setattr(repeat, column, value)
        session.add(repeat)
    session.commit()
    return log


def answer_if_waiting(
    session: Session,
    *,
    question_id: int,
    manager_id: int,
    answer: str,
    repeat_ids: Iterable[int] = (),
) -> bool:
    """`save_manager_answer`, but only while nobody has answered the question: one conditional
    UPDATE, so of two presses at the same moment (one manager's double tap, or two managers)
    one answers it and the other gets False. The repeats still waiting are answered with it."""
    waiting = QuestionLog.manager_answer == None  # noqa: E711
    values = _answer_values(manager_id=manager_id, answer=answer)
    return _answer_where(session, waiting, question_id, values, repeat_ids)


def answer_unless_overtaken(
    session: Session,
    *,
    question_id: int,
    manager_id: int,
    answer: str,
    since: datetime,
    repeat_ids: Iterable[int] = (),
    heading: str | None = None,
) -> bool:
    """`answer_if_waiting`, but also when the question was answered by this manager, or by
    anyone no later than `since` (when this manager began to answer, and was shown that
    answer): False, saving nothing, when someone else answered it after `since`. An answer
    given already is kept, this one appended under `heading` (`_answer_values`)."""
    allowed = or_(
        QuestionLog.manager_answer == None,  # noqa: E711
        QuestionLog.answered_by == manager_id,
        QuestionLog.manager_answered_at <= since,
    )
    values = _answer_values(manager_id=manager_id, answer=answer, heading=heading)
    return _answer_where(session, allowed, question_id, values, repeat_ids)


def supplement_answer(
    session: Session,
    *,
    question_id: int,
    manager_id: int,
    answer: str,
    seen_at: datetime,
    repeat_ids: Iterable[int] = (),
    heading: str | None = None,
) -> bool:
    """`answer_if_waiting` for an answer added to another one (appended under `heading`), only
    while the answer stored is still the one given at `seen_at` (its `manager_answered_at`),
    which the manager was shown: of two presses (a double tap) one saves it, and after an
    answer given meanwhile nothing is saved (False)."""
    unchanged = QuestionLog.manager_answered_at == seen_at
    values = _answer_values(manager_id=manager_id, answer=answer, heading=heading)
    return _answer_where(session, unchanged, question_id, values, repeat_ids)


def _answer_where(
    session: Session,
    allowed: ColumnElement[bool],
    question_id: int,
    values: dict[str, object],
    repeat_ids: Iterable[int],
) -> bool:
    """Store the manager's answer (`values`) on the question if it is `allowed`, and on the
    repeats still waiting; whether it was stored."""
    waiting = QuestionLog.manager_answer == None  # noqa: E711
    return _claim_with_repeats(
        session, question_id, values, repeat_ids, claim=(allowed,), repeats=(waiting,)
    )


def _claim_with_repeats(
    session: Session,
    question_id: int,
    values: dict[str, object],
    repeat_ids: Iterable[int],
    *,
    claim: tuple[ColumnElement[bool], ...],
    repeats: tuple[ColumnElement[bool], ...],
) -> bool:
    """Write `values` on the question where `claim` holds (one conditional UPDATE, so that of
    two at the same moment the second sees the first), then on its repeats where `repeats`
    holds; whether the question was claimed (nothing is written otherwise)."""
    claimed = session.execute(
        update(QuestionLog).where(QuestionLog.id == question_id, *claim).values(**values)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return False
    others = [i for i in repeat_ids if i != question_id]
    if others:
        session.execute(
            update(QuestionLog).where(QuestionLog.id.in_(others), *repeats).values(**values)
        )
    session.commit()
    return True


def mark_answer_undelivered(session: Session, *, question_id: int, manager_id: int) -> bool:
    """Record that the answer `manager_id` stored on the question did not reach the trainee
    (`QuestionLog.answer_undelivered_at` := its `manager_answered_at`), while that answer is
    still theirs; whether it was recorded."""
    marked = session.execute(
        update(QuestionLog)
        .where(
            QuestionLog.id == question_id,
            QuestionLog.answered_by == manager_id,
            QuestionLog.manager_answered_at != None,  # noqa: E711
        )
        .values(answer_undelivered_at=QuestionLog.manager_answered_at)
    )
    session.commit()
    return marked.rowcount == 1


def mark_answer_delivered(session: Session, *, question_id: int) -> None:
    """Forget an undelivered answer on the question (`mark_answer_undelivered`): the trainee
    has an answer now."""
    session.execute(
        update(QuestionLog)
        .where(
            QuestionLog.id == question_id,
            QuestionLog.answer_undelivered_at != None,  # noqa: E711
        )
        .values(answer_undelivered_at=None)
    )
    session.commit()


def undelivered_answer_at(question: QuestionLog) -> datetime | None:
    """When the answer `question` holds was stored, if it did not reach the trainee, who had no
    answer before it (`mark_answer_undelivered`); None otherwise, also once another answer
    was stored over it."""
    at = question.manager_answered_at
    if at is None or question.manager_answer is None or question.answer_undelivered_at != at:
        return None
    return at


def decline_curated_offer(
    session: Session,
    *,
    question_id: int,
    manager_id: int,
    curated_id: int,
    answer_seen_at: datetime,
) -> None:
    """Record 「不发了」 under a saved curated answer held back because the question had an
    answer given at `answer_seen_at` (`DeclinedCuratedOffer`)."""
    session.add(
        DeclinedCuratedOffer(
            question_id=question_id,
            manager_id=manager_id,
            curated_id=curated_id,
            answer_seen_at=answer_seen_at,
        )
    )
    session.commit()


def curated_offer_declined(
    session: Session,
    *,
    question_id: int,
    manager_id: int,
    curated_id: int,
    answer_seen_at: datetime,
) -> bool:
    """Whether the manager declined that saved answer over the answer given at
    `answer_seen_at` (`decline_curated_offer`) since last pressing 「📌 用标准答案回复」."""
    found = session.exec(
        select(DeclinedCuratedOffer.id).where(
            DeclinedCuratedOffer.question_id == question_id,
            DeclinedCuratedOffer.manager_id == manager_id,
            DeclinedCuratedOffer.curated_id == curated_id,
            DeclinedCuratedOffer.answer_seen_at == answer_seen_at,
        )
    ).first()
    return found is not None


def forget_declined_curated(
    session: Session, *, question_id: int, manager_id: int, curated_id: int
) -> None:
    """「📌 用标准答案回复」 pressed again is a new choice: its earlier 「不发了」 no longer
    hold."""
    session.execute(
        delete(DeclinedCuratedOffer).where(
            DeclinedCuratedOffer.question_id == question_id,
            DeclinedCuratedOffer.manager_id == manager_id,
            DeclinedCuratedOffer.curated_id == curated_id,
        )
    )
    session.commit()


# Dropped from the end of a question before repeats are compared: 「住宿费谁出?」 = 「住宿费谁出」.
TRAILING_PUNCTUATION = "?？。.!！,，、;；~～… \t\r\n\u3000"


def question_key(text: str) -> str:
    """What two asks of the same question share: spaces trimmed (runs of them made one), the
    trailing punctuation dropped, letters in one case."""
    return " ".join(text.split()).rstrip(TRAILING_PUNCTUATION).casefold()


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """One question waiting for a manager: the trainee's latest ask of it, the ids of every
    ask of it (newest first) that `unanswered_for` found, and whether the trainee pressed
    问班主任 on any of them (`handed_off`: they are waiting for a reply)."""

    latest: QuestionLog
    ids: tuple[int, ...]
    handed_off: bool = False

    @property
    def id(self) -> int:
        assert self.latest.id is not None
        return self.latest.id

    @property
    def count(self) -> int:
        return len(self.ids)


def _needs_a_person() -> ColumnElement[bool]:
    return or_(
        QuestionLog.answered == False,  # noqa: E712
        QuestionLog.feedback == "down",
        QuestionLog.handed_off_at != None,  # noqa: E711
    )


def _waiting_for(
    statement: Select, *, manager_id: int, everyone: bool, since_joining: bool = True
) -> Select:
    """Narrow a QuestionLog query to the questions that wait for this manager's reply: declined,
    👎 or handed off, neither answered nor set aside (`dismiss_question`) yet, from the
    trainees of the manager's classes, asked since they joined one of them (at any time unless
    `since_joining`), or handed to the manager (`everyone` for admins: from anybody but
    themselves)."""
    statement = statement.where(
        _needs_a_person(),
        QuestionLog.manager_answer == None,  # noqa: E711
        QuestionLog.dismissed_at == None,  # noqa: E711
    )
    return _seen_by(
        statement, manager_id=manager_id, everyone=everyone, since_joining=since_joining
    )


def _seen_by(
    statement: Select, *, manager_id: int, everyone: bool, since_joining: bool = True
) -> Select:
    """Narrow a QuestionLog query to the questions this manager's lists show (`_waiting_for`):
    from the trainees of the manager's classes (since they joined one, when `since_joining`),
    or handed to the manager; `everyone` for admins: from anybody but themselves."""
    statement = statement.where(QuestionLog.user_id != manager_id)
    if everyone:
        return statement
    member = [
        TrainingClass.manager_id == manager_id,
        Membership.user_id == QuestionLog.user_id,  # correlated with the outer question
    ]
    if since_joining:
        member.append(Membership.joined_at <= QuestionLog.created_at)
    in_class = (
        select(Membership.id)
        .join(TrainingClass, TrainingClass.id == Membership.class_id)
        .where(*member)
        .exists()
    )
    handed = select(QuestionHandoff.question_id).where(QuestionHandoff.manager_id == manager_id)
    return statement.where(or_(in_class, QuestionLog.id.in_(handed)))


def unanswered_for(
    session: Session,
    *,
    manager_id: int,
    since: datetime,
    everyone: bool = False,
    limit: int = 10,
) -> list[UnansweredQuestion]:
    """Declined, 👎 or handed-off questions without a manager's reply: from the trainees of the
    manager's classes since they joined (not what they asked before) and those handed to them
    (`everyone` for admins: all). The ones a trainee
    handed off (问班主任) come first, then the others; newest first within each.

    A trainee who asked the same question several times (by `question_key`) gets one entry,
    with the ids of all those asks since `since`; `limit` counts entries."""
    return unanswered_page(
        session, manager_id=manager_id, since=since, everyone=everyone, limit=limit
    )[1]


def unanswered_page(
    session: Session,
    *,
    manager_id: int,
    since: datetime,
    everyone: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> tuple[int, list[UnansweredQuestion]]:
    """(how many entries `unanswered_for` has in all, the `limit` entries from `offset`): one
    page of them, the handed-off ones first, then newest first, so the oldest of the others
    are on the last page."""
    statement = _waiting_for(
        select(
            QuestionLog.id, QuestionLog.user_id, QuestionLog.question, QuestionLog.handed_off_at
        ).where(QuestionLog.created_at >= since),
        manager_id=manager_id,
        everyone=everyone,
    ).order_by(QuestionLog.created_at.desc(), QuestionLog.id.desc())
    return _unanswered_entries(session, list(session.exec(statement)), offset, limit)


def _unanswered_entries(
    session: Session,
    rows: list[tuple[int, int, str, datetime | None]],
    offset: int,
    limit: int,
) -> tuple[int, list[UnansweredQuestion]]:
    """`unanswered_page` from the waiting asks' (id, user id, question, handed off at), newest
    first: one entry per trainee and `question_key`, the handed-off ones first."""
    keyed = (
        (question_id, (user_id, question_key(text)), handed_off_at is not None)
        for question_id, user_id, text, handed_off_at in rows
    )
    return _grouped_page(session, keyed, offset, limit, handed_first=True)


def _grouped_page(
    session: Session,
    keyed: Iterable[tuple[int, Hashable, bool]],
    offset: int,
    limit: int,
    *,
    handed_first: bool,
) -> tuple[int, list[UnansweredQuestion]]:
    """(how many entries, the `limit` from `offset`) of asks grouped by key, in the order
    given (newest first), those handed off first when `handed_first`; each entry's `latest`
    is its first ask, loaded in one query."""
    groups: dict[Hashable, list[int]] = {}
    handed: set[Hashable] = set()
    for question_id, key, handed_off in keyed:
        groups.setdefault(key, []).append(question_id)
        if handed_off:
            handed.add(key)
    ordered = list(groups)
    if handed_first:
        ordered.sort(key=lambda key: key not in handed)  # stable: newest first kept
    page = ordered[offset : offset + limit]
    if not page:
        return len(groups), []
    latest = {
        log.id: log
        for log in session.exec(
            select(QuestionLog).where(QuestionLog.id.in_([groups[key][0] for key in page]))
        )
    }
    return len(groups), [
        UnansweredQuestion(latest[groups[key][0]], tuple(groups[key]), key in handed)
        for key in page
    ]


def unanswered_page_and_dismissed(
    session: Session,
    *,
    manager_id: int,
    since: datetime,
    everyone: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> tuple[int, list[UnansweredQuestion], int]:
    """`unanswered_page`, and how many entries `dismissed_page` has for the same `since`
    (the foot of /unanswered: 「已忽略 N 条」), read in the same one query."""
    statement = _seen_by(
        select(
            QuestionLog.id,
            QuestionLog.user_id,
            QuestionLog.question,
            QuestionLog.handed_off_at,
            QuestionLog.dismissed_at,
        ).where(
            _needs_a_person(),
            QuestionLog.manager_answer == None,  # noqa: E711
            QuestionLog.created_at >= since,
        ),
        manager_id=manager_id,
        everyone=everyone,
    ).order_by(QuestionLog.created_at.desc(), QuestionLog.id.desc())
    waiting, dismissed = [], set()
    for question_id, user_id, text, handed_off_at, dismissed_at in session.exec(statement):
        if dismissed_at is None:
            waiting.append((question_id, user_id, text, handed_off_at))
        else:
            dismissed.add((user_id, dismissed_at))
    total, page = _unanswered_entries(session, waiting, offset, limit)
    return total, page, len(dismissed)


def unanswered_repeats(
    session: Session, *, question: QuestionLog, manager_id: int, everyone: bool = False
) -> list[int]:
    """The ids of the other asks of `question` by the same trainee (by `question_key`, at any
    time, also before they joined the manager's class) that still wait for a reply, newest
    first: one answer closes them all."""
    key = question_key(question.question)
    statement = _waiting_for(
        select(QuestionLog.id, QuestionLog.question).where(
            QuestionLog.user_id == question.user_id, QuestionLog.id != question.id
        ),
        manager_id=manager_id,
        everyone=everyone,
        since_joining=False,
    ).order_by(QuestionLog.created_at.desc(), QuestionLog.id.desc())
    return [i for i, text in session.exec(statement) if question_key(text) == key]


def dismiss_question(
    session: Session, *, question_id: int, manager_id: int, repeat_ids: Iterable[int] = ()
) -> datetime | None:
    """Set a waiting question aside (「🗑 忽略」 in /unanswered), with the `repeat_ids` still
    waiting (`unanswered_repeats`): it leaves every manager's list, and nothing is sent. One
    conditional UPDATE, so of two presses (a double tap, or two managers) one dismisses it;
    the time shared by the rows dismissed (`restore_dismissed` undoes them), or None when it
    was answered or dismissed already, or never needed a person (answered, no 👎, not handed
    off)."""
    now = utcnow()
    values = {"dismissed_at": now, "dismissed_by": manager_id}
    waiting = (
        _needs_a_person(),
        QuestionLog.manager_answer == None,  # noqa: E711
        QuestionLog.dismissed_at == None,  # noqa: E711
    )
    claimed = _claim_with_repeats(
        session, question_id, values, repeat_ids, claim=waiting, repeats=waiting
    )
    return now if claimed else None


def restore_dismissed(session: Session, *, question_id: int) -> int:
    """Undo `dismiss_question` (「↩️ 撤销忽略」): the question and the repeats dismissed with
    it (the same trainee, the same time) wait again; how many rows, 0 when it is not
    dismissed (restored already). An ask the trainee had handed on (问班主任) before it was
    dismissed keeps `dismissed_by`: the trainee was told then that no reply would come, and
    is not told again (`told_no_reply`)."""
    question = session.get(QuestionLog, question_id)
    if question is None or question.dismissed_at is None:
        return 0
    restored = _restore_dismissal(
        session, user_id=question.user_id, dismissed_at=question.dismissed_at
    )
    session.commit()
    return restored


def _restore_dismissal(session: Session, *, user_id: int, dismissed_at: datetime) -> int:
    """`restore_dismissed` of the asks one trainee had dismissed at `dismissed_at`, not
    committed; how many rows."""
    # The right-hand sides read the row as it was: `dismissed_at` before it is cleared.
    told = QuestionLog.handed_off_at <= QuestionLog.dismissed_at
    restored = session.execute(
        update(QuestionLog)
        .where(QuestionLog.user_id == user_id, QuestionLog.dismissed_at == dismissed_at)
        .values(dismissed_at=None, dismissed_by=case((told, QuestionLog.dismissed_by), else_=None))
    )
    return int(restored.rowcount)


@dataclass(frozen=True, slots=True)
class EarlierDismissal:
    """A 「🗑 忽略」 that the trainee's 问班主任 undid (`claim_handoff`): who set the question
    aside, when, and how many of the trainee's asks of it came back."""

    dismissed_by: int | None
    dismissed_at: datetime
    asks: int


def claim_handoff(session: Session, *, question_id: int) -> list[EarlierDismissal] | None:
    """Mark the question handed on (问班主任) before its messages go out: one conditional
    UPDATE, so of two presses at the same moment (a double tap) one hands it on and the other
    gets None (nothing changes then). A question the trainee asks a person about is no longer
    set aside: the asks of it dismissed with 「🗑 忽略」 and not answered (this one, and the
    trainee's other asks with the same `question_key`) are restored in the same transaction,
    as `restore_dismissed` restores them (an ask handed on before its dismissal keeps
    `dismissed_by`: the trainee was told then); the dismissals undone, the latest first, []
    when there were none."""
    claimed = session.execute(
        update(QuestionLog)
        .where(QuestionLog.id == question_id, QuestionLog.handed_off_at == None)  # noqa: E711
        .values(handed_off_at=utcnow())
    )
    if claimed.rowcount != 1:
        session.rollback()
        return None
    user_id, text = session.execute(
        select(QuestionLog.user_id, QuestionLog.question).where(QuestionLog.id == question_id)
    ).one()
    key = question_key(text)
    dismissed = session.execute(
        select(QuestionLog.dismissed_at, QuestionLog.dismissed_by, QuestionLog.question).where(
            QuestionLog.user_id == user_id,
            QuestionLog.dismissed_at != None,  # noqa: E711
            QuestionLog.manager_answer == None,  # noqa: E711
        )
    )
    dismissers: dict[datetime, int | None] = {}
    for dismissed_at, dismissed_by, asked in dismissed:
        if question_key(asked) == key:
            dismissers.setdefault(dismissed_at, dismissed_by)
    undone = [
        EarlierDismissal(
            dismissers[at], at, _restore_dismissal(session, user_id=user_id, dismissed_at=at)
        )
        for at in sorted(dismissers, reverse=True)
    ]
    session.commit()
    return undone


def asked_at(session: Session, *, question_ids: Iterable[int]) -> dict[int, datetime]:
    """question id → when it was asked, for these questions."""
    ids = list(question_ids)
    if not ids:
        return {}
    statement = select(QuestionLog.id, QuestionLog.created_at).where(QuestionLog.id.in_(ids))
    return {question_id: created_at for question_id, created_at in session.exec(statement)}


def told_no_reply(question: QuestionLog) -> bool:
    """Whether the trainee was told, when this ask was dismissed, that the manager cannot reply
    (handlers/unanswered.py `NO_REPLY`): they had handed it on (问班主任) before a dismissal,
    which `restore_dismissed` keeps in `dismissed_by` once it is undone."""
    if question.handed_off_at is None or question.dismissed_by is None:
        return False
    return question.dismissed_at is None or question.handed_off_at <= question.dismissed_at


def dismissed_page(
    session: Session,
    *,
    manager_id: int,
    since: datetime,
    everyone: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> tuple[int, list[UnansweredQuestion]]:
    """(how many dismissals, the `limit` from `offset`): the questions asked since `since`,
    set aside with 「🗑 忽略」 (`dismiss_question`) and not answered, that this manager's
    /unanswered over the same days would otherwise show (`_waiting_for`), most recently
    dismissed first. The asks dismissed together (one trainee, one time: what
    `restore_dismissed` brings back) are one entry, its `latest` the newest ask; `handed_off`
    when the trainee pressed 问班主任 on any."""
    statement = _seen_by(
        select(
            QuestionLog.id,
            QuestionLog.user_id,
            QuestionLog.dismissed_at,
            QuestionLog.handed_off_at,
        ).where(
            _needs_a_person(),
            QuestionLog.manager_answer == None,  # noqa: E711
            QuestionLog.dismissed_at != None,  # noqa: E711
            QuestionLog.created_at >= since,
        ),
        manager_id=manager_id,
        everyone=everyone,
    ).order_by(
        QuestionLog.dismissed_at.desc(), QuestionLog.created_at.desc(), QuestionLog.id.desc()
    )
    keyed = (
        (question_id, (user_id, dismissed_at), handed_off_at is not None)
        for question_id, user_id, dismissed_at, handed_off_at in session.exec(statement)
    )
    return _grouped_page(session, keyed, offset, limit, handed_first=False)


@dataclass(frozen=True, slots=True)
class HandoffRecipient:
    """Someone a handed-off question reached: the asker's class manager, or an admin standing
    in for a class whose manager was removed (`manager` False)."""

    user_id: int
    name: str
    manager: bool


def handoff_recipients(session: Session, *, question_id: int) -> list[HandoffRecipient]:
    """Who received the question handed off with 问班主任 (delivered only), in the order it
    was sent; a recipient is a manager when they run the class the handoff was recorded for."""
    statement = (
        select(QuestionHandoff.manager_id, TrainingClass.manager_id, User)
        .join(TrainingClass, TrainingClass.id == QuestionHandoff.class_id, isouter=True)
        .join(User, User.id == QuestionHandoff.manager_id, isouter=True)
        .where(QuestionHandoff.question_id == question_id, QuestionHandoff.delivered == True)  # noqa: E712
        .order_by(QuestionHandoff.id)
    )
    return [
        HandoffRecipient(
            user_id=recipient,
            name=user.display_name if user is not None else str(recipient),
            manager=recipient == runs,
        )
        for recipient, runs, user in session.exec(statement)
    ]


def curated_author(session: Session, *, curated_id: int) -> str | None:
    """The display name of whoever saved a curated answer (None if unknown)."""
    curated = session.get(CuratedAnswer, curated_id)
    user = session.get(User, curated.created_by) if curated is not None else None
    return user.display_name if user is not None else None


def add_curated(
    session: Session,
    *,
    question: str,
    answer: str,
    created_by: int,
    source_question_id: int | None = None,
) -> CuratedAnswer:
    """Save a question-answer pair; an earlier active pair with the same question is replaced."""
    question = question.strip()[:1000]
    for old in session.exec(
        select(CuratedAnswer).where(CuratedAnswer.question == question, CuratedAnswer.active)
    ):
        old.active = False
        session.add(old)
    curated = CuratedAnswer(
        question=question,
        answer=answer.strip()[:4000],
        created_by=created_by,
        source_question_id=source_question_id,
    )
    session.add(curated)
    session.commit()
    session.refresh(curated)
    return curated


@dataclass(frozen=True, slots=True)
class CuratedSave:
    """What 「⭐ 保存为标准答案」 did: the entry `saved`, how many of the saver's own active
    entries of the same question it `replaced`; or nothing, because an active entry of the
    question that `kept_by` saved is not replaced by anyone else's save."""

    saved: CuratedAnswer | None = None
    replaced: int = 0
    kept_by: int | None = None


def save_curated_once(
    session: Session, *, question_id: int, created_by: int, saver: int | None = None
) -> CuratedSave | None:
    """`add_curated` of a question with its manager's answer as stored now, in the name of
    `created_by` (who wrote its first part; `saver` pressed ⭐, the same by default), unless
    that answer of it is saved and active already: None then, and nothing changes (a double tap
    of 「保存为标准答案」 saves once). An active entry of the same question that someone other
    than `saver` saved is never replaced: nothing is saved, and its saver is `kept_by`. The
    question's row is locked first (an UPDATE that changes nothing), so of two presses at the
    same moment the second waits for the first to commit and then finds its row."""
    saver = created_by if saver is None else saver
    claimed = session.execute(
        update(QuestionLog)
        .where(QuestionLog.id == question_id, QuestionLog.manager_answer != None)  # noqa: E711
        .values(answered_by=QuestionLog.answered_by)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise LookupError(f"no answered question {question_id}")
    question, answer = session.execute(
        select(QuestionLog.question, QuestionLog.manager_answer).where(
            QuestionLog.id == question_id
        )
    ).one()
    saved = session.exec(
        select(CuratedAnswer.id).where(
            CuratedAnswer.source_question_id == question_id,
            CuratedAnswer.answer == answer.strip()[:4000],
            CuratedAnswer.active == True,  # noqa: E712
        )
    ).first()
    if saved is not None:
        session.rollback()
        return None
    active = list(
        session.exec(
            select(CuratedAnswer).where(
                CuratedAnswer.question == question.strip()[:1000],
                CuratedAnswer.active == True,  # noqa: E712
            )
        )
    )
    others = [entry.created_by for entry in active if entry.created_by != saver]
    if others:
        session.rollback()
        return CuratedSave(kept_by=others[0])
    curated = add_curated(
        session,
        question=question,
        answer=answer,
        created_by=created_by,
        source_question_id=question_id,
    )
    return CuratedSave(saved=curated, replaced=len(active))


def curated_pairs(session: Session) -> list[tuple[int, str, str]]:
    """The active curated (id, question, answer) pairs, oldest first."""
    statement = select(CuratedAnswer).where(CuratedAnswer.active).order_by(CuratedAnswer.id)
    return [(c.id, c.question, c.answer) for c in session.exec(statement)]


def count_curated(session: Session) -> int:
    """How many curated answers are active."""
    statement = select(func.count()).select_from(CuratedAnswer).where(CuratedAnswer.active)
    return int(session.exec(statement).one())


def list_curated(session: Session, *, offset: int = 0, limit: int = 5) -> list[CuratedAnswer]:
    """One page of the active curated answers, newest first."""
    statement = (
        select(CuratedAnswer)
        .where(CuratedAnswer.active)
        .order_by(CuratedAnswer.created_at.desc(), CuratedAnswer.id.desc())
        .offset(max(offset, 0))
        .limit(limit)
    )
    return list(session.exec(statement))


def get_curated(session: Session, *, curated_id: int) -> CuratedAnswer | None:
    return session.get(CuratedAnswer, curated_id)


def retire_curated(session: Session, *, curated_id: int) -> bool:
    """Stop matching a curated answer (the row is kept); False if it is unknown or already
    retired, so two managers pressing at once retire it once."""
    result = session.execute(
        update(CuratedAnswer)
        .where(CuratedAnswer.id == curated_id, CuratedAnswer.active == True)  # noqa: E712
        .values(active=False)
    )
    session.commit()
    return result.rowcount == 1


@dataclass
class QuestionStats:
    """Questions over a period: volumes, decline and 👎 rates, the most asked notices."""

    since: datetime
    total: int = 0
    answered: int = 0
    declined: int = 0
    curated: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    # From here to `dismissed`: questions, not asks (`_person_questions`): a trainee's asks of
    # one question (by `question_key`) up to a manager's answer are one, as /unanswered has it.
    handed_off: int = 0  # questions the trainee handed on (问班主任)
    manager_answered: int = 0
    # Of `manager_answered`: the declined or 👎 questions the trainee never handed on
    # (answered from /unanswered), so that 「班主任已回答」 may exceed 「转给班主任」.
    manager_answered_unasked: int = 0
    # Of `handed_off`: still waiting for a manager's answer (neither answered nor dismissed).
    handed_off_waiting: int = 0
    dismissed: int = 0  # set aside with 「🗑 忽略」 and never answered: not counted as answered
    average_ms: float = 0.0
    top_clauses: list[tuple[str, str, str, int]] = field(default_factory=list)
    top_notices: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def decline_rate(self) -> float:
        return self.declined / self.total if self.total else 0.0

    @property
    def thumbs_down_rate(self) -> float:
        """👎 among the answered questions."""
        return self.thumbs_down / self.answered if self.answered else 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["since"] = self.since.isoformat()
        data["decline_rate"] = round(self.decline_rate, 4)
        data["thumbs_down_rate"] = round(self.thumbs_down_rate, 4)
        return data


def question_stats(session: Session, *, since: datetime, top: int = 5) -> QuestionStats:
    """Aggregate the question log from `since` on."""
    recent = QuestionLog.created_at >= since

    def count(*conditions: object) -> int:
        statement = select(func.count()).select_from(QuestionLog).where(recent, *conditions)
        return int(session.exec(statement).one())

    # The decline and 👎 rates are shares of asks (「提问 N 次」): each ask got its own reply,
    # and 👍/👎 rate that reply; only an answered one has the buttons.
    answered = QuestionLog.answered == True  # noqa: E712
    stats = QuestionStats(since=since)
    stats.total = count()
    stats.answered = count(answered)
    stats.declined = stats.total - stats.answered
    stats.curated = count(QuestionLog.curated_id != None)  # noqa: E711
    stats.thumbs_up = count(answered, QuestionLog.feedback == "up")
    stats.thumbs_down = count(answered, QuestionLog.feedback == "down")
    for question in _person_questions(session, since=since):
        stats.handed_off += question.handed_off
        stats.manager_answered += question.answered
        stats.manager_answered_unasked += question.answered and not question.handed_off
        stats.handed_off_waiting += question.handed_off_waiting
        stats.dismissed += not question.answered and question.dismissed
    average = session.exec(select(func.avg(QuestionLog.elapsed_ms)).where(recent)).one()
    stats.average_ms = float(average or 0.0)
    with_hit = (recent, QuestionLog.answered == True, QuestionLog.top_doc_id != None)  # noqa: E711,E712
    clause_count = func.count().label("n")
    stats.top_clauses = [
        (title or "", number or "", clause or "", int(n))
        for title, number, clause, n in session.exec(
            select(
                QuestionLog.top_title,
                QuestionLog.top_doc_number,
                QuestionLog.top_clause,
                clause_count,
            )
            .where(*with_hit)
            .group_by(
                QuestionLog.top_doc_id,
                QuestionLog.top_title,
                QuestionLog.top_doc_number,
                QuestionLog.top_clause,
            )
            .order_by(clause_count.desc(), QuestionLog.top_title)
            .limit(top)
        )
    ]
    notice_count = func.count().label("n")
    stats.top_notices = [
        (title or "", number or "", int(n))
        for title, number, n in session.exec(
            select(QuestionLog.top_title, QuestionLog.top_doc_number, notice_count)
            .where(*with_hit)
            .group_by(QuestionLog.top_doc_id, QuestionLog.top_title, QuestionLog.top_doc_number)
            .order_by(notice_count.desc(), QuestionLog.top_title)
            .limit(top)
        )
    ]
    return stats


@dataclass(slots=True)
class _PersonQuestion:
    """One question of one trainee for /kbstats: their asks of it (by `question_key`) from
    the first to a manager's answer; an ask after the answer begins another question."""

    answered: bool = False  # a manager answered one of its asks
    answered_at: datetime | None = None  # the first such answer, when known
    handed_off: bool = False  # an ask of it was handed on (问班主任)
    handed_off_waiting: bool = False  # and that ask is neither answered nor dismissed
    dismissed: bool = False  # an ask of it is set aside (「🗑 忽略」) and not answered


def _person_questions(session: Session, *, since: datetime) -> list[_PersonQuestion]:
    """The questions asked from `since` on that a person dealt with or was asked to: handed
    on, answered by a manager or dismissed. Repeats answered together (`unanswered_repeats`)
    are one question, as are two asks handed on separately before an answer."""
    statement = (
        select(
            QuestionLog.user_id,
            QuestionLog.question,
            QuestionLog.created_at,
            QuestionLog.handed_off_at,
            QuestionLog.manager_answer,
            QuestionLog.manager_answered_at,
            QuestionLog.dismissed_at,
        )
        .where(
            QuestionLog.created_at >= since,
            or_(
                QuestionLog.handed_off_at != None,  # noqa: E711
                QuestionLog.manager_answer != None,  # noqa: E711
                QuestionLog.dismissed_at != None,  # noqa: E711
            ),
        )
        .order_by(QuestionLog.created_at, QuestionLog.id)
    )
    current: dict[tuple[int, str], _PersonQuestion] = {}
    questions: list[_PersonQuestion] = []
    for user_id, text, created_at, handed_at, answer, answered_at, dismissed_at in session.exec(
        statement
    ):
        key = (user_id, question_key(text))
        question = current.get(key)
        if question is None or (
            question.answered_at is not None and created_at > question.answered_at
        ):
            question = current[key] = _PersonQuestion()
            questions.append(question)
        if answer is not None:
            question.answered = True
            if answered_at is not None and (
                question.answered_at is None or answered_at < question.answered_at
            ):
                question.answered_at = answered_at
        else:
            handed_waiting = handed_at is not None and dismissed_at is None
            question.handed_off_waiting = question.handed_off_waiting or handed_waiting
            question.dismissed = question.dismissed or dismissed_at is not None
        question.handed_off = question.handed_off or handed_at is not None
    return questions
