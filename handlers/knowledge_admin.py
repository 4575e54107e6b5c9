"""The people behind the knowledge base: managers answer what the bot could not, admins feed
it notices and read its statistics.

- `/unanswered [天数]` (managers): declined or 👎 questions of their classes' trainees, ten to
  a page, the ones a trainee handed off with 问班主任 first (「🙋 等您回复」), then newest
  first (◀ / ▶ and 「最早的 ⏭」: `kbm:1:pg:<days>:<page>`), each with
  a 「回答」 button (`kbm:1:ans:<question_id>:<days>:<page>`); the manager's next text goes to
  the trainee (pending input "handoff_answer") and the list is shown again without the question,
  then 「保存为标准答案」 (`kbm:1:cur:<question_id>`) stores
  the pair as a curated answer that the knowledge base matches first from then on, for every
  class's trainees (the manager is told so before and after saving; trainees read who saved
  it). A question one trainee asked several times (「住宿费谁出」「住宿费谁出?」) is one row,
  「(问了 N 次)」, and the one answer sent to the trainee closes every one of those asks.
  A question close to a saved curated answer (anyone's: `KnowledgeBase.nearest_curated`, looser
  than the automatic match) names it (「相近的标准答案：「…」（王芳老师）」) and has
  「📌 用标准答案回复」 (`kbm:1:std:<question_id>:<curated_id>`): that answer goes to the trainee
  as a typed one would, once, unless it was retired or another manager answered first; in
  /unanswered the button also carries the list's days and page (`…:<days>:<page>`), and the
  list is shown again without the question. The message a manager gets when a trainee
  presses 问班主任 has the same line and button, and 「回答」, both ending in `:ho` instead of
  days and page: answered through it, it loses its buttons and says 「✅ 已回复。」. So do the
  question's other 问班主任 messages, in every manager's chat, whoever answered it and from
  where (the other managers read 「✅ 王芳老师已回复。」; one Telegram will not edit any more is
  left as it is): `mark_answered`. Messages are edited only once the answer reached the
  trainee: otherwise 「回答」 stays there to send it again. (A button without either ending is
  from before they were added: the message pressed in is not edited then; nor is a 问班主任
  message sent before its id was kept, `question_handoffs.message_id`.)
  Two managers may both press 「回答」 before either sends: an answer is sent at once unless
  someone else answered the question after 「回答」 was pressed (the pending input keeps when;
  an answer the prompt showed was warned of there), or, for 📌, at all. It is held back
  instead: the manager reads who answered, when and what (`overtaken`), and chooses
  「仍要作为补充发给学员」 (`kbm:1:sup:<question_id>:<mark of the held text>`; for 📌
  `kbm:1:stc:<question_id>:<curated_id>:<when the other answer was given>`), sent once, unless
  yet another answer came meanwhile (shown then), or 「不发了」
  (`kbm:1:nos:<question_id>[:<mark>]`; for 📌 `kbm:1:nos:<question_id>:<curated_id>:<when>`,
  after which that 📨 sends nothing until 📌 is pressed again, also after a restart). While a
  typed answer is held, 「取消」 is 「不发了」, a reply to the prompt (「发吧」「不发了」) is
  answered with a hint to use the buttons, and any other text replaces the held answer only
  in a new prompt that says so. A held answer lost to a command or 30 minutes turns its
  message, when 📨 is pressed, into 「✍️ 补充回答」 (a 「回答」 that shows the answers given).
  The trainee reads who answered: 「王芳老师回复了您的问题」, or 「王芳老师补充回复：」 when
  the question had an answer already; the question keeps the first answer with the
  supplement under it (「李强老师补充：…」), which is what ⭐ saves, and the manager who
  answered before is told of it.
  Managers read an admin as 「管理员 陈静」. An answer that did not reach a trainee who had
  none (`question_logs.answer_undelivered_at`, kept through a restart) is neither held
  against nor added to: the next one replaces it, headed 「回复了您的问题」. A 「不发了」 under
  a saved answer is kept in the database too (`declined_curated_offers`).
- `/kbstats [天数]` (admins): most asked clauses and notices, decline and 👎 rates.
- An admin sends a notice file (.txt .md .html .htm .pdf .docx, ≤ 20 MB) in a private chat:
  it is ingested and answerable at once; a bad file changes nothing.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.chat import (
    Button,
    DeliveryError,
    Edit,
    Keyboard,
    NeverStarted,
    Notice,
    Reply,
    Send,
    Unreachable,
    keyboard,
)
from bot.db import crud, question_crud
from bot.db.models import Role, User, utcnow
from bot.db.question_models import QuestionLog
from bot.limits import MAX_MESSAGE_UNITS, shorten, utf16_length, visible_length
from handlers import notices
from handlers.ask import (
    ANSWER_PREFIX,
    HANDOFF_ORIGIN,
    VERSION,
    answered_handoff,
    deliver,
    handoff_time,
    knowledge,
    mark_handoffs_answered,
    refresh_curated,
    teacher_name,
)
from handlers.routing import (
    Context,
    Router,
    UserError,
    button_id,
    button_number,
    paging_buttons,
    parse_number,
)
from handlers.typeset import typeset
from knowledge.models import clause_label
from scheduler.timeparse import format_when

if TYPE_CHECKING:
    from knowledge import IngestReport, KnowledgeBase

router = Router("knowledge_admin")  # roles per route: trainees may send files (and are refused)
MANAGERS = {Role.manager, Role.admin}

HANDOFF_STATE = "handoff_answer"
DEFAULT_DAYS = 30
MAX_DAYS = 3650
UNANSWERED_LIMIT = 10  # questions a page of /unanswered shows
# Two taps of 「回答」 this close are one: the second does not ask again.
DOUBLE_TAP = timedelta(seconds=10)
NAME_CHARS = 20  # the trainee's name in that list (a name may have 129 characters)
QUESTION_UNITS = 200  # the start of the question there, in UTF-16 units
MAX_ANSWER_CHARS = 1000
REPORT_TITLES = 10  # notices an upload report names; a compilation's others are counted
TITLE_CHARS = 60  # a notice's title there, shortened keeping its tail
META_CHARS = 30  # its 文号 and date
NOTICE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
MAX_NOTICE_BYTES = 20 * 1024 * 1024
CANCEL_WORDS = {"取消", "cancel", "/cancel"}
SENTENCE_ENDS = ("。", "!", "?", "!", "?", "…", ".")
# Said when a manager may save an answer as a curated one, and once it is saved: it is shared.
SHARED = "保存后，所有培训班的学员问到类似问题，都会先看到这条回答"
STALE = "这个按钮已失效，请重新发送 /unanswered。"
# How close a waiting question must be to a curated answer for 「📌 用标准答案回复」: rapidfuzz's
# token_sort_ratio of the two questions' words (`KnowledgeBase.nearest_curated`), below the
# automatic match's 82. Close rewordings score 67 and up (「北京今天天气如何」 for
# 「今天北京天气怎么样」, 「培训期间住宿费谁出」 for 「培训期间的住宿费用由谁承担」), other
# questions on the same topic up to 63 (「研修总结要写多少字」 for 「研修日志每周要写几篇」):
# tests/questions/test_curated_reply.py. The manager reads which question matched before
# pressing, so a near miss costs a glance, not a wrong answer.
NEAR_CURATED_SCORE = 65.0
CURATED_UNITS = 40  # the start of the matched curated question named under a waiting one
USE_CURATED = "📌 用标准答案回复"
AUTHOR_UNITS = 24  # and who saved it (「王芳老师」)
RETIRED = "这条标准答案已经停用了，没有发给学员。请重新发送 /unanswered，或点「回答」自己写。"
ALREADY_SAVED = "这条回答已经保存为标准答案了，没有重复保存。"
# An answer held back because someone else answered first is sent only when the manager says so.
SUPPLEMENT = "仍要作为补充发给学员"
DROP = "不发了"
ALREADY_SENT = "这条回答已经发给学员了，没有重复发送。"
# What a manager may type to the held answer's prompt meaning one of its buttons: not an answer.
CHOICE_WORDS = {"发", "发吧", "发送", "好", "好的", "确定", "确认", "是", "不发", "不发了", "算了"}
CHOICE_PUNCTUATION = "。.!！~～ "
CHOOSE_WITH_BUTTONS = (
    f"请点上一条消息下面的按钮：「📨 {SUPPLEMENT}」或「🚫 {DROP}」。"
    "刚才这句没有当作回答，待发的回答也没有变；发送「取消」不发。"
)
WRITE_SUPPLEMENT = "✍️ 补充回答"
EARLIER_CHARS = 300  # the start of an earlier answer shown to a manager about to answer again
HELD_UNITS = 1200  # the answer held back, shown with it (with the question, within a message)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MAX_SEEN_MARK = 10**17 - 1  # `seen_mark` until the year 5138
INGEST_LOCK = "knowledge_admin.ingest_lock"

CLEANING_NAMES = {
    "lottery_spam": "彩票/赌博广告",
    "planted_url": "植入的网址",
    "site_navigation": "网站导航",
    "unrelated_headlines": "无关的新闻标题列表",
    "related_articles": "相关文章列表",
    "share_copyright_boilerplate": "分享/二维码/版权/编辑信息",
    "metadata_table": "网页信息表（已提取为元数据）",
    "mojibake_unrecoverable": "无法恢复的乱码",
    "html_remnant": "残留的网页代码",
    "truncation_marker": "截断标记",
    "pinyin_annotation": "拼音注释",
    "traditional_to_simplified": "繁体字（已转为简体）",
}


def data(action: str, question_id: int) -> str:
    return f"{ANSWER_PREFIX}:{VERSION}:{action}:{question_id}"


def parse_days(raw: str) -> int:
    """The number of days typed after /unanswered or /kbstats (DEFAULT_DAYS without one)."""
    raw = raw.strip()
    if not raw:
        return DEFAULT_DAYS
    days = parse_number(raw, low=1, high=MAX_DAYS)
    if days is None:
        raise UserError(f"天数请写 1 到 {MAX_DAYS} 之间的整数，例如 7（默认 {DEFAULT_DAYS} 天）。")
    return days


# ----- unanswered questions and the manager's reply -----------------------------------------


@router.command("unanswered", "学员没得到解答的问题", roles=MANAGERS, private_only=True)
async def unanswered(ctx: Context) -> list[Reply]:
    """List declined or 👎 questions of the manager's trainees, ten to a page (newest first),
    each with an answer button."""
    days = parse_days(ctx.event.args)
    return [Send(*unanswered_listing(ctx, days, 0))]


def unanswered_listing(ctx: Context, days: int, page: int) -> tuple[str, Keyboard]:
    """One page of the questions waiting for the manager in the last `days` days (a page past
    the end shows the last one). Each entry is bounded (the name and the start of the
    question, cut before escaping), so a page stays within Telegram's 4,096 units."""
    since = utcnow() - timedelta(days=days)
    with ctx.services.session() as session:

        def page_of(number: int) -> tuple[int, list[question_crud.UnansweredQuestion]]:
            return question_crud.unanswered_page(
                session,
                manager_id=ctx.user.id,
                since=since,
                everyone=ctx.role is Role.admin,
                offset=number * UNANSWERED_LIMIT,
                limit=UNANSWERED_LIMIT,
            )

        total, questions = page_of(page)
        pages = max(1, -(-total // UNANSWERED_LIMIT))
        if total and not questions:  # answered meanwhile: the last page there is
            page = pages - 1
            total, questions = page_of(page)
        askers = {q.latest.user_id: session.get(User, q.latest.user_id) for q in questions}
    if not questions:
        return f"👍 最近 {days} 天没有待解答的问题。", ()
    near = near_curated(ctx, [entry.latest for entry in questions])
    now = datetime.now(ctx.services.settings.timezone)
    order = "🙋 等您回复的在前，其余新的在前" if questions[0].handed_off else "新的在前"
    lines = [f"🙋 <b>待解答的问题</b>（最近 {days} 天，共 {total} 条，{order}）"]
    rows = []
    for number, entry in enumerate(questions, start=page * UNANSWERED_LIMIT + 1):
        question = entry.latest
        asker = askers.get(question.user_id)
        who = escape(shorten(asker.display_name if asker else str(question.user_id), NAME_CHARS))
        when = format_when(question.created_at, now)
        why = waiting_reason(question, handed_off=entry.handed_off)
        times = f"（问了 {entry.count} 次）" if entry.count > 1 else ""
        asked = escape(clip(question.question, QUESTION_UNITS))
        line = f"{number}. {who} · {when} · {why}\n{asked}{times}"
        answer = data("ans", question.id) + origin_data((days, page))
        row = [Button(f"✍️ 回答第 {number} 条", data=answer)]
        if (match := near.get(entry.id)) is not None:
            named, use = curated_offer(question.id, *match, listing=(days, page))
            line += f"\n{named}"
            row.append(use)
        lines.append(line)
        rows.append(row)
    paging = paging_buttons(page, pages, lambda other: unanswered_page_data(days, other))
    if pages > 1:
        lines.append(f"<i>第 {page + 1}/{pages} 页，越往后越早</i>")
        if page < pages - 2:  # the longest-waiting questions, one tap away
            paging.append(Button("最早的 ⏭", data=unanswered_page_data(days, pages - 1)))
    return "\n\n".join(lines), keyboard(*rows, paging)


def near_curated(ctx: Context, questions: list[QuestionLog]) -> dict[int, tuple[int, str, str]]:
    """question id → (curated id, curated question, 「王芳老师」) for the waiting questions that
    are close to an active curated answer (`NEAR_CURATED_SCORE`), leaving out the one the
    trainee was already given (and found no help, or handed off)."""
    kb = knowledge(ctx.services)
    if kb is None:
        return {}
    found: dict[int, int] = {}
    for question in questions:
        given = () if question.curated_id is None else (question.curated_id,)
        match = kb.nearest_curated(question.question, min_score=NEAR_CURATED_SCORE, exclude=given)
        if match is not None and question.id is not None:
            found[question.id] = match[0]
    near = {}
    with ctx.services.session() as session:
        for question_id, curated_id in found.items():
            curated = question_crud.get_curated(session, curated_id=curated_id)
            if curated is None or not curated.active:  # retired by another process meanwhile
                continue
            author = session.get(User, curated.created_by)
            name = teacher_name(author.display_name) if author is not None else "班主任"
            near[question_id] = (curated_id, curated.question, clip(name, AUTHOR_UNITS))
    return near


def curated_offer(
    question_id: int,
    curated_id: int,
    curated_question: str,
    author: str,
    *,
    listing: tuple[int, int] | None = None,
) -> tuple[str, Button]:
    """The line naming a curated answer close to a waiting question (「相近的标准答案：「…」
    （王芳老师）」, HTML) and its 「📌 用标准答案回复」 button (`reply_with_curated`), as
    /unanswered shows them under the question and the handoff message under the question it
    brings (`handoff_offer`). The button ends with where it is (`origin_data`: the list's
    `listing`, its days and page, or the handoff message's mark), so that the press edits that
    message (`kbm:1:std:<question>:<curated>:<d>:<p>`, `kbm:1:std:<question>:<curated>:ho`)."""
    named = (
        f"<i>相近的标准答案：「{escape(clip(curated_question, CURATED_UNITS))}」"
        f"（{escape(author)}）</i>"
    )
    pressed = f"{data('std', question_id)}:{curated_id}{origin_data(listing)}"
    return named, Button(USE_CURATED, data=pressed)


def handoff_offer(ctx: Context, question: QuestionLog) -> tuple[str, Button] | None:
    """`curated_offer` for a question a trainee just handed off with 问班主任, for the message
    each manager gets (handlers/ask.py `hand_off`), when a saved curated answer is close to it
    (`near_curated`); None otherwise. The button is the one /unanswered shows."""
    assert question.id is not None
    match = near_curated(ctx, [question]).get(question.id)
    return None if match is None else curated_offer(question.id, *match)


def waiting_reason(question: QuestionLog, *, handed_off: bool) -> str:
    """Why a question is in /unanswered: 「🙋 等您回复」 first when the trainee pressed 问班主任
    (they are waiting), with the bot's failure in brackets when there was one."""
    failure = None
    if not question.answered:
        failure = "未能回答"
    elif question.feedback == "down":
        failure = "👎 认为没帮助"
    if not handed_off:
        return failure or "学员想问班主任"
    return f"🙋 等您回复（{failure}）" if failure else "🙋 等您回复"


def unanswered_page_data(days: int, page: int) -> str:
    return f"{ANSWER_PREFIX}:{VERSION}:pg:{days}:{page}"


@dataclass(frozen=True, slots=True)
class AnsweredFrom:
    """The message a manager answers a question from, edited once the answer reached the
    trainee (`answered_view`): a page of /unanswered (`listing`: its days and page) or the
    问班主任 message (`listing` None); `message_id` None is the one whose button is pressed."""

    listing: tuple[int, int] | None = None
    message_id: int | None = None


def origin_data(listing: tuple[int, int] | None) -> str:
    """How the data of a 「回答」 or 「📌 用标准答案回复」 button ends, saying where the button
    is: `:<days>:<page>` on a page of /unanswered, `:ho` in the 问班主任 message (None)."""
    return f":{HANDOFF_ORIGIN}" if listing is None else f":{listing[0]}:{listing[1]}"


def answered_from(tail: list[str]) -> AnsweredFrom | None:
    """The message a manager's button is in, from what follows its ids (`origin_data`); None
    for a button from before buttons said so."""
    if not tail:
        return None
    if tail == [HANDOFF_ORIGIN]:
        return AnsweredFrom()
    if len(tail) != 2:
        raise UserError(STALE)
    days = button_number(tail[0], STALE, low=1, high=MAX_DAYS)
    return AnsweredFrom((days, button_number(tail[1], STALE)))


def answered_view(ctx: Context, question: QuestionLog, source: AnsweredFrom | None) -> list[Reply]:
    """The message `question` was answered from, now that it is: the /unanswered page shown
    again without it, or the 问班主任 message without its buttons, 「✅ 已回复。」; nothing when
    that message is not known."""
    if source is None:
        return []
    if source.listing is not None:
        return [Edit(*unanswered_listing(ctx, *source.listing), message_id=source.message_id)]
    return [answered_handoff(ctx, question, source.message_id)]


async def mark_answered(
    ctx: Context,
    question: QuestionLog,
    repeats: list[int],
    source: AnsweredFrom | None,
    *,
    answered_before_by: int | None = None,
) -> list[Reply]:
    """Once an answer to `question` (and to its `repeats`) reached the trainee: every 问班主任
    message they brought, in any manager's chat, loses its buttons (`mark_handoffs_answered`),
    and the message answered from is edited by the reply returned (`answered_view`)."""
    assert question.id is not None
    pressed = None  # the 问班主任 message answered through: the reply edits it
    if source is not None and source.listing is None:
        pressed = source.message_id if source.message_id is not None else ctx.event.message_id
    await mark_handoffs_answered(
        ctx, [question.id, *repeats], answered_before_by=answered_before_by, pressed=pressed
    )
    return answered_view(ctx, question, source)


def clip(text: str, units: int) -> str:
    """`text` in at most `units` UTF-16 units (as Telegram counts), with … when cut: a plain
    Chinese question keeps its first 199 characters, one of emoji about half as many."""
    if utf16_length(text) <= units:
        return text
    kept = 1  # the …
    for end, char in enumerate(text):
        kept += utf16_length(char)
        if kept > units:
            return text[:end] + "…"
    return text


def question_for_manager(ctx: Context, raw_id: str) -> QuestionLog:
    """The question behind a manager's button, refused unless they may answer it."""
    question_id = button_id(raw_id, STALE)
    with ctx.services.session() as session:
        question = question_crud.get_question(session, question_id=question_id)
        if question is None:
            raise UserError(STALE)
        allowed = question_crud.may_answer(
            session, manager_id=ctx.user.id, question=question, admin=ctx.role is Role.admin
        )
    if not allowed:
        raise UserError("这个问题不是您班学员提的，您不能回答。")
    return question


@router.callback(ANSWER_PREFIX, roles=MANAGERS)
async def on_manager_button(ctx: Context) -> list[Reply]:
    """「回答」 starts the reply, 「保存为标准答案」 stores the curated pair, 「📌 用标准答案回复」
    sends a saved one, 「仍要作为补充发给学员」 / 「不发了」 settle an answer held back because
    another one came first (`overtaken`), ◀ / ▶ page."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) == 5 and parts[1] == VERSION and parts[2] == "pg":
        days = button_number(parts[3], STALE, low=1, high=MAX_DAYS)
        return [Edit(*unanswered_listing(ctx, days, button_number(parts[4], STALE)))]
    if len(parts) >= 5 and parts[1] == VERSION and parts[2] == "std":
        curated_id = button_id(parts[4], STALE)
        source = answered_from(parts[5:])
        question = question_for_manager(ctx, parts[3])
        return await reply_with_curated(ctx, question, curated_id, source=source)
    if len(parts) == 6 and parts[1] == VERSION and parts[2] == "stc":
        curated_id = button_id(parts[4], STALE)
        seen_at = seen_time(parts[5])
        question = question_for_manager(ctx, parts[3])
        return await reply_with_curated(ctx, question, curated_id, seen_at=seen_at)
    if len(parts) < 4 or parts[1] != VERSION:
        raise UserError(STALE)
    action, raw_id = parts[2], parts[3]
    if action == "ans":
        source = answered_from(parts[4:])
        return start_answer(ctx, question_for_manager(ctx, raw_id), source)
    if action == "cur" and len(parts) == 4:
        return save_curated(ctx, question_for_manager(ctx, raw_id))
    if action == "sup" and len(parts) == 5:
        return await send_held_answer(ctx, question_for_manager(ctx, raw_id), held_mark(parts[4]))
    if action == "nos" and len(parts) in (4, 5):
        mark = held_mark(parts[4]) if len(parts) == 5 else None
        return drop_held_answer(ctx, question_for_manager(ctx, raw_id), mark)
    if action == "nos" and len(parts) == 6:  # under a saved answer held back
        curated = (button_id(parts[4], STALE), seen_time(parts[5]))
        return drop_held_answer(ctx, question_for_manager(ctx, raw_id), None, curated)
    raise UserError(STALE)


def start_answer(
    ctx: Context, question: QuestionLog, source: AnsweredFrom | None = None
) -> list[Reply]:
    """Ask for the manager's answer to `question` (a second tap of 回答 within a few seconds only
    says so: the prompt is already there), remembering the message pressed in (`source`) to
    edit once the answer is sent, and when 回答 was pressed: an answer someone else gives after
    that is shown before this one is sent (`receive_answer`)."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        if (
            pending is not None
            and pending.kind == HANDOFF_STATE
            and pending.payload.get("question_id") == question.id
            and utcnow() - pending.updated_at < DOUBLE_TAP
        ):
            return [Notice("请直接发送您的回答，我在等着。")]
        dropped = ""
        if pending is not None and pending.kind == HANDOFF_STATE:
            held = pending.payload.get("held")
            if isinstance(held, str) and pending.payload.get("question_id") != question.id:
                dropped = (  # that prompt's 📨 offers 「✍️ 补充回答」 now (`settled`)
                    f"\n<i>（另一个问题待确认的回答「{escape(clip(held, EARLIER_CHARS))}」"
                    "没有发送，已经放弃。）</i>"
                )
        payload: dict[str, object] = {"question_id": question.id, "pressed_at": iso_now()}
        if source is not None and ctx.event.message_id is not None:
            payload["listing"] = source.listing
            payload["message_id"] = ctx.event.message_id
        crud.set_pending(session, user_id=ctx.user.id, kind=HANDOFF_STATE, payload=payload)
    earlier = ""
    if question.manager_answer and question_crud.undelivered_answer_at(question) is None:
        earlier = f"\n<i>（{answered_already(ctx, question)}再发一次会作为补充回答发给学员。）</i>"
    return [
        Send(
            f"✍️ 请直接发送您的回答，我会转给学员。发送「取消」放弃。{earlier}{dropped}\n\n"
            f"问题：{escape(question.question)}"
        )
    ]


