"""Satisfaction surveys: `/survey` to send one, `/mysurveys` for a trainee's open ones.

Managers (and admins)::

    /survey            template → class → closing time (1天/3天/7天 or typed) → 确认发送
                       「📄 示例模板」 sends the built-in course_feedback.yaml, whose comments
                       explain the fields, to edit and send back as the manager's own template

A closing time is written as the reminders write a time (`local_time`: 「12月11日(周五) 20:00」,
the weekday always there); 「1天后截止」 and a typed 「3天后」 close on the next whole hour, not at
an odd minute. A typed day with 「前」 or 「截止」 after it, as notices write a deadline
(「12月10日前」「12月10日之前」「下周五前截止」「12月10日截止」), closes at the end of that day,
23:59, and the confirmation says so; with a clock (「12月10日18:00前」) at that clock. The
/remind parser refuses such a deadline as a reminder time on purpose, so the suffix is read here.
A day typed without a clock (「明天」「12月10日」) closes at 23:59 too, today included (「今天」
after the reminders' 09:00 is not past: 23:59 is, unless less than 5 minutes away, 「太近了」).
A closing time typed after its wait expired (30 minutes) still gets the confirmation, saying
that /survey timed out, when it is a time and nothing else and the template and class chosen
are still there; nothing is sent before 「✅ 确认发送」. Other text is told to send /survey again.
Step 3 itself watches the manager's text (`WATCHING`, `CLOSE_STATE`): a closing time typed
there instead of pressing 「✍️ 输入截止时间」 gets the confirmation too (a time that cannot
close a survey says why), while any other text is a question as before; a command or another
step's button ends the watch without a word, and it never replaces another input awaited.

Trainees get an invitation with a 「开始填写」 button (through the broadcaster) and can list
their open surveys with `/mysurveys`; a survey that ended (closed early or at its time) while
they were part-way stays listed for `RECENTLY_ENDED_DAYS` as 「已结束，未提交」, saying that
their partial answers are not counted, rather than vanishing. A survey's addressees are the
class's members when it is sent (`survey_addressees`, written with the survey): the invitation
goes to those of them who have not blocked the bot, and a member who joins later is not one.
The confirmation counts as /broadcast does (「将发给 2 人；另有 1 人屏蔽了机器人…」, as the class
picker's 「（共 3 人，2 人能收到）」), and warns when fewer than 3 can answer an anonymous survey,
whose results then never show; a class nobody in it can receive is refused at step 3 (QA23 F5).
The send report (「✅ 已向…发送问卷」, the confirmation turned into it) is corrected once the
invitations are out, as /broadcast's report is, by the broadcaster (`invitation_report`, its
`OWN_REPORTS` hook; once, through restarts): members an invitation found blocked are counted
(「送达 2 人；2 人屏蔽了机器人，没有收到」), and an anonymous survey fewer than 3 got says that
its results will not show, and what to do (QA24 F1). The invitations are written in the
commit that creates the survey, held (a draft broadcast keyed 「survey:<id>」) until the send
report is shown, then let go; a crash in between leaves them to the broadcaster's start-up
repair (`STARTUP_REPAIRS`), so a survey never exists without its invitations (QA25 F1).
Answering is in handlers/survey_answer.py, results, reminders and closing in
handlers/survey_results.py. A manager or admin who sends a .yaml file adds a survey template
(`handle_template_upload`).

Callback data: `sm:1:…` (sending a survey), `sv:1:…` (answering). The template picker shows
a page of templates at a time (`sm:1:tp:<page>`: the built-in ones first, then the manager's
own uploads, then the other managers'), and so does the class picker (`sm:1:cp:<template>:
<page>`). Every number in the data is read with `parse_number`: a forged one is refused.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
import string
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from html import escape

from sqlalchemy import or_
from sqlmodel import Session, select

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
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db import survey_crud as scrud
from bot.db.models import Membership, Role, TrainingClass, utcnow
from bot.db.reminder_models import Broadcast, DeliveryStatus
from bot.db.survey_models import (
    ResponseStatus,
    Survey,
    SurveyAddressee,
    SurveyResponse,
    SurveyStatus,
)
from bot.limits import fit_html, shorten
from bot.services import Services
from bot.surveys.results import MIN_ANONYMOUS_RESPONSES
from bot.surveys.templates import (
    BUILTIN_DIR,
    KIND_NAMES,
    Template,
    TemplateError,
    load_templates,
    owner_of,
    save_uploaded,
)
from handlers import survey_answer
from handlers.class_names import CLASSES_PER_PAGE, class_labels, class_page
from handlers.routing import (
    MAX_ROW_ID,
    WATCHING,
    Context,
    Router,
    UserError,
    on_expired_text,
    page_of,
    parse_number,
)
from scheduler.broadcaster import OWN_REPORTS, STARTUP_REPAIRS, keyboard_to_json
from scheduler.timeparse import ParsedSchedule, TimeParseError, format_when, reads_as_time_only

log = logging.getLogger("guopei.surveys")

router = Router("surveys")
MANAGERS = {Role.manager, Role.admin}
CLOSE_STATE = "survey_close"
CLOSING_DAYS = (1, 3, 7)
MAX_OPEN_DAYS = 90
MAX_LISTED_SURVEYS = 10
RECENTLY_ENDED_DAYS = 7
MAX_LISTED_ENDED = 3
CLASS_LABEL_CHARS = 30
TEMPLATES_PER_PAGE = CLASSES_PER_PAGE  # the template picker pages like the class pickers
LAST_TIMESTAMP = 253402300799  # 9999-12-31 23:59:59 UTC: the last second a datetime holds
EXAMPLE_TEMPLATE = "course_feedback.yaml"  # built in; its comments explain every field
EXAMPLE_CAPTION = (
    "📄 示例问卷模板。用它写您自己的问卷：\n"
    "1. 用电脑（或手机上的文本编辑器）打开这个文件，可以先转发到电脑上；\n"
    "2. 把 key 改成您自己的英文代号（如 my_course_1），再改标题和题目，"
    "文件开头的 # 说明写了每一项怎么填；\n"
    "3. 用 UTF-8 保存，把 .yaml 文件发回给我。检查通过后，发送 /survey 就能选用；"
    "有错我会指出是第几行。"
)

router.callback("sv")(survey_answer.on_survey_button)
router.text(
    state=survey_answer.TEXT_STATE,
    ended_note=(
        "已退出问卷的文字作答，接下来的消息不会记作问卷回答。"
        "要接着填，请发送 /mysurveys 点「继续」。"
    ),
)(survey_answer.on_survey_text)
# Plain text no input waits for: a survey answer typed after a command ended the sheet's watch
# is offered as such; anything else goes on to the question answerer (handlers/ask.py).
router.text()(survey_answer.on_stray_text)


def templates_dir(services: Services):  # noqa: ANN201
    return services.settings.data_dir / "survey_templates"


def _templates(services: Services) -> dict[str, Template]:
    return load_templates(templates_dir(services)).templates


def local_time(services: Services, when: datetime, *, relative: bool = True) -> str:
    """「12月11日(周五) 20:00」 (`format_when`); without `relative` (no 「今天/明天」) in a text
    read later, such as an invitation."""
    now = datetime.now(services.settings.timezone)
    return format_when(when, now, relative=relative)


def closing_after(services: Services, days: int) -> datetime:
    """`days` from now, on the next whole hour (local): 「1天后截止」 at 19:46 closes at 20:00."""
    later = (utcnow() + timedelta(days=days)).astimezone(services.settings.timezone)
    whole = later.replace(minute=0, second=0, microsecond=0)
    if whole < later:
        whole += timedelta(hours=1)
    return whole.astimezone(utcnow().tzinfo)


def _manager_class(ctx: Context, session: object, class_id: int) -> TrainingClass:
    training_class = session.get(TrainingClass, class_id)  # type: ignore[attr-defined]
    if training_class is None or (
        training_class.manager_id != ctx.user.id and ctx.role is not Role.admin
    ):
        log.warning("refused survey class %s for user %s", class_id, ctx.user.id)
        raise UserError("这个培训班不存在或不归您管理。请重新发送 /survey。")
    return training_class


def _template(ctx: Context, key: str) -> Template:
    template = _templates(ctx.services).get(key)
    if template is None:
        raise UserError("这个问卷模板已不存在。请重新发送 /survey 选择。")
    return template


# ---------------------------------------------------------------- trainees


@router.command("mysurveys", "我的问卷")
async def my_surveys(ctx: Context) -> list[Reply]:
    """List the open surveys of the user's classes, each with its class, those still to fill in
    first (with a start/continue button each), at most `MAX_LISTED_SURVEYS`."""
    now = utcnow()
    with ctx.services.session() as session:
        found = scrud.open_surveys_of_member(session, user_id=ctx.user.id, now=now)
        ended = ended_unsubmitted(session, user_id=ctx.user.id, now=now)
    ended_lines = _ended_lines(ctx, ended)
    if not found and not ended_lines:
        return [Send("目前没有需要填写的问卷。班主任发起问卷后，我会通知您。")]
    if not found:
        lines = ["📋 <b>我的问卷</b>", "目前没有需要填写的问卷。", *ended_lines]
        return [Send(fit_html("\n".join(lines)))]
    to_do = [f for f in found if f[1] is None or f[1].status != ResponseStatus.submitted]
    done = [f for f in found if f[1] is not None and f[1].status == ResponseStatus.submitted]
    listed = (to_do + done)[:MAX_LISTED_SURVEYS]
    lines = ["📋 <b>我的问卷</b>"]
    rows = []
    for number, (survey, response, training_class) in enumerate(listed, start=1):
        if response is None:
            state, verb = "🆕 未开始", "开始"
        elif response.status == ResponseStatus.submitted:
            state, verb = "✅ 已提交", ""
        else:
            state, verb = "✏️ 填写中", "继续"
        lines.append(
            f"{number}. {escape(survey.title)}（{escape(training_class.name)}）"
            f" — {state}，截止 {local_time(ctx.services, survey.closes_at)}"
        )
        if verb:
            label = (
                f"{number}. {verb}：{shorten(survey.title, 18)} · "
                f"{shorten(training_class.name, 14)}"
            )
            rows.append([survey_answer.start_button(survey.id, label)])  # type: ignore[arg-type]
    more_to_do = max(0, len(to_do) - MAX_LISTED_SURVEYS)
    more_done = len(done) - max(0, MAX_LISTED_SURVEYS - len(to_do))
    if more_to_do:
        lines.append(f"\n……还有 {more_to_do} 份待填问卷，填完上面的再发送 /mysurveys 查看。")
    elif more_done > 0:
        lines.append(f"\n另有 {more_done} 份已提交。")
    return [Send(fit_html("\n".join([*lines, *ended_lines])), keyboard(*rows))]


def ended_unsubmitted(
    session: Session, *, user_id: int, now: datetime
) -> list[tuple[Survey, TrainingClass, datetime]]:
    """Surveys of the user's classes that ended in the last `RECENTLY_ENDED_DAYS` while the
    user had started but not submitted them, with when each ended; the latest first."""
    since = now - timedelta(days=RECENTLY_ENDED_DAYS)
    statement = (
        select(Survey, TrainingClass)
        .join(
            Membership,
            (Membership.class_id == Survey.class_id) & (Membership.user_id == user_id),
        )
        .join(TrainingClass, TrainingClass.id == Survey.class_id)
        .join(
            SurveyResponse,
            (SurveyResponse.survey_id == Survey.id) & (SurveyResponse.user_id == user_id),
        )
        .where(
            SurveyResponse.status != ResponseStatus.submitted,
            or_(Survey.status != SurveyStatus.open, Survey.closes_at <= now),
            or_(Survey.closes_at > since, Survey.closed_at > since),  # type: ignore[operator]
        )
    )
    ended = []
    for survey, training_class in session.exec(statement):
        # closed early (closed_at before closes_at), or at its time
        at = min(survey.closed_at or survey.closes_at, survey.closes_at)
        if since < at <= now:
            ended.append((survey, training_class, at))
    ended.sort(key=lambda item: item[2], reverse=True)
    return ended


def _ended_lines(ctx: Context, ended: list[tuple[Survey, TrainingClass, datetime]]) -> list[str]:
    """「⏹ 已结束，未提交」 and a line for each survey that ended part-way."""
    if not ended:
        return []
    lines = ["", "⏹ <b>已结束，未提交</b>（已填的部分没有提交，不计入结果）："]
    for survey, training_class, at in ended[:MAX_LISTED_ENDED]:
        lines.append(
            f"• {escape(survey.title)}（{escape(training_class.name)}）"
            f" — 已于 {local_time(ctx.services, at)} 结束"
        )
    if len(ended) > MAX_LISTED_ENDED:
        lines.append(f"……另有 {len(ended) - MAX_LISTED_ENDED} 份")
    return lines


# ---------------------------------------------------------------- sending a survey


@router.command("survey", "发起满意度调查", roles=MANAGERS, private_only=True)
async def new_survey(ctx: Context) -> list[Reply]:
    """Start sending a survey: choose a template (a page at a time)."""
    return [Send(*template_picker(ctx, 0))]


def template_picker(ctx: Context, page: int) -> tuple[str, Keyboard]:
    """Step 1: a page of the templates (`page_of`, TEMPLATES_PER_PAGE to a page), the built-in
    ones first, then the presser's own uploads, then the other managers'."""
    loaded = load_templates(templates_dir(ctx.services))
    if not loaded.templates:
        raise UserError("没有可用的问卷模板。请发送 .yaml 模板文件添加一个。")
    view = page_of(
        _picker_order(ctx, list(loaded.templates.values())),
        page,
        lambda other: f"sm:1:tp:{other}",
        per_page=TEMPLATES_PER_PAGE,
        unit="个模板",
    )
    rows = [[Button(_template_label(t), f"sm:1:t:{t.key}")] for t in view.shown]
    rows.append(view.paging)
    rows.append([Button("📄 示例模板", "sm:1:ex")])
    text = (
        f"📋 <b>发起问卷</b>\n第 1 步：请选择问卷模板。{view.line}\n\n"
        "想用自己的题目？点「📄 示例模板」，照着改好后把 .yaml 文件发给我，就能添加新模板。"
    )
    if loaded.errors and ctx.role is Role.admin:
        errors = "\n".join(escape(e) for e in loaded.errors[:5])
        text += f"\n\n⚠️ 以下模板有错误，未加载：\n{errors}"
    return text, keyboard(*rows)


def _template_label(template: Template) -> str:
    """A template's button: 「课程反馈（5 题，匿名）」, at most 60 characters."""
    anonymous = "，匿名" if template.spec.anonymous else ""
    return f"{template.title}（{len(template.spec.questions)} 题{anonymous}）"[:60]


