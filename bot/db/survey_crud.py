"""Keyword-only CRUD for the survey tables; each function takes the session it works in.

Moves that a double tap could repeat are conditional updates (`advance`, `submit`,
`claim_reminder`, `claim_nudge`), so only the first of two identical callbacks changes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, exists, func, insert, literal, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.db import reminder_crud as rcrud
from bot.db.models import Membership, TrainingClass, User, utcnow
from bot.db.reminder_models import Broadcast, BroadcastStatus
from bot.db.survey_models import (
    NOT_IN_CLASS,
    ResponseStatus,
    Survey,
    SurveyAddressee,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)


def create_survey(
    session: Session,
    *,
    class_id: int,
    template_key: str,
    title: str,
    description: str,
    anonymous: bool,
    created_by: int,
    closes_at: datetime,
    nudge_at: datetime | None,
    questions: Iterable[dict],
    send_token: str = "",
    invitations: Callable[[Survey], Broadcast] | None = None,
) -> tuple[Survey, bool]:
    """Create the survey and its questions; (existing, False) if this confirmation (its
    `send_token`) already sent it.

    Its addressees, the class's members at this moment, are written in the same commit, and
    so is the broadcast `invitations` makes of the new survey, held as a draft until
    `start_invitations` (or `start_held_invitations` after a crash) sends it: a survey never
    exists without its invitations queued."""
    survey = Survey(
        class_id=class_id,
        template_key=template_key,
        title=title,
        description=description,
        anonymous=anonymous,
        created_by=created_by,
        closes_at=closes_at,
        nudge_at=nudge_at,
        send_token=send_token,
    )
    session.add(survey)
    try:
        session.flush()
        for position, question in enumerate(questions):
            session.add(SurveyQuestion(survey_id=survey.id, position=position, **question))
        members = select(literal(survey.id), Membership.user_id).where(
            Membership.class_id == class_id
        )
        session.execute(insert(SurveyAddressee).from_select(["survey_id", "user_id"], members))
        if invitations is not None:
            held = invitations(survey)
            held.status = BroadcastStatus.draft
            session.add(held)
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = find_survey(
            session,
            class_id=class_id,
            template_key=template_key,
            closes_at=closes_at,
            token=send_token,
        )
        if existing is None:
            raise
        return existing, False
    session.refresh(survey)
    return survey, True


def find_survey(
    session: Session, *, class_id: int, template_key: str, closes_at: datetime, token: str = ""
) -> Survey | None:
    """The survey the confirmation with `token` sent to this class from this template with
    this closing time, if any ("": a confirmation shown before tokens, or a survey sent
    before them)."""
    statement = select(Survey).where(
        Survey.class_id == class_id,
        Survey.template_key == template_key,
        Survey.closes_at == closes_at,
        Survey.send_token == token,
    )
    return session.exec(statement).first()


def start_invitations(
    session: Session, *, occurrence_key: str, recipient_ids: list[int], report: bool = True
) -> int | None:
    """Send the invitations held as a draft (keyed `occurrence_key`) to `recipient_ids`: one
    conditional update and the pending deliveries, in one commit. Without `report`, the
    broadcaster reports nothing. The broadcast's id, or None if it was not held (any more)."""
    statement = select(Broadcast.id, Broadcast.class_id).where(
        Broadcast.occurrence_key == occurrence_key, Broadcast.status == BroadcastStatus.draft
    )
    row = session.exec(statement).first()
    if row is None:
        return None
    broadcast_id, class_id = row
    values: dict = {"status": BroadcastStatus.sending, "created_at": utcnow()}
    if not report:
        values.update(report_chat_id=None, progress_message_id=None)
    result = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.draft)
        .values(**values)
    )
    if result.rowcount != 1:  # started meanwhile (the repair at start-up, or the handler)
        session.rollback()
        return None
    rcrud.add_deliveries(
        session, broadcast_id=broadcast_id, class_id=class_id, recipient_ids=recipient_ids
    )
    session.commit()
    return broadcast_id


