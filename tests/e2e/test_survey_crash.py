"""A survey confirmed just before a crash still reaches its class (QA25 finding 1), on both
engines with SQLite and PostgreSQL: the manager presses 「✅ 确认发送」, Telegram shows them
「✅ 已向「语文一班」的 3 名学员发送问卷…」, and the bot is SIGKILLed before it hears Telegram's
answer to that edit (so before its code after the edit ran) and before it confirmed the
update. The invitations were queued with the survey, so the restarted bot sends them: every
trainee gets the invitation exactly once, the manager's message becomes the send report
「送达 3 人」, the replayed press says the survey was sent already, and /results counts the
trainee who started answering.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest

from tests.botproc import TOKEN, BotProcess
from tests.e2e.test_reminders import MANAGER, seed_class
from tests.e2e.test_surveys import labels, message, tap
from tests.fakebot import FakeTelegram

TRAINEES = [3001, 3002, 3003]
TITLE = "专题课程反馈"


class HoldingTelegram(FakeTelegram):
    """The fake Bot API that performs a chosen call (the user sees it) but keeps its answer
    from the bot until released: the bot can be killed right after a reply reached the user."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.hold = None  # a predicate on the call just performed
        self.held = threading.Event()
        self.release = threading.Event()

    async def _api(self, request, token, method):  # type: ignore[no-untyped-def]
        response = await super()._api(request, token, method)
        hold = self.hold
        if hold is not None and method.lower() != "getupdates":
            calls = self.calls()
            if calls and hold(calls[-1]):
                self.hold = None
                self.held.set()
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
        return response


@pytest.fixture
def holding_telegram():  # type: ignore[no-untyped-def]
    with HoldingTelegram(token=TOKEN) as tg:
        yield tg


def invitations(tg, after: int) -> Counter:  # type: ignore[no-untyped-def]
    return Counter(
        call.chat_id
        for call in tg.calls(method="sendMessage", ok=True, after=after)
        if call.chat_id in TRAINEES and TITLE in (call.text or "")
    )


def test_survey_confirmed_before_a_crash_reaches_every_trainee_once(
    holding_telegram, engine, data_dir, database_url
):  # type: ignore[no-untyped-def]
    tg = holding_telegram
    seed_class(data_dir, "语文一班", TRAINEES, database_url=database_url)
    bots: list[BotProcess] = []

    def start() -> BotProcess:
        bot = BotProcess(tg, engine=engine, data_dir=data_dir, database_url=database_url)
        bots.append(bot)
        return bot.start()

    try:
        bot = start()
        mark = tg.mark()
        tg.send_text(user_id=MANAGER, text="/survey", first_name="王芳")
        step = tg.wait_for(
            method="sendMessage", ok=True, chat_id=MANAGER, text_contains="第 1 步", after=mark
        )
        flow = step.message_id
        key = next(label for label in labels(message(tg, MANAGER, flow)) if TITLE in label)
        tap(tg, MANAGER, flow, key, "第 2 步")
        tap(tg, MANAGER, flow, "语文一班（3 人）", "第 3 步")
        tap(tg, MANAGER, flow, "3天后截止", "确认发送问卷")
        confirm = labels(message(tg, MANAGER, flow))["确认发送"]

        # the bot waits in a long poll; from now on it cannot confirm the update it takes
        tg.wait_until(lambda t: any(c.status is None for c in t.calls(method="getUpdates")))
        tg.hold = lambda call: (
            call.method == "editMessageText"
            and call.chat_id == MANAGER
            and "已向" in (call.text or "")
        )
        tg.fail_next("getUpdates", status=502, count=100000)
        crash = tg.mark()
        tg.press_button(user_id=MANAGER, message_id=flow, data=confirm)
        assert tg.held.wait(20), "the send report was never shown"
        bot.kill()
        tg.release.set()
        with tg._cond:  # the restarted bot may confirm updates again
            tg._fail_next.pop("getUpdates", None)

        shown = message(tg, MANAGER, flow)["text"]
        assert "已向「语文一班」的 3 名学员发送问卷" in shown and "编号 1" in shown
        assert not invitations(tg, crash)  # the crash came before any invitation went out

        start()
        tg.wait_until(lambda t: len(invitations(t, crash)) == len(TRAINEES), timeout=30)
        # the manager's message becomes the send report, as without a crash
        tg.wait_until(lambda t: "送达 3 人" in message(t, MANAGER, flow)["text"], timeout=30)
        # the replayed 「确认发送」 creates nothing
        tg.wait_for(
            method="answerCallbackQuery",
            after=crash,
            timeout=20,
            predicate=lambda c: "已经发送过了" in str(c.params.get("text", "")),
        )
        tg.wait_idle(timeout=20, quiet=1)
        assert invitations(tg, crash) == dict.fromkeys(TRAINEES, 1)  # each exactly once

        # a trainee starts answering it; /results counts them against the 3 invited
        first = next(
            call
            for call in tg.calls(method="sendMessage", ok=True, chat_id=TRAINEES[0], after=crash)
            if TITLE in (call.text or "")
        )
        tap(tg, TRAINEES[0], first.message_id, "📝 开始填写", "1/4")
        mark = tg.mark()
        tg.send_text(user_id=MANAGER, text="/results 1", first_name="王芳")
        results = tg.wait_for(
            method="sendMessage", ok=True, chat_id=MANAGER, text_contains="填写中", after=mark
        )
        assert "0/3" in results.text and "填写中 1" in results.text, results.text
        assert "未开始 2" in results.text, results.text
        sent = [c.text or "" for c in tg.calls(method="sendMessage", chat_id=MANAGER, after=crash)]
        assert not [text for text in sent if "已向" in text and "发送问卷" in text], sent
    finally:
        for bot in bots:
            bot.stop()
