"""Deadlines found in the notices: `/deadlines` lists them (five a page, each with its source
clause), and a class manager turns one into a class reminder with two taps (three when they
run several classes: the class first).

The first screen holds the deadlines still ahead (soonest first), then those without a date
(「培训结束后的1个月内」, which may still be ahead); the past ones (latest first) are behind a
button 「查看已过期的 (N)」, so two screens of 2011–2019 deadlines do not bury this week's. A
limit without a date counts from its notice's training, so one from a notice issued more than
`OLD_NOTICE` ago is past too: it is listed with the past ones, by its notice's date, headed
「⏳ 培训结束后的1个月内（2011年的通知）」 under a note that says why. A date
is written as the reminders write it (「12月15日(周二)」, the year only when it is not this
year); a limit the notice words as a year (「2020年前」「2019年底前」) keeps its words; the
trainees' own day (「请参训学员于2026年12月19日报到」) is listed without 「前」. A date from a
notice about one class or event carries the scope line answers carry (「⚠️ 只适用于这个研修班，
不是国培计划的通用规定」, knowledge/scope.py), and a duty of a body, not the trainees', says
whose it is (「（教育局的任务）」); 设为提醒 repeats both before a class is reminded. Only the
lead times (提前1/3/7天) whose reminder time (09:00) is still ahead are offered, each with the
time it is sent, and the result says when and to whom it goes. A lead time already set for
the class is marked 「（已设）」, and in the class picker a class is marked 「（已设）」 when every
lead time offered is set, 「（已设N个）」 when N of them are. Setting it again adds no copy: the
database is checked, and refuses a copy itself (a key unique among the active reminders,
scheduler/deadlines.py), so this holds across a restart and across two bot processes on one
database. A double tap gets a toast, a later repeat says 「已经为「…」设过这个提醒」 (QA19 F1).
An item still ahead whose every lead time has passed (tomorrow's, after 09:00 today) says so in
a manager's list, with the /remind to write instead.

When an admin replaces or removes a notice (handlers/notices.py), `tell_superseded` tells each
manager whose pending class reminder was set from one of its deadlines, and the admin how many
there are; nothing is cancelled, and /reminders marks them.

    /deadlines                       📅 12月15日(周二)前 …报送 —— 《title》 文号 · 条款 三、(二)
    dl:1:pg:<page>                   ◀ 上一页 / 下一页 ▶ of the upcoming ones (edits the list)
    dl:1:old:<page>                  查看已过期的 (N), and its pages; 「◀ 返回未到期的」 is pg:0
    dl:1:rm:<key>                    ⏰ 设为提醒 (managers): the days before (one class), or …
    dl:1:rm:<key>:<page>             … a page of the manager's classes (several classes)
    dl:1:pk:<key>:<class>            … then the days before, for the class picked
    dl:1:set:<key>:<class>:<days>    … then scheduler/deadlines.py schedules it (09:00 that day)

A deadline is named in buttons by `deadline_key`, a hash of what it says: its place in the
list changes when a notice is added. Every button is checked again on the server.
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING

from sqlmodel import select

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, keyboard
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, TrainingClass
from bot.db.reminder_models import Reminder, ReminderStatus
from bot.limits import shorten
from handlers.class_names import class_labels
from handlers.routing import (
    Context,
    Router,
    UserError,
    button_id,
    button_number,
    paging_buttons,
)
from handlers.typeset import typeset
from knowledge.deadlines import date_error, duty_holder, is_on_the_day
from knowledge.models import clause_label
from knowledge.scope import scope_note
from scheduler.deadlines import (
    ReminderExists,
    deadline_marks,
    deadline_messages,
    lead_days_left,
    lead_free,
    reminder_run_at,
    schedule_deadline_reminder,
)
from scheduler.timeparse import format_day, format_when

if TYPE_CHECKING:
    from knowledge import Deadline, KnowledgeBase

router = Router("deadlines")

PREFIX = "dl"
VERSION = "1"
PER_PAGE = 5
REMINDER_DAYS = (1, 3, 7)
# A manager with several classes picks the class first, this many to a page.
CLASSES_PER_PAGE = 10
CLASS_LABEL_CHARS = 24
# A limit without a date (「培训结束后的1个月内」) from a notice older than this is long past:
# a notice's training is held within its year.
OLD_NOTICE = timedelta(days=365)
# In `Services.extras`: the lock that makes 「already set?」 and setting it one step (two
# managers of a class may tap at once), and which reminder each message's button set, so that
# a double tap of that message gets only a toast and keeps its 「✅ 已为…设提醒」.
SET_LOCK = "deadlines.set_lock"
SET_FROM = "deadlines.set_from"
SET_FROM_KEPT = 500

ALREADY_SET_TOAST = "这条提醒已经设置过了。"
SET_MARK_NOTE = "\n（标「已设」的班已有这项提醒，点进去可以看是哪几天、补设其他天数。）"

STALE = "这个按钮已失效，请重新发送 /deadlines。"
UNAVAILABLE = "抱歉，知识库暂时不可用，我现在无法查询通知。"
GONE = "这个截止事项已不在通知里了，请重新发送 /deadlines。"
MANAGERS_ONLY = "只有班主任可以把截止时间设为培训班提醒。"
NO_CLASS = "您还没有培训班。先用 /newclass 培训班名称 创建一个，再设提醒。"
NOT_YOUR_CLASS = "这不是您管理的培训班。"
TOO_CLOSE = (
    "提前 {days} 天的提醒时间（{when}）已经过去了，离截止日已不足 {days} 天。"
    "请选更短的提前量，或用 /remind 手动设置。"
)
OLD_RELATIVE_NOTE = (
    "标 ⏳ 的期限从培训结束算起，没有具体日期；这些通知是一年多以前的，它们的培训早已结束。"
)
NO_LEAD_LEFT = (
    "离截止日太近了：提前 1 天（前一天 9:00）的提醒时间也已经过去。"
    "如需提醒，请用 /remind 手动设置，例如：/remind 今晚8点 明天截止，请尽快提交材料"
)


def callback(*parts: object) -> str:
    """Versioned callback data of this module: dl:1:<parts…>."""
    return ":".join([PREFIX, VERSION, *map(str, parts)])


def deadline_key(deadline: Deadline) -> str:
    """A short stable id of a deadline for callback data (its list position may change)."""
    raw = "\0".join((deadline.doc_id, deadline.clause, deadline.when_text, deadline.text))
    return hashlib.sha1(raw.encode()).hexdigest()[:10]


def local_now(ctx: Context) -> datetime:
    return datetime.now(ctx.services.settings.timezone)


def notice_day(metadata: Mapping[str, str]) -> date | None:
    """The latest day a notice can be from: its date (2011-06-21; a year alone, 2011, is its
    31 December; 2011-06 is 30 June), else the year of its 文号 (〔2010〕4号); None if unknown."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", metadata.get("date") or "")
    if found is None:
        year = re.search(r"[〔\[(（](\d{4})[〕\])）]", metadata.get("doc_number") or "")
        return date(int(year.group(1)), 12, 31) if year else None
    year = int(found.group(1))
    month = int(found.group(2) or 12)
    try:
        day = int(found.group(3) or calendar.monthrange(year, month)[1])
        return date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        return None


