"""Questions to the knowledge base: any plain text in a private chat, or `/ask 问题` anywhere
(groups included; plain text in a group is not a question, and a reply there to the bot's own
message gets a hint to use /ask, see bot/conversation.py).

The answer quotes the best clause with the matched words in bold, then cites its notice
(《title》 文号 · date · clause); a clause of a notice about one class or event (the 2011
双语教师普通话培训班), or of a province's own notice, is preceded by a line saying whom it binds
(sending a trainee in a class to the 班主任, others to their own class's or province's notice),
unless the question names it (knowledge/scope.py). Buttons under it, all re-checked on the
server (only the asker may press them):

    kb:1:pg:<question_id>:<page>   更多 ▶ / ◀ 上一条: edit the message to show another hit
    kb:1:fb:<question_id>:up|down  👍 / 👎, stored on the question log
    kb:1:ho:<question_id>[:<page>] 问班主任: send the question to the asker's class manager(s),
                                   who answer it through handlers/manager_answer.py; a class
                                   whose manager was removed has it sent to the admins. The
                                   message (that page) then says when and to whom it went
                                   (「✅ 已于 19:46 转给班主任 王芳,回复会发到这里。」) and loses
                                   the button; 👍 / 👎 and the paging stay. A question a
                                   manager set aside with 「🗑 忽略」 comes back to
                                   /unanswered, and the message says it was dismissed before.

A curated answer (标准答案) is shared by every class: it is shown with the name of whoever
saved it (「📌 王芳老师的解答」), followed by the notices' clauses.

Every question is logged (bot/db/question_crud.py) with its result, top passage and time.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from sqlmodel import select

from bot.chat import (
    Button,
    DeliveryError,
    Edit,
    EventKind,
    Keyboard,
    Notice,
    Reply,
    Send,
    Sent,
    keyboard,
    patiently,
)
from bot.db import question_crud
from bot.db.models import Role, User, utcnow
from bot.db.question_crud import ClassManager
from bot.db.question_models import QuestionLog
from bot.limits import shorten
from handlers.routing import Context, Router, UserError, button_id, button_number
from handlers.typeset import typeset
from knowledge.models import clause_label
from knowledge.scope import scope_note

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from bot.services import Services
    from knowledge import Answer, Hit, KnowledgeBase

log = logging.getLogger(__name__)

router = Router("ask")

PREFIX = "kb"
VERSION = "1"
ANSWER_PREFIX = "kbm"  # the manager's 「回答」 button, handled in handlers/manager_answer.py
# Ends the data of a manager's button in the 问班主任 message, so that the message is edited once
# the question is answered through it (handlers/unanswered.py `AnsweredFrom`).
HANDOFF_ORIGIN = "ho"
HITS_PER_QUESTION = 5
MAX_QUOTE_CHARS = 1200
SENTENCE_ENDS = "\n。；！？;!?"
PHRASE_ENDS = "，,、：:"
HEADING_CHARS = 40
MAX_QUESTION_CHARS = 1000
MEANINGFUL = re.compile(r"[\u3400-\u9fffA-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
CURATED_MARK = "ask.curated_loaded_for"

STALE = "这个按钮已失效，请重新提问。"
NOT_YOURS = "这是别人提的问题，只有提问的人可以操作这些按钮。"
# The questions the bot itself offers as examples: each gets a confident answer from a national
# notice that holds for every class (tests/questions/test_example_questions.py asks them); the
# last one shows that everyday words work too.
EXAMPLE_QUESTIONS = ("教师培训学分怎么审核认定？", "国培计划包括哪些内容？", "学分有啥用？")
EXAMPLE, OTHER_EXAMPLE, COLLOQUIAL_EXAMPLE = EXAMPLE_QUESTIONS
# The example of the hint a reply to the bot in a group gets (bot/conversation.py): a question
# a trainee asks in a class group, with a confident answer from a national notice
# (tests/e2e/test_qa23_group_example.py asks the one the hint shows).
GROUP_EXAMPLE = "国培计划的培训经费由谁出"
GROUP_REPLY_HINT = (
    f"在群里提问请用 /ask 加问题，例如 /ask {GROUP_EXAMPLE}；也可以私聊我直接提问。"
)
EMPTY = f"请写下您的问题，例如：{EXAMPLE}"
NO_TEXT = f"没有看到文字内容。请用文字描述您的问题，例如：{OTHER_EXAMPLE}"
BINARY = "消息里有无法识别的字符（像是文件内容或乱码）。请直接用文字输入您的问题。"
TOO_LONG = "问题太长了（{length} 字）。请用一两句话（{limit} 字以内）说明您想问什么。"
ASK_USAGE = f"请在 /ask 后面写上问题，例如：/ask {EXAMPLE.rstrip('？')}"
UNAVAILABLE = "抱歉，知识库暂时不可用，我现在无法查询通知。"
SMALL_TALK = {
    **dict.fromkeys(("你好", "您好", "hi", "hello", "在吗", "在不在", "老师好"), "greeting"),
    **dict.fromkeys(("谢谢", "多谢", "谢谢你", "谢谢您", "感谢", "thanks", "thankyou"), "thanks"),
    **dict.fromkeys(("好的", "收到", "ok", "嗯", "嗯嗯", "明白", "知道了", "再见", "拜拜"), "ack"),
    **dict.fromkeys(
        ("你是谁", "您是谁", "你是什么", "你叫什么", "你是机器人吗", "你能做什么", "你会什么"),
        "who",
    ),
}
# A bare number (「1」「3号」) is most often meant as a button press; a greeting
# (「大家好」「请问」) gets the greeting reply instead (`no_topic_reply`).
NO_TOPIC_REPLY = (
    f"请写出您想问的具体内容，例如「{EXAMPLE}」。如果是想点按钮，请直接点消息下方的按钮。"
)
HAS_NUMBER = re.compile(r"[0-9\uff10-\uff19零〇一二两三四五六七八九十百千万亿]")
THANKS = re.compile(r"谢|感谢|thank", re.IGNORECASE)
SMALL_TALK_REPLY = {
    "greeting": (
        f"您好！有国培计划的政策问题可以直接问我，例如「{OTHER_EXAMPLE}」，"
        f"口语也可以：「{COLLOQUIAL_EXAMPLE}」"
    ),
    "thanks": "不客气！还有问题随时问我 😊",
    "ack": "好的。还有问题随时问我。",
    "who": (
        "我是国培助手：回答国培计划的政策问题（引用通知原文，注明出处），"
        f"转发班主任的提醒、通知和问卷。直接输入问题即可，例如「{EXAMPLE}」；"
        "发送 /help 查看全部功能。"
    ),
}
# 「还有呢」「具体点」「没看懂」 right after an answer ask for more of it, not a new question:
# not looked up, not logged (it would reach the manager's /unanswered as 「具体点」).
FOLLOW_UP = re.compile(
    r"(?:那|嗯|好的?|哦)?(?:还有(?:呢|吗|没有|别的吗?|其他的?吗?)?|然后呢"
    r"|(?:能|可以|请|麻烦)?(?:再)?(?:说|讲|写)?得?(?:具体|详细|清楚)(?:一)?(?:点|些)(?:吗|呢|儿|嘛)?"
    r"|(?:再)?(?:具体|详细)(?:说说|讲讲|说一下|讲一下|一下)|没看懂|看不懂|没明白|不明白|不太懂"
    r"|(?:是)?(?:啥|什么)意思(?:啊|呀)?)"
)
FOLLOW_UP_MORE = "想看更多条款，请点上一条回答下面的「更多 ▶」；"
FOLLOW_UP_RETRY = f"也可以把问题写得更具体些再问我，例如「{EXAMPLE}」。"
FOLLOW_UP_REPLY = f"{FOLLOW_UP_MORE}想请老师解答，请点「🙋 问班主任」。{FOLLOW_UP_RETRY}"
# An asker in no class got no 问班主任 button: a trainee is told how to join a class; a
# manager or admin (who does not join one) only of 更多 and asking again.
FOLLOW_UP_REPLY_NO_CLASS = (
    f"{FOLLOW_UP_MORE}想请老师解答，请先发送 /join 加入码 加入您的培训班（加入码向班主任要）。"
    f"{FOLLOW_UP_RETRY}"
)
FOLLOW_UP_REPLY_STAFF = f"{FOLLOW_UP_MORE.removesuffix('；')}。{FOLLOW_UP_RETRY}"
# … and when the last answer has no 更多 ▶ (one clause, declined) or there is none yet, only the
# way to a person and to asking again.
# … and when that question was handed to the class manager already (its 🙋 button is gone).
HANDED_ON_ALREADY = "这个问题已经转给班主任了，班主任的回复会发到这里。"
FOLLOW_UP_ONE_PAGE = f"想请老师解答，请点上一条回答下面的「🙋 问班主任」。{FOLLOW_UP_RETRY}"
FOLLOW_UP_NOTHING_YET = (
    "想请老师解答，请把问题发给我，再点我回答下面的「🙋 问班主任」。"
    f"您也可以直接提问，例如「{EXAMPLE}」。"
)
FOLLOW_UP_ONE_PAGE_NO_CLASS = (
    "想请老师解答，请先发送 /join 加入码 加入您的培训班（加入码向班主任要）。"
    f"{FOLLOW_UP_RETRY}"
)
FOLLOW_UP_ONE_PAGE_STAFF = f"请把问题写得更具体些再问我，例如「{EXAMPLE}」。"
# A request for a person (「我要找班主任」「人工客服」「转人工」「找老师」), the whole message: not
# a question for the notices (「班主任培训有哪些要求」 is one), not logged, not in /unanswered.
ASK_FOR_PERSON = re.compile(
    r"(?:我|请|麻烦)?(?:要|想)?(?:(?:找|联系|转|转给)(?:一下)?(?:班主任|老师|人工|人工客服|客服|真人)"
    r"|问班主任)(?:吧|啊|呀)?|(?:人工|真人)(?:客服|服务)?|客服"
)
PERSON_REPLY = (
    "想请班主任解答，请把问题发给我，再点我回答下面的「🙋 问班主任」：问题会转给班主任，"
    "回复会发到这里。刚问过的问题，也可以直接点那条回答下面的「🙋 问班主任」。"
)
PERSON_REPLY_NO_CLASS = (
    "想请班主任解答，请先发送 /join 加入码 加入您的培训班（加入码向班主任要），"
    "再把问题发给我，点我回答下面的「🙋 问班主任」；也可以直接联系您的班主任。"
)
PERSON_REPLY_STAFF = (
    "我是自动回答的国培助手，这里没有人工客服。政策问题请直接发给我，我会引用通知原文回答，"
    f"例如「{EXAMPLE}」。"
)
# 「不对」「不是这个」 right after an answer say the answer missed: the way to other clauses (when
# that answer has 更多 ▶) and to a person, as 「还有呢」 gets (follow_up_reply).
WRONG_ANSWER = re.compile(
    r"(?:不对|不是这个|不是这条|不是这个意思|不是我要的|答非所问|答错了|错了)(?:吧|啊|呀|哦)?"
)
WRONG_ANSWER_HEAD = "抱歉，没答到点子上。"
# A name that already ends with one of these is not given 「老师」 again (nor 「班主任」 in the
# greeting, handlers/start.py).
TITLES = ("老师", "老師", "班主任", "教授")
AUTHOR_CHARS = 20  # a curated answer's author in its heading
# The 问班主任 message of a question a manager had set aside with 「🗑 忽略」 (`who`: 「您」 to
# that manager, 「王芳老师」 to the others): it is back in /unanswered, and dismissing it again
# tells the trainee, who asked for a person since, that no reply will come.
DISMISSED_BEFORE = (
    "↩️ 这个问题{who}之前忽略过，学员又问了一次，已放回 /unanswered。"
    "仍不需要回复的话，可以在 /unanswered 里再点「🗑 忽略」，我会告诉学员班主任暂时无法回复。"
)
# 问班主任 pressed again on a question handed on, then dismissed (the trainee was told then).
NO_REPLY_ANY_MORE = "班主任暂时无法回复这个问题，可以换个说法再问，或当面问班主任。"
NO_CLASS_HINT = (
    "您还没有加入培训班，所以暂时无法转给班主任。"
    "请点击班主任分享的加入链接，或发送 /join 加入码；也可以直接联系您的班主任。"
)


MANAGER_TEXT_HINT = (
    "（您的消息按提问处理了。要回复学员的问题，请发送 /unanswered，"
    "点「✍️ 回答第 N 条」后再发送回复。）"
)


def no_class_hint(ctx: Context) -> str:
    """Why a question cannot go to a class manager: a trainee has not joined a class; a manager
    or admin typed plain text in the private chat, most often an answer meant for a trainee.
    A manager's /ask (in a group too, where the reply is public) meant a question: no hint."""
    if ctx.role in (Role.manager, Role.admin):
        typed = ctx.event.kind is EventKind.text and ctx.event.is_private
        return MANAGER_TEXT_HINT if typed else ""
    return NO_CLASS_HINT