def iso_now() -> str:
    """Now, as the pending input's payload (JSON) keeps a time."""
    return utcnow().isoformat()


def answerer(ctx: Context, question: QuestionLog) -> str:
    """Who answered `question` last, as the manager reads it: 「您」, 「班主任 王芳」,
    「管理员 陈静」 or 「另一位老师」 (the name not escaped)."""
    if question.answered_by == ctx.user.id:
        return "您"
    with ctx.services.session() as session:
        user = session.get(User, question.answered_by) if question.answered_by else None
    if user is None:
        return "另一位老师"
    admin = user.id in ctx.services.settings.admin_ids or user.role == Role.admin
    return f"{'管理员' if admin else '班主任'} {user.display_name}"


def answered_already(ctx: Context, question: QuestionLog) -> str:
    """「这个问题班主任 王芳在 19:46 已经回答过：「…」」 (HTML, ending with a full stop): who
    answered `question`, when, and the start of what they said."""
    said = (question.manager_answer or "")[:EARLIER_CHARS]
    stop = "" if said.rstrip().endswith(SENTENCE_ENDS) else "。"  # not 「…17:00。」。
    when = ""
    if question.manager_answered_at is not None:
        zone = ctx.services.settings.timezone
        when = f"在 {handoff_time(question.manager_answered_at, zone, utcnow().astimezone(zone))} "
    who = escape(answerer(ctx, question))
    return f"这个问题{who}{when}已经回答过：「{escape(said)}」{stop}"


