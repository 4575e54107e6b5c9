"""Messenger adapters. Only this package imports python-telegram-bot or aiogram.

Each engine turns its library's updates into `bot.chat.Event`s, hands them to the
`Conversation`, and performs the returned replies with its library's own API.
"""