def notice_days(ctx: Context) -> dict[str, date]:
    """Each notice's `notice_day`, by doc_id (the notices whose date is unknown are left out)."""
    assert ctx.services.knowledge is not None
    return notice_days_of(ctx.services.knowledge.documents())


def notice_days_of(documents: Iterable[Mapping[str, str]]) -> dict[str, date]:
    """`notice_days` of these notices' metadata (`KnowledgeBase.documents()`); also what
    `guopei-bot deadlines` splits the deadlines by (bot/cli_knowledge.py)."""
    days = {}
    for metadata in documents:
        day = notice_day(metadata)
        if day is not None:
            days[metadata["doc_id"]] = day
    return days


def is_past(deadline: Deadline, today: date, notice_days: Mapping[str, date]) -> bool:
    """Dated and before today; or without a date, in a notice older than `OLD_NOTICE`."""
    if deadline.due is not None:
        return deadline.due < today
    issued = notice_days.get(deadline.doc_id)
    return issued is not None and issued < today - OLD_NOTICE


def upcoming_first(
    deadlines: list[Deadline], today: date, notice_days: Mapping[str, date] | None = None
) -> list[Deadline]:
    """Still ahead (today included), soonest first; then undated; then past, latest first (an
    undated one from an old notice by its notice's day)."""
    days = notice_days or {}
    ahead, past = split_expired(deadlines, today, days)
    return [*ahead, *past]


