"""Forged button data with ids the database cannot hold (QA 6a finding 5), through the
conversation core on SQLite and PostgreSQL: every prefix answers an id from 2^31 up, a 64-bit
overflow, or a digit that is not ASCII (「²」「١」「１」) with its stale-button toast, logs no
ERROR and changes nothing. Ids are 32-bit INTEGER columns on PostgreSQL: before the checked
parser (`routing.parse_number`) such a press was 「处理时出了点问题」 and a traceback."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import func, select

from bot.chat import Notice
from bot.db.reminder_models import Broadcast
from bot.db.survey_models import Survey
from tests.questions.conftest import ADMIN, MANAGER, TRAINEE, button, text_of

# Out of range for a 32-bit id, beyond SQLite's 64-bit INTEGER, or not an ASCII decimal.
OUT_OF_RANGE = (
    "2147483648",
    "99999999999",
    "999999999999",
    "9223372036854775808",
    "1" + "0" * 30,
    "²",
    "١",
    "１",
    "-1",
)
# A closing time no datetime can hold (one up to 9999 is a time, refused as too far ahead).
BAD_TIMESTAMPS = ("9223372036854775808", "1" + "0" * 30, "²", "١", "１", "-1")

# (who presses, data with {x} for the forged number); {draft} and {class_id} are real.
CASES = {
    "bc": [
        (MANAGER, "bc:1:cls:{draft}:{x}"),
        (MANAGER, "bc:1:ok:{draft}:{x}"),
        (MANAGER, "bc:1:cls:{x}:{class_id}"),
        (MANAGER, "bc:1:ok:{x}:{class_id}"),
        (MANAGER, "bc:1:no:{x}"),
        (MANAGER, "bc:1:pg:{x}:0"),
    ],
    "bcr": [(MANAGER, "bcr:1:{x}")],
    "kbc": [(ADMIN, "kbc:1:rt:{x}:0"), (ADMIN, "kbc:1:ok:{x}:0")],
    "sm": [
        (MANAGER, "sm:1:c:guopei_satisfaction:{x}"),
        (MANAGER, "sm:1:d:guopei_satisfaction:{x}:3"),
        (MANAGER, "sm:1:w:guopei_satisfaction:{x}"),
        (MANAGER, "sm:1:ok:guopei_satisfaction:{x}:4102444800"),
    ],
    "sv": [
        (TRAINEE, "sv:1:s:{x}"),
        (TRAINEE, "sv:1:a:{x}:1:0:1"),
        (TRAINEE, "sv:1:a:1:{x}:0:1"),
        (TRAINEE, "sv:1:t:1:1:{x}:1"),
        (TRAINEE, "sv:1:n:1:1:{x}"),
        (TRAINEE, "sv:1:u:{x}:1:0"),
    ],
    "sr": [
        (MANAGER, f"sr:1:{action}:{{x}}") for action in ("v", "r", "x", "c", "n", "z", "zz", "p")
    ],
    # the class id is read before the deadline's key is looked up
    "dl": [(MANAGER, "dl:1:pk:0123abcdef:{x}"), (MANAGER, "dl:1:set:0123abcdef:{x}:1")],
    # questions, members and reminders
    "kb": [(TRAINEE, "kb:1:ho:{x}"), (TRAINEE, "kb:1:fb:{x}:up"), (TRAINEE, "kb:1:pg:{x}:1")],
    "kbm": [(MANAGER, "kbm:1:ans:{x}"), (MANAGER, "kbm:1:cur:{x}")],
    "cm": [(MANAGER, "cm:1:ls:{x}:0"), (MANAGER, f"cm:1:rm:{{x}}:{TRAINEE}")],
    "rm": [(MANAGER, "rm:1:ok:{x}"), (MANAGER, "rm:1:no:{x}"), (MANAGER, "rm:1:td:{x}")],
}


def counts(chat) -> tuple[int, int, list[str]]:  # type: ignore[no-untyped-def]
    """Broadcasts, surveys and the drafts' statuses: what a forged press may not change."""
    with chat.services.session() as session:
        broadcasts = session.exec(select(Broadcast)).all()
        surveys = session.exec(select(func.count()).select_from(Survey)).one()
        return len(broadcasts), surveys, [str(b.status) for b in broadcasts]


@pytest.mark.parametrize("prefix", list(CASES))
async def test_an_id_out_of_range_gets_the_stale_button_toast(
    chat,  # type: ignore[no-untyped-def]
    prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    offer = await chat.say(MANAGER, "/broadcast 明天上午9点在报告厅集合")
    draft, class_id = button(offer, "确认发送").split(":")[3:]
    before = counts(chat)
    caplog.set_level(logging.INFO)

    for who, template in CASES[prefix]:
        for x in OUT_OF_RANGE:
            data = template.format(x=x, draft=draft, class_id=class_id)
            replies = await chat.press(who, data)
            assert len(replies) == 1 and isinstance(replies[0], Notice), (data, replies)
            assert replies[0].alert, data
            assert "失效" in replies[0].text or "无效" in replies[0].text, (data, text_of(replies))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    assert counts(chat) == before


@pytest.mark.parametrize("forged", BAD_TIMESTAMPS)
async def test_a_closing_time_out_of_range_is_refused(chat, forged: str, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    await chat.say(MANAGER, "/survey")
    chosen = await chat.press(MANAGER, "sm:1:t:guopei_satisfaction")
    class_id = button(chosen, "语文一班").split(":")[-1]
    (refusal,) = await chat.press(MANAGER, f"sm:1:ok:guopei_satisfaction:{class_id}:{forged}")
    assert isinstance(refusal, Notice) and refusal.text == "这个按钮已失效，请重新发送 /survey。"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert counts(chat)[1] == 0


@pytest.mark.parametrize("typed", ["١", "2147483648", "-1", "1e3"])
async def test_results_with_a_number_that_is_no_survey_id_says_how_to_write_it(
    chat,  # type: ignore[no-untyped-def]
    typed: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    (reply,) = await chat.say(MANAGER, f"/results {typed}")
    # this manager has sent no survey: no example number that would not exist (QA18 F3)
    assert reply.text == "请写问卷编号。您还没有发起过问卷，发送 /survey 发起一份。"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("typed", ["３", "³"])
async def test_results_reads_a_full_width_digit_as_a_digit(chat, typed: str) -> None:  # type: ignore[no-untyped-def]
    (reply,) = await chat.say(MANAGER, f"/results {typed}")
    assert "没有编号为 3 的问卷" in reply.text