def _picker_order(ctx: Context, templates: list[Template]) -> list[Template]:
    """Built-in templates, then the presser's own uploads, then the others' (each in the order
    they were loaded: by file name)."""
    folder = templates_dir(ctx.services)

    def rank(template: Template) -> int:
        if template.builtin:
            return 0
        return 1 if owner_of(folder, template.key) == ctx.user.id else 2

    return sorted(templates, key=rank)  # stable: the load order within each group


def _number(raw: str, *, low: int = 0, high: int = MAX_ROW_ID) -> int:
    """A number of `sm:` button data (`parse_number`); ValueError (a refused button) for
    anything else."""
    number = parse_number(raw, low=low, high=high)
    if number is None:
        raise ValueError(raw)
    return number


@router.callback("sm", roles=MANAGERS)
async def on_send_button(ctx: Context) -> list[Reply]:
    """The steps of /survey: template → class → closing time → confirm."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) < 3 or parts[1] != "1":
        log.warning(
            "refused survey-send callback %r of user %s", ctx.event.callback_data, ctx.user.id
        )
        return [Notice("这个按钮已失效，请重新发送 /survey。", alert=True)]
    step, args = parts[2], parts[3:]
    if step != "c":  # step 3 watches the text for a closing time; any other step ends that
        _end_closing_watch(ctx)
    try:
        if step == "x":
            return [Edit("已取消发起问卷。")]
        if step == "ex" and not args:
            return example_template()
        if step == "tp" and len(args) == 1:
            return [Edit(*template_picker(ctx, _number(args[0])))]
        if step == "t" and len(args) == 1:
            return choose_class(ctx, args[0])
        if step == "cp" and len(args) == 2:
            return choose_class(ctx, args[0], _number(args[1]))
        if step == "c" and len(args) == 2:
            return choose_closing(ctx, args[0], _number(args[1], low=1))
        if step == "d" and len(args) == 3:
            days = _number(args[2])
            if days not in CLOSING_DAYS:
                raise ValueError(days)
            closes_at = closing_after(ctx.services, days)
            return confirm_page(ctx, args[0], _number(args[1], low=1), closes_at, edit=True)
        if step == "w" and len(args) == 2:
            return ask_closing_text(ctx, args[0], _number(args[1], low=1))
        if step == "ok" and len(args) in (3, 4, 5):
            # a confirmation shown before tokens has none: its closing time tells a double tap
            version = args[3] if len(args) >= 4 else None
            token = args[4] if len(args) == 5 else ""
            if len(args) == 5 and not SEND_TOKEN.fullmatch(token):
                raise ValueError(token)
            class_id, closes_ts = _number(args[1], low=1), _number(args[2], high=LAST_TIMESTAMP)
            return await send_survey(ctx, args[0], class_id, closes_ts, version, token)
    except ValueError:
        pass
    log.warning("refused survey-send callback %r of user %s", ctx.event.callback_data, ctx.user.id)
    return [Notice("这个按钮已失效，请重新发送 /survey。", alert=True)]


def example_template() -> list[Reply]:
    """「📄 示例模板」: the built-in template file, to edit and send back."""
    content = (BUILTIN_DIR / EXAMPLE_TEMPLATE).read_bytes()
    return [
        SendFile(content, EXAMPLE_TEMPLATE, caption=EXAMPLE_CAPTION),
        Notice("正在发送示例模板"),
    ]


def _reach(receiving: int, blocked: int) -> str:
    """A class button's count, as the confirmation's 「班级：数学班（共 4 人）」 counts (QA24
    F10): 「（4 人）」, or with members who blocked the bot 「（共 4 人，2 人能收到）」."""
    if not blocked:
        return f"（{receiving} 人）"
    return f"（共 {receiving + blocked} 人，{receiving} 人能收到）"


def choose_class(ctx: Context, key: str, page: int = 0) -> list[Reply]:
    """Step 2: a page of the manager's classes (`class_page`), each with who it reaches."""
    template = _template(ctx, key)
    with ctx.services.session() as session:
        classes = crud.classes_managed_by(session, manager_id=ctx.user.id)
        if not classes:
            raise UserError("您还没有培训班。请先用 /newclass 培训班名称 创建，并让学员加入。")
        view = class_page(classes, page, lambda other: f"sm:1:cp:{key}:{other}")
        counts = {c.id: rcrud.recipient_counts(session, class_id=c.id) for c in view.shown}  # type: ignore[arg-type]
    labels = class_labels(classes, limit=CLASS_LABEL_CHARS)  # 「…培训班第3期」 kept
    rows = [
        [Button(f"{labels[c.id]}{_reach(*counts[c.id])}", f"sm:1:c:{key}:{c.id}")]  # type: ignore[index]
        for c in view.shown
    ]
    rows.append(view.paging)
    rows.append([Button("取消", "sm:1:x")])
    text = f"📋 <b>{escape(template.title)}</b>\n第 2 步：发给哪个培训班？{view.line}"
    return [Edit(text, keyboard(*rows))]


