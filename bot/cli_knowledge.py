"""Knowledge-base commands for the `guopei-bot` CLI: ingest, ask, deadlines, notices, remove,
restore.

`ask` answers from the notices alone, as the knowledge base does without a database (so it
needs none, and shows what the ranking gives); `ask --curated` first loads the managers' curated
answers from DATABASE_URL and so answers exactly as the bot does."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli_options import whole_number

if TYPE_CHECKING:
    from knowledge import Answer, Deadline, Hit, IngestReport, KnowledgeBase
    from knowledge.kb import RestoreRefused

CATEGORY_NAMES = {
    "lottery_spam": "彩票/博彩广告",
    "planted_url": "植入网址",
    "unrelated_headlines": "无关新闻标题列表",
    "site_navigation": "网站导航",
    "related_articles": "相关文章列表",
    "share_copyright_boilerplate": "分享/二维码/版权/编辑信息",
    "metadata_table": "信息公开表格（已提取为元数据）",
    "pinyin_annotation": "拼音注音",
    "mojibake_unrecoverable": "无法恢复的乱码",
    "html_remnant": "HTML 残留标签",
    "truncation_marker": "截断标记",
    "traditional_to_simplified": "繁体转简体",
}


def make_console(stderr: bool = False) -> Console:
    """A console that wraps at the terminal's width, and not at all when piped (rich would
    otherwise cut lines at 80 columns, mid-sentence)."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, soft_wrap=not stream.isatty(), highlight=False)


def decode_question(raw: bytes) -> str | None:
    """A question's bytes as text: UTF-8 (with or without a BOM), else GB18030 (what Excel
    and Notepad save on Chinese Windows); None when neither reads it. Line ends are dropped."""
    raw = raw.rstrip(b"\r\n")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding).lstrip("\ufeff").rstrip("\r")
        except UnicodeDecodeError:
            continue
    return None