def start_held_invitations(session: Session, *, prefix: str) -> int:
    """Send the invitations still held (keys `prefix` + survey id): those of a survey whose
    sender stopped (a crash) between creating it and sending them. The report then replaces
    the manager's confirmation as usual. A survey closed since is not sent: its draft is
    cancelled. How many were sent."""
    statement = select(Broadcast.occurrence_key).where(
        Broadcast.status == BroadcastStatus.draft, Broadcast.occurrence_key.like(f"{prefix}%")
    )
    started = 0
    for key in list(session.exec(statement)):
        survey = get_survey(session, survey_id=int(key.removeprefix(prefix)))
        if survey is None or not survey.is_open(utcnow()):
            session.execute(
                update(Broadcast)
                .where(Broadcast.occurrence_key == key, Broadcast.status == BroadcastStatus.draft)
                .values(status=BroadcastStatus.cancelled)
            )
            session.commit()
            continue
        recipients = invitation_ids(session, survey_id=survey.id)  # type: ignore[arg-type]
        if start_invitations(session, occurrence_key=key, recipient_ids=recipients) is not None:
            started += 1
    return started


def get_survey(session: Session, *, survey_id: int) -> Survey | None:
    return session.get(Survey, survey_id)


def questions_of(session: Session, *, survey_id: int) -> list[SurveyQuestion]:
    statement = (
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.position)
    )
    return list(session.exec(statement))


def _visible_statement(statement, *, manager_id: int, is_admin: bool):  # noqa: ANN001, ANN202
    statement = statement.join(TrainingClass, TrainingClass.id == Survey.class_id)
    if not is_admin:
        statement = statement.where(TrainingClass.manager_id == manager_id)
    return statement


def surveys_visible_to(
    session: Session, *, manager_id: int, is_admin: bool, limit: int = 10, offset: int = 0
) -> list[tuple[Survey, TrainingClass]]:
    """The surveys of the classes a manager runs (every class for an admin), newest first:
    `limit` of them after skipping the `offset` newest (a page of the /results list)."""
    statement = _visible_statement(
        select(Survey, TrainingClass), manager_id=manager_id, is_admin=is_admin
    )
    statement = statement.order_by(Survey.id.desc()).offset(offset).limit(limit)  # type: ignore[union-attr]
    return [(survey, cls) for survey, cls in session.exec(statement)]


def count_surveys_visible_to(session: Session, *, manager_id: int, is_admin: bool) -> int:
    """How many surveys `surveys_visible_to` can page through."""
    statement = _visible_statement(
        select(func.count()).select_from(Survey), manager_id=manager_id, is_admin=is_admin
    )
    return int(session.exec(statement).one())


def submitted_counts(session: Session, *, survey_ids: list[int]) -> dict[int, int]:
    """Submitted responses per survey (0 for a survey without any), in one query."""
    if not survey_ids:
        return {}
    statement = (
        select(SurveyResponse.survey_id, func.count())
        .where(
            SurveyResponse.survey_id.in_(survey_ids),  # type: ignore[attr-defined]
            SurveyResponse.status == ResponseStatus.submitted,
        )
        .group_by(SurveyResponse.survey_id)
    )
    counts = dict.fromkeys(survey_ids, 0)
    counts.update({survey_id: int(n) for survey_id, n in session.exec(statement)})
    return counts


