"""The aiogram engine: updates through `Dispatcher` (long polling, or a webhook served by
aiohttp when WEBHOOK_URL is set), replies through `Bot`.

Usage: `guopei-bot run --engine aiogram` (or BOT_ENGINE=aiogram). Honours TELEGRAM_API_URL.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

# isort: off
import bot.engines.aiogram_import  # noqa: F401  (first: aiogram's models built on first use)

# isort: on
import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetFile,
    GetUpdates,
    Response,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetWebhook,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.utils.token import TokenValidationError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot import chat
from bot.chat import Event, Keyboard, MenuScope, Messenger, SendFile, Sent
from bot.conversation import Conversation
from bot.engines import (
    check_token_shape,
    server_unreachable,
    token_malformed,
    token_refused,
)
from bot.engines.aiogram_import import build_models
from bot.engines.base import (
    ALLOWED_UPDATES,
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
HTML = ParseMode.HTML

# What the first updates and replies use, built in the background once the bot polls (or has
# set its webhook) instead of by the first reply (≈ 0.5 s late): first what an update and a
# text reply need (Message and Update first: the responses contain them, and reuse them, see
# bot/engines/aiogram_import.py), then what buttons, edits and files need.
FIRST_REPLY_TYPES = (Message, Update)
FIRST_REPLY_METHODS = (GetUpdates, SendMessage)
LATER_TYPES = (InlineKeyboardMarkup, InlineKeyboardButton)
LATER_METHODS = (AnswerCallbackQuery, EditMessageText, SendDocument, SendPhoto, GetFile)
MAX_MODELS_WAIT_SECONDS = 10.0  # past that (a stuck build?) a response builds its own


class ModelsBuiltAheadSession(AiohttpSession):
    """aiogram's HTTP session, which also builds the models the first updates and replies
    need (`build_models`) in a thread, started at the first getUpdates (or setWebhook): start-up
    does not wait for it, and the first reply finds them built. A response that arrives while
    those of an update and a reply are being built (updates queued while the bot was down)
    waits for them: the event loop would only spend that time building its own copies."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.builder: threading.Thread | None = None
        self.first_reply_built = threading.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if self.builder is None and isinstance(method, GetUpdates | SetWebhook):
            self.builder = threading.Thread(
                target=self.build, args=(self.first_reply_built,), name="aiogram-models"
            )
            self.builder.daemon = True
            asyncio.get_running_loop().call_soon(self.builder.start)  # once the request is sent
        return await super().make_request(bot, method, timeout)

    def check_response(
        self, bot: Bot, method: TelegramMethod[Any], status_code: int, content: str
    ) -> Response[Any]:
        if self.builder is not None and self.builder.is_alive():
            self.first_reply_built.wait(MAX_MODELS_WAIT_SECONDS)
        return super().check_response(bot, method, status_code, content)

    @staticmethod
    def build(first_reply_built: threading.Event) -> None:
        started = time.perf_counter()
        try:
            try:
                build_models(FIRST_REPLY_METHODS, FIRST_REPLY_TYPES)
            finally:
                first_reply_built.set()
            first_reply = time.perf_counter() - started
            build_models(LATER_METHODS, LATER_TYPES)
        except Exception:  # they are then built on first use, as without this
            log.exception("building aiogram's models ahead failed")
            return
        log.info(
            "aiogram models built ahead in %.0f ms (those of a first reply in %.0f ms)",
            (time.perf_counter() - started) * 1000,
            first_reply * 1000,
        )


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


def translate(error: TelegramAPIError) -> chat.DeliveryError:
    """Map aiogram's errors to the neutral ones the broadcaster understands."""
    if isinstance(error, TelegramRetryAfter):
        return chat.RetryAfter(float(error.retry_after))
    if isinstance(error, TelegramForbiddenError):
        return chat.unreachable(error.message)
    if isinstance(error, TelegramBadRequest) and "chat not found" in error.message.lower():
        return chat.unreachable(error.message)
    if isinstance(error, TelegramServerError | TelegramNetworkError):
        return chat.TransientError(error.message)
    return chat.DeliveryError(error.message)