def _no_trainees_text(ctx: Context, training_class: TrainingClass) -> str:
    code = training_class.join_code
    link = f"https://t.me/{ctx.services.bot_username}?start={code}"
    return (
        f"「{escape(training_class.name)}」还没有学员，问卷发出去没有人能收到，所以没有发送。\n"
        f"请先把加入链接发给学员：{link}\n"
        f"（或让学员发送 <code>/join {escape(code)}</code>；发送 /myclass 随时可以再看到链接）\n"
        "等学员加入后，再发送 /survey。"
    )


def _all_blocked_text(training_class: TrainingClass, blocked: int) -> str:
    """A class whose every member blocked the bot (or deleted their account): nobody can
    receive the survey, as /broadcast says of such a class."""
    return (
        f"「{escape(training_class.name)}」的 {blocked} 名学员都屏蔽了机器人或已注销账号，"
        "问卷发出去没有人能收到，所以没有发送。\n"
        "请联系学员解除屏蔽，并给机器人发一条消息，之后再发送 /survey。"
    )


def _refuse_empty_class(
    ctx: Context, training_class: TrainingClass, counts: tuple[int, int]
) -> None:
    """Refuse a survey that nobody would receive (`counts`: `rcrud.recipient_counts`)."""
    receiving, blocked = counts
    if receiving:
        return
    log.info("refused survey to unreachable class %s of user %s", training_class.id, ctx.user.id)
    if blocked:
        raise UserError(
            f"「{training_class.name}」的 {blocked} 名学员都屏蔽了机器人或已注销账号，"
            "问卷没有发送。请联系学员解除屏蔽，并给机器人发一条消息，之后再发送 /survey。"
        )
    raise UserError(
        f"「{training_class.name}」还没有学员，问卷没有发送。请先把加入链接发给学员"
        "（发送 /myclass 可以看到），等学员加入后再发送 /survey。"
    )


