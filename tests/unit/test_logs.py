"""The bot token never reaches the log output, even inside URLs and tracebacks."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactTokenFilter

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Test"


def test_token_in_messages_arguments_and_tracebacks_is_redacted():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokenFilter(TOKEN))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
        try:
            raise RuntimeError(f"connect failed for /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("request failed")
        logger.warning("other bot token 987654321:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ leaked")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "987654321:ZZZZ" not in output
    assert output.count("[REDACTED-TOKEN]") == 3
    assert "RuntimeError" in output
