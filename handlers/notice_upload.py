"""Notice upload: an admin sends (or forwards) a notice file (.txt .md .html .htm .pdf .docx,
≤ 20 MB) in a private chat, and it is ingested and answerable at once; a bad file changes
nothing. The admin reads a cleaning report (`report_text`: the notices added, what was cleaned
away). A file alike in 文号 or title to a stored notice asks whether to replace it
(handlers/notices.py `ask_to_replace`). Others are refused politely (a manager's forwarded file
is a broadcast offer instead, see handlers/broadcast.py).
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from bot.chat import DeliveryError, Reply, Send
from bot.db.models import Role
from bot.limits import MAX_MESSAGE_UNITS, shorten, visible_length
from handlers import notices
from handlers.ask import deliver, knowledge
from handlers.routing import Context, Router, UserError
from handlers.typeset import typeset
from knowledge.deadlines import misdated_report

if TYPE_CHECKING:
    from knowledge import IngestReport, KnowledgeBase

router = Router("notice_upload")  # roles per route: trainees may send files (and are refused)

REPORT_TITLES = 10  # notices an upload report names; a compilation's others are counted
TITLE_CHARS = 60  # a notice's title there, shortened keeping its tail
META_CHARS = 30  # its 文号 and date
NOTICE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
MAX_NOTICE_BYTES = 20 * 1024 * 1024
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
    stored = kb.documents()
    documents = {d["doc_id"]: d for d in stored}
    head = [f"✅ 已加入知识库：{escape(name)}"]
    if report.renamed and report.stored_as:
        head.append(renamed_line(stored, name, report.stored_as))
    head.append(f"通知 {len(report.documents)} 篇，切分为 {report.passages} 个条款段落：")
    tail = []
    removed = {category: count for category, count in report.removed.items() if count}
    if removed or report.repaired or report.simplified:
        tail.append("\n🧹 <b>清理掉的内容</b>")
        for category, count in sorted(removed.items(), key=lambda item: -item[1]):
            samples = report.samples.get(category) or []
            sample = f"（如「{escape(samples[0])}」）" if samples else ""
            tail.append(f"• {CLEANING_NAMES.get(category, escape(category))} {count} 处{sample}")
        if report.repaired:
            tail.append(f"• 修复乱码 {report.repaired} 处")
        if report.simplified:
            tail.append(f"• 繁体字转为简体 {report.simplified} 处")
    else:
        tail.append("\n🧹 没有需要清理的内容。")
    misdated = misdated_report(kb.deadlines(), report.documents, limit=5)
    if misdated:
        tail.append("\n" + "\n".join(escape(line) for line in misdated))
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


def renamed_line(stored: list[dict], name: str, stored_as: str) -> str:
    """Why the upload is kept under another name, naming the notice that has its name: the
    same name, or one only its extension tells apart (notice.txt, notice.html), which would
    name the same passages."""
    stem = Path(name).stem.casefold()
    holders = sorted(
        {
            meta["file"]
            for meta in stored
            if meta.get("file")
            and meta["file"] != stored_as
            and Path(meta["file"]).stem.casefold() == stem
        }
    )
    kept = f"这份另存为「{escape(stored_as)}」，原来的通知仍然保留。"
    same = next((held for held in holders if held.casefold() == name.casefold()), None)
    if same:
        return f"知识库里已有同名的另一份通知「{escape(same)}」，{kept}"
    if holders:
        return f"知识库里已有另一份通知「{escape(holders[0])}」，文件名与这份只差扩展名；{kept}"
    return f"文件名「{escape(name)}」已有别的通知在用，这份另存为「{escape(stored_as)}」。"


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
    lock = ctx.services.extras.setdefault(notices.INGEST_LOCK, asyncio.Lock())
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
