"""Survey commands of the `guopei-bot` command line.

    guopei-bot survey list                          the newest surveys with their response rates
                                                    (a closed one with the time it closed; the
                                                    members who blocked the bot and so never got
                                                    it left out of the rate, and said so)
    guopei-bot survey export 3 --format xlsx        write survey_3_results.xlsx (or --output PATH)
    guopei-bot survey export 3 --format csv -o -    CSV to standard output

An anonymous survey is exported and listed with the sheets its figures count, as in the chat
(bot/surveys/results.py: in batches of 3 while it is open, never the newest 3; rows in a stable
shuffle, no times): with none counted yet it is not exported and `list` shows only its 回收率.
The trainees were told the manager sees no one's answers, and a file made here is easily passed
on to the manager. Whoever runs these commands can read the database anyway, so this keeps a
promise rather than a secret.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_options import whole_number

MAX_LISTED = 1000
MAX_SURVEY_ID = 2**31 - 1  # the ids are 32-bit INTEGER columns on PostgreSQL


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


def register(app: typer.Typer) -> None:
    """Add the `survey` command group to the CLI."""
    survey_app = typer.Typer(help="Satisfaction surveys: list and export results.",
                             no_args_is_help=True, rich_markup_mode="markdown")
    app.add_typer(survey_app, name="survey")

    @survey_app.command("list")
    def list_surveys(
        limit: Annotated[
            int,
            typer.Option(
                parser=whole_number("--limit", "问卷数", 1, MAX_LISTED),
                help=f"how many of the newest surveys (1–{MAX_LISTED})",
            ),
        ] = 20,
    ) -> None:
        """List the newest surveys: id, title, class, state, submitted/members."""
        from bot.db import survey_crud as scrud
        from bot.db.models import utcnow
        from bot.surveys.results import (
            MIN_ANONYMOUS_RESPONSES,
            compute_results,
            percent,
            rate_text,
            satisfaction_figures,
        )

        services = _services()
        with services.session() as session:
            found = scrud.all_surveys(session, limit=limit)
            if not found:
                typer.echo("还没有问卷。")
                return
            now = utcnow()
            for survey, training_class in found:
                results = compute_results(session, survey_id=survey.id, with_rows=False)  # type: ignore[arg-type]
                tz = services.settings.timezone
                if survey.closed_at is not None:  # closed (early or at its deadline): when
                    when = min(survey.closed_at, survey.closes_at).astimezone(tz)
                    state = f"已结束（{when:%Y-%m-%d %H:%M} 结束）"
                else:
                    closes = survey.closes_at.astimezone(tz)
                    state = "进行中" if survey.is_open(now) else "已截止"
                    state += f"（截止 {closes:%Y-%m-%d %H:%M}）"
                figures = (
                    f"匿名问卷满 {MIN_ANONYMOUS_RESPONSES} 份后才显示结果"
                    + ("" if results.submitted < MIN_ANONYMOUS_RESPONSES else "，结束后显示全部")
                    if results.held
                    else " · ".join(
                        f"{label} {percent(rate)}" for label, rate in satisfaction_figures(results)
                    )
                    + (f"（匿名：计入前 {results.shown} 份）" if results.partial else "")
                )
                # members who blocked the bot and never got it are out of the rate: say so
                unreached = (
                    f"（另有 {results.unreached} 人屏蔽了机器人，收不到问卷）"
                    if results.unreached
                    else ""
                )
                typer.echo(
                    f"{survey.id}\t{survey.title}\t{training_class.name}\t{state}"
                    f"\t{rate_text(results)}{unreached}\t{figures}"
                )

    @survey_app.command("export")
    def export(
        survey: Annotated[
            int,
            typer.Argument(
                parser=whole_number(
                    "", "问卷编号", 1, MAX_SURVEY_ID, "，编号见 guopei-bot survey list"
                ),
                help="the survey id (see `survey list`)",
            ),
        ],
        format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.xlsx,
        output: Annotated[
            str | None, typer.Option("--output", "-o", help="file to write; - for stdout")
        ] = None,
    ) -> None:
        """Export one survey's results as XLSX or CSV (anonymous surveys without names)."""
        from bot.surveys.export import HeldError, export_filename, to_csv, to_xlsx
        from bot.surveys.results import MIN_ANONYMOUS_RESPONSES, compute_results

        services = _services()
        with services.session() as session:
            try:
                results = compute_results(session, survey_id=survey)
            except LookupError:
                typer.echo(f"没有编号为 {survey} 的问卷。用 survey list 查看。", err=True)
                raise typer.Exit(1) from None
        tz = services.settings.timezone
        try:
            content = to_xlsx(results, tz) if format is ExportFormat.xlsx else to_csv(results, tz)
        except HeldError as held:
            typer.echo(f"没有导出问卷 {survey}：{held}", err=True)
            raise typer.Exit(1) from None
        if output == "-":
            sys.stdout.buffer.write(content)
            return
        path = Path(output) if output else Path(export_filename(results, format.value))
        path.write_bytes(content)
        partial = (
            f"（匿名问卷进行中：已提交 {results.submitted} 份，"
            f"每满 {MIN_ANONYMOUS_RESPONSES} 份更新一次，最新的几份结束后才计入）"
            if results.partial
            else ""
        )
        typer.echo(f"已导出 {results.shown} 份答卷到 {path}{partial}")


def _services():  # noqa: ANN202
    from bot.cli import settings_or_exit
    from bot.services import Services

    return Services.create(settings_or_exit())