# ----- small helpers shared with handlers/unanswered.py and the answer flow ----------------


def callback(*parts: object) -> str:
    """Versioned callback data of this module: kb:1:<parts…>."""
    return ":".join([PREFIX, VERSION, *map(str, parts)])


def answer_button(question_id: int) -> Button:
    """The 「回答」 button a class manager presses in the 问班主任 message to answer it."""
    return Button(
        "✍️ 回答", data=f"{ANSWER_PREFIX}:{VERSION}:ans:{question_id}:{HANDOFF_ORIGIN}"
    )


async def send_patiently(
    services: Services, chat_id: int, text: str, buttons: Keyboard = ()
) -> Sent | DeliveryError:
    """Send a message outside the current reply (flood control waited out, a 5xx tried again);
    the message sent once delivered, else what Telegram said."""
    if services.messenger is None:
        return DeliveryError("no messenger: the bot is not connected to Telegram")
    messenger = services.messenger
    try:
        return await patiently(lambda: messenger.send(chat_id, text, buttons))
    except DeliveryError as error:
        log.warning("message to %s not delivered: %s", chat_id, error)
        return error


async def deliver(
    services: Services, chat_id: int, text: str, buttons: Keyboard = ()
) -> DeliveryError | None:
    """`send_patiently` when only whether it arrived matters: None once delivered, else what
    Telegram said."""
    outcome = await send_patiently(services, chat_id, text, buttons)
    return outcome if isinstance(outcome, DeliveryError) else None