def expand_paths(paths: list[Path], suffixes: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """Files to ingest: a folder gives its notice files (sorted, subfolders included, hidden
    ones left out); also what was said about folders."""
    files: list[Path] = []
    notes: list[str] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        inside = sorted(
            found
            for found in path.rglob("*")
            if found.is_file()
            and not any(part.startswith(".") for part in found.relative_to(path).parts)
        )
        wanted = [found for found in inside if found.suffix.lower() in suffixes]
        skipped = len(inside) - len(wanted)
        if not wanted:
            notes.append(
                f"✗ {escape(str(path))}：这是一个文件夹，里面没有 {' '.join(suffixes)} 文件"
            )
            continue
        note = f"文件夹 {escape(str(path))}：{len(wanted)} 个通知文件"
        if skipped:
            note += f"，跳过 {skipped} 个其他文件"
        notes.append(note)
        files += wanted
    return files, notes


def register(app: typer.Typer, get_paths: Callable[[], tuple[Path, Path]]) -> None:
    """Add `ingest`, `ask`, `deadlines`, `notices`, `remove` and `restore` to `app`;
    get_paths() gives (cache_dir, notices_dir)."""

    def open_kb() -> KnowledgeBase:
        from knowledge import KnowledgeBase

        cache_dir, notices_dir = get_paths()
        return KnowledgeBase.open(cache_dir, notices_dir)

    @app.command("ingest")
    def ingest(
        paths: Annotated[
            list[Path], typer.Argument(help="通知文件 .txt .md .html .pdf .docx，或文件夹")
        ],
        replace: Annotated[
            bool, typer.Option("--replace", help="文号或标题相同的旧版本：替换（停用旧文件）")
        ] = False,
        keep_both: Annotated[
            bool, typer.Option("--keep-both", help="文号或标题相同的旧版本：两份都保留")
        ] = False,
    ) -> None:
        """Add notices (files, or every notice file in a folder) to the knowledge base and show
        what cleaning removed. A new version of a stored notice (same 文号 or title) is added
        only with --replace or --keep-both."""
        from rich.progress import Progress

        from knowledge import KnowledgeBase

        if replace and keep_both:
            make_console(stderr=True).print("--replace 和 --keep-both 只能选一个。")
            raise typer.Exit(code=2)
        console = make_console()
        files, notes = expand_paths(paths, KnowledgeBase.SUFFIXES)
        for note in notes:
            console.print(note)
        failed = any(note.startswith("✗") for note in notes)
        if not files:
            raise typer.Exit(code=1)
        kb = open_kb()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("导入通知", total=len(files))
            reports = kb.ingest(
                files,
                on_progress=lambda _path: progress.advance(task),
                skip_bad=True,
                on_same="keep" if keep_both else "ask",
            )
            if replace:  # each held file again, retiring the stored version(s) it matches
                for number, report in enumerate(reports):
                    if report.held:
                        again = kb.ingest(
                            [Path(report.path)], skip_bad=True, replace=report.same_as
                        )
                        reports[number] = again[0]
        for report in reports:
            print_report(console, report, kb)
        stats = kb.stats()
        console.print(
            f"知识库：{stats['notices']} 份通知，{stats['passages']} 个段落，"
            f"词表 {stats['vocabulary']} 词"
        )
        if failed or any(not report.ok or report.held for report in reports):
            raise typer.Exit(code=1)

    @app.command("ask")
    def ask(
        questions: Annotated[
            list[str] | None,
            typer.Argument(help="问题（每个参数一个问题；省略则从标准输入逐行读取）"),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="每个问题输出一行 JSON")] = False,
        k: Annotated[
            int,
            typer.Option(
                "-k", parser=whole_number("-k", "段落数", 1, 20), help="返回的段落数（1–20）"
            ),
        ] = 3,
        curated: Annotated[
            bool,
            typer.Option(
                "--curated", help="先匹配班主任保存的标准答案（读 DATABASE_URL），和机器人一样"
            ),
        ] = False,
    ) -> None:
        """Ask the knowledge base; with no QUESTION, read one question per line from stdin
        (UTF-8, or GBK). Answers come from the notices; --curated matches the managers' curated
        answers first, as the bot does."""
        kb = open_kb()
        if curated:
            kb.set_curated(load_curated_pairs())
        console = make_console()
        errors = make_console(stderr=True)
        bad_lines = 0
        for number, question in enumerate(read_questions(questions), start=1):
            if question is None:
                bad_lines += 1
                errors.print(
                    f"标准输入第 {number} 行既不是 UTF-8 也不是 GBK 编码，已跳过；"
                    "请把问题另存为 UTF-8 再试。"
                )
                continue
            if not questions and not question.strip():
                continue
            answer = kb.ask(question, k=k)
            if as_json:
                write_line(json.dumps(answer_json(answer), ensure_ascii=False))
            else:
                print_answer(console, answer)
        if bad_lines:
            raise typer.Exit(code=1)

    @app.command("deadlines")
    def deadlines(
        as_json: Annotated[bool, typer.Option("--json", help="每条期限输出一行 JSON")] = False,
    ) -> None:
        """List the deadlines found in the notices: those still ahead (soonest first, then
        those without a date), then the past ones under 「已过期的」 (latest first), as the
        chat's /deadlines splits them; a body's duty says whose it is (「（教育局的任务）」).
        --json prints them in the same order, one line each."""
        from handlers.deadlines import OLD_RELATIVE_NOTE, is_past, notice_days_of, split_expired
        from knowledge.deadlines import date_error, duty_holder, written_when

        kb = open_kb()
        console = make_console()
        found = kb.deadlines()
        today = local_today()
        days = notice_days_of(kb.documents())
        ahead, past = split_expired(found, today, days)
        if as_json:
            # in the list's order: still ahead (soonest first, then undated), then the past
            # ones (latest first) (QA24 F7)
            for deadline in [*ahead, *past]:
                # The contract's fields as they are (`when_text` the notice's words, without
                # the list's 「（日期有误）」); `date_error` says what is wrong with a date the
                # calendar lacks (「2027年2月只有28天」), null for the others; `duty_holder`
                # whose duty it is when not the trainees' (「教育局」: the list's 「（教育局的
                # 任务）」), null for theirs; `expired` whether it is past as the chat's
                # /deadlines counts it (before today in BOT_TIMEZONE; a limit without a date
                # from a notice over a year old).
                data = deadline.to_json() | {"when_text": written_when(deadline)}
                data |= {
                    "date_error": date_error(deadline),
                    "duty_holder": duty_holder(deadline),
                    "expired": is_past(deadline, today, days),
                }
                write_line(json.dumps(data, ensure_ascii=False))
            return
        if not found:
            console.print("通知里没有找到带截止时间的事项。")
            return
        if ahead:
            console.print(f"[bold]还没到期的[/bold]（{len(ahead)} 项，最近的在前）")
        else:
            console.print("[bold]还没到期的[/bold]：没有")
        for deadline in ahead:
            print_deadline(console, deadline)
        if past:
            console.print(f"\n[bold]已过期的[/bold]（{len(past)} 项，最近的在前）")
            if any(d.due is None and date_error(d) is None for d in past):
                console.print(f"[dim]{escape(OLD_RELATIVE_NOTE)}[/dim]")
        for deadline in past:
            print_deadline(console, deadline, expired=True, issued=days.get(deadline.doc_id))

    @app.command("notices")
    def notices(
        as_json: Annotated[bool, typer.Option("--json", help="每个文件输出一行 JSON")] = False,
    ) -> None:
        """List the notice files answered from (uploaded first, then shipped), and the removed
        ones that `restore` can bring back."""
        kb = open_kb()
        console = make_console()
        files = kb.notice_files()
        if as_json:
            for entry in files:
                write_line(json.dumps(entry, ensure_ascii=False))
            return
        for entry in files:
            kind = "内置" if entry["shipped"] else "上传"
            console.print(f"[bold]{escape(entry['name'])}[/bold]  [dim]{kind}[/dim]")
            if entry["error"]:
                console.print(f"  [red]无法读取：{escape(entry['error'])}[/red]")
            for notice in entry["notices"]:
                parts = (notice["title"] or "未命名通知", notice["doc_number"], notice["date"])
                console.print("  " + escape(" · ".join(p for p in parts if p)))
            if not entry["notices"] and not entry["error"]:
                console.print("  （网页上的介绍文字，不是正式通知）")
        removed = kb.removed_files()
        hidden = [entry["name"] for entry in removed if entry["shipped"]]
        uploads = list(dict.fromkeys(entry["name"] for entry in removed if not entry["shipped"]))
        if hidden:
            console.print(f"已删除（隐藏）的内置通知：{escape('、'.join(hidden))}")
        if uploads:
            console.print(f"已删除的上传通知：{escape('、'.join(uploads))}")
        if removed:
            console.print("（guopei-bot restore 文件名 可恢复，也可以在机器人的 /notices 里恢复）")
        stats = kb.stats()
        console.print(f"共 {len(files)} 个文件，{stats['notices']} 份通知")

    @app.command("remove")
    def remove(
        names: Annotated[list[str], typer.Argument(help="通知文件名（见 guopei-bot notices）")],
    ) -> None:
        """Stop answering from these notice files at once (a running bot too): an uploaded
        file is moved into DATA_DIR/notices/.removed/, a shipped one hidden; `restore` undoes."""
        from knowledge import IngestError

        kb = open_kb()
        console = make_console()
        try:
            removed = kb.remove(names)
        except IngestError as error:
            make_console(stderr=True).print(
                f"✗ {escape(error.reason)}（文件名见 guopei-bot notices），没有删除任何通知"
            )
            raise typer.Exit(code=1) from None
        for name in removed:
            console.print(f"已删除 {escape(name)}：不再用它回答，它的期限也不再列出")
        console.print(f"知识库：{kb.stats()['notices']} 份通知")

    @app.command("restore")
    def restore(
        name: Annotated[str, typer.Argument(help="删除过的通知文件名")],
        force: Annotated[
            bool,
            typer.Option("--force", help="知识库里有文号或标题相同的通知时仍然恢复（两份都保留）"),
        ] = False,
    ) -> None:
        """Bring back a removed notice (a hidden shipped one, or the last removed upload of
        that name), checked as the chat's 恢复 is: refused when a live notice file has the
        same content; one whose 文号 or title a live file holds only with --force. A live file
        of that name with nothing removed is said to be in use."""
        from knowledge import IngestError
        from knowledge.kb import NotRemoved, RestoreRefused

        kb = open_kb()
        match = kb.restore_match(name) if force else None  # what the reply then says
        try:
            restored = kb.restore(name, force=force)
        except RestoreRefused as refused:
            make_console(stderr=True).print(refusal_text(kb, name, refused))
            raise typer.Exit(code=1) from None
        except NotRemoved:
            make_console(stderr=True).print(
                f"✗ 没有恢复 {escape(name)}：它没有被删除，正在使用中，不必恢复。"
                "正在使用的和已删除的通知见 guopei-bot notices。"
            )
            raise typer.Exit(code=1) from None
        except IngestError as error:
            make_console(stderr=True).print(f"✗ {escape(error.reason)}")
            raise typer.Exit(code=1) from None
        console = make_console()
        console.print(f"已恢复 {escape(restored)}；知识库：{kb.stats()['notices']} 份通知")
        if restored != name:
            console.print(
                f"    知识库里已有同名文件 {escape(name)}（仍然保留），恢复的这份另存为 "
                f"{escape(restored)}"
            )
        if match is not None and match.same_as:
            others = escape(stored_names(kb, match.same_as))
            console.print(
                f"    与 {others} 文号或标题相同，两份都会被引用；"
                "只要其中一份的话，请用 guopei-bot remove 删除另一份"
            )