def all_surveys(session: Session, *, limit: int = 50) -> list[tuple[Survey, TrainingClass]]:
    statement = (
        select(Survey, TrainingClass)
        .join(TrainingClass, TrainingClass.id == Survey.class_id)
        .order_by(Survey.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return [(survey, cls) for survey, cls in session.exec(statement)]


def open_surveys_of_member(
    session: Session, *, user_id: int, now: datetime
) -> list[tuple[Survey, SurveyResponse | None, TrainingClass]]:
    """Open surveys sent to the user in the classes they are still in, closing soonest first,
    with their response so far (None: not started) and their class."""
    statement = (
        select(Survey, SurveyResponse, TrainingClass)
        .join(Membership, Membership.class_id == Survey.class_id)
        .join(
            SurveyAddressee,
            (SurveyAddressee.survey_id == Survey.id) & (SurveyAddressee.user_id == user_id),
        )
        .join(TrainingClass, TrainingClass.id == Survey.class_id)
        .outerjoin(
            SurveyResponse,
            (SurveyResponse.survey_id == Survey.id) & (SurveyResponse.user_id == user_id),
        )
        .where(
            Membership.user_id == user_id,
            Survey.status == SurveyStatus.open,
            Survey.closes_at > now,
        )
        .order_by(Survey.closes_at, Survey.id)
    )
    return [(survey, response, cls) for survey, response, cls in session.exec(statement)]


def is_member(session: Session, *, class_id: int, user_id: int) -> bool:
    statement = select(Membership.id).where(
        Membership.class_id == class_id, Membership.user_id == user_id
    )
    return session.exec(statement).first() is not None


def is_addressee(session: Session, *, survey_id: int, user_id: int) -> bool:
    """Whether the survey was sent to the user (they were in the class when it was sent)."""
    statement = select(SurveyAddressee.user_id).where(
        SurveyAddressee.survey_id == survey_id, SurveyAddressee.user_id == user_id
    )
    return session.exec(statement).first() is not None


def invitation_ids(session: Session, *, survey_id: int) -> list[int]:
    """The addressees the invitation goes to: those still in the class who have not blocked
    the bot (the broadcaster's rule), in the order they joined."""
    statement = (
        select(SurveyAddressee.user_id)
        .join(Survey, Survey.id == SurveyAddressee.survey_id)
        .join(
            Membership,
            (Membership.class_id == Survey.class_id)
            & (Membership.user_id == SurveyAddressee.user_id),
        )
        .where(SurveyAddressee.survey_id == survey_id, Membership.blocked == False)  # noqa: E712
        .order_by(Membership.id)
    )
    return list(session.exec(statement))


def get_or_create_response(
    session: Session, *, survey_id: int, user_id: int
) -> tuple[SurveyResponse, bool]:
    """The user's response to the survey, created on their first start (one per user)."""
    statement = select(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.user_id == user_id
    )
    response = session.exec(statement).first()
    if response is not None:
        return response, False
    response = SurveyResponse(survey_id=survey_id, user_id=user_id)
    session.add(response)
    try:
        session.commit()
    except IntegrityError:  # a second tap of 「开始填写」 created it concurrently
        session.rollback()
        response = session.exec(statement).first()
        assert response is not None
        return response, False
    session.refresh(response)
    return response, True


def response_with_survey(
    session: Session, *, response_id: int
) -> tuple[SurveyResponse, Survey] | None:
    statement = (
        select(SurveyResponse, Survey)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.id == response_id)
    )
    row = session.exec(statement).first()
    return (row[0], row[1]) if row else None


def answers_of(session: Session, *, response_id: int) -> dict[int, SurveyAnswer]:
    """The response's answers by question id."""
    statement = select(SurveyAnswer).where(SurveyAnswer.response_id == response_id)
    return {answer.question_id: answer for answer in session.exec(statement)}


def get_answer(session: Session, *, response_id: int, question_id: int) -> SurveyAnswer | None:
    statement = select(SurveyAnswer).where(
        SurveyAnswer.response_id == response_id, SurveyAnswer.question_id == question_id
    )
    return session.exec(statement).first()


def store_answer(
    session: Session,
    *,
    response_id: int,
    question_id: int,
    choice: int | None = None,
    choices: list[int] | None = None,
    text: str | None = None,
    commit: bool = True,
) -> SurveyAnswer:
    """Insert or replace the one answer of (response, question)."""
    for _attempt in range(3):
        answer = get_answer(session, response_id=response_id, question_id=question_id)
        if answer is None:
            answer = SurveyAnswer(response_id=response_id, question_id=question_id)
        answer.choice, answer.choices, answer.text = choice, choices, text
        answer.updated_at = utcnow()
        session.add(answer)
        try:
            if commit:
                session.commit()
            else:
                session.flush()
            return answer
        except IntegrityError:  # the same answer inserted concurrently: update that row
            session.rollback()
    raise RuntimeError("could not store the answer")


def delete_answer(session: Session, *, response_id: int, question_id: int) -> None:
    session.execute(
        delete(SurveyAnswer).where(
            SurveyAnswer.response_id == response_id, SurveyAnswer.question_id == question_id
        )
    )


def move(session: Session, *, response_id: int, from_position: int, to_position: int) -> bool:
    """Move a started response from one position to another; False if it was not there."""
    result = session.execute(
        update(SurveyResponse)
        .where(
            SurveyResponse.id == response_id,
            SurveyResponse.position == from_position,
            SurveyResponse.status == ResponseStatus.started,
        )
        .values(position=to_position, updated_at=utcnow())
    )
    return result.rowcount == 1


def set_message_id(session: Session, *, response_id: int, message_id: int | None) -> None:
    session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id == response_id)
        .values(message_id=message_id)
    )


