"""Greeting, help, and joining a class: `/start [code]`, `/help`, `/join CODE`, `/myclass`,
and `/cancel` for an input the bot is waiting for.

A deep link `t.me/<bot>?start=<code>` arrives as `/start <code>` and joins the class at once
(not a member the class's manager removed, until the manager lets them back: the manager is
told of their first try, with the button that does; a replaced code says it expired); the
class's own manager is not added (they would get their own broadcasts and count in their
surveys): they are shown the link to give their trainees instead. `/join` (and `/start`) take
the code also inside the whole join link pasted (t.me/<bot>?start=<code>, tg://resolve?…), and
with spaces in it (「FZMD AEVD」); a link of another bot, or without a code, says what to send.
The same goes for a join link, 「加入 CODE」, or a class's code sent alone as plain text in the
private chat (`pasted_join`, asked by handlers/ask.py before the text is taken as a question),
also with punctuation or brackets around it (「CODE。」「「CODE」」) or a few words beside it
(「加入 CODE 谢谢」「CODE 李老师」「我的加入码是 CODE」: then only a class's code); a message that
is just a word shaped like a code (8 letters and digits, both kinds) that no class has is told
so; anything else (「CODE 是什么班」) stays a question.
In a group, /start and /help show the trainees' short help only: the whole class reads it.
`/myclass` lists the user's classes with their managers (two classes may share a name) and a
「退出」 button for each (confirmed first), eight classes to a page (`mc:1:pg:<page>`).
"""

from __future__ import annotations

import re
import unicodedata
from html import escape
from urllib.parse import parse_qs

from bot.chat import Button, Edit, Keyboard, Reply, Send, keyboard
from bot.db import crud
from bot.db.models import Role, TrainingClass, User
from bot.limits import shorten
from handlers.ask import COLLOQUIAL_EXAMPLE, EXAMPLE, TITLES, deliver
from handlers.class_names import class_labels
from handlers.routing import Context, Router, UserError, button_id, button_number, paging_buttons

router = Router("start")

