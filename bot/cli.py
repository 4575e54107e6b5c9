"""The `guopei-bot` command line.

    guopei-bot run [--engine ptb|aiogram]      serve Telegram (console chat without BOT_TOKEN)
    guopei-bot chat [--user ID] [--role R]     the same conversation in the terminal
    guopei-bot db upgrade                      apply database migrations
    guopei-bot ingest / ask / deadlines        the knowledge base (see `--help` of each)
    guopei-bot notices / remove / restore      the notice files it answers from
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import typer.main
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from bot.cli_options import ClickException, UsageError, usage_error_text, whole_number
from bot.engines import StartupError
from bot.settings import Settings, SettingsError, load_settings

PROG = "guopei-bot"  # also under `python -m bot`: the name every message and README uses
# markdown: a docstring's wrapped lines are joined into one paragraph in --help
app = typer.Typer(
    help="国培助手 guopei-bot",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True, rich_markup_mode="markdown")
app.add_typer(db_app, name="db")


# Telegram's user ids fit in 52 bits (handlers/admin.py MAX_USER_ID).
MAX_USER_ID = 2**53 - 1
MAX_DAYS = 3650  # as the chat's /kbstats and /unanswered


class EngineChoice(StrEnum):
    ptb = "ptb"
    aiogram = "aiogram"


class RoleChoice(StrEnum):
    trainee = "trainee"
    manager = "manager"
    admin = "admin"


def settings_or_exit(**overrides: object) -> Settings:
    """Load settings; on a bad value print one clear line and exit with status 2."""
    try:
        return load_settings(**overrides)
    except SettingsError as error:
        typer.echo(f"配置错误（.env / environment）：{error}", err=True)
        raise typer.Exit(2) from None


@app.command()
def run(
    engine: Annotated[EngineChoice | None, typer.Option(help="ptb (default) or aiogram")] = None,
) -> None:
    """Serve Telegram users by long polling; without BOT_TOKEN, start the console chat."""
    from bot.logs import setup_logging

    overrides = {"bot_engine": engine.value} if engine else {}
    settings = settings_or_exit(**overrides)
    if not settings.token:
        setup_logging("WARNING", None)  # as `chat` does: log lines would interleave with it
        typer.echo(
            "未设置 BOT_TOKEN，进入离线终端对话。要连接 Telegram：在 .env 写入 "
            "BOT_TOKEN=<从 @BotFather 得到的 token>，再运行 make run。",
            err=True,
        )
        _chat(settings, user_id=1, role=None)
        return
    setup_logging(settings.log_level, settings.token)
    from bot.app import build

    services, conversation = build(settings)
    mark_served_by_bot(settings)
    if settings.bot_engine == "aiogram":
        from bot.engines import aiogram as chosen
    else:
        from bot.engines import ptb as chosen  # type: ignore[no-redef]
    chosen.run(services, conversation)


@app.command()
def chat(
    user: Annotated[
        int,
        typer.Option(
            parser=whole_number("--user", "Telegram 用户 ID", 1, MAX_USER_ID),
            help="the Telegram user id to act as",
        ),
    ] = 1,
    role: Annotated[
        RoleChoice | None,
        typer.Option(
            help="trainee|manager|admin, for this chat only; without it the user's stored role"
            " (a new user: trainee)"
        ),
    ] = None,
) -> None:
    """Talk to the bot in this terminal, offline, on the configured database (log records go
    to DATA_DIR/logs/chat.log, not between the messages)."""
    _chat(settings_or_exit(), user_id=user, role=role)


# Written into DATA_DIR by the Telegram bot: a terminal chat on that DATA_DIR then leaves the
# scheduler and the stored roles to the bot (QA20 F1, F2).
BOT_MARK = "telegram-bot.txt"
CHAT_LOG = Path("logs") / "chat.log"  # in DATA_DIR: the terminal chat's log records


def mark_served_by_bot(settings: Settings) -> None:
    """Note in DATA_DIR that a Telegram bot serves its database (see `_chat`)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    mark = settings.data_dir / BOT_MARK
    if not mark.exists():
        mark.write_text(
            "这个数据目录由 Telegram 机器人使用：guopei-bot chat 在这里不运行定时提醒、群发和"
            "问卷截止，--role 只在终端里生效。\n",
            encoding="utf-8",
        )