def reply_text(question: QuestionLog, answer: str, by: str, *, supplement: bool = False) -> str:
    """What the trainee receives: the manager's answer under their question, headed with who
    gave it (`by`, their name: 「王芳老师回复了您的问题」), and as a supplement (「王芳老师补充
    回复：」) when the question had an answer already, so that two answers are not read as one
    contradicting itself."""
    who = escape(teacher_name(by))
    heading = f"{who}补充回复：" if supplement else f"{who}回复了您的问题"
    return f"💬 <b>{heading}</b>\n问：{escape(question.question)}\n\n答：{escape(answer)}"


def delivery_status(
    ctx: Context, failure: DeliveryError | None, repeats: list[int], *, sent: str = "回答"
) -> str:
    """How sending the manager's answer went, told to the manager (it is saved either way);
    `sent` names what was sent (HTML) in 「✅ 已把…发给学员。」."""
    if failure is None:
        status = f"✅ 已把{sent}发给学员。"
    elif isinstance(failure, NeverStarted):
        bot = ctx.services.bot_username
        status = (
            "⚠️ 回答已保存，但没能发给学员：对方还没有私聊过我（可能是在群里提问的），我不能主动"
            f"联系。请让对方打开 t.me/{escape(bot)} 并点「开始」，然后再点一次「回答」重发。"
        )
    elif isinstance(failure, Unreachable):
        status = "⚠️ 回答已保存，但没能发给学员（对方屏蔽了我或注销了账号）。"
    else:
        status = (
            "⚠️ 回答已保存，但 Telegram 暂时出错，没能发给学员。请过几分钟再点一次「回答」重发。"
        )
    if repeats:
        status += f"\n这位学员把这个问题问了 {len(repeats) + 1} 次，都已标为已回答。"
    return status