def teacher_name(name: str) -> str:
    """「王芳老师」 for 王芳; 「张老师」 and 「李班主任」 as they are."""
    name = shorten(name.strip(), AUTHOR_CHARS)
    return name if name.endswith(TITLES) else f"{name}老师"


def refresh_curated(services: Services) -> None:
    """Give the knowledge base the current curated answers (matched before the notices)."""
    kb = services.knowledge
    if kb is None:
        return
    with services.session() as session:
        pairs = question_crud.curated_pairs(session)
    kb.set_curated(pairs)
    services.extras[CURATED_MARK] = kb


def knowledge(services: Services) -> KnowledgeBase | None:
    """The knowledge base, with the curated answers loaded once per opened index."""
    kb = services.knowledge
    if kb is not None and services.extras.get(CURATED_MARK) is not kb:
        refresh_curated(services)
    return kb


async def fresh_knowledge(services: Services) -> KnowledgeBase | None:
    """The knowledge base, first reloaded (in a worker thread, from the cache the other process
    wrote) if `guopei-bot ingest` or `remove` changed the notices: a cheap look at the notices
    folder, at most once a second."""
    kb = knowledge(services)
    if kb is not None and kb.changed():
        await asyncio.to_thread(kb.refresh)
    return kb


def check_question(text: str) -> str:
    """The question, stripped; a clear refusal for empty, emoji-only, binary or long input."""
    question = text.strip()
    if not question:
        raise UserError(EMPTY)
    if looks_binary(question):
        raise UserError(BINARY)
    if not MEANINGFUL.search(question):
        raise UserError(NO_TEXT)
    if len(question) > MAX_QUESTION_CHARS:
        raise UserError(TOO_LONG.format(length=len(question), limit=MAX_QUESTION_CHARS))
    return question


def looks_binary(text: str) -> bool:
    """Control characters, replacement marks or private-use code points: file bytes, not words."""
    odd = sum(
        1
        for ch in text
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\t\n\r")
    )
    return odd >= 3 or (odd > 0 and odd / len(text) > 0.1)


# ----- rendering -----------------------------------------------------------------------------


def occurrences(
    text: str, terms: tuple[str, ...] | list[str], shortest: int = 1
) -> list[tuple[int, str]]:
    """Where the matched terms of at least `shortest` characters stand in `text`, as
    (position, term); never digits inside a longer number (the 5 of 50)."""
    found = []
    for term in {t for t in terms if len(t) >= shortest}:
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            inside_number = (term[0].isdigit() and start > 0 and text[start - 1].isdigit()) or (
                term[-1].isdigit() and end < len(text) and text[end].isdigit()
            )
            if not inside_number:
                found.append((start, term))
            start = text.find(term, start + 1)
    return sorted(found)


def highlight(text: str, terms: tuple[str, ...] | list[str]) -> str:
    """HTML-escape `text` and wrap the matched terms' occurrences in <b>, except single
    characters: a bold 用 in 语用司 or 由 marks nothing a reader looks for."""
    marked = [False] * len(text)
    for start, term in occurrences(text, terms, shortest=2):
        for i in range(start, start + len(term)):
            marked[i] = True
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = escape(text[i:j], quote=False)
        out.append(f"<b>{piece}</b>" if marked[i] else piece)
        i = j
    return "".join(out)


def quote_window(
    text: str, terms: tuple[str, ...], limit: int = MAX_QUOTE_CHARS, lead: int = 200
) -> tuple[str, bool, bool]:
    """At most `limit` characters, from `lead` before the stretch holding the most different
    matched terms (not merely the first match, often a common word such as 国培计划):
    (text, cut_before, cut_after)."""
    if len(text) <= limit:
        return text, False, False
    found = occurrences(text, terms)
    best_anchor, best = 0, (0, 0)
    for anchor, _ in found:
        inside = {term for position, term in found if anchor <= position < anchor + limit - lead}
        covered = (len(inside), sum(len(term) for term in inside))
        if covered > best:
            best_anchor, best = anchor, covered
    start = max(0, best_anchor - lead)
    start = min(start, len(text) - limit)
    start = _sentence_start(text, start, max(start, best_anchor))
    end = min(start + limit, len(text))
    return text[start:end], start > 0, end < len(text)


def _sentence_start(text: str, earliest: int, latest: int) -> int:
    """Where in text[earliest:latest + 1] a reader can start: the first line or sentence start,
    else the first start after a comma, else `earliest` (an excerpt that starts mid-word
    reads as garbled)."""
    if earliest == 0:
        return 0
    for ends in (SENTENCE_ENDS, PHRASE_ENDS):
        for position in range(earliest, latest + 1):
            if text[position - 1] in ends:
                return position
    return earliest


def cut_heading(text: str, excerpt_start: int) -> str:
    """The passage's leading heading lines (「一、中西部项目」「（一）…研修项目」: short, no
    full stop) that end before the excerpt starts, joined by a space."""
    headings = []
    end = 0
    for line in text.split("\n")[:-1]:
        end += len(line) + 1
        if end > excerpt_start or len(line) > HEADING_CHARS:
            break
        if any(ch in SENTENCE_ENDS for ch in line):
            break
        headings.append(line)
    return " ".join(headings)


def citation(hit: Hit) -> str:
    """——《title》 · 文号 · date · 条款 clause (empty parts left out)."""
    parts = [
        escape(typeset(p)) for p in (hit.doc_number, hit.date, clause_label(hit.clause)) if p
    ]
    title = f"《{escape(typeset(hit.title))}》" if hit.title else "《未命名通知》"
    return "—— " + " · ".join([title, *parts]) if parts else "—— " + title


UNSURE_NOTE = (
    "<i>没有十足把握：下面这几条和您的问题相关，但不一定正好回答它。"
    "点「更多」看每条全文；都不对的话点「问班主任」。</i>"
)
# The same for an asker in no class, who has no 班主任 to hand the question to.
UNSURE_NOTE_NO_CLASS = (
    "<i>没有十足把握：下面这几条和您的问题相关，但不一定正好回答它。"
    "点「更多」看每条全文；都不对的话可以换个说法再问，写出关键词会更准。</i>"
)
# An unsure answer lists this many hits at once (the right clause is among the first three
# about five times in six when the first one is not it).
UNSURE_OVERVIEW_HITS = 3
EXCERPT_CHARS = 110


