"""What every engine shares: performing a handler's replies through a Messenger."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from bot.chat import (
    DeliveryError,
    Document,
    Edit,
    Event,
    EventKind,
    Keyboard,
    Messenger,
    Notice,
    Reply,
    Send,
    SendFile,
    patiently,
)
from bot.limits import (
    MAX_BUTTONS,
    MAX_CAPTION_UNITS,
    MAX_MESSAGE_UNITS,
    fit_html,
    graphemes,
    utf16_length,
    visible_length,
    visible_text,
)

if TYPE_CHECKING:
    from bot.conversation import Conversation
    from bot.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TOAST_UNITS = 200  # answerCallbackQuery's text


# The last resort against Telegram's hard limits: past one, Telegram refuses the whole message
# and the user gets nothing. Handlers page or cut their lists themselves; what still reaches
# an engine over a limit is cut here, and logged (a handler forgot a limit), without its text.


def fit_message(chat_id: int, text: str, buttons: Keyboard = ()) -> tuple[str, Keyboard]:
    """An HTML message and its buttons as Telegram takes them: the text cut by `fit_html` to
    4,096 visible UTF-16 units (with 「……(内容过长,以下省略)」), at most 100 buttons."""
    return _fit_html(chat_id, text, MAX_MESSAGE_UNITS, "message"), fit_buttons(chat_id, buttons)


def fit_caption(chat_id: int, caption: str) -> str:
    """A photo's or document's HTML caption cut to Telegram's 1,024 visible units."""
    return _fit_html(chat_id, caption, MAX_CAPTION_UNITS, "caption")


def fit_toast(text: str) -> str:
    """A button press's toast or alert in Telegram's 200 UTF-16 units (plain text)."""
    if utf16_length(text) <= MAX_TOAST_UNITS:
        return text
    units, kept = 0, []
    for cluster in graphemes(text):  # never half an emoji
        units += utf16_length(cluster)
        if units > MAX_TOAST_UNITS - 1:
            break
        kept.append(cluster)
    log.warning(
        "toast of %d UTF-16 units cut to Telegram's %d (a handler forgot the limit)",
        utf16_length(text),
        MAX_TOAST_UNITS,
    )
    return "".join(kept) + "…"


def fit_buttons(chat_id: int, buttons: Keyboard) -> Keyboard:
    """At most 100 inline buttons: rows are kept in order until the room is used up, and the
    last row (取消, paging) is always kept."""
    count = sum(len(row) for row in buttons)
    if count <= MAX_BUTTONS:
        return buttons
    last = buttons[-1][:MAX_BUTTONS]
    room = MAX_BUTTONS - len(last)
    kept: list[tuple] = []
    for row in buttons[:-1]:
        if room <= 0:
            break
        kept.append(row[:room])
        room -= len(kept[-1])
    log.warning(
        "keyboard of %d buttons to chat %s cut to Telegram's %d (a handler forgot the limit)",
        count,
        chat_id,
        MAX_BUTTONS,
    )
    return (*kept, last)


async def html_or_plain(
    chat_id: int, text: str, deliver: Callable[[str, bool], Awaitable[T]], what: str = "message"
) -> T:
    """`deliver(text, True)` sends `text` as HTML. Should Telegram not parse it (a handler forgot
    to escape a `<`, or cut inside a tag), the user still gets it, once more as its visible
    text without formatting (`deliver(plain, False)`), and the slip is logged, without the text."""
    try:
        return await deliver(text, True)
    except Exception as error:  # each library's BadRequest; anything else is raised again
        if "can't parse entities" not in str(error).lower():
            raise
    log.warning(
        "%s to chat %s (%d characters) sent as plain text: Telegram could not parse its HTML "
        "(a handler forgot to escape)",
        what,
        chat_id,
        len(text),
    )
    return await deliver(visible_text(text), False)


def _fit_html(chat_id: int, text: str, limit: int, what: str) -> str:
    fitted = fit_html(text, limit)
    if fitted != text:
        log.warning(
            "%s to chat %s cut: %d visible UTF-16 units, over Telegram's %d "
            "(a handler forgot a limit)",
            what,
            chat_id,
            visible_length(text),
            limit,
        )
    return fitted


def serving_mode(settings: Settings) -> str:
    """How updates arrive, for the start-up log line."""
    if settings.webhook_url is None:
        return "long polling"
    where = f"{settings.webhook_listen}:{settings.webhook_port}{settings.webhook_path}"
    return f"webhook on {where}"


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a fresh random one: Telegram learns it from setWebhook at each start."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    return secrets.token_urlsafe(32)


