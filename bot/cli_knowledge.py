"""Knowledge-base commands for the `guopei-bot` CLI: ingest, ask, deadlines."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from knowledge import Answer, IngestReport, KnowledgeBase

CATEGORY_NAMES = {
    "lottery_spam": "彩票/博彩广告",
    "planted_url": "植入网址",
    "unrelated_headlines": "无关新闻标题列表",
    "site_navigation": "网站导航",
    "related_articles": "相关文章列表",
    "share_copyright_boilerplate": "分享/二维码/版权/编辑信息",
    "metadata_table": "信息公开表格(已提取为元数据)",
    "pinyin_annotation": "拼音注音",
    "mojibake_unrecoverable": "无法恢复的乱码",
    "html_remnant": "HTML 残留标签",
    "truncation_marker": "截断标记",
    "traditional_to_simplified": "繁体转简体",
}


def register(app: typer.Typer, get_paths: Callable[[], tuple[Path, Path]]) -> None:
    """Add `ingest`, `ask` and `deadlines` to `app`; get_paths() gives (cache_dir, notices_dir)."""

    def open_kb() -> KnowledgeBase:
        from knowledge import KnowledgeBase

        cache_dir, notices_dir = get_paths()
        return KnowledgeBase.open(cache_dir, notices_dir)

    @app.command("ingest")
    def ingest(
        paths: Annotated[list[Path], typer.Argument(help="通知文件 .txt .md .html .pdf .docx")],
    ) -> None:
        """Add notices to the knowledge base and show what cleaning removed."""
        from rich.progress import Progress

        console = Console()
        kb = open_kb()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("导入通知", total=len(paths))
            reports = kb.ingest(
                paths, on_progress=lambda _path: progress.advance(task), skip_bad=True
            )
        for report in reports:
            print_report(console, report)
        stats = kb.stats()
        console.print(
            f"知识库:{stats['notices']} 份通知,{stats['passages']} 个段落,"
            f"词表 {stats['vocabulary']} 词"
        )
        if any(not report.ok for report in reports):
            raise typer.Exit(code=1)

    @app.command("ask")
    def ask(
        questions: Annotated[
            list[str] | None,
            typer.Argument(help="问题(每个参数一个问题;省略则从标准输入逐行读取)"),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="每个问题输出一行 JSON")] = False,
        k: Annotated[int, typer.Option("-k", min=1, max=20, help="返回的段落数")] = 3,
    ) -> None:
        """Ask the knowledge base; with no QUESTION, read one question per line from stdin."""
        kb = open_kb()
        console = Console()
        source = questions if questions else (line.rstrip("\n") for line in sys.stdin)
        for question in source:
            if not questions and not question.strip():
                continue
            answer = kb.ask(question, k=k)
            if as_json:
                sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                print_answer(console, answer)

    @app.command("deadlines")
    def deadlines(
        as_json: Annotated[bool, typer.Option("--json", help="每条期限输出一行 JSON")] = False,
    ) -> None:
        """List the deadlines found in the notices."""
        kb = open_kb()
        console = Console()
        for deadline in kb.deadlines():
            if as_json:
                sys.stdout.write(json.dumps(deadline.to_json(), ensure_ascii=False) + "\n")
                continue
            due = deadline.due.isoformat() if deadline.due else "(相对期限)"
            console.print(f"[bold]{due}[/bold] {escape(deadline.when_text)}")
            console.print(f"  {escape(deadline.text)}")
            console.print(
                f"  [dim]{escape(deadline.title)} {escape(deadline.doc_number)} "
                f"{escape(deadline.clause)}[/dim]"
            )


def print_report(console: Console, report: IngestReport) -> None:
    """Print what one file produced and what cleaning removed from it."""
    if not report.ok:
        console.print(f"[red]✗ {escape(report.path)}[/red]:{escape(report.error or '')}")
        return
    if report.duplicate_of:
        console.print(
            f"[yellow]= {escape(report.path)}[/yellow]:与已有通知 "
            f"{escape(report.duplicate_of)} 内容相同,未重复导入"
        )
        return
    console.print(
        f"[green]✓ {escape(report.path)}[/green]:{len(report.documents)} 份通知,"
        f"{report.passages} 个段落,修复 {report.repaired} 处"
    )
    if report.renamed and report.stored_as:
        console.print(
            f"    已有同名的另一份通知,这份另存为 {escape(report.stored_as)},原来的通知仍然保留"
        )
    removed = {category: count for category, count in report.removed.items() if count}
    for category, count in sorted(removed.items(), key=lambda item: -item[1]):
        samples = ";".join(report.samples.get(category, [])[:2])
        name = CATEGORY_NAMES.get(category, category)
        console.print(f"    删除 {name} ×{count}  [dim]{escape(samples)}[/dim]")


def print_answer(console: Console, answer: Answer) -> None:
    """Print an answer with the matched words in bold and the notice cited."""
    console.print(f"[bold]问:{escape(answer.question[:200])}[/bold]")
    if answer.curated_answer:
        console.print(f"  [green]{escape(answer.curated_answer)}[/green]")
    if not answer.answered:
        console.print(f"  [yellow]无法回答({answer.reason})[/yellow]")
        return
    if not answer.confident:
        console.print("  [yellow]没有十足把握:以下条款相关,但不一定正好回答[/yellow]")
    for rank, hit in enumerate(answer.hits, start=1):
        text = escape(hit.text)
        for term in sorted(hit.matched_terms, key=len, reverse=True):
            text = text.replace(escape(term), f"[bold]{escape(term)}[/bold]")
        cite = " ".join(part for part in (hit.title, hit.doc_number, hit.date, hit.clause) if part)
        console.print(f"  {rank}. {text}")
        console.print(f"     [dim]—— {escape(cite)}(得分 {hit.score:.2f})[/dim]")