def stored_names(kb: KnowledgeBase, names: list[str]) -> str:
    """Live notice files as the CLI names them: 「wl.txt（《title》 文号）、…」."""
    stored = {entry["name"]: entry for entry in kb.notice_files()}
    described = []
    for name in names:
        notices = stored.get(name, {}).get("notices") or [{}]
        title, number = notices[0].get("title"), notices[0].get("doc_number")
        named = " ".join(p for p in (f"《{title}》" if title else "", number) if p)
        described.append(f"{name}（{named}）" if named else name)
    return "、".join(described)


def refusal_text(kb: KnowledgeBase, name: str, refused: RestoreRefused) -> str:
    """Why `restore NAME` brought nothing back, and what to do."""
    match = refused.match
    if match.duplicate_of:
        return (
            f"✗ 没有恢复 {escape(name)}：它和知识库里的 "
            f"{escape(stored_names(kb, [match.duplicate_of]))} 内容相同，恢复后每条都会答两遍，"
            "不必恢复。知识库没有改动。"
        )
    return (
        f"✗ 没有恢复 {escape(name)}：知识库里的 {escape(stored_names(kb, match.same_as))} "
        "文号或标题与它相同（可能是同一份通知的另一个版本），恢复后两份都会被引用。"
        f"仍要恢复请加 --force：guopei-bot restore --force {escape(name)}。知识库没有改动。"
    )


