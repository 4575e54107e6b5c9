"""QA18 F6: the same template to the same class with the same closing time, confirmed in two
/survey runs (two course sessions a day), is two surveys; only a repeated tap of one
confirmation (a double tap, or its button replayed after it was sent, also after a restart) is
refused, naming the survey it sent. The late closing-time offer (QA16 L2) confirms the same way.

QA18 F3: 「/results abc」 gives as its example an id of the manager's own surveys, or none."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from bot.db.survey_models import Survey
from tests.surveys.helpers import SurveyEnv, button_data, first_text, notice, texts
from tests.surveys.test_qa15_anonymous_text import age_pending

MANAGER = 500
TRAINEES = [1001, 1002, 1003]
KEY = "course_feedback"


@pytest.fixture
def class_id(env: SurveyEnv) -> int:
    env.manager(MANAGER)
    return env.new_class(MANAGER, TRAINEES, name="云南乡村班")


def confirmation(env: SurveyEnv, class_id: int, days: int = 1) -> str:
    """/survey → 专题课程反馈 → 云南乡村班 → 「N天后截止」: the 「✅ 确认发送」 data."""
    env.command(MANAGER, "/survey")
    env.press(MANAGER, f"sm:1:t:{KEY}")
    env.press(MANAGER, f"sm:1:c:{KEY}:{class_id}")
    page = env.press(MANAGER, f"sm:1:d:{KEY}:{class_id}:{days}")
    assert "确认发送问卷" in first_text(page)
    return button_data(page, "确认发送")


def sent_id(replies: list) -> int:
    text = first_text(replies)
    assert "已向「云南乡村班」的 3 名学员发送问卷" in text, texts(replies)
    return int(text.split("编号 ")[1].split("）")[0])


def surveys(env: SurveyEnv) -> list[Survey]:
    with env.services.session() as session:
        return list(session.exec(select(Survey).order_by(Survey.id)))


def refused_as_sent(replies: list, survey_id: int) -> bool:
    toast = notice(replies)
    return (
        toast is not None
        and toast.alert
        and toast.text == f"这份问卷已经发送过了（#{survey_id}）。"
        and first_text(replies) == ""
    )


def test_two_confirmed_runs_with_the_same_deadline_send_two_surveys(
    env: SurveyEnv, class_id: int
) -> None:
    first = sent_id(env.press(MANAGER, confirmation(env, class_id)))
    # the first session's survey is closed with ⏹ 结束问卷, as in the report
    ask = env.press(MANAGER, f"sr:1:z:{first}")
    env.press(MANAGER, button_data(ask, "确定结束"))
    assert surveys(env)[0].status == "closed"

    second_ok = confirmation(env, class_id)
    second = sent_id(env.press(MANAGER, second_ok))

    assert second != first
    found = surveys(env)
    assert [s.id for s in found] == [first, second]
    assert found[0].closes_at == found[1].closes_at  # the same 「1天后」 deadline
    assert found[1].status == "open"
    assert len(env.delivered) == 2  # two invitations went out
    assert sorted(env.delivered[1]["recipient_ids"]) == TRAINEES


def test_a_double_tap_of_one_confirmation_sends_one_survey(env: SurveyEnv, class_id: int) -> None:
    ok = confirmation(env, class_id)
    survey_id = sent_id(env.press(MANAGER, ok))

    again = env.press(MANAGER, ok)

    assert refused_as_sent(again, survey_id)
    assert [s.id for s in surveys(env)] == [survey_id] and len(env.delivered) == 1


def test_two_taps_at_once_send_one_survey(env: SurveyEnv, class_id: int) -> None:
    ok = confirmation(env, class_id)

    async def both() -> list:
        return await asyncio.gather(
            env.handle(env.press_event(MANAGER, ok)), env.handle(env.press_event(MANAGER, ok))
        )

    replies = asyncio.run(both())

    (survey,) = surveys(env)
    assert sum("已向" in first_text(r) for r in replies) == 1
    assert sum(refused_as_sent(r, survey.id) for r in replies) == 1  # type: ignore[arg-type]
    assert len(env.delivered) == 1


def test_a_replayed_confirmation_is_refused_after_a_restart(
    env: SurveyEnv,
    class_id: int,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok = confirmation(env, class_id)
    survey_id = sent_id(env.press(MANAGER, ok))
    env.close()

    restarted = SurveyEnv.create(database_url, tmp_path, monkeypatch)
    try:
        again = restarted.press(MANAGER, ok)
        assert refused_as_sent(again, survey_id)
        assert [s.id for s in surveys(restarted)] == [survey_id]
        assert restarted.delivered == []
    finally:
        restarted.close()


def test_a_confirmation_shown_before_tokens_still_refuses_its_double_tap(
    env: SurveyEnv, class_id: int
) -> None:
    """A 「✅ 确认发送」 shown before this change carries no token: as before, its closing
    time tells a double tap."""
    ok = confirmation(env, class_id)
    legacy = ok.rsplit(":", 1)[0]
    assert legacy.count(":") == 6

    survey_id = sent_id(env.press(MANAGER, legacy))
    again = env.press(MANAGER, legacy)

    assert refused_as_sent(again, survey_id) and len(surveys(env)) == 1


def test_the_confirmation_data_fits_telegram_for_the_longest_key() -> None:
    from handlers.surveys import MAX_CALLBACK_BYTES, SEND_TOKEN, send_token

    head = f"sm:1:ok:{'k' * 24}:{2**31 - 1}:{2**31 - 1}:abcdef"
    token = send_token(MAX_CALLBACK_BYTES - len(head) - 1)
    assert SEND_TOKEN.fullmatch(token) and len(f"{head}:{token}") <= MAX_CALLBACK_BYTES
    assert len(send_token(40)) == 6


def test_a_forged_token_is_refused(env: SurveyEnv, class_id: int) -> None:
    ok = confirmation(env, class_id)
    forged = ok.rsplit(":", 1)[0] + ":ab-cd"

    refused = env.press(MANAGER, forged)

    toast = notice(refused)
    assert toast is not None and "按钮已失效" in toast.text and surveys(env) == []


def late_offer(env: SurveyEnv, class_id: int, typed: str) -> str:
    """/survey → template → class → ✍️ 输入截止时间, 31 minutes pass, then the closing time is
    typed: the late offer's 「✅ 确认发送」 data (QA16 L2)."""
    env.command(MANAGER, "/survey")
    env.press(MANAGER, f"sm:1:t:{KEY}")
    env.press(MANAGER, f"sm:1:c:{KEY}:{class_id}")
    env.press(MANAGER, f"sm:1:w:{KEY}:{class_id}")
    age_pending(env, MANAGER, minutes=31)
    late = env.text(MANAGER, typed)
    assert any("确认发送问卷" in t for t in texts(late)), texts(late)
    return button_data(late, "确认发送")


