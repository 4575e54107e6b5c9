"""Scheduled reminders for a class: `/remind WHEN TEXT`, `/reminders`.

    /remind 明天9点 交研修日志          → (class buttons if several) → echo + 确认 → scheduled
    /remind 每周五20:00 提交周报        → the next three times are shown before confirming
    /reminders                          → pending reminders, five to a page (◀ / ▶), a
                                          cancel button each; an admin sees those of every
                                          class, each with its manager

Callback data (version 1, re-checked on every press: only the reminder's creator or the
class's manager may act, an admin may also cancel any reminder (a removed manager's keeps
going out otherwise; whoever set it is told who cancelled it), and only while the reminder is
in the expected state)::

    rm:1:cls:<reminder>:<class>   choose the class of a draft
    rm:1:pk:<reminder>:<page>     another page of the draft's class picker
    rm:1:ok:<reminder>            confirm a draft        rm:1:no:<reminder>  drop a draft
    rm:1:cx:<reminder>:<page>     ask to cancel          rm:1:cy:<reminder>:<page>  cancel it
    rm:1:ls:<page>                a page of the list (上一页 / 下一页 / 返回)

`<page>` is the list's page the button was on, shown again after cancelling (older buttons
without it mean the first page). Ids are read with `button_id`, pages with `button_number`.
    rm:1:td:<reminder>            a draft 「明天…」 written 00:00–04:59: today instead

/remind measures the reminder's text alone (not 「明天9点」) against MAX_REMINDER_CHARS. A
reminder set from /deadlines whose notice has since been replaced or removed is marked in the
list 「⚠️ 依据的通知已被替换」 (or 「…已被删除」): scheduler/deadlines.py `superseded`.

The list writes a time as 「12月7日(周一) 09:00」 (scheduler/timeparse.py `format_when`, which
surveys and /deadlines use too): a one-off reminder by that time alone, a 🔁 one by its rule and
its next time. The notes the confirmation gave on how the time was read
(「(未写具体时间,默认 09:00)」) are not repeated there. When the list spans several classes,
each class is a heading over its reminders (on each page, in the order of their soonest), and
the reminders are numbered in the order shown, as the 「取消第 N 条」 buttons are.

「明天上午9点」 written at 00:30 keeps its calendar meaning (the next date, 32 h away): the
confirmation says so in words (「注意:现在是凌晨,「明天」按日历算是 12月8日(周二)」) and offers
a button to move it to today, so a manager who meant "after I sleep" fixes it with one tap. A
rule from 「明天」 on (「明天开始每天9点」「明天至周五 8点」) says so too, and to write 「今天」
to start today (「明天到后天」: 「今天到明天」, the end moves with it).

A rule by the hour (「每小时」「每隔2小时」「每半小时」「每30分钟」「每个整点」) is refused before
anything is saved, with the line that reminds on the hour in the daytime (a cron rule) and the
once-a-day one (scheduler/when/hourly.py): the parser refuses it at the start of WHEN, and
/remind when it starts the text after a day or a rule without its time or after a span of
hours (「每天每小时 签到」「工作日每小时」「每天8点到18点每小时 签到」), which would otherwise
be read as that day's 09:00 (the span's start) with 「每小时 签到」 as the text.

A rule with an end date (「明天至周五 8点」, cron ``end_date``) lists all its runs when they are
three or fewer (「共 2 次：」), else the next three and the last
(「……最后一次 12月11日（周五） 08:00，共 5 次」); after its last run it is done
(scheduler/jobs.py) and leaves /reminders.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html import escape

from sqlmodel import Session

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, keyboard
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, TrainingClass, User, utcnow
from bot.db.reminder_models import Reminder, ReminderStatus
from bot.limits import shorten, utf16_length
from handlers.class_names import class_labels, class_page
from handlers.routing import (
    Context,
    Router,
    UserError,
    button_id,
    button_number,
    paging_buttons,
)
from scheduler import service as scheduler_service
from scheduler.deadlines import deadline_marks, superseded
from scheduler.timeparse import (
    TimeParseError,
    cron_next_runs,
    examples,
    format_datetime,
    format_when,
    parse_reminder,
    small_hours_tomorrow,
)
from scheduler.when.hourly import hourly_in_text, refusal_after

router = Router("reminders", roles={Role.manager, Role.admin})

PREFIX = "rm"
VERSION = "1"
PER_PAGE = 5  # reminders a page of /reminders shows
CLASS_CHARS = 24  # a class name in the list, shortened keeping its tail (「…培训班第3期」)
LABEL_CHARS = 40  # the time as written (「每周五 20:00」)
NAME_CHARS = 20  # a class's manager in an admin's list (a name may have 129 characters)
CONTENT_CHARS = 60  # the start of the reminder's text
# In UTF-16 units, as Telegram counts; with the header it stays far below 4,096, and the
# stored text holds 2,000 characters (bot/db/reminder_models.py).
MAX_REMINDER_CHARS = 1900
STALE = "这个按钮已失效，请重新发送 /reminders 或 /remind。"
NOT_YOURS = "这不是您设置的提醒。"
NO_CLASS = "您还没有培训班。请先用 /newclass 培训班名称 创建培训班，再设置提醒。"


def _data(action: str, reminder_id: int, extra: int | None = None) -> str:
    tail = f":{extra}" if extra is not None else ""
    return f"{PREFIX}:{VERSION}:{action}:{reminder_id}{tail}"


def _local(ctx: Context, moment: datetime) -> datetime:
    return moment.astimezone(ctx.services.settings.timezone)


# ---------------------------------------------------------------- /remind


# Private only: set in a class group, the confirmation and every firing's progress and report
# (which names trainees who blocked the bot) would be posted to the whole class. In a group
# the router answers there with one line asking for the private chat, and nothing else.
@router.command("remind", "定时提醒", private_only=True, long_text=True)
async def remind(ctx: Context) -> list[Reply]:
    """Parse WHEN TEXT, echo the time(s) and ask which class / to confirm."""
    args = ctx.event.args.strip()
    now = datetime.now(ctx.services.settings.timezone)
    if not args:
        raise UserError(escape(f"请写上提醒时间和内容。\n\n{examples(now)}"))
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
    if not classes:
        raise UserError(NO_CLASS)
    try:
        parsed = parse_reminder(args, now)
    except TimeParseError as error:
        # the examples of the time now (「今晚8点」 after 20:00 would itself be past)
        advice = f"{error.reason}\n\n{examples(now)}" if error.with_examples else error.reason
        raise UserError(escape(advice)) from None
    if (hourly := hourly_in_text(parsed)) is not None:  # 「每天每小时 签到」
        raise UserError(escape(refusal_after(hourly, parsed, now)))
    # The text alone counts, as the limit names it (not 「明天9点」), as Telegram counts it.
    length = utf16_length(parsed.message)
    if length > MAX_REMINDER_CHARS:
        emoji = "，表情符号每个按 2 字计" if length > len(parsed.message) else ""
        raise UserError(
            f"提醒太长了（{length} 字{emoji}，只算内容，不算时间）。"
            f"请控制在 {MAX_REMINDER_CHARS} 字以内；长篇通知请用 /broadcast 群发。"
        )
    class_id = classes[0].id if len(classes) == 1 else None
    with ctx.services.session() as session:
        reminder = rcrud.create_reminder(
            session,
            created_by=ctx.user.id,
            chat_id=ctx.event.chat_id,
            class_id=class_id,
            text=parsed.message,
            when_text=parsed.when_text,
            label=parsed.describe(),
            run_at=parsed.run_at,
            cron=parsed.cron,
        )
    assert reminder.id is not None
    if class_id is None:
        return [Send(*_class_picker(ctx, reminder, classes, 0))]
    return [_confirmation(ctx, reminder, classes[0].name, edit=False)]


def _class_picker(
    ctx: Context, reminder: Reminder, classes: list[TrainingClass], page: int
) -> tuple[str, Keyboard]:
    """A page of the draft's class picker (`class_page`), a button per class."""
    assert reminder.id is not None
    draft_id = reminder.id
    view = class_page(classes, page, lambda other: _data("pk", draft_id, other))
    labels = class_labels(classes)
    buttons = [[Button(labels[c.id], data=_data("cls", draft_id, c.id))] for c in view.shown]
    buttons.append(view.paging)
    buttons.append([Button("✖ 取消", data=_data("no", draft_id))])
    text = f"{_summary(ctx, reminder, None)}\n\n请选择要提醒的培训班：{view.line}"
    return text, keyboard(*buttons)