def _nobody_to_send_to(ctx: Context, training_class: TrainingClass, blocked: int) -> str:
    """Why a class no invitation can reach gets no survey: all blocked the bot, or no one
    has joined."""
    if blocked:
        return _all_blocked_text(training_class, blocked)
    return _no_trainees_text(ctx, training_class)


def choose_closing(ctx: Context, key: str, class_id: int) -> list[Reply]:
    template = _template(ctx, key)
    with ctx.services.session() as session:
        training_class = _manager_class(ctx, session, class_id)
        receiving, blocked = rcrud.recipient_counts(session, class_id=class_id)
    if receiving == 0:
        text = _nobody_to_send_to(ctx, training_class, blocked)
        return [
            Edit(
                f"📋 <b>{escape(template.title)}</b>\n{text}",
                keyboard(
                    [Button("◀ 换一个培训班", f"sm:1:t:{key}")],
                    [Button("取消", "sm:1:x")],
                ),
            ),
            Notice("这个培训班没有能收到问卷的学员" if blocked else "这个培训班还没有学员"),
        ]
    days = [Button(f"{d}天后截止", f"sm:1:d:{key}:{class_id}:{d}") for d in CLOSING_DAYS]
    _watch_closing_text(ctx, key, class_id)
    return [
        Edit(
            f"📋 <b>{escape(template.title)}</b> → {escape(training_class.name)}\n"
            "第 3 步：什么时候截止？",
            keyboard(
                days,
                [Button("✍️ 输入截止时间", f"sm:1:w:{key}:{class_id}")],
                [Button("取消", "sm:1:x")],
            ),
        )
    ]


def _watch_closing_text(ctx: Context, key: str, class_id: int) -> None:
    """At step 3, watch the manager's next text (`WATCHING`): a closing time typed instead of
    pressing 「✍️ 输入截止时间」 is taken as one, any other text is a question as before. A
    watch never replaces another input awaited (a broadcast text)."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        awaited = pending is not None and not (pending.payload or {}).get(WATCHING)
        if awaited and pending.kind != CLOSE_STATE:  # type: ignore[union-attr]
            return
        payload = {"key": key, "class": class_id, WATCHING: True}
        crud.set_pending(session, user_id=ctx.user.id, kind=CLOSE_STATE, payload=payload)


def _end_closing_watch(ctx: Context) -> None:
    """A press on another /survey step (a closing button, back, cancel): step 3 no longer
    watches the text. The wait after 「✍️ 输入截止时间」 is left as it is."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        watching = pending is not None and bool((pending.payload or {}).get(WATCHING))
        if watching and pending.kind == CLOSE_STATE:  # type: ignore[union-attr]
            crud.clear_pending(session, user_id=ctx.user.id)


def ask_closing_text(ctx: Context, key: str, class_id: int) -> list[Reply]:
    _template(ctx, key)
    with ctx.services.session() as session:
        _manager_class(ctx, session, class_id)
        crud.set_pending(
            session, user_id=ctx.user.id, kind=CLOSE_STATE, payload={"key": key, "class": class_id}
        )
    return [
        Edit(
            "请发送截止时间，例如：<code>12月1日18:00</code>、<code>3天后</code>、"
            "<code>2026-12-01 18:00</code>、<code>下周五</code>、<code>12月10日前</code>"
            "（当天 23:59 截止）"
        )
    ]


@router.text(
    state=CLOSE_STATE,
    roles=MANAGERS,
    ended_note="已取消发送问卷。要发问卷，请重新发送 /survey。",
    restarted_by="survey",
)
async def on_closing_text(ctx: Context) -> list[Reply]:
    """The typed closing time of the survey being prepared; while step 3 only watches the text
    (`WATCHING`), a text that is no closing time is answered as a question."""
    with ctx.services.session() as session:
        pending = crud.get_pending(session, user_id=ctx.user.id)
        payload = dict(pending.payload) if pending is not None else {}
    if payload.get(WATCHING):
        watched = closing_time_typed(ctx, ctx.event.text.strip())
        if watched is None:
            return await _as_question(ctx)
        closes_at, note = watched
    else:
        closes_at, note = typed_closing(ctx, ctx.event.text.strip())
    with ctx.services.session() as session:
        crud.clear_pending(session, user_id=ctx.user.id)
    return confirm_page(
        ctx,
        str(payload.get("key", "")),
        int(payload.get("class", 0)),
        closes_at,
        edit=False,
        note=note,
    )


def closing_time_typed(ctx: Context, typed: str) -> tuple[datetime, str] | None:
    """:func:`typed_closing` of a text that is a time and nothing else; None for any other text
    (「明天上课吗」「昨天的通知说什么」: a question). A time that cannot close a survey (too near,
    past, repeating) raises UserError saying why."""
    try:
        return typed_closing(ctx, typed, whole=True)
    except UserError as problem:
        today = utcnow().astimezone(ctx.services.settings.timezone)
        by_day = _BY_DAY.fullmatch(typed)  # 「12月1日前」: the day before 前 is the time
        written = [typed, by_day["day"]] if by_day is not None else [typed]
        if str(problem).startswith("没看懂") or not any(
            reads_as_time_only(text, today) for text in written
        ):
            return None
        raise


async def _as_question(ctx: Context) -> list[Reply]:
    """The text typed at step 3 is no closing time: answer it as any text typed to the bot."""
    from handlers.ask import ask_text  # late: the question answerer is a heavy import

    return await ask_text(ctx)


# Under the heading of the confirmation shown for a closing time typed after its wait expired
# (the ⌛ line before it says that /survey was cancelled).
EXPIRED_CONFIRM = "已按您刚发的截止时间准备好下面这份问卷，点「✅ 确认发送」才会发出。"


