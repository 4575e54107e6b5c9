"""Survey results for managers (and admins), reminders to those who have not answered, and the
automatic nudge and closing.

    /results [ID]      response rate, distribution, mean, 满意率, free text, who is where, a chart;
                       on top 「总体满意率（第 6 题）」, the figure of the survey's own
                       总体满意度 question when it has one, and 「各题平均满意率」 (every 满意度
                       answer together)
                       buttons: XLSX / CSV export, 提醒未提交者 (only while an addressee
                       still in the class who has not blocked the bot has not submitted:
                       when the only ones left blocked it, a 🔕 line says so), 结束问卷,
                       刷新. Without an ID:
                       the one survey the manager can see at once, or a list to pick from

Callback data: `sr:1:<action>:<survey id>`, re-checked against the presser's classes: `v` shows
the results (from the list, 查看结果, 取消), `r` is 🔄 刷新 (the only one that says 「已刷新」);
its data ends with the fingerprint of the figures the chart sent with that message drew
(`sr:1:r:<id>:<8 hex>`), and a refresh sends a new chart only when the figures differ.
📥 XLSX / CSV pressed again within `EXPORT_REPEAT_SECONDS` with the figures unchanged answers
「文件已发送」 instead of sending the same file twice.

The figures count the survey's addressees (the class's members when it was sent): those who
left since are counted and named as 已退出, their submitted answers still count, and those who
left without submitting are out of the 回收率 (「已退出 1 人（未提交，不计入回收率）」), in the
message, the chart, the exports and the closing message alike. Once the survey has closed (⏹
结束问卷 or its deadline) who was still in the class is frozen: leaving, removal or rejoining
afterwards changes none of its figures. Reminders go to addressees still in the class who have
not submitted and have not blocked the bot. A member who blocked the bot (a send to them failed
with 403) and has not started never got the invitation: they are listed apart, 「收不到问卷
（屏蔽了机器人）1 人，不计入回收率」, not as 未开始 (QA23 F5).

An anonymous survey counts its sheets in batches (bot/surveys/results.py `shown_sheets`): while
it is open, 3 sheets at a time and never the newest 3 (「🔒 匿名问卷：每满 3 份更新一次，目前显示前
3 份（已提交 7 份）…」), all of them once it is closed or everyone has submitted, so that neither
one answer nor 🔄 刷新 after each submission tells the manager who answered what. With none
counted yet it shows its 回收率 and why (`held_note`) only: no distribution, free text, 满意率,
chart or 📥 export (a stale 📥 button answers why). A survey nobody has answered gets no chart.

`install(services)` is a start-up hook that runs `nudge_due` every minute (and, a moment after
start-up, imports matplotlib and draws a tiny chart in a worker thread, so the first /results
does not wait for it): the nudge comes
`SURVEY_NUDGE_HOURS` (settings, default 24) before the closing time, or half-way through a
shorter survey; the same loop closes surveys at their deadline and sends the manager the final
figures with 查看结果 / XLSX buttons. `nudge_survey(survey_id)` reminds one survey's
non-respondents now.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from bot.chat import (
    Button,
    DeliveryError,
    Edit,
    Keyboard,
    Notice,
    Reply,
    Send,
    SendFile,
    keyboard,
)
from bot.db import survey_crud as scrud
from bot.db.models import Role, TrainingClass, utcnow
from bot.db.survey_models import ResponseStatus, Survey
from bot.limits import MAX_MESSAGE_UNITS, fit_html, shorten, visible_length
from bot.services import Services
from handlers import survey_answer, surveys
from handlers.routing import Context, Router, UserError, paging_buttons, parse_number

log = logging.getLogger("guopei.surveys")

router = Router("survey_results", roles=surveys.MANAGERS)
REMIND_GAP = timedelta(minutes=10)
NUDGE_INTERVAL_SECONDS = 60
MAX_LISTED_NAMES = 40
MAX_TEXT_SHOWN = 8
NAME_CHARS = 16
QUESTION_CHARS = 40
SURVEYS_PER_PAGE = 8
CHART_WARM_UP = "survey_chart_warm_up"
EXPORT_REPEAT_SECONDS = 15.0
"""A second 📥 tap within this time, the figures unchanged, sends nothing (「文件已发送」)."""


def _visible_survey(ctx: Context, session: object, survey_id: int) -> tuple[Survey, TrainingClass]:
    survey = scrud.get_survey(session, survey_id=survey_id)  # type: ignore[arg-type]
    training_class = (
        session.get(TrainingClass, survey.class_id) if survey is not None else None  # type: ignore[attr-defined]
    )
    if (
        survey is None
        or training_class is None
        or (training_class.manager_id != ctx.user.id and ctx.role is not Role.admin)
    ):
        log.warning("refused survey %s results for user %s", survey_id, ctx.user.id)
        raise UserError(
            f"没有编号为 {survey_id} 的问卷，或它不属于您的培训班。发送 /results 查看列表。"
        )
    return survey, training_class


@router.command("results", "查看问卷结果", private_only=True)
async def results_command(ctx: Context) -> list[Reply]:
    """Show one survey's results (`/results ID`, or the manager's only survey), or the list of
    their surveys to pick from, a page at a time."""
    arg = ctx.event.args.strip().lstrip("#")
    if arg:
        # a Chinese input method may type full-width digits (「１２」)
        survey_id = parse_number(unicodedata.normalize("NFKC", arg), low=1)
        if survey_id is None:
            raise UserError(malformed_id_text(ctx))
        return await show_results(ctx, survey_id, edit=False)
    with ctx.services.session() as session:
        total = scrud.count_surveys_visible_to(
            session, manager_id=ctx.user.id, is_admin=ctx.role is Role.admin
        )
        only = (
            scrud.surveys_visible_to(
                session, manager_id=ctx.user.id, is_admin=ctx.role is Role.admin, limit=1
            )
            if total == 1
            else []
        )
    if not total:
        raise UserError("您还没有发起过问卷。发送 /survey 发起一份。")
    start_chart_warm_up(ctx.services)
    if only:
        return await show_results(ctx, only[0][0].id, edit=False)  # type: ignore[arg-type]
    text, buttons = survey_list(ctx, 0)
    return [Send(text, buttons)]


def malformed_id_text(ctx: Context) -> str:
    """What to say to 「/results abc」: the example is the newest of the presser's surveys (as
    the list shows), never a number that is not theirs; no example when they have none."""
    with ctx.services.session() as session:
        newest = scrud.surveys_visible_to(
            session, manager_id=ctx.user.id, is_admin=ctx.role is Role.admin, limit=1
        )
    if not newest:
        return "请写问卷编号。您还没有发起过问卷，发送 /survey 发起一份。"
    return f"请写问卷编号，例如：/results {newest[0][0].id}；不写编号则列出您的问卷。"


def survey_list(ctx: Context, page: int) -> tuple[str, Keyboard]:
    """One page of the surveys the presser may see, newest first: a line and a button each
    (「#id 标题 · 班级 · 状态 · N份」, cut to fit a button but never alike: the id leads), ◀/▶
    between pages, and how to open any survey by its number."""
    is_admin = ctx.role is Role.admin
    with ctx.services.session() as session:
        total = scrud.count_surveys_visible_to(session, manager_id=ctx.user.id, is_admin=is_admin)
        pages = max(1, -(-total // SURVEYS_PER_PAGE))
        page = min(max(page, 0), pages - 1)
        found = scrud.surveys_visible_to(
            session,
            manager_id=ctx.user.id,
            is_admin=is_admin,
            limit=SURVEYS_PER_PAGE,
            offset=page * SURVEYS_PER_PAGE,
        )
        submitted = scrud.submitted_counts(session, survey_ids=[s.id for s, _ in found])  # type: ignore[misc]
    now = utcnow()
    where = f"，第 {page + 1}/{pages} 页" if pages > 1 else ""
    lines = [f"📊 <b>问卷结果</b>（共 {total} 份{where}，新的在前）", "请选择一份问卷："]
    rows = []
    for survey, training_class in found:
        state = "已结束" if survey.closed_at else "进行中" if survey.is_open(now) else "已截止"
        count = submitted[survey.id]  # type: ignore[index]
        lines.append(
            f"#{survey.id} {escape(survey.title)} · {escape(training_class.name)}"
            f" · {state} · {count} 份"
        )
        label = (
            f"#{survey.id} {shorten(survey.title, 18)} · {shorten(training_class.name, 16)}"
            f" · {state} · {count}份"
        )
        rows.append([Button(label, f"sr:1:v:{survey.id}")])
    rows.append(paging_buttons(page, pages, lambda p: f"sr:1:p:{p}"))
    lines.append("")
    # the example is a survey listed just above (the newest on this page), never a made-up id
    example = f"，例如 /results {found[0][0].id}" if found else ""
    lines.append(f"也可以发送 /results 编号 直接打开任意一份{example}。")
    return fit_html("\n".join(lines)), keyboard(*rows)


def figures_fingerprint(results) -> str:  # noqa: ANN001
    """8 hex digits that change whenever anything the chart or the exports show changes."""
    parts = [
        results.survey.title,
        results.class_name,
        results.members,
        results.submitted,
        results.shown,
        results.left,
        results.unreached,
        results.counted,
        results.overall_satisfied_rate,
        *((q.answered, tuple(q.counts), len(q.texts)) for q in results.questions),
    ]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:8]


def results_buttons(  # noqa: ANN201
    survey: Survey,
    now: datetime,
    fingerprint: str = "",
    *,
    exports: bool = True,
    remind: bool = True,
):
    """🔄 刷新 (and 📥 XLSX / CSV unless `exports` is off: a held anonymous survey), then
    while the survey is open 🔔 (unless `remind` is off: nobody left to remind) and ⏹."""
    sid = survey.id
    refresh = f"sr:1:r:{sid}:{fingerprint}" if fingerprint else f"sr:1:r:{sid}"
    downloads = [Button("📥 XLSX", f"sr:1:x:{sid}"), Button("📥 CSV", f"sr:1:c:{sid}")]
    rows = [[*(downloads if exports else []), Button("🔄 刷新", refresh)]]
    if survey.is_open(now):
        if remind:
            rows.append([Button("🔔 提醒未提交的学员", f"sr:1:n:{sid}")])
        rows.append([Button("⏹ 结束问卷", f"sr:1:z:{sid}")])
    return keyboard(*rows)


@dataclass(frozen=True, slots=True)
class Detail:
    """How much of each question the results message shows."""

    texts: int  # free-text answers listed per question (the latest)
    text_chars: int  # each cut to this many characters
    spread: bool  # a 满意度 question's five counts, besides its mean and 满意率
    option_chars: int  # each option of a choice question cut to this many characters
    names: int  # names listed per group (填写中, 未开始)


DETAILS = (
    Detail(MAX_TEXT_SHOWN, text_chars=80, spread=True, option_chars=30, names=MAX_LISTED_NAMES),
    Detail(texts=3, text_chars=40, spread=True, option_chars=30, names=20),
    Detail(texts=0, text_chars=0, spread=False, option_chars=12, names=10),
)
"""Tried in order until the message fits; past the last, questions are left out from the end."""


def _cut(text: str, chars: int) -> str:
    """The plain `text` in at most `chars` characters (cut before it is escaped)."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _question_lines(q, detail: Detail) -> list[str]:  # noqa: ANN001
    from bot.surveys.results import percent

    title = q.text if len(q.text) <= QUESTION_CHARS else q.text[:QUESTION_CHARS] + "…"
    lines = [
        "",
        f"<b>{q.position + 1}. {escape(title)}</b>（{q.kind_name}，{q.answered} 人作答）",
    ]
    if q.kind == "text":
        shown = q.texts[-detail.texts :] if detail.texts else []
        for answer in shown:
            lines.append(f"  • {escape(_cut(answer, detail.text_chars))}")
        if len(q.texts) > len(shown):
            lines.append(f"  …共 {len(q.texts)} 条，完整内容见导出文件")
        return lines
    if q.kind != "likert5" or detail.spread:
        parts = []
        for option, count in zip(q.options, q.counts, strict=True):
            share = f"{count / q.answered * 100:.0f}%" if q.answered else "0%"
            parts.append(f"{escape(shorten(option, detail.option_chars))} {count}（{share}）")
        lines.append("  " + " · ".join(parts))
    if q.kind == "likert5":
        mean = f"{q.mean:.2f}" if q.mean is not None else "—"
        lines.append(f"  均分 {mean} / 5 · 满意率 {percent(q.satisfied_rate)}")
    return lines


def _name_lines(results, limit: int) -> list[str]:  # noqa: ANN001
    if results.names is None:
        return []
    lines = []
    for bucket, label in (
        ("in_progress", "填写中"),
        ("not_started", "未开始"),
        ("unreached", "收不到问卷（屏蔽了机器人）"),
        ("left", "已退出"),
    ):
        names = results.names[bucket]
        if names:
            shown = "、".join(escape(_cut(n, NAME_CHARS)) for n in names[:limit])
            more = f" 等 {len(names)} 人" if len(names) > limit else ""
            lines.append(f"\n{label}：{shown}{more}")
    return lines


def _left_out_note(first: int, total: int) -> str:
    return (
        f"\n……第 {first}–{total} 题未列出（共 {total - first + 1} 题），"
        "其余见导出文件（📥 XLSX / CSV）。"
    )


def results_text(services: Services, results) -> str:  # noqa: ANN001
    """The results message, within Telegram's 4,096 visible units: every question in full
    when it fits; otherwise fewer and shorter free-text answers and names, then a 满意度
    question's mean and 满意率 without its five counts, and last the questions from the end
    are left out with a note (the exports and the chart have everything)."""
    from bot.surveys.results import anonymity_note, held_note, rate_text, unreached_line

    survey = results.survey
    now = utcnow()
    # 「已结束」 once closed (⏹ or its deadline), as `survey list` says; 「已截止」 while the
    # deadline has passed but the closing job has not run yet
    state = (
        f"已结束（{surveys.local_time(services, survey.closed_at)}）"
        if survey.closed_at
        else f"进行中，截止 {surveys.local_time(services, survey.closes_at)}"
        if survey.is_open(now)
        else f"已截止（{surveys.local_time(services, survey.closes_at)}）"
    )
    header = [
        f"📊 <b>{escape(survey.title)}</b>（#{survey.id}）",
        f"班级：{escape(results.class_name)} · {state}"
        + (" · 🔒匿名" if survey.anonymous else ""),
        f"回收率：<b>{rate_text(results)}</b>",
        f"已提交 {results.submitted} · 填写中 {results.in_progress}"
        f" · 未开始 {results.not_started}",
        *([unreached_line(results)] if results.unreached else []),
        *([left_line(results)] if results.left else []),
        *([no_reminder_line(results)] if no_reminder_line(results) else []),
    ]
    if results.held:
        return fit_html("\n".join([*header, "", escape(held_note(results))]))
    header += satisfaction_lines(results)
    if results.survey.anonymous:
        header.append(escape(anonymity_note(results)))
    for detail in DETAILS:
        blocks = [_question_lines(q, detail) for q in results.questions]
        names = _name_lines(results, detail.names)
        text = "\n".join([*header, *(line for block in blocks for line in block), *names])
        if visible_length(text) <= MAX_MESSAGE_UNITS:
            return text
    # the least detail is still too long: leave out questions from the end, and say so
    total = len(blocks)
    note_room = visible_length(_left_out_note(total, total)) + len(str(total))  # its widest
    budget = MAX_MESSAGE_UNITS - visible_length("\n".join([*header, *names])) - note_room - 1
    shown = 0
    for block in blocks:
        size = visible_length("\n".join(block)) + 1  # with the line break before it
        if size > budget:
            break
        shown += 1
        budget -= size
    kept = [line for block in blocks[:shown] for line in block]
    note = [_left_out_note(shown + 1, total)] if shown < total else []
    text = "\n".join([*header, *kept, *note, *names])
    return fit_html(text)  # unchanged: it was measured to fit


def satisfaction_lines(results) -> list[str]:  # noqa: ANN001
    """`satisfaction_figures` as lines, the first in bold: 「总体满意率（第 6 题）：<b>100.0%</b>」
    when the survey has an overall question, and 「各题平均满意率：83.3%（6 道满意度题）」."""
    from bot.surveys.results import percent, satisfaction_figures

    rated = sum(1 for q in results.questions if q.kind == "likert5")
    lines = [
        f"{label}：<b>{percent(rate)}</b>" if index == 0 else f"{label}：{percent(rate)}"
        for index, (label, rate) in enumerate(satisfaction_figures(results))
    ]
    if lines[-1].startswith("各题平均") and rated:
        lines[-1] += f"（{rated} 道满意度题）"
    return lines


def no_reminder_line(results) -> str:  # noqa: ANN001
    """Why an open survey has no 「🔔 提醒未提交的学员」 while some have not submitted: they
    all blocked the bot, so a reminder cannot reach them. Empty otherwise."""
    if not results.survey.is_open(utcnow()) or results.remindable or not results.out_of_reach:
        return ""
    return (
        f"🔕 未提交的 {results.out_of_reach} 人都屏蔽了机器人，提醒发不到，所以没有"
        "「🔔 提醒未提交的学员」按钮。请通过其他方式联系他们解除屏蔽，"
        "并给机器人发一条消息；之后点「🔄 刷新」，就能提醒他们填写。"
    )


def left_line(results) -> str:  # noqa: ANN001
    """「已退出 N 人」: addressees who left the class since the survey was sent, and how the
    回收率 counts them (a sheet submitted before leaving counts; the others are left out)."""
    submitted, unsubmitted = results.left_submitted, results.left_unsubmitted
    if not submitted:
        return f"已退出 {results.left} 人（未提交，不计入回收率）"
    if not unsubmitted:
        return f"已退出 {results.left} 人（退出前已提交，答卷照常计入）"
    return (
        f"已退出 {results.left} 人：{submitted} 人退出前已提交（答卷照常计入），"
        f"{unsubmitted} 人未提交（不计入回收率）"
    )


def _render_png(results) -> bytes:  # noqa: ANN001
    """The chart, in a worker thread: matplotlib is imported there the first time, never on
    the event loop."""
    from bot.surveys.chart import render_chart

    return render_chart(results)


async def show_results(
    ctx: Context, survey_id: int, *, edit: bool, chart_shown: str | None = None
) -> list[Reply]:
    """The results message (sent, or edited into the pressed one) and the chart, unless
    `chart_shown` is the fingerprint of these very figures (a refresh with nothing new)."""
    replies, _fingerprint = await _results_replies(ctx, survey_id, edit, chart_shown)
    return replies


async def _results_replies(
    ctx: Context, survey_id: int, edit: bool, chart_shown: str | None
) -> tuple[list[Reply], str]:
    """`show_results`, with the fingerprint of the figures shown. No chart when nobody has
    submitted (it would be empty bars) or the survey is held (it would show an answer)."""
    from bot.surveys.results import FontMissing, compute_results

    with ctx.services.session() as session:
        survey, _ = _visible_survey(ctx, session, survey_id)
        results = compute_results(session, survey_id=survey_id, with_rows=False)
        # the same people 🔔 would remind: a button that can only answer 「无需提醒」 is noise
        missing = bool(scrud.non_respondent_ids(session, survey=survey))
    text = results_text(ctx.services, results)
    fingerprint = figures_fingerprint(results)
    buttons = results_buttons(
        results.survey, utcnow(), fingerprint, exports=not results.held, remind=missing
    )
    replies: list[Reply] = [Edit(text, buttons) if edit else Send(text, buttons)]
    if chart_shown == fingerprint or results.held or not results.submitted:
        return replies, fingerprint
    try:
        png = await asyncio.to_thread(_render_png, results)
        replies.append(
            SendFile(
                png,
                f"survey_{survey_id}.png",
                caption=f"📊 {escape(results.survey.title)}",
                as_photo=True,
            )
        )
    except FontMissing as error:
        log.error("survey chart not drawn: %s", error)
    return replies, fingerprint


@router.callback("sr")
async def on_results_button(ctx: Context) -> list[Reply]:
    """Results buttons: view, refresh, XLSX, CSV, remind non-respondents, close."""
    parts = ctx.event.callback_data.split(":")
    chart_shown = None
    if len(parts) == 5 and parts[2] == "r" and _is_fingerprint(parts[4]):
        chart_shown = parts.pop()
    # the number is a survey id, or for "p" a page of the list
    number = parse_number(parts[3]) if len(parts) == 4 else None
    if number is None or parts[1] != "1":
        log.warning("refused results callback %r of user %s", ctx.event.callback_data, ctx.user.id)
        return [Notice("这个按钮已失效，请重新发送 /results。", alert=True)]
    action, survey_id = parts[2], number
    if action == "p":  # a page of the /results list (the number is the page)
        text, buttons = survey_list(ctx, survey_id)
        return [Edit(text, buttons)]
    if action == "v":
        return await show_results(ctx, survey_id, edit=True)
    if action == "r":
        replies, fingerprint = await _results_replies(ctx, survey_id, True, chart_shown)
        same = fingerprint == chart_shown
        return [*replies, Notice("已刷新，数据没有变化" if same else "已刷新")]
    if action in ("x", "c"):
        return await export_replies(ctx, survey_id, "xlsx" if action == "x" else "csv")
    if action == "n":
        return await remind_non_respondents(ctx, survey_id)
    if action == "z":
        with ctx.services.session() as session:
            survey, _ = _visible_survey(ctx, session, survey_id)
        return [
            Send(
                f"确定现在结束问卷「{escape(survey.title)}」吗？结束后学员不能再提交。",
                keyboard(
                    [
                        Button("⏹ 确定结束", f"sr:1:zz:{survey_id}"),
                        Button("取消", f"sr:1:v:{survey_id}"),
                    ]
                ),
            )
        ]
    if action == "zz":
        with ctx.services.session() as session:
            survey, _ = _visible_survey(ctx, session, survey_id)
            closed = scrud.close_survey(session, survey_id=survey_id)
        if closed:
            log.info("survey %s closed early by %s", survey_id, ctx.user.id)
        return [
            Edit(
                f"⏹ 问卷「{escape(survey.title)}」已结束。发送 /results {survey_id} 查看最终结果。"
            ),
            Notice("已结束" if closed else "问卷已经结束了"),
        ]
    log.warning("refused results callback %r of user %s", ctx.event.callback_data, ctx.user.id)
    return [Notice("这个按钮已失效，请重新发送 /results。", alert=True)]


def _is_fingerprint(text: str) -> bool:
    return len(text) == 8 and all(c in "0123456789abcdef" for c in text)


def _sent_recently(ctx: Context, survey_id: int, fmt: str, fingerprint: str) -> bool:
    """Whether this presser was sent this export of these same figures a moment ago (a double
    tap); otherwise remember that it is being sent now. Kept in memory: a restart forgets."""
    sent: dict[tuple[int, int, str], tuple[float, str]] = ctx.services.extras.setdefault(
        "survey_exports_sent", {}
    )
    now = time.monotonic()
    key = (ctx.user.id, survey_id, fmt)
    previous = sent.get(key)
    if (
        previous is not None
        and now - previous[0] < EXPORT_REPEAT_SECONDS
        and previous[1] == fingerprint  # new figures make a new file
    ):
        return True
    for old in [k for k, (at, _) in sent.items() if now - at >= EXPORT_REPEAT_SECONDS]:
        del sent[old]
    sent[key] = (now, fingerprint)
    return False


async def export_replies(ctx: Context, survey_id: int, fmt: str) -> list[Reply]:
    """📥 XLSX / CSV: the file, unless it was just sent or the survey is held."""
    from bot.surveys.export import export_filename, to_csv, to_xlsx
    from bot.surveys.results import compute_results, held_note

    with ctx.services.session() as session:
        _visible_survey(ctx, session, survey_id)
        results = compute_results(session, survey_id=survey_id)
    if results.held:  # a 📥 button of an older message: the new ones have none
        return [Notice(held_note(results).removeprefix("🔒 "), alert=True)]
    if _sent_recently(ctx, survey_id, fmt, figures_fingerprint(results)):
        return [Notice("文件已发送")]
    tz = ctx.services.settings.timezone
    render = to_xlsx if fmt == "xlsx" else to_csv
    content = await asyncio.to_thread(render, results, tz)
    caption = f"「{escape(results.survey.title)}」{results.shown} 份答卷" + (
        f"（匿名问卷：已提交 {results.submitted} 份，目前计入前 {results.shown} 份）"
        if results.partial
        else ""
    )
    return [
        SendFile(content, export_filename(results, fmt), caption=caption),
        Notice("正在发送文件"),
    ]


async def remind_non_respondents(ctx: Context, survey_id: int) -> list[Reply]:
    """The results button: remind members who have not submitted (at most every 10 minutes);
    those who blocked the bot are not reminded, and it says so."""
    from bot.surveys.results import compute_results

    with ctx.services.session() as session:
        survey, _ = _visible_survey(ctx, session, survey_id)
        if not survey.is_open(utcnow()):
            return [Notice("问卷已截止，不能再提醒。", alert=True)]
        recipients = scrud.non_respondent_ids(session, survey=survey)
        results = compute_results(session, survey_id=survey_id, with_rows=False)
        blocked = results.out_of_reach
        if not recipients:
            if blocked:
                return [
                    Notice(
                        f"未提交的 {blocked} 人都屏蔽了机器人，提醒发不到。"
                        "请通过其他方式联系他们解除屏蔽，并给机器人发一条消息。",
                        alert=True,
                    )
                ]
            return [Notice("所有学员都已提交，无需提醒。", alert=True)]
        if not scrud.claim_reminder(session, survey_id=survey_id, min_gap=REMIND_GAP):
            return [Notice("刚刚已经提醒过了，请 10 分钟后再试。", alert=True)]
    await send_nudge(ctx.services, survey, recipients, created_by=ctx.user.id)
    unreached = f"\n另有 {blocked} 人屏蔽了机器人，提醒发不到。" if blocked else ""
    return [
        Send(f"🔔 已提醒 {len(recipients)} 名未提交的学员。{unreached}"),
        Notice("已发送提醒"),
    ]


def nudge_text(services: Services, survey: Survey, *, started: bool = False) -> str:
    """The reminder: 「开始填写」 to who has not started, 「继续填写」 to who is half-way."""
    closes = surveys.local_time(services, survey.closes_at, relative=False)  # read later
    go_on = "继续填写，已填的答案都还在" if started else "开始填写"
    return (
        f"🔔 提醒：问卷「{escape(survey.title)}」将于 {closes} 截止，"
        f"您还没有提交。点击下方按钮{go_on}，只需几分钟。"
    )


async def send_nudge(
    services: Services, survey: Survey, recipients: list[int], *, created_by: int
) -> None:
    """Queue the reminder: one message for those not started, another for those half-way."""
    try:
        with services.session() as session:
            half_way = {
                person.user_id
                for person in scrud.addressee_progress(session, survey=survey)
                if person.status == ResponseStatus.started
            }
        for started in (False, True):
            group = [user_id for user_id in recipients if (user_id in half_way) == started]
            if not group:
                continue
            label = "📝 继续填写" if started else "📝 开始填写"
            await surveys.deliver(  # looked up at call time: tests replace it
                services,
                class_id=survey.class_id,
                text=nudge_text(services, survey, started=started),
                buttons=keyboard([survey_answer.start_button(survey.id, label)]),  # type: ignore[arg-type]
                created_by=created_by,
                recipient_ids=group,
            )
    except Exception:
        log.exception("could not queue the reminder of survey %s", survey.id)


# ---------------------------------------------------------------- automatic nudge

_installed: dict[str, Services] = {}


async def nudge_survey(survey_id: int, services: Services | None = None) -> int:
    """Remind the non-respondents of one open survey now (once); returns how many."""
    services = services or _installed.get("services")
    if services is None:
        raise RuntimeError("nudge_survey needs the services: call install(services) at start-up")
    with services.session() as session:
        survey = scrud.get_survey(session, survey_id=survey_id)
        if survey is None or not survey.is_open(utcnow()):
            return 0
        if not scrud.claim_nudge(session, survey_id=survey_id):
            return 0
        recipients = scrud.non_respondent_ids(session, survey=survey)
    if recipients:
        await send_nudge(services, survey, recipients, created_by=survey.created_by)
    log.info("survey %s: automatic nudge to %d members", survey_id, len(recipients))
    return len(recipients)


async def nudge_due(services: Services) -> int:
    """Nudge every open survey whose nudge time has come; returns the surveys nudged."""
    with services.session() as session:
        due = scrud.due_nudges(session, now=utcnow())
    for survey_id in due:
        await nudge_survey(survey_id, services)
    await close_due(services)
    return len(due)


async def close_due(services: Services) -> int:
    """Close the surveys whose time is up and tell each manager the final figures (once)."""
    from bot.surveys.results import (
        MIN_ANONYMOUS_RESPONSES,
        compute_results,
        percent,
        rate_text,
        satisfaction_figures,
        unreached_line,
    )

    with services.session() as session:
        due = scrud.due_closings(session, now=utcnow())
    closed = 0
    for survey_id in due:
        with services.session() as session:
            if not scrud.close_survey(session, survey_id=survey_id):
                continue  # closed by the manager or by another run meanwhile
            results = compute_results(session, survey_id=survey_id, with_rows=False)
        closed += 1
        log.info("survey %s closed at its deadline", survey_id)
        if services.messenger is None:
            continue
        survey = results.survey
        figures = (
            f"匿名问卷不足 {MIN_ANONYMOUS_RESPONSES} 份，不显示结果，以免看出个人答案"
            if results.held
            else "，".join(
                f"{label} {percent(rate)}" for label, rate in satisfaction_figures(results)
            )
        )
        text = (
            f"⏹ 问卷「{escape(survey.title)}」已截止（{escape(results.class_name)}）。\n"
            f"回收率 {rate_text(results)}，"
            + (f"{left_line(results)}，" if results.left else "")
            + (f"{unreached_line(results)}，" if results.unreached else "")
            + figures
            + "。"
        )
        buttons = [Button("📊 查看结果", f"sr:1:v:{survey_id}")]
        if not results.held:
            buttons.append(Button("📥 XLSX", f"sr:1:x:{survey_id}"))
        try:
            await services.messenger.send(survey.created_by, text, keyboard(buttons))
        except DeliveryError as error:
            log.warning(
                "could not tell manager %s that survey %s closed: %s",
                survey.created_by,
                survey_id,
                error,
            )
    return closed


def start_chart_warm_up(services: Services) -> None:
    """Once per process, when a manager first lists their surveys: import matplotlib and draw
    a tiny chart in the background, so the chart of the survey they pick comes without the ~1 s
    import. Not at start-up: matplotlib holds ~35 MB that a bot whose managers never look at
    results should not carry."""
    if CHART_WARM_UP not in services.extras:
        services.extras[CHART_WARM_UP] = asyncio.get_running_loop().create_task(
            warm_chart(), name="survey-chart-warmup"
        )


async def warm_chart() -> None:
    """Import matplotlib and draw a tiny chart in a worker thread."""
    started = time.perf_counter()
    try:
        await asyncio.to_thread(_warm_up_chart)
    except Exception as error:  # a missing font is reported when a chart is asked for
        log.warning("survey chart not warmed up: %s", error)
        return
    log.info("survey chart warmed up in %.0f ms", (time.perf_counter() - started) * 1000)


def _warm_up_chart() -> None:
    from bot.surveys.chart import warm_up

    warm_up()


async def install(services: Services) -> None:
    """Start-up hook: check for due nudges every minute until shutdown."""
    _installed["services"] = services

    async def loop() -> None:
        while True:
            try:
                await nudge_due(services)
            except Exception:
                log.exception("survey nudge check failed")
            await asyncio.sleep(NUDGE_INTERVAL_SECONDS)

    task = asyncio.get_running_loop().create_task(loop(), name="survey-nudges")
    services.extras["survey_nudge_task"] = task

    async def stop(_services: Services) -> None:
        for running in (services.extras.get(CHART_WARM_UP), task):
            if running is None:
                continue
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running

    services.shutdown_hooks.append(stop)
