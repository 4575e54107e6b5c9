"""`/curated` (managers and admins): the curated answers (标准答案) the knowledge base matches
before the notices, five to a page. Curated answers are shared by every class (a trainee reads
who saved one), so every manager sees all of them, but only their own have a 「停用」 button
(a wrong one stops being served at once); others' are marked read-only, and a forged 停用 of
another's is refused. An admin may retire any.

Callback data (version 1; re-checked on every press, the router's guard refuses trainees)::

    kbc:1:pg:<page>          上一页 / 下一页 / 返回列表: edit the message to that page
    kbc:1:rt:<id>:<page>     停用: ask to confirm (the entry must still be active)
    kbc:1:ok:<id>:<page>     确认停用: set `active = False`, reload the knowledge base's pairs
    kbc:1:no:<page>          取消: back to the list
"""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, keyboard
from bot.db import question_crud
from bot.db.models import Role, User
from bot.db.question_models import CuratedAnswer
from bot.limits import shorten
from handlers.ask import refresh_curated
from handlers.routing import Context, Router, UserError, button_id, button_number, paging_buttons
from scheduler.timeparse import format_when

log = logging.getLogger(__name__)

router = Router("curated", roles={Role.manager, Role.admin})

PREFIX = "kbc"
VERSION = "1"
PER_PAGE = 5
QUESTION_CHARS = 80
ANSWER_CHARS = 60
DETAIL_CHARS = 300
STALE = "这个按钮已失效，请重新发送 /curated。"
GONE = "这条标准答案不存在或已经停用了，请重新发送 /curated 查看。"
READ_ONLY = "您只能停用自己保存的；其他班主任保存的只能查看，有误请联系对方或管理员。"
EMPTY = (
    "目前没有启用的标准答案。\n在 /unanswered 里回答学员的问题后，点「保存为标准答案」即可添加。"
)


