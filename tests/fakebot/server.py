"""A local fake of the Telegram Bot API, for end-to-end tests of the real bot process.

The server is an aiohttp application running in a background thread with its own event
loop; the test side (plain synchronous pytest) talks to it through :class:`FakeTelegram`.

    with FakeTelegram(token="123456:TEST-token") as tg:
        env = {"TELEGRAM_API_URL": tg.api_url, "TELEGRAM_BOT_TOKEN": tg.token}
        ...start the bot subprocess...
        tg.send_text(user_id=1001, text="/start")
        call = tg.wait_for(method="sendMessage", chat_id=1001, text_contains="欢迎")

Requests are accepted as JSON, application/x-www-form-urlencoded and multipart/form-data
(how python-telegram-bot and aiogram send them); JSON-encoded string fields are decoded.
Every request is recorded as a :class:`Call`. See README.md next to this file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import mimetypes
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["Call", "FakeTelegram", "ApiError"]

# Fields whose value is a JSON object/array in the Bot API; form encodings carry them as
# JSON strings.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "media",
        "reply_parameters",
        "menu_button",
        "results",
        "message_ids",
        "options",
        "explanation_entities",
        "question_entities",
        "permissions",
        "reaction",
        "prices",
        "input_message_content",
        "button",
        "rights",
        "suggested_post_parameters",
        "checklist",
    }
)
# Fields that are free text / identifiers and must never be coerced to int/bool/JSON.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "file_id",
        "data",
        "inline_message_id",
        "secret_token",
        "action",
        "title",
        "description",
        "short_description",
        "name",
        "language_code",
        "emoji",
        "question",
        "explanation",
        "query",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "photo",
        "document",
        "video",
        "audio",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "switch_pm_text",
        "switch_pm_parameter",
        "next_offset",
        "certificate",
        "custom_title",
    }
)
_INT_RE = re.compile(r"-?\d+\Z")
_FLOAT_RE = re.compile(r"-?\d+\.\d+\Z")

SEND_FILE_KINDS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendVoice": "voice",
    "sendAnimation": "animation",
    "sendSticker": "sticker",
    "sendVideoNote": "video_note",
}
# Methods that deliver something to a chat: subject to blocked/deactivated users.
DELIVERY_METHODS = frozenset(
    {
        "sendMessage",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "sendMediaGroup",
        "sendChatAction",
        "sendLocation",
        "sendContact",
        "sendDice",
        "sendPoll",
        "sendVenue",
        *SEND_FILE_KINDS,
    }
)

# Counted by the flood limits besides every send* method (sendChatAction excepted).
FLOOD_METHODS = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})

STATUS_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests: retry after 1",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """Raised inside a method handler: becomes an {"ok": false, ...} response."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Call:
    """One HTTP request the bot made to the fake API."""

    method: str
    params: dict
    time: float
    status: int | None
    response: Any
    files: dict[str, bytes] = field(default_factory=dict)
    index: int = -1
    file_info: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        t = self.params.get("text")
        if t is None:
            t = self.params.get("caption")
        return t

    @property
    def reply_markup(self) -> dict | None:
        rm = self.params.get("reply_markup")
        return rm if isinstance(rm, dict) else None

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        return buttons_of(self.reply_markup)

    def data_of(self, label: str) -> str:
        """The callback data of the first button whose text holds `label`."""
        for text, data in self.buttons:
            if label in text and data:
                return data
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    @property
    def message_id(self) -> int | None:
        """The message id the call acted on or created (if any)."""
        r = self.response
        if self.status == 200 and isinstance(r, dict) and "message_id" in r:
            return r["message_id"]
        return self.params.get("message_id")

    def short(self) -> str:
        text = self.text
        if text is not None and len(text) > 80:
            text = text[:77] + "..."
        parts = [f"#{self.index} {self.method} -> {self.status}"]
        if self.chat_id is not None:
            parts.append(f"chat_id={self.chat_id}")
        if "message_id" in self.params:
            parts.append(f"message_id={self.params['message_id']}")
        if text is not None:
            parts.append(f"text={text!r}")
        if self.buttons:
            parts.append(f"buttons={self.buttons}")
        if self.status != 200 and isinstance(self.response, dict):
            parts.append(f"error={self.response.get('description')!r}")
        if self.files:
            parts.append(f"files={sorted(self.files)}")
        return " ".join(parts)


def buttons_of(reply_markup: dict | None) -> list[tuple[str, str | None]]:
    if not reply_markup:
        return []
    out: list[tuple[str, str | None]] = []
    for row in reply_markup.get("inline_keyboard") or ():
        for b in row:
            value = b.get("callback_data")
            if value is None:
                value = b.get("url")
            if value is None:
                for k, v in b.items():
                    if k != "text":
                        value = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                        break
            out.append((b.get("text", ""), value))
    for row in reply_markup.get("keyboard") or ():
        for b in row:
            out.append((b if isinstance(b, str) else b.get("text", ""), None))
    return out