def read_questions(arguments: list[str] | None) -> Iterator[str | None]:
    """The questions of the arguments, or of stdin's lines, as text (None: a line neither
    UTF-8 nor GBK). Arguments the shell passed in another encoding are read the same way."""
    if arguments:
        for argument in arguments:
            raw = argument.encode("utf-8", "surrogateescape")
            decoded = decode_question(raw)
            yield (
                decoded
                if decoded is not None
                else argument.encode("utf-8", "replace").decode("utf-8")
            )
        return
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream handed in (tests, embedding)
        for line in sys.stdin:
            yield line.rstrip("\r\n").lstrip("\ufeff")
        return
    for raw in stream:
        yield decode_question(raw)


def local_today() -> date:
    """Today in BOT_TIMEZONE, the day the bot's /deadlines counts from (Asia/Shanghai, its
    default, when the settings cannot be read)."""
    from bot.settings import SettingsError, load_settings

    try:
        zone = load_settings().timezone
    except SettingsError:
        zone = ZoneInfo("Asia/Shanghai")
    return datetime.now(zone).date()


def print_deadline(
    console: Console, deadline: Deadline, *, expired: bool = False, issued: date | None = None
) -> None:
    """One deadline of `deadlines`: its date (or its words), 「已过期」 first when past, whose
    duty it is as the chat says it (「（承训机构的任务）」), the duty, and the notice's title,
    文号 and clause; `issued` the day of its notice, said for a limit without a date."""
    from handlers.deadlines import duty_label
    from knowledge.deadlines import date_error, written_when
    from knowledge.models import clause_label

    error = date_error(deadline)
    mark = "[bold]已过期[/bold] " if expired else ""
    holder = escape(duty_label(deadline))
    if error is not None:
        console.print(
            f"{mark}[bold]日期有误[/bold] {escape(written_when(deadline))}"
            f"（{escape(error)}，不能据此设提醒）{holder}"
        )
    elif deadline.due is not None:
        due = deadline.due.isoformat()
        console.print(f"{mark}[bold]{due}[/bold] {escape(deadline.when_text)}{holder}")
    else:
        year = f"，{issued.year}年的通知" if issued is not None else ""
        console.print(
            f"{mark}[bold]（相对期限{year}）[/bold] {escape(deadline.when_text)}{holder}"
        )
    console.print(f"  {escape(deadline.text)}")
    console.print(
        f"  [dim]{escape(deadline.title)} {escape(deadline.doc_number)} "
        f"{escape(clause_label(deadline.clause))}[/dim]"
    )