def render_hit(
    hit: Hit,
    limit: int = MAX_QUOTE_CHARS,
    lead: int = 200,
    question: str = "",
    in_class: bool = False,
) -> str:
    """The quote (matched words in bold, Chinese punctuation full-width), under its clause's
    heading when the passage continues a clause whose heading it lacks, then the citation;
    a clause of a notice about one class, event or region that the question does not name has
    a line before the citation saying whom it binds (knowledge/scope.py; a short one in an
    excerpt), which sends a reader `in_class` to the 班主任."""
    terms = tuple(typeset(term) for term in hit.matched_terms)
    text = typeset(hit.text)
    body, cut_before, cut_after = quote_window(text, terms, limit, lead)
    quote = highlight(body, terms)
    excerpt_start = text.find(body) if cut_before else 0
    heading = typeset(hit.heading) or cut_heading(text, excerpt_start)
    heading = f"【{highlight(heading, terms)}】\n" if heading else ""
    quote = f"{'…' if cut_before else ''}{quote}{'…' if cut_after else ''}"
    short = limit < MAX_QUOTE_CHARS
    note = scope_note(hit.title, question, hit.doc_number, short=short, in_class=in_class)
    note = f"{escape(typeset(note), quote=False)}\n" if note else ""
    return f"{heading}{quote}\n\n{note}{citation(hit)}"


def unsure_note(in_class: bool) -> str:
    """The unsure answer's header: 「都不对的话点「问班主任」」 only for an asker in a class."""
    return UNSURE_NOTE if in_class else UNSURE_NOTE_NO_CLASS


def overview(hits: list[Hit], question: str = "", in_class: bool = False) -> str:
    """The unsure note and a short excerpt of each of the first hits, numbered."""
    excerpts = [
        f"{number}. {render_hit(hit, EXCERPT_CHARS, 30, question, in_class)}"
        for number, hit in enumerate(hits[:UNSURE_OVERVIEW_HITS], start=1)
    ]
    return "\n\n".join([unsure_note(in_class), *excerpts])


@dataclass(frozen=True, slots=True)
class Page:
    """One screen of an answer: the curated answer, an overview of hits, or one hit (numbered)."""

    text: str
    hit_number: int | None = None
    curated: bool = False


def pages_of(answer: Answer, author: str | None = None, in_class: bool = False) -> list[Page]:
    """The screens of an answer; a curated one is headed with the name of whoever saved it
    (`author`, their display name), since every class's trainees get it. `in_class`: the
    asker is in a class, whose 班主任 a clause's scope line can send them to."""
    pages = []
    if answer.curated_answer:
        heading = f"{escape(teacher_name(author))}的解答" if author else "班主任解答"
        pages.append(
            Page(
                f"📌 <b>{heading}</b>\n"
                f"{escape(answer.curated_answer, quote=False)}\n\n"
                "—— 班主任保存的标准答案",
                curated=True,
            )
        )
    question = answer.question
    in_full = [
        Page("📖 " + render_hit(hit, question=question, in_class=in_class), n)
        for n, hit in enumerate(answer.hits, start=1)
    ]
    if answer.confident or answer.curated_answer:
        return pages + in_full
    # Unsure top hits are right about two times in three: say so, show the first few side by
    # side, then each in full.
    if len(answer.hits) == 1:
        only = render_hit(answer.hits[0], question=question, in_class=in_class)
        return [*pages, Page(f"🔎 {unsure_note(in_class)}\n\n{only}", 1)]
    return [*pages, Page("🔎 " + overview(answer.hits, question, in_class)), *in_full]


def answer_view(
    question_id: int,
    pages: list[Page],
    index: int,
    handed: str | None = None,
    can_hand_on: bool = True,
) -> tuple[str, Keyboard]:
    """The text and buttons of page `index` of an answer; once the question was handed to a
    person, `handed` says so under it and the 问班主任 button is gone, as it is for an asker in
    no class (`can_hand_on` false: there is no 班主任 to ask)."""
    page = pages[index]
    hits = sum(1 for p in pages if p.hit_number is not None)
    text = page.text
    if page.hit_number is not None and hits > 1:
        text += f"\n\n<i>第 {page.hit_number}/{hits} 条</i>"
    elif page.curated and index < len(pages) - 1:
        text += f"\n\n<i>通知里还有 {hits} 条相关条款，点「更多 ▶」查看</i>"
    elif page.hit_number is None and index < len(pages) - 1:
        text += f"\n\n<i>共 {hits} 条相关条款，点「更多 ▶」逐条看全文</i>"
    if handed:
        text += f"\n\n{handed}"
    paging = []
    if index > 0:
        paging.append(Button("◀ 上一条", data=callback("pg", question_id, index - 1)))
    if index < len(pages) - 1:
        paging.append(Button("更多 ▶", data=callback("pg", question_id, index + 1)))
    rows = [
        [
            Button("👍 有帮助", data=callback("fb", question_id, "up")),
            Button("👎 没帮助", data=callback("fb", question_id, "down")),
        ],
        paging,
    ]
    if not handed and can_hand_on:
        rows.append([Button("🙋 问班主任", data=callback("ho", question_id, index))])
    return text, keyboard(*rows)


def declined_text(question: str, reason: str | None) -> str:
    """Why the bot does not answer: the notices do not cover it, or leave the figure open."""
    if reason == "unavailable":
        return UNAVAILABLE
    if reason == "no_figure":
        return (
            f"🤔 关于「{escape(question[:80])}」，我在收录的国培通知里没有找到写明这个数字"
            "（金额、天数、学时、学分、年限或数量）的条款。这类数字通常另见当年的专门文件，"
            "或由各省、培训机构另行规定，为避免答非所问，没有给出不相关的条款。"
        )
    if reason == "own_affairs":
        return (
            f"🤔 「{escape(question[:80])}」问的是学校或培训承办单位自己安排的事（工资待遇、请假、"
            "报到、保险、路费、换班、证书、联系电话等），我收录的国培通知里没有统一规定，为避免答非所问，"
            "没有给出不相关的条款。请以班主任或承办单位的通知为准。"
        )
    if reason == "other_year":
        return (
            f"🤔 关于「{escape(question[:80])}」，我收录的国培通知里没有讲到问题里的那一年，"
            "别的年份的条款不能替它回答，所以没有给出。当年的安排请看当年的通知，或问班主任。"
        )
    return (
        f"🤔 抱歉，我收录的国培通知里没有找到能回答「{escape(question[:80])}」的条款，"
        "为避免答非所问，没有给出不相关的条款。\n"
        "可以换个说法再问，写出关键词会更准（例如「经费」「学分」「送教下乡」「参训条件」）。"
    )


def in_a_class(ctx: Context) -> bool:
    """Whether the user has joined a class, so that 问班主任 can hand a question on."""
    with ctx.services.session() as session:
        return bool(question_crud.managers_of_member(session, user_id=ctx.user.id))


def _last_question(ctx: Context) -> QuestionLog | None:
    """The asker's last logged question in this chat, if any."""
    with ctx.services.session() as session:
        return session.exec(
            select(QuestionLog)
            .where(QuestionLog.user_id == ctx.user.id, QuestionLog.chat_id == ctx.event.chat_id)
            .order_by(QuestionLog.id.desc())  # type: ignore[union-attr]
            .limit(1)
        ).first()


