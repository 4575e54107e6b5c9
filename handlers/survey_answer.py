"""Answering a survey: one message edited question by question, state kept in the database.

Callback data (prefix `sv`, version 1, every field re-checked on the server)::

    sv:1:s:<survey>                     start / resume (the invitation's button)
    sv:1:<act>:<survey>:<response>:<position>[:<choice>][:1]
        a  answer a likert5/single question with option <choice> and go on
        t  toggle option <choice> of a multiple-choice question
        c  clear the answer of an optional free-text question (「🗑 清空回答」), stay there
        n  next (「选好了」 of a multiple question, 「跳过」 / 「下一题」 of an answered one)
        b  back (「上一题」)
        e  from the review, jump to question <choice>, opened for a change (`REVISING`)
        r  back to the review from a question opened from it (「↩️ 回到核对页」)
        u  submit (at the review, position == question count)
        k  record the text kept by an offer as the answer to free-text question <choice>
           (then :<mark>, the kept text's checksum: an older offer's button records nothing)
        x  drop that text (「✖ 不记录」; then :<question>:<mark> of the offered text, if any)

The buttons a, t and c of a question opened from the review end in `:1`: answered there, the
sheet goes straight back to the review, not on through the questions after it (QA21 F6). A
free-text answer learns it from the pending input (`REVISING`), kept in the database like
the rest of it, so a restart between the ✏️ tap and the answer changes nothing.

A repeat of 「✅ 记作…」 or 「✖ 不记录」 whose text is already the answer (a double tap) only gets
the toast 「已经记下了」: it changes nothing.

A button acts only if the response is the presser's, of that survey, still open and not
submitted, and the response is at that position: so a double tap or a replayed callback
changes nothing (the first tap moved the position on) and the current question is shown.

Only the survey's addressees (the class's members when it was sent) answer, and only while
they are in the class: every button and a typed answer of someone who left or was removed
get `LEFT` and store nothing; a member who joined later gets `NOT_ADDRESSED` from the
invitation's button (they never got one; /mysurveys does not list the survey for them).
Free-text questions take the trainee's next message (pending input kind `survey_text`). A
free-text answer that reads like a question to the bot (「请问送教下乡一年要搞几次？」) is kept as
written, and the review page says under it that a survey answer gets no reply and how to ask
instead (`QUESTION_HINT`).

While a sheet is open at a choice question or the review, the pending input only watches
(`WATCHING`): a text typed there is no question to the bot. Asked as one, a suggestion to an
anonymous survey would reach the managers' /unanswered under the trainee's name. The same for
the first text after a text question's wait expired (`on_expired_text`). Such a text is not
recorded: the trainee is told how to go on, and offered to record it as the answer to the
survey's free-text question (the text is kept in the pending input, `offered`).
The watch holds a text back only while it may be an answer: within `WATCH_WINDOW` of the
sheet's last touch (`touched`: a press or an answer, not a text held back). Later, or once the
survey is closed or the sheet submitted, a text is a question to the bot like any other. A
command ends the watch without a word; a text after it is still held back the same way, as
long as the sheet is at a choice question or the review (`on_stray_text`, the catch-all of
plain text: no input waits for it).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import func, select
from sqlmodel import Session

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, keyboard
from bot.db import crud
from bot.db import survey_crud as scrud
from bot.db.models import TrainingClass, utcnow
from bot.db.survey_crud import Sheet, StoredAnswer
from bot.db.survey_models import ResponseStatus, SurveyAnswer, SurveyResponse
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length
from bot.services import Services
from bot.surveys.results import MIN_ANONYMOUS_RESPONSES
from bot.surveys.templates import LIKERT5, choice_note, shown_text
from handlers.routing import (
    MAX_ROW_ID,
    WATCHING,
    Context,
    UserError,
    on_expired_text,
    parse_number,
)
from scheduler.timeparse import format_when

log = logging.getLogger("guopei.surveys")

PREFIX = "sv"
VERSION = "1"
TEXT_STATE = "survey_text"
MAX_TEXT_ANSWER = 500
MAX_ID = MAX_ROW_ID  # ids and positions alike fit the database's INTEGER columns

CLOSED = "这份问卷已截止，不能再填写或修改了。感谢您的关注！"
CLOSED_UNSTARTED = "这份问卷已于 {when} 截止，不能再填写了。感谢您的关注！"
SUBMITTED = "您已经提交过这份问卷，答案不能再修改。感谢参与！"
FORGED = "这个按钮无效。请点击最新问卷消息里的按钮，或发送 /mysurveys 继续填写。"
LEFT = "您已不在「{name}」里，这份问卷不再需要填写。"
NOT_ADDRESSED = "这份问卷是在您加入「{name}」之前发出的，不需要您填写。"
QUESTION_HINT = (
    "💡 第 {number} 题的回答像是一个提问。问卷回答只交给班主任汇总，不会得到解答；"
    "想问政策，请点「✏️ 第{number}题」改写后提交，再把问题直接发给我。"
)
NOT_RECORDED = "这条消息没有记作问卷回答，也没有当作提问。"
GO_ON_AT_REVIEW = "您正在填写问卷「{title}」：请核对回答后点「✅ 提交」。"
GO_ON_AT_CHOICE = "您正在填写问卷「{title}」：第 {number} 题请点按钮作答。"
GO_ON_LATER = "要接着填问卷「{title}」，请发送 /mysurveys 点「继续」。"
OFFER = "要把这段话记作第 {number} 题（{question}）的回答吗？"
OFFER_REPLACES = "⚠️ 第 {number} 题已有回答，原来的回答会被替换：「{old}」"
OFFER_TOO_LONG = "这段话有 {length} 字，超过问卷回答的 {limit} 字，不能记作回答。"
ASK_INSTEAD = "要向我提问，请点「✖ 不记录」后重新发送问题。"
ASK_INSTEAD_NO_OFFER = "要向我提问，请先提交问卷，或点「✖ 不是问卷回答」后重新发送问题。"
OFFER_GONE = (
    "这段话已经不在了（之后又发送过消息、命令或点过问卷按钮，或已超过 30 分钟），没有记录。"
    "请发送 /mysurveys 点「继续」，回到第 {number} 题重新发送。"
)
DROPPED = (
    "好的，这段话没有记录。要向我提问，请重新发送问题；"
    "问卷请在问卷消息里接着填，或发送 /mysurveys 点「继续」。"
)
ALREADY_RECORDED = "已经记下了"
STALE_DROP = "好的，这段话没有记录。"
# A text held back by the watch may be an answer this long after the sheet was last touched
# (as long as any input is awaited, PENDING_INPUT_TTL); later it is a question to the bot.
WATCH_WINDOW = timedelta(minutes=30)
RELEASED = "released"  # in a watch: 「✖ 不记录」 was pressed, texts are questions again
# in the pending input: the sheet's question was opened from the review (✏️), back there after it
REVISING = "revising"
BACK_TO_REVIEW = "↩️ 回到核对页"
REVISING_NOTE = "✏️ 改好后直接回到核对页。"
CLEAR = "🗑 清空回答"
EXPIRED_WATCHES = "survey_expired_watches"  # services.extras: user id → the text after expiry
RELEASED_SHEETS = "survey_released_sheets"  # services.extras: user id → (response id, when ✖)
QUESTION_CHARS = 20  # the free-text question named in an offer
# 「请问…」, 「…吗」, 「…？」: a policy question typed into a feedback box
_LOOKS_LIKE_QUESTION = re.compile(r"^\s*请问|[？?]\s*$|吗[\s。.!！~～]*$")


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: int
    position: int
    kind: str
    text: str
    required: bool
    options: tuple[str, ...]
    max_choices: int | None


@dataclass(frozen=True, slots=True)
class SurveyView:
    """The parts of a survey that never change after it is sent (cached per process)."""

    id: int
    class_id: int
    title: str
    anonymous: bool
    questions: tuple[QuestionView, ...]


def survey_view(services: Services, session: Session, survey_id: int) -> SurveyView | None:
    """The survey's questions, loaded once per process (they are a frozen snapshot)."""
    views: dict[int, SurveyView] = services.extras.setdefault("survey_views", {})
    view = views.get(survey_id)
    if view is None:
        survey = scrud.get_survey(session, survey_id=survey_id)
        if survey is None:
            return None
        questions = tuple(
            QuestionView(
                id=q.id,  # type: ignore[arg-type]
                position=q.position,
                kind=q.kind,
                text=shown_text(q.text, q.kind),
                required=q.required,
                options=LIKERT5 if q.kind == "likert5" else tuple(q.options),
                max_choices=q.max_choices,
            )
            for q in scrud.questions_of(session, survey_id=survey_id)
        )
        view = SurveyView(survey_id, survey.class_id, survey.title, survey.anonymous, questions)
        if len(views) > 512:
            views.clear()
        views[survey_id] = view
    return view


