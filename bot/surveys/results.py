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
in the figures, a leaver's included. `unreached` counts the members still in the class who
blocked the bot (a send to them failed with 403, `Membership.blocked`) and have not started:
the invitation was not sent to them (or could not reach them), nor can a reminder, so they are
neither 未开始 nor in the rate, and every view lists them apart as 「收不到问卷（屏蔽了机器人）」
(QA23 F5); one who unblocks the bot (any private message to it clears the mark) counts as 未开始
again, and 🔔 reaches them. `submitted + in_progress + not_started + left_unsubmitted + unreached`
is `members`. The 回收率 is `submitted / counted`: `counted` leaves out those who left without
submitting and the unreached (they can no longer answer, and a reminder does not reach them), so
a member leaving or blocking the bot does not lower the rate; every figure that shows the rate
(/results, the chart, the XLSX, the closing message, the CLI) writes it as `submitted/counted`.
For an anonymous survey `names` is None and `rows` carry no user ids, names or times: nothing
says who answered what. A closed survey's `unreached` follows the mark as it is now (the
survey tables keep no copy of it at the close).

An anonymous survey counts its sheets in batches, here at the source, so that no view
(/results, 🔄 刷新, the chart, the exports, the closing message, the CLI) can show what one or two
people answered, not even as the difference between two views (QA20 F4: after the 3rd sheet,
each 🔄 刷新 told the manager the newest sheet). `shown` is how many sheets the figures count:

- fewer than `MIN_ANONYMOUS_RESPONSES` (3) sheets: none (`held`);
- the survey complete (closed, past its deadline, or every addressee submitted: no sheet can
  come any more): all of them. Every addressee, the unreached included: one who unblocks the
  bot may still submit, and all-but-them shown at once would let the manager read that last
  sheet off; when everyone who can answer has submitted, `held_note` and `anonymity_note` say
  so and that 「⏹ 结束问卷」 shows them all now;
- otherwise the first 3·(⌊n/3⌋ − 1) sheets by submission time (none at 3–5, 3 at 6–8 …): the
  figures change 3 sheets at a time and always leave out at least the newest 3, so the jump to
  the complete figures adds 3 or more sheets too.

Its rows and free text are in a stable shuffle of their content (`shuffle_key`), never in the
order the sheets came in, and carry no time. A survey with nothing shown is `held`: views show
the 回收率 and `held_note` instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from bot.db import survey_crud as scrud
from bot.db.models import Membership, TrainingClass, User, utcnow
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
    shown: int = 0  # the submitted sheets the figures count (fewer for an anonymous survey)
    complete: bool = True  # no sheet can come any more (closed, or every addressee submitted)
    unreached: int = 0  # in the class, blocked the bot, not started: out of the 回收率
    blocked_started: int = 0  # in the class, blocked the bot, half-way: 填写中, not remindable

    @property
    def left_unsubmitted(self) -> int:
        return self.left - self.left_submitted

    @property
    def counted(self) -> int:
        """The denominator of the 回收率: the addressees less those who left without
        submitting and those the survey cannot reach (`unreached`)."""
        return self.members - self.left_unsubmitted - self.unreached

    @property
    def remindable(self) -> int:
        """Members still in the class who have not submitted and whom a reminder reaches (the
        people 🔔 reminds, `survey_crud.non_respondent_ids`)."""
        return self.not_started + self.in_progress - self.blocked_started

    @property
    def out_of_reach(self) -> int:
        """Members still in the class who have not submitted and blocked the bot."""
        return self.unreached + self.blocked_started

    @property
    def all_reachable_in(self) -> bool:
        """Everyone who can answer has submitted, while someone who blocked the bot has not."""
        return self.unreached > 0 and self.submitted >= self.counted

    @property
    def response_rate(self) -> float:
        return self.submitted / self.counted if self.counted else 0.0

    @property
    def held(self) -> bool:
        """An anonymous survey whose figures count no sheet yet (see `shown_sheets`)."""
        return self.survey.anonymous and self.shown == 0

    @property
    def partial(self) -> bool:
        """An anonymous survey whose figures leave out the newest sheets for now."""
        return self.survey.anonymous and 0 < self.shown < self.submitted


