"""The offline console engine: the same conversation in a terminal, no network needed.

Usage: `guopei-bot chat --user 1001 --role manager`. Type a message or `/command`;
inline buttons are shown as numbered choices — type the number (e.g. `1`) to press one;
`/file PATH` sends a file from this computer (an admin's notice upload, a survey template).
A file the bot sends (a survey's 📥 XLSX / CSV, a chart) is written into DATA_DIR/exports/,
never over another file, and its path printed.

The terminal numbers its messages -1, -2, -3 … (`FIRST_MESSAGE_ID`): Telegram's are positive,
so the id of a terminal message that a handler stores in the database (a broadcast's progress
message, a survey sheet, a 问班主任 message) never names a message of the user's real chat.
The Telegram bot, on the same database, later fails to edit it (400, logged) instead of
overwriting one of its own messages that had the same small id; a broadcast's report is then
sent as a new message.

On a database a Telegram bot serves (a DATA_DIR it marked, `bot.cli.BOT_MARK`, or a shared
PostgreSQL), the terminal cannot reach anyone else: a message to another user (a 问班主任 copy
for the manager, a manager's answer for a trainee, a notice …) is refused as Telegram refuses
one it cannot deliver (`NotInThisTerminal`, a `DeliveryError`), so the handler stores it
undelivered and says so, and the terminal says to do it in Telegram (QA24 F4: a handoff was
stored as delivered, the trainee told 「✅ 已转给班主任」, and the manager never got it). On a
DATA_DIR of its own the terminal plays everyone and shows such a message as one line.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TextIO

from bot.chat import (
    DeliveryError,
    Event,
    EventKind,
    Keyboard,
    MenuScope,
    Messenger,
    SendFile,
    Sent,
)
from bot.conversation import Conversation
from bot.engines.base import perform, split_command
from bot.limits import CUT_NOTE, MAX_BUTTONS, MAX_CAPTION_UNITS, MAX_MESSAGE_UNITS, visible_length
from bot.services import Services
from bot.settings import Settings

# Files the bot sends (a survey's 📥 XLSX / CSV, a chart) are written here, in DATA_DIR.
EXPORTS = "exports"
TAGS = re.compile(r"</?(b|i|u|s|code|pre|a[^>]*)>")
# The id of the terminal's first message; each next one is one lower. Never a Telegram id (those
# are positive), and small enough for the 32-bit columns (broadcasts.progress_message_id).
FIRST_MESSAGE_ID = -1


class NotInThisTerminal(DeliveryError):
    """A message to another user that the terminal, beside a Telegram bot, cannot deliver:
    handlers treat it as Telegram refusing it (not sent, not stored as delivered)."""


# Shown in the terminal for each message to another user it refused (beside a Telegram bot).
NOT_SENT = (
    "⚠️ 发给用户 {chat_id} 的消息没有{what}：这个数据目录由 Telegram 机器人使用，终端发不出"
    "给别人的消息，{seen}。要让对方收到（问班主任、回答学员、通知等），请在 Telegram 里操作。"
)


# Said once when the chat starts beside a Telegram bot.
BESIDE_BOT = (
    "这个数据目录由 Telegram 机器人使用：发给别人的消息（问班主任、回答学员、通知等）"
    "在终端里发不出，请在 Telegram 里操作。"
)


def served_by_bot(settings: Settings) -> bool:
    """Whether a Telegram bot serves this database: a DATA_DIR the bot marked, or a database
    that is not the DATA_DIR's own SQLite file (as `bot.cli._chat` decides). Asked at each
    message to another user: a bot started after the terminal counts too."""
    from bot.cli import BOT_MARK  # bot.cli imports this module when it runs the chat

    if not settings.database_url_resolved.startswith("sqlite"):
        return True
    return (settings.data_dir / BOT_MARK).exists()


def plain(html_text: str) -> str:
    import html

    return html.unescape(TAGS.sub("", html_text))


def one_line(html_text: str, chars: int = 60) -> str:
    """A message as one line of at most `chars` characters (「…」 when cut), its lines joined
    by 「 / 」: how the terminal shows a message to another user."""
    line = " / ".join(part.strip() for part in plain(html_text).splitlines() if part.strip())
    return line[:chars] + "…" if len(line) > chars else line


def limit_warnings(
    text: str, buttons: Keyboard = (), limit: int = MAX_MESSAGE_UNITS, what: str = "消息"
) -> list[str]:
    """The lines that tell a tester a message breaks one of Telegram's limits (the terminal
    shows it whole; Telegram would refuse it, and the engines cut it as a last resort)."""
    lines = []
    units = visible_length(text)
    if units > limit:
        note = CUT_NOTE.strip()
        lines.append(
            f"⚠️ 超出 Telegram 限制：{what}长 {units} 个单位（按 UTF-16 计，上限 {limit}），"
            f"在 Telegram 上会被截断，结尾显示「{note}」"
        )
    count = sum(len(row) for row in buttons)
    if count > MAX_BUTTONS:
        lines.append(
            f"⚠️ 超出 Telegram 限制：{count} 个按钮（上限 {MAX_BUTTONS}），"
            "在 Telegram 上多出的按钮不会显示"
        )
    return lines


class ConsoleMessenger(Messenger):
    """Prints messages; remembers the buttons of each message so a number can press them.

    With `user_id`, a message to anyone else (a broadcast, a reminder or a survey the scheduler
    sends while this terminal runs it) is shown as one line, and its buttons cannot be pressed
    here: they belong to that user. When `beside_bot()` says a Telegram bot serves the
    database, such a message is not sent at all: `NotInThisTerminal` is raised, as an engine
    raises a `DeliveryError` for a message Telegram refused, and the terminal says so."""

    def __init__(
        self,
        out: TextIO,
        user_id: int | None = None,
        files_dir: Path | None = None,
        beside_bot: Callable[[], bool] | None = None,
    ) -> None:
        self.out = out
        self.user_id = user_id
        self.files_dir = files_dir
        self.beside_bot = beside_bot
        self.next_message_id = FIRST_MESSAGE_ID  # negative: never a Telegram id
        self.buttons: dict[int, list[str]] = {}
        self.last_with_buttons: int | None = None

    def _show(self, message_id: int, text: str, buttons: Keyboard, edited: bool = False) -> None:
        marker = "（已更新） " if edited else ""
        print(f"\n🤖 {marker}{plain(text)}", file=self.out)
        flat = [b for row in buttons for b in row]
        choices = []
        for number, button in enumerate(flat, start=1):
            target = button.url or ""
            print(f"   [{number}] {button.text} {target}".rstrip(), file=self.out)
            choices.append(button.data or "")
        if choices:
            self.buttons[message_id] = choices
            self.last_with_buttons = message_id
        for warning in limit_warnings(text, buttons):
            print(f"   {warning}", file=self.out)
        self.out.flush()

    def _for_someone_else(self, chat_id: int) -> bool:
        return self.user_id is not None and chat_id != self.user_id

    def _refuse_elsewhere(self, chat_id: int, text: str, edited: bool = False) -> None:
        """Raise `NotInThisTerminal` for a message to another user beside a Telegram bot,
        having shown that it was not sent, what it said, and where to do it instead."""
        if self.beside_bot is None or not self.beside_bot():
            return
        what, seen = ("更新", "对方看到的还是原来的") if edited else ("发出", "对方什么也没收到")
        print(f"\n{NOT_SENT.format(chat_id=chat_id, what=what, seen=seen)}", file=self.out)
        print(f"   （没发出的内容：{one_line(text)}）", file=self.out)
        self.out.flush()
        raise NotInThisTerminal(
            f"chat {chat_id} is not in this terminal (a Telegram bot serves it)"
        )

    def _show_elsewhere(self, chat_id: int, text: str, edited: bool = False) -> None:
        what = "更新了发给" if edited else "发给"
        print(f"\n📨 （{what}用户 {chat_id} 的消息，不在这个终端）{one_line(text)}", file=self.out)
        self.out.flush()

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        if self._for_someone_else(chat_id):
            self._refuse_elsewhere(chat_id, text)
        message_id = self.next_message_id
        self.next_message_id -= 1
        if self._for_someone_else(chat_id):
            self._show_elsewhere(chat_id, text)
        else:
            self._show(message_id, text, buttons)
        return Sent(chat_id=chat_id, message_id=message_id)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        if self._for_someone_else(chat_id):
            self._refuse_elsewhere(chat_id, text, edited=True)
        self.buttons.pop(message_id, None)
        if self._for_someone_else(chat_id):
            self._show_elsewhere(chat_id, text, edited=True)
        else:
            self._show(message_id, text, buttons, edited=True)

    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        shown = f"📎 {file.filename}（{len(file.content)} 字节）"
        if self.files_dir is not None and not self._for_someone_else(chat_id):
            try:
                path = save_file(self.files_dir, file.filename, file.content)
            except OSError as error:
                shown += f"\n⚠️ 没能保存到 {self.files_dir}：{error.strerror or error}"
            else:
                shown += f"\n已保存到：{path}"
        sent = await self.send(chat_id, escape(shown))
        if file.caption and not self._for_someone_else(chat_id):
            print(f"   {plain(file.caption)}", file=self.out)
            for warning in limit_warnings(file.caption, limit=MAX_CAPTION_UNITS, what="说明文字"):
                print(f"   {warning}", file=self.out)
        return sent

    async def download(self, file_id: str) -> bytes:
        with open(file_id, "rb") as local_file:  # in the console a "file id" is a local path
            return local_file.read()

    async def set_menu(self, scope: MenuScope) -> None:
        return None

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        if text:
            print(f"   💬 {text}", file=self.out)


SAFE_NAME = re.compile(r"[^\w.\-（）()]+")
MAX_NAME_CHARS = 80


def safe_name(filename: str) -> str:
    """A file name to write in the exports folder: no folders (「../」), no characters a file
    system or a shell would trip on (each run of them is one 「_」), no leading dot, not too
    long; 「file」 when nothing is left."""
    name = SAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).lstrip("._")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:10]
    stem = stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip("._") or "file"
    return f"{stem}.{suffix}" if suffix else stem


def save_file(folder: Path, filename: str, content: bytes) -> Path:
    """Write a file the bot sent into `folder` (created if need be) under its sanitised name,
    never over an existing file: 「survey_1_results-2.xlsx」 when that name is taken; the same
    bytes sent again (an unchanged chart) are not written twice. Its path."""
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_name(filename)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for number in range(1, 10_000):
        tail = "" if number == 1 else f"-{number}"
        path = folder / (f"{stem}{tail}.{suffix}" if suffix else f"{stem}{tail}")
        try:
            with open(path, "xb") as target:  # x: never overwrite, even in a race
                target.write(content)
        except FileExistsError:
            if path.is_file() and path.read_bytes() == content:
                return path.resolve()
            continue
        return path.resolve()
    raise FileExistsError(f"{folder} 里同名文件太多")


# The name of a user the terminal chat creates (one the database does not know yet).
NEW_USER_NAME = "终端用户"


def stored_names(services: Services, user_id: int) -> dict[str, str]:
    """The names the terminal's events carry: the stored user's own, so that a chat on the
    bot's database never renames a user of the bot (QA23 F4: a manager's broadcasts and
    标准答案 were then signed 「终端用户」); 「终端用户」 for a user it does not know yet."""
    from bot.db.models import User

    with services.session() as session:
        user = session.get(User, user_id)
        if user is None:
            return {"first_name": NEW_USER_NAME}
        return {"first_name": user.first_name or "", "last_name": user.last_name or ""}


def event_from_line(
    line: str, user_id: int, messenger: ConsoleMessenger, names: dict[str, str] | None = None
) -> Event | None:
    """Turn a typed line into an Event: a number presses a button, `/x` is a command. `names`:
    the user's first and last name (`stored_names`); a new user's by default."""
    text = line.strip()
    common = {"user_id": user_id, "chat_id": user_id, "first_name": NEW_USER_NAME}
    common |= names or {}
    if text.isdigit() and messenger.last_with_buttons is not None:
        choices = messenger.buttons.get(messenger.last_with_buttons, [])
        index = int(text) - 1
        if 0 <= index < len(choices) and choices[index]:
            return Event(
                kind=EventKind.callback,
                message_id=messenger.last_with_buttons,
                callback_id=f"console-{messenger.last_with_buttons}-{index}",
                callback_data=choices[index],
                **common,
            )
    if text.startswith("/file "):
        from bot.chat import Document

        typed = text.removeprefix("/file ").strip().strip("'\"")
        path = Path(typed).expanduser()
        if not path.is_file():
            what = "是一个文件夹，不是文件" if path.is_dir() else "不存在"
            print(
                f"\n🤖 「{typed}」{what}。/file 后面写本机上一个文件的路径，"
                "例如 /file ~/下载/通知.docx",
                file=messenger.out,
                flush=True,
            )
            return None
        size = path.stat().st_size
        document = Document(file_id=str(path), file_name=path.name, mime_type=None, size=size)
        return Event(kind=EventKind.document, document=document, **common)
    if text.startswith("/"):
        command, args = split_command(text)
        return Event(kind=EventKind.command, text=text, command=command, args=args, **common)
    return Event(kind=EventKind.text, text=text, **common)


def run(
    services: Services,
    conversation: Conversation,
    user_id: int,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    """Chat in the terminal until end of input or Ctrl-C."""
    asyncio.run(_loop(services, conversation, user_id, stdin, out))


async def _loop(
    services: Services, conversation: Conversation, user_id: int, stdin: TextIO, out: TextIO
) -> None:
    settings = services.settings
    messenger = ConsoleMessenger(
        out, user_id, settings.data_dir / EXPORTS, beside_bot=lambda: served_by_bot(settings)
    )
    services.messenger = messenger
    await services.on_started()
    print(
        "国培助手 · 离线终端对话。输入消息或 /help；按钮输入编号；"
        "/file 文件路径 发送本机文件；Ctrl-D 退出。",
        file=out,
    )
    if served_by_bot(settings):
        print(BESIDE_BOT, file=out)
    loop = asyncio.get_running_loop()
    try:
        while True:
            if stdin.isatty():
                print("\n你> ", end="", file=out, flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            event = event_from_line(line, user_id, messenger, stored_names(services, user_id))
            if event is None:
                continue
            replies = await conversation.handle(event)
            await perform(event, replies, messenger)
    finally:
        await services.on_stopping()