def _coerce(key: str, value: str) -> Any:
    if key in STRING_FIELDS:
        return value
    if key in JSON_FIELDS or (value[:1] in ("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if _INT_RE.match(value):
        return int(value)
    if _FLOAT_RE.match(value):
        return float(value)
    if value == "true" or value == "True":
        return True
    if value == "false" or value == "False":
        return False
    return value


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


# ---- Telegram's HTML (parse_mode=HTML), as the Bot API parses it (tdlib's parse_html)

HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_SPACES = " \t\r\n\v\0"  # tdlib's is_space; "\0" also stands for the end of the text
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_NAME_TOKEN = _ASCII_LETTERS | _DIGITS | {".", "-"}
# Telegram's limits, in UTF-16 code units of the visible text (after HTML parsing).
MAX_MESSAGE_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_CALLBACK_ANSWER_UNITS = 200
MAX_INLINE_BUTTONS = 100


class HtmlError(ValueError):
    """Telegram's reason for refusing an HTML text ("Unsupported start tag ...")."""


def _html_entity(text: str, pos: int) -> tuple[str, int]:
    """The character an entity at `text[pos] == "&"` stands for and the position after it, or
    ("", pos) when it is none Telegram decodes (then the "&" is shown as it is). Like tdlib:
    only &lt; &gt; &amp; &quot; and numeric references; the ";" may be left out."""
    end = pos + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        value = 0
        hexadecimal = end < n and text[end] == "x"
        end += hexadecimal
        digits = _HEX_DIGITS if hexadecimal else _DIGITS
        while end < n and text[end] in digits:
            value = value * (16 if hexadecimal else 10) + int(text[end], 16)
            end += 1
            if value >= 0x10FFFF:
                return "", pos
        if value == 0 or end - pos >= 10:
            return "", pos
        char = chr(value)
    else:
        while end < n and text[end] in _ASCII_LETTERS:
            end += 1
        char = _NAMED_ENTITIES.get(text[pos + 1 : end], "")
        if not char:
            return "", pos
    if end < n and text[end] == ";":
        end += 1
    return char, end


def parse_html(text: str) -> str:
    """The visible text of a parse_mode=HTML message, or HtmlError with Telegram's reason.

    A port of what tdlib's parse_html accepts: only the Bot API's tags (b strong i em u ins s
    strike del span class="tg-spoiler" tg-spoiler a code pre blockquote [expandable]
    tg-emoji emoji-id), each closed in order (`</>` closes the innermost); a `<` that does not
    start one, an unknown tag, an unclosed or mismatched tag is an error, with the byte offset
    (UTF-8) Telegram gives. Entities: &lt; &gt; &amp; &quot; and numeric ones; others stay as
    they are written."""
    data = text
    n = len(data)

    def at(k: int) -> str:
        return data[k] if k < n else "\0"

    def offset(k: int) -> int:
        return len(data[:k].encode("utf-8", "surrogatepass"))

    out: list[str] = []
    units = 0  # UTF-16 units of `out`, for the emptiness of a custom emoji
    open_tags: list[tuple[str, str, int]] = []  # (name, argument, units when opened)
    i = 0
    while i < n:
        char = data[i]
        if char == "&":
            decoded, after = _html_entity(data, i)
            if decoded:
                out.append(decoded)
                units += 2 if ord(decoded) > 0xFFFF else 1
                i = after
                continue
        if char != "<":
            out.append(char)
            units += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if at(i) != "/":  # a start tag
            while at(i) not in _HTML_SPACES and at(i) != ">":
                i += 1
            if at(i) == "\0":
                raise HtmlError(f"Unclosed start tag at byte offset {offset(begin)}")
            name = data[begin + 1 : i].lower()
            if name not in HTML_TAGS:
                raise HtmlError(f'Unsupported start tag "{name}" at byte offset {offset(begin)}')
            argument = ""
            while at(i) != ">":
                while at(i) != "\0" and at(i) in _HTML_SPACES:
                    i += 1
                if at(i) == ">":
                    break
                attribute_begin = i
                while at(i) not in _HTML_SPACES and at(i) not in "=>":
                    i += 1
                attribute = data[attribute_begin:i]
                if not attribute:
                    raise HtmlError(
                        f'Empty attribute name in the tag "{name}" at byte offset {offset(begin)}'
                    )
                while at(i) != "\0" and at(i) in _HTML_SPACES:
                    i += 1
                if at(i) != "=":
                    if name == "blockquote" and attribute == "expandable":
                        argument = "1"
                        continue
                    raise HtmlError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{name}" at byte offset {offset(begin)}'
                    )
                i += 1
                while at(i) != "\0" and at(i) in _HTML_SPACES:
                    i += 1
                if at(i) == "\0":
                    raise HtmlError(f'Unclosed start tag "{name}" at byte offset {offset(begin)}')
                if at(i) not in "'\"":
                    token_begin = i
                    while at(i) in _NAME_TOKEN:
                        i += 1
                    value = data[token_begin:i].lower()
                    if at(i) not in _HTML_SPACES and at(i) != ">":
                        raise HtmlError(
                            f"Unexpected end of name token at byte offset {offset(token_begin)}"
                        )
                else:
                    quote = data[i]
                    i += 1
                    pieces: list[str] = []
                    while at(i) != quote and at(i) != "\0":
                        if data[i] == "&":
                            decoded, after = _html_entity(data, i)
                            if decoded:
                                pieces.append(decoded)
                                i = after
                                continue
                        pieces.append(data[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(pieces)
                if at(i) == "\0":
                    raise HtmlError(f"Unclosed start tag at byte offset {offset(begin)}")
                if name == "a" and attribute == "href":
                    argument = value
                elif name == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value[9:]
                elif name == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value[3:]
                elif name == "tg-emoji" and attribute == "emoji-id":
                    argument = value
            if name == "span" and argument != "spoiler":
                raise HtmlError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {offset(begin)}'
                )
            open_tags.append((name, argument, units))
            i += 1  # past ">"
            continue
        # an end tag
        if not open_tags:
            raise HtmlError(f"Unexpected end tag at byte offset {offset(begin)}")
        while at(i) not in _HTML_SPACES and at(i) != ">":
            i += 1
        end_name = data[begin + 2 : i].lower()
        while at(i) != "\0" and at(i) in _HTML_SPACES:
            i += 1
        if at(i) != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {offset(begin)}")
        name, argument, opened_at = open_tags.pop()
        if end_name and end_name != name:
            raise HtmlError(
                f"Unmatched end tag at byte offset {offset(begin)}, "
                f'expected "</{name}>", found "</{end_name}>"'
            )
        custom_emoji_id = argument.isascii() and argument.isdigit() and int(argument) > 0
        if name == "tg-emoji" and units > opened_at and not custom_emoji_id:
            raise HtmlError("Invalid custom emoji identifier specified")
        i += 1  # past ">"
    if open_tags:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"')
    visible = "".join(out)
    if any(0xD800 <= ord(char) <= 0xDFFF for char in visible):
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        )
    return visible


class FakeTelegram:
    """Fake Telegram Bot API server + synchronous test-side API. Use as a context manager."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "guopei_test_bot",
        bot_first_name: str = "国培助手(测试)",
    ):
        self.token = token
        self.host = host
        self._port = port
        try:
            bot_id = int(token.split(":", 1)[0])
        except ValueError:
            bot_id = 123456
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        # ---- knobs (safe to change while running) ----
        self.blocked_users: set[int] = set()
        self.deactivated_users: set[int] = set()
        # Users who never opened the private chat: Telegram refuses to let the bot write first.
        # A message of theirs in the private chat (as after pressing Start) takes them out.
        self.never_started_users: set[int] = set()
        self.flood_limit_per_second: int | None = None
        self.flood_limit_per_chat_per_second: int | None = None
        self.honor_drop_pending_updates = False
        self.max_long_poll = 50.0
        # ---- state (guarded by self._cond) ----
        self._cond = threading.Condition(threading.Lock())
        self._calls: list[Call] = []
        self._updates: list[dict] = []  # unconfirmed updates, ascending update_id
        self._next_update_id = 100001
        self._delivered_upto = 0  # highest update_id returned by getUpdates
        self._allowed_updates: list[str] | None = None
        self._chats: dict[int | str, dict] = {}
        self._users: dict[int, dict] = {}
        self._messages: dict[int | str, dict[int, dict]] = {}
        self._next_msg_id: dict[int | str, int] = {}
        self._files: dict[str, dict] = {}  # file_id -> {"meta":..., "content": bytes}
        self._files_by_path: dict[str, bytes] = {}
        self._file_seq = itertools.count(1)
        self._cbq_seq = itertools.count(1)
        self._commands: dict[str, list] = {}
        self._menu_buttons: dict[Any, dict] = {}
        self._webhook_url = ""
        self._webhook_secret = ""
        self._webhook_task: asyncio.Task | None = None
        self._webhook_wake: asyncio.Event | None = None
        self._webhook_last_error = ""
        self._fail_next: dict[str | None, list[int]] = {}
        self._fail_downloads: list[int] = []  # statuses for the next file downloads
        self._send_window: deque[float] = deque()
        self._chat_windows: dict[Any, deque[float]] = {}
        self._stats = {
            "http_429": 0,
            "http_403": 0,
            "deliveries": 0,
            "duplicates": 0,
            "webhook_posts": 0,
            "webhook_refusals": 0,
        }
        self._delivered_texts: set[tuple[Any, str]] = set()
        self._last_activity = time.monotonic()
        # ---- server/loop ----
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._poll_waiter: asyncio.Future | None = None
        self._started = threading.Event()
        self._stopping = False
        self._start_error: BaseException | None = None
        self._handlers = self._build_handlers()

    # ================================================================ lifecycle

    @property
    def port(self) -> int:
        return self._port

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    def start(self) -> FakeTelegram:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._port))
        sock.listen(1024)
        self._port = sock.getsockname()[1]
        self._thread = threading.Thread(
            target=self._thread_main,
            args=(sock,),
            name=f"fake-telegram:{self._port}",
            daemon=True,
        )
        self._thread.start()
        self._started.wait(10)
        if self._start_error is not None:
            raise RuntimeError("fake Telegram server failed to start") from self._start_error
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None or self._thread is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        with contextlib.suppress(Exception):
            fut.result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _thread_main(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            app = web.Application(client_max_size=60 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._dispatch)
            # handler_cancellation: a long poll whose client went away (e.g. ptb cancels
            # its pending getUpdates on shutdown) ends at once instead of lingering.
            self._runner = web.AppRunner(
                app,
                access_log=None,
                shutdown_timeout=1.0,
                handle_signals=False,
                handler_cancellation=True,
            )
            loop.run_until_complete(self._runner.setup())
            site = web.SockSite(self._runner, sock, backlog=1024)
            loop.run_until_complete(site.start())
        except BaseException as e:  # noqa: BLE001
            self._start_error = e
            self._started.set()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _shutdown(self) -> None:
        self._stopping = True
        self._wake_pollers()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()

    # ================================================================ test-side: updates

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict:
        u = self._users.get(user_id)
        if u is None:
            u = {"id": user_id, "is_bot": False, "first_name": first_name or "张老师"}
            self._users[user_id] = u
        if first_name is not None:
            u["first_name"] = first_name
        if username is not None:
            u["username"] = username
        if language_code:
            u["language_code"] = language_code
        return u

    def _chat(
        self, chat_id: int | str, chat_type: str | None = None, user: dict | None = None
    ) -> dict:
        c = self._chats.get(chat_id)
        if c is None:
            if chat_type is None:
                chat_type = (
                    "private"
                    if isinstance(chat_id, int) and chat_id > 0
                    else ("supergroup" if isinstance(chat_id, int) else "channel")
                )
            c = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                src = user or self._users.get(chat_id) or {"first_name": "用户"}
                c["first_name"] = src.get("first_name", "用户")
                if src.get("username"):
                    c["username"] = src["username"]
            else:
                c["title"] = f"测试群 {chat_id}"
            self._chats[chat_id] = c
        elif user is not None and c["type"] == "private":
            c["first_name"] = user.get("first_name", c.get("first_name", "用户"))
            if user.get("username"):
                c["username"] = user["username"]
        return c

    def _alloc_message_id(self, chat_id: int | str) -> int:
        n = self._next_msg_id.get(chat_id, 1)
        self._next_msg_id[chat_id] = n + 1
        return n

    def _queue(self, update: dict) -> int:
        """Assign an update_id and queue it (lock must be held)."""
        uid = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": uid, **update}
        self._updates.append(update)
        self._cond.notify_all()
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._wake_pollers)
        return uid

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        first_name: str | None,
        username: str | None,
        **content: Any,
    ) -> dict:
        user = self._user(user_id, first_name, username)
        cid = user_id if chat_id is None else chat_id
        chat = self._chat(cid, chat_type, user)
        if chat["type"] == "private":
            self.never_started_users.discard(user_id)  # they opened the chat with the bot
        msg = {
            "message_id": self._alloc_message_id(cid),
            "from": dict(user),
            "chat": dict(chat),
            "date": int(time.time()),
            **content,
        }
        self._messages.setdefault(cid, {})[msg["message_id"]] = msg
        return dict(msg)

    def queue_update(self, update: dict) -> int:
        """Queue an arbitrary update (without update_id); returns the update_id."""
        with self._cond:
            return self._queue(update)

    def send_text(
        self,
        user_id: int,
        text: str,
        first_name: str | None = "张老师",
        chat_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """Queue a text message from a user (with `reply_to_message_id`, Telegram's 「回复」 to
        that message of the chat); returns the update_id."""
        content: dict[str, Any] = {"text": text}
        m = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if m:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(m.group(0))}
            ]
        with self._cond:
            if reply_to_message_id is not None:
                cid = user_id if chat_id is None else chat_id
                orig = self._messages.get(cid, {}).get(reply_to_message_id)
                if orig is not None:  # as Telegram: without the replied message's own reply
                    content["reply_to_message"] = {
                        k: v for k, v in orig.items() if k != "reply_to_message"
                    }
            msg = self._user_message(user_id, chat_id, chat_type, first_name, username, **content)
            return self._queue({"message": msg})

    def edit_text(
        self, user_id: int, text: str, message_id: int | None = None, chat_id: int | None = None
    ) -> int:
        """The user edits a text message of theirs (by default their last one in the chat):
        queue an `edited_message` update carrying it with the new text and an `edit_date`, as
        Telegram does; returns the update_id."""
        cid = user_id if chat_id is None else chat_id
        with self._cond:
            theirs = {
                number: msg
                for number, msg in self._messages.get(cid, {}).items()
                if msg.get("from", {}).get("id") == user_id
            }
            number = max(theirs, default=None) if message_id is None else message_id
            msg = theirs.get(number) if number is not None else None
            if msg is None:
                raise AssertionError(f"user {user_id} has no message {message_id} in {cid}")
            msg["text"] = text
            msg.pop("entities", None)
            m = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
            if m:
                msg["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": _utf16_len(m.group(0))}
                ]
            msg["edit_date"] = int(time.time())
            return self._queue({"edited_message": dict(msg)})

    def forward_text(
        self,
        user_id: int,
        text: str,
        from_chat_id: int,
        first_name: str | None = None,
        chat_id: int | None = None,
        entities: list[dict] | None = None,
    ) -> int:
        """Queue a message forwarded by the user (from a channel if from_chat_id < 0), with
        the Bot API's `entities` (e.g. a `text_link`) if given."""
        now = int(time.time())
        if from_chat_id < 0:
            origin = {
                "type": "channel",
                "date": now,
                "message_id": 1,
                "chat": {"id": from_chat_id, "type": "channel", "title": f"频道 {from_chat_id}"},
            }
        else:
            with self._cond:
                sender = dict(self._user(from_chat_id))
            origin = {"type": "user", "date": now, "sender_user": sender}
        with self._cond:
            extra = {"entities": entities} if entities else {}
            msg = self._user_message(
                user_id,
                chat_id,
                "private",
                first_name,
                None,
                text=text,
                forward_origin=origin,
                **extra,
            )
            return self._queue({"message": msg})

    def register_file(
        self,
        content: bytes,
        filename: str = "file.bin",
        mime_type: str | None = None,
        kind: str = "documents",
    ) -> dict:
        """Register downloadable bytes; returns the File-like meta (file_id, file_path...)."""
        with self._cond:
            return self._register_file(content, filename, mime_type, kind)

    def _register_file(
        self, content: bytes, filename: str, mime_type: str | None, kind: str
    ) -> dict:
        n = next(self._file_seq)
        file_id = f"FAKE{kind[:3].upper()}{n:06d}{secrets.token_hex(4)}"
        ext = ""
        if "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        meta = {
            "file_id": file_id,
            "file_unique_id": f"U{n:06d}",
            "file_size": len(content),
            "file_path": f"{kind}/file_{n}{ext}",
            "file_name": filename,
            "mime_type": mime_type
            or mimetypes.guess_type(filename)[0]
            or "application/octet-stream",
        }
        self._files[file_id] = {"meta": meta, "content": content}
        self._files_by_path[meta["file_path"]] = content
        return meta

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        first_name: str | None = None,
    ) -> int:
        """Register a file and queue a message with it as document; returns the update_id."""
        with self._cond:
            meta = self._register_file(content, filename, mime_type, "documents")
            doc = {
                k: meta[k]
                for k in ("file_id", "file_unique_id", "file_name", "mime_type", "file_size")
            }
            content_d: dict[str, Any] = {"document": doc}
            if caption is not None:
                content_d["caption"] = caption
            msg = self._user_message(user_id, chat_id, "private", first_name, None, **content_d)
            return self._queue({"message": msg})

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        chat_id: int | None = None,
        check: bool = True,
        first_name: str | None = None,
    ) -> str:
        """Queue a callback_query for a button of a message the bot sent.

        With check=True the message must currently show a button with this callback_data.
        Returns the callback query id.
        """
        cid = user_id if chat_id is None else chat_id
        with self._cond:
            msg = self._messages.get(cid, {}).get(message_id)
            if msg is None:
                raise AssertionError(
                    f"press_button: no message {message_id} in chat {cid}; known: "
                    f"{sorted(self._messages.get(cid, {}))}"
                )
            if check:
                datas = [v for _, v in buttons_of(msg.get("reply_markup"))]
                if data not in datas:
                    raise AssertionError(
                        f"press_button: message {message_id} in chat {cid} has no button "
                        f"with callback_data {data!r}; buttons: "
                        f"{buttons_of(msg.get('reply_markup'))}"
                    )
            user = self._user(user_id, first_name)
            qid = f"{user_id}{next(self._cbq_seq):08d}"
            cq = {
                "id": qid,
                "from": dict(user),
                "message": dict(msg),
                "chat_instance": str(abs(hash((cid, "ci"))) % 10**12),
                "data": data,
            }
            self._queue({"callback_query": cq})
            return qid

    # ================================================================ test-side: inspection

    def mark(self) -> int:
        with self._cond:
            return len(self._calls)

    def calls(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        after: int | None = None,
        ok: bool | None = None,
    ) -> list[Call]:
        with self._cond:
            src = self._calls[after:] if after else list(self._calls)
        return [c for c in src if self._match(c, method, chat_id, None, ok, None)]

    @staticmethod
    def _match(
        c: Call,
        method: str | None,
        chat_id: Any,
        text_contains: str | None,
        ok: bool | None,
        predicate: Callable[[Call], bool] | None,
    ) -> bool:
        if method is not None and c.method != method:
            return False
        if chat_id is not None and c.chat_id != chat_id:
            return False
        if ok is not None and (c.status == 200) != ok:
            return False
        if text_contains is not None and text_contains not in (c.text or ""):
            return False
        return predicate is None or bool(predicate(c))

    def say(
        self, user_id: int, text: str, expected: str, first_name: str = "张老师"
    ) -> Call:
        """Send `text` in `user_id`'s private chat and wait for the bot's message to them
        holding `expected`."""
        mark = self.mark()
        self.send_text(user_id=user_id, text=text, first_name=first_name)
        return self.wait_for(
            method="sendMessage", chat_id=user_id, text_contains=expected, after=mark
        )

    def tap(
        self, user_id: int, call: Call, label: str, expected: str, method: str = "editMessageText"
    ) -> Call:
        """Press the button holding `label` on the bot's message `call` as `user_id`, and
        wait for the bot's `method` call to them holding `expected`."""
        mark = self.mark()
        self.press_button(user_id=user_id, message_id=call.message_id, data=call.data_of(label))
        return self.wait_for(method=method, chat_id=user_id, text_contains=expected, after=mark)

    def wait_for(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        text_contains: str | None = None,
        timeout: float = 10.0,
        after: int | None = None,
        ok: bool | None = None,
        predicate: Callable[[Call], bool] | None = None,
    ) -> Call:
        """Block until a matching call (index >= after) is recorded; return the first one."""
        deadline = time.monotonic() + timeout
        pos = after or 0
        in_flight: list[Call] = []  # long polls still pending: re-checked when they end
        with self._cond:
            while True:
                for c in list(in_flight):
                    if c.status is not None:
                        in_flight.remove(c)
                        if self._match(c, method, chat_id, text_contains, ok, predicate):
                            return c
                while pos < len(self._calls):
                    c = self._calls[pos]
                    pos += 1
                    if self._match(c, method, chat_id, text_contains, ok, predicate):
                        return c
                    if c.status is None:
                        in_flight.append(c)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            recent = self._calls[-25:]
        want = ", ".join(
            f"{k}={v!r}"
            for k, v in (
                ("method", method),
                ("chat_id", chat_id),
                ("text_contains", text_contains),
                ("after", after),
                ("ok", ok),
                ("predicate", predicate),
            )
            if v is not None
        )
        lines = "\n".join("  " + c.short() for c in recent) or "  (no calls at all)"
        raise AssertionError(
            f"timed out after {timeout}s waiting for a call with {want}.\n"
            f"Recent calls (of {len(self._calls)}):\n{lines}\n"
            f"Pending updates: {self.pending_updates()}"
        )

    def wait_until(self, predicate: Callable[[FakeTelegram], bool], timeout: float = 10.0) -> None:
        """Block until predicate(self) is true; re-evaluated after every call/update."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                # predicate may use the public API (which takes the lock): release it.
                self._cond.release()
                try:
                    if predicate(self):
                        return
                finally:
                    self._cond.acquire()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(min(remaining, 0.5))
        recent = "\n".join("  " + c.short() for c in self.calls()[-25:])
        raise AssertionError(
            f"timed out after {timeout}s in wait_until({predicate!r}).\nRecent calls:\n{recent}"
        )

    def pending_updates(self) -> int:
        with self._cond:
            return sum(1 for u in self._updates if u["update_id"] > self._delivered_upto)

    def wait_idle(self, timeout: float = 10.0, quiet: float = 0.3) -> None:
        """Wait until all queued updates were fetched and no call came for `quiet` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                pending = any(u["update_id"] > self._delivered_upto for u in self._updates)
                if not pending and now - self._last_activity >= quiet:
                    return
                remaining = deadline - now
                if remaining <= 0:
                    break
                wait = remaining if pending else min(remaining, self._last_activity + quiet - now)
                self._cond.wait(max(wait, 0.001))
        raise AssertionError(
            f"not idle after {timeout}s: pending updates={self.pending_updates()}; "
            "recent calls:\n" + "\n".join("  " + c.short() for c in self.calls()[-25:])
        )

    def messages_in_chat(self, chat_id: int | str) -> dict[int, dict]:
        """Current state (after edits/deletes) of messages the bot sent to the chat."""
        bot_id = self.bot_user["id"]
        with self._cond:
            return {
                mid: json.loads(json.dumps(m))
                for mid, m in self._messages.get(chat_id, {}).items()
                if m.get("from", {}).get("id") == bot_id
            }

    def all_messages_in_chat(self, chat_id: int | str) -> dict[int, dict]:
        """Like messages_in_chat, including the users' messages."""
        with self._cond:
            return {
                mid: json.loads(json.dumps(m))
                for mid, m in self._messages.get(chat_id, {}).items()
            }

    def fail_next(self, method: str | None, status: int = 502, count: int = 1) -> None:
        """The next `count` calls of `method` (None = any method) get HTTP `status`."""
        with self._cond:
            self._fail_next.setdefault(method, []).extend([status] * count)

    def fail_next_download(self, status: int = 502, count: int = 1) -> None:
        """The next `count` file downloads (`/file/bot<token>/<path>`, after getFile) get HTTP
        `status`; `fail_next("getFile")` fails the getFile call before them."""
        with self._cond:
            self._fail_downloads.extend([status] * count)

    def stats(self) -> dict:
        with self._cond:
            per_method: dict[str, int] = {}
            for c in self._calls:
                per_method[c.method] = per_method.get(c.method, 0) + 1
            return {
                "calls": per_method,
                "total_calls": len(self._calls),
                "http_429": self._stats["http_429"],
                "http_403": self._stats["http_403"],
                "deliveries": self._stats["deliveries"],
                "unique_deliveries": len(self._delivered_texts),
                "duplicates": self._stats["duplicates"],
                "webhook_posts": self._stats["webhook_posts"],
                "webhook_refusals": self._stats["webhook_refusals"],
                "pending_updates": sum(
                    1 for u in self._updates if u["update_id"] > self._delivered_upto
                ),
            }

    def get_file_bytes(self, file_id: str) -> bytes:
        with self._cond:
            return self._files[file_id]["content"]

    # ================================================================ HTTP layer

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/bot"):
            rest = path[4:]
            token, _, method = rest.partition("/")
            return await self._api(request, token, method)
        if path.startswith("/file/bot"):
            token, _, file_path = path[9:].partition("/")
            if token != self.token:
                return self._json(401, ApiError(401, "Unauthorized").body())
            with self._cond:
                content = self._files_by_path.get(file_path)
                failure = self._fail_downloads.pop(0) if self._fail_downloads else None
            if failure is not None:
                desc = STATUS_DESCRIPTIONS.get(failure, f"Error {failure}")
                return self._json(failure, ApiError(failure, desc).body())
            if content is None:
                return self._json(404, ApiError(404, "Not Found").body())
            return web.Response(body=content, content_type="application/octet-stream")
        if path.startswith("/_fake/"):
            return await self._control(request, path[7:])
        return self._json(404, ApiError(404, "Not Found").body())

    @staticmethod
    def _json(status: int, body: Any) -> web.Response:
        return web.Response(
            status=status,
            body=json.dumps(body, ensure_ascii=False).encode(),
            content_type="application/json",
        )

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict, dict[str, bytes], dict[str, dict]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        info: dict[str, dict] = {}
        if request.query_string:
            for k, v in request.query.items():
                params[k] = _coerce(k, v)
        if request.body_exists:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.read()
                data = json.loads(body) if body else {}
                if isinstance(data, dict):
                    for k, v in data.items():
                        if isinstance(v, str) and k in JSON_FIELDS:
                            v = _coerce(k, v)
                        params[k] = v
            elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
                form = await request.post()
                for k, v in form.items():
                    if isinstance(v, str):
                        params[k] = _coerce(k, v)
                    else:  # FileField
                        files[k] = v.file.read()
                        info[k] = {"filename": v.filename, "content_type": v.content_type}
            else:
                body = await request.read()
                if body:
                    try:
                        data = json.loads(body)
                        if isinstance(data, dict):
                            params.update(data)
                    except ValueError:
                        pass
        # aiogram/ptb reference uploads as "attach://name": expose them under the field too.
        if files:
            for k, v in list(params.items()):
                if isinstance(v, str) and v.startswith("attach://"):
                    name = v[9:]
                    if name in files and k not in files:
                        files[k] = files[name]
                        info[k] = info[name]
        return params, files, info

    async def _api(self, request: web.Request, token: str, method: str) -> web.Response:
        try:
            params, files, info = await self._read_params(request)
        except Exception as e:  # noqa: BLE001
            params, files, info = {}, {}, {}
            err = _bad(f"can't parse request: {e}")
            self._record(method, params, files, info, err.status, err.body())
            return self._json(err.status, err.body())
        entry = self._handlers.get(method.lower())
        canonical = entry[0] if entry else method
        if token != self.token:
            err = ApiError(401, "Unauthorized")
            self._record(canonical, params, files, info, 401, err.body())
            return self._json(401, err.body())
        if entry is None:
            err = ApiError(404, "Not Found: method not found")
            self._record(canonical, params, files, info, 404, err.body())
            return self._json(404, err.body())
        if canonical == "getUpdates":
            return await self._get_updates(params)
        handler = entry[1]
        with self._cond:
            try:
                self._pre_checks(canonical, params)
                result = handler(params, files, info)
                status, body = 200, {"ok": True, "result": result}
            except ApiError as e:
                status, body = e.status, e.body()
                if status == 429:
                    self._stats["http_429"] += 1
                elif status == 403:
                    self._stats["http_403"] += 1
            except Exception as e:  # noqa: BLE001 - malformed params: answer, record
                err = _bad(f"{type(e).__name__}: {e}")
                status, body = err.status, err.body()
            self._record_locked(
                canonical, params, files, info, status, body["result"] if status == 200 else body
            )
            # serialize under the lock: stored messages may be edited concurrently
            return self._json(status, body)

    def _record(
        self, method: str, params: dict, files: dict, info: dict, status: int | None, response: Any
    ) -> Call:
        with self._cond:
            return self._record_locked(method, params, files, info, status, response)

    def _record_locked(
        self, method: str, params: dict, files: dict, info: dict, status: int | None, response: Any
    ) -> Call:
        now = time.monotonic()
        c = Call(method, params, now, status, response, files, len(self._calls), info)
        self._calls.append(c)
        if method != "getUpdates":
            self._last_activity = now
        self._cond.notify_all()
        return c

    def _pre_checks(self, method: str, params: dict) -> None:
        """Injected failures, blocked users and flood control (lock held)."""
        if self._fail_next:
            for key in (method, None):
                q = self._fail_next.get(key)
                if q:
                    status = q.pop(0)
                    if not q:
                        del self._fail_next[key]
                    desc = STATUS_DESCRIPTIONS.get(status, f"Error {status}")
                    raise ApiError(status, desc, {"retry_after": 1} if status == 429 else None)
        if method in DELIVERY_METHODS:
            chat_id = params.get("chat_id")
            if chat_id in self.blocked_users:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id in self.deactivated_users:
                raise ApiError(403, "Forbidden: user is deactivated")
            if chat_id in self.never_started_users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if method in FLOOD_METHODS or (method.startswith("send") and method != "sendChatAction"):
            now = time.monotonic()
            limit = self.flood_limit_per_second
            if limit is not None:
                w = self._send_window
                while w and w[0] <= now - 1.0:
                    w.popleft()
                if len(w) >= limit:
                    retry = max(1, math.ceil(w[0] + 1.0 - now))
                    raise ApiError(
                        429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                    )
            climit = self.flood_limit_per_chat_per_second
            cw = None
            if climit is not None:
                cw = self._chat_windows.setdefault(params.get("chat_id"), deque())
                while cw and cw[0] <= now - 1.0:
                    cw.popleft()
                if len(cw) >= climit:
                    retry = max(1, math.ceil(cw[0] + 1.0 - now))
                    raise ApiError(
                        429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                    )
            if limit is not None:
                self._send_window.append(now)
            if cw is not None:
                cw.append(now)

    # ---------------------------------------------------------------- getUpdates

    def _wake_pollers(self) -> None:
        w = self._poll_waiter
        if w is not None and not w.done():
            w.set_result(None)
        if self._webhook_wake is not None:
            self._webhook_wake.set()

    # ---------------------------------------------------------------- webhook

    async def _deliver_to_webhook(self) -> None:
        """While a webhook is set, post the queued updates to it one at a time, in order, with
        the secret_token header, as Telegram does. An update leaves the queue only when the bot
        answers 200; a refusal or an unreachable bot is retried, so nothing is lost."""
        import aiohttp

        assert self._webhook_wake is not None
        async with aiohttp.ClientSession() as client:
            while not self._stopping:
                self._webhook_wake.clear()
                with self._cond:
                    url, secret = self._webhook_url, self._webhook_secret
                    pending = self._select_updates(1) if url else []
                if not pending:
                    await self._webhook_wake.wait()
                    continue
                update = pending[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                try:
                    async with client.post(
                        url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(60)
                    ) as response:
                        error = "" if response.status == 200 else f"HTTP {response.status}"
                except (TimeoutError, aiohttp.ClientError) as failure:
                    error = f"{type(failure).__name__}: {failure}"
                with self._cond:
                    self._stats["webhook_posts"] += 1
                    if error:
                        self._stats["webhook_refusals"] += 1
                        self._webhook_last_error = error
                    else:
                        uid = update["update_id"]
                        self._updates = [u for u in self._updates if u["update_id"] != uid]
                        self._delivered_upto = max(self._delivered_upto, uid)
                        self._last_activity = time.monotonic()
                    self._cond.notify_all()
                if error:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._webhook_wake.wait(), 0.2)

    async def _get_updates(self, params: dict) -> web.Response:
        with self._cond:
            call = self._record_locked("getUpdates", params, {}, {}, None, None)
        my_waiter: asyncio.Future | None = None
        try:
            if self._fail_next:
                with self._cond:
                    self._pre_checks("getUpdates", params)
            if self._webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is "
                    "active; use deleteWebhook to delete the webhook first",
                )
            offset = params.get("offset")
            limit = params.get("limit") or 100
            limit = max(1, min(int(limit), 100))
            timeout = min(float(params.get("timeout") or 0), self.max_long_poll)
            allowed = params.get("allowed_updates")
            deadline = time.monotonic() + timeout
            # A newer getUpdates terminates an older pending one (as Telegram does).
            old = self._poll_waiter
            my_waiter = asyncio.get_running_loop().create_future()
            self._poll_waiter = my_waiter
            if old is not None and not old.done():
                old.set_exception(
                    ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                )
            while True:
                with self._cond:
                    if allowed is not None:
                        self._allowed_updates = allowed or None
                    if isinstance(offset, int) and offset != 0:
                        if offset > 0:
                            self._updates = [u for u in self._updates if u["update_id"] >= offset]
                        else:
                            self._updates = self._updates[offset:]
                    result = self._select_updates(limit)
                    if result:
                        self._delivered_upto = max(self._delivered_upto, result[-1]["update_id"])
                        self._last_activity = time.monotonic()
                        call.status, call.response = 200, result
                        self._cond.notify_all()
                        # serialize under the lock (messages inside may be edited meanwhile)
                        return self._json(200, {"ok": True, "result": result})
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                if my_waiter.done():
                    my_waiter.result()  # raises the conflict error, if any
                    my_waiter = asyncio.get_running_loop().create_future()
                    self._poll_waiter = my_waiter
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(my_waiter), remaining)
                if self._stopping:
                    break
        except ApiError as e:
            with self._cond:
                call.status, call.response = e.status, e.body()
                self._cond.notify_all()
            return self._json(e.status, e.body())
        except asyncio.CancelledError:
            # The client closed the connection while the long poll was pending.
            with self._cond:
                if call.status is None:
                    call.status = 499
                    call.response = {
                        "ok": False,
                        "error_code": 499,
                        "description": "client closed the long poll request",
                    }
                self._cond.notify_all()
            raise
        finally:
            if my_waiter is not None and self._poll_waiter is my_waiter:
                self._poll_waiter = None
        with self._cond:
            call.status, call.response = 200, []
            self._cond.notify_all()
        return self._json(200, {"ok": True, "result": []})

    def _select_updates(self, limit: int) -> list[dict]:
        allowed = self._allowed_updates
        out = []
        for u in self._updates:
            if allowed is not None and not any(k in u for k in allowed):
                continue
            out.append(u)
            if len(out) >= limit:
                break
        return out

    # ================================================================ Bot API methods

    def _build_handlers(self) -> dict[str, tuple[str, Callable]]:
        h: dict[str, Callable] = {
            "getMe": lambda p, f, i: dict(self.bot_user),
            "logOut": self._true,
            "close": self._true,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_menu_button,
            "getChatMenuButton": self._get_menu_button,
            "setMyDescription": self._true,
            "setMyShortDescription": self._true,
            "setMyName": self._true,
            "getMyName": lambda p, f, i: {"name": self.bot_user["first_name"]},
            "getMyDescription": lambda p, f, i: {"description": ""},
            "getMyShortDescription": lambda p, f, i: {"short_description": ""},
            "sendChatAction": self._true,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatMemberCount": lambda p, f, i: 2,
            "pinChatMessage": self._true,
            "unpinChatMessage": self._true,
            "unpinAllChatMessages": self._true,
            "leaveChat": self._true,
            "setMessageReaction": self._true,
            "getFile": self._get_file,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "sendMediaGroup": self._send_media_group,
            "sendLocation": self._send_simple("location"),
            "sendContact": self._send_simple("contact"),
            "sendDice": self._send_simple("dice"),
            "getUpdates": self._true,  # handled specially
        }
        for method, kind in SEND_FILE_KINDS.items():
            h[method] = self._make_send_file(kind)
        return {name.lower(): (name, fn) for name, fn in h.items()}

    @staticmethod
    def _true(p: dict, f: dict, i: dict) -> bool:
        return True

    @staticmethod
    def _answer_callback_query(p: dict, f: dict, i: dict) -> bool:
        text = p.get("text")
        if text is not None and _utf16_len(str(text)) > MAX_CALLBACK_ANSWER_UNITS:
            raise _bad("MESSAGE_TOO_LONG")
        return True

    def _delete_webhook(self, p: dict, f: dict, i: dict) -> bool:
        self._webhook_url = ""
        if p.get("drop_pending_updates") and self.honor_drop_pending_updates:
            self._delivered_upto = self._next_update_id - 1
            self._updates.clear()
        return True

    def _set_webhook(self, p: dict, f: dict, i: dict) -> bool:
        self._webhook_url = str(p.get("url") or "")
        self._webhook_secret = str(p.get("secret_token") or "")
        if p.get("allowed_updates") is not None:
            self._allowed_updates = p["allowed_updates"] or None
        if self._webhook_task is None:  # runs on the server's loop
            self._webhook_wake = asyncio.Event()
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_to_webhook())
        self._webhook_wake.set()
        return True

    def _get_webhook_info(self, p: dict, f: dict, i: dict) -> dict:
        error = self._webhook_last_error
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
            **({"last_error_message": error} if error else {}),
        }

    # ---- helpers

    def _target_chat(self, p: dict) -> dict:
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, str) and not chat_id.startswith("@"):
            raise _bad("chat not found")
        return self._chat(chat_id)

    def _check_markup(self, p: dict) -> dict | None:
        rm = p.get("reply_markup")
        if rm is None:
            return None
        if not isinstance(rm, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in rm:
            kb = rm["inline_keyboard"]
            if not isinstance(kb, list) or not all(isinstance(r, list) for r in kb):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup should '
                    "be an Array of Arrays"
                )
            if sum(len(row) for row in kb) > MAX_INLINE_BUTTONS:
                raise _bad("reply markup is too long")
            for row in kb:
                for b in row:
                    if not isinstance(b, dict) or not b.get("text"):
                        raise _bad("can't parse inline keyboard button: text is empty")
                    if len(b) < 2:
                        raise _bad(
                            "can't parse inline keyboard button: Text buttons are "
                            "unallowed in the inline keyboard"
                        )
                    data = b.get("callback_data")
                    if data is not None and not (1 <= len(str(data).encode()) <= 64):
                        raise _bad("BUTTON_DATA_INVALID")
            return rm
        return None  # reply keyboards / remove / force_reply are not echoed in Message

    def _render_text(self, text: str, p: dict, entities_key: str) -> tuple[str, list | None]:
        """The text as Telegram stores it: with parse_mode=HTML parsed strictly (400 "can't
        parse entities: ..." as Telegram answers); explicit entities are kept as given."""
        entities = p.get(entities_key)
        if (p.get("parse_mode") or "").upper() == "HTML":
            try:
                text = parse_html(text)
            except HtmlError as error:
                raise _bad(f"can't parse entities: {error}") from None
        return text, entities if isinstance(entities, list) and entities else None

    def _new_bot_message(self, chat: dict, p: dict, **content: Any) -> dict:
        cid = chat["id"]
        msg: dict[str, Any] = {
            "message_id": self._alloc_message_id(cid),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        reply = p.get("reply_parameters")
        reply_id = (
            reply.get("message_id") if isinstance(reply, dict) else p.get("reply_to_message_id")
        )
        if reply_id is not None:
            orig = self._messages.get(cid, {}).get(reply_id)
            if orig is not None:
                msg["reply_to_message"] = {
                    k: v for k, v in orig.items() if k != "reply_to_message"
                }
        msg.update(content)
        rm = self._check_markup(p)
        if rm is not None:
            msg["reply_markup"] = rm
        self._messages.setdefault(cid, {})[msg["message_id"]] = msg
        return dict(msg)  # snapshot: later edits must not change recorded responses

    def _count_delivery(self, chat_id: Any, text: str | None) -> None:
        self._stats["deliveries"] += 1
        key = (chat_id, text or "")
        if key in self._delivered_texts:
            self._stats["duplicates"] += 1
        else:
            self._delivered_texts.add(key)

    # ---- sending

    def _send_message(self, p: dict, f: dict, i: dict) -> dict:
        chat = self._target_chat(p)
        raw = p.get("text")
        if raw is None or str(raw).strip() == "":
            raise _bad("message text is empty")
        text, entities = self._render_text(str(raw), p, "entities")
        if not text.strip():
            raise _bad("message text is empty")
        if _utf16_len(text) > MAX_MESSAGE_UNITS:
            raise _bad("message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        lpo = p.get("link_preview_options")
        if isinstance(lpo, dict):
            content["link_preview_options"] = lpo
        msg = self._new_bot_message(chat, p, **content)
        self._count_delivery(chat["id"], str(raw))
        return msg

    def _caption_content(self, p: dict) -> dict:
        cap = p.get("caption")
        if cap is None or cap == "":
            return {}
        text, entities = self._render_text(str(cap), p, "caption_entities")
        if _utf16_len(text) > MAX_CAPTION_UNITS:
            raise _bad("message caption is too long")
        out: dict[str, Any] = {"caption": text}
        if entities:
            out["caption_entities"] = entities
        return out

    def _resolve_media(self, value: Any, f: dict, i: dict, field_name: str, kind: str) -> dict:
        """Returns the file meta for an uploaded/known/URL media value."""
        if isinstance(value, str) and value.startswith("attach://"):
            name = value[9:]
            if name not in f:
                raise _bad("wrong file identifier/HTTP URL specified")
            value = None
            field_name = name
        if value is None or value == "":
            content = f.get(field_name)
            if content is None:
                raise _bad(f"there is no {kind} in the request")
            fi = i.get(field_name, {})
            filename = fi.get("filename") or f"{kind}.bin"
            ctype = fi.get("content_type")
            if ctype in (None, "application/octet-stream"):
                ctype = mimetypes.guess_type(filename)[0] or ctype
            return self._register_file(content, filename, ctype, kind + "s")
        if isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                return known["meta"]
            if value.startswith(("http://", "https://")):
                name = value.rsplit("/", 1)[-1] or f"{kind}.bin"
                return self._register_file(b"", name, None, kind + "s")
        raise _bad("wrong file identifier/HTTP URL specified")

    @staticmethod
    def _media_object(kind: str, meta: dict) -> Any:
        base = {
            "file_id": meta["file_id"],
            "file_unique_id": meta["file_unique_id"],
            "file_size": meta["file_size"],
        }
        if kind == "photo":
            small = dict(
                base,
                file_id=meta["file_id"] + "s",
                file_unique_id=meta["file_unique_id"] + "s",
                width=90,
                height=90,
            )
            return [small, dict(base, width=800, height=600)]
        if kind in ("video", "animation", "video_note"):
            extra = {"duration": 1}
            if kind != "video_note":
                extra.update(width=640, height=480)
            else:
                extra["length"] = 240
            out = dict(base, **extra)
        elif kind in ("audio", "voice"):
            out = dict(base, duration=1)
        elif kind == "sticker":
            return dict(
                base, type="regular", width=512, height=512, is_animated=False, is_video=False
            )
        else:
            out = dict(base)
        if kind in ("document", "audio", "video", "animation"):
            out["file_name"] = meta["file_name"]
        if kind != "video_note":
            out["mime_type"] = meta["mime_type"]
        return out

    def _make_send_file(self, kind: str) -> Callable:
        def handler(p: dict, f: dict, i: dict) -> dict:
            chat = self._target_chat(p)
            meta = self._resolve_media(p.get(kind), f, i, kind, kind)
            # alias the uploaded file's file_id for getFile of thumbnails ("...s")
            if kind == "photo":
                self._files.setdefault(meta["file_id"] + "s", self._files[meta["file_id"]])
            content = {kind: self._media_object(kind, meta), **self._caption_content(p)}
            msg = self._new_bot_message(chat, p, **content)
            self._count_delivery(
                chat["id"], p.get("caption") or f"<{kind}:{meta['file_unique_id']}>"
            )
            return msg

        return handler

    def _send_simple(self, kind: str) -> Callable:
        def handler(p: dict, f: dict, i: dict) -> dict:
            chat = self._target_chat(p)
            if kind == "location":
                obj = {"latitude": p.get("latitude", 0.0), "longitude": p.get("longitude", 0.0)}
            elif kind == "contact":
                obj = {
                    "phone_number": p.get("phone_number", ""),
                    "first_name": p.get("first_name", ""),
                }
            else:
                obj = {"emoji": p.get("emoji") or "🎲", "value": 1}
            msg = self._new_bot_message(chat, p, **{kind: obj})
            self._count_delivery(chat["id"], f"<{kind}>")
            return msg

        return handler

    def _send_media_group(self, p: dict, f: dict, i: dict) -> list:
        chat = self._target_chat(p)
        media = p.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad("wrong number of media specified in the media group")
        group_id = str(next(self._file_seq) * 7919)
        out = []
        for item in media:
            kind = item.get("type", "photo")
            meta = self._resolve_media(item.get("media"), f, i, kind, kind)
            if kind == "photo":
                self._files.setdefault(meta["file_id"] + "s", self._files[meta["file_id"]])
            content: dict[str, Any] = {
                kind: self._media_object(kind, meta),
                "media_group_id": group_id,
            }
            content.update(self._caption_content(item))
            msg = self._new_bot_message(chat, {}, **content)
            out.append(msg)
            self._count_delivery(chat["id"], item.get("caption") or f"<{kind}>")
        return out

    # ---- editing

    def _find_message(self, p: dict, what: str) -> dict:
        chat_id = p.get("chat_id")
        mid = p.get("message_id")
        msg = self._messages.get(chat_id, {}).get(mid)
        if msg is None:
            raise _bad(f"message to {what} not found")
        return msg

    def _editable(self, p: dict) -> dict:
        msg = self._find_message(p, "edit")
        if msg.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad("message can't be edited")
        return msg

    def _apply_edit(self, msg: dict, changes: dict, p: dict) -> dict:
        new_rm = self._check_markup(p)
        before = {k: msg.get(k) for k in (*changes, "reply_markup")}
        after = dict(changes, reply_markup=new_rm)
        if before == after:
            raise _bad(
                "message is not modified: specified new message content and reply "
                "markup are exactly the same as a content and reply markup of the "
                "current message"
            )
        for k, v in after.items():
            if v is None:
                msg.pop(k, None)
            else:
                msg[k] = v
        msg["edit_date"] = int(time.time())
        return dict(msg)

    def _edit_message_text(self, p: dict, f: dict, i: dict) -> Any:
        raw = p.get("text")
        if raw is None or str(raw).strip() == "":
            raise _bad("message text is empty")
        if p.get("inline_message_id"):
            return True
        msg = self._editable(p)
        if "text" not in msg:
            raise _bad("there is no text in the message to edit")
        text, entities = self._render_text(str(raw), p, "entities")
        if not text.strip():
            raise _bad("message text is empty")
        if _utf16_len(text) > MAX_MESSAGE_UNITS:
            raise _bad("MESSAGE_TOO_LONG")
        return self._apply_edit(msg, {"text": text, "entities": entities}, p)

    def _edit_message_caption(self, p: dict, f: dict, i: dict) -> Any:
        if p.get("inline_message_id"):
            return True
        msg = self._editable(p)
        cap = self._caption_content(p)
        return self._apply_edit(
            msg,
            {"caption": cap.get("caption"), "caption_entities": cap.get("caption_entities")},
            p,
        )

    def _edit_message_reply_markup(self, p: dict, f: dict, i: dict) -> Any:
        if p.get("inline_message_id"):
            return True
        msg = self._editable(p)
        return self._apply_edit(msg, {}, p)

    def _delete_message(self, p: dict, f: dict, i: dict) -> bool:
        chat_msgs = self._messages.get(p.get("chat_id"), {})
        if chat_msgs.pop(p.get("message_id"), None) is None:
            raise _bad("message to delete not found")
        return True

    def _delete_messages(self, p: dict, f: dict, i: dict) -> bool:
        chat_msgs = self._messages.get(p.get("chat_id"), {})
        for mid in p.get("message_ids") or ():
            chat_msgs.pop(mid, None)
        return True

    # ---- copy / forward

    _CONTENT_KEYS = (
        "text",
        "entities",
        "caption",
        "caption_entities",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "location",
        "contact",
        "dice",
    )

    def _source(self, p: dict, what: str) -> dict:
        src = self._messages.get(p.get("from_chat_id"), {}).get(p.get("message_id"))
        if src is None:
            raise _bad(f"message to {what} not found")
        return src

    def _copy_message(self, p: dict, f: dict, i: dict) -> dict:
        src = self._source(p, "copy")
        chat = self._target_chat(p)
        content = {k: src[k] for k in self._CONTENT_KEYS if k in src}
        if "caption" in p:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption_content(p))
        msg = self._new_bot_message(chat, p, **content)
        self._count_delivery(chat["id"], content.get("text") or content.get("caption"))
        return {"message_id": msg["message_id"]}

    def _forward_message(self, p: dict, f: dict, i: dict) -> dict:
        src = self._source(p, "forward")
        chat = self._target_chat(p)
        content = {k: src[k] for k in self._CONTENT_KEYS if k in src}
        src_chat = src["chat"]
        if src_chat.get("type") == "channel":
            origin = {
                "type": "channel",
                "chat": src_chat,
                "message_id": src["message_id"],
                "date": src["date"],
            }
        elif src.get("from", {}).get("id") is not None:
            origin = {"type": "user", "sender_user": src["from"], "date": src["date"]}
        else:
            origin = {"type": "hidden_user", "sender_user_name": "?", "date": src["date"]}
        content["forward_origin"] = origin
        msg = self._new_bot_message(chat, {}, **content)
        self._count_delivery(chat["id"], content.get("text") or content.get("caption"))
        return msg

    # ---- chats, commands, files

    def _get_chat(self, p: dict, f: dict, i: dict) -> dict:
        chat = self._target_chat(p)
        out = dict(chat)
        out.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return out

    def _get_chat_member(self, p: dict, f: dict, i: dict) -> dict:
        uid = p.get("user_id")
        if uid == self.bot_user["id"]:
            user = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        else:
            user = dict(self._user(uid)) if isinstance(uid, int) else None
        if user is None:
            raise _bad("user not found")
        return {"status": "member", "user": user}

    @staticmethod
    def _commands_key(p: dict) -> str:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps([scope, p.get("language_code") or ""], sort_keys=True)

    def _set_my_commands(self, p: dict, f: dict, i: dict) -> bool:
        cmds = p.get("commands")
        if not isinstance(cmds, list):
            raise _bad("can't parse commands JSON object")
        for c in cmds:
            if not isinstance(c, dict) or not re.fullmatch(
                r"[a-z0-9_]{1,32}", str(c.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not c.get("description"):
                raise _bad("command description is empty")
        self._commands[self._commands_key(p)] = cmds
        return True

    def _get_my_commands(self, p: dict, f: dict, i: dict) -> list:
        return self._commands.get(self._commands_key(p), [])

    def _delete_my_commands(self, p: dict, f: dict, i: dict) -> bool:
        self._commands.pop(self._commands_key(p), None)
        return True

    def _set_menu_button(self, p: dict, f: dict, i: dict) -> bool:
        self._menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    def _get_menu_button(self, p: dict, f: dict, i: dict) -> dict:
        return self._menu_buttons.get(
            p.get("chat_id"), self._menu_buttons.get(None, {"type": "commands"})
        )

    def _get_file(self, p: dict, f: dict, i: dict) -> dict:
        entry = self._files.get(p.get("file_id"))
        if entry is None:
            raise _bad("invalid file_id")
        meta = entry["meta"]
        return {k: meta[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    # ---- standalone control endpoints (/_fake/...), for manual tries

    async def _control(self, request: web.Request, op: str) -> web.Response:
        params, _, _ = await self._read_params(request)
        try:
            if op == "send_text":
                uid = self.send_text(
                    int(params["user_id"]),
                    str(params["text"]),
                    first_name=params.get("first_name", "张老师"),
                )
                return self._json(200, {"ok": True, "update_id": uid})
            if op == "press_button":
                qid = self.press_button(
                    int(params["user_id"]), int(params["message_id"]), str(params["data"])
                )
                return self._json(200, {"ok": True, "callback_query_id": qid})
            if op == "calls":
                n = int(params.get("last", 50))
                return self._json(200, [c.short() for c in self.calls()[-n:]])
            if op == "stats":
                return self._json(200, self.stats())
        except (KeyError, ValueError, AssertionError) as e:
            return self._json(400, {"ok": False, "description": str(e)})
        return self._json(404, {"ok": False, "description": "unknown control op"})


def main(argv: Iterable[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Run the fake Telegram Bot API server.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8081)
    ap.add_argument("--token", default="123456:TEST-token")
    args = ap.parse_args(list(argv) if argv is not None else None)
    tg = FakeTelegram(token=args.token, host=args.host, port=args.port).start()
    print(
        f"fake Telegram Bot API at {tg.api_url} (token {tg.token})\n"
        f"  POST {tg.api_url}/_fake/send_text  user_id=..&text=..\n"
        f"  POST {tg.api_url}/_fake/press_button  user_id=..&message_id=..&data=..\n"
        f"  GET  {tg.api_url}/_fake/calls?last=50   GET {tg.api_url}/_fake/stats",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        tg.stop()


if __name__ == "__main__":
    main()