def _has_more(last: QuestionLog | None) -> bool | None:
    """Whether the question got an answer with a 「更多 ▶」 button (more than one page: several
    clauses, or a saved answer and a clause); None when there is no question yet."""
    if last is None:
        return None
    pages = last.hit_count + (1 if last.curated_id is not None else 0)
    return last.answered and pages > 1


def last_answer_has_more(ctx: Context) -> bool | None:
    """Whether the asker's last question here got an answer with 「更多 ▶」 (None: none yet)."""
    return _has_more(_last_question(ctx))


def follow_up_reply(ctx: Context) -> str:
    """The way to more of the last answer: its 「更多 ▶」 only if it has that button (several
    clauses), its 问班主任 button only if it had one and the question was not handed on yet."""
    last = _last_question(ctx)
    more = _has_more(last)
    member = in_a_class(ctx)
    if member and last is not None and last.handed_off_at is not None:
        return f"{FOLLOW_UP_MORE if more else ''}{HANDED_ON_ALREADY}{FOLLOW_UP_RETRY}"
    if more:
        if member:
            return FOLLOW_UP_REPLY
        return FOLLOW_UP_REPLY_NO_CLASS if ctx.role is Role.trainee else FOLLOW_UP_REPLY_STAFF
    if member:
        return FOLLOW_UP_ONE_PAGE if more is not None else FOLLOW_UP_NOTHING_YET
    return FOLLOW_UP_ONE_PAGE_NO_CLASS if ctx.role is Role.trainee else FOLLOW_UP_ONE_PAGE_STAFF


def person_reply(ctx: Context) -> str:
    """How to reach a person: 🙋 问班主任 under an answer, for an asker in a class."""
    if in_a_class(ctx):
        return PERSON_REPLY
    return PERSON_REPLY_NO_CLASS if ctx.role is Role.trainee else PERSON_REPLY_STAFF


def declined_view(ctx: Context, question_id: int, question: str, reason: str | None) -> Send:
    """An honest 'the notices do not cover this', with the way to a person."""
    text = declined_text(question, reason)
    if not in_a_class(ctx):
        hint = no_class_hint(ctx)
        return Send(f"{text}\n\n{hint}" if hint else text)
    return Send(
        f"{text}\n\n也可以把问题转给班主任，回复会发到与我的私聊里。",
        keyboard([Button("🙋 问班主任", data=callback("ho", question_id, 0))]),
    )


# ----- asking ------------------------------------------------------------------------------


def no_topic_reply(question: str) -> str:
    """The reply to text with nothing to look up: a number is taken for a missed button, a
    thank-you gets 不客气, anything else (「大家好」「请问」「打扰了」) the greeting."""
    if HAS_NUMBER.search(question):
        return NO_TOPIC_REPLY
    return SMALL_TALK_REPLY["thanks" if THANKS.search(question) else "greeting"]


async def answer_question(ctx: Context, text: str) -> list[Reply]:
    """Check the question, ask the knowledge base, log the result and render the reply."""
    question = check_question(text)
    bare = re.sub(r"[\s\W_]+", "", question).lower()
    chat_word = SMALL_TALK.get(bare)
    if chat_word:  # a greeting or a thank-you is not a question for the notices
        return [Send(SMALL_TALK_REPLY[chat_word])]
    if FOLLOW_UP.fullmatch(bare):
        return [Send(follow_up_reply(ctx))]
    if WRONG_ANSWER.fullmatch(bare):  # 「抱歉」 only for an answer there was
        head = WRONG_ANSWER_HEAD if last_answer_has_more(ctx) is not None else ""
        return [Send(head + follow_up_reply(ctx))]
    if ASK_FOR_PERSON.fullmatch(bare):
        return [Send(person_reply(ctx))]
    kb = await fresh_knowledge(ctx.services)
    started = time.perf_counter()
    answer = kb.ask(question, k=HITS_PER_QUESTION) if kb is not None else None
    elapsed_ms = (time.perf_counter() - started) * 1000
    if answer is not None and answer.reason == "no_topic":  # a bare number, a greeting: not logged
        return [Send(no_topic_reply(question))]
    top = answer.hits[0] if answer is not None and answer.answered and answer.hits else None
    answered = answer is not None and answer.answered
    with ctx.services.session() as session:
        entry = question_crud.log_question(
            session,
            user_id=ctx.user.id,
            chat_id=ctx.event.chat_id,
            question=question,
            answered=answered,
            reason=(answer.reason if answer is not None else "unavailable"),
            curated_id=answer.curated_id if answer is not None else None,
            top_doc_id=top.doc_id if top else None,
            top_title=top.title if top else None,
            top_doc_number=top.doc_number if top else None,
            top_clause=top.clause if top else None,
            top_passage_id=top.passage_id if top else None,
            score=top.score if top else None,
            hit_count=len(answer.hits) if answered else 0,
            elapsed_ms=elapsed_ms,
        )
    if not answered:
        assert entry.id is not None
        return [declined_view(ctx, entry.id, question, entry.reason)]
    assert answer is not None and entry.id is not None
    member = in_a_class(ctx)
    pages = pages_of(answer, curated_author(ctx.services, answer.curated_id), member)
    if not pages:  # answered without anything to show: treat as declined
        return [declined_view(ctx, entry.id, question, "out_of_scope")]
    remember_sources(ctx.services, entry.id, answer)
    text, buttons = answer_view(entry.id, pages, 0, can_hand_on=member)
    return [Send(text, buttons)]


@router.command("ask", "提问（群里也可用）")
async def ask_command(ctx: Context) -> list[Reply]:
    """Answer `/ask QUESTION` in any chat."""
    if not ctx.event.args.strip():
        raise UserError(ASK_USAGE)
    return await answer_question(ctx, ctx.event.args)


@router.text()
async def ask_text(ctx: Context) -> list[Reply]:
    """Answer any plain text in a private chat; plain text in a group is left alone. A join
    code or join link sent as text joins the class, as /join would (handlers/start.py)."""
    if not ctx.event.is_private:
        return []
    from handlers.start import pasted_join  # it imports this module

    joined = await pasted_join(ctx, ctx.event.text)
    if joined is not None:
        return joined
    return await answer_question(ctx, ctx.event.text)


# ----- buttons -------------------------------------------------------------------------------


def parse_callback(data: str) -> list[str]:
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != PREFIX or parts[1] != VERSION:
        raise UserError(STALE)
    return parts[2:]


def own_question(ctx: Context, raw_id: str) -> QuestionLog:
    """The question behind a button, refused unless the presser asked it."""
    with ctx.services.session() as session:
        entry = question_crud.get_question(session, question_id=button_id(raw_id, STALE))
    if entry is None:
        raise UserError(STALE)
    if entry.user_id != ctx.user.id:
        raise UserError(NOT_YOURS)
    return entry


