"""The aiogram engine: long polling through `Dispatcher`, replies through `Bot`.

Usage: `guopei-bot run --engine aiogram` (or BOT_ENGINE=aiogram). Honours TELEGRAM_API_URL.
"""

from __future__ import annotations

import asyncio
import logging

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
)

from bot import chat
from bot.chat import Event, Keyboard, MenuScope, Messenger, SendFile, Sent
from bot.conversation import Conversation
from bot.engines.base import PerUserOrder, callback_event, message_event, respond
from bot.services import Services

log = logging.getLogger(__name__)


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
        return chat.Unreachable(error.message)
    if isinstance(error, TelegramBadRequest) and "chat not found" in error.message.lower():
        return chat.Unreachable(error.message)
    if isinstance(error, TelegramServerError | TelegramNetworkError):
        return chat.TransientError(error.message)
    return chat.DeliveryError(error.message)


class AiogramMessenger(Messenger):
    """Sends through an aiogram `Bot`, raising only neutral delivery errors."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        try:
            message = await self.bot.send_message(chat_id, text, reply_markup=markup(buttons))
        except TelegramAPIError as error:
            raise translate(error) from None
        return Sent(chat_id=message.chat.id, message_id=message.message_id)

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        try:
            await self.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup(buttons)
            )
        except TelegramBadRequest as error:
            if "not modified" not in error.message.lower():
                raise translate(error) from None
        except TelegramAPIError as error:
            raise translate(error) from None

    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        upload = BufferedInputFile(file.content, filename=file.filename)
        try:
            if file.as_photo:
                message = await self.bot.send_photo(chat_id, upload, caption=file.caption or None)
            else:
                message = await self.bot.send_document(
                    chat_id, upload, caption=file.caption or None
                )
        except TelegramAPIError as error:
            raise translate(error) from None
        return Sent(chat_id=message.chat.id, message_id=message.message_id)

    async def download(self, file_id: str) -> bytes:
        try:
            telegram_file = await self.bot.get_file(file_id)
            assert telegram_file.file_path is not None
            data = await self.bot.download_file(telegram_file.file_path)
        except TelegramAPIError as error:
            raise translate(error) from None
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
    """Serve Telegram by long polling until SIGINT/SIGTERM; finish taken updates first."""
    asyncio.run(_serve(services, conversation))


async def _serve(services: Services, conversation: Conversation) -> None:
    from handlers.menus import install_menus

    settings = services.settings
    assert settings.token, "run() needs BOT_TOKEN"
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base))
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
            await respond(event, conversation, messenger, order)
        finally:
            in_flight.discard(task)
            last_handled_update = max(last_handled_update, update_id)

    @dispatcher.message()
    async def on_message(message: Message, event_update: object) -> None:
        await handle(message_event(message), getattr(event_update, "update_id", 0))

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
        log.info("serving as @%s with aiogram", services.bot_username)

    @dispatcher.shutdown()
    async def on_shutdown() -> None:
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        await services.on_stopping()
        if last_handled_update:
            # Confirm what we handled, so a restart does not see these updates again.
            await bot.get_updates(offset=last_handled_update + 1, limit=1, timeout=0)

    await bot.delete_webhook(drop_pending_updates=False)
    await dispatcher.start_polling(
        bot, allowed_updates=["message", "callback_query"], handle_signals=True
    )