@on_expired_text(CLOSE_STATE)
async def on_expired_closing_text(ctx: Context) -> list[Reply]:
    """A closing time typed after the wait for it expired: most likely that time, typed late.
    If it reads as a closing time and the template and class chosen are still there, show the
    confirmation (nothing is sent before 「✅ 确认发送」, whose data holds all it needs); if it
    reads as a time that cannot close a survey (too near, past), say why and to send /survey
    again; else no offer, and the ⌛ line says to send /survey again. After step 3's watch
    expired (`WATCHING`, no ⌛ line) a text with no offer is a question like any other."""
    payload = ctx.expired_payload or {}
    try:
        watched = closing_time_typed(ctx, ctx.event.text.strip())
        if watched is None:  # not a closing time: perhaps a question
            return []
        closes_at, note = watched
        class_id = parse_number(str(payload.get("class", "")), low=1, high=MAX_ROW_ID)
        if class_id is None:
            return []
        return confirm_page(
            ctx,
            str(payload.get("key", "")),
            class_id,
            closes_at,
            edit=False,
            note=note,
            lead=EXPIRED_CONFIRM,
        )
    except UserError as problem:
        # the template or class is gone, or the time is wrong: the wait for it is over, so
        # not 「请再发一次截止时间」
        reason = str(problem).removesuffix(CLOSING_EXAMPLES)
        return [Send(f"{reason}\n要发问卷，请重新发送 /survey。")]


def typed_closing(ctx: Context, typed: str, *, whole: bool = False) -> tuple[datetime, str]:
    """The closing time a manager typed, and a note for the confirmation when the end of the
    day was taken; UserError saying what is wrong with it. `whole`: the text must be a time
    and nothing else (「明天上课吗」 is a question, not 「明天」)."""
    from scheduler.timeparse import TimeParseError, cn_to_int, parse_reminder

    now = utcnow().astimezone(ctx.services.settings.timezone)
    closes_at, note = _closing_by_day(typed, now) or (None, "")
    if closes_at is None:
        try:
            # the reminder parser wants a text after the time: the suffix is ours, never shown
            parsed = parse_reminder(typed + CLOSING_SUFFIX, now)
        except TimeParseError as error:
            parsed = _tonight(typed, error, now)  # 「今天」 at 15:00: its 09:00 is past, not 23:59
        if whole and parsed.message != CLOSING_SUFFIX.strip():
            raise UserError(closing_time_problem(typed, "") + CLOSING_EXAMPLES)
        if parsed.run_at is None:
            raise UserError(
                f"问卷截止时间只能是一个具体时间，「{escape(typed)}」是重复的时间。"
                + CLOSING_EXAMPLES
            )
        closes_at = parsed.run_at
        if days := _DAYS_LATER.fullmatch(parsed.when_text):  # 「3天后」: no clock was written
            closes_at = closing_after(ctx.services, cn_to_int(days[1]))
        elif parsed.default_time_note and not _PERIOD_OF_DAY.search(typed):
            # 「12月10日」「下周五」 close at the end of the day, not at the reminders' 09:00
            hour, minute = END_OF_DAY
            closes_at = closes_at.replace(hour=hour, minute=minute, second=0, microsecond=0)
            note = f"（「{escape(typed)}」没写钟点，按当天 {hour:02d}:{minute:02d} 截止）"
    closes_at = closes_at.astimezone(utcnow().tzinfo).replace(second=0, microsecond=0)
    if closes_at <= utcnow() + timedelta(minutes=5):
        raise UserError(
            f"问卷截止时间「{escape(typed)}」太近了：至少要在 5 分钟以后。" + CLOSING_EXAMPLES
        )
    if closes_at > utcnow() + timedelta(days=MAX_OPEN_DAYS):
        raise UserError(
            f"问卷截止时间「{escape(typed)}」太远了：最多在 {MAX_OPEN_DAYS} 天以内。"
            + CLOSING_EXAMPLES
        )
    return closes_at, note


CLOSING_SUFFIX = " 问卷截止"


def _tonight(typed: str, error: TimeParseError, now: datetime) -> ParsedSchedule:
    """Today (「今天」, today's date) without a clock, which the reminder parser refused as past
    (its default 09:00 has gone): read at 23:59 today, with the default-time note kept so that
    the end of the day is said. Else the UserError the parser's refusal means."""
    from scheduler.timeparse import parse_reminder

    problem = UserError(closing_time_problem(typed, error.reason) + CLOSING_EXAMPLES)
    if "过去" not in error.reason or _PERIOD_OF_DAY.search(typed):
        raise problem from None
    hour, minute = END_OF_DAY
    try:
        tonight = parse_reminder(f"{typed} {hour}:{minute:02d}{CLOSING_SUFFIX}", now)
    except TimeParseError:
        raise problem from None
    if tonight.run_at is None or tonight.run_at.date() != now.date():
        raise problem from None
    if tonight.message != CLOSING_SUFFIX.strip():  # 「今天要交什么」: the text is not a time
        raise problem from None
    # no clock was typed: the caller says that the end of the day was taken
    return replace(tonight, default_time_note="（未写具体时间）")


# 「12月10日前」「12月10日之前」「12月10日以前」「12月10日前截止」「12月10日截止」: by that day
_BY_DAY = re.compile(r"\s*(?P<day>.+?)\s*(?:(?:之|以)?前\s*(?:截止)?|截止)\s*")
END_OF_DAY = (23, 59)
# 「明天下午」「周五早上」: a period of the day keeps the parser's hour for it
_PERIOD_OF_DAY = re.compile(r"早|午|晚|凌晨|清晨|点|:|：")


def _closing_by_day(typed: str, now: datetime) -> tuple[datetime, str] | None:
    """A deadline as notices write it, 「<day>前」: the end of that day (or the clock written
    before 前), with a note for the confirmation when the end of the day was taken. None when
    the text is not one: the whole text is then read as a time (「3天前」 is in the past)."""
    from scheduler.timeparse import TimeParseError, parse_reminder

    by_day = _BY_DAY.fullmatch(typed)
    if by_day is None:
        return None
    hour, minute = END_OF_DAY
    note = f"（「{escape(typed)}」按当天 {hour:02d}:{minute:02d} 截止）"
    try:
        parsed = parse_reminder(by_day["day"] + CLOSING_SUFFIX, now)
    except TimeParseError as error:
        problem = closing_time_problem(typed, error.reason)
        if problem.startswith("没看懂"):
            return None
        if "过去" in error.reason:  # 「今天前」 at 15:00: the default 09:00 is past, 23:59 not
            try:
                tonight = parse_reminder(
                    f"{by_day['day']} {hour}:{minute:02d}{CLOSING_SUFFIX}", now
                )
            except TimeParseError:
                tonight = None
            if tonight is not None and tonight.run_at is not None:
                return tonight.run_at, note
        raise UserError(problem + CLOSING_EXAMPLES) from None  # past, too far, no such day
    if (
        parsed.run_at is None
        or parsed.message != CLOSING_SUFFIX.strip()
        or _DAYS_LATER.fullmatch(parsed.when_text)
    ):
        return None  # a repeating time, words after the day, 「3天后截止」: read as a whole
    if not parsed.default_time_note:  # a clock was written: 「12月10日18:00前」
        return parsed.run_at, ""
    return parsed.run_at.replace(hour=hour, minute=minute, second=0, microsecond=0), note