def _small_hours(ctx: Context, reminder: Reminder) -> tuple[str, datetime, datetime | None] | None:
    """For a one-off draft 「明天…」 written 00:00–04:59 and due on the next calendar day:
    (the word as written, its time, the same time today if still ahead); None otherwise."""
    if reminder.cron is not None or reminder.run_at is None:
        return None
    found = small_hours_tomorrow(reminder.when_text, _local(ctx, reminder.created_at))
    run = _local(ctx, reminder.run_at)
    if found is None or run.date() != found[1]:
        return None
    today = run - timedelta(days=1)
    return found[0], run, today if today > utcnow() else None


def _small_hours_note(ctx: Context, reminder: Reminder) -> str:
    if reminder.cron is not None:
        return _small_hours_rule_note(ctx, reminder)
    found = _small_hours(ctx, reminder)
    if found is None:
        return ""
    word, run, today = found
    note = f"⚠️ 注意：现在是凌晨，「{word}」按日历算是 {_day(run)}。"
    if today is not None:
        note += f"如果您指的是今天 {_day(today)}，请点「{_today_label(today)}」。"
    return note


_FROM_WORD = re.compile(r"^[从自]\s*")


def _small_hours_rule_note(ctx: Context, reminder: Reminder) -> str:
    """For a rule from 「明天」 on (「明天开始每天9点」「明天至周五 8点」) written 00:00–04:59
    and starting on the next calendar day: that its first day is that date, and how to start
    today instead; "" otherwise."""
    assert reminder.cron is not None
    written = _FROM_WORD.sub("", reminder.when_text, count=1)
    found = small_hours_tomorrow(written, _local(ctx, reminder.created_at))
    if found is None or reminder.cron.get("start_date") != found[1].isoformat():
        return ""
    word, first_day = found
    typed, today = word, "今天"
    if ends := _RELATIVE_END.match(written):  # 「明天到后天」: both days a day earlier
        typed = ends[0]
        today = f"今天{ends['sep']}{_DAY_BEFORE[ends['last']]}"
    return (
        f"⚠️ 注意：现在是凌晨，「{word}」按日历算是 {_day(first_day)}，从那天开始提醒。"
        f"要从今天开始的话，请把「{typed}」改成「{today}」重新发送。"
    )


