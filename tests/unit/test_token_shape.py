"""A BOT_TOKEN that cannot be a bot token stops `guopei-bot run` with the same one Chinese line
on both engines (exit status 1), never the token, and Telegram is not asked (QA 5a #14)."""

from __future__ import annotations

import pytest

from bot.engines import StartupError, check_token_shape
from tests.fakebot import FakeTelegram
from tests.unit.test_cli_failures import guopei_bot

MALFORMED = {
    "bot prefix": "bot123456:SECRET-abc",
    "a space": "123456:SECRET abc",
    "no colon": "notatokenSECRET",
}


@pytest.mark.parametrize("token", MALFORMED.values(), ids=MALFORMED.keys())
def test_the_shape_is_checked(token: str) -> None:
    with pytest.raises(StartupError, match="BOT_TOKEN 的格式不对") as refused:
        check_token_shape(token)
    assert "SECRET" not in str(refused.value)


@pytest.mark.parametrize("token", ["123456:SECRET-abc", "123456789:AAHdq_Tc-vCH1vGWJx"])
def test_a_well_formed_token_passes(token: str) -> None:
    check_token_shape(token)


@pytest.mark.parametrize("engine", ["ptb", "aiogram"])
@pytest.mark.parametrize("token", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_token_is_one_line_on_both_engines(tmp_path, engine: str, token: str) -> None:
    with FakeTelegram(token="999:THE-TOKEN-THE-SERVER-KNOWS") as telegram:
        done = guopei_bot(
            "run",
            env={
                "BOT_TOKEN": token,
                "BOT_ENGINE": engine,
                "TELEGRAM_API_URL": telegram.api_url,
                "DATA_DIR": str(tmp_path),
            },
            cwd=tmp_path,
        )
        asked = telegram.calls()

    assert done.returncode == 1
    assert "Traceback" not in done.stderr, "the one line is buried under a traceback"
    assert done.stderr.rstrip().splitlines()[-1] == (
        "❌ BOT_TOKEN 的格式不对：应形如 123456789:AA…（冒号前是数字，中间没有空格）。"
        "请在 .env 里填入 @BotFather 给的完整 token，然后重新启动。"
    )
    assert "SECRET" not in done.stdout + done.stderr
    assert not asked, "Telegram was asked about a token it cannot take"