def split_expired(
    deadlines: list[Deadline], today: date, notice_days: Mapping[str, date] | None = None
) -> tuple[list[Deadline], list[Deadline]]:
    """(still ahead, soonest first, then undated; past, latest first): see `upcoming_first`."""
    days = notice_days or {}
    dated: list[Deadline] = []
    undated: list[Deadline] = []
    past: list[Deadline] = []
    for deadline in deadlines:
        if is_past(deadline, today, days):
            past.append(deadline)
        else:
            (undated if deadline.due is None else dated).append(deadline)
    dated.sort(key=lambda d: d.due or today)
    past.sort(key=lambda d: d.due or days[d.doc_id], reverse=True)
    return [*dated, *undated], past


def all_deadlines(ctx: Context) -> list[Deadline]:
    if ctx.services.knowledge is None:
        raise UserError(UNAVAILABLE)
    found = ctx.services.knowledge.deadlines()
    return upcoming_first(found, local_now(ctx).date(), notice_days(ctx))


def find_deadline(ctx: Context, key: str) -> Deadline:
    for deadline in all_deadlines(ctx):
        if deadline_key(deadline) == key:
            return deadline
    raise UserError(GONE)


# ----- the list ------------------------------------------------------------------------------


# A limit the notice names to the day (「2026年12月15日前」) is shown as a date; one it words as
# a year or a month's end (「2020年前」「2019年底前」「到2019年底」) keeps the notice's words.
_EXACT_DAY = re.compile(r"\d{1,2}\s*[日号]")


def deadline_item(deadline: Deadline, today: date, issued: date | None = None) -> str:
    """One deadline: the date (or the time limit, with the year of its notice when known), the
    duty, and where the notice says it."""
    when = escape(deadline.when_text or "")
    if deadline.due is not None and is_on_the_day(deadline):  # 「于2026年12月19日报到」
        head = f"📅 <b>{format_day(deadline.due, today)}</b>"
    elif deadline.due is not None and (not when or _EXACT_DAY.search(when)):
        head = f"📅 <b>{format_day(deadline.due, today)}</b>前"
    elif deadline.due is not None:
        head = f"📅 <b>{when}</b>"
    else:
        head = f"⏳ <b>{when or '期限'}</b>"
        # the year of its notice explains a limit from the training's end, not a misprinted day
        if issued is not None and date_error(deadline) is None:
            head += f"（{issued.year}年的通知）"
    head += escape(duty_label(deadline))  # 「请各市（州）教育局于…前将…报送」
    text = typeset(deadline.text)
    duty = text if len(text) <= 160 else text[:159] + "…"
    source = [
        escape(typeset(p)) for p in (deadline.doc_number, clause_label(deadline.clause)) if p
    ]
    title = f"《{escape(typeset(deadline.title))}》" if deadline.title else "《未命名通知》"
    scope = scope_note(deadline.title, "", short=True)
    scope_line = f"{escape(scope)}\n" if scope else ""
    return f"{head}\n{escape(duty)}\n{scope_line}—— {' · '.join([title, *source])}"


def duty_label(deadline: Deadline) -> str:
    """「（教育局的任务）」 after a duty of a body, not the trainees' (`duty_holder`); "" for
    the trainees' own. Plain text: the list escapes it, `guopei-bot deadlines` prints it."""
    holder = duty_holder(deadline)
    return f"（{holder}的任务）" if holder else ""


def reminder_caveats(deadline: Deadline) -> str:
    """What a manager should know before reminding a class of ``deadline``, one line each
    (each after a newline): the notice is about one class or event (`scope_note`), or the
    duty is a body's, not the trainees' (`duty_holder`); "" when neither."""
    lines = []
    if scope := scope_note(deadline.title, "", short=True):
        lines.append(f"{scope}，请确认是您的培训班再设提醒。")
    if holder := duty_holder(deadline):
        lines.append(f"⚠️ 这是{holder}的任务，不是学员要做的事；提醒全班学员前请确认。")
    return "".join(f"\n{escape(line)}" for line in lines)