@router.text(
    state=HANDOFF_STATE,
    roles=MANAGERS,
    ended_note=(
        "已取消给学员的回复，没有发送。要回复，请在 /unanswered 里重新点「回答」；"
        "已经有人回答过的问题不在那里：请点那条「⚠️」消息里的「📨」按钮，再点「✍️ 补充回答」。"
    ),
)
async def receive_answer(ctx: Context) -> list[Reply]:
    """The manager's reply to a handed-off question: store it and send it to the trainee; once
    it reached the trainee, edit the message 「回答」 was pressed in (`answered_view`). When
    someone else answered the question after 「回答」 was pressed, the reply is held back
    instead: the manager reads that answer and decides (`overtaken`)."""
    text = ctx.event.text.strip()
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        payload = dict(pending.payload) if pending else {}
        question_id = int(payload.get("question_id") or 0)
        held = payload.get("held")
        if isinstance(held, str) and text.strip(CHOICE_PUNCTUATION) in CHOICE_WORDS:
            return [Send(CHOOSE_WITH_BUTTONS)]  # 「发吧」 answers the prompt, it is no answer
        if text.lower() in CANCEL_WORDS:
            crud.clear_pending(session, user_id=ctx.user.id)
            if isinstance(held, str):  # as 「🚫 不发了」
                question = question_crud.get_question(session, question_id=question_id)
                if question is not None:
                    return [Send(not_sent_text(ctx, question))]
            return [Send("已取消，没有发送任何回答。")]
    if not text:
        raise UserError("回答不能为空。请输入给学员的回答，或发送「取消」放弃。")
    if len(text) > MAX_ANSWER_CHARS:
        raise UserError(f"回答太长了（{len(text)} 字），请控制在 {MAX_ANSWER_CHARS} 字以内。")
    try:
        question = question_for_manager(ctx, str(question_id))
    except UserError:
        with ctx.services.session() as session:  # a dead reply must not swallow later texts
            crud.clear_pending(session, user_id=ctx.user.id)
        raise
    begun = utcnow()  # when 「回答」 was pressed
    if payload.get("pressed_at"):
        begun = datetime.fromisoformat(str(payload["pressed_at"]))
    elif pending is not None:  # a prompt shown before that was kept: when it was shown
        begun = pending.updated_at
    earlier = Earlier.of(question)  # the save below changes `question` too
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        sent = store_answer(ctx, session, question, text, repeats, since=begun)
        if not sent:
            replaced = held if isinstance(held, str) and held != text else None
            return [Send(*hold_answer(ctx, session, question.id, payload, text, replaced))]
        crud.clear_pending(session, user_id=ctx.user.id)
    return await typed_answer_sent(ctx, question, text, repeats, payload, earlier, reply=Send)


