"""Messenger adapters. Only this package imports python-telegram-bot or aiogram.

Each engine turns its library's updates into `bot.chat.Event`s, hands them to the
`Conversation`, and performs the returned replies with its library's own API.
"""


class StartupError(RuntimeError):
    """The bot could not start serving: Telegram refused the token or could not be reached.

    Engines raise it with a Chinese message that says what to fix and never holds the token;
    `guopei-bot run` prints that one line instead of a traceback.
    """


def token_refused() -> StartupError:
    return StartupError(
        "Telegram 拒绝了 BOT_TOKEN（401 Unauthorized）。请在 .env 里填入 @BotFather 给的完整 token"
        "（形如 123456789:AA…），然后重新启动。"
    )


def server_unreachable(api_base: str) -> StartupError:
    return StartupError(
        f"连不上 Telegram 服务器 {api_base}。请检查网络；自建 Bot API 服务器时，检查 "
        "TELEGRAM_API_URL 和那台服务器是否在运行。"
    )


def token_malformed() -> StartupError:
    return StartupError(
        "BOT_TOKEN 的格式不对：应形如 123456789:AA…（冒号前是数字，中间没有空格）。请在 .env 里"
        "填入 @BotFather 给的完整 token，然后重新启动。"
    )


def check_token_shape(token: str) -> None:
    """Refuse a token that cannot be a bot token (Telegram's shape `<digits>:<secret>`, no
    whitespace) before either library sees it: both engines then say the same one line, and
    neither asks Telegram about a token it would refuse."""
    bot_id, colon, secret = token.partition(":")
    if not (colon and bot_id.isascii() and bot_id.isdigit() and secret) or any(
        char.isspace() for char in token
    ):
        raise token_malformed()