# ---------------------------------------------------------------- callback data


@dataclass(frozen=True, slots=True)
class Press:
    action: str
    survey_id: int
    response_id: int = 0
    position: int = 0
    arg: int = 0
    mark: int = 0
    revising: bool = False  # a button of a question opened from the review (`:1` at the end)


class Forged(Exception):
    """Callback data that no button of ours carries (logged, refused)."""


def parse_press(data: str) -> Press:
    parts = data.split(":")
    if len(parts) < 4 or parts[0] != PREFIX or parts[1] != VERSION:
        raise Forged("bad prefix/version")
    action = parts[2]
    parsed = [parse_number(p, high=MAX_ID) for p in parts[3:]]
    numbers = [n for n in parsed if n is not None]
    if len(numbers) != len(parsed):
        raise Forged("not a number in 0..MAX_ID")
    if action == "s" and len(numbers) == 1:
        return Press("s", numbers[0])
    fields = {"a": 4, "t": 4, "c": 3}.get(action)
    if fields is not None and len(numbers) == fields + 1:
        if numbers[-1] != 1:
            raise Forged(f"revising flag {numbers[-1]}")
        return Press(action, *numbers[:3], numbers[3] if fields == 4 else 0, revising=True)
    if action == "c" and len(numbers) == 3:
        return Press(action, *numbers)
    if action == "r" and len(numbers) == 3:
        return Press(action, *numbers, revising=True)
    if (action in ("a", "t", "e") and len(numbers) == 4) or (action == "k" and len(numbers) == 5):
        return Press(action, *numbers)
    if action in ("n", "b", "u", "x") and len(numbers) == 3:
        return Press(action, *numbers)
    if action == "x" and len(numbers) == 5:
        return Press(action, *numbers)
    raise Forged(f"unknown action {action!r} with {len(numbers)} fields")


def _data(
    action: str,
    response: Sheet,
    position: int,
    arg: int | None = None,
    mark: int | None = None,
    *,
    revising: bool = False,
) -> str:
    tail = ("" if arg is None else f":{arg}") + ("" if mark is None else f":{mark}")
    tail += ":1" if revising else ""
    return f"{PREFIX}:{VERSION}:{action}:{response.survey_id}:{response.id}:{position}{tail}"


def start_button(survey_id: int, label: str = "📝 开始填写") -> Button:
    return Button(label, f"{PREFIX}:{VERSION}:s:{survey_id}")


# ---------------------------------------------------------------- rendering


def _choice_label(question: QuestionView, answer: StoredAnswer | None) -> str:
    """The answer as plain text (escape it after cutting it)."""
    if answer is None:
        return "（未填）"
    if question.kind == "text":
        return answer.text or ""
    if question.kind == "multiple":
        picked = [question.options[i] for i in (answer.choices or []) if i < len(question.options)]
        return "、".join(picked) if picked else "（未选）"
    if answer.choice is not None and answer.choice < len(question.options):
        return question.options[answer.choice]
    return "（未填）"