def manager_repeats(ctx: Context, session: Session, question: QuestionLog) -> list[int]:
    """`question_crud.unanswered_repeats` of `question` for this manager (all for an admin)."""
    return question_crud.unanswered_repeats(
        session, question=question, manager_id=ctx.user.id, everyone=ctx.role is Role.admin
    )


def store_answer(
    ctx: Context,
    session: Session,
    question: QuestionLog,
    answer: str,
    repeats: list[int],
    *,
    since: datetime | None = None,
    seen_at: datetime | None = None,
) -> bool:
    """Record `answer` as this manager's to `question` and its `repeats`, in one conditional
    UPDATE, if it may be sent now: as a supplement to the answer given at `seen_at` while that
    is still the last one; else unless someone else answered after `since` (when 「回答」 was
    pressed); else (📌) while nobody has answered. Whether it was recorded."""
    assert question.id is not None
    claim = {
        "question_id": question.id,
        "manager_id": ctx.user.id,
        "answer": answer,
        "repeat_ids": repeats,
    }
    # An answer the trainee never got is replaced, not added to.
    lost_at = question_crud.undelivered_answer_at(question)
    heading = None if lost_at else f"{teacher_name(ctx.user.display_name)}补充："
    if seen_at is not None:
        return question_crud.supplement_answer(session, seen_at=seen_at, heading=heading, **claim)
    if since is not None or lost_at is not None:
        latest = max(at for at in (since, lost_at) if at is not None)
        return question_crud.answer_unless_overtaken(
            session, since=latest, heading=heading, **claim
        )
    return question.manager_answer is None and question_crud.answer_if_waiting(session, **claim)


def hold_answer(
    ctx: Context,
    session: Session,
    question_id: int,
    payload: dict,
    text: str,
    replaced: str | None = None,
) -> tuple[str, Keyboard]:
    """Keep the manager's typed answer in the pending reply (`payload`), with when the answer
    that came first was given, and ask whether to send it all the same (`overtaken`), saying
    which answer held before it replaced (`replaced`), if one did."""
    other = question_crud.get_question(session, question_id=question_id)
    assert other is not None and other.manager_answered_at is not None
    held = {**payload, "held": text, "seen_at": other.manager_answered_at.isoformat()}
    crud.set_pending(session, user_id=ctx.user.id, kind=HANDOFF_STATE, payload=held)
    mark = held_token(text)
    return overtaken(
        ctx,
        other,
        "您的回答",
        text,
        confirm=f"{data('sup', question_id)}:{mark}",
        drop=f"{data('nos', question_id)}:{mark}",
        typed=True,
        replaced=replaced,
    )


def overtaken(
    ctx: Context,
    question: QuestionLog,
    what: str,
    answer: str,
    *,
    confirm: str,
    drop: str,
    typed: bool = False,
    replaced: str | None = None,
) -> tuple[str, Keyboard]:
    """The message holding back an answer (`what`: 「您的回答」 or a saved curated one) because
    someone else answered `question` first (since 「回答」 was pressed, when `typed`): who,
    when and what they said, what would be sent (and the held answer it `replaced`), and
    「仍要作为补充发给学员」 / 「不发了」; a typed one says what a text does meanwhile."""
    since = "您点「回答」之后，" if typed else ""
    swap = ""
    if replaced is not None:
        swap = f"（之前待发的「{escape(clip(replaced, EARLIER_CHARS))}」已换成下面这条。）\n"
    hint = "\n请点下面的按钮；直接再发文字会换掉这条回答，发送「取消」不发。" if typed else ""
    text = (
        f"⚠️ {since}{answered_already(ctx, question)}\n\n{swap}"
        f"{what}还没有发给学员：「{escape(clip(answer, HELD_UNITS))}」\n"
        f"学员会收到{answer_count(question)}回答，请先确认它们不互相矛盾。仍要作为补充发给学员吗？"
        f"{hint}\n\n问题：{escape(clip(question.question, QUESTION_UNITS))}"
    )
    return text, keyboard(
        [Button(f"📨 {SUPPLEMENT}", data=confirm), Button(f"🚫 {DROP}", data=drop)]
    )


def answer_count(question: QuestionLog) -> str:
    """「两条」, 「 3 条」: how many answers the trainee has once one more is sent (a supplement
    is kept under its 「李强老师补充：」, `store_answer`)."""
    total = 2 + len(re.findall(r"\n\n[^\n]{1,40}补充：", question.manager_answer or ""))
    return "两条" if total == 2 else f" {total} 条"


def held_token(text: str) -> str:
    """The mark a held answer's buttons carry, so that a prompt for an answer since replaced by
    a newer one (the manager typed again) sends nothing."""
    return f"{zlib.crc32(text.encode()):08x}"


def held_mark(raw: str) -> str:
    """`held_token` from callback data, refused unless it is one."""
    if not re.fullmatch("[0-9a-f]{8}", raw):
        raise UserError(STALE)
    return raw


