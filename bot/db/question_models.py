"""Tables of the question feature: every question asked and its result (and whether a manager
set it aside), feedback, handoffs to class managers, the curated answers managers saved, and
the saved answers a manager declined to send over another manager's answer.

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
    # Who wrote the answer `manager_answer` begins with, when others added to it since
    # (「李强老师补充：…」): ⭐ signs the saved answer with that name. None in rows from before
    # it was kept: `answered_by` then (question_crud.first_author).
    first_answered_by: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True)
    )
    manager_answered_at: datetime | None = Field(
        default=None, sa_column=aware_column(nullable=True)
    )
    # The `manager_answered_at` of a manager's answer that did not reach the trainee, who had
    # no answer before it: while it still equals `manager_answered_at`, the next answer
    # replaces that one instead of being held against it or added to it as a supplement.
    answer_undelivered_at: datetime | None = Field(
        default=None, sa_column=aware_column(nullable=True)
    )
    # A waiting question a manager set aside with 「🗑 忽略」 in /unanswered (junk such as
    # 「双色球开奖号码」): it leaves every manager's list; the trainee is sent nothing. The
    # repeats dismissed with it share the time, which 「↩️ 撤销忽略」 restores, as does the
    # trainee handing it on (问班主任) again.
    dismissed_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    # Who dismissed it. It stays set after an undo on an ask handed on (问班主任) before the
    # dismissal: that records that the trainee was told then that no reply would come
    # (question_crud.told_no_reply), so a second dismissal does not tell them again.
    dismissed_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
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


class DeclinedCuratedOffer(SQLModel, table=True):
    """A manager pressed 「不发了」 under a saved curated answer held back because another answer
    to the question came first (`answer_seen_at`: when that answer was given, which the prompt
    showed): that prompt's 「📨 仍要作为补充发给学员」 sends nothing, until the manager presses
    「📌 用标准答案回复」 again, which deletes these rows."""

    __tablename__ = "declined_curated_offers"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question_logs.id", index=True)
    manager_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    curated_id: int = Field(foreign_key="curated_answers.id")
    answer_seen_at: datetime = Field(sa_column=aware_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(nullable=False))