def write_line(text: str) -> None:
    """One line of output, always valid UTF-8 (whatever stdout's own encoding is)."""
    data = (text + "\n").encode("utf-8", "replace")
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    sys.stdout.flush()
    stream.write(data)
    stream.flush()


def load_curated_pairs() -> list[tuple[int, str, str]]:
    """The managers' active curated answers, from DATABASE_URL."""
    from sqlmodel import Session

    from bot.cli import settings_or_exit
    from bot.db import question_crud
    from bot.db.session import make_engine, upgrade

    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url_resolved)
    upgrade(engine)
    with Session(engine) as session:
        return question_crud.curated_pairs(session)


def print_report(console: Console, report: IngestReport, kb: KnowledgeBase | None = None) -> None:
    """Print what one file produced, what cleaning removed from it and, with `kb`, the
    deadlines whose date the calendar lacks (`misdated_report`, QA21 F5)."""
    if not report.ok:
        console.print(f"[red]✗ {escape(report.path)}[/red]：{escape(report.error or '')}")
        return
    if report.held:
        olds = stored_names(kb, report.same_as) if kb else "、".join(report.same_as)
        console.print(
            f"[yellow]? {escape(report.path)}[/yellow]：与已有通知 {escape(olds)} "
            "文号或标题相同，可能是它的新版本，未导入。替换旧版本请加 --replace，"
            "两份都保留请加 --keep-both"
        )
        return
    if report.duplicate_of:
        console.print(
            f"[yellow]= {escape(report.path)}[/yellow]：与已有通知 "
            f"{escape(report.duplicate_of)} 内容相同，未重复导入"
        )
        return
    console.print(
        f"[green]✓ {escape(report.path)}[/green]：{len(report.documents)} 份通知，"
        f"{report.passages} 个段落，修复 {report.repaired} 处"
        + (f"，繁体字转为简体 {report.simplified} 处" if report.simplified else "")
    )
    if report.renamed and report.stored_as:
        console.print(
            "    已有另一份通知用了这个文件名（或只差扩展名），"
            f"这份另存为 {escape(report.stored_as)}，原来的通知仍然保留"
        )
    if report.replaced:
        replaced = escape("、".join(report.replaced))
        console.print(f"    替换了旧版本 {replaced}：已停用，连同它的期限")
    elif report.same_as:
        console.print(f"    与 {escape('、'.join(report.same_as))} 文号或标题相同，两份都保留")
    removed = {category: count for category, count in report.removed.items() if count}
    for category, count in sorted(removed.items(), key=lambda item: -item[1]):
        samples = "；".join(report.samples.get(category, [])[:2])
        name = CATEGORY_NAMES.get(category, category)
        console.print(f"    删除 {name} ×{count}  [dim]{escape(samples)}[/dim]")
    if kb is not None:
        from knowledge.deadlines import misdated_report

        head, *items = misdated_report(kb.deadlines(), report.documents) or [""]
        if head:
            console.print(f"    [yellow]{escape(head)}[/yellow]")
        for item in items:
            console.print(f"      {escape(item)}")