# a range from 明天 to a day named from today (「明天到后天」): that day moves with 明天
_RELATIVE_END = re.compile(
    r"\s*(?:明天|明日|明早|明晨|明晚)(?P<sep>\s*(?:开始|起)?\s*(?:至|到|~|〜|-|–|—{1,2})\s*)"
    r"(?P<last>大后天|后天|後天)"
)
_DAY_BEFORE = {"大后天": "后天", "后天": "明天", "後天": "明天"}


def _day(moment: date) -> str:
    return f"{moment.month}月{moment.day}日（周{'一二三四五六日'[moment.weekday()]}）"


def _today_label(today: datetime) -> str:
    return f"🕘 改为{today.month}月{today.day}日 {today:%H:%M}"


def _summary(ctx: Context, reminder: Reminder, class_name: str | None) -> str:
    lines = ["⏰ <b>新提醒</b>"]
    if class_name is not None:
        lines.append(f"班级：{escape(class_name)}")
    lines.append(f"时间：{escape(reminder.label)}")
    if note := _small_hours_note(ctx, reminder):
        lines.append(note)
    if reminder.cron is not None:
        lines.extend(_runs_lines(ctx, reminder.cron))
    lines.append(f"内容：{escape(reminder.text)}")
    return "\n".join(lines)


SHOWN_RUNS = 3
MAX_COUNTED_RUNS = 1200  # runs of a rule with an end date counted (a year, three times a day)