def submit(session: Session, *, response_id: int) -> bool:
    """Mark the response submitted; False if it already was (a second 「提交」 tap)."""
    now = utcnow()
    result = session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id == response_id, SurveyResponse.status == ResponseStatus.started)
        .values(status=ResponseStatus.submitted, submitted_at=now, updated_at=now)
    )
    session.commit()
    return result.rowcount == 1


def close_survey(session: Session, *, survey_id: int) -> bool:
    """Close a survey (early, or at its deadline); False if it was already closed.

    Who was still in the class is frozen in the same commit (`freeze_addressees`): a member
    leaving, being removed or rejoining afterwards changes nothing in its figures."""
    result = session.execute(
        update(Survey)
        .where(Survey.id == survey_id, Survey.status == SurveyStatus.open)
        .values(status=SurveyStatus.closed, closed_at=utcnow())
    )
    closed = result.rowcount == 1
    if closed:
        freeze_addressees(session, survey_id=survey_id)
    session.commit()
    return closed


def freeze_addressees(session: Session, *, survey_id: int) -> None:
    """Record each addressee's membership of the survey's class as it is now (its id, or
    `NOT_IN_CLASS`) where none is recorded yet; the caller commits."""
    class_id = session.exec(select(Survey.class_id).where(Survey.id == survey_id)).first()
    if class_id is None:
        return
    membership_now = (
        select(Membership.id)
        .where(Membership.class_id == class_id, Membership.user_id == SurveyAddressee.user_id)
        .correlate(SurveyAddressee)
        .scalar_subquery()
    )
    session.execute(
        update(SurveyAddressee)
        .where(
            SurveyAddressee.survey_id == survey_id,
            SurveyAddressee.membership_at_close.is_(None),  # type: ignore[union-attr]
        )
        .values(membership_at_close=func.coalesce(membership_now, NOT_IN_CLASS))
    )


def claim_reminder(session: Session, *, survey_id: int, min_gap: timedelta) -> bool:
    """Record a manual reminder unless one was sent within `min_gap` (double taps)."""
    now = utcnow()
    result = session.execute(
        update(Survey)
        .where(
            Survey.id == survey_id,
            (Survey.reminded_at.is_(None)) | (Survey.reminded_at < now - min_gap),  # type: ignore[union-attr]
        )
        .values(reminded_at=now)
    )
    session.commit()
    return result.rowcount == 1


def due_nudges(session: Session, *, now: datetime) -> list[int]:
    """Open surveys whose automatic nudge is due and not yet sent."""
    statement = select(Survey.id).where(
        Survey.status == SurveyStatus.open,
        Survey.nudge_at.is_not(None),  # type: ignore[union-attr]
        Survey.nudge_at <= now,
        Survey.nudged_at.is_(None),  # type: ignore[union-attr]
        Survey.closes_at > now,
    )
    return list(session.exec(statement))


def claim_nudge(session: Session, *, survey_id: int) -> bool:
    """Mark the automatic nudge as sent; False if another run already took it."""
    result = session.execute(
        update(Survey)
        .where(Survey.id == survey_id, Survey.nudged_at.is_(None))  # type: ignore[union-attr]
        .values(nudged_at=utcnow())
    )
    session.commit()
    return result.rowcount == 1


@dataclass(slots=True)
class Addressee:
    """One person a survey was sent to, and where they are now."""

    user_id: int
    name: str
    status: str | None  # their response's status; None: not started
    in_class: bool  # False: they left the class (or were removed) since; for a closed
    # survey, before it closed (leaving afterwards changes nothing)


