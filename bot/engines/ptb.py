"""The python-telegram-bot engine: updates through `Application` (long polling, or a webhook
when WEBHOOK_URL is set), replies through `Bot`.

Usage: `guopei-bot run --engine ptb` (the default). Honours TELEGRAM_API_URL.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta

from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ContextTypes, TypeHandler

from bot import chat
from bot.chat import Event, Keyboard, MenuScope, Messenger, SendFile, Sent
from bot.conversation import Conversation
from bot.engines import check_token_shape, server_unreachable, token_refused
from bot.engines.base import (
    ALLOWED_UPDATES,
    SECRET_HEADER,
    PerUserOrder,
    callback_event,
    edited_event,
    fit_caption,
    fit_message,
    html_or_plain,
    message_event,
    respond,
    serve_webhook_until_stopped,
    serving_mode,
    webhook_secret,
)
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)


class StartFailureReportedOnce(logging.Filter):
    """Drops ptb's traceback of a refused token or an unreachable server at start-up: `run`
    reports either in one Chinese line, and the traceback would bury it."""

    def filter(self, record: logging.LogRecord) -> bool:
        failure = record.exc_info[1] if record.exc_info else None
        at_start = record.getMessage().startswith("Network Retry Loop (Bootstrap")
        return not (at_start and isinstance(failure, InvalidToken | NetworkError))


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


def translate(error: TelegramError) -> chat.DeliveryError:
    """Map python-telegram-bot's errors to the neutral ones the broadcaster understands."""
    if isinstance(error, RetryAfter):
        after = error.retry_after
        seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
        return chat.RetryAfter(seconds)
    if isinstance(error, Forbidden):
        return chat.unreachable(error.message)
    if isinstance(error, BadRequest):
        if "not modified" in error.message.lower():
            return chat.DeliveryError("message is not modified")
        if "chat not found" in error.message.lower():
            return chat.unreachable(error.message)
        return chat.DeliveryError(error.message)
    if isinstance(error, NetworkError):
        return chat.TransientError(error.message)
    return chat.DeliveryError(error.message)


class PtbMessenger(Messenger):
    """Sends through a python-telegram-bot `Bot`, raising only neutral delivery errors."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        text, buttons = fit_message(chat_id, text, buttons)

        async def deliver(body: str, html: bool) -> Message:
            return await self.bot.send_message(
                chat_id,
                body,
                parse_mode=ParseMode.HTML if html else None,
                reply_markup=markup(buttons),
                link_preview_options=NO_PREVIEW,
            )

        try:
            message = await html_or_plain(chat_id, text, deliver)
        except TelegramError as error:
            raise translate(error) from None
        return Sent(chat_id=message.chat_id, message_id=message.message_id)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        text, buttons = fit_message(chat_id, text, buttons)

        async def deliver(body: str, html: bool) -> object:
            return await self.bot.edit_message_text(
                body,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML if html else None,
                reply_markup=markup(buttons),
                link_preview_options=NO_PREVIEW,
            )

        try:
            await html_or_plain(chat_id, text, deliver)
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise translate(error) from None
        except TelegramError as error:
            raise translate(error) from None

    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        caption = fit_caption(chat_id, file.caption)

        async def deliver(body: str, html: bool) -> Message:
            parse_mode = ParseMode.HTML if html else None
            if file.as_photo:
                return await self.bot.send_photo(
                    chat_id,
                    file.content,
                    filename=file.filename,
                    caption=body or None,
                    parse_mode=parse_mode,
                )
            return await self.bot.send_document(
                chat_id,
                file.content,
                filename=file.filename,
                caption=body or None,
                parse_mode=parse_mode,
            )

        try:
            message = await html_or_plain(chat_id, caption, deliver, "caption")
        except TelegramError as error:
            raise translate(error) from None
        return Sent(chat_id=message.chat_id, message_id=message.message_id)

    async def download(self, file_id: str) -> bytes:
        return await chat.patiently(lambda: self._download_once(file_id))

    async def _download_once(self, file_id: str) -> bytes:
        try:
            telegram_file = await self.bot.get_file(file_id)
            return bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:  # a 5xx or a network error is a NetworkError: transient
            raise translate(error) from None

    async def set_menu(self, scope: MenuScope) -> None:
        commands = [BotCommand(c.command, c.description) for c in scope.commands]
        target = BotCommandScopeChat(scope.chat_id) if scope.chat_id else BotCommandScopeDefault()
        try:
            await self.bot.set_my_commands(commands, scope=target)
        except TelegramError as error:
            raise translate(error) from None

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=text or None, show_alert=alert)
        except TelegramError as error:
            raise translate(error) from None


def to_event(update: Update) -> Event | None:
    """Translate a python-telegram-bot Update into an Event (None for updates we ignore)."""
    if update.callback_query is not None:
        return callback_event(update.callback_query)
    if update.edited_message is not None:
        return edited_event(update.edited_message)
    if update.message is None:
        return None
    return message_event(update.message)


async def log_error(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One line for a failed poll while Telegram is unreachable (ptb retries by itself), as
    aiogram logs it; a traceback for anything else."""
    error = context.error
    if isinstance(error, NetworkError):
        log.warning("Telegram unreachable (%s: %s); retrying", type(error).__name__, error)
        return
    log.error("unexpected error in python-telegram-bot", exc_info=error)