def deadlines_view(ctx: Context, page: int, *, expired: bool = False) -> tuple[str, Keyboard]:
    """One page of the deadlines still ahead (for managers with a 设为提醒 per date whose
    reminder can still be sent) and a button to the expired ones; or, with `expired`, a page
    of those, with a button back."""
    if ctx.services.knowledge is None:
        raise UserError(UNAVAILABLE)
    found = ctx.services.knowledge.deadlines()
    if not found:
        return "通知里没有找到带截止时间的事项。", ()
    now = local_now(ctx)
    today = now.date()
    days = notice_days(ctx)
    ahead, past = split_expired(found, today, days)
    shown_list = past if expired else ahead
    to_past = [Button(f"查看已过期的（{len(past)}）", data=callback("old", 0))] if past else []
    back = [Button("◀ 返回未到期的", data=callback("pg", 0))]
    if not shown_list:
        if expired:
            return "通知里没有已过期的截止时间。", keyboard(back)
        return "🗓 通知里暂时没有还没到期的截止时间。", keyboard(to_past)
    pages = (len(shown_list) + PER_PAGE - 1) // PER_PAGE
    if not 0 <= page < pages:
        raise UserError(STALE)
    first = page * PER_PAGE
    shown = shown_list[first : first + PER_PAGE]
    if expired:
        lines = [f"🗓 <b>已过期的截止时间</b>（共 {len(past)} 项，最近的在前）"]
        if any(d.due is None and date_error(d) is None for d in shown):
            lines[0] += f"\n{OLD_RELATIVE_NOTE}"
    else:
        lines = [f"🗓 <b>通知里的截止时间</b>（还没到期的，共 {len(ahead)} 项）"]
    lines += [
        f"{number}. {deadline_item(deadline, today, days.get(deadline.doc_id))}"
        + (no_lead_note(deadline, now) if ctx.is_manager and not expired else "")
        for number, deadline in enumerate(shown, start=first + 1)
    ]
    if pages > 1:
        lines.append(f"<i>第 {page + 1}/{pages} 页</i>")
    action = "old" if expired else "pg"
    paging = paging_buttons(page, pages, lambda other: callback(action, other))
    if expired:
        return "\n\n".join(lines), keyboard(paging, back)
    reminder_rows = []
    if ctx.is_manager:
        for number, deadline in enumerate(shown, start=first + 1):
            if deadline.due is not None and lead_days_left(deadline.due, now, REMINDER_DAYS):
                data = callback("rm", deadline_key(deadline))
                reminder_rows.append([Button(f"⏰ 第 {number} 项设为提醒", data=data)])
    return "\n\n".join(lines), keyboard(*reminder_rows, paging, to_past)


def no_lead_note(deadline: Deadline, now: datetime) -> str:
    """For a manager, under a dated item still ahead whose every lead time (09:00 one, three,
    seven days before) has passed: why it has no 「设为提醒」, and what to write instead."""
    if deadline.due is None or deadline.due < now.date():
        return ""
    if lead_days_left(deadline.due, now, REMINDER_DAYS):
        return ""
    day = "今天" if deadline.due == now.date() else "明天"
    example = "今晚8点" if day == "明天" and now.hour < 20 else "30分钟后"
    return (
        f"\n<i>⏰ {day}的事项：提前提醒的时间（前一天 9:00）已过，不能「设为提醒」；"
        f"可用 /remind {example} 提醒内容 自己设。</i>"
    )


@router.command("deadlines", "通知里的截止时间")
async def deadlines(ctx: Context) -> list[Reply]:
    """List the deadlines found in the notices, each with its source clause."""
    text, buttons = deadlines_view(ctx, 0)
    return [Send(text, buttons)]


# ----- buttons -------------------------------------------------------------------------------