def test_the_late_closing_time_offer_goes_through_the_same_check(
    env: SurveyEnv, class_id: int
) -> None:
    ok = late_offer(env, class_id, "下周五 18:00")
    first = sent_id(env.press(MANAGER, ok, message_id=41))
    assert refused_as_sent(env.press(MANAGER, ok, message_id=41), first)

    second = sent_id(env.press(MANAGER, late_offer(env, class_id, "下周五 18:00"), message_id=42))

    found = surveys(env)
    assert [s.id for s in found] == [first, second]
    assert found[0].closes_at == found[1].closes_at and len(env.delivered) == 2


# ----- F3 ------------------------------------------------------------------------------------


def test_a_malformed_id_gives_an_existing_id_as_the_example(env: SurveyEnv, class_id: int) -> None:
    first = sent_id(env.press(MANAGER, confirmation(env, class_id)))
    newest = sent_id(env.press(MANAGER, confirmation(env, class_id, days=3)))
    assert newest != 3 or first != 3

    said = texts(env.command(MANAGER, "/results abc"))

    assert said == [f"请写问卷编号，例如：/results {newest}；不写编号则列出您的问卷。"]


def test_a_malformed_id_of_another_managers_survey_is_not_the_example(
    env: SurveyEnv, class_id: int
) -> None:
    sent_id(env.press(MANAGER, confirmation(env, class_id)))
    other = env.manager(600)

    said = " ".join(texts(env.command(other, "/results abc")))

    assert "/results 1" not in said and "例如" not in said
    assert "您还没有发起过问卷" in said and "/survey" in said
