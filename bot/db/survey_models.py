"""Survey tables: a sent survey, its questions (a snapshot of the template), one response per
trainee and one answer per response and question.

The unique constraints carry the "stored exactly once" promise: a double tap or a retried
callback can only ever update the one answer row of (response, question).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, String, UniqueConstraint
from sqlmodel import JSON, Field, SQLModel

from bot.db.models import aware_column, utcnow


class SurveyStatus:
    open = "open"
    closed = "closed"


class ResponseStatus:
    started = "started"
    submitted = "submitted"


class Survey(SQLModel, table=True):
    """A questionnaire sent to one class, open until `closes_at` (or closed early)."""

    __tablename__ = "surveys"
    __table_args__ = (
        # one confirmation (its 「✅ 确认发送」 carries `send_token`, made when it was shown)
        # sends one survey, however often it is tapped; a new /survey run is a new survey
        UniqueConstraint(
            "class_id", "template_key", "closes_at", "send_token", name="uq_survey_confirmation"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_classes.id", index=True)
    template_key: str = Field(max_length=32)
    title: str = Field(max_length=64)
    description: str = Field(default="", max_length=500)
    anonymous: bool = Field(default=False)
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    status: str = Field(default=SurveyStatus.open, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
    closes_at: datetime = Field(sa_column=aware_column(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    nudge_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    nudged_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    # the token of the confirmation that sent it ("" for a confirmation without one: shown
    # before tokens, where the deadline alone told a double tap)
    send_token: str = Field(
        default="", sa_column=Column(String(16), nullable=False, server_default="")
    )

    def is_open(self, now: datetime) -> bool:
        return self.status == SurveyStatus.open and now < self.closes_at


class SurveyQuestion(SQLModel, table=True):
    """One question of a survey; `options` are the choices (likert5 gets the fixed five)."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position", name="uq_question_position"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="surveys.id", index=True)
    position: int
    kind: str = Field(max_length=16)
    text: str = Field(max_length=300)
    required: bool = Field(default=True)
    options: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    max_choices: int | None = Field(default=None)


class SurveyResponse(SQLModel, table=True):
    """A trainee's answer sheet; `position` is where they are (== question count: review)."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "user_id", name="uq_response_user"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="surveys.id", index=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(default=ResponseStatus.started, max_length=16)
    position: int = Field(default=0)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    started_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))


class SurveyAnswer(SQLModel, table=True):
    """The answer to one question: `choice` (single, likert5), `choices` (multiple) or `text`."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_answer_question"),
        Index("ix_survey_answers_question", "question_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_responses.id", index=True)
    question_id: int = Field(foreign_key="survey_questions.id")
    choice: int | None = Field(default=None)
    choices: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    text: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))


class SurveyAddressee(SQLModel, table=True):
    """A member the survey was sent to: the class's members at the moment it was sent.

    The survey's figures count these people (its denominator never changes afterwards); only
    an addressee still in the class may answer, and only they are reminded. Someone who joins
    the class later is not one (the invitation was never meant for them).

    `membership_at_close` freezes where they stood when the survey closed (by the manager or
    its deadline), so that leaving or rejoining afterwards changes none of its figures: None
    while it is open (their current membership counts), `NOT_IN_CLASS` (0) if they had left
    the class by then, else the id of their membership then (their place in the join order).
    """

    __tablename__ = "survey_addressees"

    survey_id: int = Field(foreign_key="surveys.id", primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    membership_at_close: int | None = Field(default=None)


NOT_IN_CLASS = 0
"""`SurveyAddressee.membership_at_close` of someone who had left the class when it closed."""
