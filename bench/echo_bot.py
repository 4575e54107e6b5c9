"""A bare echo bot on each engine: the framework's own ceiling, for bench/updates_bench.py.

python bench/echo_bot.py ptb|aiogram   (reads BOT_TOKEN and TELEGRAM_API_URL)
"""

from __future__ import annotations

import os
import sys


def run_ptb(token: str, api: str) -> None:
    from telegram import Update
    from telegram.ext import Application, MessageHandler, filters

    async def echo(update: Update, _context: object) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    application = (
        Application.builder().token(token).base_url(f"{api}/bot").concurrent_updates(16).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling()


def run_aiogram(token: str, api: str) -> None:
    import asyncio

    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    session = AiohttpSession(api=TelegramAPIServer.from_base(api))
    asyncio.run(dispatcher.start_polling(Bot(token, session=session)))


if __name__ == "__main__":
    engine = sys.argv[1]
    token, api = os.environ["BOT_TOKEN"], os.environ["TELEGRAM_API_URL"]
    (run_ptb if engine == "ptb" else run_aiogram)(token, api)