@router.callback(PREFIX)
async def on_button(ctx: Context) -> list[Reply]:
    """Handle the answer buttons (pages, feedback, handoff)."""
    action, *rest = parse_callback(ctx.event.callback_data)
    if action == "pg" and len(rest) == 2:
        entry = own_question(ctx, rest[0])
        return await show_page(ctx, entry, button_number(rest[1], STALE))
    if action == "fb" and len(rest) == 2 and rest[1] in question_crud.FEEDBACK_VALUES:
        return rate(ctx, own_question(ctx, rest[0]), rest[1])
    if action == "ho" and len(rest) in (1, 2):  # the page was added later: old buttons lack it
        entry = own_question(ctx, rest[0])
        page = button_number(rest[1], STALE) if len(rest) == 2 else 0
        return await hand_off(ctx, entry, page)
    raise UserError(STALE)


def curated_author(services: Services, curated_id: int | None) -> str | None:
    """The display name of whoever saved the curated answer `curated_id` (None if none)."""
    if curated_id is None:
        return None
    with services.session() as session:
        return question_crud.curated_author(session, curated_id=curated_id)


# The notices each answer given since the bot started quoted (question id → doc ids), so that
# 更多 / 上一条 can tell when one of them was removed since; the most recent answers only.
SOURCES_MARK = "ask.answer_sources"
SOURCES_KEPT = 5000


def remember_sources(services: Services, question_id: int, answer: Answer) -> None:
    """Note the notices the answer to `question_id` quoted."""
    kept: dict[int, frozenset[str]] = services.extras.setdefault(SOURCES_MARK, {})
    kept[question_id] = frozenset(hit.doc_id for hit in answer.hits)
    while len(kept) > SOURCES_KEPT:
        del kept[next(iter(kept))]


def current_answer(ctx: Context, entry: QuestionLog) -> Answer:
    """The answer to `entry` as the notices stand now."""
    kb = knowledge(ctx.services)
    if kb is None:
        raise UserError(UNAVAILABLE)
    # A curated answer saved since the question was asked would shift its pages.
    with_curated = entry.curated_id is not None
    return kb.ask(entry.question, k=HITS_PER_QUESTION, with_curated=with_curated)


def current_pages(ctx: Context, entry: QuestionLog) -> tuple[list[Page], bool]:
    """The pages of the answer to `entry` as the notices stand now (none once it is no longer
    answered), and whether the asker is in a class."""
    return pages_now(ctx, current_answer(ctx, entry))


def pages_now(ctx: Context, answer: Answer) -> tuple[list[Page], bool]:
    """The pages of `answer` (none if declined), and whether the asker is in a class."""
    author = curated_author(ctx.services, answer.curated_id)
    member = in_a_class(ctx)
    return (pages_of(answer, author, member) if answer.answered else []), member


def lost_clauses(ctx: Context, entry: QuestionLog, answer: Answer) -> bool:
    """Whether a clause the answer to `entry` listed is gone (its notice removed since) or the
    answer now lists other clauses: the doc ids it quoted, when this process gave it; else
    what the log kept of it (its top clause and how many there were)."""
    kb = knowledge(ctx.services)
    assert kb is not None and entry.id is not None
    quoted = ctx.services.extras.get(SOURCES_MARK, {}).get(entry.id)
    present = {document["doc_id"] for document in kb.documents()}
    if quoted is not None:
        return not quoted <= present
    if entry.top_doc_id is not None and entry.top_doc_id not in present:
        return True
    top = answer.hits[0] if answer.answered and answer.hits else None
    now = (top.doc_id, top.clause) if top is not None else None
    return len(answer.hits) != entry.hit_count or now != (entry.top_doc_id, entry.top_clause)


def page_view(ctx: Context, entry: QuestionLog, index: int) -> tuple[str, Keyboard] | None:
    """Page `index` of the answer to `entry` as it stands now (with the handoff line once it
    was handed to a person); None when there is no such page."""
    pages, member = current_pages(ctx, entry)
    if not 0 <= index < len(pages):
        return None
    assert entry.id is not None
    return answer_view(entry.id, pages, index, handoff_line(ctx, entry), can_hand_on=member)


# 更多 / 上一条 on an answer one of whose clauses is gone (its notice removed or replaced since):
# the answer stays as it was shown, and is asked again to get the clauses as they are now (the
# pages of the new answer, numbered afresh, would not be the ones the asker was reading).
NOTICES_GONE = "通知已更新，请重新提问：这条回答里有条款所在的通知已经删除或更换了。"


async def show_page(ctx: Context, entry: QuestionLog, index: int) -> list[Reply]:
    """更多 / 上一条: edit the answer to show another hit, from the notices as they are now. Once
    a notice it quoted was removed (or replaced) since, with `guopei-bot remove` or /notices,
    「通知已更新，请重新提问」 in a pop-up, and the answer is left as it is: the clauses left would
    be numbered anew, other clauses filling in. A page no answer has is a forged button."""
    if index > HITS_PER_QUESTION:  # more pages than an answer has (a curated one and each hit)
        raise UserError(STALE)
    await fresh_knowledge(ctx.services)
    answer = current_answer(ctx, entry)
    pages, member = pages_now(ctx, answer)
    if not pages or lost_clauses(ctx, entry, answer):
        raise UserError(NOTICES_GONE)
    if not 0 <= index < len(pages):
        raise UserError("没有更多的条款了。")
    assert entry.id is not None
    handed = handoff_line(ctx, entry)
    return [Edit(*answer_view(entry.id, pages, index, handed, can_hand_on=member))]


def rate(ctx: Context, entry: QuestionLog, feedback: str) -> list[Reply]:
    """👍 / 👎: store the rating (a second press replaces it)."""
    assert entry.id is not None
    with ctx.services.session() as session:
        question_crud.set_feedback(session, question_id=entry.id, feedback=feedback)
    if feedback == "up":
        return [Notice("谢谢反馈 👍")]
    if entry.handed_off_at is not None:
        return [Notice("已记录 👎 谢谢！这个问题已经转给班主任，回复会发到与我的私聊里。")]
    if in_a_class(ctx):
        return [Notice("已记录 👎 谢谢！需要人工解答可以点「问班主任」。", alert=True)]
    return [Notice(DOWN_NO_CLASS if ctx.role is Role.trainee else DOWN_RETRY, alert=True)]


# The 👎 toast of an asker in no class (no 班主任 to hand the question to): a trainee is told
# how to join one; a manager or admin only to ask again.
DOWN_RETRY = "已记录 👎 谢谢！可以换个说法再问，写出关键词会更准。"
DOWN_NO_CLASS = (
    "已记录 👎 谢谢！可以换个说法再问，写出关键词会更准；"
    "发送 /join 加入码 加入培训班后，还可以把问题转给班主任。"
)


# ----- 问班主任 --------------------------------------------------------------------------------


def handoff_line(ctx: Context, entry: QuestionLog) -> str | None:
    """「✅ 已于 19:46 转给班主任 王芳,回复会发到这里。」 once the question reached someone
    through 问班主任 (None before, or when it reached nobody)."""
    if entry.handed_off_at is None or entry.id is None:
        return None
    with ctx.services.session() as session:
        recipients = question_crud.handoff_recipients(session, question_id=entry.id)
    if not recipients:
        return None
    managers = list(dict.fromkeys(r.name for r in recipients if r.manager))
    who = ""
    if managers:
        names = "、".join(shorten(name, AUTHOR_CHARS) for name in managers[:3])
        more = f" 等 {len(managers)} 位" if len(managers) > 3 else ""
        who = f"班主任 {names}{more}"
    if any(not r.manager for r in recipients):
        who = f"{who} 和管理员" if who else "管理员"
    zone = ctx.services.settings.timezone
    when = handoff_time(entry.handed_off_at, zone, utcnow().astimezone(zone))
    where = "这里" if entry.chat_id == entry.user_id else "与我的私聊里"
    return f"✅ 已于 {when} 转给{escape(who)}，回复会发到{where}。"