# 「3天后」「两天以后」 with no clock: the closing time is rounded up to a whole hour
_DAYS_LATER = re.compile(
    r"\s*([0-9零〇一二两三四五六七八九十]{1,3})\s*[天日]\s*(?:以后|之后|后)\s*"
)

# Ahead of any now, within MAX_OPEN_DAYS (a date such as 「12月1日」 would be past, or too far,
# most of the year), as the hint after a past closing time must be.
CLOSING_EXAMPLES = (
    "\n请再发一次截止时间，例如：<code>明天18:00</code>、<code>3天后</code>、"
    "<code>下周五 18:00</code>。"
)


def closing_time_problem(typed: str, reason: str) -> str:
    """What is wrong with a typed survey closing time, quoting only what the manager typed (the
    reminder parser's own words speak of reminders and of the text it was given)."""
    quoted = f"「{escape(typed)}」" if typed else ""
    if "过去" in reason:
        return f"问卷截止时间{quoted}已经过去了，请写一个将来的时间。"
    if "太远" in reason:
        return f"问卷截止时间{quoted}太远了：最多在 {MAX_OPEN_DAYS} 天以内。"
    if reason.startswith(("时间不存在", "日期不存在")) or "歧义" in reason:
        # these quote the part of the typed time that is wrong, and say why
        return f"问卷截止时间有误：{escape(reason)}"
    return f"没看懂问卷截止时间{quoted}。"


ANONYMOUS_LINE = (
    f"是，您只能看到汇总（满 {MIN_ANONYMOUS_RESPONSES} 份后显示），看不到谁答了什么；"
    f"进行中时每满 {MIN_ANONYMOUS_RESPONSES} 份更新一次，最新的几份在问卷结束或全员提交后计入"
)


def confirm_page(
    ctx: Context,
    key: str,
    class_id: int,
    closes_at: datetime,
    *,
    edit: bool,
    note: str = "",
    lead: str = "",
) -> list[Reply]:
    """Step 4: what will be sent, to whom, closing when (with `note`: how a typed time was
    read), and 「✅ 确认发送」; `lead` (HTML) under the heading says why it is shown."""
    template = _template(ctx, key)
    with ctx.services.session() as session:
        training_class = _manager_class(ctx, session, class_id)
        receiving, blocked = rcrud.recipient_counts(session, class_id=class_id)
    if receiving == 0:
        text = _nobody_to_send_to(ctx, training_class, blocked)
        return [Edit(text) if edit else Send(text)]
    spec = template.spec
    kinds = "、".join(
        f"{KIND_NAMES[k]} {n} 题"
        for k in ("likert5", "single", "multiple", "text")
        if (n := sum(1 for q in spec.questions if q.kind == k))
    )
    text = (
        "📋 <b>确认发送问卷</b>\n"
        + (f"{lead}\n" if lead else "")
        + f"问卷：{escape(spec.title)}（{len(spec.questions)} 题：{kinds}）\n"
        + _class_lines(training_class, receiving, blocked)
        + f"截止：{local_time(ctx.services, closes_at)}{note}\n"
        + f"匿名：{ANONYMOUS_LINE if spec.anonymous else '否（实名）'}\n"
        + (
            _few_for_anonymous(receiving, blocked)
            if spec.anonymous and receiving < MIN_ANONYMOUS_RESPONSES
            else ""
        )
        + (
            f"\n确认后这 {receiving} 人会收到填写邀请；屏蔽了机器人的学员收不到，不计入回收率。"
            if blocked
            else "\n确认后每位学员都会收到填写邀请。"
        )
    )
    ok = f"sm:1:ok:{key}:{class_id}:{int(closes_at.timestamp())}:{template.version}"
    ok = f"{ok}:{send_token(MAX_CALLBACK_BYTES - len(ok) - 1)}"
    buttons = keyboard(
        [Button("✅ 确认发送", ok)],
        [Button("取消", "sm:1:x")],
    )
    return [Edit(text, buttons) if edit else Send(text, buttons)]


def _class_lines(training_class: TrainingClass, receiving: int, blocked: int) -> str:
    """Who the survey goes to, counted as /broadcast counts: 「班级：语文一班（3 人）」, or with
    members who blocked the bot 「…（共 3 人）」 and 「将发给 2 人；另有 1 人屏蔽了机器人…」."""
    name = escape(training_class.name)
    if not blocked:
        return f"班级：{name}（{receiving} 人）\n"
    return (
        f"班级：{name}（共 {receiving + blocked} 人）\n"
        f"将发给 {receiving} 人；另有 {blocked} 人屏蔽了机器人或已注销账号，不会发给他们。\n"
    )


def _few_for_anonymous(receiving: int, blocked: int) -> str:
    """The warning that an anonymous survey fewer than 3 can answer never shows its results."""
    least = MIN_ANONYMOUS_RESPONSES
    if not blocked:
        return (
            f"⚠️ 这个班只有 {receiving} 人：匿名问卷满 {least} 份才显示结果，"
            "这份问卷的结果您将看不到。要看结果，请换一个实名的问卷模板。\n"
        )
    return (
        f"⚠️ 能收到这份问卷的只有 {receiving} 人：匿名问卷满 {least} 份才显示结果，"
        "这样发出去，结果您将看不到。要看结果，请换一个实名的问卷模板；"
        "或者先请屏蔽了机器人的学员解除屏蔽，并给机器人发一条消息，再发送 /survey。\n"
    )


# The token of one confirmation page: its 「✅ 确认发送」 sends one survey however often it is
# tapped (or replayed), while a new /survey run (a new page, a new token) sends a new one, even
# of the same template to the same class with the same closing time. It need only tell apart
# the confirmations of one (class, template, closing time): the database refuses a second
# survey with the same four (`uq_survey_confirmation`), across restarts too.
SEND_TOKEN = re.compile(r"[A-Za-z0-9]{1,8}")
_TOKEN_LETTERS = string.ascii_letters + string.digits
MAX_CALLBACK_BYTES = 64


def send_token(room: int) -> str:
    """A random token of up to 6 letters and digits, fitted to the `room` left in the data."""
    return "".join(secrets.choice(_TOKEN_LETTERS) for _ in range(max(1, min(6, room))))


def _already_sent(survey: Survey) -> list[Reply]:
    return [Notice(f"这份问卷已经发送过了（#{survey.id}）。", alert=True)]


def nudge_time(created: datetime, closes_at: datetime, hours: float) -> datetime | None:
    """When to remind non-respondents: `hours` before closing, or half-way if that is later."""
    if hours <= 0:
        return None
    return max(closes_at - timedelta(hours=hours), created + (closes_at - created) / 2)


