"""Lists and pickers that name surveys and classes (QA 5b L2, M3): /mysurveys names the class
of each survey and is bounded; the survey class picker tells apart class names that differ only
at the end or in the middle."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db import survey_crud as scrud
from bot.db.models import utcnow
from bot.limits import visible_text
from tests.surveys.helpers import SurveyEnv, buttons
from tests.surveys.limits_helpers import assert_telegram_takes, long_title, message

MANAGER = 500


@pytest.fixture
def env(env: SurveyEnv) -> SurveyEnv:
    env.manager(MANAGER)
    return env


# ---------------------------------------------------------------- L2: /mysurveys


def test_mysurveys_names_each_class_and_is_bounded(env: SurveyEnv) -> None:
    trainee = 1001
    class_ids = [
        env.new_class(MANAGER, [trainee], name=long_title(f"第{n}期")) for n in range(1, 16)
    ]
    with env.services.session() as session:
        for number, class_id in enumerate(class_ids):
            scrud.create_survey(
                session,
                class_id=class_id,
                template_key="guopei_satisfaction",
                title=long_title(),  # the same template in every class
                description="",
                anonymous=False,
                created_by=MANAGER,
                closes_at=utcnow() + timedelta(days=3, minutes=number),
                nudge_at=None,
                questions=[{"kind": "likert5", "text": "总体", "options": []}],
            )
    mine = message(env.command(trainee, "/mysurveys"))
    assert_telegram_takes(mine)
    visible = visible_text(mine.text)
    names = [long_title(f"第{n}期") for n in range(1, 16)]
    assert all(name in visible for name in names[:10])  # the class of each, in full
    assert names[10] not in visible
    assert "还有 5 份待填问卷" in visible
    labels = [t for t, _ in buttons([mine])]
    assert len(labels) == 10 and len(set(labels)) == 10
    assert all(f"第{n}期" in label for n, label in zip(range(1, 11), labels, strict=True))


# ---------------------------------------------------------------- M3: the survey class picker


def test_survey_class_picker_tells_long_names_apart(env: SurveyEnv) -> None:
    stem = "2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班第{}期"
    for number in range(1, 13):
        env.new_class(MANAGER, [1001], name=stem.format(number))
    # two names that differ only in the middle, which the cut leaves out
    twin = long_title("甲")
    env.new_class(MANAGER, [1001], name=twin)
    env.new_class(MANAGER, [1001], name=twin[:30] + "乙" + twin[31:])
    env.command(MANAGER, "/survey")
    picker = message(env.press(MANAGER, "sm:1:t:guopei_satisfaction"))
    assert_telegram_takes(picker)
    labels = [t for t, d in buttons([picker]) if d.startswith("sm:1:c:")]
    assert len(labels) == 14 and len(set(labels)) == 14, labels
    for number in range(1, 13):
        assert any(label.endswith(f"第{number}期（1 人）") for label in labels), labels
    assert sum("加入码" in label for label in labels) == 2, labels
    assert all(len(label) <= 40 for label in labels), labels