def handoff_time(at: datetime, zone: tzinfo, now: datetime) -> str:
    """「19:46」 today, 「12月5日 19:46」 on another day."""
    local = at.astimezone(zone)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def handed_view(ctx: Context, entry: QuestionLog, page: int) -> Edit | None:
    """The trainee's message (the answer's page `page`, or the decline) with the handoff line
    and without the 问班主任 button; None if it reached nobody."""
    line = handoff_line(ctx, entry)
    if line is None:
        return None
    if not entry.answered:
        return Edit(f"{declined_text(entry.question, entry.reason)}\n\n{line}")
    view = page_view(ctx, entry, page)
    return Edit(*view) if view is not None else None


async def hand_off(ctx: Context, entry: QuestionLog, page: int = 0) -> list[Reply]:
    """问班主任: send the question with a 「回答」 button to each of the asker's class managers
    (a class whose manager was removed (/removemanager) has it sent to the admins instead),
    and, when a saved curated answer is close to it, the line naming it and 「📌 用标准答案回复」
    as /unanswered shows them (handlers/unanswered.py `handoff_offer`),
    then edit the trainee's message (page `page` of the answer, or the decline) to say when
    and to whom it went, without the button. A question a manager set aside with 「🗑 忽略」
    (this ask or another ask of it) waits in /unanswered again, and the message says it was
    dismissed before (`dismissed_before`)."""
    assert entry.id is not None
    if entry.handed_off_at is not None:
        return already_handed_off(ctx, entry, page)
    classes, admins, recipients = handoff_recipients(ctx.services, ctx.user.id)
    if not classes:
        raise UserError(NO_CLASS_HINT)
    orphaned = [item for item in classes if not item.current]
    from handlers.unanswered import handoff_offer  # it imports this module

    buttons = [answer_button(entry.id)]
    offer = handoff_offer(ctx, entry)  # a saved curated answer close to it, as /unanswered
    if offer is not None:
        buttons.append(offer[1])
    # Claimed before anything is sent, so that a double tap sends nothing twice; a dismissed
    # ask of it waits again before a manager reads about it.
    with ctx.services.session() as session:
        undone = question_crud.claim_handoff(session, question_id=entry.id)
        fresh = question_crud.get_question(session, question_id=entry.id)
    if undone is None:  # another press handed it on a moment ago
        return already_handed_off(ctx, fresh or entry, page)
    deliveries = []
    message_ids = {}  # to mark each message answered, whoever answers (`mark_handoffs_answered`)
    for recipient, items in recipients.items():
        earlier = dismissed_before(ctx, undone[0], recipient) if undone else None
        text = handoff_message(ctx.user.display_name, entry, items, offer, dismissed=earlier)
        outcome = await send_patiently(ctx.services, recipient, text, keyboard(buttons))
        if isinstance(outcome, Sent):
            message_ids[recipient] = outcome.message_id
        deliveries.append((recipient, items[0].class_id, isinstance(outcome, Sent)))
    # Recorded even when it reached nobody: the question then waits in the admins' /unanswered.
    with ctx.services.session() as session:
        question_crud.record_handoff(
            session, question_id=entry.id, deliveries=deliveries, message_ids=message_ids
        )
    reached = {recipient for recipient, _, delivered in deliveries if delivered}
    managers_reached = any(item.manager_id in reached for item in classes if item.current)
    admins_reached = bool(orphaned) and any(admin in reached for admin in admins)
    outcome = handoff_outcome(
        orphaned,
        has_managers=len(orphaned) < len(classes),
        managers_reached=managers_reached,
        admins_tried=bool(orphaned and admins),
        admins_reached=admins_reached,
    )
    with ctx.services.session() as session:
        entry = question_crud.get_question(session, question_id=entry.id) or entry
    trace = handed_view(ctx, entry, page)
    if trace is None:  # it reached nobody: the pop-up says so, the button stays
        return [Notice(outcome, alert=True)]
    # The message now says where the question went; a plain success needs no pop-up box.
    plain = not orphaned and managers_reached
    return [trace, Notice(outcome, alert=not plain)]


def already_handed_off(ctx: Context, entry: QuestionLog, page: int) -> list[Reply]:
    """问班主任 pressed on a question handed on already: the message shows where it went; the
    pop-up says a reply will come, or, once a manager dismissed it and the trainee was told,
    that none will (`NO_REPLY_ANY_MORE`). It names who has it: 班主任, or 管理员 when it went to
    the admins only (a class whose manager was removed), or both."""
    refreshed = handed_view(ctx, entry, page)
    assert entry.id is not None
    with ctx.services.session() as session:
        reached = question_crud.handoff_recipients(session, question_id=entry.id)
    who = "班主任"
    if reached and not any(recipient.manager for recipient in reached):
        who = "管理员"
    elif not all(recipient.manager for recipient in reached):
        who = "班主任和管理员"
    already = f"这个问题已经转给{who}了，回复会发到与我的私聊里。"
    if entry.dismissed_at is not None and question_crud.told_no_reply(entry):
        already = NO_REPLY_ANY_MORE
    if refreshed is None:
        return [Notice(already, alert=True)]
    return [refreshed, Notice(already, alert=already == NO_REPLY_ANY_MORE)]


def dismissed_before(
    ctx: Context, dismissal: question_crud.EarlierDismissal, recipient: int
) -> str:
    """The line of the 问班主任 message telling `recipient` that the question was dismissed
    (「🗑 忽略」) before and is back in /unanswered (HTML): 「您」 to whoever dismissed it."""
    who = "您"
    if dismissal.dismissed_by != recipient:
        with ctx.services.session() as session:
            user = session.get(User, dismissal.dismissed_by) if dismissal.dismissed_by else None
        who = escape(teacher_name(user.display_name)) if user is not None else "另一位老师"
    return DISMISSED_BEFORE.format(who=who)


def handoff_recipients(
    services: Services, asker_id: int
) -> tuple[list[ClassManager], list[int], dict[int, list[ClassManager]]]:
    """The asker's classes, the admins other than the asker, and who gets the question the
    asker hands off with 问班主任, each with the classes it comes from: each class's manager,
    or the admins for a class whose manager was removed."""
    admin_ids = services.settings.admin_ids
    with services.session() as session:
        classes = question_crud.managers_of_member(session, user_id=asker_id, admin_ids=admin_ids)
    recipients: dict[int, list[ClassManager]] = {}
    for item in classes:
        if item.current:
            recipients.setdefault(item.manager_id, []).append(item)
    admins = sorted(admin for admin in admin_ids if admin != asker_id)
    orphaned = [item for item in classes if not item.current]
    for admin in admins if orphaned else ():
        recipients.setdefault(admin, []).extend(orphaned)
    return classes, admins, recipients