def hit_scope(hit: Hit, question: str) -> dict | None:
    """A hit's `scope` in `ask --json`: None for a notice of 国培计划 as a whole; for one about
    a single class or event, or a province's (city's, county's) own notice, its kind (培训班,
    会议, 遴选, 招标, 比赛, 地区), name (for 地区 the region: 云南省), whether the question names
    it, and the note the bot shows before the citation (None when it names it)."""
    from knowledge.scope import notice_scope, scope_note

    scope = notice_scope(hit.title)
    if scope is None:
        return None
    note = scope_note(hit.title, question, hit.doc_number)
    return {
        "kind": scope.kind,
        "name": scope.name,
        "applies_to": scope.applies_to,
        "named_in_question": note is None,
        "note": note,
    }


def answer_json(answer: Answer) -> dict:
    """`Answer.to_json()` with each hit's `scope` (`hit_scope`): the contract's fields as they
    are, one field added."""
    data = answer.to_json()
    for shown, hit in zip(data["hits"], answer.hits, strict=True):
        shown["scope"] = hit_scope(hit, answer.question)
    return data


# Input the knowledge base refuses before looking (`KnowledgeBase._reject_reason`), worded
# as the chat words it (handlers/ask.py) for someone at a terminal.
INPUT_DECLINE_REASONS = {
    "empty": "问题是空的，请在 ask 后面写上要问的内容，例如：guopei-bot ask 参训年龄有什么要求",
    "no_text": "没有看到文字内容，请用文字写出问题",
    "binary": "问题里有无法识别的字符（像是文件内容或乱码），请直接用文字输入问题",
    "too_long": "问题太长了，请用一两句话（{limit} 字以内）说明想问什么",
}


def print_answer(console: Console, answer: Answer) -> None:
    """Print an answer with the matched words in bold and the notice cited."""
    from knowledge.models import clause_label
    from knowledge.scope import scope_note

    console.print(f"[bold]问：{escape(answer.question[:200])}[/bold]")
    if answer.curated_answer:
        console.print(f"  [green]{escape(answer.curated_answer)}[/green]")
    if not answer.answered:
        from knowledge.kb import MAX_QUESTION_CHARS
        from knowledge.models import DECLINE_REASONS

        reason = answer.reason or ""
        why = DECLINE_REASONS.get(reason) or INPUT_DECLINE_REASONS.get(reason, "")
        why = why.format(limit=MAX_QUESTION_CHARS)
        console.print(f"  [yellow]无法回答：{why}（{answer.reason}）[/yellow]")
        return
    if not answer.confident:
        console.print("  [yellow]没有十足把握：以下条款相关，但不一定正好回答[/yellow]")
    for rank, hit in enumerate(answer.hits, start=1):
        text = escape(hit.text)
        for term in sorted(hit.matched_terms, key=len, reverse=True):
            text = text.replace(escape(term), f"[bold]{escape(term)}[/bold]")
        clause = clause_label(hit.clause)
        cite = " ".join(part for part in (hit.title, hit.doc_number, hit.date, clause) if part)
        if hit.heading:
            console.print(f"  {rank}. 【{escape(hit.heading)}】")
            console.print(f"     {text}")
        else:
            console.print(f"  {rank}. {text}")
        note = scope_note(hit.title, answer.question, hit.doc_number)
        if note:
            console.print(f"     [yellow]{escape(note)}[/yellow]")
        console.print(f"     [dim]—— {escape(cite)}（得分 {hit.score:.2f}）[/dim]")