def shown_sheets(submitted: int, *, anonymous: bool, complete: bool) -> int:
    """How many of the submitted sheets the figures count: all of a named survey's; of an
    anonymous one, none below 3, all once complete, else 3·(⌊n/3⌋ − 1), so that any two views
    differ by 3 sheets or more."""
    if not anonymous:
        return submitted
    if submitted < MIN_ANONYMOUS_RESPONSES:
        return 0
    if complete:
        return submitted
    batch = MIN_ANONYMOUS_RESPONSES
    return max(0, (submitted // batch - 1) * batch)


BATCH_RULE = (
    f"问卷进行中时，结果每满 {MIN_ANONYMOUS_RESPONSES} 份更新一次，"
    f"最新的 {MIN_ANONYMOUS_RESPONSES} 份以上要等问卷结束（或全员提交）后才计入，"
    "以免从前后变化看出谁答了什么"
)


def held_note(results: SurveyResults) -> str:
    """Why an anonymous survey's answers are not shown yet, and when they will be (never, when
    fewer people than that can answer it)."""
    least = MIN_ANONYMOUS_RESPONSES
    rule = f"🔒 匿名问卷满 {least} 份后才显示结果，以免看出个人答案"
    n = results.submitted
    blocked = (
        f"（另有 {results.unreached} 人屏蔽了机器人，收不到问卷）" if results.unreached else ""
    )
    if results.counted < least:
        if results.unreached and not results.complete:  # they can still be brought in
            return (
                f"{rule}。能收到这份问卷的只有 {results.counted} 人{blocked}，"
                f"不满 {least} 份就不会显示结果。要看结果，请联系屏蔽了机器人的学员解除屏蔽，"
                "并给机器人发一条消息，再点「🔔 提醒未提交的学员」把问卷发给他们；"
                "或者换一个实名的问卷模板，重新发送 /survey。"
            )
        return f"{rule}。这份问卷最多 {results.counted} 份{blocked}，不会显示结果。"
    if results.complete:  # closed with fewer than 3
        return f"{rule}。这份问卷只收到 {n} 份{blocked}，不显示结果。"
    if results.all_reachable_in:  # 3 to 5 sheets, from everyone the survey reaches
        return (
            f"{rule}；{BATCH_RULE}。能收到问卷的 {results.counted} 人都已提交{blocked}："
            f"点「⏹ 结束问卷」即显示全部 {n} 份（结束后学员不能再提交）。"
        )
    early = ""
    if results.counted >= 2 * least:  # 6 sheets can come while it is open
        early = f"进行中满 {2 * least} 份时先显示前 {least} 份，"
    if n < least:
        return (
            f"{rule}；{BATCH_RULE}。目前已提交 {n} 份：{early}"
            f"问卷结束或全员提交时满 {least} 份即显示全部。"
        )
    return (
        f"{rule}；{BATCH_RULE}。目前已提交 {n} 份：{early}问卷结束或全员提交后显示全部；"
        "要现在看结果，可以点「⏹ 结束问卷」（结束后学员不能再提交）。"
    )


def anonymity_note(results: SurveyResults) -> str:
    """Under the figures of an anonymous survey that shows some: which sheets they count, and
    that the free text and the export rows are in no order of submission. Empty otherwise."""
    if not results.survey.anonymous or results.held:
        return ""
    order = "文字回答和导出明细的顺序已打乱，与提交先后无关"
    if results.partial:
        newest = results.submitted - results.shown
        when = (
            f"能收到问卷的 {results.counted} 人都已提交（另有 {results.unreached} 人屏蔽了"
            f"机器人，收不到问卷），点「⏹ 结束问卷」即计入最新的 {newest} 份"
            "（结束后学员不能再提交）"
            if results.all_reachable_in
            else f"最新的 {newest} 份在问卷结束或全员提交后计入"
        )
        return (
            f"🔒 匿名问卷：每满 {MIN_ANONYMOUS_RESPONSES} 份更新一次，"
            f"目前显示前 {results.shown} 份（已提交 {results.submitted} 份）；"
            f"{when}，以免从前后变化看出谁答了什么。{order}。"
        )
    return f"🔒 匿名问卷：显示全部 {results.shown} 份；{order}。"


def unreached_line(results: SurveyResults) -> str:
    """「收不到问卷（屏蔽了机器人）1 人，不计入回收率」; empty when there is nobody such."""
    if not results.unreached:
        return ""
    return f"收不到问卷（屏蔽了机器人）{results.unreached} 人，不计入回收率"


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


def shuffle_key(survey_id: int | None, answers: list[str]) -> tuple[str, list[str]]:
    """Where a sheet (or a free-text answer) of an anonymous survey goes: a stable shuffle by
    its content and the survey, so the order follows neither submission nor an alphabet that a
    5-level scale happens to sort in (「一般」「不满意」「满意」「非常满意」)."""
    digest = hashlib.sha256(repr((survey_id, answers)).encode()).hexdigest()
    return digest, answers


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
        names = {
            "submitted": [],
            "in_progress": [],
            "not_started": [],
            "left": [],
            "unreached": [],
        }
    counted = {"submitted": 0, "in_progress": 0, "not_started": 0}
    left = left_submitted = unreached = blocked_started = 0
    blocked_ids = blocked_members(session, class_id=survey.class_id)
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
        elif person.user_id in blocked_ids and bucket != "submitted":
            if bucket == "not_started":  # neither invitation nor reminder reaches them
                unreached += 1
                if names is not None:
                    names["unreached"].append(person.name)
                continue
            blocked_started += 1
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
    complete = not survey.is_open(utcnow()) or len(submitted_responses) >= members
    shown = shown_sheets(len(submitted_responses), anonymous=survey.anonymous, complete=complete)
    if shown < len(submitted_responses):
        # the first sheets by submission time: a later sheet never enters a batch before them
        first = sorted(
            submitted_responses, key=lambda r: (r[2] or datetime.max.replace(tzinfo=UTC), r[0])
        )[:shown]
        kept = {rid for rid, _uid, _at in first}
        submitted_responses = [r for r in submitted_responses if r[0] in kept]
    shown_ids = {rid for rid, _uid, _at in submitted_responses}

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
        if index is None or response_id not in shown_ids:
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
            # not in the order the sheets came in (nor its reverse): the order must not
            # identify anyone
            rows.sort(key=lambda row: shuffle_key(survey.id, row.answers))
            for number, row in enumerate(rows, start=1):
                row.number = number
    if survey.anonymous:
        for item in stats:
            item.texts.sort(key=lambda text: shuffle_key(survey.id, [text]))  # likewise

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
        shown=shown,
        complete=complete,
        unreached=unreached,
        blocked_started=blocked_started,
    )
    if results.held:
        _withhold_answers(results)
    return results


def blocked_members(session: Session, *, class_id: int) -> set[int]:
    """The members of the class marked as having blocked the bot (a send to them failed with
    403: the broadcaster's `crud.mark_blocked`), whom no invitation or reminder is sent to."""
    statement = select(Membership.user_id).where(
        Membership.class_id == class_id,
        Membership.blocked == True,  # noqa: E712
    )
    return set(session.execute(statement).scalars())


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