def addressee_progress(session: Session, *, survey: Survey) -> list[Addressee]:
    """Everyone the survey was sent to, in the order they joined (those who left last); for a
    closed survey, where they stood when it closed (`SurveyAddressee.membership_at_close`)."""
    statement = (
        select(
            SurveyAddressee.user_id,
            User,
            SurveyResponse.status,
            Membership.id,
            SurveyAddressee.membership_at_close,
        )
        .outerjoin(User, User.id == SurveyAddressee.user_id)
        .outerjoin(
            Membership,
            (Membership.class_id == survey.class_id)
            & (Membership.user_id == SurveyAddressee.user_id),
        )
        .outerjoin(
            SurveyResponse,
            (SurveyResponse.survey_id == survey.id)
            & (SurveyResponse.user_id == SurveyAddressee.user_id),
        )
        .where(SurveyAddressee.survey_id == survey.id)
    )
    rows = []
    for user_id, user, status, membership_id, at_close in session.exec(statement):
        name = user.display_name if user is not None else str(user_id)
        if at_close is not None:  # frozen when the survey closed
            membership_id = at_close or None
        rows.append((membership_id is None, membership_id or 0, user_id, name, status))
    rows.sort()
    return [
        Addressee(user_id, name, status, not left) for left, _order, user_id, name, status in rows
    ]


def non_respondent_ids(session: Session, *, survey: Survey) -> list[int]:
    """Addressees still in the class (and not blocked) who have not submitted: not started or
    half-way. Nobody who joined after the survey was sent, nobody who left."""
    statement = (
        select(SurveyAddressee.user_id)
        .join(
            Membership,
            (Membership.class_id == survey.class_id)
            & (Membership.user_id == SurveyAddressee.user_id),
        )
        .outerjoin(
            SurveyResponse,
            (SurveyResponse.survey_id == survey.id)
            & (SurveyResponse.user_id == SurveyAddressee.user_id),
        )
        .where(
            SurveyAddressee.survey_id == survey.id,
            Membership.blocked == False,  # noqa: E712
            (SurveyResponse.id.is_(None))  # type: ignore[union-attr]
            | (SurveyResponse.status != ResponseStatus.submitted),
        )
        .order_by(Membership.id)
    )
    return list(session.exec(statement))


def count_responses(session: Session, *, survey_id: int) -> dict[str, int]:
    statement = (
        select(SurveyResponse.status, func.count())
        .where(SurveyResponse.survey_id == survey_id)
        .group_by(SurveyResponse.status)
    )
    return {status: int(count) for status, count in session.exec(statement)}


# ------------------------------------------------------------------------------------------
# The answering fast path: prebuilt Core statements (built once, executed with parameters),
# one upsert per answer. A trainee's tap runs: sheet + answers (2 reads), upsert + move.


@dataclass(slots=True)
class Sheet:
    """A response and the mutable state of its survey, as one tap needs them."""

    id: int
    survey_id: int
    user_id: int
    status: str
    position: int
    message_id: int | None
    survey_status: str
    closes_at: datetime
    in_class: bool  # the responder is still a member of the survey's class

    def survey_open(self, now: datetime) -> bool:
        return self.survey_status == SurveyStatus.open and now < self.closes_at


@dataclass(slots=True)
class StoredAnswer:
    choice: int | None
    choices: list[int] | None
    text: str | None


_R = SurveyResponse.__table__  # type: ignore[attr-defined]
_S = Survey.__table__  # type: ignore[attr-defined]
_A = SurveyAnswer.__table__  # type: ignore[attr-defined]
_M = Membership.__table__  # type: ignore[attr-defined]
_SHEET_COLUMNS = (
    _R.c.id,
    _R.c.survey_id,
    _R.c.user_id,
    _R.c.status,
    _R.c.position,
    _R.c.message_id,
    _S.c.status,
    _S.c.closes_at,
    exists().where(_M.c.class_id == _S.c.class_id, _M.c.user_id == _R.c.user_id).label("in_class"),
)
_SHEET = (
    select(*_SHEET_COLUMNS)
    .select_from(_R.join(_S, _S.c.id == _R.c.survey_id))
    .where(_R.c.id == bindparam("rid"))
)
_ANSWERS = select(_A.c.question_id, _A.c.choice, _A.c.choices, _A.c.text).where(
    _A.c.response_id == bindparam("rid")
)
_MOVE = (
    update(_R)
    .where(
        _R.c.id == bindparam("rid"),
        _R.c.position == bindparam("from_position"),
        _R.c.status == ResponseStatus.started,
    )
    .values(position=bindparam("to_position"), updated_at=bindparam("now"))
)
_DELETE_ANSWER = delete(_A).where(
    _A.c.response_id == bindparam("rid"), _A.c.question_id == bindparam("qid")
)
_UPSERTS: dict[str, object] = {}