@router.callback(PREFIX)
async def on_button(ctx: Context) -> list[Reply]:
    """Handle the page buttons and the two steps of 设为提醒."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) < 3 or parts[1] != VERSION:
        raise UserError(STALE)
    action, *rest = parts[2:]
    if action == "pg" and len(rest) == 1:
        return [Edit(*deadlines_view(ctx, button_number(rest[0], STALE)))]
    if action == "old" and len(rest) == 1:
        return [Edit(*deadlines_view(ctx, button_number(rest[0], STALE), expired=True))]
    if action == "rm" and len(rest) == 1:
        return [Send(*reminder_choices(ctx, rest[0]))]
    if action == "rm" and len(rest) == 2:
        return [Edit(*reminder_choices(ctx, rest[0], button_number(rest[1], STALE)))]
    if action == "pk" and len(rest) == 2:
        return [Edit(*days_choices(ctx, rest[0], button_id(rest[1], STALE)))]
    if action == "set" and len(rest) == 3:
        class_id, days = button_id(rest[1], STALE), button_number(rest[2], STALE)
        return await set_reminder(ctx, rest[0], class_id, days)
    raise UserError(STALE)


def reminder_choices(ctx: Context, key: str, page: int = 0) -> tuple[str, Keyboard]:
    """设为提醒: with one class, how many days before the deadline; with several, first the
    class (CLASSES_PER_PAGE to a page), then the days (`days_choices`)."""
    deadline, classes, left = _reminder_basis(ctx, key)
    if len(classes) == 1:
        return days_choices(ctx, key, classes[0].id or 0, only_class=True)
    pages = (len(classes) + CLASSES_PER_PAGE - 1) // CLASSES_PER_PAGE
    page = min(page, pages - 1)
    shown = classes[page * CLASSES_PER_PAGE : (page + 1) * CLASSES_PER_PAGE]
    labels = class_labels(classes, limit=CLASS_LABEL_CHARS)
    shown_ids = [c.id or 0 for c in shown]
    done = set_lead_counts(ctx, shown_ids, deadline, left)
    rows = [
        [Button(labels[i] + _set_mark(done[i], left), data=callback("pk", key, i))]
        for i in shown_ids
    ]
    paging = paging_buttons(page, pages, lambda other: callback("rm", key, other))
    marked = SET_MARK_NOTE if any(done.values()) else ""
    text = (
        f"⏰ 为{_item(deadline)}（{_due(ctx, deadline)}）设提醒，先选择培训班："
        f"{marked}{_skipped_note(left)}{reminder_caveats(deadline)}"
    )
    return f"{text}\n{escape(typeset(deadline.text)[:200])}", keyboard(*rows, paging)


def days_choices(
    ctx: Context, key: str, class_id: int, only_class: bool = False
) -> tuple[str, Keyboard]:
    """The lead times still ahead for one of the manager's classes, each with when it is sent."""
    deadline, classes, left = _reminder_basis(ctx, key)
    chosen = next((c for c in classes if c.id == class_id), None)
    if chosen is None:
        raise UserError(NOT_YOUR_CLASS)
    assert deadline.due is not None
    now = local_now(ctx)
    sent_at = "\n".join(
        f"· 提前{days}天：{format_when(reminder_run_at(deadline.due, days, now.tzinfo), now)}"
        for days in left
    )
    duty = escape(typeset(deadline.text)[:200])
    done = set_lead_days(ctx, class_id, deadline, left)
    mark = {days: "（已设）" if days in done else "" for days in left}
    if only_class:
        label = class_labels(classes, limit=CLASS_LABEL_CHARS)[class_id]
        buttons = [
            Button(f"{label} 提前{days}天{mark[days]}", data=callback("set", key, class_id, days))
            for days in left
        ]
        text = (
            f"⏰ 为{_item(deadline)}（{_due(ctx, deadline)}）设提醒，"
            f"发给「{escape(chosen.name)}」全体学员。选择提前几天：\n{sent_at}"
        )
        caveats = reminder_caveats(deadline)
        return f"{text}{_skipped_note(left)}{caveats}\n\n{duty}", keyboard(buttons)
    buttons = [
        Button(f"提前{days}天{mark[days]}", data=callback("set", key, class_id, days))
        for days in left
    ]
    back = [Button("◀ 换一个培训班", data=callback("rm", key, 0))]
    text = (
        f"⏰ 为「{escape(chosen.name)}」设提醒（{_due(ctx, deadline)}），"
        f"发给全体学员。选择提前几天：\n{sent_at}{_skipped_note(left)}"
        f"{reminder_caveats(deadline)}\n\n{duty}"
    )
    return text, keyboard(buttons, back)