async def send_survey(
    ctx: Context,
    key: str,
    class_id: int,
    closes_ts: int,
    version: str | None = None,
    token: str = "",
) -> list[Reply]:
    """Create the survey (once, however often this confirmation's 「确认发送」 is pressed: its
    `token` tells it from another /survey run's) and invite the class.

    `version` is the template's fingerprint when the confirmation was shown: if its owner has
    updated it since, nothing is sent and the manager is asked to look at the new version.
    """
    from datetime import UTC

    template = _template(ctx, key)
    closes_at = datetime.fromtimestamp(closes_ts, tz=UTC)
    if version is not None and version != template.version:
        with ctx.services.session() as session:
            _manager_class(ctx, session, class_id)
            sent = scrud.find_survey(
                session, class_id=class_id, template_key=key, closes_at=closes_at, token=token
            )
        if sent is not None:  # a second tap of a button that did send
            return _already_sent(sent)
        raise UserError(
            f"问卷模板「{template.title}」在您确认前被修改过了，这次没有发送。"
            "请重新发送 /survey，看过新版本后再发。"
        )
    with ctx.services.session() as session:
        _manager_class(ctx, session, class_id)
        sent = scrud.find_survey(
            session, class_id=class_id, template_key=key, closes_at=closes_at, token=token
        )
    if sent is not None:  # this confirmation was sent: a double tap, or its button replayed
        return _already_sent(sent)
    now = utcnow()
    if closes_at <= now:
        raise UserError("截止时间已经过了。请重新发送 /survey。")
    if closes_at > now + timedelta(days=MAX_OPEN_DAYS + 1):
        raise UserError("截止时间不对。请重新发送 /survey。")
    spec = template.spec
    with ctx.services.session() as session:
        training_class = _manager_class(ctx, session, class_id)
        _refuse_empty_class(
            ctx, training_class, rcrud.recipient_counts(session, class_id=class_id)
        )
        survey, created = scrud.create_survey(
            session,
            class_id=class_id,
            template_key=key,
            title=spec.title,
            description=spec.description,
            anonymous=spec.anonymous,
            created_by=ctx.user.id,
            closes_at=closes_at,
            send_token=token,
            nudge_at=nudge_time(now, closes_at, ctx.services.settings.survey_nudge_hours),
            invitations=lambda survey: held_invitations(
                ctx.services,
                survey,
                len(spec.questions),
                created_by=ctx.user.id,
                report_message_id=ctx.event.message_id,
            ),
            questions=[
                {
                    "kind": q.kind,
                    "text": q.text,
                    "required": q.required,
                    "options": list(q.options),
                    "max_choices": q.max_choices,
                }
                for q in spec.questions
            ],
        )
        members, blocked = rcrud.recipient_counts(session, class_id=class_id)
    if not created:  # the same confirmation, tapped twice at once
        return _already_sent(survey)
    skipped = (
        f"另有 {blocked} 人屏蔽了机器人或已注销账号，没有发给他们（不计入回收率）。\n"
        if blocked
        else ""
    )
    text = (
        f"✅ 已向「{escape(training_class.name)}」的 {members} 名学员发送问卷"
        f"「{escape(spec.title)}」（编号 {survey.id}）。\n{skipped}"
        f"截止：{local_time(ctx.services, closes_at)}。发送 /results {survey.id} 查看结果。"
    )
    # The message becomes the send report: shown now, then corrected by the broadcaster once
    # the invitations are out (`invitation_report`), as /broadcast's report is. The
    # invitations were queued with the survey, held until it is shown, so that the correction
    # cannot come first; a crash before they are let go leaves them to the broadcaster's
    # start-up repair (`start_held_invitations`), never lost.
    messenger = ctx.services.messenger
    shown: int | None = None
    if messenger is not None and ctx.event.message_id is not None:
        try:
            await messenger.edit(ctx.event.chat_id, ctx.event.message_id, text)
            shown = ctx.event.message_id
        except DeliveryError as error:  # the report is then the reply, not corrected
            log.warning("send report of survey %s not shown: %s", survey.id, error)
    await invite(ctx.services, survey, created_by=ctx.user.id, report_message_id=shown)
    log.info("survey %s (%s) sent to class %s by %s", survey.id, key, class_id, ctx.user.id)
    if shown is None:
        return [Edit(text)]
    name = shorten(training_class.name, 60)
    return [Notice(f"✅ 已向「{name}」的 {members} 名学员发送问卷（编号 {survey.id}）")]


INVITATIONS_KEY = "survey:"  # the invitations' broadcast: occurrence key 「survey:<id>」


def invitation_report(
    session: Session, record: Broadcast, counts: dict[str, int], tz: tzinfo
) -> list[str]:
    """The send report of a survey once its invitations are out (scheduler/broadcaster.py
    `OWN_REPORTS`): who got it, who did not and why, counted as /broadcast's report counts:
    「✅ 已向「数学班」发送问卷「…」：送达 2 人；2 人屏蔽了机器人，没有收到（编号 1）。」; an
    anonymous survey fewer than 3 got says its results will not show, and what to do."""
    survey_id = int((record.occurrence_key or "").removeprefix(INVITATIONS_KEY))
    survey = scrud.get_survey(session, survey_id=survey_id)
    training_class = session.get(TrainingClass, record.class_id)
    name = escape(training_class.name) if training_class else ""
    title = escape(survey.title) if survey else ""
    sent = counts.get(DeliveryStatus.sent, 0)
    invited = select(SurveyAddressee.user_id).where(SurveyAddressee.survey_id == survey_id)
    addressees = len(list(session.exec(invited)))
    # blocked when it was sent (not invited) and found blocked by the invitation
    blocked = max(0, addressees - sum(counts.values())) + counts.get(DeliveryStatus.blocked, 0)
    missed = [f"{blocked} 人屏蔽了机器人，没有收到"] if blocked else []
    missed += [
        f"{counts[status]} 人{what}"
        for status, what in (
            (DeliveryStatus.deactivated, "账号已注销，没有收到"),
            (DeliveryStatus.not_started, "还没有私聊过机器人，没有收到"),
            (DeliveryStatus.failed, "发送失败"),
            (DeliveryStatus.unknown, "发送时机器人重启，状态未知"),
        )
        if counts.get(status)
    ]
    mark = "✅" if sent else "❌"
    lines = [
        f"{mark} 已向「{name}」发送问卷「{title}」：送达 {sent} 人"
        + "".join(f"；{part}" for part in missed)
        + f"（编号 {survey_id}）。"
    ]
    if survey is not None:
        closes = format_when(survey.closes_at, datetime.now(tz), relative=False)
        lines.append(f"截止：{closes}。发送 /results {survey_id} 查看结果。")
        if survey.anonymous and sent < MIN_ANONYMOUS_RESPONSES:
            lines.append(
                f"⚠️ 只有 {sent} 人收到了这份匿名问卷：匿名问卷满 {MIN_ANONYMOUS_RESPONSES} 份"
                "才显示结果，这样您将看不到结果。请屏蔽了机器人的学员解除屏蔽，并给机器人发一条"
                f"消息，再在 /results {survey_id} 点「🔔 提醒未提交的学员」，问卷就会发给他们；"
                "或者换一个实名的问卷模板，用 /survey 重新发送。"
            )
    return lines