def seen_mark(at: datetime) -> str:
    """When the answer a manager was shown was given, in callback data (microseconds since
    1970, as exact as the database keeps it): `seen_time` reads it back."""
    return str((at - EPOCH) // MICROSECOND)


def seen_time(raw: str) -> datetime:
    """The time `seen_mark` wrote, refused unless it is one."""
    return EPOCH + button_number(raw, STALE, high=MAX_SEEN_MARK) * MICROSECOND


def held_payload(ctx: Context, question: QuestionLog, mark: str) -> dict | None:
    """The pending reply holding the manager's typed answer to `question` that the pressed
    message shows (`mark`), or None once it was sent, dropped or replaced."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
    if pending is None or pending.kind != HANDOFF_STATE:
        return None
    held = pending.payload.get("held")
    if pending.payload.get("question_id") != question.id or not isinstance(held, str):
        return None
    return dict(pending.payload) if held_token(held) == mark else None


def settled(ctx: Context, question: QuestionLog, mark: str) -> list[Reply]:
    """Why a held answer's button does nothing: that answer was sent already (a double tap), or
    it was replaced by a newer one (whose message has the buttons), or it was dropped or the
    reply ended (30 minutes, or a command): the message then offers 「✍️ 补充回答」, a new
    「回答」 that shows the answers given (sent as a supplement, `start_answer`)."""
    stored = question.manager_answer or ""
    last = stored.rpartition("补充：")[2]  # a supplement is appended (`store_answer`)
    if question.answered_by == ctx.user.id and mark in (held_token(stored), held_token(last)):
        return [Notice(ALREADY_SENT, alert=True)]
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
    newer = (
        pending is not None
        and pending.kind == HANDOFF_STATE
        and pending.payload.get("question_id") == question.id
        and isinstance(pending.payload.get("held"), str)
    )
    if newer:
        return [
            Notice(  # a pop-up: plain text, at most 200 characters
                "这个按钮已失效，没有发送：您又写了新的回答，请用最新一条消息里的按钮。",
                alert=True,
            )
        ]
    write = Button(WRITE_SUPPLEMENT, data=data("ans", question.id or 0))
    return [
        Edit(
            "这条回答没有发给学员：已经不发了，或超过 30 分钟没有确认，或中间发了别的命令。"
            f"要给学员补充，请点下面的「{WRITE_SUPPLEMENT}」重新写。\n\n"
            f"问题：{escape(clip(question.question, QUESTION_UNITS))}",
            keyboard([write]),
        ),
        Notice(
            "这个按钮已失效，没有发送：这条回答已经不发了，或超过 30 分钟没有确认。"
            f"要补充，请点「{WRITE_SUPPLEMENT}」。",
            alert=True,
        ),
    ]


async def send_held_answer(ctx: Context, question: QuestionLog, mark: str) -> list[Reply]:
    """「仍要作为补充发给学员」 under a typed answer held back (`hold_answer`): send it as a
    supplement, once (a double tap sends once), unless yet another answer came meanwhile:
    that one is shown instead, asking again."""
    payload = held_payload(ctx, question, mark)
    if payload is None:
        return settled(ctx, question, mark)
    text = str(payload["held"])
    earlier = Earlier.of(question)
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        seen_at = datetime.fromisoformat(str(payload["seen_at"]))
        sent = store_answer(ctx, session, question, text, repeats, seen_at=seen_at)
        if not sent:
            fresh = question_crud.get_question(session, question_id=question.id) or question
            if fresh.answered_by == ctx.user.id:  # the other tap of a double tap sent it
                return [Notice(ALREADY_SENT)]
            return [Edit(*hold_answer(ctx, session, question.id, payload, text))]
        crud.clear_pending(session, user_id=ctx.user.id)
    return await typed_answer_sent(ctx, question, text, repeats, payload, earlier, reply=Edit)


def drop_held_answer(
    ctx: Context,
    question: QuestionLog,
    mark: str | None,
    curated: tuple[int, datetime] | None = None,
) -> list[Reply]:
    """「不发了」: the held answer is not sent; a typed one ends the reply begun with 「回答」
    (`mark`); a saved curated one (`curated`: its id and when the answer shown was given) is
    recorded as declined, so that 「📨」 sends it no more (`decline_curated_offer`)."""
    if mark is not None:
        if held_payload(ctx, question, mark) is None:
            return settled(ctx, question, mark)
        with ctx.services.session() as session:
            crud.clear_pending(session, user_id=ctx.user.id)
    if curated is not None:
        assert question.id is not None
        curated_id, seen_at = curated
        with ctx.services.session() as session:
            question_crud.decline_curated_offer(
                session,
                question_id=question.id,
                manager_id=ctx.user.id,
                curated_id=curated_id,
                answer_seen_at=seen_at,
            )
    return [Edit(not_sent_text(ctx, question)), Notice("没有发送")]


def not_sent_text(ctx: Context, question: QuestionLog) -> str:
    """What a manager reads once a held answer is not sent: what the trainee has instead."""
    with ctx.services.session() as session:
        fresh = question_crud.get_question(session, question_id=question.id or 0) or question
    has = "学员还没有收到任何老师的回答。"
    if fresh.manager_answer is not None and question_crud.undelivered_answer_at(fresh) is None:
        has = f"学员收到的是{escape(answerer(ctx, fresh))}的回答。"
    return f"好的，没有发给学员。{has}\n\n问题：{escape(clip(fresh.question, QUESTION_UNITS))}"


async def typed_answer_sent(
    ctx: Context,
    question: QuestionLog,
    text: str,
    repeats: list[int],
    payload: dict,
    earlier: Earlier,
    *,
    reply: type[Send] | type[Edit],
) -> list[Reply]:
    """Send the manager's typed answer, stored already, to the trainee (a supplement when the
    question had an answer `earlier`), tell the manager how it went in a new message or in the
    one pressed (`reply`), offering to save it as a curated answer; once it reached the trainee,
    mark the question's messages answered (`mark_answered`)."""
    letter = reply_text(question, text, ctx.user.display_name, supplement=earlier.answered)
    failure = await deliver(ctx.services, question.user_id, letter)
    note_delivery(ctx, question, earlier, failure)
    status = delivery_status(ctx, failure, repeats)
    signed = escape(teacher_name(ctx.user.display_name))
    replies: list[Reply] = [
        reply(
            f"{status}\n\n这个回答也适用于其他学员的话，可以保存为标准答案。{SHARED}，"
            f"署名「{signed}的解答」。只适用于本班的回答（如本班的教室、日期、联系电话）"
            "请不要保存。",
            keyboard([Button("⭐ 保存为标准答案", data=data("cur", question.id))]),
        )
    ]
    if failure is None:
        await tell_earlier_answerer(ctx, question, text, earlier)
        source = None
        if "message_id" in payload:
            listing = payload.get("listing")
            source = AnsweredFrom(tuple(listing) if listing else None, payload["message_id"])
        replies += await mark_answered(
            ctx, question, repeats, source, answered_before_by=earlier.by
        )
    return replies


async def tell_earlier_answerer(
    ctx: Context, question: QuestionLog, answer: str, earlier: Earlier
) -> None:
    """Once another manager's supplement reached the trainee, tell the one who answered before
    (they may want to check the two agree); nothing when that was this manager."""
    if not earlier.answered or earlier.by is None or earlier.by == ctx.user.id:
        return
    who = escape(teacher_name(ctx.user.display_name))
    await deliver(
        ctx.services,
        earlier.by,
        f"ℹ️ {who}给学员补充回复了您回答过的问题：「{escape(clip(answer, EARLIER_CHARS))}」\n\n"
        f"问题：{escape(clip(question.question, QUESTION_UNITS))}",
    )