def _runs_lines(ctx: Context, cron: dict) -> list[str]:
    """「接下来三次：」 and the next three runs of a rule; for one with an end date
    (「明天至周五 8点」) all of them when they are three or fewer (「共 2 次：」), else also the
    last one and how many there are."""
    now = datetime.now(ctx.services.settings.timezone)
    ends = "end_date" in cron
    runs = cron_next_runs(cron, now, MAX_COUNTED_RUNS if ends else SHOWN_RUNS)
    few = ends and len(runs) <= SHOWN_RUNS
    lines = [f"共 {len(runs)} 次：" if few else "接下来三次："]
    lines.extend(f"  · {format_datetime(run)}" for run in runs[:SHOWN_RUNS])
    if ends and not few and len(runs) < MAX_COUNTED_RUNS:
        lines.append(f"  ……最后一次 {format_datetime(runs[-1])}，共 {len(runs)} 次")
    return lines


def _confirmation(ctx: Context, reminder: Reminder, class_name: str, *, edit: bool) -> Reply:
    assert reminder.id is not None
    text = _summary(ctx, reminder, class_name) + "\n\n确认后按时发给全班学员。"
    rows = [
        [
            Button("✅ 确认", data=_data("ok", reminder.id)),
            Button("✖ 取消", data=_data("no", reminder.id)),
        ]
    ]
    small_hours = _small_hours(ctx, reminder)
    if small_hours is not None and small_hours[2] is not None:
        rows.append([Button(_today_label(small_hours[2]), data=_data("td", reminder.id))])
    buttons = keyboard(*rows)
    return Edit(text, buttons) if edit else Send(text, buttons)


# ---------------------------------------------------------------- /reminders


@router.command("reminders", "查看/取消提醒", private_only=True)
async def list_reminders(ctx: Context) -> list[Reply]:
    """List pending reminders, a page at a time, with their next run and a cancel button each."""
    text, buttons = _listing(ctx, 0)
    return [Send(text, buttons)]