def _upsert_statement(dialect: str) -> object:
    statement = _UPSERTS.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        base = dialect_insert(_A)
        statement = base.on_conflict_do_update(
            index_elements=[_A.c.response_id, _A.c.question_id],
            set_={
                "choice": base.excluded.choice,
                "choices": base.excluded.choices,
                "text": base.excluded.text,
                "updated_at": base.excluded.updated_at,
            },
        )
        _UPSERTS[dialect] = statement
    return statement


def load_sheet(session: Session, *, response_id: int) -> Sheet | None:
    row = session.connection().execute(_SHEET, {"rid": response_id}).first()
    if row is None:
        return None
    sheet = Sheet(*row)
    sheet.in_class = bool(sheet.in_class)
    return sheet


def load_answers(session: Session, *, response_id: int) -> dict[int, StoredAnswer]:
    rows = session.connection().execute(_ANSWERS, {"rid": response_id})
    return {qid: StoredAnswer(choice, choices, text) for qid, choice, choices, text in rows}


def upsert_answer(
    session: Session,
    *,
    response_id: int,
    question_id: int,
    choice: int | None = None,
    choices: list[int] | None = None,
    text: str | None = None,
) -> StoredAnswer:
    """Insert or replace the one answer of (response, question) in one statement."""
    connection = session.connection()
    connection.execute(
        _upsert_statement(connection.dialect.name),  # type: ignore[arg-type]
        {
            "response_id": response_id,
            "question_id": question_id,
            "choice": choice,
            "choices": choices,
            "text": text,
            "updated_at": utcnow(),
        },
    )
    return StoredAnswer(choice, choices, text)


def remove_answer(session: Session, *, response_id: int, question_id: int) -> None:
    session.connection().execute(_DELETE_ANSWER, {"rid": response_id, "qid": question_id})


def move_sheet(
    session: Session, *, response_id: int, from_position: int, to_position: int
) -> bool:
    """Move a started response between positions; False if it was not at `from_position`."""
    result = session.connection().execute(
        _MOVE,
        {
            "rid": response_id,
            "from_position": from_position,
            "to_position": to_position,
            "now": utcnow(),
        },
    )
    return result.rowcount == 1


def sheet_position(session: Session, *, response_id: int) -> int:
    return int(
        session.connection()
        .execute(select(_R.c.position).where(_R.c.id == response_id))
        .scalar_one()
    )


def find_response(session: Session, *, survey_id: int, user_id: int) -> SurveyResponse | None:
    statement = select(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.user_id == user_id
    )
    return session.exec(statement).first()


def due_closings(session: Session, *, now: datetime) -> list[int]:
    """Open surveys whose closing time has passed (to close and report to their manager)."""
    statement = select(Survey.id).where(
        Survey.status == SurveyStatus.open, Survey.closes_at <= now
    )
    return list(session.exec(statement))


_SHEET_AND_ANSWERS = (
    select(
        *_SHEET_COLUMNS,
        _A.c.question_id,
        _A.c.choice,
        _A.c.choices,
        _A.c.text,
    )
    .select_from(_R.join(_S, _S.c.id == _R.c.survey_id).outerjoin(_A, _A.c.response_id == _R.c.id))
    .where(_R.c.id == bindparam("rid"))
)


def load_sheet_and_answers(
    session: Session, *, response_id: int
) -> tuple[Sheet | None, dict[int, StoredAnswer]]:
    """The sheet and its answers in one round trip (the tap's only read)."""
    rows = session.connection().execute(_SHEET_AND_ANSWERS, {"rid": response_id}).all()
    if not rows:
        return None, {}
    width = len(_SHEET_COLUMNS)
    sheet = Sheet(*rows[0][:width])
    sheet.in_class = bool(sheet.in_class)
    answers = {
        row[width]: StoredAnswer(*row[width + 1 : width + 4])
        for row in rows
        if row[width] is not None
    }
    return sheet, answers