@dataclass(frozen=True, slots=True)
class Earlier:
    """Whether a question had a manager's answer before this one was stored, and whose."""

    answered: bool
    by: int | None

    @classmethod
    def of(cls, question: QuestionLog) -> Earlier:
        """An answer that did not reach the trainee (`question_crud.undelivered_answer_at`)
        is none."""
        lost = question_crud.undelivered_answer_at(question)
        given = question.manager_answer is not None and lost is None
        return cls(given, question.answered_by if given else None)


def note_delivery(
    ctx: Context, question: QuestionLog, earlier: Earlier, failure: DeliveryError | None
) -> None:
    """Record whether this manager's answer, just stored, reached the trainee (in the database,
    so a restart keeps it): one that did not, and was the trainee's only one, is not held
    against nor added to (`question_crud.undelivered_answer_at`)."""
    assert question.id is not None
    with ctx.services.session() as session:
        if failure is None or earlier.answered:
            question_crud.mark_answer_delivered(session, question_id=question.id)
        else:
            question_crud.mark_answer_undelivered(
                session, question_id=question.id, manager_id=ctx.user.id
            )


async def reply_with_curated(
    ctx: Context,
    question: QuestionLog,
    curated_id: int,
    *,
    source: AnsweredFrom | None = None,
    seen_at: datetime | None = None,
) -> list[Reply]:
    """「📌 用标准答案回复」: send a saved curated answer to the trainee as a typed answer is sent
    (and recorded as this manager's answer), once: not if it was retired meanwhile, nor when
    this manager answered first (another tap). When another manager answered first, the manager
    reads that answer and decides (`overtaken`); 「仍要作为补充发给学员」 comes back here with
    when that answer was given (`seen_at`), and sends it as a supplement unless yet another
    came meanwhile. The message pressed in (`source`) is edited as after a typed answer
    (`answered_view`)."""
    with ctx.services.session() as session:
        curated = question_crud.get_curated(session, curated_id=curated_id)
        author = session.get(User, curated.created_by) if curated is not None else None
    if curated is None:
        raise UserError(STALE)
    if not curated.active:
        raise UserError(RETIRED)
    assert question.id is not None
    offer = {"question_id": question.id, "manager_id": ctx.user.id, "curated_id": curated_id}
    with ctx.services.session() as session:
        if seen_at is None:  # 📌 pressed again: a new choice
            question_crud.forget_declined_curated(session, **offer)
            declined = False
        else:
            declined = question_crud.curated_offer_declined(
                session, answer_seen_at=seen_at, **offer
            )
    if declined:
        raise UserError(
            f"这条标准答案您已经选了「{DROP}」，没有发送。要发，请重新点「{USE_CURATED}」。"
        )
    earlier = Earlier.of(question)  # the save below changes `question` too
    with ctx.services.session() as session:
        repeats = manager_repeats(ctx, session, question)
        sent = store_answer(ctx, session, question, curated.answer, repeats, seen_at=seen_at)
        fresh = question_crud.get_question(session, question_id=question.id) or question
    saved_by = escape(teacher_name(author.display_name) if author is not None else "班主任")
    if not sent:
        if fresh.answered_by == ctx.user.id:
            raise UserError("您已经回答过这个问题了，这次没有再发送。")
        assert fresh.manager_answered_at is not None
        chosen = f"{question.id}:{curated_id}:{seen_mark(fresh.manager_answered_at)}"
        held = overtaken(
            ctx,
            fresh,
            f"{saved_by}保存的标准答案",
            curated.answer,
            confirm=f"{ANSWER_PREFIX}:{VERSION}:stc:{chosen}",
            drop=f"{ANSWER_PREFIX}:{VERSION}:nos:{chosen}",
        )
        return [Send(*held) if seen_at is None else Edit(*held)]
    with ctx.services.session() as session:  # a reply begun with 「回答」 is not waited for
        pending = crud.get_pending(session, user_id=ctx.user.id)
        if (
            pending is not None
            and pending.kind == HANDOFF_STATE
            and pending.payload.get("question_id") == question.id
        ):
            crud.clear_pending(session, user_id=ctx.user.id)
    letter = reply_text(
        question, curated.answer, ctx.user.display_name, supplement=earlier.answered
    )
    failure = await deliver(ctx.services, question.user_id, letter)
    note_delivery(ctx, question, earlier, failure)
    status = delivery_status(ctx, failure, repeats, sent=f"{saved_by}保存的标准答案")
    answer = "发送的回答" if failure is None else f"{saved_by}保存的标准答案"
    done = (
        f"{status}\n\n学员的问题：{escape(question.question)}\n{answer}：{escape(curated.answer)}"
    )
    replies: list[Reply] = [Send(done) if seen_at is None else Edit(done)]
    if failure is None:
        await tell_earlier_answerer(ctx, question, curated.answer, earlier)
        replies += await mark_answered(
            ctx, question, repeats, source, answered_before_by=earlier.by
        )
    return replies


def save_curated(ctx: Context, question: QuestionLog) -> list[Reply]:
    """Store the question and the manager's reply as a curated answer and reload them."""
    if not question.manager_answer:
        raise UserError("这个问题还没有回答，先点「回答」写下回答再保存。")
    if question.answered_by != ctx.user.id and ctx.role is not Role.admin:
        # Two managers answered: the trainee got both, the question keeps only the later one.
        with ctx.services.session() as session:
            other = session.get(User, question.answered_by) if question.answered_by else None
        who = f"另一位老师（{shorten(other.display_name, 20)}）" if other else "另一位老师"
        raise UserError(  # a pop-up: plain text, at most 200 characters
            f"{who}随后补充了这个问题的回答，您的回答和对方的补充合在一起记录，"
            "所以不能以您的名义保存。两条回答学员都已收到；对方可以把两条一起保存为标准答案。"
        )
    assert question.id is not None
    with ctx.services.session() as session:
        saved = question_crud.save_curated_once(
            session, question_id=question.id, created_by=ctx.user.id
        )
    if saved is None:  # a double tap, or a press on an old message: nothing changes
        return [Notice(ALREADY_SAVED)]
    refresh_curated(ctx.services)
    signed = escape(teacher_name(ctx.user.display_name))
    return [
        Edit(
            f"⭐ 已保存为标准答案。{SHARED}，署名「{signed}的解答」。"
            "要收回，请在 /curated 里停用。\n\n"
            f"问：{escape(saved.question)}\n答：{escape(saved.answer)}"
        ),
        Notice("已保存"),
    ]


# ----- statistics --------------------------------------------------------------------------


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def kbstats_text(stats: question_crud.QuestionStats, days: int, index: dict | None) -> str:
    """The /kbstats report (also usable by a CLI command)."""
    lines = [f"📊 <b>知识库统计</b>（最近 {days} 天）"]
    if index:
        notices = index.get("notices", index.get("documents", 0))
        lines.append(f"通知 {notices} 篇，条款段落 {index.get('passages', 0)} 个")
    lines.append(
        f"提问 {stats.total} 次：回答 {stats.answered}，未能回答 {stats.declined}"
        f"（拒答率 {percent(stats.decline_rate)}），其中标准答案 {stats.curated}"
    )
    lines.append(
        f"反馈 👍 {stats.thumbs_up} / 👎 {stats.thumbs_down}"
        f"（👎 率 {percent(stats.thumbs_down_rate)}，按已回答的问题计）"
    )
    lines.append(
        f"转给班主任 {stats.handed_off}，班主任已回答 {stats.manager_answered}；"
        f"平均查询 {stats.average_ms:.1f} ms"
    )
    if stats.top_clauses:
        lines.append("\n<b>最常被问到的条款</b>")
        for title, number, clause, count in stats.top_clauses:
            where = " · ".join(
                escape(typeset(p)) for p in (number, clause_label(clause or "")) if p
            )
            named = f"《{escape(typeset(title))}》"
            lines.append(f"• {named}{(' ' + where) if where else ''}：{count} 次")
    if stats.top_notices:
        lines.append("\n<b>最常被问到的通知</b>")
        for title, number, count in stats.top_notices:
            named = f"《{escape(typeset(title))}》"
            lines.append(f"• {named}{(' ' + escape(number)) if number else ''}：{count} 次")
    return "\n".join(lines)