def _chat(settings: Settings, *, user_id: int, role: RoleChoice | None) -> None:
    """The terminal chat as `user_id`. On a database a Telegram bot serves (PostgreSQL, or a
    DATA_DIR the bot marked), it runs no reminders, broadcasts or survey closing — the bot
    does, and the terminal must never take them over — and --role holds in this process only.
    On a DATA_DIR of its own, --role is stored for the chat and put back when it ends, also on
    SIGHUP or SIGTERM (a closed terminal window). Without --role the user has their stored
    role. Log records go to DATA_DIR/logs/chat.log, never between the chat's lines."""
    from bot.app import build
    from bot.db import crud
    from bot.db.models import Role, User
    from bot.engines import console
    from bot.logs import setup_logging

    try:
        setup_logging(settings.log_level, settings.token, file=settings.data_dir / CHAT_LOG)
    except OSError:  # DATA_DIR not writable: only errors, on stderr
        setup_logging("ERROR", settings.token)
    if role is RoleChoice.admin:
        settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {user_id}})
    local = settings.database_url_resolved.startswith("sqlite")
    served = not local or (settings.data_dir / BOT_MARK).exists()
    if not local:
        typer.echo(
            "终端对话连接的是共享数据库：不运行定时提醒、群发和问卷截止，"
            "以免把发给学员的消息打印在这里。",
            err=True,
        )
    elif served:
        typer.echo(
            "这个数据目录由 Telegram 机器人使用：终端对话不运行定时提醒、群发和问卷截止"
            "（由机器人发送），--role 只在这个终端里生效。",
            err=True,
        )
    services, conversation = build(settings, background_jobs=not served)
    chosen = Role(role.value) if role is not None and role is not RoleChoice.admin else None
    if chosen is None:
        console.run(services, conversation, user_id)
        return
    if served:
        conversation.role_overrides[user_id] = chosen
        console.run(services, conversation, user_id)
        return
    with services.session() as session:
        stored = session.get(User, user_id)
        stored_role = Role(stored.role) if stored is not None else None
        crud.set_role(session, user_id=user_id, role=chosen)

    def put_back() -> None:
        with services.session() as session:
            crud.set_role(session, user_id=user_id, role=stored_role or Role.trainee)

    def on_signal(number: int, _frame: object) -> None:
        # A closed terminal window (SIGHUP) or a kill (SIGTERM): the chat's thread is blocked
        # reading the terminal, so the role is put back here and the process ends at once.
        put_back()
        os._exit(128 + number)

    previous = {number: signal.getsignal(number) for number in (signal.SIGHUP, signal.SIGTERM)}
    for number in previous:
        signal.signal(number, on_signal)
    try:
        console.run(services, conversation, user_id)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        put_back()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending Alembic migration to DATABASE_URL."""
    from bot.db.session import make_engine, upgrade

    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(make_engine(settings.database_url_resolved))
    typer.echo("数据库已是最新版本。")


def knowledge_paths() -> tuple[Path, Path]:
    """(index cache folder, uploaded notices folder) under DATA_DIR."""
    settings = settings_or_exit()
    return settings.data_dir / "index", settings.data_dir / "notices"


@app.command()
def kbstats(
    days: Annotated[
        int,
        typer.Option(
            parser=whole_number("--days", "天数", 1, MAX_DAYS),
            help="period in days, ending now (1–3650)",
        ),
    ] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Most asked clauses and notices, decline rate and 👎 rate over a period."""
    import json
    from datetime import timedelta

    from bot.db import question_crud
    from bot.db.models import utcnow
    from bot.db.session import make_engine, upgrade
    from bot.engines.console import plain
    from handlers.kbstats import kbstats_text

    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url_resolved)
    upgrade(engine)
    with Session(engine) as session:
        stats = question_crud.question_stats(session, since=utcnow() - timedelta(days=days))
    from knowledge import KnowledgeBase

    cache_dir, notices_dir = knowledge_paths()
    index = KnowledgeBase.open(cache_dir, notices_dir).stats()
    if as_json:
        typer.echo(json.dumps(stats.to_json() | {"index": index}, ensure_ascii=False))
    else:
        typer.echo(plain(kbstats_text(stats, days, index)))


def _register_feature_commands() -> None:
    from bot import cli_knowledge, cli_surveys

    cli_surveys.register(app)
    cli_knowledge.register(app, knowledge_paths)


_register_feature_commands()


def main() -> None:
    """The `guopei-bot` console script: the Typer app, with what stops a command told in one
    Chinese line (exit status 1) rather than a traceback, and a mistyped command line in one
    Chinese line naming the fix (exit status 2); an unexpected error still shows its
    traceback, with the bot token hidden."""
    try:
        status = _run(sys.argv[1:])
    except StartupError as error:
        _fail(str(error))
    except DBAPIError as error:
        _fail(
            f"连不上数据库 {_database_shown()}：{_first_line(error.orig)}\n"
            "请检查 DATABASE_URL，以及 PostgreSQL 是否在运行、数据库是否已创建。"
        )
    except OSError as error:
        _fail(_file_problem(error))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception:
        from bot.logs import RedactTokenFilter

        hide = RedactTokenFilter(os.environ.get("BOT_TOKEN"))
        typer.echo(hide.redact("guopei-bot 出错了：\n" + traceback.format_exc()), err=True)
        raise SystemExit(1) from None
    if status:
        raise SystemExit(status)


def _run(args: list[str]) -> int:
    """Run the command `args` name and give its exit status. Click's standalone mode is off so
    that its usage errors reach us to be told in Chinese; off, it returns the status of
    `typer.Exit` and `--help` instead of exiting with it."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args, prog_name=PROG, standalone_mode=False)
    except UsageError as error:
        told = usage_error_text(error, command, args, PROG)
        if told is not None:
            typer.echo(told, err=True)
        return error.exit_code
    except ClickException as error:  # none of ours: Click's own words, without a traceback
        typer.echo(f"❌ {error.format_message()}", err=True)
        return error.exit_code
    except typer.Abort:  # end of input at a prompt
        typer.echo("已中止。", err=True)
        return 1
    return result if isinstance(result, int) else 0


def _fail(message: str) -> None:
    typer.echo(f"❌ {message}", err=True)
    raise SystemExit(1)


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _database_shown() -> str:
    try:
        url = load_settings().database_url_resolved
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # the settings themselves are broken: say nothing more about the URL
        return "(DATABASE_URL)"


FILE_PROBLEMS = {
    errno.ENOENT: "文件或所在的文件夹不存在",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EISDIR: "这是一个文件夹，请写文件名",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "磁盘是只读的",
}


def _file_problem(error: OSError) -> str:
    reason = FILE_PROBLEMS.get(error.errno or 0, error.strerror or type(error).__name__)
    where = f"「{error.filename}」" if error.filename else ""
    return f"无法读写文件{where}：{reason}。请换一个路径再试。"