def _reminder_basis(ctx: Context, key: str) -> tuple[Deadline, list[TrainingClass], list[int]]:
    """The deadline, the manager's classes and the lead days still ahead, or a refusal."""
    if not ctx.is_manager:
        raise UserError(MANAGERS_ONLY)
    deadline = find_deadline(ctx, key)
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
    if not classes:
        raise UserError(NO_CLASS)
    if deadline.due is None:
        raise UserError("这项截止事项没有具体日期，请用 /remind 手动设置。")
    left = lead_days_left(deadline.due, local_now(ctx), REMINDER_DAYS)
    if not left:
        raise UserError(NO_LEAD_LEFT)
    return deadline, classes, left


def _item(deadline: Deadline) -> str:
    """「这项截止事项」, or 「这一项」 for a day that is no limit (「于2026年12月19日报到」)."""
    return "这一项" if is_on_the_day(deadline) else "这项截止事项"


def _due(ctx: Context, deadline: Deadline) -> str:
    """「截止日 12月15日(周二)」, as the list writes the day; 「日期 12月19日(周六)」 for a day
    that is no limit (「于2026年12月19日报到」)."""
    if deadline.due is None:
        return ""
    noun = "日期" if is_on_the_day(deadline) else "截止日"
    return f"{noun} {format_day(deadline.due, local_now(ctx).date())}"


def _skipped_note(left: list[int]) -> str:
    skipped = [days for days in REMINDER_DAYS if days not in left]
    if not skipped:
        return ""
    return f"\n（截止日前 {'、'.join(map(str, skipped))} 天的 9:00 已经过去，不再提供。）"


def existing_reminder(
    ctx: Context, class_id: int, deadline: Deadline, days_before: int
) -> Reminder | None:
    """The class's pending reminder of this deadline, `days_before` days ahead, if one is set
    (by anyone): the same text (either form, `deadline_messages`) at the same time."""
    assert deadline.due is not None
    run_at = reminder_run_at(deadline.due, days_before, ctx.services.settings.timezone)
    statement = select(Reminder).where(
        Reminder.class_id == class_id,
        Reminder.status == ReminderStatus.active,
        Reminder.text.in_(deadline_messages(deadline, days_before)),  # type: ignore[attr-defined]
    )
    with ctx.services.session() as session:
        found = session.exec(statement.order_by(Reminder.id)).all()
    return next((r for r in found if r.cron is None and r.run_at == run_at), None)


def set_lead_days(ctx: Context, class_id: int, deadline: Deadline, choices: list[int]) -> set[int]:
    """Which of the lead times `choices` already have a pending reminder for the class."""
    return {days for days in choices if existing_reminder(ctx, class_id, deadline, days)}


def set_lead_counts(
    ctx: Context, class_ids: list[int], deadline: Deadline, choices: list[int]
) -> dict[int, int]:
    """For each class, how many of the lead times `choices` have a pending reminder (the same
    test as `existing_reminder`, one query for the page of classes)."""
    assert deadline.due is not None
    tz = ctx.services.settings.timezone
    wanted = {
        (text, reminder_run_at(deadline.due, days, tz))
        for days in choices
        for text in deadline_messages(deadline, days)
    }
    # `cron` is tested here, not in SQL: a one-off's is stored as JSON null, not as NULL.
    statement = select(Reminder.class_id, Reminder.text, Reminder.run_at, Reminder.cron).where(
        Reminder.class_id.in_(class_ids),  # type: ignore[union-attr]
        Reminder.status == ReminderStatus.active,
        Reminder.text.in_([text for text, _ in wanted]),  # type: ignore[attr-defined]
    )
    with ctx.services.session() as session:
        rows = session.exec(statement).all()
    # a lead time counts once, whichever form its reminder's text has
    found = {
        (c, run_at) for c, text, run_at, cron in rows if cron is None and (text, run_at) in wanted
    }
    counts = dict.fromkeys(class_ids, 0)
    for class_id, _ in found:
        if class_id in counts:
            counts[class_id] += 1
    return counts


def _set_mark(count: int, choices: list[int]) -> str:
    """After a class's name in the picker: every lead time offered is set, or some are."""
    if not count:
        return ""
    return "（已设）" if count >= len(choices) else f"（已设{count}个）"


def _class_name(ctx: Context, class_id: int, managed: Mapping[int, TrainingClass]) -> str:
    """The class's name; an admin may act for a class someone else runs."""
    if class_id in managed:
        return managed[class_id].name
    with ctx.services.session() as session:
        found = session.get(TrainingClass, class_id)
    return found.name if found is not None else str(class_id)