def data(*parts: object) -> str:
    """Versioned callback data of this module: kbc:1:<parts…>."""
    return ":".join([PREFIX, VERSION, *map(str, parts)])


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of one line, with … when cut, HTML-escaped."""
    flat = " ".join(text.split())
    return escape(flat if len(flat) <= limit else flat[:limit] + "…")


def saved_by(ctx: Context, curated: CuratedAnswer, names: dict[int, str]) -> str:
    """「王芳 · 12月7日（周一） 09:00」: who saved it and when, as the bot writes times
    (`format_when`, in the bot's time zone)."""
    who = escape(names.get(curated.created_by) or str(curated.created_by))
    now = datetime.now(ctx.services.settings.timezone)
    return f"{who} · {format_when(curated.created_at, now)}"


def may_retire(ctx: Context, curated: CuratedAnswer) -> bool:
    """Only the manager who saved a curated answer, or an admin, may retire it."""
    return curated.created_by == ctx.user.id or ctx.role is Role.admin


def listing(ctx: Context, page: int) -> tuple[str, Keyboard]:
    """One page of the active curated answers (a page past the end shows the last one)."""
    with ctx.services.session() as session:
        total = question_crud.count_curated(session)
        pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
        page = min(page, pages - 1)
        shown = question_crud.list_curated(session, offset=page * PER_PAGE, limit=PER_PAGE)
        names = {
            c.created_by: user.display_name
            for c in shown
            if (user := session.get(User, c.created_by)) is not None
        }
    if not shown:
        return EMPTY, ()
    lines = [f"⭐ <b>标准答案</b>（共 {total} 条，所有培训班的学员提问时优先匹配）"]
    if not all(may_retire(ctx, curated) for curated in shown):
        lines[0] += f"\n<i>{READ_ONLY}</i>"
    rows = []
    for number, curated in enumerate(shown, start=page * PER_PAGE + 1):
        mine = curated.created_by == ctx.user.id
        note = "" if mine or ctx.role is Role.admin else "（其他班主任保存，只读）"
        lines.append(
            f"{number}. 问：{excerpt(curated.question, QUESTION_CHARS)}\n"
            f"答：{excerpt(curated.answer, ANSWER_CHARS)}\n"
            f"<i>{saved_by(ctx, curated, names)} 保存{note}</i>"
        )
        if may_retire(ctx, curated):
            rows.append([Button(f"🚫 停用第 {number} 条", data=data("rt", curated.id, page))])
    if pages > 1:
        lines.append(f"<i>第 {page + 1}/{pages} 页</i>")
    paging = paging_buttons(page, pages, lambda other: data("pg", other))
    return "\n\n".join(lines), keyboard(*rows, paging)


@router.command("curated", "标准答案管理", private_only=True)
async def curated(ctx: Context) -> list[Reply]:
    """List the active curated answers, five to a page, each with a 「停用」 button."""
    text, buttons = listing(ctx, 0)
    return [Send(text, buttons)]


def active_curated(ctx: Context, curated_id: int) -> CuratedAnswer:
    """The curated answer behind a button, refused unless it still exists and is active."""
    with ctx.services.session() as session:
        found = question_crud.get_curated(session, curated_id=curated_id)
    if found is None or not found.active:
        log.warning("curated %s refused for user %s: unknown or retired", curated_id, ctx.user.id)
        raise UserError(GONE)
    return found


@router.callback(PREFIX)
async def on_button(ctx: Context) -> list[Reply]:
    """Page through the list, ask to retire an entry, retire it or cancel."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) < 4 or parts[1] != VERSION:
        raise UserError(STALE)
    action, rest = parts[2], parts[3:]
    if action in ("pg", "no") and len(rest) == 1:
        return [Edit(*listing(ctx, button_number(rest[0], STALE)))]
    if action in ("rt", "ok") and len(rest) == 2:
        curated_id, page = button_id(rest[0], STALE), button_number(rest[1], STALE)
        curated = active_curated(ctx, curated_id)
        if not may_retire(ctx, curated):
            raise UserError(not_yours(ctx, curated))
        if action == "rt":
            return ask_to_retire(ctx, curated, page)
        return retire(ctx, curated, page)
    raise UserError(STALE)


def not_yours(ctx: Context, curated: CuratedAnswer) -> str:
    """The refusal of another manager's curated answer (a pop-up: at most 200 characters)."""
    with ctx.services.session() as session:
        author = session.get(User, curated.created_by)
    who = shorten(author.display_name, 20) if author is not None else "另一位班主任"  # plain text
    log.warning("curated %s refused for user %s: not theirs", curated.id, ctx.user.id)
    return f"这条标准答案是{who}保存的，只有本人或管理员可以停用。有误请联系对方或管理员。"


def ask_to_retire(ctx: Context, curated: CuratedAnswer, page: int) -> list[Reply]:
    """停用: show the whole entry with 确认停用 / 取消."""
    return [
        Edit(
            "🚫 <b>停用这条标准答案？</b>\n"
            "停用后学员再问类似的问题，我不会再用它回答（记录会保留）。\n\n"
            f"问：{excerpt(curated.question, DETAIL_CHARS)}\n"
            f"答：{excerpt(curated.answer, DETAIL_CHARS)}",
            keyboard(
                [
                    Button("✅ 确认停用", data=data("ok", curated.id, page)),
                    Button("↩️ 取消", data=data("no", page)),
                ]
            ),
        )
    ]


def retire(ctx: Context, curated: CuratedAnswer, page: int) -> list[Reply]:
    """确认停用: mark it inactive and reload the knowledge base's curated answers at once."""
    assert curated.id is not None
    with ctx.services.session() as session:
        retired = question_crud.retire_curated(session, curated_id=curated.id)
    if not retired:  # another manager retired it in the meantime
        raise UserError(GONE)
    refresh_curated(ctx.services)
    log.info("curated %s retired by user %s", curated.id, ctx.user.id)
    return [
        Edit(
            "✅ 已停用这条标准答案，知识库不再用它回答。\n\n"
            f"问：{excerpt(curated.question, DETAIL_CHARS)}\n"
            f"答：{excerpt(curated.answer, DETAIL_CHARS)}",
            keyboard([Button("◀ 返回列表", data=data("pg", page))]),
        ),
        Notice("已停用"),
    ]