def telegram_posts_only(secret: str) -> Callable[..., Awaitable[web.StreamResponse]]:
    """An aiohttp middleware that answers what is not one of Telegram's updates before either
    library sees it, the same on both engines: no secret 403, a body that is not an update 400,
    an update of a kind this bot does not take 200 (Telegram would send it again otherwise)."""

    @web.middleware
    async def middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=403)
        try:
            body = await request.json()  # aiohttp keeps the body: the handler reads it again
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        if not any(kind in body for kind in ALLOWED_UPDATES):
            return web.Response()
        try:
            return await handler(request)
        except (ValueError, TypeError, KeyError, AttributeError):
            # The library could not read the update (the bot's own errors never get here:
            # Conversation turns them into replies).
            log.warning("webhook post %s is not a valid update", body.get("update_id"))
            return web.Response(status=400, text="not a valid update")

    return middleware


async def serve_webhook_until_stopped(
    settings: Settings, app: web.Application, bot: Any, secret: str
) -> None:
    """Serve `app` (which takes Telegram's posts at WEBHOOK_URL's path) on WEBHOOK_LISTEN:
    WEBHOOK_PORT, register the webhook through `bot` (either library's Bot), and run until
    SIGINT/SIGTERM; the posts being handled then finish before this returns."""
    app.middlewares.append(telegram_posts_only(secret))
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        await bot.set_webhook(
            str(settings.webhook_url), secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        await stopping.wait()
    finally:
        await runner.cleanup()


class PerUserOrder:
    """Runs one user's updates one after another, replies included, and different users'
    in parallel: a quick double tap must not show an older state after a newer one."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def run(self, user_id: int, work: Callable[[], Awaitable[None]]) -> None:
        lock, users = self._locks.get(user_id, (asyncio.Lock(), 0))
        self._locks[user_id] = (lock, users + 1)
        try:
            async with lock:
                await work()
        finally:
            lock, users = self._locks[user_id]
            if users == 1:
                del self._locks[user_id]
            else:
                self._locks[user_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


async def respond(
    event: Event,
    conversation: Conversation,
    messenger: Messenger,
    order: PerUserOrder,
    update_id: int | None = None,
) -> None:
    """Handle one event and perform its replies, in order with the user's other events.

    With the Telegram `update_id` it came in, the update is handled once through restarts:
    Telegram forgets an update only at the next getUpdates (or the webhook post's answer), so
    one handled just before a crash comes back after the restart. Its id is stored once its
    replies are performed, and an update whose id is stored is skipped (logged at debug)."""

    async def work() -> None:
        if update_id is not None and conversation.was_handled(update_id):
            log.debug("update %s skipped: handled before a restart", update_id)
            return
        replies = await conversation.handle(event)
        await perform(event, replies, messenger)
        if update_id is not None:
            conversation.record_handled(update_id)

    await order.run(event.user_id, work)


async def perform(event: Event, replies: list[Reply], messenger: Messenger) -> None:
    """Answer the button press first (so the spinner stops), then send and edit in order."""
    notices = [r for r in replies if isinstance(r, Notice)]
    if event.callback_id and notices:
        try:
            await messenger.answer_callback(
                event.callback_id, fit_toast(notices[0].text), notices[0].alert
            )
        except DeliveryError as error:
            log.warning("could not answer callback of user %s: %s", event.user_id, error)
    for reply in replies:
        try:
            await patiently(lambda reply=reply: _perform_one(event, reply, messenger))
        except DeliveryError as error:
            log.warning("reply to user %s not delivered: %s", event.user_id, error)


async def _perform_one(event: Event, reply: Reply, messenger: Messenger) -> None:
    chat_id = reply.chat_id if not isinstance(reply, Notice) and reply.chat_id else event.chat_id
    if isinstance(reply, Send):
        await messenger.send(chat_id, reply.text, reply.buttons)
    elif isinstance(reply, Edit):
        message_id = reply.message_id or event.message_id
        if message_id is None:
            await messenger.send(chat_id, reply.text, reply.buttons)
        else:
            await messenger.edit(chat_id, message_id, reply.text, reply.buttons)
    elif isinstance(reply, SendFile):
        await messenger.send_file(chat_id, reply)


def split_command(text: str) -> tuple[str, str]:
    """`/Join@guopei_bot  AB12` → ("join", "AB12"); the command ends at any space or line break
    (`/broadcast\n第一行\n第二行` keeps its lines)."""
    head, rest = _command_head(text)
    command = head[1:].split("@", 1)[0].lower()
    return command, rest.strip()


def command_addressee(text: str) -> str:
    """The bot a command names: `/start@Guopei_Bot x` → "Guopei_Bot"; "" when it names none."""
    return _command_head(text)[0].partition("@")[2]


def _command_head(text: str) -> tuple[str, str]:
    parts = text.strip().split(maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


# Message contents the bot cannot read, by their Bot API field name. `animation` comes before
# the document check: Telegram sends a GIF as both an animation and a document.
MEDIA_FIELDS = (
    "animation",
    "photo",
    "sticker",
    "video",
    "video_note",
    "voice",
    "audio",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


def media_of(message: Any) -> str:
    """The name of the first non-text content of a message ("photo", "sticker" …), or ""."""
    for name in MEDIA_FIELDS:
        if getattr(message, name, None):
            return name
    return ""


def message_event(message: Any) -> Event | None:
    """Translate a Message of either library (both mirror the Bot API's field names) into an
    Event; None for messages the bot ignores (no sender, or a service message such as a member
    joining a group). A sticker, a photo without caption, a voice message … is a `media` event,
    so that the bot can say it reads only text; a photo's caption is its text."""
    sender = message.from_user
    if sender is None:
        return None
    forwarded = message.forward_origin is not None
    media = media_of(message)
    replied = message.reply_to_message.from_user if message.reply_to_message else None
    common: dict[str, Any] = {
        "user_id": sender.id,
        "chat_id": message.chat.id,
        "chat_type": message.chat.type,
        "first_name": sender.first_name or "",
        "last_name": sender.last_name or "",
        "username": sender.username,
        "language_code": sender.language_code,
        "message_id": message.message_id,
        "forwarded": forwarded,
        "media": media,
        "replied_to_bot": (replied.username or "") if replied and replied.is_bot else "",
    }
    if message.document is not None and media != "animation":
        document = Document(
            file_id=message.document.file_id,
            file_name=message.document.file_name or "notice",
            mime_type=message.document.mime_type,
            size=message.document.file_size,
        )
        caption = message.caption or ""
        return Event(kind=EventKind.document, document=document, text=caption, **common)
    text = message.text or message.caption or ""
    common["html"] = linked_html(
        text, message.entities if message.text else message.caption_entities
    )
    if not text:
        return Event(kind=EventKind.media, **common) if media else None
    if text.startswith("/") and not forwarded:
        command, args = split_command(text)
        return Event(
            kind=EventKind.command,
            text=text,
            command=command,
            args=args,
            addressee=command_addressee(text),
            **common,
        )
    return Event(kind=EventKind.text, text=text, **common)


def edited_event(message: Any) -> Event | None:
    """Translate an edited Message of either library into an `edited` Event carrying its new
    text; None for an edit without text (a live location moving, a caption removed)."""
    event = message_event(message)
    if event is None or not event.text:
        return None
    return replace(event, kind=EventKind.edited, command="", args="", addressee="")


def linked_html(text: str, entities: Sequence[Any] | None) -> str:
    """The text as Telegram HTML keeping its hidden links (`text_link` entities become
    <a href>); "" when it has none. Entity offsets count UTF-16 code units, as the Bot API's do."""
    links = sorted(
        (e for e in entities or () if e.type == "text_link" and e.url), key=lambda e: e.offset
    )
    if not links:
        return ""
    units = text.encode("utf-16-le")

    def span(start: int, end: int) -> str:
        return escape(units[start * 2 : end * 2].decode("utf-16-le", errors="replace"))

    pieces, position = [], 0
    for link in links:
        if link.offset < position:  # overlapping entities: the first one wins
            continue
        label = span(link.offset, link.offset + link.length)
        pieces += [span(position, link.offset), f'<a href="{escape(link.url)}">{label}</a>']
        position = link.offset + link.length
    pieces.append(span(position, len(units) // 2))
    return "".join(pieces)


def callback_event(query: Any) -> Event:
    """Translate a CallbackQuery of either library into an Event."""
    message = query.message
    return Event(
        kind=EventKind.callback,
        user_id=query.from_user.id,
        chat_id=message.chat.id if message else query.from_user.id,
        chat_type=message.chat.type if message else "private",
        first_name=query.from_user.first_name or "",
        last_name=query.from_user.last_name or "",
        username=query.from_user.username,
        language_code=query.from_user.language_code,
        message_id=message.message_id if message else None,
        callback_id=query.id,
        callback_data=query.data or "",
    )
