"""Logging set-up; every record passes a filter that hides the bot token.

python-telegram-bot and httpx log request URLs such as `/bot123:ABC/getUpdates`, and
exceptions may carry them too, so the filter rewrites the message, its arguments and the
formatted traceback before any handler writes them.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[REDACTED-TOKEN]"


class RedactTokenFilter(logging.Filter):
    """Replaces the configured token, and anything shaped like a bot token, in each record."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def redact(self, text: str) -> str:
        if self.token:
            text = text.replace(self.token, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def setup_logging(level: str, token: str | None, *, file: Path | None = None) -> None:
    """Log at `level` to stderr, or to `file` (rotated; OSError if it cannot be opened)."""
    handler: logging.Handler
    if file is None:
        handler = logging.StreamHandler()
    else:  # the terminal chat: a record on stderr would land between its messages
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            file, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
        )
        logging.captureWarnings(True)  # a library's warnings.warn goes to the file too
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokenFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet = (
        "httpx",
        "httpcore",
        "apscheduler.executors",
        "aiogram.event",
        "alembic.runtime.plugins",
    )
    for noisy in quiet:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