def _set_from(ctx: Context) -> dict[tuple[int, int | None], int]:
    """Which reminder the button of each (chat, message) set, the latest `SET_FROM_KEPT`."""
    return ctx.services.extras.setdefault(SET_FROM, {})


def _remember_set_from(ctx: Context, reminder_id: int) -> None:
    """Note that the pressed message set `reminder_id` (for `_already_set`)."""
    set_from = _set_from(ctx)
    set_from[(ctx.event.chat_id, ctx.event.message_id)] = reminder_id
    while len(set_from) > SET_FROM_KEPT:
        del set_from[next(iter(set_from))]


def _already_set(
    ctx: Context, reminder: Reminder, name: str, deadline: Deadline, days_before: int
) -> list[Reply]:
    """A second tap of the button that set `reminder`: a toast, its 「✅」 message kept; any
    other repeat (the button pressed again later, or after a restart): says so in place."""
    if _set_from(ctx).get((ctx.event.chat_id, ctx.event.message_id)) == reminder.id:
        return [Notice(ALREADY_SET_TOAST)]
    now = local_now(ctx)
    assert reminder.run_at is not None
    when = format_when(reminder.run_at.astimezone(now.tzinfo), now)
    return [
        Edit(
            f"ℹ️ 已经为「{escape(name)}」设过这个提醒：{when} 发给全体学员"
            f"（{_due(ctx, deadline)} 前 {days_before} 天）。这次没有再设，学员不会收到两遍。"
            f"\n{escape(typeset(deadline.text)[:200])}\n\n用 /reminders 查看或取消。"
        ),
        Notice(f"已经为「{name[:60]}」设过这个提醒"),
    ]


async def set_reminder(ctx: Context, key: str, class_id: int, days_before: int) -> list[Reply]:
    """Create the class reminder, `days_before` days ahead of the due date, unless the class
    has it already."""
    if not ctx.is_manager:
        raise UserError(MANAGERS_ONLY)
    if days_before not in REMINDER_DAYS:
        raise UserError(STALE)
    deadline = find_deadline(ctx, key)
    manager_id = ctx.user.id
    with ctx.services.session() as session:
        managed = {c.id: c for c in crud.classes_managed_by(session, manager_id=manager_id)}
    if class_id not in managed and ctx.role is not Role.admin:
        raise UserError(NOT_YOUR_CLASS)
    if deadline.due is None:
        raise UserError("这项截止事项没有具体日期，请用 /remind 手动设置。")
    name = _class_name(ctx, class_id, managed)
    async with ctx.services.extras.setdefault(SET_LOCK, asyncio.Lock()):
        if found := existing_reminder(ctx, class_id, deadline, days_before):
            return _already_set(ctx, found, name, deadline, days_before)
        now = local_now(ctx)
        run_at = reminder_run_at(deadline.due, days_before, now.tzinfo)
        if days_before not in lead_days_left(deadline.due, now, REMINDER_DAYS):
            raise UserError(TOO_CLOSE.format(days=days_before, when=format_when(run_at, now)))
        try:
            reminder_id = await schedule_deadline_reminder(
                ctx.services, manager_id, class_id, deadline, days_before
            )
        except ReminderExists as exists:  # set by another bot process since the check above
            return _already_set(ctx, exists.reminder, name, deadline, days_before)
        except ValueError as error:  # the scheduler's own refusal (e.g. a time in the past)
            raise UserError(f"没能设置提醒：{escape(str(error))}") from None
        _remember_set_from(ctx, reminder_id)
    return [
        Edit(
            f"✅ 已为「{escape(name)}」设提醒：{format_when(run_at, now)} 发给全体学员"
            f"（{_due(ctx, deadline)} 前 {days_before} 天）。"
            f"\n{escape(typeset(deadline.text)[:200])}\n\n用 /reminders 查看或取消。"
        ),
        Notice("已设置"),
    ]


# ----- reminders whose notice was replaced or removed (/notices, a new version uploaded) -----

SUPERSEDED_WORDS = {"replaced": "已被替换为新版本", "removed": "已被删除"}
SUPERSEDED_ENTRIES = 5  # reminders a manager's message names; the others are counted
SUPERSEDED_CLASSES = 3  # classes the admin's line names
REMINDERS_LIST = "rm:1:ls:0"  # handlers/reminders.py: the first page of /reminders


