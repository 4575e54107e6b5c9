"""The notices the knowledge base answers from (admins): `/notices` lists the files, five to a
page, each with 「删除」 → 「确认删除」, and under them 「已删除的通知（N）」 with 「恢复」 for
each removed one; and an uploaded notice with the 文号 or title of a stored one is held until
the admin chooses 「替换旧版本」 or 「另存为新通知」.

Removing, restoring or replacing takes effect at once: the old file's clauses and deadlines are
no longer answered, a restored one's are again. Class reminders set from a retired notice's
deadlines are not cancelled: each manager who set one is told, and the admin's confirmation
counts them (handlers/deadlines.py `tell_superseded`). An uploaded file is moved into
DATA_DIR/notices/.removed/, a shipped one is hidden; 「恢复」 here (or `guopei-bot restore NAME`
on the server) brings either back: an upload under its old name, or under a free one
(`name-2.txt`) when a newer upload has taken that name meanwhile, both then being answered.
Only the latest removal of a name can be restored (an older one is offered once it is).
Restoring checks what an upload is checked for (`KnowledgeBase.restore` makes the checks, for
`guopei-bot restore` too): a file with the same content as a live one is refused (every clause
would be answered twice; the removed list offers no 「恢复」 for it), and one whose 文号 or
title a live notice holds (perhaps another version: which one is current only the admin knows,
so the bot does not say 「替换」 or 「新版本」) is restored only after 「仍要恢复」 (`--force`).
Notices described alike (title, 文号, date) are told apart by the clause where their texts
first differ (「🔎 不同之处：「…」」).

Callback data (version 1; re-checked on every press, the router's guard refuses non-admins)::

    kbn:1:pg:<page>            上一页 / 下一页 / 返回列表
    kbn:1:rm:<key>:<page>      删除: ask to confirm (key: the file name's hash)
    kbn:1:ok:<key>:<page>      确认删除
    kbn:1:no:<page>            取消: back to the list
    kbn:1:rl:<page>            已删除的通知（N）: a page of the removed notices
    kbn:1:rs:<key>             恢复 (key: the hash of the removed file's name in .removed/, or
                               of the hidden shipped file's): restore it, show the list again;
                               first ask when a live notice has its 文号 or title
    kbn:1:rf:<key>             仍要恢复: restore it although a live notice has its 文号 or title
    kbn:1:rp:<token>           替换旧版本: add the held upload and retire the older file(s)
    kbn:1:kp:<token>           另存为新通知: add it beside them
    kbn:1:cx:<token>           放弃: add nothing

A held upload waits in DATA_DIR/pending-notices/<token>/ for a day; only its uploader may decide,
once (the first press claims it).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import time
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, keyboard
from bot.db.models import Role
from handlers.ask import knowledge
from handlers.deadlines import notice_marks, tell_superseded
from handlers.routing import Context, Router, UserError, button_number, paging_buttons
from handlers.typeset import typeset
from scheduler.timeparse import format_when

if TYPE_CHECKING:
    from knowledge import IngestReport, KnowledgeBase
    from knowledge.kb import LiveMatch

log = logging.getLogger(__name__)

router = Router("notices", roles={Role.admin})

PREFIX = "kbn"
VERSION = "1"
PER_PAGE = 5
TITLE_CHARS = 80
PENDING_SECONDS = 24 * 3600
INGEST_LOCK = "notices.ingest_lock"  # also the upload handler's: one change at a time
TOKEN = re.compile(r"[0-9a-f]{12}")
STALE = "这个按钮已失效，请重新发送 /notices。"
GONE = "这份通知已经不在知识库里了（可能刚被删除或替换），请重新发送 /notices 查看。"
UPLOAD_STALE = "这次上传已经处理过或已过期，请重新发送通知文件。"
UNAVAILABLE = "知识库暂时不可用，请稍后再试。"
RESTORED = (
    "这个「恢复」按钮来自较早的列表，它那一份已经恢复过了（可能刚刚恢复，或被其他管理员恢复），"
    "知识库没有改动。请重新发送 /notices，打开「已删除的通知」查看现在的列表。"
)
RESTORED_THEN_REMOVED = (
    "这个「恢复」按钮来自较早的列表：它那一份「{name}」已经恢复过，后来又删除了一次，"
    "知识库没有改动。请重新发送 /notices，打开「已删除的通知」，按那里的「恢复」。"
)
RESTORED_KEYS = "notices.restored_keys"  # key → name of what 恢复 brought back (for L4 wording)
RESTORED_KEYS_KEPT = 200
# Where a clause ends: the clause two versions of a notice first differ in is shown.
CLAUSE_ENDS = "\n。；，：！？,;:!?"
DIFFERENCE_CHARS = 24
REMOVED_AGAIN = (
    "同名的通知后来又删除了一份，这个按钮已失效，知识库没有改动。"
    "请重新发送 /notices，在「已删除的通知」里查看。"
)


def data(*parts: object) -> str:
    """Versioned callback data of this module: kbn:1:<parts…>."""
    return ":".join([PREFIX, VERSION, *map(str, parts)])


def file_key(name: str) -> str:
    """A short stand-in for a file name in callback data (names may exceed its 64 bytes)."""
    return hashlib.sha256(name.encode()).hexdigest()[:10]


def excerpt(text: str, limit: int = TITLE_CHARS) -> str:
    flat = " ".join(text.split())
    return escape(flat if len(flat) <= limit else flat[:limit] + "…")


def describe(entry: dict) -> str:
    """《title》 文号 · date (等 N 篇), for a file of `KnowledgeBase.notice_files()`."""
    notices = entry["notices"]
    if entry.get("error"):
        return f"（无法读取：{excerpt(entry['error'])}）"
    if not notices:
        return "（网页上的介绍文字，不是正式通知）"
    first = notices[0]
    parts = [excerpt(p, 40) for p in (first["doc_number"], first["date"]) if p]
    text = f"《{excerpt(typeset(first['title']) or '未命名通知')}》" + (
        " " + " · ".join(parts) if parts else ""
    )
    if len(notices) > 1:
        text += f" 等 {len(notices)} 篇"
    return text


def where(entry: dict) -> str:
    kind = "内置" if entry["shipped"] else "上传"
    return f"{kind} · {excerpt(entry['name'], 60)}"


def kb_or_refuse(ctx: Context) -> KnowledgeBase:
    kb = knowledge(ctx.services)
    if kb is None:
        raise UserError(UNAVAILABLE)
    return kb


def listing(kb: KnowledgeBase, page: int) -> tuple[str, Keyboard]:
    """One page of the notice files (a page past the end shows the last one), and a button
    to the removed ones when there are any."""
    files = kb.notice_files()
    pages = max(1, -(-len(files) // PER_PAGE))
    page = min(page, pages - 1)
    shown = files[page * PER_PAGE : (page + 1) * PER_PAGE]
    removed = len(restorable(kb))
    trash = [Button(f"🗂 已删除的通知（{removed}）", data=data("rl", 0))] if removed else []
    if not shown:
        return "知识库里没有通知。直接发送通知文件即可加入。", keyboard(trash)
    notices = sum(len(entry["notices"]) for entry in files)
    lines = [f"📚 <b>知识库里的通知</b>（共 {len(files)} 个文件、{notices} 篇通知，上传的在前）"]
    rows = []
    for number, entry in enumerate(shown, start=page * PER_PAGE + 1):
        lines.append(f"{number}. {describe(entry)}\n<i>{where(entry)}</i>")
        rows.append(
            [Button(f"🗑 删除第 {number} 条", data=data("rm", file_key(entry["name"]), page))]
        )
    if pages > 1:
        lines.append(f"<i>第 {page + 1}/{pages} 页</i>")
    lines.append("<i>发送通知文件即可加入；同一文号或标题的新版本会问您是否替换旧版本。</i>")
    paging = paging_buttons(page, pages, lambda other: data("pg", other))
    return "\n\n".join(lines), keyboard(*rows, paging, trash)


@router.command("notices", "知识库里的通知（删除、恢复）", private_only=True)
async def notices_command(ctx: Context) -> list[Reply]:
    """List the notice files, five to a page, each with a 「删除」 button (and the removed
    ones behind 「已删除的通知」)."""
    return [Send(*listing(kb_or_refuse(ctx), 0))]


def find_file(kb: KnowledgeBase, key: str) -> dict:
    for entry in kb.notice_files():
        if file_key(entry["name"]) == key:
            return entry
    raise UserError(GONE)


@router.callback(PREFIX)
async def on_button(ctx: Context) -> list[Reply]:
    """Page, ask to remove, remove, cancel; list the removed notices, restore one; decide on a
    held upload."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) < 4 or parts[1] != VERSION:
        raise UserError(STALE)
    action, rest = parts[2], parts[3:]
    if action in ("rp", "kp", "cx") and len(rest) == 1:
        return await decide_upload(ctx, action, rest[0])
    kb = kb_or_refuse(ctx)
    if action in ("pg", "no") and len(rest) == 1:
        return [Edit(*listing(kb, button_number(rest[0], STALE)))]
    if action == "rl" and len(rest) == 1:
        page = button_number(rest[0], STALE)
        now = datetime.now(ctx.services.settings.timezone)
        return [Edit(*await asyncio.to_thread(removed_listing, kb, page, now))]
    if action in ("rs", "rf") and len(rest) == 1 and re.fullmatch(r"[0-9a-f]{10}", rest[0]):
        return await restore(ctx, kb, rest[0], confirmed=action == "rf")
    if action in ("rm", "ok") and len(rest) == 2 and re.fullmatch(r"[0-9a-f]{10}", rest[0]):
        entry, page = find_file(kb, rest[0]), button_number(rest[1], STALE)
        if action == "rm":
            return ask_to_remove(entry, page)
        return await remove(ctx, kb, entry, page)
    raise UserError(STALE)


