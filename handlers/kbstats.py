"""`/kbstats [天数]` (admins): how the knowledge base does — question volume, decline and 👎
rates, handoffs, managers' answers and dismissals (「🗑 忽略」 in /unanswered, never counted as
answered), the most asked clauses and notices. Handoffs, managers' answers and dismissals count
questions, not asks: a trainee's repeats of one question answered together are one, and a
handoff not yet answered shows as 「仍在等待 N」 (`question_crud.question_stats`); the decline
and 👎 rates are shares of the asks (「提问 N 次」). `kbstats_text` is also the CLI's
`guopei-bot kbstats` report (bot/cli.py).
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from bot.chat import Reply, Send
from bot.db import question_crud
from bot.db.models import Role, utcnow
from handlers.routing import Context, Router
from handlers.typeset import typeset
from handlers.unanswered import parse_days
from knowledge.models import clause_label

router = Router("kbstats")


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def kbstats_text(stats: question_crud.QuestionStats, days: int, index: dict | None) -> str:
    """The /kbstats report (also usable by a CLI command)."""
    lines = [f"📊 <b>知识库统计</b>（最近 {days} 天）"]
    if index:
        notices = index.get("notices", index.get("documents", 0))
        lines.append(f"通知 {notices} 篇，条款段落 {index.get('passages', 0)} 个")
    lines.append(
        f"提问 {stats.total} 次：回答 {stats.answered}，未能回答 {stats.declined}"
        f"（拒答率 {percent(stats.decline_rate)}），其中标准答案 {stats.curated}"
    )
    lines.append(
        f"反馈 👍 {stats.thumbs_up} / 👎 {stats.thumbs_down}"
        f"（👎 率 {percent(stats.thumbs_down_rate)}，按已回答的问题计）"
    )
    unasked = ""
    if stats.manager_answered_unasked:  # a manager may answer from /unanswered unasked
        count = stats.manager_answered_unasked
        unasked = f"（其中 {count} 条学员没有转来，是从 /unanswered 回答的）"
    # Questions, not asks: a trainee's repeats answered together are one (question_crud).
    waiting = f"，仍在等待 {stats.handed_off_waiting}" if stats.handed_off_waiting else ""
    lines.append(
        f"转给班主任 {stats.handed_off}，班主任已回答 {stats.manager_answered}{unasked}{waiting}，"
        f"忽略 {stats.dismissed}（不算已回答）；平均查询 {stats.average_ms:.1f} ms"
    )
    if stats.top_clauses:
        lines.append("\n<b>最常被问到的条款</b>")
        for title, number, clause, count in stats.top_clauses:
            where = " · ".join(
                escape(typeset(p)) for p in (number, clause_label(clause or "")) if p
            )
            named = f"《{escape(typeset(title))}》"
            lines.append(f"• {named}{(' ' + where) if where else ''}：{count} 次")
    if stats.top_notices:
        lines.append("\n<b>最常被问到的通知</b>")
        for title, number, count in stats.top_notices:
            named = f"《{escape(typeset(title))}》"
            lines.append(f"• {named}{(' ' + escape(number)) if number else ''}：{count} 次")
    return "\n".join(lines)


@router.command("kbstats", "知识库统计", roles={Role.admin}, private_only=True)
async def kbstats(ctx: Context) -> list[Reply]:
    """Show question volume, decline and 👎 rates, and the most asked clauses and notices."""
    days = parse_days(ctx.event.args)
    with ctx.services.session() as session:
        stats = question_crud.question_stats(session, since=utcnow() - timedelta(days=days))
    kb = ctx.services.knowledge
    return [Send(kbstats_text(stats, days, kb.stats() if kb is not None else None))]