def handoff_message(
    asker: str,
    entry: QuestionLog,
    items: list[ClassManager],
    offer: tuple[str, Button] | None,
    *,
    answered: bool = False,
    answered_by: str | None = None,
    dismissed: str | None = None,
) -> str:
    """The 问班主任 message a recipient gets (HTML): the classes it comes from (`items`), who
    asks what, the saved curated answer close to it (`offer`), that it had been dismissed and
    is back in /unanswered (`dismissed`, `dismissed_before`), why it needs a person and which
    button to press; once `answered` (its buttons gone), 「✅ 已回复。」 instead of the buttons,
    「✅ 王芳老师已回复。」 when someone else answered it (`answered_by`, their name)."""
    class_names = "、".join(escape(item.class_name) for item in items)
    near = f"\n{offer[0]}" if offer is not None else ""
    how = "请点「回答」，您的回复会直接发给这位学员"
    if offer is not None:
        how += f"；这条标准答案合适的话，也可以点「{offer[1].text}」直接发给学员"
    guide = f"{handoff_status(entry)}。" + ("" if answered else f"{how}。")
    before = f"<i>{dismissed}</i>\n" if dismissed and not answered else ""
    text = (
        f"🙋 <b>学员提问</b>{f' · {class_names}' if class_names else ''}\n"
        f"{escape(asker)}：{escape(entry.question)}{near}\n\n{before}<i>{guide}</i>"
    )
    unmanaged = [item for item in items if not item.current]
    if unmanaged:
        which = "这个培训班" if len(items) == 1 else "这些培训班"
        if len(unmanaged) < len(items):  # an admin who also runs one of the classes
            which = "、".join(f"「{escape(item.class_name)}」" for item in unmanaged)
        text += f"\n<i>{which}目前没有班主任（原班主任已被撤销），所以转给了管理员。</i>"
    if not answered:
        return text
    by = escape(teacher_name(answered_by)) if answered_by is not None else ""
    return f"{text}\n\n✅ {by}已回复。"


def answered_handoff_text(
    ctx: Context, entry: QuestionLog, recipient: int, *, answered_by: str | None = None
) -> str:
    """The 问班主任 message `recipient` got for `entry`, as it was sent but marked answered
    (`handoff_message`): by them, or by `answered_by` (a name)."""
    from handlers.unanswered import handoff_offer  # it imports this module

    _, _, recipients = handoff_recipients(ctx.services, entry.user_id)
    with ctx.services.session() as session:
        asker = session.get(User, entry.user_id)
    name = asker.display_name if asker is not None else str(entry.user_id)
    items = recipients.get(recipient, [])  # none once the trainee left: no class names then
    offer = handoff_offer(ctx, entry)
    return handoff_message(name, entry, items, offer, answered=True, answered_by=answered_by)


def answered_handoff(ctx: Context, entry: QuestionLog, message_id: int | None = None) -> Edit:
    """The 问班主任 message the manager answered `entry` through (`message_id`, None for the
    one whose button is pressed), as it was sent but marked 「✅ 已回复。」, without buttons."""
    return Edit(answered_handoff_text(ctx, entry, ctx.user.id), message_id=message_id)


async def mark_handoffs_answered(
    ctx: Context,
    question_ids: Iterable[int],
    *,
    answered_before_by: int | None = None,
    pressed: int | None = None,
) -> None:
    """Once the manager's answer to these questions reached the trainee, edit every 问班主任
    message they brought (those whose id is kept) to lose its buttons: 「✅ 已回复。」 for the
    manager who answered (and `answered_before_by`, who had answered it before), 「✅ 王芳老师
    已回复。」 for the others. The manager's message `pressed` in is left to the reply that
    edits it; a message Telegram will not edit (deleted, too old) is logged and left."""
    messenger = ctx.services.messenger
    if messenger is None:
        return
    with ctx.services.session() as session:
        rows = question_crud.handoff_messages(session, question_ids=question_ids)
        entries = {row.question_id: session.get(QuestionLog, row.question_id) for row in rows}
    answerers = {ctx.user.id, answered_before_by}
    for row in rows:
        entry = entries[row.question_id]
        if entry is None or row.message_id is None:
            continue
        if row.manager_id == ctx.user.id and row.message_id == pressed:
            continue
        by = None if row.manager_id in answerers else ctx.user.display_name
        text = answered_handoff_text(ctx, entry, row.manager_id, answered_by=by)
        try:
            await messenger.edit(row.manager_id, row.message_id, text)
        except DeliveryError as error:
            log.warning(
                "handoff message %s of question %s to %s not marked answered: %s",
                row.message_id,
                row.question_id,
                row.manager_id,
                error,
            )


def handoff_status(entry: QuestionLog) -> str:
    """Why the question needs a person, for the manager who gets it."""
    given = "标准答案" if entry.curated_id else "我给的条款"
    if not entry.answered:
        status = "我未能从通知中找到答案"
    elif entry.feedback == "down":
        status = f"学员认为{given}没有解答问题"
    else:
        status = f"学员看了{given}，仍希望由班主任解答"
    if entry.answered and entry.top_title:
        clause = f" {clause_label(entry.top_clause)}" if entry.top_clause else ""
        status += f"（我给的是《{escape(entry.top_title)}》{escape(clause)}）"
    return status


# A class name in the trainee's pop-up (Telegram shows at most 200 characters there).
ALERT_CLASS_CHARS = 20


def handoff_outcome(
    orphaned: list[ClassManager],
    *,
    has_managers: bool,
    managers_reached: bool,
    admins_tried: bool,
    admins_reached: bool,
) -> str:
    """What the trainee is told after 问班主任: who got the question, and honestly when a class
    has no manager any more (`orphaned`) or nobody could take it."""
    if not orphaned:
        if managers_reached:
            return "✅ 已转给班主任，回复会发到与我的私聊里。"
        return (
            "暂时联系不上班主任（对方可能还没有和我对话）。问题已记下，班主任可在 "
            "/unanswered 里看到。"
        )
    if len(orphaned) == 1:
        without = f"「{shorten(orphaned[0].class_name, ALERT_CLASS_CHARS)}」目前没有班主任"
    else:
        without = f"您所在的 {len(orphaned)} 个培训班目前没有班主任"
    if managers_reached and admins_reached:
        return f"✅ 已转给班主任；{without}，也已转给管理员。回复会发到与我的私聊里。"
    if admins_reached:
        return f"✅ {without}，问题已转给管理员，回复会发到与我的私聊里。"
    if managers_reached:
        return f"✅ 已转给其他培训班的班主任（{without}），回复会发到与我的私聊里。"
    if has_managers or admins_tried:
        return (
            f"{without}，其他能接手的人暂时也联系不上。问题已记下，管理员可在 /unanswered 里看到。"
        )
    return (
        f"抱歉，{without}，暂时没有人能接手这个问题。问题已记下，管理员可在 /unanswered 里"
        "看到；您也可以直接联系培训项目的负责人。"
    )
