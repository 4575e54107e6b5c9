"""Tables of the question feature: every question asked and its result, feedback, handoffs to
class managers, and the curated answers managers saved.

Usage::

    from bot.db import question_crud
    log = question_crud.log_question(session, user_id=1, chat_id=1, question="…", answered=True)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from bot.db.models import aware_column, utcnow


class QuestionLog(SQLModel, table=True):
    """One question and what the bot answered: the top passage, its score and the time taken."""

    __tablename__ = "question_logs"
    __table_args__ = (Index("ix_question_logs_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    question: str = Field(max_length=1000)
    answered: bool = Field(default=False)
    reason: str | None = Field(default=None, max_length=32)
    curated_id: int | None = Field(default=None)
    top_doc_id: str | None = Field(default=None, max_length=128)
    top_title: str | None = Field(default=None, max_length=255)
    top_doc_number: str | None = Field(default=None, max_length=64)
    top_clause: str | None = Field(default=None, max_length=64)
    top_passage_id: int | None = Field(default=None)
    score: float | None = Field(default=None)
    hit_count: int = Field(default=0)
    elapsed_ms: float = Field(default=0.0)
    feedback: str | None = Field(default=None, max_length=8)  # "up" / "down"
    feedback_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    handed_off_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    manager_answer: str | None = Field(default=None, max_length=4000)
    answered_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    manager_answered_at: datetime | None = Field(
        default=None, sa_column=aware_column(nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=aware_column(nullable=False, index=True)
    )


class QuestionHandoff(SQLModel, table=True):
    """A question handed to one class manager (one row per manager it was sent to)."""

    __tablename__ = "question_handoffs"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question_logs.id", index=True)
    manager_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    class_id: int | None = Field(default=None)
    delivered: bool = Field(default=True)
    # The Telegram id of the message in the manager's private chat, so that it can be marked
    # answered (buttons removed) whoever answers; None when it was not delivered, or was sent
    # before the id was kept.
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))


class CuratedAnswer(SQLModel, table=True):
    """A question with a manager's answer, matched (fuzzy) before the notices are searched."""

    __tablename__ = "curated_answers"

    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(max_length=1000)
    answer: str = Field(max_length=4000)
    source_question_id: int | None = Field(default=None, foreign_key="question_logs.id")
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