def _cut(text: str, chars: int) -> str:
    """The plain `text` in at most `chars` characters, 「…」 marking a cut."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def render_question(
    view: SurveyView, response: Sheet, answer: StoredAnswer | None, *, revising: bool = False
) -> tuple[str, Keyboard]:
    """The text and buttons of the question at the response's position; opened from the review
    (`revising`), its buttons lead back there instead of on to the next question."""
    question = view.questions[response.position]
    total = len(view.questions)
    number = response.position + 1
    filled = "▰" * number + "▱" * (total - number) if total <= 20 else ""
    notes = []
    if not question.required:
        notes.append("选填")
    kind_note = choice_note(question.text, question.kind, question.max_choices)
    if kind_note:
        notes.append(kind_note)
    note = f"（{'，'.join(notes)}）" if notes else ""
    lines = [
        f"📋 <b>{escape(view.title)}</b>  {number}/{total}",
        filled,
        "",
        f"<b>{number}. {escape(question.text)}</b>{note}",
    ]
    here = number - 1
    rows: list[list[Button]] = []
    if question.kind in ("likert5", "single"):
        for index, option in enumerate(question.options):
            mark = "✅ " if answer is not None and answer.choice == index else ""
            data = _data("a", response, here, index, revising=revising)
            rows.append([Button(f"{mark}{option}", data)])
    elif question.kind == "multiple":
        picked = set(answer.choices or []) if answer is not None else set()
        for index, option in enumerate(question.options):
            mark = "☑️ " if index in picked else "⬜ "
            data = _data("t", response, here, index, revising=revising)
            rows.append([Button(f"{mark}{option}", data)])
        # it moves on, it does not finish the survey: say where to
        if revising:
            rows.append([Button("选好了，回到核对页 ↩️", _data("r", response, here))])
        else:
            done = "选好了，下一题 ➡️" if number < total else "选好了，核对答案 ➡️"
            rows.append([Button(done, _data("n", response, here))])
    else:
        lines.append("")
        lines.append(f"✍️ 请直接发送文字回答（最多 {MAX_TEXT_ANSWER} 字）。")
        if answer is not None and answer.text:
            lines.append(f"当前回答：{escape(answer.text)}")
            if not question.required:  # a trainee may take back what they wrote
                rows.append([Button(CLEAR, _data("c", response, here, revising=revising))])
    if revising:
        lines.append(REVISING_NOTE)
    nav = []
    if revising:
        if question.kind != "multiple":
            nav.append(Button(BACK_TO_REVIEW, _data("r", response, here)))
    else:
        if response.position > 0:
            nav.append(Button("⬅️ 上一题", _data("b", response, here)))
        if question.kind != "multiple":
            if answer is not None:
                nav.append(Button("下一题 ➡️", _data("n", response, here)))
            elif not question.required:
                nav.append(Button("跳过 ➡️", _data("n", response, here)))
    rows.append(nav)
    return "\n".join(lines), keyboard(*rows)


EDITS_PER_ROW = 4  # 「✏️ 第12题」 buttons, four still legible side by side on a phone
REVIEW_CUTS = ((31, 81), (20, 40), (14, 24), (10, 14), (6, 8))
"""(question, answer) characters shown per line of the review, tried in order until it fits."""


def render_review(
    view: SurveyView, response: Sheet, answers: dict[int, StoredAnswer]
) -> tuple[str, Keyboard]:
    """The final page: every answer (shortened as much as it takes to fit in one message),
    「提交」 and a 「✏️ 第N题」 button for each question shown."""
    total = len(view.questions)
    head = [f"📋 <b>{escape(view.title)}</b>", "请核对您的回答，确认无误后点击「提交」：", ""]
    labels = [_choice_label(q, answers.get(q.id)) for q in view.questions]
    asking = [
        q.position + 1
        for q in view.questions
        if q.kind == "text" and q.id in answers and looks_like_question(answers[q.id].text)
    ]
    hints = ["", *(QUESTION_HINT.format(number=number) for number in asking[:2])] if asking else []
    for question_chars, answer_chars in REVIEW_CUTS:
        entries = [
            f"{q.position + 1}. {escape(_cut(q.text, question_chars))}\n"
            f"   → {escape(_cut(label, answer_chars))}"
            for q, label in zip(view.questions, labels, strict=True)
        ]
        text = "\n".join([*head, *entries, *hints])
        if visible_length(text) <= MAX_MESSAGE_UNITS:
            break
    shown = total
    while shown > 0 and (shown > MAX_BUTTONS - 2 or visible_length(text) > MAX_MESSAGE_UNITS):
        # never with the 50 questions a template may have: show what fits, and offer to
        # change only what is shown (the hints are left out: their buttons may not be shown)
        shown = min(shown - 1, MAX_BUTTONS - 2)
        note = f"\n……第 {shown + 1}–{total} 题请用「⬅️ 上一题」查看。"
        text = "\n".join([*head, *entries[:shown], note])
    edit_buttons = [
        Button(f"✏️ 第{q.position + 1}题", _data("e", response, total, q.position))
        for q in view.questions[:shown]
    ]
    rows = [
        edit_buttons[i : i + EDITS_PER_ROW] for i in range(0, len(edit_buttons), EDITS_PER_ROW)
    ]
    return text, keyboard(
        [Button("✅ 提交", _data("u", response, total))],
        *rows,
        [Button("⬅️ 上一题", _data("b", response, total))],
    )


def looks_like_question(text: str | None) -> bool:
    """Whether a free-text answer reads like a question put to the bot."""
    return bool(text) and _LOOKS_LIKE_QUESTION.search(text) is not None  # type: ignore[arg-type]


def render_done(view: SurveyView) -> str:
    privacy = (
        f"本问卷为匿名问卷：班主任只看到汇总（满 {MIN_ANONYMOUS_RESPONSES} 份后显示），"
        "不显示谁答了什么。汇总分批更新，也看不出谁先交、哪份是谁的。"
        if view.anonymous
        else ""
    )
    return f"✅ <b>{escape(view.title)}</b>\n已提交，感谢您的参与！{privacy}"


def render_position(
    view: SurveyView, sheet: Sheet, answers: dict[int, StoredAnswer], *, revising: bool = False
) -> tuple[str, Keyboard]:
    """Render wherever the response is now (a question, opened from the review if `revising`,
    or the review)."""
    if sheet.position >= len(view.questions):
        return render_review(view, sheet, answers)
    question = view.questions[sheet.position]
    return render_question(view, sheet, answers.get(question.id), revising=revising)


def _is_text(view: SurveyView, position: int) -> bool:
    return position < len(view.questions) and view.questions[position].kind == "text"


def _sync_pending(
    session: Session, ctx: Context, view: SurveyView, sheet: Sheet, *, revising: bool = False
) -> None:
    """Expect the next plain text when the current question is free text; at another question
    or the review, only watch the text (`WATCHING`): typed there, it is no question to the bot.
    A watch never replaces another input awaited (a manager's broadcast text). `revising`: the
    question was opened from the review, its answer leads back there (`REVISING`)."""
    payload: dict = {
        "survey": view.id,
        "response": sheet.id,
        "position": sheet.position,
        "touched": utcnow().isoformat(),
    }
    if revising and sheet.position < len(view.questions):
        payload[REVISING] = True
    if not _is_text(view, sheet.position):
        pending = crud.get_pending(session, user_id=ctx.user.id)
        if pending is not None and pending.kind != TEXT_STATE:
            return
        payload[WATCHING] = True
    crud.set_pending(session, user_id=ctx.user.id, kind=TEXT_STATE, payload=payload)


def _revising(payload: dict | None, sheet: Sheet) -> bool:
    """Whether a pending input's payload says the sheet's current question was opened from the
    review."""
    payload = payload or {}
    return (
        bool(payload.get(REVISING))
        and payload.get("response") == sheet.id
        and payload.get("position") == sheet.position
    )


def _pending_revising(session: Session, user_id: int, sheet: Sheet) -> bool:
    """Whether the user's pending input says the sheet's question was opened from the review."""
    pending = crud.get_pending(session, user_id=user_id)
    return pending is not None and pending.kind == TEXT_STATE and _revising(pending.payload, sheet)


def _clear_text_pending(session: Session, user_id: int) -> None:
    pending = crud.get_pending(session, user_id=user_id)
    if pending is not None and pending.kind == TEXT_STATE:
        crud.clear_pending(session, user_id=user_id)


def _refuse_forged(ctx: Context, reason: str) -> list[Reply]:
    log.warning(
        "refused survey callback: user=%s data=%r reason=%s",
        ctx.user.id,
        ctx.event.callback_data[:64],
        reason,
    )
    return [Notice(FORGED, alert=True)]


def _class_name(session: Session, class_id: int) -> str:
    training_class = session.get(TrainingClass, class_id)
    return training_class.name if training_class is not None else "培训班"


def _left_replies(session: Session, ctx: Context, view: SurveyView) -> list[Reply]:
    """Someone no longer in the survey's class pressed one of its buttons: nothing is stored."""
    _clear_text_pending(session, ctx.user.id)
    log.info("survey %s: press of user %s who left the class refused", view.id, ctx.user.id)
    name = _class_name(session, view.class_id)
    message = LEFT.format(name=name)
    return [
        Edit(f"⏹ <b>{escape(view.title)}</b>\n{escape(message)}"),
        Notice(message, alert=True),
    ]


def _closed_replies(view: SurveyView, message: str = CLOSED) -> list[Reply]:
    return [Edit(f"⏹ <b>{escape(view.title)}</b>\n{message}"), Notice(message, alert=True)]


def _check_press(press: Press, view: SurveyView) -> str | None:
    """Why a press that no button of this survey carries is forged (None: it is well-formed)."""
    total = len(view.questions)
    if press.position > total:
        return "position out of range"
    question = view.questions[press.position] if press.position < total else None
    if press.action in ("a", "t"):
        if question is None:
            return "a choice on the review page"
        if press.action == "a" and question.kind not in ("likert5", "single"):
            return "an answer button on a question of another kind"
        if press.action == "t" and question.kind != "multiple":
            return "a toggle on a question that is not multiple choice"
        if press.arg >= len(question.options):
            return "choice out of range"
    if press.action == "n" and question is None:
        return "next from the review"
    if press.action == "r" and question is None:
        return "back to the review from the review"
    if press.action == "c" and (question is None or question.kind != "text"):
        return "clear an answer that is not free text"
    if press.action == "c" and question is not None and question.required:
        return "clear the answer of a required question"
    if press.action == "e" and (press.position != total or press.arg >= total):
        return "edit target out of range"
    if press.action == "u" and press.position != total:
        return "submit outside the review"
    if press.action == "b" and press.position == 0:
        return "back from the first question"
    if press.action == "k" and (press.arg >= total or view.questions[press.arg].kind != "text"):
        return "keep an offered text for a question that is not free text"
    if press.action == "x" and press.arg >= total:
        return "drop an offered text for a question out of range"
    return None


# ---------------------------------------------------------------- handlers


async def on_survey_button(ctx: Context) -> list[Reply]:
    """Answer, toggle, go back, review or submit: every press of a survey button."""
    try:
        press = parse_press(ctx.event.callback_data)
    except Forged as reason:
        return _refuse_forged(ctx, str(reason))
    if press.action == "s":
        return start_survey(ctx, press.survey_id)
    with ctx.services.session() as session:
        sheet, answers = scrud.load_sheet_and_answers(session, response_id=press.response_id)
        if sheet is None:
            return _refuse_forged(ctx, "no such response")
        if sheet.user_id != ctx.user.id:
            return _refuse_forged(ctx, f"response {sheet.id} belongs to another user")
        if sheet.survey_id != press.survey_id:
            return _refuse_forged(ctx, f"response {sheet.id} is not of survey {press.survey_id}")
        view = survey_view(ctx.services, session, sheet.survey_id)
        assert view is not None
        reason = _check_press(press, view)
        if reason is not None:
            return _refuse_forged(ctx, reason)
        if not sheet.in_class:
            return _left_replies(session, ctx, view)
        if sheet.status == ResponseStatus.submitted:
            return [Notice(SUBMITTED, alert=True)]
        if not sheet.survey_open(utcnow()):
            _clear_text_pending(session, ctx.user.id)
            return _closed_replies(view)
        pressed = ctx.event.message_id
        offer = press.action in ("k", "x")
        # an offer's message becomes the sheet's only once its text is recorded (there)
        if pressed is not None and sheet.message_id != pressed and not offer:
            scrud.set_message_id(session, response_id=sheet.id, message_id=pressed)
            sheet.message_id = pressed
        if sheet.position != press.position and not offer:
            # a double tap, or a button of an older state of the message: show where they are
            revising = _pending_revising(session, ctx.user.id, sheet)
            session.commit()
            text, buttons = render_position(view, sheet, answers, revising=revising)
            return [Edit(text, buttons), Notice("已为您显示当前题目")]
        toast, replies = _apply(session, ctx, view, sheet, answers, press)
        session.commit()
        if replies is not None:
            return replies
        # still at a question opened from the review (✏️, then a toggle or 🗑): it stays so
        opened = press.arg if press.action == "e" else press.position
        revising = (press.action == "e" or press.revising) and sheet.position == opened
        text, buttons = render_position(view, sheet, answers, revising=revising)
    return [Edit(text, buttons), Notice(toast)]


def _apply(
    session: Session,
    ctx: Context,
    view: SurveyView,
    sheet: Sheet,
    answers: dict[int, StoredAnswer],
    press: Press,
) -> tuple[str, list[Reply] | None]:
    """Carry out a valid press at the sheet's current position; returns (toast, replies)."""
    position = press.position
    question = view.questions[position] if position < len(view.questions) else None

    total = len(view.questions)

    def go(to: int, *, revising: bool = False) -> None:
        if scrud.move_sheet(session, response_id=sheet.id, from_position=position, to_position=to):
            sheet.position = to
        else:  # a concurrent twin of this press moved it first: show where it really is
            sheet.position = scrud.sheet_position(session, response_id=sheet.id)
            answers.update(scrud.load_answers(session, response_id=sheet.id))
            revising = False
        _sync_pending(session, ctx, view, sheet, revising=revising)

    if press.action in ("k", "x"):
        return _answer_offer(session, ctx, view, sheet, answers, press, go)

    if press.action == "a":
        assert question is not None
        answers[question.id] = scrud.upsert_answer(
            session, response_id=sheet.id, question_id=question.id, choice=press.arg
        )
        # opened from the review: straight back there, not on through the questions after it
        go(total if press.revising else position + 1)
        return "已记录", None
    if press.action == "t":
        assert question is not None
        current = answers.get(question.id)
        picked = set(current.choices or []) if current is not None else set()
        if press.arg in picked:
            picked.discard(press.arg)
        else:
            if question.max_choices and len(picked) >= question.max_choices:
                return f"最多选 {question.max_choices} 项，请先取消一项", None
            picked.add(press.arg)
        if picked:
            answers[question.id] = scrud.upsert_answer(
                session, response_id=sheet.id, question_id=question.id, choices=sorted(picked)
            )
        else:
            scrud.remove_answer(session, response_id=sheet.id, question_id=question.id)
            answers.pop(question.id, None)
        return ("已选择" if press.arg in picked else "已取消"), None
    if press.action in ("n", "r"):
        assert question is not None
        current = answers.get(question.id)
        empty = current is None or (question.kind == "multiple" and not current.choices)
        if question.required and empty:
            hint = "请至少选择一项" if question.kind == "multiple" else "这道题必答，请先作答"
            return "", [Notice(hint, alert=True)]
        go(total if press.action == "r" else position + 1)
        return "", None
    if press.action == "c":
        assert question is not None
        cleared = question.id in answers
        scrud.remove_answer(session, response_id=sheet.id, question_id=question.id)
        answers.pop(question.id, None)
        _sync_pending(session, ctx, view, sheet, revising=press.revising)
        return ("已清空回答" if cleared else "这道题没有回答"), None
    if press.action == "b":
        go(position - 1)
        return "", None
    if press.action == "e":
        go(press.arg, revising=True)
        return "", None
    # press.action == "u": submit at the review
    missing = [
        q
        for q in view.questions
        if q.required
        and (q.id not in answers or (q.kind == "multiple" and not answers[q.id].choices))
    ]
    if missing:
        go(missing[0].position)
        return f"第 {missing[0].position + 1} 题必答，请先作答", None
    if not scrud.submit(session, response_id=sheet.id):
        return "", [Notice(SUBMITTED, alert=True)]
    _clear_text_pending(session, ctx.user.id)
    log.info("survey %s submitted by response %s", view.id, sheet.id)
    return "", [Edit(render_done(view)), Notice("提交成功，感谢参与！")]


def start_survey(ctx: Context, survey_id: int) -> list[Reply]:
    """Open (or resume) the presser's answer sheet where they left off."""
    with ctx.services.session() as session:
        survey = scrud.get_survey(session, survey_id=survey_id)
        if survey is None:
            return _refuse_forged(ctx, f"no survey {survey_id}")
        view = survey_view(ctx.services, session, survey_id)
        assert view is not None
        in_class = scrud.is_member(session, class_id=survey.class_id, user_id=ctx.user.id)
        addressed = scrud.is_addressee(session, survey_id=survey_id, user_id=ctx.user.id)
        if not in_class:
            if addressed:
                return _left_replies(session, ctx, view)
            return _refuse_forged(ctx, f"user is not in the class of survey {survey_id}")
        if not addressed:
            log.info("survey %s: user %s joined after it was sent", survey_id, ctx.user.id)
            name = _class_name(session, survey.class_id)
            return [Notice(NOT_ADDRESSED.format(name=name), alert=True)]
        response = scrud.find_response(session, survey_id=survey_id, user_id=ctx.user.id)
        if response is not None and response.status == ResponseStatus.submitted:
            return [Edit(render_done(view)), Notice(SUBMITTED, alert=True)]
        if not survey.is_open(utcnow()):
            if response is not None:  # half-way: their answers stay, but cannot be submitted
                return _closed_replies(view)
            closed_at = min(survey.closed_at or survey.closes_at, survey.closes_at)
            now = datetime.now(ctx.services.settings.timezone)
            when = format_when(closed_at, now, relative=False)
            return _closed_replies(view, CLOSED_UNSTARTED.format(when=when))
        if response is None:
            response, _ = scrud.get_or_create_response(
                session, survey_id=survey_id, user_id=ctx.user.id
            )
        if ctx.event.message_id is not None and response.message_id != ctx.event.message_id:
            scrud.set_message_id(
                session,
                response_id=response.id,  # type: ignore[arg-type]
                message_id=ctx.event.message_id,
            )
        session.commit()
        sheet = scrud.load_sheet(session, response_id=response.id)  # type: ignore[arg-type]
        assert sheet is not None
        # a question opened from the review stays so (until a command ends the pending input)
        revising = _pending_revising(session, ctx.user.id, sheet)
        _sync_pending(session, ctx, view, sheet, revising=revising)
        answers = scrud.load_answers(session, response_id=sheet.id)
        text, buttons = render_position(view, sheet, answers, revising=revising)
    if ctx.event.message_id is None:
        return [Send(text, buttons)]
    return [Edit(text, buttons), Notice("继续填写" if sheet.position else "开始填写")]


async def _as_question(ctx: Context) -> list[Reply]:
    """The text is no survey answer after all: answer it as any text typed to the bot."""
    from handlers.ask import ask_text  # late: the question answerer is a heavy import

    return await ask_text(ctx)


def _touched_at(payload: dict, pending_updated: datetime) -> datetime:
    """When the sheet was last touched (a press or an answer), as the watch recorded it."""
    try:
        return datetime.fromisoformat(str(payload["touched"]))
    except (KeyError, ValueError):
        return pending_updated  # a watch from before `touched` was recorded


async def on_survey_text(ctx: Context) -> list[Reply]:
    """The trainee's free-text answer to the question they are at; a text the watch does not
    hold back (the sheet closed, or left long ago) is answered as a question."""
    replies = _survey_text(ctx)
    return await _as_question(ctx) if replies is None else replies


def _survey_text(ctx: Context) -> list[Reply] | None:
    """The replies to a text typed while a sheet is open; None: it is a question to the bot."""
    text = ctx.event.text.strip()
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        payload = dict(pending.payload or {}) if pending is not None else {}
        watching = bool(payload.get(WATCHING))
        if watching and payload.get(RELEASED):  # 「✖ 不记录」: the trainee asks questions now
            return None
        sheet = scrud.load_sheet(session, response_id=int(payload.get("response", 0)))
        open_sheet = (
            sheet is not None
            and sheet.user_id == ctx.user.id
            and sheet.in_class
            and sheet.status != ResponseStatus.submitted
            and sheet.survey_open(utcnow())
        )
        if watching and not open_sheet:  # closed, submitted, left: the watch ends
            _clear_text_pending(session, ctx.user.id)
            return None
        if sheet is None or sheet.user_id != ctx.user.id:
            _clear_text_pending(session, ctx.user.id)
            raise UserError("没有正在填写的问卷。发送 /mysurveys 查看待填问卷。")
        view = survey_view(ctx.services, session, sheet.survey_id)
        assert view is not None
        if not sheet.in_class:
            _clear_text_pending(session, ctx.user.id)
            log.info("survey %s: text of user %s who left the class refused", view.id, ctx.user.id)
            raise UserError(LEFT.format(name=_class_name(session, view.class_id)))
        position = int(payload.get("position", -1))
        if sheet.status == ResponseStatus.submitted or not sheet.survey_open(utcnow()):
            _clear_text_pending(session, ctx.user.id)
            raise UserError(SUBMITTED if sheet.status == ResponseStatus.submitted else CLOSED)
        assert pending is not None
        touched = _touched_at(payload, pending.updated_at)
        if watching and utcnow() - touched > WATCH_WINDOW:
            # the sheet was left long ago: this is a question (the watch keeps any offer)
            return None
        answers = scrud.load_answers(session, response_id=sheet.id)
        awaited = not watching and _is_text(view, position)
        if sheet.position != position or not awaited:
            return not_an_answer(session, ctx, view, sheet, answers, text, watch=payload)
        if not text:
            raise UserError(_empty_answer(view.questions[position], answers))
        if len(text) > MAX_TEXT_ANSWER:
            raise UserError(f"回答太长了（{len(text)} 字），请控制在 {MAX_TEXT_ANSWER} 字以内。")
        question = view.questions[position]
        answers[question.id] = scrud.upsert_answer(
            session, response_id=sheet.id, question_id=question.id, text=text
        )
        # opened from the review (✏️): straight back there
        to = len(view.questions) if _revising(payload, sheet) else position + 1
        if scrud.move_sheet(session, response_id=sheet.id, from_position=position, to_position=to):
            sheet.position = to
        _sync_pending(session, ctx, view, sheet)
        # the next question goes in a new message whose id we learn at its first button press
        old_message_id = sheet.message_id
        scrud.set_message_id(session, response_id=sheet.id, message_id=None)
        session.commit()
        next_text, buttons = render_position(view, sheet, answers)
    replies: list[Reply] = []
    if old_message_id is not None:
        short = text if len(text) <= 60 else text[:60] + "…"
        replies.append(
            Edit(
                f"📋 <b>{escape(view.title)}</b>  {position + 1}/{len(view.questions)}\n"
                f"{position + 1}. {escape(question.text)}\n✅ 已记录：{escape(short)}",
                message_id=old_message_id,
            )
        )
    replies.append(Send(next_text, buttons))
    return replies


# ---------------------------------------------------------------- a text that is no answer


def _empty_answer(question: QuestionView, answers: dict[int, StoredAnswer]) -> str:
    """The refusal of an empty text answer; an optional question says how to go on without
    one (QA24 F11), by the button the question shows."""
    if question.required:
        return "回答不能为空。"
    button = "下一题 ➡️" if question.id in answers else "跳过 ➡️"
    return f"回答不能为空。这题是选填的，不想填可以点「{button}」。"


def _event_key(ctx: Context) -> tuple[int, str]:
    """This very message (the conversation hands one event object from handler to handler)."""
    return id(ctx.event), ctx.event.text


async def on_stray_text(ctx: Context) -> list[Reply]:
    """Any plain text no input waits for: offered as a survey answer when the watch would
    have held it back, else a question to the bot (also right after a watch expired)."""
    expired = ctx.services.extras.get(EXPIRED_WATCHES, {}).pop(ctx.user.id, None)
    if ctx.event.is_private and expired != _event_key(ctx):
        replies = _stray_survey_text(ctx)
        if replies is not None:
            return replies
    return await _as_question(ctx)


def _stray_survey_text(ctx: Context) -> list[Reply] | None:
    """A command ends the watch of a sheet left at a choice question or the review (QA20 F10:
    /cancel, then 「老师讲得很好」 meant for the comment went to /unanswered as a question). A
    text after it is held back as the watch would have: the sheet still open and touched
    within `WATCH_WINDOW`. None: no such sheet, the text is a question."""
    now = utcnow()
    with ctx.services.session() as session:
        row = session.execute(
            select(SurveyResponse.id, SurveyResponse.updated_at)
            .where(
                SurveyResponse.user_id == ctx.user.id,
                SurveyResponse.status == ResponseStatus.started,
            )
            .order_by(SurveyResponse.updated_at.desc())  # type: ignore[attr-defined]
            .limit(1)
        ).first()
        if row is None:
            return None
        response_id, moved_at = row
        sheet = scrud.load_sheet(session, response_id=response_id)
        if sheet is None or not sheet.in_class or not sheet.survey_open(now):
            return None
        view = survey_view(ctx.services, session, sheet.survey_id)
        # at a text question a command ended the wait, and said the next text is no answer
        if view is None or _is_text(view, sheet.position):
            return None
        answered_at = session.execute(
            select(func.max(SurveyAnswer.updated_at)).where(
                SurveyAnswer.response_id == response_id
            )
        ).scalar()
        touched = max(t for t in (moved_at, answered_at) if t is not None)
        if now - touched > WATCH_WINDOW:
            return None
        released = ctx.services.extras.get(RELEASED_SHEETS, {}).get(ctx.user.id)
        if released is not None and released[0] == sheet.id and touched <= released[1]:
            return None  # 「✖ 不记录」 since the last touch: the trainee asks questions now
        answers = scrud.load_answers(session, response_id=sheet.id)
        text = ctx.event.text.strip()
        log.info("survey %s: a text of user %s after a command held back", view.id, ctx.user.id)
        return not_an_answer(
            session, ctx, view, sheet, answers, text, watch={"touched": touched.isoformat()}
        )


def _mark(text: str) -> int:
    """The checksum of an offered text that its 「✅ 记作…」 button carries."""
    return zlib.crc32(text.encode()) & MAX_ID


def _offer_target(
    view: SurveyView, sheet: Sheet, answers: dict[int, StoredAnswer]
) -> QuestionView | None:
    """The free-text question a stray text may be meant for: the one the sheet is at, else the
    first one not answered yet, else the first one; None when the survey has none."""
    free_text = [q for q in view.questions if q.kind == "text"]
    if not free_text:
        return None
    if _is_text(view, sheet.position):
        return view.questions[sheet.position]
    unanswered = [q for q in free_text if q.id not in answers]
    return (unanswered or free_text)[0]


def not_an_answer(
    session: Session,
    ctx: Context,
    view: SurveyView,
    sheet: Sheet,
    answers: dict[int, StoredAnswer],
    text: str,
    *,
    watch: dict,
    expired: bool = False,
) -> list[Reply]:
    """A text typed while the sheet is open but no answer is awaited (at a choice question, at
    the review, after the wait expired): never a question to the bot. Say how to go on, and
    offer to record it as the answer to a free-text question, keeping it in the watch. After
    an expired wait (`expired`) the conversation has already said how to go on. The watch
    keeps when the sheet was last touched (`watch`, the pending input's payload so far), and
    whether the sheet was shown again already (once is enough)."""
    target = _offer_target(view, sheet, answers)
    fits = 0 < len(text) <= MAX_TEXT_ANSWER
    shown_again = bool(watch.get("shown_again")) and watch.get("position") == sheet.position
    revising = _revising(watch, sheet)  # the question was opened from the review: it still is
    payload: dict = {
        "survey": view.id,
        "response": sheet.id,
        "position": sheet.position,
        "touched": watch.get("touched") or utcnow().isoformat(),
        "shown_again": True,
        WATCHING: True,
    }
    if revising:
        payload[REVISING] = True
    mark = _mark(text)
    if target is not None and fits:
        payload |= {"offered": text, "offer_position": target.position, "offer_mark": mark}
    crud.set_pending(session, user_id=ctx.user.id, kind=TEXT_STATE, payload=payload)
    title = escape(view.title)
    at_text = _is_text(view, sheet.position)
    lines = [] if expired else [NOT_RECORDED]
    if sheet.position >= len(view.questions):
        lines.append(GO_ON_AT_REVIEW.format(title=title))
    elif not at_text:
        lines.append(GO_ON_AT_CHOICE.format(title=title, number=sheet.position + 1))
    elif not expired:
        lines.append(GO_ON_LATER.format(title=title))
    rows: list[list[Button]] = []
    if target is not None and fits:
        number = target.position + 1
        question = escape(_cut(target.text, QUESTION_CHARS))
        old = answers.get(target.id)
        lines.append(OFFER.format(number=number, question=question))
        if old is not None and old.text:
            old_text = escape(_cut(old.text, 60))
            lines.append(OFFER_REPLACES.format(number=number, old=old_text))
        lines.append(ASK_INSTEAD)
        replacing = "（替换原回答）" if old is not None and old.text else ""
        rows.append(
            [
                Button(
                    f"✅ 记作第{number}题的回答{replacing}",
                    _data("k", sheet, sheet.position, number - 1, mark),
                )
            ]
        )
        rows.append([Button("✖ 不记录", _data("x", sheet, sheet.position, number - 1, mark))])
    else:
        if target is not None:
            lines.append(OFFER_TOO_LONG.format(length=len(text), limit=MAX_TEXT_ANSWER))
        lines.append(ASK_INSTEAD_NO_OFFER)
        rows.append([Button("✖ 不是问卷回答", _data("x", sheet, sheet.position))])
    session.commit()
    replies: list[Reply] = [Send("\n".join(lines), keyboard(*rows))]
    if not at_text and not shown_again:  # the question or review again, below, once
        current, buttons = render_position(view, sheet, answers, revising=revising)
        replies.append(Send(current, buttons))
    return replies


def _recorded(answers: dict[int, StoredAnswer], view: SurveyView, press: Press) -> bool:
    """Whether the offer's text is already the answer to its question (a repeated tap)."""
    if press.arg >= len(view.questions):
        return False
    answer = answers.get(view.questions[press.arg].id)
    return answer is not None and bool(answer.text) and _mark(answer.text) == press.mark


def _answer_offer(
    session: Session,
    ctx: Context,
    view: SurveyView,
    sheet: Sheet,
    answers: dict[int, StoredAnswer],
    press: Press,
    go: Callable[..., None],
) -> tuple[str, list[Reply] | None]:
    """「✅ 记作第N题的回答」 (`k`): record the text the offer kept and show where the sheet is
    now in the offer's message; 「✖ 不记录」 (`x`): forget it and stop watching the text.
    Either, repeated after its text was recorded, only says so: the message stays as it is."""
    pending = crud.get_pending(session, user_id=ctx.user.id)
    watch = dict(pending.payload) if pending is not None and pending.kind == TEXT_STATE else {}
    offered = watch.get("offered")
    if (press.action == "k" or press.mark) and _recorded(answers, view, press):
        return "", [Notice(ALREADY_RECORDED)]
    if press.action == "x":
        newer = press.mark and watch.get("offer_mark") not in (None, press.mark)
        if newer:  # a later text's offer is still open: it keeps its own buttons
            return "", [Edit(STALE_DROP)]
        if watch.get(WATCHING):  # not a wait re-armed since (「继续」)
            # the next texts are questions (not offered again after a command either) until
            # the sheet is touched again
            kept_watch = {k: v for k, v in watch.items() if not k.startswith("offer")}
            crud.set_pending(
                session,
                user_id=ctx.user.id,
                kind=TEXT_STATE,
                payload=kept_watch | {RELEASED: True},
            )
            released = ctx.services.extras.setdefault(RELEASED_SHEETS, {})
            released[ctx.user.id] = (sheet.id, utcnow())  # a command ends the watch, not this
        return "", [Edit(DROPPED)]
    kept = (
        watch.get("response") == sheet.id
        and watch.get("offer_position") == press.arg
        and watch.get("offer_mark") == press.mark
        and isinstance(offered, str)
        and sheet.position == press.position
    )
    if not kept:
        return "", [Edit(OFFER_GONE.format(number=press.arg + 1))]
    target = view.questions[press.arg]
    answers[target.id] = scrud.upsert_answer(
        session, response_id=sheet.id, question_id=target.id, text=offered
    )
    revising = _revising(watch, sheet)
    if sheet.position == press.arg:  # the question the sheet is at: on to the next one
        go(len(view.questions) if revising else press.arg + 1)  # or back to the review
        revising = False
    else:
        # the kept text is used up (a question opened from the review stays so)
        _sync_pending(session, ctx, view, sheet, revising=revising)
    if ctx.event.message_id is not None:  # the offer's message shows the sheet from now on
        scrud.set_message_id(session, response_id=sheet.id, message_id=ctx.event.message_id)
    text, buttons = render_position(view, sheet, answers, revising=revising)
    if sheet.position >= len(view.questions):
        # 「✅ 提交」 not where 「✅ 记作…」 was: a double tap's second tap submits nothing
        buttons = (*buttons[1:], buttons[0])
    short = escape(_cut(offered, 60))  # type: ignore[arg-type]
    recorded = f"✅ 已记作第 {press.arg + 1} 题的回答：{short}\n\n"
    return "", [Edit(recorded + text, buttons), Notice("已记录")]


@on_expired_text(TEXT_STATE)
async def on_expired_survey_text(ctx: Context) -> list[Reply]:
    """The first text after the survey's wait expired: not a question (it is most likely the
    answer, typed slowly), but not recorded unasked either: offer to record it. After a watch
    expired (a sheet left at a choice question or the review half an hour ago) the text is a
    question like any other: no replies, the conversation answers it."""
    payload = ctx.expired_payload or {}
    text = ctx.event.text.strip()
    if payload.get(WATCHING):
        # the conversation hands the text on to the catch-all: not to be held back there
        ctx.services.extras.setdefault(EXPIRED_WATCHES, {})[ctx.user.id] = _event_key(ctx)
        return []
    with ctx.services.session() as session:
        sheet = scrud.load_sheet(session, response_id=int(payload.get("response", 0)))
        if sheet is None or sheet.user_id != ctx.user.id or not sheet.in_class:
            return []
        if sheet.status == ResponseStatus.submitted or not sheet.survey_open(utcnow()):
            return []
        view = survey_view(ctx.services, session, sheet.survey_id)
        assert view is not None
        answers = scrud.load_answers(session, response_id=sheet.id)
        # the offer stays for half an hour; a text after it is a question (the wait expired)
        long_ago = (utcnow() - WATCH_WINDOW - timedelta(seconds=1)).isoformat()
        watch = {"touched": payload.get("touched") or long_ago}
        if _revising(payload, sheet):  # its 「✅ 记作…」 leads back to the review
            watch |= {REVISING: True, "response": sheet.id, "position": sheet.position}
        return not_an_answer(session, ctx, view, sheet, answers, text, watch=watch, expired=True)