LEAVE_PREFIX = "mc"
MEMBERS_PREFIX = "cm"  # a manager's members list, handled in handlers/classes.py
STALE_LEAVE = "这个按钮已失效，请重新发送 /myclass。"
# /myclass shows this many classes to a page; a button names a class in this many characters.
MY_CLASSES_PER_PAGE = 8
BUTTON_NAME_CHARS = 20
# A join link pasted whole after /join (or /start): https://t.me/<bot>?start=<code>, with or
# without https:// (also telegram.me), or the app's tg://resolve?domain=<bot>&start=<code>.
WEB_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/(?P<name>[^/?#\s]*)[^?#\s]*(?:\?(?P<query>\S*))?",
    re.IGNORECASE,
)
APP_LINK = re.compile(r"tg://resolve\?(?P<query>\S*)", re.IGNORECASE)
ANY_LINK = re.compile(r"[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE)
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")  # a Telegram username (a bot's, a person's)
START_VALUE = re.compile(r"[A-Za-z0-9_-]+")  # what Telegram passes on as /start <value>
HOW_TO_JOIN = (
    "请直接点击班主任分享的加入链接，"
    "或发送 /join 加 8 位加入码（字母和数字），例如：/join ABCD2345"
)
MAX_CODE_CHARS = 16  # the longest code the table holds; longer text is not quoted back
# Plain text (no /join) that means joining: 「加入 QDL4GX62」「加入码：QDL4GX62」「join QDL4GX62」
# (the code may have spaces in it, as after /join) …
JOIN_WORDS = re.compile(
    r"(?:我要|我想|请|我的)?(?:加入码|加入(?:培训班|班级)?|join(?=[\s:]))(?:是|为)?\s*:?\s*"
    r"(?P<code>[A-Za-z0-9][A-Za-z0-9 ]{2,30}[A-Za-z0-9])",
    re.IGNORECASE,
)
# … or a code sent alone: joined when a class has (or had) it; told no class has it when it is
# shaped like one (letters and digits both), else taken as a question (pinyin, a number).
BARE_CODE = re.compile(rf"[A-Za-z0-9]{{{crud.JOIN_CODE_LENGTH}}}")
# What phones and copied messages put around a code: punctuation of any kind (。，！「」“”（）
# 【】：…) and invisible characters, taken out before looking …
INVISIBLE = re.compile("[\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
# … and the few words said with a code (「加入 CODE 谢谢」「CODE 李老师」「我的加入码是 CODE」):
# the whole rest of a message that holds one code of a class. Anything else (「CODE 是什么」)
# keeps it a question.
COURTESY = re.compile(
    r"(?:我的|我|的|加入码|邀请码|班级码|加入|培训班|班级|码|是|为|这是|请|麻烦(?:您|你)?|谢谢(?:您|你)?"
    r"|多谢|谢了|您好|你好|老师好|好的|收到|[\u4e00-\u9fff]{0,3}老师|班主任|了|吧|啊|呀|哈|哦|呢)*"
)
MAX_COURTESY_CHARS = 12
NOT_A_CODE = (
    "「{code}」像是培训班的加入码，但没有哪个班用这个加入码。"
    "请核对班主任发来的加入码（8 位字母和数字），或直接点击班主任分享的加入链接。"
    "如果您是想提问，请用文字写出完整的问题。"
)

GREETING = {
    Role.trainee: (
        "您好，{name}！我是国培助手 🤖\n"
        f"可以直接向我提问国培计划的政策，比如「{EXAMPLE}」，口语也可以：「{COLLOQUIAL_EXAMPLE}」"
    ),
    Role.manager: "您好，{name}！我是国培助手 🤖\n您可以创建培训班、发送提醒和满意度调查。",
    Role.admin: "您好，{name}！您是国培助手的管理员。",
}

HELP_BY_ROLE = {
    Role.trainee: (
        "📖 <b>使用帮助</b>\n"
        "• 直接发送问题，我会引用通知原文回答；在群里用 /ask 问题\n"
        "• /deadlines 查看通知里的截止时间\n"
        "• /join 加入码 — 加入培训班\n"
        "• /myclass — 查看我的培训班，也可以退出\n"
        "• /mysurveys — 待填写的问卷\n"
        "• /cancel — 取消正在进行的输入"
    ),
    Role.manager: (
        "\n\n👩‍🏫 <b>班主任</b>\n"
        "• /newclass 培训班名称 — 创建培训班，得到加入链接\n"
        "• /myclass — 查看成员、移出学员、更换加入码\n"
        "• /remind 时间 内容 — 定时提醒，如 /remind 明天9点 提交研修日志\n"
        "• /reminders — 查看、取消提醒\n"
        "• /broadcast 内容 — 向全班群发通知（也可以先发 /broadcast 再发内容，或把消息转发给我）\n"
        "• /survey — 发起满意度调查；/results — 查看结果\n"
        "• 发送 .yaml 问卷模板文件即可添加自定义问卷\n"
        "• /unanswered — 学员提出而我没能回答的问题\n"
        "• /curated — 查看、停用标准答案"
    ),
    Role.admin: (
        "\n\n🛠 <b>管理员</b>\n"
        "• /addmanager 用户ID — 设为班主任（/removemanager 撤销）\n"
        "• /kbstats — 知识库统计\n"
        "• 直接发送通知文件（txt/md/html/pdf/docx）即可加入知识库；"
        "同一份通知的新版本会问您是否替换\n"
        "• /notices — 知识库里的通知，可删除、恢复"
    ),
}


def greeting_name(first_name: str | None, role: Role) -> str:
    """How the greeting addresses the user: a manager as 「王芳班主任」, but 「张老师」 and
    「李班主任」 as they are (not 「张老师班主任」); 「老师」 or 「班主任」 without a name."""
    name = (first_name or "").strip()
    if role is not Role.manager:
        return name or "老师"
    if not name:
        return "班主任"
    return name if name.endswith(TITLES) else f"{name}班主任"


def help_text(role: Role) -> str:
    """The help for a role includes the help of every role below it."""
    text = HELP_BY_ROLE[Role.trainee]
    if role in (Role.manager, Role.admin):
        text += HELP_BY_ROLE[Role.manager]
    if role is Role.admin:
        text += HELP_BY_ROLE[Role.admin]
    return text


@router.command("start", "开始使用")
async def start(ctx: Context) -> list[Reply]:
    """Greet the user, or join the class whose code came in the deep link."""
    if ctx.event.args.strip():
        return await join_by_code(ctx, ctx.event.args)
    role = shown_role(ctx)
    name = escape(greeting_name(ctx.user.first_name, role))
    return [Send(GREETING[role].format(name=name) + "\n\n" + help_text(role))]


@router.command("help", "使用帮助")
async def show_help(ctx: Context) -> list[Reply]:
    """Show the commands this user may use (in a group, the trainees' ones only)."""
    return [Send(help_text(shown_role(ctx)))]


def shown_role(ctx: Context) -> Role:
    """Whose greeting and help to show: a group sees the trainees' ones, whoever asked, since
    the manager and admin commands work in the private chat only and concern no one else."""
    return ctx.role if ctx.event.is_private else Role.trainee


@router.command("cancel", "取消正在进行的输入", private_only=True)
async def cancel(ctx: Context) -> list[Reply]:
    """End the input the bot was waiting for (a command always ends it: this one says so). The
    input was asked for in the private chat, and only a command there ends it."""
    if ctx.ended_input is None:
        return [Send("现在没有等待您输入的内容，无需取消。")]
    return []  # the conversation says what was ended, and how to go back to it


@router.command("join", "加入培训班")
async def join(ctx: Context) -> list[Reply]:
    """Join a class with the code the class manager gave."""
    if not ctx.event.args.strip():
        raise UserError("请在命令后写上班主任给您的加入码，例如：/join ABCD2345")
    return await join_by_code(ctx, ctx.event.args)


def join_code_candidates(text: str, bot_username: str) -> list[str]:
    """The codes `text` (what followed /join or /start) may mean, best first: the start= of a
    join link to this bot, else the text without its spaces (「FZMD AEVD」, full-width ones too),
    then its first word (「FZMDAEVD 张老师」). UserError for a link that holds no code of ours."""
    web, app = WEB_LINK.search(text), APP_LINK.search(text)
    if web is not None or app is not None:
        if web is not None:
            name, query = web["name"], web["query"] or ""
        else:
            query = app["query"] if app is not None else ""
            name = parse_qs(query).get("domain", [""])[0]
        start_value = START_VALUE.match(parse_qs(query).get("start", [""])[0])
        if name.lower() != bot_username.lower():
            if USERNAME.fullmatch(name):
                raise UserError(
                    f"这个链接是 @{name} 的，不是我（@{bot_username}）的加入链接。" + HOW_TO_JOIN
                )
            raise UserError("这不是培训班的加入链接。" + HOW_TO_JOIN)
        if start_value is None:
            raise UserError(
                "这个链接里没有加入码（加入链接的末尾是「?start=」和加入码）。" + HOW_TO_JOIN
            )
        return [start_value.group()]
    if ANY_LINK.search(text):
        raise UserError("这不是培训班的加入链接。" + HOW_TO_JOIN)
    words = text.split()  # str.split() splits at full-width spaces too
    return list(dict.fromkeys(["".join(words), words[0]])) if words else []


def meant_to_join(text: str, bot_username: str) -> tuple[str, bool] | None:
    """What of a plain-text message `join_by_code` should take when it means joining a class,
    and how surely it does: a join link to this bot (or any link with a start= code) and
    「加入 CODE」 surely do ("sure"); a code alone, punctuation and brackets around it allowed
    (「CODE。」「「CODE」」), only if a class has it ("alone"); a code with a few words beside it
    (「加入 CODE 谢谢」「CODE 李老师」「我的加入码是 CODE」) only if a class has it, and nothing
    is said otherwise ("worded"). None for anything else, a question."""
    plain = INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()  # full-width too
    web, app = WEB_LINK.search(plain), APP_LINK.search(plain)
    if web is not None or app is not None:
        name = web["name"] if web is not None else ""
        query = (web["query"] if web is not None else "") or ""
        ours = name.lower() == bot_username.lower()
        return (plain, "sure") if app is not None or ours or "start=" in query else None
    # punctuation (「」“”（）【】。，！：- …) is a space, and so splits words
    spaced = " ".join(
        "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in plain).split()
    )
    if words := JOIN_WORDS.fullmatch(spaced):
        return words["code"], "sure"
    runs = list(re.finditer(r"[A-Za-z0-9](?:[A-Za-z0-9 ]*[A-Za-z0-9])?", spaced))
    if len(runs) != 1:
        return None
    code = "".join(runs[0].group().split())
    if not BARE_CODE.fullmatch(code) or len(runs[0].group().split()) > 2:
        return None
    rest = "".join((spaced[: runs[0].start()] + spaced[runs[0].end() :]).split())
    if not rest:
        return code.upper(), "alone"
    if len(rest) <= MAX_COURTESY_CHARS and COURTESY.fullmatch(rest):
        return code.upper(), "worded"
    return None


def shaped_like_a_code(code: str) -> bool:
    """Letters and digits both (pinyin or a number is not a code), as most codes are; a 0 or 1
    (not in codes) is most often an O or I misread."""
    return not code.isalpha() and not code.isdigit()


async def pasted_join(ctx: Context, text: str) -> list[Reply] | None:
    """A join code or join link sent as plain text in the private chat (no /join): joined, or
    refused, as /join would; None when the text is not one, and so a question. A code that no
    class has (nor had) is a question too, unless the message is just that code and it is
    shaped like one: then the reply says no class has it, and how to ask instead."""
    meant = meant_to_join(text, ctx.services.bot_username)
    if meant is None:
        return None
    code, how = meant
    if how != "sure":
        with ctx.services.session() as session:
            known = crud.find_class_by_code(session, code=code) or crud.find_retired_code(
                session, code=code
            )
        if known is None and (how == "worded" or not shaped_like_a_code(code)):
            return None
        if known is None:
            raise UserError(NOT_A_CODE.format(code=escape(code)))
    return await join_by_code(ctx, code)


async def join_by_code(ctx: Context, text: str) -> list[Reply]:
    """Join the class of the code in `text` (a code, or the join link pasted whole); in a
    group, only point to the private chat, where the bot can reach the trainee later (a user
    who never opened it cannot get reminders)."""
    candidates = join_code_candidates(text, ctx.services.bot_username)
    with ctx.services.session() as session:
        found = (crud.find_class_by_code(session, code=code) for code in candidates)
        training_class = next(filter(None, found), None)
        for code in candidates if training_class is None else ():
            if old := crud.find_retired_code(session, code=code):
                raise UserError(
                    f"加入码「{escape(code.upper())}」已过期：班主任更换了「{escape(old.name)}」"
                    "的加入码。请向班主任要新的加入链接。"
                )
        if training_class is None:
            raise UserError(unknown_code(candidates[0] if candidates else ""))
        if not ctx.event.is_private:
            link = class_link(ctx, training_class.join_code)
            return [
                Send(
                    f"请点下面的按钮，在与我的私聊里加入「{escape(training_class.name)}」："
                    "这样班主任的提醒、通知和问卷才能发到您手里。",
                    keyboard([Button("👉 私聊加入", url=link)]),
                )
            ]
        if ctx.is_manager and training_class.manager_id == ctx.user.id:
            mine = crud.classes_of_member(session, user_id=ctx.user.id)
            joined = any(c.id == training_class.id for c in mine)
            raise UserError(own_class_refusal(ctx, training_class, joined_before=joined))
        first_try = crud.refuse_rejoin(session, user_id=ctx.user.id, class_id=training_class.id)
        created, manager = False, None
        if first_try is None:
            _, created = crud.join_class(session, user_id=ctx.user.id, class_id=training_class.id)
        else:
            manager = current_manager(
                training_class,
                crud.users_by_id(session, user_ids=[training_class.manager_id]),
                ctx.services.settings.admin_ids,
            )
    name = escape(training_class.name)
    if first_try is not None:
        refusal = f"您已被班主任移出「{name}」，如需重新加入请联系班主任。"
        if first_try and await tell_manager_of_rejoin(ctx, manager, training_class):
            refusal += "\n我已把您想重新加入的事转告班主任；班主任允许后，我会通知您。"
        raise UserError(refusal)
    if not created:
        return [Send(f"您已经在「{name}」里了，无需重复加入。")]
    return [
        Send(
            f"✅ 已加入培训班「{name}」。\n班主任的提醒、通知和问卷会通过我发给您。"
            "\n有政策问题可以直接问我。"
        )
    ]


def unknown_code(code: str) -> str:
    """No class has this code: quote it if it could be one (not a sentence chopped short)."""
    quoted = f"加入码「{escape(code)}」" if len(code) <= MAX_CODE_CHARS else "您发送的内容"
    return (
        f"{quoted}不存在。请核对班主任发来的加入码（8 位字母和数字），或直接点击班主任分享的链接。"
    )


async def tell_manager_of_rejoin(
    ctx: Context, manager: User | None, training_class: TrainingClass
) -> bool:
    """Tell the manager, once per removal, that a member they removed tried the code again,
    with the button that lets them back; whether it was delivered (not without a manager)."""
    if manager is None:
        return False
    who = escape(ctx.user.display_name)
    allow = Button(
        f"↩️ 允许 {shorten(ctx.user.display_name, 12)} 重新加入",
        data=f"{MEMBERS_PREFIX}:1:ra:{training_class.id}:{ctx.user.id}",
    )
    failed = await deliver(
        ctx.services,
        manager.id,
        f"🚪 {who} 想重新加入「{escape(training_class.name)}」。您之前把 TA 移出了，"
        "所以没有让 TA 加入。要让 TA 回来，请点下面的按钮；不用理会则 TA 仍不能加入。",
        keyboard([allow]),
    )
    return failed is None


def own_class_refusal(ctx: Context, training_class: TrainingClass, *, joined_before: bool) -> str:
    """A manager opened their own class's link (often to test it): as a member they would get
    their own broadcasts and count among a survey's addressees, so they are not added. One who
    joined before this check is told how to leave (/myclass 🚪 退出)."""
    name = escape(training_class.name)
    code = training_class.join_code
    text = (
        f"这是您管理的班（{name}），无需加入；学员用这个链接加入：\n"
        f"{class_link(ctx, code)}\n（或发送 /join {code}）"
    )
    if joined_before:
        text += (
            "\n\n⚠️ 您之前已经作为学员加入了这个班，所以会收到自己发的群发和问卷，"
            "也被算进人数和回收率。要退出，请发送 /myclass，"
            "在「我加入的培训班」下点这个班的「🚪 退出」。"
        )
    return text


@router.command("myclass", "我的培训班", private_only=True)
async def my_classes(ctx: Context) -> list[Reply]:
    """List the classes the user belongs to, with their managers and a way out of each (and,
    for managers, the classes they run)."""
    text, buttons = my_classes_view(ctx, 0)
    return [Send(text, buttons)]


def my_classes_view(ctx: Context, page: int) -> tuple[str, Keyboard]:
    """One page of /myclass: the classes a manager runs (with link and 👥), then the classes
    the user joined (with their manager and 🚪); MY_CLASSES_PER_PAGE in all to a page."""
    with ctx.services.session() as session:
        joined = crud.classes_of_member(session, user_id=ctx.user.id)
        managers = crud.users_by_id(session, user_ids=(c.manager_id for c in joined))
        managed = []
        if ctx.is_manager:
            managed = crud.classes_managed_by(session, manager_id=ctx.user.id)
        counts = {c.id: crud.count_members(session, class_id=c.id) for c in managed}
    entries = [(True, c) for c in managed] + [(False, c) for c in joined]
    if not entries:
        return "您还没有加入培训班。请点击班主任分享的链接，或发送 /join 加入码。", ()
    pages = (len(entries) + MY_CLASSES_PER_PAGE - 1) // MY_CLASSES_PER_PAGE
    page = min(page, pages - 1)  # the list may have shrunk since the button was sent
    shown = entries[page * MY_CLASSES_PER_PAGE : (page + 1) * MY_CLASSES_PER_PAGE]
    managed_labels = class_labels(managed, limit=BUTTON_NAME_CHARS)
    joined_labels = class_labels(joined, limit=BUTTON_NAME_CHARS)
    admin_ids = ctx.services.settings.admin_ids
    lines, rows = [], []
    if any(is_managed for is_managed, _ in shown):
        lines.append("👩‍🏫 <b>我管理的培训班</b>")
    for is_managed, c in shown:
        if not is_managed:
            continue
        link = class_link(ctx, c.join_code)
        lines.append(
            f"• {escape(c.name)}（{counts[c.id]} 人）加入码 <code>{c.join_code}</code>\n  {link}"
        )
        label = managed_labels[c.id]
        rows.append([Button(f"👥 「{label}」成员", data=f"{MEMBERS_PREFIX}:1:ls:{c.id}:0")])
    if not all(is_managed for is_managed, _ in shown):
        lines.append("📚 <b>我加入的培训班</b>")
    for is_managed, c in shown:
        if is_managed:
            continue
        line = escape(joined_label(c, managers, admin_ids))
        if current_manager(c, managers, admin_ids) is None:
            line += " · 班主任：暂无（请联系管理员）"
        lines.append(f"• {line}")
        label = joined_labels[c.id]
        rows.append([Button(f"🚪 退出「{label}」", data=f"{LEAVE_PREFIX}:1:ask:{c.id}")])
    if pages > 1:
        lines.append(f"<i>第 {page + 1}/{pages} 页，共 {len(entries)} 个班</i>")
    paging = paging_buttons(page, pages, lambda other: f"{LEAVE_PREFIX}:1:pg:{other}")
    return "\n".join(lines), keyboard(*rows, paging)


def joined_label(
    training_class: TrainingClass, managers: dict[int, User], admin_ids: frozenset[int]
) -> str:
    """「语文一班 · 班主任 张老师」: two managers' classes may share a name (the name alone when
    the class has no manager any more)."""
    manager = current_manager(training_class, managers, admin_ids)
    who = f" · 班主任 {manager.display_name}" if manager is not None else ""
    return f"{training_class.name}{who}"


def current_manager(
    training_class: TrainingClass, managers: dict[int, User], admin_ids: frozenset[int]
) -> User | None:
    """The class's manager, unless they were removed with /removemanager (an admin stays one)."""
    manager = managers.get(training_class.manager_id)
    if manager is None or (manager.role != Role.manager and manager.id not in admin_ids):
        return None
    return manager


@router.callback(LEAVE_PREFIX)
async def on_leave_button(ctx: Context) -> list[Reply]:
    """退出 → a confirmation → out of the class (only the member themself, only their class)."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) == 4 and parts[1:3] == ["1", "pg"]:
        return [Edit(*my_classes_view(ctx, button_number(parts[3], STALE_LEAVE)))]
    if len(parts) == 3 and parts[1:] == ["1", "keep"]:
        return [Edit("好的，仍留在培训班里。")]
    if len(parts) != 4 or parts[1] != "1" or parts[2] not in ("ask", "bye"):
        raise UserError(STALE_LEAVE)
    class_id = button_id(parts[3], STALE_LEAVE)
    with ctx.services.session() as session:
        joined = {c.id: c for c in crud.classes_of_member(session, user_id=ctx.user.id)}
        training_class = joined.get(class_id)
        if training_class is None:
            raise UserError("您已经不在这个培训班里了。")
        manager = current_manager(
            training_class,
            crud.users_by_id(session, user_ids=[training_class.manager_id]),
            ctx.services.settings.admin_ids,
        )
        name = escape(training_class.name)
        by = f"（班主任 {escape(manager.display_name)}）" if manager is not None else ""
        if parts[2] == "bye":
            crud.leave_class(session, user_id=ctx.user.id, class_id=class_id)
            return [Edit(f"已退出「{name}」{by}。要回来，请再点一次班主任分享的加入链接。")]
    return [
        Edit(
            f"确定退出「{name}」{by}吗？退出后不再收到这个班的通知、提醒和问卷。",
            keyboard(
                [
                    Button("🚪 确定退出", data=f"{LEAVE_PREFIX}:1:bye:{class_id}"),
                    Button("取消", data=f"{LEAVE_PREFIX}:1:keep"),
                ]
            ),
        )
    ]


def class_link(ctx: Context, code: str) -> str:
    return f"https://t.me/{ctx.services.bot_username}?start={code}"