def ask_to_remove(entry: dict, page: int) -> list[Reply]:
    what = (
        "内置通知只是隐藏，" if entry["shipped"] else "文件会保留，"
    ) + "随时可以在 /notices 的「已删除的通知」里恢复。"
    return [
        Edit(
            "🗑 <b>删除这份通知？</b>\n"
            "删除后学员再问，我不会再用它回答，它的期限也不再出现在 /deadlines。"
            f"{what}\n\n{describe(entry)}\n<i>{where(entry)}</i>",
            keyboard(
                [
                    Button("✅ 确认删除", data=data("ok", file_key(entry["name"]), page)),
                    Button("↩️ 取消", data=data("no", page)),
                ]
            ),
        )
    ]


async def remove(ctx: Context, kb: KnowledgeBase, entry: dict, page: int) -> list[Reply]:
    from knowledge import IngestError

    lock = ctx.services.extras.setdefault(INGEST_LOCK, asyncio.Lock())
    async with lock:
        before = notice_marks(kb)
        try:
            await asyncio.to_thread(kb.remove, [entry["name"]])
        except IngestError:  # removed meanwhile (another admin, or `guopei-bot remove`)
            raise UserError(GONE) from None
        undo = [
            Button("♻️ 恢复", data=data("rs", removed_key(removed)))
            for removed in restorable(kb)
            if (removed["shipped"], removed["name"]) == (entry["shipped"], entry["name"])
        ][:1]
    log.info("notice file %s removed by user %s", entry["name"], ctx.user.id)
    reminders = await tell_superseded(ctx, kb, before, "removed")
    return [
        Edit(
            "✅ 已删除，学员从现在起不会再看到它的条款和期限。"
            + ("按「恢复」可以撤销。" if undo else "")
            + (f"\n{reminders}" if reminders else "")
            + f"\n\n{describe(entry)}\n<i>{where(entry)}</i>",
            keyboard([*undo, Button("◀ 返回列表", data=data("pg", page))]),
        ),
        Notice("已删除"),
    ]