class AiogramMessenger(Messenger):
    """Sends through an aiogram `Bot`, raising only neutral delivery errors."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        text, buttons = fit_message(chat_id, text, buttons)

        async def deliver(body: str, html: bool) -> Message:
            return await self.bot.send_message(
                chat_id, body, parse_mode=HTML if html else None, reply_markup=markup(buttons)
            )

        try:
            message = await html_or_plain(chat_id, text, deliver)
        except TelegramAPIError as error:
            raise translate(error) from None
        return Sent(chat_id=message.chat.id, message_id=message.message_id)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        text, buttons = fit_message(chat_id, text, buttons)

        async def deliver(body: str, html: bool) -> object:
            return await self.bot.edit_message_text(
                text=body,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=HTML if html else None,
                reply_markup=markup(buttons),
            )

        try:
            await html_or_plain(chat_id, text, deliver)
        except TelegramBadRequest as error:
            if "not modified" not in error.message.lower():
                raise translate(error) from None
        except TelegramAPIError as error:
            raise translate(error) from None

    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        caption = fit_caption(chat_id, file.caption)
        upload = BufferedInputFile(file.content, filename=file.filename)

        async def deliver(body: str, html: bool) -> Message:
            parse_mode = HTML if html else None
            if file.as_photo:
                return await self.bot.send_photo(
                    chat_id, upload, caption=body or None, parse_mode=parse_mode
                )
            return await self.bot.send_document(
                chat_id, upload, caption=body or None, parse_mode=parse_mode
            )

        try:
            message = await html_or_plain(chat_id, caption, deliver, "caption")
        except TelegramAPIError as error:
            raise translate(error) from None
        return Sent(chat_id=message.chat.id, message_id=message.message_id)

    async def download(self, file_id: str) -> bytes:
        return await chat.patiently(lambda: self._download_once(file_id))

    async def _download_once(self, file_id: str) -> bytes:
        try:
            telegram_file = await self.bot.get_file(file_id)
            assert telegram_file.file_path is not None
            data = await self.bot.download_file(telegram_file.file_path)
        except TelegramAPIError as error:
            raise translate(error) from None
        # The file itself comes over plain aiohttp, whose errors are not aiogram's.
        except aiohttp.ClientResponseError as error:
            failed = chat.TransientError if error.status >= 500 else chat.DeliveryError
            raise failed(f"file download: HTTP {error.status}") from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise chat.TransientError(f"file download: {type(error).__name__}") from None
        assert data is not None
        return data.read()

    async def set_menu(self, scope: MenuScope) -> None:
        commands = [
            BotCommand(command=c.command, description=c.description) for c in scope.commands
        ]
        target: BotCommandScopeChat | BotCommandScopeDefault = BotCommandScopeDefault()
        if scope.chat_id:
            target = BotCommandScopeChat(chat_id=scope.chat_id)
        try:
            await self.bot.set_my_commands(commands, scope=target)
        except TelegramAPIError as error:
            raise translate(error) from None

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=text or None, show_alert=alert)
        except TelegramAPIError as error:
            raise translate(error) from None


def run(services: Services, conversation: Conversation) -> None:
    """Serve Telegram until SIGINT/SIGTERM by long polling, or by webhook when WEBHOOK_URL is
    set; finish taken updates first."""
    assert services.settings.token, "run() needs BOT_TOKEN"
    check_token_shape(services.settings.token)
    try:
        asyncio.run(_serve(services, conversation))
    except TokenValidationError:  # its own check, should it be stricter than ours
        raise token_malformed() from None
    except TelegramUnauthorizedError:
        raise token_refused() from None
    except TelegramNetworkError:
        raise server_unreachable(services.settings.api_base) from None


async def _serve(services: Services, conversation: Conversation) -> None:
    from handlers.menus import install_menus

    settings = services.settings
    assert settings.token, "run() needs BOT_TOKEN"
    session = ModelsBuiltAheadSession(api=TelegramAPIServer.from_base(settings.api_base))
    bot = Bot(
        settings.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    messenger = AiogramMessenger(bot)
    dispatcher = Dispatcher()
    in_flight: set[asyncio.Task] = set()
    order = PerUserOrder()
    last_handled_update = 0

    async def handle(event: Event | None, update_id: int) -> None:
        nonlocal last_handled_update
        if event is None:
            return
        task = asyncio.current_task()
        assert task is not None
        in_flight.add(task)
        try:
            await respond(event, conversation, messenger, order, update_id or None)
        finally:
            in_flight.discard(task)
            last_handled_update = max(last_handled_update, update_id)

    @dispatcher.message()
    async def on_message(message: Message, event_update: object) -> None:
        await handle(message_event(message), getattr(event_update, "update_id", 0))

    @dispatcher.edited_message()
    async def on_edited(message: Message, event_update: object) -> None:
        await handle(edited_event(message), getattr(event_update, "update_id", 0))

    @dispatcher.callback_query()
    async def on_callback(query: CallbackQuery, event_update: object) -> None:
        await handle(callback_event(query), getattr(event_update, "update_id", 0))

    @dispatcher.startup()
    async def on_startup() -> None:
        me = await bot.get_me()
        services.messenger = messenger
        services.bot_username = me.username or services.bot_username
        await install_menus(services)
        await services.on_started()
        log.info("serving as @%s with aiogram, %s", services.bot_username, serving_mode(settings))

    @dispatcher.shutdown()
    async def on_shutdown() -> None:
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        await services.on_stopping()
        if last_handled_update and settings.webhook_url is None:
            # Confirm what we handled, so a restart does not see these updates again.
            await bot.get_updates(offset=last_handled_update + 1, limit=1, timeout=0)

    try:
        if settings.webhook_url is not None:
            await serve_webhook(settings, dispatcher, bot)
            return
        await bot.delete_webhook(drop_pending_updates=False)
        await dispatcher.start_polling(bot, allowed_updates=ALLOWED_UPDATES, handle_signals=True)
    finally:
        await session.close()  # also when start-up failed before polling took the session


async def serve_webhook(settings: Settings, dispatcher: Dispatcher, bot: Bot) -> None:
    """Take Telegram's posts at WEBHOOK_URL's path until SIGINT/SIGTERM. A post is answered
    once its update is handled, so Telegram sends again what a crash interrupted; a post
    without the secret is refused (401) and reaches no handler."""
    secret = webhook_secret(settings)
    app = web.Application()
    setup_application(app, dispatcher, bot=bot)  # the dispatcher's startup and shutdown
    handler = SimpleRequestHandler(
        dispatcher, bot, handle_in_background=False, secret_token=secret
    )
    handler.register(app, path=settings.webhook_path)
    await serve_webhook_until_stopped(settings, app, bot, secret)