@router.command("kbstats", "知识库统计", roles={Role.admin}, private_only=True)
async def kbstats(ctx: Context) -> list[Reply]:
    """Show question volume, decline and 👎 rates, and the most asked clauses and notices."""
    days = parse_days(ctx.event.args)
    with ctx.services.session() as session:
        stats = question_crud.question_stats(session, since=utcnow() - timedelta(days=days))
    kb = ctx.services.knowledge
    return [Send(kbstats_text(stats, days, kb.stats() if kb is not None else None))]


# ----- notice upload -----------------------------------------------------------------------


def safe_file_name(name: str) -> str:
    """The file's own name without folders or odd characters (kept readable, ≤ 100 chars)."""
    base = Path(name.replace("\\", "/")).name.strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w\u4e00-\u9fff()()\-]+", "_", stem).strip("._")[:90] or "notice"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def report_text(kb: KnowledgeBase, name: str, report: IngestReport) -> str:
    """The cleaning report of an uploaded notice (or why nothing was added). A compilation of
    many notices names the first `REPORT_TITLES` (each title shortened) and counts the others
    (「另有 N 篇」), so the report fits in a message with its cleaning figures whole."""
    if report.duplicate_of:
        return (
            f"ℹ️ 「{escape(name)}」与已有通知 {escape(report.duplicate_of)} 内容相同，"
            "未重复导入，知识库没有改动。\n这份通知本来就可以提问。"
        )
    documents = {d["doc_id"]: d for d in kb.documents()}
    head = [f"✅ 已加入知识库：{escape(name)}"]
    if report.renamed and report.stored_as:
        head.append(
            f"知识库里已有同名的另一份通知，这份另存为「{escape(report.stored_as)}」，"
            "原来的通知仍然保留。"
        )
    head.append(f"通知 {len(report.documents)} 篇，切分为 {report.passages} 个条款段落：")
    tail = []
    removed = {category: count for category, count in report.removed.items() if count}
    if removed or report.repaired:
        tail.append("\n🧹 <b>清理掉的内容</b>")
        for category, count in sorted(removed.items(), key=lambda item: -item[1]):
            samples = report.samples.get(category) or []
            sample = f"（如「{escape(samples[0])}」）" if samples else ""
            tail.append(f"• {CLEANING_NAMES.get(category, escape(category))} {count} 处{sample}")
        if report.repaired:
            tail.append(f"• 修复乱码 {report.repaired} 处")
    else:
        tail.append("\n🧹 没有需要清理的内容。")
    tail.append("\n现在就可以就这份通知提问了。")
    # The titles take the room the rest leaves, keeping some for the 「另有」 line: ten fit
    # even beside every cleaning category (samples are at most 40 characters).
    room = MAX_MESSAGE_UNITS - visible_length("\n".join(head + tail)) - 50
    titles: list[str] = []
    for doc_id in report.documents[:REPORT_TITLES]:
        line = title_line(documents.get(doc_id, {}), doc_id)
        room -= visible_length(line) + 1
        if room < 0:
            break
        titles.append(line)
    if len(report.documents) > len(titles):
        titles.append(f"……另有 {len(report.documents) - len(titles)} 篇，不再逐一列出。")
    return "\n".join(head + titles + tail)


def title_line(meta: dict, doc_id: str) -> str:
    """「• 《title》 文号 date」 of one notice in the upload report, each part shortened."""
    title = shorten(typeset(meta.get("title") or doc_id), TITLE_CHARS)
    extra = " ".join(
        escape(shorten(meta.get(key) or "", META_CHARS)) for key in ("doc_number", "date")
    ).strip()
    return f"• 《{escape(title)}》{(' ' + extra) if extra else ''}"


@router.document()
@router.document(extensions=NOTICE_SUFFIXES, uploaders={Role.admin})
async def receive_notice(ctx: Context) -> list[Reply]:
    """An admin's notice file (sent or forwarded) is ingested at once; others get a polite
    refusal (a manager's forwarded file is a broadcast offer instead, see handlers/broadcast)."""
    from knowledge import IngestError

    if not ctx.event.is_private:
        return []
    if ctx.role is not Role.admin:
        to_whom = "项目管理员" if ctx.is_manager else "班主任或项目管理员"
        return [
            Send(
                "谢谢您发来的文件！不过只有管理员可以把通知加入知识库。"
                f"如果这份通知需要加入，请转给{to_whom}。"
            )
        ]
    document = ctx.event.document
    if document is None:
        raise UserError("没有收到文件，请重新发送。")
    name = safe_file_name(document.file_name or "notice")
    suffix = Path(name).suffix.lower()
    if suffix not in NOTICE_SUFFIXES:
        raise UserError(
            f"暂不支持「{escape(suffix or '无扩展名')}」文件。"
            "请发送 .txt .md .html .htm .pdf .docx 格式的通知。"
        )
    if document.size is not None and document.size > MAX_NOTICE_BYTES:
        raise UserError("文件太大了（超过 20 MB）。请只发送通知正文。")
    kb = knowledge(ctx.services)
    if kb is None or ctx.services.messenger is None:
        raise UserError("知识库暂时不可用，请稍后再发，或在服务器上用 guopei-bot ingest 导入。")
    try:
        content = await ctx.services.messenger.download(document.file_id)
    except DeliveryError:
        raise UserError("下载文件失败，请重新发送一次。") from None
    if not content:
        raise UserError("文件是空的，没有加入知识库。")
    if len(content) > MAX_NOTICE_BYTES:
        raise UserError("文件太大了（超过 20 MB）。请只发送通知正文。")
    await deliver(
        ctx.services, ctx.event.chat_id, f"📥 收到「{escape(name)}」，正在清理并加入知识库…"
    )
    lock = ctx.services.extras.setdefault(INGEST_LOCK, asyncio.Lock())
    async with lock:
        with tempfile.TemporaryDirectory(prefix="guopei-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            try:
                reports = await asyncio.to_thread(kb.ingest, [path], on_same="ask")
            except IngestError as error:
                raise UserError(
                    f"❌ 「{escape(name)}」没有加入知识库：{escape(error.sentence)}\n"
                    "知识库没有任何改动。"
                ) from None
            if reports[0].held:  # the 文号 or title of a stored notice: replace it or keep both
                return [notices.ask_to_replace(ctx, path, reports[0])]
    return [Send(report_text(kb, name, reports[0]))]