def run(services: Services, conversation: Conversation) -> None:
    """Serve Telegram until SIGINT/SIGTERM by long polling, or by webhook when WEBHOOK_URL is
    set; finish taken updates first."""
    from handlers.menus import install_menus

    settings = services.settings
    assert settings.token, "run() needs BOT_TOKEN"
    check_token_shape(settings.token)
    logging.getLogger("telegram.ext").addFilter(StartFailureReportedOnce())
    messenger: PtbMessenger | None = None
    order = PerUserOrder()

    async def on_update(update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        event = to_event(update)
        if event is None:
            return
        assert messenger is not None
        await respond(event, conversation, messenger, order, update.update_id)

    async def post_init(application: Application) -> None:
        nonlocal messenger
        messenger = PtbMessenger(application.bot)
        services.messenger = messenger
        services.bot_username = application.bot.username or services.bot_username
        await install_menus(services)
        await services.on_started()
        mode = serving_mode(settings)
        log.info("serving as @%s with python-telegram-bot, %s", services.bot_username, mode)

    async def post_stop(_application: Application) -> None:
        await services.on_stopping()

    application = (
        Application.builder()
        .token(settings.token)
        .base_url(f"{settings.api_base}/bot")
        .base_file_url(f"{settings.api_base}/file/bot")
        .concurrent_updates(16)
        .post_init(post_init)
        .post_stop(post_stop)
        .build()
    )
    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(log_error)
    try:
        if settings.webhook_url is None:
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES,
                stop_signals=(signal.SIGINT, signal.SIGTERM),
                close_loop=False,
            )
            return
        asyncio.run(serve_webhook(application, settings))
    except InvalidToken:  # its message quotes the token
        raise token_refused() from None
    except NetworkError:
        raise server_unreachable(settings.api_base) from None


async def serve_webhook(application: Application, settings: Settings) -> None:
    """Take Telegram's posts at WEBHOOK_URL's path until SIGINT/SIGTERM. A post is answered
    once its update is handled, so Telegram sends again what a crash interrupted; a post
    without the secret is refused (403) and reaches no handler."""
    secret = webhook_secret(settings)

    async def on_post(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return web.Response(status=400)
        await application.process_update(update)
        return web.Response()

    app = web.Application()
    app.router.add_post(settings.webhook_path, on_post)
    async with application:  # initialize() and, at the end, shutdown()
        assert application.post_init is not None and application.post_stop is not None
        await application.post_init(application)
        await application.start()
        try:
            await serve_webhook_until_stopped(settings, app, application.bot, secret)
        finally:
            await application.stop()
            await application.post_stop(application)
