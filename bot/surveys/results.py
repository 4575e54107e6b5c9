"""Survey results computed from the stored rows: response rate, per-question distribution and
mean, 满意率 per question and overall, free-text answers, and who is where.

`overall_satisfied_rate` pools every 满意度 answer of the survey, so it is written
「各题平均满意率」; a survey that asks 「您对本次培训的总体满意度如何？」 has its own
overall figure, that question's 满意率 (`overall_question`). `satisfaction_figures` gives both
with the labels that /results, the chart, the XLSX and the closing message all use.

Usage::

    with services.session() as session:
        results = compute_results(session, survey_id=7)
    results.response_rate, results.overall_satisfied_rate, results.questions[0].counts

`members` is the number of people the survey was sent to (its addressees, fixed at sending),
`left` how many of them have left the class since (for a closed survey: by the time it closed;
leaving, removal or rejoining after the close changes nothing); only submitted responses count
in the figures, a leaver's included. `submitted + in_progress + not_started + left_unsubmitted` is
`members`. The 回收率 is `submitted / counted`: `counted` leaves out those who left without
submitting (they can no longer answer, and a reminder does not reach them), so a member leaving
does not lower the rate; every figure that shows the rate (/results, the chart, the XLSX, the
closing message, the CLI) writes it as `submitted/counted`. For an anonymous survey `names` is
None and `rows` carry no user ids, names or times: nothing says who answered what.

An anonymous survey with fewer than `MIN_ANONYMOUS_RESPONSES` submitted sheets is `held`: its
per-question figures, free text, 满意率 and rows are left empty here, at the source, so that no
view (/results, 🔄 刷新, the chart, the exports, the closing message, the CLI) can show what one
or two people answered; they show the 回收率 and `held_note` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from bot.db import survey_crud as scrud
from bot.db.models import TrainingClass, User
from bot.db.survey_models import ResponseStatus, Survey, SurveyAnswer, SurveyResponse
from bot.surveys.templates import KIND_NAMES, LIKERT5, SATISFIED, shown_text

MIN_ANONYMOUS_RESPONSES = 3
"""An anonymous survey shows its answers from this many submitted sheets on: with one or two, a
distribution tells the manager what a person answered (and 🔄 刷新 after each submission, what
each one did)."""

# The survey's own overall question: 「总体满意度」「整体满意程度」「总体评价」.
OVERALL_QUESTION = re.compile(r"(?:总体|整体)(?:满意|评价)")


class FontMissing(RuntimeError):
    """No font with Chinese glyphs: charts would show tofu boxes (raised by the chart module;
    defined here so catching it does not import matplotlib)."""


@dataclass(slots=True)
class QuestionStats:
    position: int
    kind: str
    text: str
    required: bool
    options: tuple[str, ...]
    counts: list[int]
    answered: int = 0
    mean: float | None = None
    satisfied_rate: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(slots=True)
class ExportRow:
    number: int
    user_id: int | None
    name: str | None
    submitted_at: datetime | None
    answers: list[str]


@dataclass(slots=True)
class SurveyResults:
    survey: Survey
    class_name: str
    members: int
    not_started: int
    in_progress: int
    submitted: int
    questions: list[QuestionStats]
    overall_satisfied_rate: float | None
    names: dict[str, list[str]] | None
    rows: list[ExportRow]
    left: int = 0  # addressees no longer in the class (counted in `members`)
    left_submitted: int = 0  # of those, how many had submitted (counted in `submitted`)

    @property
    def left_unsubmitted(self) -> int:
        return self.left - self.left_submitted

    @property
    def counted(self) -> int:
        """The denominator of the 回收率: the addressees less those who left without
        submitting."""
        return self.members - self.left_unsubmitted

    @property
    def response_rate(self) -> float:
        return self.submitted / self.counted if self.counted else 0.0

    @property
    def held(self) -> bool:
        """An anonymous survey with too few sheets to show any answer without exposing one."""
        return self.survey.anonymous and self.submitted < MIN_ANONYMOUS_RESPONSES


def held_note(results: SurveyResults) -> str:
    """Why an anonymous survey's answers are not shown yet, and when they will be (never, when
    fewer people than that can answer it)."""
    rule = f"🔒 匿名问卷满 {MIN_ANONYMOUS_RESPONSES} 份后才显示结果，以免看出个人答案"
    if results.counted < MIN_ANONYMOUS_RESPONSES:
        return f"{rule}。这份问卷最多 {results.counted} 份，不会显示结果。"
    missing = MIN_ANONYMOUS_RESPONSES - results.submitted
    return f"{rule}（目前 {results.submitted} 份，还差 {missing} 份）。"


def rate_text(results: SurveyResults) -> str:
    """「66.7%（2/3）」: the 回收率 with what it counts, as every view writes it."""
    return f"{percent(results.response_rate)}（{results.submitted}/{results.counted}）"


def _answer_text(
    stats: QuestionStats, choice: int | None, choices: list | None, text: str | None
) -> str:
    if stats.kind == "text":
        return text or ""
    if stats.kind == "multiple":
        return "、".join(stats.options[i] for i in (choices or []) if 0 <= i < len(stats.options))
    if choice is not None and 0 <= choice < len(stats.options):
        return stats.options[choice]
    return ""


def compute_results(session: Session, *, survey_id: int, with_rows: bool = True) -> SurveyResults:
    """Every figure of one survey, from the database rows."""
    survey = scrud.get_survey(session, survey_id=survey_id)
    if survey is None:
        raise LookupError(f"no survey {survey_id}")
    training_class = session.get(TrainingClass, survey.class_id)
    questions = scrud.questions_of(session, survey_id=survey_id)
    stats = [
        QuestionStats(
            position=q.position,
            kind=q.kind,
            text=shown_text(q.text, q.kind),
            required=q.required,
            options=LIKERT5 if q.kind == "likert5" else tuple(q.options),
            counts=[0] * (5 if q.kind == "likert5" else len(q.options)),
        )
        for q in questions
    ]
    column_of = {q.id: index for index, q in enumerate(questions)}

    # the people the survey was sent to, whether or not they are still in the class: answers
    # given before leaving still count (the 回收率 leaves out only who left without one)
    progress = scrud.addressee_progress(session, survey=survey)
    members = len(progress)
    addressee_ids = {person.user_id for person in progress}
    names: dict[str, list[str]] | None = None
    if not survey.anonymous:
        names = {"submitted": [], "in_progress": [], "not_started": [], "left": []}
    counted = {"submitted": 0, "in_progress": 0, "not_started": 0}
    left = left_submitted = 0
    for person in progress:
        bucket = (
            "not_started"
            if person.status is None
            else "submitted"
            if person.status == ResponseStatus.submitted
            else "in_progress"
        )
        if not person.in_class:
            left += 1
            left_submitted += bucket == "submitted"
            if names is not None:
                names["left"].append(person.name)
            if bucket != "submitted":
                continue  # neither 填写中 nor 未开始: they cannot answer any more
        counted[bucket] += 1
        if names is not None:
            names[bucket].append(person.name)
    submitted_responses = list(
        session.execute(
            select(SurveyResponse.id, SurveyResponse.user_id, SurveyResponse.submitted_at)
            .where(
                SurveyResponse.survey_id == survey_id,
                SurveyResponse.status == ResponseStatus.submitted,
            )
            .order_by(SurveyResponse.id)
        )
    )
    # a submitted sheet of someone not recorded as an addressee still counts (none is made
    # any more: only addressees can start one)
    extra = sum(1 for _rid, uid, _at in submitted_responses if uid not in addressee_ids)
    counted["submitted"] += extra
    members += extra

    row_of: dict[int, list[str]] = {}
    if with_rows:
        row_of = {rid: [""] * len(questions) for rid, _uid, _at in submitted_responses}
    answers = session.execute(
        select(
            SurveyAnswer.response_id,
            SurveyAnswer.question_id,
            SurveyAnswer.choice,
            SurveyAnswer.choices,
            SurveyAnswer.text,
        )
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(
            SurveyResponse.survey_id == survey_id,
            SurveyResponse.status == ResponseStatus.submitted,
        )
        .order_by(SurveyAnswer.response_id)
    )
    for response_id, question_id, choice, choices, text in answers:
        index = column_of.get(question_id)
        if index is None:
            continue
        item = stats[index]
        if item.kind == "text":
            if text:
                item.answered += 1
                item.texts.append(text)
        elif item.kind == "multiple":
            picked = [i for i in (choices or []) if 0 <= i < len(item.counts)]
            if picked:
                item.answered += 1
                for i in picked:
                    item.counts[i] += 1
        elif choice is not None and 0 <= choice < len(item.counts):
            item.answered += 1
            item.counts[choice] += 1
        if with_rows:
            row_of[response_id][index] = _answer_text(item, choice, choices, text)

    satisfied_total = likert_total = 0
    for item in stats:
        if item.kind == "likert5" and item.answered:
            item.mean = sum((5 - i) * n for i, n in enumerate(item.counts)) / item.answered
            satisfied = sum(item.counts[i] for i in SATISFIED)
            item.satisfied_rate = satisfied / item.answered
            satisfied_total += satisfied
            likert_total += item.answered
    overall = satisfied_total / likert_total if likert_total else None

    rows: list[ExportRow] = []
    if with_rows:
        user_names: dict[int, str] = {}
        if not survey.anonymous:
            user_ids = [uid for _rid, uid, _at in submitted_responses]
            for start in range(0, len(user_ids), 500):
                chunk = user_ids[start : start + 500]
                for user in session.exec(select(User).where(User.id.in_(chunk))).scalars():  # type: ignore[attr-defined]
                    user_names[user.id] = user.display_name
        for number, (rid, uid, submitted_at) in enumerate(submitted_responses, start=1):
            if survey.anonymous:
                rows.append(ExportRow(number, None, None, None, row_of[rid]))
            else:
                name = user_names.get(uid, str(uid))
                rows.append(ExportRow(number, uid, name, submitted_at, row_of[rid]))
        if survey.anonymous:
            # order by content, not by who answered first: the order must not identify anyone
            rows.sort(key=lambda row: row.answers)
            for number, row in enumerate(rows, start=1):
                row.number = number
    if survey.anonymous:
        for item in stats:
            item.texts.sort()  # likewise the free text: not in the order the sheets came in

    results = SurveyResults(
        survey=survey,
        class_name=training_class.name if training_class else "",
        members=members,
        not_started=counted["not_started"],
        in_progress=counted["in_progress"],
        submitted=counted["submitted"],
        questions=stats,
        overall_satisfied_rate=overall,
        names=names,
        rows=rows,
        left=left,
        left_submitted=left_submitted,
    )
    if results.held:
        _withhold_answers(results)
    return results


def _withhold_answers(results: SurveyResults) -> None:
    """Empty every figure that comes from the answers (the questions themselves stay)."""
    for item in results.questions:
        item.counts = [0] * len(item.counts)
        item.answered = 0
        item.mean = item.satisfied_rate = None
        item.texts = []
    results.overall_satisfied_rate = None
    results.rows = []


def overall_question(results: SurveyResults) -> QuestionStats | None:
    """The first 满意度 question whose text asks for the overall satisfaction (总体满意, 总体评价):
    its 满意率 is the 学员满意率 a notice asks for."""
    return next(
        (q for q in results.questions if q.kind == "likert5" and OVERALL_QUESTION.search(q.text)),
        None,
    )


def satisfaction_figures(results: SurveyResults) -> list[tuple[str, float | None]]:
    """The headline 满意率 figures with their labels: 「总体满意率（第 6 题）」 when the survey
    has an overall question, then 「各题平均满意率」 (every 满意度 answer together) unless that
    question is the only 满意度 one."""
    question = overall_question(results)
    average = ("各题平均满意率", results.overall_satisfied_rate)
    if question is None:
        return [average]
    overall = (f"总体满意率（第 {question.position + 1} 题）", question.satisfied_rate)
    if sum(1 for q in results.questions if q.kind == "likert5") == 1:
        return [overall]
    return [overall, average]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