def notice_marks(kb: KnowledgeBase) -> set[str]:
    """What the reminders of the live deadlines say (`deadline_marks`): taken before a notice
    is replaced or removed, for `tell_superseded`."""
    return deadline_marks(kb.deadlines())


async def tell_superseded(ctx: Context, kb: KnowledgeBase, before: set[str], how: str) -> str:
    """After a notice was replaced (`how` "replaced") or removed: tell each manager who set a
    pending class reminder from one of its deadlines (no live deadline gives its text now) and
    return the admin's line on them ("" when there are none). Nothing is cancelled."""
    from handlers.ask import deliver

    gone = before - notice_marks(kb)
    if not gone:
        return ""
    with ctx.services.session() as session:
        rows = [
            (reminder, name)
            for reminder, name in rcrud.active_deadline_reminders(session)
            if lead_free(reminder.text) in gone
        ]
        users = crud.users_by_id(session, user_ids={r.created_by for r, _ in rows})
    if not rows:
        return ""
    by_creator: dict[int, list[tuple[Reminder, str]]] = {}
    for reminder, name in rows:
        by_creator.setdefault(reminder.created_by, []).append((reminder, name))
    told, missed, own = [], [], 0
    for creator, entries in by_creator.items():
        user = users.get(creator)
        who = shorten(user.display_name, 20) if user else str(creator)
        if creator == ctx.user.id:
            own = len(entries)
            continue
        text = superseded_message(ctx, entries, how)
        listing = keyboard([Button("⏰ 查看我的提醒", data=REMINDERS_LIST)])
        failed = await deliver(ctx.services, creator, text, listing)
        (missed if failed else told).append(escape(who))
    counts: dict[str, int] = {}
    for _, name in rows:
        counts[name] = counts.get(name, 0) + 1
    classes = "、".join(
        f"「{escape(shorten(name, CLASS_LABEL_CHARS))}」{count} 条"
        for name, count in list(counts.items())[:SUPERSEDED_CLASSES]
    ) + (" 等" if len(counts) > SUPERSEDED_CLASSES else "")
    old = "旧版本" if how == "replaced" else "这份通知"
    line = f"⚠️ 有 {len(rows)} 条培训班提醒是按{old}的期限设的（{classes}），没有自动取消。"
    if told:
        line += f"已通知设提醒的班主任：{'、'.join(told)}。"
    if missed:
        line += f"没能通知 {'、'.join(missed)}（可能屏蔽了机器人），请另行转告。"
    if own:
        line += f"其中 {own} 条是您自己设的，请用 /reminders 查看或取消。"
    return line


def superseded_message(ctx: Context, entries: list[tuple[Reminder, str]], how: str) -> str:
    """A manager's message on their reminders whose notice `how` (replaced/removed)."""
    now = local_now(ctx)
    classes = {name for _, name in entries}
    what = SUPERSEDED_WORDS[how]
    if len(classes) == 1 and len(entries) == 1:
        head = f"⚠️ 您为「{escape(entries[0][1])}」设的提醒依据的通知{what}："
    elif len(classes) == 1:
        head = f"⚠️ 您为「{escape(entries[0][1])}」设的 {len(entries)} 条提醒依据的通知{what}："
    else:
        head = f"⚠️ 您设的 {len(entries)} 条提醒依据的通知{what}："
    lines = [head]
    for reminder, name in entries[:SUPERSEDED_ENTRIES]:
        when = format_when(reminder.next_run_at, now) if reminder.next_run_at else ""
        where = f"【{escape(shorten(name, CLASS_LABEL_CHARS))}】" if len(classes) > 1 else ""
        text = typeset(reminder.text)
        lines.append(f"· {where}{when} · {escape(text if len(text) <= 200 else text[:199] + '…')}")
    if len(entries) > SUPERSEDED_ENTRIES:
        lines.append(f"……另有 {len(entries) - SUPERSEDED_ENTRIES} 条。")
    lines.append(
        ("它没有取消" if len(entries) == 1 else "它们没有取消")
        + "，到时仍会按旧通知的日期发给全班学员。请用 /reminders 查看或取消"
        + ("，再用 /deadlines 按新版本设提醒。" if how == "replaced" else "。")
    )
    return "\n".join(lines)