# ----- the removed notices, and bringing one back --------------------------------------------


def restorable(kb: KnowledgeBase) -> list[dict]:
    """The removed notices 「恢复」 offers: the latest removal of each uploaded name (with
    "older": how many earlier ones of that name wait behind it), then the hidden shipped ones;
    entries of `KnowledgeBase.removed_files()`."""
    latest: dict[tuple[bool, str], dict] = {}
    for entry in kb.removed_files():
        key = (entry["shipped"], entry["name"])
        if key in latest:
            latest[key]["older"] += 1
        else:
            latest[key] = {**entry, "older": 0}
    return list(latest.values())


def removed_key(entry: dict) -> str:
    """The key of a removed notice in callback data: its file's name in .removed/ (a later
    removal of the same name is another key), or the hidden shipped file's."""
    return file_key(entry["path"].name)


def read_removed(entry: dict) -> dict:
    """A removed notice with the "notices" and "error" that `describe` shows, and its notices'
    "text" (the file is parsed once per version, for this and for
    `KnowledgeBase.live_matches`)."""
    from knowledge import IngestError
    from knowledge.kb import notices_text, parsed_documents

    unread = {**entry, "notices": [], "text": ""}
    try:
        entry["path"].stat()
    except OSError:
        return {**unread, "error": "文件已经不在了"}
    try:
        documents = parsed_documents(entry["path"], entry["name"])
    except IngestError as error:
        return {**unread, "error": error.reason}
    except OSError:
        return {**unread, "error": "文件读不出来"}
    notices = [
        {"title": d.title, "doc_number": d.doc_number, "date": d.date}
        for d in documents
        if d.is_notice
    ]
    return {**entry, "notices": notices, "text": notices_text(documents), "error": None}


