"""The questions waiting for a manager: `/unanswered [天数]` (managers; an admin sees every
class's).

Declined or 👎 questions of the manager's trainees, ten to a page, the ones a trainee handed
off with 问班主任 first (「🙋 等您回复」), then newest first (◀ / ▶ and 「最早的 ⏭」:
`kbm:1:pg:<days>:<page>`), each with a 「回答」 button (`kbm:1:ans:<question_id>:<days>:<page>`;
what it starts: handlers/manager_answer.py) and a 「🗑 忽略」 button for junk
(`kbm:1:dis:<question_id>:<days>:<page>`, `dismiss`). A question one trainee asked several times
(「住宿费谁出」「住宿费谁出?」) is one row, 「(问了 N 次)」, and the one answer sent to the
trainee closes every one of those asks.

A question close to a saved curated answer (anyone's: `KnowledgeBase.nearest_curated`, looser
than the automatic match) names it (「相近的标准答案：「…」（王芳老师）」) and has
「📌 用标准答案回复」 (`kbm:1:std:<question_id>:<curated_id>`, in /unanswered followed by the
list's days and page). The message a manager gets when a trainee presses 问班主任
(handlers/ask.py) has the same line and button (`handoff_offer`), and 「回答」, both ending in
`:ho` instead of days and page (`origin_data`, read back by `answered_from`): the message a
question was answered from is edited once the answer reached the trainee, the list shown again
without the question, or the 问班主任 message without its buttons
(handlers/answer_delivery.py `answered_view`). A button without either ending is from before
they were added: the message pressed in is not edited then.

A question the notices now answer (an admin uploaded a notice since it was declined, or the
clause the trainee 👎'd is no longer the top one) is marked
「💡 现在知识库能回答了：《…》 条款 三、：「请参训学员于…」」, quoting the start of the clause
(`CLAUSE_UNITS`) so the manager reads what goes out, with 「📨 把条款发给学员」
(`kbm:1:kbs:<question_id>:<passage_id>:<days>:<page>`, handled in
handlers/manager_answer.py `send_clause`): each listed question is asked again when the page
is rendered (`now_answerable`; about 1–3 ms a question, ten a page), and only a confident
answer from the notices counts. A page whose marks and offers would not fit shows 100 units
of each question instead of 200, then 30 of each clause instead of 60 (`FITTING`).

「🗑 忽略」 sets the question (and its repeats) aside for every manager and admin: one
manager's dismissal settles it, as an answer does, and the confirmation says so. It is stored
(`question_logs.dismissed_at`) and is not counted as answered by /kbstats. Junk goes in one
tap and the trainee is sent nothing. A question the trainee handed on (问班主任) or the
notices now answer (💡) is a real one: the message first asks, in place, with
「🗑 确定忽略」 (`kbm:1:dsy:<question_id>:<days>:<page>`) and 「↩️ 返回」 (the page again);
a trainee who handed it on is then told, once (by the press that dismissed it), that the
manager cannot reply (`NO_REPLY`), so they do not wait; dismissed again after
「↩️ 撤销忽略」, it is not told again (`question_crud.told_no_reply`), unless they handed on
another ask of it since. The page is shown again without it,
headed with what was dismissed and 「↩️ 撤销忽略」 (`kbm:1:und:<question_id>:<days>:<page>`),
which brings it back.

A way back once that message is gone: every page of /unanswered ends with
「已忽略 N 条（最近 30 天）」 and 「🗂 查看已忽略的」 (`kbm:1:dpg:<days>:<page>`,
`dismissed_listing`), the dismissed questions the list would otherwise show (asked in the
same days, however long ago they were dismissed), laid out and paged as this list is, each
with 「↩️ 撤销忽略第 N 条」 (`kbm:1:rst:<question_id>:<days>:<page>`, `restore_listed`). A
handed-on one says the trainee was told no reply would come (「🙋 已告诉学员暂时无法回复」).

The trainee asking a dismissed question again (the same words, as repeats are matched) does
not bring it back: the new ask is stored dismissed with it (`question_crud.log_question`), and
the list of dismissed ones says 「之后学员又问了 N 次」. Only 问班主任 on it brings it back
(`question_crud.claim_handoff`).

Usage::

    text, buttons = unanswered_listing(ctx, days, page)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, keyboard
from bot.db import question_crud
from bot.db.models import Role, User, utcnow
from bot.db.question_models import QuestionLog
from bot.limits import MAX_MESSAGE_UNITS, shorten, utf16_length, visible_length
from handlers.ask import (
    ANSWER_PREFIX,
    HANDOFF_ORIGIN,
    HITS_PER_QUESTION,
    VERSION,
    deliver,
    fresh_knowledge,
    knowledge,
    teacher_name,
)
from handlers.routing import (
    Context,
    Router,
    UserError,
    button_number,
    paging_buttons,
    parse_number,
)
from handlers.typeset import typeset
from knowledge.models import Hit, clause_label
from scheduler.timeparse import format_when

router = Router("unanswered")

MANAGERS = {Role.manager, Role.admin}
DEFAULT_DAYS = 30
MAX_DAYS = 3650
UNANSWERED_LIMIT = 10  # questions a page of /unanswered shows
NAME_CHARS = 20  # the trainee's name in that list (a name may have 129 characters)
QUESTION_UNITS = 200  # the start of the question there, in UTF-16 units
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
DISMISS = "🗑 忽略"
UNDO_DISMISS = "↩️ 撤销忽略"
NOTE_UNITS = 60  # the start of the question named in the dismissal's confirmation
ANSWERABLE = "💡 现在知识库能回答了"
SEND_CLAUSE = "📨 把条款发给学员"
TITLE_UNITS = 30  # the start of the notice's title in the 💡 line
CLAUSE_UNITS = 60  # the start of the clause there: what 📨 would send, read before pressing
CONFIRM_DISMISS = "🗑 确定忽略"
BACK = "↩️ 返回"
SHOW_DISMISSED = "🗂 查看已忽略的"
BACK_TO_LIST = "◀ 返回待解答列表"
# Sent to a trainee who handed a question on (问班主任) when a manager dismisses it, so they do
# not wait for a reply that will not come.
NO_REPLY = (
    "您转给班主任的问题「{question}」班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
)
# A clause number opening a passage, which the 💡 line's citation names already.
CLAUSE_NUMBER = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[条章节部分]|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])\s*"
)


# (question units, clause units) tried in turn until a /unanswered page fits.
FITTING = (
    (QUESTION_UNITS, CLAUSE_UNITS),
    (QUESTION_UNITS // 2, CLAUSE_UNITS),
    (QUESTION_UNITS // 2, CLAUSE_UNITS // 2),
)


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


@router.command("unanswered", "学员没得到解答的问题", roles=MANAGERS, private_only=True)
async def unanswered(ctx: Context) -> list[Reply]:
    """List declined or 👎 questions of the manager's trainees, ten to a page (newest first),
    each with an answer button."""
    days = parse_days(ctx.event.args)
    await fresh_knowledge(ctx.services)  # a notice `guopei-bot ingest` added meanwhile
    return [Send(*unanswered_listing(ctx, days, 0))]


def unanswered_listing(
    ctx: Context, days: int, page: int, *, note: str = "", undo: Button | None = None
) -> tuple[str, Keyboard]:
    """One page of the questions waiting for the manager in the last `days` days (a page past
    the end shows the last one), under `note` (HTML: what a button just did) with an `undo`
    button above the paging. Each entry is bounded (the name and the start of the question,
    cut before escaping), so a page stays within Telegram's 4,096 units."""
    since = utcnow() - timedelta(days=days)
    with ctx.services.session() as session:

        def page_of(number: int) -> tuple[int, list[question_crud.UnansweredQuestion], int]:
            return question_crud.unanswered_page_and_dismissed(
                session,
                manager_id=ctx.user.id,
                since=since,
                everyone=ctx.role is Role.admin,
                offset=number * UNANSWERED_LIMIT,
                limit=UNANSWERED_LIMIT,
            )

        total, questions, dismissed = page_of(page)
        pages = max(1, -(-total // UNANSWERED_LIMIT))
        if total and not questions:  # answered meanwhile: the last page there is
            page = pages - 1
            total, questions, dismissed = page_of(page)
        askers = {q.latest.user_id: session.get(User, q.latest.user_id) for q in questions}
    head = f"{note}\n\n" if note else ""
    foot, show = "", []
    if dismissed:  # a way back for a mis-tapped 🗑, after its message is gone
        foot = f"\n\n<i>已忽略 {dismissed} 条（最近 {days} 天）</i>"
        show = [Button(SHOW_DISMISSED, data=dismissed_page_data(days, 0))]
    if not questions:
        empty = f"{head}👍 最近 {days} 天没有待解答的问题。{foot}"
        return empty, keyboard([undo] if undo else [], show)
    near = near_curated(ctx, [entry.latest for entry in questions])
    answerable = now_answerable(ctx, [entry.latest for entry in questions])
    now = datetime.now(ctx.services.settings.timezone)
    order = "🙋 等您回复的在前，其余新的在前" if questions[0].handed_off else "新的在前"
    header = f"{head}🙋 <b>待解答的问题</b>（最近 {days} 天，共 {total} 条，{order}）"
    rows: list[list[Button]] = []
    listing = (days, page)
    # The marks and offers fit with the questions' first 200 units, else 100, else with the
    # clauses' first 30 units too.
    for units, clause_units in FITTING:
        entries, rows = [], []
        for number, entry in enumerate(questions, start=page * UNANSWERED_LIMIT + 1):
            asker = askers.get(entry.latest.user_id)
            name = asker.display_name if asker else str(entry.latest.user_id)
            line, buttons = listed_entry(
                entry,
                number,
                name,
                now,
                listing,
                near.get(entry.id),
                answerable,
                units,
                clause_units=clause_units,
            )
            entries.append(line)
            rows.extend(buttons)
        text = "\n\n".join([header, *entries])
        if visible_length(text + foot) <= MAX_MESSAGE_UNITS - 200:
            break
    parts = [text]
    paging = paging_buttons(page, pages, lambda other: unanswered_page_data(days, other))
    if pages > 1:
        parts.append(f"<i>第 {page + 1}/{pages} 页，越往后越早</i>")
        if page < pages - 2:  # the longest-waiting questions, one tap away
            paging.append(Button("最早的 ⏭", data=unanswered_page_data(days, pages - 1)))
    text = "\n\n".join(parts) + foot
    return text, keyboard(*rows, [undo] if undo else [], paging, show)


def listed_entry(
    entry: question_crud.UnansweredQuestion,
    number: int,
    name: str,
    now: datetime,
    listing: tuple[int, int],
    near: tuple[int, str, str] | None,
    answerable: dict[int, Hit],
    units: int,
    *,
    clause_units: int = CLAUSE_UNITS,
) -> tuple[str, list[list[Button]]]:
    """Entry `number` of a /unanswered page (HTML; the question's first `units` UTF-16 units,
    the 💡 clause's first `clause_units`) and its buttons: 「✍️ 回答第 N 条」, 📌 or 📨 when
    offered, and 「🗑 忽略」 in one row (📨 in a row of its own below when both are offered)."""
    question = entry.latest
    assert question.id is not None
    who = escape(shorten(name, NAME_CHARS))
    when = format_when(question.created_at, now)
    why = waiting_reason(question, handed_off=entry.handed_off)
    times = f"（问了 {entry.count} 次）" if entry.count > 1 else ""
    asked = escape(clip(question.question, units))
    line = f"{number}. {who} · {when} · {why}\n{asked}{times}"
    row = [Button(f"✍️ 回答第 {number} 条", data=data("ans", question.id) + origin_data(listing))]
    below: list[Button] = []
    if near is not None:
        named, use = curated_offer(question.id, *near, listing=listing)
        line += f"\n{named}"
        row.append(use)
    if (hit := answerable.get(question.id)) is not None:
        line += f"\n{answerable_line(hit, clause_units)}"
        pressed = f"{data('kbs', question.id)}:{hit.passage_id}{origin_data(listing)}"
        if near is None:
            row.append(Button(SEND_CLAUSE, data=pressed))
        else:
            below.append(Button(f"📨 把第 {number} 条的条款发给学员", data=pressed))
    row.append(Button(DISMISS, data=data("dis", question.id) + origin_data(listing)))
    return line, [row, below] if below else [row]


def answerable_line(hit: Hit, clause_units: int = CLAUSE_UNITS) -> str:
    """「💡 现在知识库能回答了：《…》 条款 三、：「请参训学员于…」」 (HTML): which notice now
    answers a question, and the start of the clause 📨 would send (its first `clause_units`
    UTF-16 units, without the clause number the citation names)."""
    title = escape(clip(typeset(hit.title) or "未命名通知", TITLE_UNITS))
    clause = f" {escape(typeset(clause_label(hit.clause)))}" if hit.clause else ""
    start = CLAUSE_NUMBER.sub("", " ".join(typeset(hit.text).split()), count=1)
    quoted = f"：「{escape(clip(start, clause_units))}」" if start else ""
    return f"{ANSWERABLE}：《{title}》{clause}{quoted}"


def now_answerable(ctx: Context, questions: list[QuestionLog]) -> dict[int, Hit]:
    """question id → the top clause, for the waiting questions the notices now answer with
    confidence (curated answers left aside: 📌 offers those) other than with the clause the
    trainee was given (and found no help, or handed on). Each question is asked again: about
    1–3 ms each, ten a page."""
    kb = knowledge(ctx.services)
    if kb is None:
        return {}
    found = {}
    for question in questions:
        answer = kb.ask(question.question, k=HITS_PER_QUESTION, with_curated=False)
        if not (answer.answered and answer.confident and answer.hits) or question.id is None:
            continue
        top = answer.hits[0]
        given = (question.top_doc_id, question.top_clause or "")
        if question.answered and question.curated_id is None and given == (top.doc_id, top.clause):
            continue
        found[question.id] = top
    return found


async def dismiss(
    ctx: Context, question: QuestionLog, listing: tuple[int, int], *, confirmed: bool = False
) -> list[Reply]:
    """「🗑 忽略」: set the question and its repeats aside for every manager and show the page
    pressed in again without it, saying so, with 「↩️ 撤销忽略」. A question the trainee handed
    on (问班主任) or the notices now answer (💡) is a real one: unless `confirmed`
    (「🗑 确定忽略」), the message asks first, in place. A trainee who handed it on is told,
    once, that no reply will come (`NO_REPLY`); junk sends nothing. A question answered or
    dismissed meanwhile is left as it is, and the page shown again says why; a second tap of
    「🗑 确定忽略」 that this manager's first tap dismissed only gets a toast, so that the message
    keeps what it did and its 「↩️ 撤销忽略」."""
    assert question.id is not None
    with ctx.services.session() as session:
        repeats = question_crud.unanswered_repeats(
            session, question=question, manager_id=ctx.user.id, everyone=ctx.role is Role.admin
        )
        asks = [session.get(QuestionLog, i) for i in (question.id, *repeats)]
    fresh = asks[0]
    handed = [a for a in asks if a is not None and a.handed_off_at is not None]
    # Told at an earlier dismissal of every ask handed on: 「↩️ 撤销忽略」, then 🗑 again.
    told = bool(handed) and all(question_crud.told_no_reply(a) for a in handed)
    waiting = fresh is not None and fresh.manager_answer is None and fresh.dismissed_at is None
    if waiting and not confirmed:
        await fresh_knowledge(ctx.services)
        hit = now_answerable(ctx, [question]).get(question.id)
        if handed or hit is not None:
            asked = confirm_dismissal(
                question, listing, len(repeats) + 1, bool(handed), hit, told=told
            )
            return [Edit(*asked)]
    with ctx.services.session() as session:
        dismissed = question_crud.dismiss_question(
            session, question_id=question.id, manager_id=ctx.user.id, repeat_ids=repeats
        )
        fresh = session.get(QuestionLog, question.id)
        by = session.get(User, fresh.dismissed_by) if fresh and fresh.dismissed_by else None
    asked = f"「{escape(clip(question.question, NOTE_UNITS))}」"
    if dismissed is None:
        why = not_dismissed(ctx, fresh, by)
        if confirmed and why == ALREADY_MINE:
            # A second tap of 「🗑 确定忽略」: the message keeps 「🗑 已忽略」 and 「↩️ 撤销忽略」.
            return [Notice(why)]
        return [Edit(*unanswered_listing(ctx, *listing, note=f"⚠️ {asked}{why}")), Notice(why)]
    times = f"（学员问了 {len(repeats) + 1} 次，都已忽略）" if repeats else ""
    note = (
        f"🗑 已忽略{asked}{times}。它已从所有老师的 /unanswered 里移除（学员所在各班的"
        "班主任和管理员都不再看到）；"
    )
    toast = "已忽略，学员不会收到任何消息"
    if told:
        note += (
            "这位学员点过「问班主任」，上次忽略时已经告诉过学员班主任暂时无法回复，"
            "这次没有再发消息给学员。"
        )
        toast = "已忽略，学员上次已收到「班主任暂时无法回复」，没有再发"
    elif handed:  # only the press that dismissed it gets here: the trainee is told once
        told = NO_REPLY.format(question=escape(clip(question.question, NOTE_UNITS)))
        failure = await deliver(ctx.services, question.user_id, told)
        if failure is None:
            note += f"这位学员点过「问班主任」，我已告诉学员：{told}"
            toast = "已忽略，已告诉学员班主任暂时无法回复"
        else:
            note += "这位学员点过「问班主任」，但没能告诉学员班主任暂时无法回复（发送失败）。"
            toast = "已忽略，但没能告诉学员"
    else:
        note += "学员不会收到任何消息。"
    undo = Button(UNDO_DISMISS, data=data("und", question.id) + origin_data(listing))
    return [Edit(*unanswered_listing(ctx, *listing, note=note, undo=undo)), Notice(toast)]


def confirm_dismissal(
    question: QuestionLog,
    listing: tuple[int, int],
    asks: int,
    handed: bool,
    hit: Hit | None,
    *,
    told: bool = False,
) -> tuple[str, Keyboard]:
    """The question 「🗑 忽略」 asks, in place of the page, before setting aside a question the
    trainee handed on or the notices now answer: 「🗑 确定忽略」
    (`kbm:1:dsy:<question_id>:<days>:<page>`) or 「↩️ 返回」 to the page; `told`: the trainee
    was told at an earlier dismissal that no reply would come, and is not told again."""
    assert question.id is not None
    times = f"（学员问了 {asks} 次）" if asks > 1 else ""
    lines = [f"🗑 要忽略「{escape(clip(question.question, NOTE_UNITS))}」{times}吗？"]
    if told:
        lines.append(
            "这位学员点过「问班主任」。上次忽略时我已告诉学员：班主任暂时无法回复，可以换个说法"
            "再问，或当面问班主任。这次忽略不会再给学员发消息。确定忽略吗？"
        )
    elif handed:
        lines.append(
            "这位学员点过「问班主任」，还在等您回复。确定忽略吗？忽略后学员不会收到回复，"
            "我会告诉学员：班主任暂时无法回复，可以换个说法再问，或当面问班主任。"
        )
    if hit is not None:
        asked_already = told or handed  # the line above asks 「确定忽略吗？」
        sure = "" if asked_already else "确定忽略吗？"
        lines.append(
            f"{answerable_line(hit)}\n{sure}要把条款发给学员，请点「{BACK}」，"
            f"再点「{SEND_CLAUSE}」。"
        )
    confirm = Button(CONFIRM_DISMISS, data=data("dsy", question.id) + origin_data(listing))
    back = Button(BACK, data=unanswered_page_data(*listing))
    return "\n\n".join(lines), keyboard([confirm, back])


ALREADY_MINE = "您已经忽略过这个问题了。"


def not_dismissed(ctx: Context, question: QuestionLog | None, by: User | None) -> str:
    """Why 「🗑 忽略」 changed nothing (plain text, short enough for a toast)."""
    if question is None or question.manager_answer is not None:
        return "已经有老师回答了这个问题，没有忽略。"
    if question.dismissed_at is not None:
        if question.dismissed_by == ctx.user.id:
            return ALREADY_MINE
        who = shorten(by.display_name, NAME_CHARS) if by is not None else "另一位老师"
        return f"{who} 已经忽略了这个问题，不用再忽略。"
    return "这个问题不在待解答的列表里，没有改动。"


def undo_dismiss(ctx: Context, question: QuestionLog, listing: tuple[int, int]) -> list[Reply]:
    """「↩️ 撤销忽略」: the question dismissed (with its repeats) waits again, and the page
    pressed in is shown with it; pressed again, it only says that it was undone already."""
    assert question.id is not None
    with ctx.services.session() as session:
        restored = question_crud.restore_dismissed(session, question_id=question.id)
    if not restored:
        return [Notice("已经撤销过了，这个问题没有被忽略。", alert=True)]
    note = restored_note(ctx, question)
    return [Edit(*unanswered_listing(ctx, *listing, note=note)), Notice("已撤销")]


def restored_note(ctx: Context, question: QuestionLog) -> str:
    """What 「↩️ 撤销忽略」 did (HTML), and for a question handed on, that an answer now still
    reaches the trainee."""
    asked = escape(clip(question.question, NOTE_UNITS))
    note = f"↩️ 已撤销忽略：「{asked}」又回到了待解答的列表里。"
    with ctx.services.session() as session:
        repeats = question_crud.unanswered_repeats(
            session, question=question, manager_id=ctx.user.id, everyone=ctx.role is Role.admin
        )
        asks = [session.get(QuestionLog, i) for i in repeats]
    handed = [a for a in [question, *asks] if a is not None and a.handed_off_at is not None]
    if handed:
        note += "这位学员点过「问班主任」：您现在回答，回复仍会发给学员。"
    if handed and all(question_crud.told_no_reply(a) for a in handed):
        note += "学员已收到过「班主任暂时无法回复」，再次忽略不会再发给学员。"
    return note


def dismissed_listing(
    ctx: Context, days: int, page: int, *, note: str = ""
) -> tuple[str, Keyboard]:
    """「🗂 查看已忽略的」: one page of the dismissed questions that this manager's
    /unanswered over `days` days would otherwise show (asked in those days), most recently
    dismissed first, laid out as /unanswered lays out its entries (ten a page, bounded), each
    with 「↩️ 撤销忽略第 N 条」 (`kbm:1:rst:<question_id>:<days>:<page>`), under `note` (HTML);
    `days` is also the /unanswered list 「◀ 返回待解答列表」 goes back to."""
    with ctx.services.session() as session:

        def page_of(number: int) -> tuple[int, list[question_crud.UnansweredQuestion]]:
            return question_crud.dismissed_page(
                session,
                manager_id=ctx.user.id,
                since=utcnow() - timedelta(days=days),
                everyone=ctx.role is Role.admin,
                offset=number * UNANSWERED_LIMIT,
                limit=UNANSWERED_LIMIT,
            )

        total, questions = page_of(page)
        pages = max(1, -(-total // UNANSWERED_LIMIT))
        if total and not questions:  # restored meanwhile: the last page there is
            page = pages - 1
            total, questions = page_of(page)
        people = {q.latest.user_id for q in questions} | {
            q.latest.dismissed_by for q in questions if q.latest.dismissed_by is not None
        }
        names = {
            person: (user.display_name if user else str(person))
            for person in people
            for user in [session.get(User, person)]
        }
        asked_at = question_crud.asked_at(
            session, question_ids=[i for entry in questions for i in entry.ids]
        )
    head = f"{note}\n\n" if note else ""
    back = [Button(BACK_TO_LIST, data=unanswered_page_data(days, 0))]
    if not questions:
        return f"{head}最近 {days} 天没有忽略的问题。", keyboard(back)
    now = datetime.now(ctx.services.settings.timezone)
    header = (
        f"{head}🗂 <b>已忽略的问题</b>（最近 {days} 天，共 {total} 条，最近忽略的在前）"
        "\n点「↩️ 撤销忽略」，问题回到所有老师的 /unanswered 里。"
    )
    for units in (QUESTION_UNITS, QUESTION_UNITS // 2):
        entries, rows = [], []
        for number, entry in enumerate(questions, start=page * UNANSWERED_LIMIT + 1):
            question = entry.latest
            assert question.id is not None and question.dismissed_at is not None
            who = escape(shorten(names[question.user_id], NAME_CHARS))
            why = dismissed_reason(question, handed_off=entry.handed_off)
            times = f"（问了 {entry.count} 次）" if entry.count > 1 else ""
            by = escape(shorten(names.get(question.dismissed_by or 0, "另一位老师"), NAME_CHARS))
            later = sum(asked_at[i] > question.dismissed_at for i in entry.ids if i in asked_at)
            again = f"，之后学员又问了 {later} 次" if later else ""
            entries.append(
                f"{number}. {who} · {format_when(question.created_at, now)} · {why}\n"
                f"{escape(clip(question.question, units))}{times}\n"
                f"<i>🗑 {by} {format_when(question.dismissed_at, now)} 忽略{again}</i>"
            )
            restore = f"{data('rst', question.id)}:{days}:{page}"
            rows.append([Button(f"{UNDO_DISMISS}第 {number} 条", data=restore)])
        text = "\n\n".join([header, *entries])
        if visible_length(text) <= MAX_MESSAGE_UNITS - 200:
            break
    paging = paging_buttons(page, pages, lambda other: dismissed_page_data(days, other))
    if pages > 1:
        text += f"\n\n<i>第 {page + 1}/{pages} 页，越往后越早</i>"
    return text, keyboard(*rows, paging, back)


def restore_listed(ctx: Context, question: QuestionLog, days: int, page: int) -> list[Reply]:
    """「↩️ 撤销忽略第 N 条」 in the list of dismissed questions: the question (with the
    repeats dismissed with it) waits again, and that list is shown again without it; pressed
    again, it says it was undone already and changes nothing."""
    assert question.id is not None
    with ctx.services.session() as session:
        restored = question_crud.restore_dismissed(session, question_id=question.id)
    if not restored:
        why = "已经撤销过了，这个问题没有被忽略。"
        return [Edit(*dismissed_listing(ctx, days, page, note=f"⚠️ {why}")), Notice(why)]
    note = restored_note(ctx, question)
    return [Edit(*dismissed_listing(ctx, days, page, note=note)), Notice("已撤销")]


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
    （王芳老师）」, HTML) and its 「📌 用标准答案回复」 button
    (`manager_answer.reply_with_curated`), as /unanswered shows them under the question and
    the handoff message under the question it brings (`handoff_offer`). The button ends with
    where it is (`origin_data`: the list's `listing`, its days and page, or the handoff
    message's mark), so that the press edits that message
    (`kbm:1:std:<question>:<curated>:<d>:<p>`, `kbm:1:std:<question>:<curated>:ho`)."""
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
    return reason_line(question, handed_off=handed_off, handed="🙋 等您回复")


def dismissed_reason(question: QuestionLog, *, handed_off: bool) -> str:
    """`waiting_reason` for 「🗂 查看已忽略的」: a trainee who handed it on is no longer waiting,
    they were told at its dismissal that no reply would come (`NO_REPLY`)."""
    return reason_line(question, handed_off=handed_off, handed="🙋 已告诉学员暂时无法回复")


def reason_line(question: QuestionLog, *, handed_off: bool, handed: str) -> str:
    """Why a question needed a person: the bot's failure, after `handed` when the trainee
    pressed 问班主任."""
    failure = None
    if not question.answered:
        failure = "未能回答"
    elif question.feedback == "down":
        failure = "👎 认为没帮助"
    if not handed_off:
        return failure or "学员想问班主任"
    return f"{handed}（{failure}）" if failure else handed


def unanswered_page_data(days: int, page: int) -> str:
    return f"{ANSWER_PREFIX}:{VERSION}:pg:{days}:{page}"


def dismissed_page_data(days: int, page: int) -> str:
    """A page of 「🗂 查看已忽略的」, opened from /unanswered over `days` days (its 返回)."""
    return f"{ANSWER_PREFIX}:{VERSION}:dpg:{days}:{page}"


@dataclass(frozen=True, slots=True)
class AnsweredFrom:
    """The message a manager answers a question from, edited once the answer reached the
    trainee (`answer_delivery.answered_view`): a page of /unanswered (`listing`: its days and
    page) or the 问班主任 message (`listing` None); `message_id` None is the one whose button
    is pressed."""

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