OWN_REPORTS[INVITATIONS_KEY] = invitation_report


STARTUP_REPAIRS.append(functools.partial(scrud.start_held_invitations, prefix=INVITATIONS_KEY))


def held_invitations(
    services: Services,
    survey: Survey,
    question_count: int,
    *,
    created_by: int,
    report_message_id: int | None,
) -> Broadcast:
    """The invitations of a survey being created, written in its commit and held (a draft)
    until `invite` lets them go; their report replaces `report_message_id` (the manager's
    confirmation, which becomes the send report)."""
    return Broadcast(
        class_id=survey.class_id,
        text=invitation_text(services, survey, question_count),
        buttons=keyboard_to_json(keyboard([survey_answer.start_button(survey.id)])),  # type: ignore[arg-type]
        created_by=created_by,
        kind="survey",
        report_chat_id=created_by,
        occurrence_key=f"{INVITATIONS_KEY}{survey.id}",
        progress_message_id=report_message_id,
    )


def invitation_text(services: Services, survey: Survey, question_count: int) -> str:
    anonymous = "\n🔒 匿名问卷：班主任只看汇总结果。" if survey.anonymous else ""
    description = f"\n{escape(survey.description)}" if survey.description else ""
    return (
        f"📋 <b>{escape(survey.title)}</b>{description}\n"
        f"共 {question_count} 题，约 {max(1, question_count // 3)} 分钟。"
        f"截止：{local_time(services, survey.closes_at, relative=False)}{anonymous}\n"
        "点击下方按钮开始填写，可以中途退出，稍后接着填。"
    )


async def deliver(
    services: Services,
    *,
    class_id: int,
    text: str,
    buttons: tuple,
    created_by: int,
    recipient_ids: list[int] | None,
    report_chat_id: int | None = None,
    progress_message_id: int | None = None,
    occurrence_key: str | None = None,
    held: bool = False,
) -> int:
    """Hand a message to the broadcaster (rate limits, retries, crash-safe); count queued.
    No report unless `report_chat_id` (then `invitation_report`, see `invite`). `held`: the
    broadcast keyed `occurrence_key` was queued already, held (`held_invitations`): let it go
    to `recipient_ids`."""
    from scheduler.broadcaster import broadcast, wake_sender

    if held and occurrence_key is not None and recipient_ids is not None:

        def start() -> int | None:
            with services.session() as session:
                return scrud.start_invitations(
                    session,
                    occurrence_key=occurrence_key,
                    recipient_ids=recipient_ids,
                    report=report_chat_id is not None,
                )

        if await asyncio.to_thread(start) is None:  # let go already (the start-up repair)
            log.info("the broadcast %s was not held any more", occurrence_key)
        wake_sender(services)
        return len(recipient_ids)
    await broadcast(
        services,
        class_id=class_id,
        text=text,
        buttons=buttons,
        created_by=created_by,
        recipient_ids=recipient_ids,
        report_chat_id=report_chat_id,
        kind="survey",
        occurrence_key=occurrence_key,
        progress_message_id=progress_message_id,
    )
    if recipient_ids is not None:
        return len(recipient_ids)
    with services.session() as session:
        return reachable_members(session, class_id=class_id)


def reachable_members(session: Session, *, class_id: int) -> int:
    """Members a survey reaches: all but those who blocked the bot (as a broadcast counts)."""
    return rcrud.recipient_counts(session, class_id=class_id)[0]


async def invite(
    services: Services,
    survey: Survey,
    *,
    created_by: int,
    report_message_id: int | None = None,
) -> None:
    """Invite the survey's addressees who can be reached (its deliveries are exactly those).
    With `report_message_id` (the send report shown to its author), the broadcaster corrects
    that report once the invitations are out (`invitation_report`), once, through restarts."""
    with services.session() as session:
        count = len(scrud.questions_of(session, survey_id=survey.id))  # type: ignore[arg-type]
        recipients = scrud.invitation_ids(session, survey_id=survey.id)  # type: ignore[arg-type]
    report = (
        {"report_chat_id": created_by, "progress_message_id": report_message_id}
        if report_message_id is not None
        else {}
    )
    try:
        await deliver(
            services,
            class_id=survey.class_id,
            text=invitation_text(services, survey, count),
            buttons=keyboard([survey_answer.start_button(survey.id)]),  # type: ignore[arg-type]
            created_by=created_by,
            recipient_ids=recipients,
            occurrence_key=f"{INVITATIONS_KEY}{survey.id}",
            held=True,
            **report,
        )
    except Exception:
        log.exception("could not queue the invitations of survey %s", survey.id)


# ---------------------------------------------------------------- template upload


async def handle_template_upload(ctx: Context, content: bytes, filename: str) -> list[Reply]:
    """A manager/admin sent a .yaml/.yml template: validate it whole, then add it."""
    if not ctx.is_manager:
        raise UserError("只有班主任和管理员可以添加问卷模板。")
    builtin = {k for k, t in _templates(ctx.services).items() if t.builtin}
    try:
        template, updated = save_uploaded(
            templates_dir(ctx.services),
            content,
            filename,
            builtin,
            owner_id=ctx.user.id,
            may_replace_any=ctx.role is Role.admin,
        )
    except TemplateError as error:
        return [Send(f"❌ 模板未添加，请修改后重新发送：\n{escape(str(error))}")]
    spec = template.spec
    summary = f"{len(spec.questions)} 题，{'匿名' if spec.anonymous else '实名'}"
    if updated:
        log.info("survey template %s updated by %s", template.key, ctx.user.id)
        return [
            Send(
                f"✅ 已更新问卷模板「{escape(spec.title)}」"
                f"（{summary}，key：{escape(template.key)}）。\n"
                "已经发出的问卷不受影响，学员仍按发出时的题目填写；"
                "之后用 /survey 发出的问卷使用新版本。"
            )
        ]
    log.info("survey template %s added by %s", template.key, ctx.user.id)
    return [
        Send(
            f"✅ 已添加问卷模板「{escape(spec.title)}」（{summary}）。发送 /survey 即可选用。\n"
            "以后修改：改好后再发一次同一个 key"
            f"（<code>{escape(template.key)}</code>）的文件即可。"
        )
    ]


def is_template_file(filename: str) -> bool:
    return filename.lower().endswith((".yaml", ".yml"))


@router.document(extensions=(".yaml", ".yml"), uploaders=MANAGERS)
async def template_file(ctx: Context) -> list[Reply]:
    """A manager sent (or forwarded) a survey template file in the private chat: add it if it
    is valid as a whole. A file in a group is not meant for the bot."""
    document = ctx.event.document
    assert document is not None and ctx.services.messenger is not None
    if not ctx.event.is_private:
        return []
    if not ctx.is_manager:
        raise UserError("只有班主任和管理员可以添加问卷模板。")
    content = await ctx.services.messenger.download(document.file_id)
    return await handle_template_upload(ctx, content, document.file_name)