def clashing_name(kb: KnowledgeBase, entry: dict) -> str | None:
    """The stored file whose name a removed upload would take back (same name, case and
    suffix aside), if any: `restore` then stores it under a free name beside that one."""
    from knowledge.kb import builtin_corpus_files

    if entry["shipped"]:
        return None
    stem = Path(entry["name"]).stem.casefold()
    for path in kb.source_files() + builtin_corpus_files():
        if path.stem.casefold() == stem:
            return path.name
    return None


def removed_where(entry: dict, now: datetime) -> str:
    """「上传 · NAME · 删除于 今天 12月6日（周日） 23:18」: when it was removed, as the bot
    writes every time (`format_when`, in `now`'s zone, the bot's). `removed_at` is the stamp
    in the removed file's name, the server's local time (naive): read as such, then
    converted."""
    if entry["shipped"]:
        return f"内置 · {excerpt(entry['name'], 60)} · 已隐藏"
    when = format_when(datetime.fromisoformat(entry["removed_at"]).astimezone(), now)
    return f"上传 · {excerpt(entry['name'], 60)} · 删除于 {when}"


def removed_listing(kb: KnowledgeBase, page: int, now: datetime) -> tuple[str, Keyboard]:
    """One page of the removed notices, each with 「恢复」 unless a live file has its content
    (it reads the files shown: call it in a worker thread); `now` in the bot's time zone."""
    entries = restorable(kb)
    pages = max(1, -(-len(entries) // PER_PAGE))
    page = min(page, pages - 1)
    shown = [read_removed(entry) for entry in entries[page * PER_PAGE : (page + 1) * PER_PAGE]]
    back = [Button("◀ 返回列表", data=data("pg", 0))]
    if not shown:
        return "🗂 没有已删除的通知。", keyboard(back)
    live = {entry["name"]: entry for entry in kb.notice_files()}
    lines = [f"🗂 <b>已删除的通知</b>（共 {len(entries)} 份，最近删除的在前）"]
    rows = []
    first = page * PER_PAGE + 1
    for number, entry in enumerate(shown, start=first):
        match = live_match(kb, entry)
        line = f"{number}. {describe(entry)}\n<i>{removed_where(entry, now)}</i>"
        same_as = match.same_as if match else []
        alike = [
            other["text"] for other in shown if other is not entry and looks_alike(other, entry)
        ]
        alike += [kb.live_text(name) for name in same_as if looks_alike(live.get(name), entry)]
        twin = next(
            (
                n
                for n, other in enumerate(shown[: number - first], start=first)
                if not entry.get("error") and other["text"] == entry["text"]
            ),
            None,
        )
        if twin is not None:
            line += f"\n🔁 与第 {twin} 条内容相同，恢复其中一份即可。"
        elif not (match and match.duplicate_of):  # a copy of a live file: nothing to compare
            line += difference_line(entry["text"], alike)
        clash = clashing_name(kb, entry)
        if clash:
            line += (
                f"\n⚠️ 知识库里现在有同名文件「{excerpt(clash, 60)}」，恢复的这份会另取文件名，"
                "两份都会被引用。"
            )
        line += match_lines(live, entry, match)
        if entry["older"]:
            line += f"\n<i>（更早还删除过 {entry['older']} 份同名文件，恢复这份后会列出。）</i>"
        lines.append(line)
        if not (match and match.duplicate_of):  # 恢复 would be refused: no button
            rows.append([Button(f"♻️ 恢复第 {number} 条", data=data("rs", removed_key(entry)))])
    if pages > 1:
        lines.append(f"<i>第 {page + 1}/{pages} 页</i>")
    lines.append("<i>恢复立即生效：学员又能看到它的条款和期限。</i>")
    paging = paging_buttons(page, pages, lambda other: data("rl", other))
    return "\n\n".join(lines), keyboard(*rows, paging, back)


def live_match(kb: KnowledgeBase, entry: dict) -> LiveMatch | None:
    """`KnowledgeBase.live_matches` for a removed notice: the live file with its content, and
    those with its 文号 or title; None when it cannot be read (restoring it then says why)."""
    from knowledge import IngestError

    try:
        return kb.live_matches(entry["path"], entry["name"])
    except (IngestError, OSError):
        return None


def looks_alike(entry: dict | None, other: dict) -> bool:
    """True when two notice files read the same in the lists (title, 文号, date): only their
    texts can tell them apart."""
    return entry is not None and not entry.get("error") and describe(entry) == describe(other)


def first_difference(text: str, other: str) -> str:
    """The clause of `text` where it first differs from `other` (「参训教师每月须完成不少于
    五篇网络研修日志」), at most DIFFERENCE_CHARS; "" when `text` says nothing else."""
    text, other = (
        "\n".join(" ".join(line.split()) for line in part.splitlines() if line.strip())
        for part in (text, other)
    )
    at = next(
        (index for index, pair in enumerate(zip(text, other, strict=False)) if len(set(pair)) > 1),
        min(len(text), len(other)),
    )
    if at >= len(text):
        return ""
    clause_start = max(text.rfind(mark, 0, at) for mark in CLAUSE_ENDS) + 1
    start = max(clause_start, at - DIFFERENCE_CHARS // 2)
    ends = [index for index in (text.find(mark, at + 1) for mark in CLAUSE_ENDS) if index >= 0]
    end = min([*ends, len(text), start + DIFFERENCE_CHARS])
    clause = text[start:end].strip(CLAUSE_ENDS + " ")
    if not clause:
        return ""
    cut_before = start > 0 and text[start - 1] not in CLAUSE_ENDS
    cut_after = end < len(text) and text[end] not in CLAUSE_ENDS
    return ("…" if cut_before else "") + clause + ("…" if cut_after else "")


def difference_line(text: str, alike: list[str]) -> str:
    """「🔎 不同之处：「…」」: where `text` first differs from the first of `alike` (the texts of
    notices that read the same in the lists) that it differs from; "" when none does."""
    for other in alike:
        clause = first_difference(text, other)
        if clause:
            return f"\n🔎 不同之处：「{escape(clause)}」"
    return ""


def live_named(live: dict[str, dict], name: str, entry: dict) -> str:
    """A live file as a line about the removed `entry` names it: 「NAME」, after 《its title》
    when that is not the title `entry` shows."""
    other = live.get(name)
    first = other["notices"][0]["title"] if other and other["notices"] else ""
    mine = entry["notices"][0]["title"] if entry["notices"] else ""
    title = f"《{excerpt(typeset(first))}》" if first and first != mine else ""
    return f"{title}「{excerpt(name, 60)}」"


def match_lines(live: dict[str, dict], entry: dict, match: LiveMatch | None) -> str:
    """What the removed list says of a removed notice whose content, 文号 or title a live
    file holds (which of them is current, it cannot know: it does not say 「替换」)."""
    if match is None:
        return ""
    if match.duplicate_of:
        return (
            f"\n⛔ 与知识库里的{live_named(live, match.duplicate_of, entry)}内容相同，不能恢复。"
        )
    if not match.same_as:
        return ""
    others = "、".join(live_named(live, name, entry) for name in match.same_as)
    return f"\n⚠️ 与知识库里的{others}文号或标题相同，恢复前会先问您。"


def titled(kb: KnowledgeBase, name: str) -> tuple[str, str]:
    """A live file as the lines about it name it: 《its first notice's title》 (or 「name」),
    and where it is (「上传 · NAME」)."""
    entry = next((e for e in kb.notice_files() if e["name"] == name), None)
    if entry is None:
        return f"「{excerpt(name, 60)}」", ""
    first = entry["notices"][0]["title"] if entry["notices"] else ""
    title = f"《{excerpt(typeset(first))}》" if first else f"「{excerpt(name, 60)}」"
    return title, where(entry)


def named(kb: KnowledgeBase, names: list[str]) -> str:
    """《title》（上传 · NAME）、… for live files."""
    return "、".join(
        title + (f"（{place}）" if place else "")
        for title, place in (titled(kb, name) for name in names)
    )


def stale_restore(ctx: Context, kb: KnowledgeBase, key: str) -> str:
    """Why the 恢复 behind `key` is gone: the same name removed again since (its latest copy is
    the one restored), or restored already (and, when this bot did it, removed again)."""
    if any(removed_key(e) == key for e in kb.removed_files()):
        return REMOVED_AGAIN
    name = ctx.services.extras.get(RESTORED_KEYS, {}).get(key)
    if name is not None and any(e["name"] == name for e in restorable(kb)):
        return RESTORED_THEN_REMOVED.format(name=escape(name))
    return RESTORED


def remember_restored(ctx: Context, key: str, name: str) -> None:
    keys: dict[str, str] = ctx.services.extras.setdefault(RESTORED_KEYS, {})
    keys[key] = name
    while len(keys) > RESTORED_KEYS_KEPT:
        del keys[next(iter(keys))]


def ask_to_restore(
    ctx: Context, kb: KnowledgeBase, key: str, entry: dict, match: LiveMatch
) -> list[Reply]:
    """Before restoring a notice whose 文号 or title a live one holds: show both (and where
    their texts differ when they read the same), say both would be answered, and let the
    admin choose 「仍要恢复」 or 「取消」; which is current, the bot cannot know."""
    now = datetime.now(ctx.services.settings.timezone)
    removed = read_removed(entry)
    live = {other["name"]: other for other in kb.notice_files()}
    texts = {name: kb.live_text(name) for name in match.same_as}
    alike = [name for name in match.same_as if looks_alike(live.get(name), removed)]
    blocks = []
    for name in match.same_as:
        other = live.get(name)
        if other is None:  # removed meanwhile: 恢复 asks again if it matters
            continue
        detail = difference_line(texts[name], [removed["text"]]) if name in alike else ""
        blocks.append(f"• {describe(other)}\n<i>{where(other)}</i>{detail}")
    mine = difference_line(removed["text"], [texts[name] for name in alike])
    count = "两份" if len(blocks) <= 1 else f"这 {len(blocks) + 1} 份"
    rest = "另一份" if len(blocks) <= 1 else "其余的"
    return [
        Edit(
            "♻️ <b>恢复这份通知？</b>\n"
            "知识库里有文号或标题与它相同的通知（可能是同一份通知的另一个版本）：\n\n"
            + "\n".join(blocks)
            + f"\n\n要恢复的：{describe(removed)}\n<i>{removed_where(entry, now)}</i>{mine}\n\n"
            f"恢复后{count}都会被引用，学员会同时看到它们的条款和期限。哪一份是现行的，请您对照后决定："
            "只要知识库里现有的，请按「取消」；要恢复这份，请按「仍要恢复」"
            f"（只留这份的话，恢复后在列表里删除{rest}）。",
            keyboard(
                [
                    Button("♻️ 仍要恢复", data=data("rf", key)),
                    Button("↩️ 取消", data=data("rl", 0)),
                ]
            ),
        ),
        Notice("恢复前请确认"),
    ]


async def restore(
    ctx: Context, kb: KnowledgeBase, key: str, *, confirmed: bool = False
) -> list[Reply]:
    """Bring back the removed notice behind `key`, say which it was (and under which name),
    and show the list again at the page holding it. A notice with the content of a live one
    is refused; one whose 文号 or title a live one holds is asked about first (unless
    `confirmed`: 「仍要恢复」)."""
    from knowledge import IngestError
    from knowledge.kb import NotRemoved, RestoreRefused

    lock = ctx.services.extras.setdefault(INGEST_LOCK, asyncio.Lock())
    async with lock:  # a second press waits here, then finds it restored
        entries = await asyncio.to_thread(restorable, kb)
        entry = next((e for e in entries if removed_key(e) == key), None)
        if entry is None:
            raise UserError(await asyncio.to_thread(stale_restore, ctx, kb, key))
        match = await asyncio.to_thread(live_match, kb, entry)  # what the reply then says
        before = await asyncio.to_thread(read_removed, entry)
        clash = clashing_name(kb, entry)
        try:  # `restore` makes the checks (as `guopei-bot restore` does)
            name = await asyncio.to_thread(kb.restore, entry["name"], force=confirmed)
        except NotRemoved:  # restored meanwhile by another process (`guopei-bot restore`)
            raise UserError(RESTORED) from None
        except RestoreRefused as refused:
            if refused.match.duplicate_of:
                raise UserError(
                    f"⛔ 没有恢复「{escape(entry['name'])}」：它和知识库里的"
                    f"「{escape(refused.match.duplicate_of)}」内容相同，恢复后每条都会答两遍。"
                    "知识库没有改动。"
                ) from None
            return await asyncio.to_thread(ask_to_restore, ctx, kb, key, entry, refused.match)
        except IngestError as error:
            raise UserError(
                f"❌ 没能恢复「{escape(entry['name'])}」：{escape(error.sentence)}\n"
                "知识库没有任何改动。"
            ) from None
        remember_restored(ctx, key, name)
    log.info("notice file %s restored as %s by user %s", entry["name"], name, ctx.user.id)
    files = kb.notice_files()
    names = [f["name"] for f in files]
    back = files[names.index(name)] if name in names else {**before, "name": name}
    text = (
        f"♻️ 已恢复，学员从现在起又能看到它的条款和期限。\n\n{describe(back)}\n<i>{where(back)}</i>"
    )
    renamed = name != entry["name"]
    others = {clash or entry["name"]} if renamed else set()
    if renamed:
        text += (
            f"\n⚠️ 知识库里已有同名文件「{escape(clash or entry['name'])}」"
            f"（后来上传的，仍然保留），恢复的这份另存为「{escape(name)}」。"
        )
    if match is not None and match.same_as:
        versions = [n for n in match.same_as if n not in others]
        text += "\n⚠️ " if not renamed else ""
        text += (
            f"知识库里还有文号或标题相同的{named(kb, versions)}。"
            if versions
            else "两份的文号或标题相同，可能是新旧两个版本。"
        )
        others |= set(match.same_as)
    if others:
        count = "两份" if len(others) == 1 else f"这 {len(others) + 1} 份"
        text += f"现在{count}都会被引用；只要其中一份的话，请在下面的列表里删除" + (
            "另一份。" if len(others) == 1 else "其余的。"
        )
    page = names.index(name) // PER_PAGE if name in names else 0
    listed, buttons = listing(kb, page)
    return [Edit(f"{text}\n\n{listed}", buttons), Notice("已恢复")]


# ----- a new version of a stored notice ------------------------------------------------------


def pending_dir(ctx: Context) -> Path:
    return ctx.services.settings.data_dir / "pending-notices"


def ask_to_replace(ctx: Context, path: Path, report: IngestReport) -> Send:
    """Keep the held upload for a day and ask the admin: replace the older version(s) or keep
    both."""
    folder = pending_dir(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    drop_expired(folder)
    token = secrets.token_hex(6)
    (folder / token).mkdir()
    shutil.copyfile(path, folder / token / path.name)
    meta = {"user": ctx.user.id, "name": path.name, "same_as": report.same_as, "at": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    kb = knowledge(ctx.services)
    stored = {entry["name"]: entry for entry in (kb.notice_files() if kb else [])}
    new = describe({"notices": report.notices, "shipped": False, "name": path.name})
    # Versions that read the same in the lists (title, 文号, date) are told apart by their text.
    alike = [name for name in report.same_as if name in stored and describe(stored[name]) == new]
    new_text = upload_text(path) if alike and kb else ""
    old_texts = {name: kb.live_text(name) for name in alike} if new_text and kb else {}
    new += difference_line(new_text, list(old_texts.values()))
    old = [
        f"• {describe(stored[name])}\n<i>{where(stored[name])}</i>"
        + (difference_line(old_texts[name], [new_text]) if name in old_texts else "")
        for name in report.same_as
        if name in stored
    ]
    return Send(
        f"📄 「{escape(path.name)}」与知识库里已有的通知文号或标题相同，可能是它的新版本：\n\n"
        f"新上传：{new}\n\n已有：\n" + "\n".join(old) + "\n\n"
        "<b>替换旧版本</b>：旧文件停用（连同它的期限），学员只会看到新版本。\n"
        "<b>另存为新通知</b>：两份都保留，都可能被引用。\n"
        "在您选择之前，知识库没有任何改动。",
        keyboard(
            [
                Button("🔁 替换旧版本", data=data("rp", token)),
                Button("➕ 另存为新通知", data=data("kp", token)),
            ],
            [Button("✖️ 放弃上传", data=data("cx", token))],
        ),
    )


def upload_text(path: Path) -> str:
    """The cleaned text of an uploaded file's notices, "" when it cannot be read."""
    from knowledge import IngestError
    from knowledge.kb import notices_text, parsed_documents

    try:
        return notices_text(parsed_documents(path, path.name))
    except (IngestError, OSError):
        return ""


def drop_expired(folder: Path) -> None:
    now = time.time()
    for meta in folder.glob("*.json*"):
        try:
            old = now - meta.stat().st_mtime > PENDING_SECONDS
        except OSError:
            continue
        if old:
            token = meta.name.split(".")[0]
            meta.unlink(missing_ok=True)
            shutil.rmtree(folder / token, ignore_errors=True)


def claim(ctx: Context, token: str) -> tuple[dict, Path]:
    """The held upload behind a button, claimed by this press (a second press finds nothing)."""
    if not TOKEN.fullmatch(token):
        raise UserError(UPLOAD_STALE)
    folder = pending_dir(ctx)
    meta_path, claimed = folder / f"{token}.json", folder / f"{token}.json.claimed"
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        raise UserError(UPLOAD_STALE) from None
    if meta.get("user") != ctx.user.id:
        raise UserError("这是另一位管理员上传的通知，请由上传的人决定。")
    try:
        os.rename(meta_path, claimed)
    except FileNotFoundError:  # pressed twice: the first press has it
        raise UserError(UPLOAD_STALE) from None
    if time.time() - float(meta.get("at", 0)) > PENDING_SECONDS:
        release(folder, token)
        raise UserError(UPLOAD_STALE)
    return meta, folder / token / str(meta["name"])


def release(folder: Path, token: str) -> None:
    (folder / f"{token}.json.claimed").unlink(missing_ok=True)
    shutil.rmtree(folder / token, ignore_errors=True)


async def decide_upload(ctx: Context, action: str, token: str) -> list[Reply]:
    from handlers.notice_upload import report_text
    from knowledge import IngestError

    kb = kb_or_refuse(ctx)
    meta, path = claim(ctx, token)
    folder = pending_dir(ctx)
    name = str(meta["name"])
    try:
        if action == "cx":
            return [Edit(f"已放弃上传「{escape(name)}」，知识库没有任何改动。"), Notice("已放弃")]
        same_as = [str(n) for n in meta.get("same_as", [])]
        lock = ctx.services.extras.setdefault(INGEST_LOCK, asyncio.Lock())
        async with lock:
            current = {entry["name"] for entry in kb.notice_files()}
            if action == "rp" and not set(same_as) <= current:
                raise UserError("旧版本已经被删除或替换了，这个按钮已失效。请重新发送通知文件。")
            replace = same_as if action == "rp" else []
            before = notice_marks(kb)
            try:
                reports = await asyncio.to_thread(kb.ingest, [path], replace=replace)
            except IngestError as error:
                raise UserError(
                    f"❌ 「{escape(name)}」没有加入知识库：{escape(error.sentence)}\n"
                    "知识库没有任何改动。"
                ) from None
    finally:
        release(folder, token)
    report = reports[0]
    text = report_text(kb, name, report)
    if report.replaced:
        retired = "、".join(f"「{escape(n)}」" for n in report.replaced)
        reminders = await tell_superseded(ctx, kb, before, "replaced")
        text = (
            f"🔁 已替换旧版本：{retired} 已停用（连同它的期限），学员从现在起只会看到新版本。\n"
            + (f"{reminders}\n" if reminders else "")
            + f"\n{text}"
        )
        log.info("notice %s replaced %s (user %s)", name, report.replaced, ctx.user.id)
    return [Edit(text), Notice("已替换" if report.replaced else "已加入")]