def _listing(ctx: Context, page: int) -> tuple[str, Keyboard]:
    """One page of the manager's pending reminders (an admin's: of every class, each class with
    its manager), a page past the end showing the last one. Every part of an entry is bounded,
    so a page fits in a Telegram message whatever the class names and texts (at most about 500
    of its 4,096 units an entry)."""
    everyone = ctx.role is Role.admin
    managers: dict[int, tuple[str, bool]] = {}  # class id → (its manager's name, still one)
    with ctx.services.session() as session:
        total = rcrud.count_reminders_of_manager(
            session, manager_id=ctx.user.id, everyone=everyone
        )
        pages = max(1, -(-total // PER_PAGE))
        page = min(page, pages - 1)
        rows = rcrud.reminders_of_manager(
            session,
            manager_id=ctx.user.id,
            offset=page * PER_PAGE,
            limit=PER_PAGE,
            everyone=everyone,
        )
        if everyone:
            class_ids = {r.class_id for r, _ in rows if r.class_id is not None}
            classes = [c for i in class_ids if (c := session.get(TrainingClass, i)) is not None]
            managers = _class_managers(ctx, session, classes)
        else:
            classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
        # the class as a heading when the list (not only this page) spans several classes
        several = everyone or len({r.class_id for r, _ in rows}) > 1
        if not several and total > len(rows):
            everything = rcrud.reminders_of_manager(session, manager_id=ctx.user.id)
            several = len({r.class_id for r, _ in everything}) > 1
        labels = class_labels(classes, limit=CLASS_CHARS)
    outdated = _superseded(ctx, [reminder for reminder, _ in rows])
    if not rows:
        return (
            "目前没有待发送的提醒。\n用 /remind 时间 内容 设置，例如："
            "/remind 每周五20:00 提交本周研修日志",
            (),
        )
    whose = "所有培训班" if everyone else ""
    lines = [f"⏰ <b>{whose}待发送的提醒</b>（共 {total} 条）"]
    # Class after class, each class's soonest first, and numbered as shown: 「取消第 N 条」 is
    # the N-th one read (numbered soonest first, the numbers would jump between the headings).
    places: dict[int, int] = {}  # class id → its place in the list, by its soonest reminder
    for reminder, _ in rows:
        places.setdefault(reminder.class_id or 0, len(places))
    shown = sorted(rows, key=lambda row: places[row[0].class_id or 0])  # stable
    numbered = list(enumerate(shown, start=page * PER_PAGE + 1))
    buttons = [
        [Button(f"取消第 {number} 条", data=_data("cx", reminder.id or 0, page))]
        for number, (reminder, _) in numbered
    ]
    now = datetime.now(ctx.services.settings.timezone)
    groups: dict[int, list[tuple[int, Reminder, str]]] = {}  # by class, soonest class first
    for number, (reminder, class_name) in numbered:
        groups.setdefault(reminder.class_id or 0, []).append((number, reminder, class_name))
    for class_id, entries in groups.items():
        if several:
            label = labels.get(class_id) or shorten(entries[0][2], CLASS_CHARS)
            heading = f"\n【{escape(label)}】"
            if class_id in managers:
                name, current = managers[class_id]
                gone = "" if current else "（已不是班主任）"
                heading += f"班主任：{escape(name)}{gone}"
            lines.append(heading)
        for number, reminder, _ in entries:
            entry = _entry(number, reminder, now, spaced=not several)
            if reminder.id in outdated:
                entry += f"\n   {SUPERSEDED_MARKS[outdated[reminder.id]]}"
            lines.append(entry)
    if pages > 1:
        lines.append(f"\n<i>第 {page + 1}/{pages} 页</i>")
    paging = paging_buttons(page, pages, lambda other: _data("ls", other))
    return "\n".join(lines), keyboard(*buttons, paging)


SUPERSEDED_MARKS = {
    "replaced": "⚠️ 依据的通知已被替换：这个日期可能已不对，新期限见 /deadlines，不需要的话请取消",
    "removed": "⚠️ 依据的通知已被删除：请确认是否还要发，不需要的话请取消",
}


def _superseded(ctx: Context, reminders: list[Reminder]) -> dict[int, str]:
    """Of these reminders, those set from /deadlines whose notice has since been replaced or
    removed (scheduler/deadlines.py `superseded`): id → "replaced" | "removed"."""
    kb = ctx.services.knowledge
    if kb is None or not any(r.dedup_key for r in reminders):
        return {}
    marks = deadline_marks(kb.deadlines())
    documents = kb.documents()
    titles = {d.get("title") or "" for d in documents} - {""}
    numbers = {d.get("doc_number") or "" for d in documents} - {""}
    found = {r.id: superseded(r, marks, titles, numbers) for r in reminders if r.id is not None}
    return {reminder_id: how for reminder_id, how in found.items() if how}


# The notes the parser adds to a time at confirmation: 「(未写具体时间,默认 09:00)」,
# 「(今天 08:00 已过,按今晚 20:00 理解;…)」; a rule's own words keep theirs (「12月7日（周一）至
# 12月11日（周五） 每天 08:00」 ends with its clock).
_TRAILING_NOTES = re.compile(r"(?:[(（][^()（）]*[)）])+$")


def _rule(reminder: Reminder) -> str:
    """A 🔁 reminder's rule as written at confirmation, without the notes on how it was read."""
    return _TRAILING_NOTES.sub("", reminder.label) or reminder.label


def _entry(number: int, reminder: Reminder, now: datetime, *, spaced: bool) -> str:
    """One reminder of the list: 「2. 12月7日(周一) 09:00 · 提交研修日志」, a 🔁 one with its rule
    and 「下次」, and the notice it cites."""
    upcoming = format_when(reminder.next_run_at, now) if reminder.next_run_at else "—"
    content, source = _content_and_source(reminder.text)
    content = escape(_excerpt(content, CONTENT_CHARS))
    if reminder.is_recurring:
        rule = escape(_excerpt(_rule(reminder), LABEL_CHARS))
        text = f"{number}. 🔁 {rule} · {content}\n   下次：{upcoming}"
    else:
        text = f"{number}. {upcoming} · {content}"
    if source:
        text += f"\n   依据：{escape(_short_source(source))}"
    return f"\n{text}" if spaced else text


def _class_managers(
    ctx: Context, session: Session, classes: list[TrainingClass]
) -> dict[int, tuple[str, bool]]:
    """For an admin's list: each class's manager (name shortened) and whether they still are
    one (not removed with /removemanager)."""
    users = crud.users_by_id(session, user_ids=(c.manager_id for c in classes))
    admins = ctx.services.settings.admin_ids
    found = {}
    for c in classes:
        assert c.id is not None
        user = users.get(c.manager_id)
        name = shorten(user.display_name, NAME_CHARS) if user else str(c.manager_id)
        current = c.manager_id in admins or (user is not None and user.role == Role.manager)
        found[c.id] = (name, current)
    return found


def _excerpt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# A reminder made from /deadlines (scheduler/deadlines.py) ends with the notice it comes from:
# 「…\n依据：《title》（文号 · 条款 三、）」. The list shows that line apart, shortened. Those
# stored before the texts took full-width punctuation have 「依据:」: both are read.
SOURCE_MARKS = ("\n依据：", "\n依据:")
SOURCE_CHARS = 50


def _content_and_source(text: str) -> tuple[str, str]:
    """The reminder's text without its 依据 line, and what that line cites ("" if nothing)."""
    at, mark = max((text.rfind(mark), mark) for mark in SOURCE_MARKS)
    if at < 0:
        return text, ""
    return text[:at], text[at + len(mark) :].strip()


def _short_source(source: str, limit: int = SOURCE_CHARS) -> str:
    """「《title》(文号 · 条款)」 in at most `limit` characters: the title is shortened first, so
    the 文号 and the clause stay whole."""
    if len(source) <= limit:
        return source
    title, closed, cited = source.removeprefix("《").rpartition("》")
    room = limit - len(cited) - 3  # 《 … 》
    if source.startswith("《") and closed and room >= 8:
        return f"《{title[:room]}…》{cited}"
    return _excerpt(source, limit - 1)


# ---------------------------------------------------------------- buttons


@router.callback(PREFIX)
async def on_button(ctx: Context) -> list[Reply]:
    """Class choice, confirm/drop a draft, cancel (with confirmation), back to the list."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) < 4 or parts[1] != VERSION:
        raise UserError(STALE)
    action, raw = parts[2], parts[3:]
    if action == "ls":
        text, buttons = _listing(ctx, button_number(raw[0], STALE))
        return [Edit(text, buttons)]
    # rm:1:<action>:<reminder>[:<class> for cls | :<page> for pk, cx, cy]
    second = button_id if action == "cls" else button_number
    numbers = [button_id(raw[0], STALE), *(second(p, STALE) for p in raw[1:])]
    with ctx.services.session() as session:
        reminder = rcrud.get_reminder(session, reminder_id=numbers[0])
        training_class = (
            session.get(TrainingClass, reminder.class_id)
            if reminder is not None and reminder.class_id is not None
            else None
        )
    if reminder is None:
        raise UserError(STALE)
    allowed = (
        reminder.created_by == ctx.user.id
        or (training_class is not None and training_class.manager_id == ctx.user.id)
        or (ctx.role is Role.admin and action in ("cx", "cy"))
    )
    if not allowed:
        raise UserError(NOT_YOURS)
    if action == "cls" and len(numbers) == 2:
        return _choose_class(ctx, reminder, numbers[1])
    if action == "pk" and len(numbers) == 2:
        return _turn_picker_page(ctx, reminder, numbers[1])
    if action == "ok":
        return _confirm(ctx, reminder, training_class)
    if action == "td":
        return _today_instead(ctx, reminder, training_class)
    if action == "no":
        return _drop(ctx, reminder)
    page = numbers[1] if len(numbers) > 1 else 0  # the list's page (buttons before paging: 0)
    if action == "cx":
        return _ask_cancel(ctx, reminder, training_class, page)
    if action == "cy":
        return await _cancel(ctx, reminder, page)
    raise UserError(STALE)


def _turn_picker_page(ctx: Context, reminder: Reminder, page: int) -> list[Reply]:
    """Another page of a draft's class picker (past the end: the last page)."""
    if reminder.status != ReminderStatus.draft:
        raise UserError("这条提醒已经处理过了。")
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
    if not classes:
        raise UserError(NO_CLASS)
    return [Edit(*_class_picker(ctx, reminder, classes, page))]


def _choose_class(ctx: Context, reminder: Reminder, class_id: int) -> list[Reply]:
    if reminder.status != ReminderStatus.draft:
        raise UserError("这条提醒已经处理过了。")
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
        labels = class_labels(classes)
        if class_id not in labels:
            raise UserError("您不是这个培训班的班主任。")
        assert reminder.id is not None
        rcrud.set_reminder_class(session, reminder_id=reminder.id, class_id=class_id)
    reminder.class_id = class_id
    return [_confirmation(ctx, reminder, labels[class_id], edit=True)]


def _confirm(
    ctx: Context, reminder: Reminder, training_class: TrainingClass | None
) -> list[Reply]:
    if reminder.status != ReminderStatus.draft:
        return [Notice("这条提醒已经设置过了。")]
    if training_class is None:
        raise UserError("请先选择培训班。")
    assert reminder.id is not None
    now = utcnow()
    if reminder.cron is not None:
        runs = cron_next_runs(reminder.cron, now.astimezone(ctx.services.settings.timezone), 1)
        if not runs:
            raise UserError("这个重复规则以后不会再触发了，请重新设置。")
        first = runs[0]
    else:
        assert reminder.run_at is not None
        first = reminder.run_at
        if first <= now:
            with ctx.services.session() as session:
                rcrud.set_reminder_status(
                    session,
                    reminder_id=reminder.id,
                    status=ReminderStatus.cancelled,
                    expected=ReminderStatus.draft,
                )
            return [
                Edit(
                    f"⌛ 提醒时间 {format_datetime(_local(ctx, first))} 已经过去，没有设置。"
                    "\n请用 /remind 重新设置一个将来的时间。"
                )
            ]
    with ctx.services.session() as session:
        if not rcrud.activate_reminder(session, reminder_id=reminder.id, next_run_at=first):
            return [Notice("这条提醒已经设置过了。")]
        reminder = rcrud.get_reminder(session, reminder_id=reminder.id) or reminder
    service = scheduler_service.get(ctx.services)
    if service is not None:
        service.schedule(reminder)
    lines = [
        "✅ <b>提醒已设置</b>",
        f"班级：{escape(training_class.name)}",
        f"时间：{escape(reminder.label)}",
        *([f"下次发送：{format_datetime(_local(ctx, first))}"] if reminder.cron else []),
        f"内容：{escape(reminder.text)}",
        "\n用 /reminders 查看或取消。",
    ]
    return [Edit("\n".join(lines)), Notice("已设置")]


def _today_instead(
    ctx: Context, reminder: Reminder, training_class: TrainingClass | None
) -> list[Reply]:
    """Move a small-hours 「明天…」 draft to the same time today and show it again."""
    if reminder.status != ReminderStatus.draft:
        raise UserError("这条提醒已经处理过了。")
    if training_class is None:
        raise UserError("请先选择培训班。")
    found = _small_hours(ctx, reminder)
    if found is None or found[2] is None:
        raise UserError("今天的这个时间已经过去了，请按「✅ 确认」或用 /remind 重新设置。")
    _, run, today = found
    old_label = format_datetime(run)
    label = format_datetime(today) + reminder.label.removeprefix(old_label)
    assert reminder.id is not None
    with ctx.services.session() as session:
        moved = rcrud.move_draft_reminder(
            session, reminder_id=reminder.id, run_at=today, label=label
        )
    if moved is None:
        raise UserError("这条提醒已经处理过了。")
    return [_confirmation(ctx, moved, training_class.name, edit=True), Notice("已改为今天")]


def _drop(ctx: Context, reminder: Reminder) -> list[Reply]:
    assert reminder.id is not None
    with ctx.services.session() as session:
        dropped = rcrud.set_reminder_status(
            session,
            reminder_id=reminder.id,
            status=ReminderStatus.cancelled,
            expected=ReminderStatus.draft,
        )
    if not dropped:
        return [Notice("这条提醒已经设置，如需取消请用 /reminders。", alert=True)]
    return [Edit("已取消，没有设置提醒。")]


def _ask_cancel(
    ctx: Context, reminder: Reminder, training_class: TrainingClass | None, page: int
) -> list[Reply]:
    if reminder.status != ReminderStatus.active:
        text, buttons = _listing(ctx, page)
        return [Edit(text, buttons), Notice("这条提醒已经不在待发送列表里了。")]
    assert reminder.id is not None
    name = escape(training_class.name) if training_class else ""
    now = datetime.now(ctx.services.settings.timezone)
    upcoming = format_when(reminder.next_run_at, now) if reminder.next_run_at else ""
    when = (
        f"🔁 {escape(_rule(reminder))}（下次：{upcoming}）" if reminder.is_recurring else upcoming
    )
    text = f"确定取消这条提醒吗？\n【{name}】{when}\n内容：{escape(_excerpt(reminder.text, 200))}"
    if reminder.created_by != ctx.user.id:  # an admin cancelling a manager's reminder
        with ctx.services.session() as session:
            creator = session.get(User, reminder.created_by)
        who = creator.display_name if creator else str(reminder.created_by)
        text += f"\n设置人：{escape(shorten(who, NAME_CHARS))}"
    buttons = keyboard(
        [
            Button("🗑 确定取消", data=_data("cy", reminder.id, page)),
            Button("↩ 返回", data=_data("ls", page)),
        ]
    )
    return [Edit(text, buttons)]


async def _cancel(ctx: Context, reminder: Reminder, page: int) -> list[Reply]:
    """Cancel the reminder and show the page of the list the manager was on (or the one before,
    if it was the last entry of the last page). A reminder cancelled already (a double tap of
    「🗑 确定取消」) only gets a toast: the message keeps saying it was cancelled."""
    assert reminder.id is not None
    with ctx.services.session() as session:
        cancelled = rcrud.set_reminder_status(
            session,
            reminder_id=reminder.id,
            status=ReminderStatus.cancelled,
            expected=ReminderStatus.active,
        )
        fresh = rcrud.get_reminder(session, reminder_id=reminder.id)
    if not cancelled and fresh is not None and fresh.status == ReminderStatus.cancelled:
        # A double tap: the message keeps 「🗑 已取消提醒」.
        return [Notice("已经取消了，这条提醒已不在待发送列表里。")]
    service = scheduler_service.get(ctx.services)
    if service is not None:
        service.unschedule(reminder.id)
    text, buttons = _listing(ctx, page)
    head = "🗑 已取消提醒：" if cancelled else "这条提醒已经不在待发送列表里了："
    head += escape(_excerpt(reminder.text, 40))
    if cancelled and reminder.created_by != ctx.user.id:
        head += await _tell_creator(ctx, reminder)
    return [Edit(f"{head}\n\n{text}", buttons)]


async def _tell_creator(ctx: Context, reminder: Reminder) -> str:
    """Tell whoever set `reminder` that someone else (an admin, or the class's manager) has
    cancelled it; returns the line saying so for the one who cancelled."""
    from handlers.ask import deliver

    with ctx.services.session() as session:
        creator = session.get(User, reminder.created_by)
        training_class = (
            session.get(TrainingClass, reminder.class_id) if reminder.class_id else None
        )
    who = creator.display_name if creator else str(reminder.created_by)
    name = escape(shorten(who, NAME_CHARS))
    role = "管理员" if ctx.role is Role.admin else "班主任"
    canceller = escape(shorten(ctx.user.display_name, NAME_CHARS))
    class_name = escape(training_class.name) if training_class else "培训班"
    now = datetime.now(ctx.services.settings.timezone)
    if reminder.is_recurring:
        when = f"🔁 {escape(_excerpt(_rule(reminder), LABEL_CHARS))}"
    else:
        when = format_when(reminder.run_at, now) if reminder.run_at else ""
    content, _ = _content_and_source(reminder.text)
    text = (
        f"ℹ️ {role} {canceller} 取消了您给「{class_name}」设的提醒：{when} "
        f"{escape(_excerpt(content, 100))}\n学员不会再收到这条提醒。"
        "如仍需要，请用 /remind 重新设置，或联系这位" + role + "。"
    )
    if await deliver(ctx.services, reminder.created_by, text):
        return f"\n（没能通知设置人 {name}，请另行转告。）"
    return f"\n已通知设置人 {name}。"
