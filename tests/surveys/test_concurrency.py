"""500 trainees answer the same survey at once, double-tapping as they go, through the real
Conversation on SQLite and PostgreSQL: every answer is stored exactly once."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.survey_models import SurveyAnswer, SurveyResponse
from tests.surveys.helpers import SurveyEnv, button_data, first_text

TRAINEES = 500
MANAGER = 500
PROGRESS = re.compile(r"</b>  (\d+)/\d+")


def progress(replies: list) -> int:
    """The question number a page shows (the review and the thank-you page count as last)."""
    found = PROGRESS.search(first_text(replies))
    return int(found.group(1)) if found else 1000


@pytest.mark.timeout(240)
def test_500_trainees_at_once(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = SurveyEnv.create(database_url, tmp_path, monkeypatch)
    env.manager(MANAGER)
    trainees = list(range(10_000, 10_000 + TRAINEES))
    class_id = env.new_class(MANAGER, trainees)
    survey_id = env.send_survey(MANAGER, class_id, "course_feedback")
    pool = ThreadPoolExecutor(max_workers=24)

    async def press(user: int, data: str) -> list:
        return await asyncio.get_running_loop().run_in_executor(
            pool, env.run, env.press_event(user, data, message_id=user)
        )

    async def double_tap(user: int, data: str) -> list:
        first, second = await asyncio.gather(press(user, data), press(user, data))
        return max(first, second, key=progress)

    async def trainee(user: int) -> None:
        choice = user % 3
        page = await press(user, f"sv:1:s:{survey_id}")
        page = await double_tap(user, button_data(page, ["偏难", "适中", "偏易"][choice]))
        page = await press(user, button_data(page, "案例研讨"))
        page = await press(user, button_data(page, "线上研修"))
        page = await press(user, button_data(page, "选好了"))
        page = await double_tap(user, button_data(page, "满意"))
        text = await asyncio.get_running_loop().run_in_executor(
            pool, env.run, env.text_event(user, f"学员{user}的建议")
        )
        review = text[-1:]
        assert "请核对" in first_text(review), first_text(review)
        done = await double_tap(user, button_data(review, "提交"))
        assert "已提交" in first_text(done) or "已经提交" in str(done)

    async def everyone() -> None:
        await asyncio.gather(*(trainee(user) for user in trainees))

    try:
        asyncio.run(everyone())
    finally:
        pool.shutdown()
    with env.services.session() as session:
        submitted = session.execute(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.survey_id == survey_id, SurveyResponse.status == "submitted")
        ).scalar_one()
        per_response = list(
            session.execute(
                select(SurveyAnswer.response_id, func.count()).group_by(SurveyAnswer.response_id)
            )
        )
        rows = list(
            session.execute(
                select(
                    SurveyResponse.user_id,
                    SurveyAnswer.choice,
                    SurveyAnswer.choices,
                    SurveyAnswer.text,
                ).join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
            )
        )
    env.close()
    assert submitted == TRAINEES
    assert len(per_response) == TRAINEES and {count for _, count in per_response} == {4}
    assert len(rows) == 4 * TRAINEES
    for user_id, choice, choices, text in rows:
        assert choice in (None, user_id % 3, 1)
        assert choices in (None, [0, 4])
        assert text in (None, f"学员{user_id}的建议")
