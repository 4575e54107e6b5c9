"""Seed a survey with many responses straight into the database (for results, exports, bench).

survey_id = seed_survey(services, submitted=200, in_progress=20, not_started=30, anonymous=True)
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert

from bot.db import crud
from bot.db import survey_crud as scrud
from bot.db.models import Membership, User, utcnow
from bot.db.survey_models import SurveyAnswer, SurveyResponse
from bot.services import Services
from bot.surveys.templates import load_templates

TEXTS = ["希望增加课堂观摩", "专家讲得很好", "住宿条件一般", "建议延长研讨时间", "收获很大"]


def seed_survey(
    services: Services,
    *,
    submitted: int,
    in_progress: int = 0,
    not_started: int = 0,
    anonymous: bool | None = None,
    template_key: str = "course_feedback",
    manager_id: int = 500,
    first_user_id: int = 100_000,
    seed: int = 7,
) -> int:
    """A class of submitted + in_progress + not_started members, answered at random."""
    rng = random.Random(seed)
    template = load_templates().templates[template_key]
    spec = template.spec
    now = utcnow()
    total = submitted + in_progress + not_started
    user_ids = list(range(first_user_id, first_user_id + total))
    with services.session() as session:
        crud.set_role(session, user_id=manager_id, role="manager")  # type: ignore[arg-type]
        training_class = crud.create_class(session, name="测试班", manager_id=manager_id)
        class_id = training_class.id
        session.execute(
            insert(User),
            [
                {
                    "id": u,
                    "first_name": f"学员{u}",
                    "last_name": "",
                    "role": "trainee",
                    "created_at": now,
                }
                for u in user_ids
            ],
        )
        session.execute(
            insert(Membership),
            [
                {"class_id": class_id, "user_id": u, "blocked": False, "joined_at": now}
                for u in user_ids
            ],
        )
        survey, _ = scrud.create_survey(
            session,
            class_id=class_id,  # type: ignore[arg-type]
            template_key=template_key,
            title=spec.title,
            description=spec.description,
            anonymous=spec.anonymous if anonymous is None else anonymous,
            created_by=manager_id,
            closes_at=now + timedelta(days=3),
            nudge_at=None,
            questions=[
                {
                    "kind": q.kind,
                    "text": q.text,
                    "required": q.required,
                    "options": list(q.options),
                    "max_choices": q.max_choices,
                }
                for q in spec.questions
            ],
        )
        questions = scrud.questions_of(session, survey_id=survey.id)  # type: ignore[arg-type]
        responders = user_ids[: submitted + in_progress]
        if not responders:
            session.commit()
            return survey.id  # type: ignore[return-value]
        session.execute(
            insert(SurveyResponse),
            [
                {
                    "survey_id": survey.id,
                    "user_id": u,
                    "status": "submitted" if i < submitted else "started",
                    "position": len(questions) if i < submitted else 1,
                    "started_at": now,
                    "updated_at": now,
                    "submitted_at": now if i < submitted else None,
                }
                for i, u in enumerate(responders)
            ],
        )
        response_ids = [
            rid
            for (rid,) in session.execute(
                SurveyResponse.__table__.select()
                .with_only_columns(SurveyResponse.id)
                .where(SurveyResponse.survey_id == survey.id)
                .order_by(SurveyResponse.id)
            )
        ]
        answers = []
        for index, rid in enumerate(response_ids):
            asked = questions if index < submitted else questions[:1]
            for q in asked:
                row = {
                    "response_id": rid,
                    "question_id": q.id,
                    "choice": None,
                    "choices": None,
                    "text": None,
                    "updated_at": now,
                }
                if q.kind == "text":
                    if rng.random() < 0.6:
                        row["text"] = rng.choice(TEXTS)
                    else:
                        continue
                elif q.kind == "multiple":
                    count = len(q.options)
                    row["choices"] = sorted(rng.sample(range(count), rng.randint(1, count)))
                else:
                    count = 5 if q.kind == "likert5" else len(q.options)
                    row["choice"] = min(int(rng.triangular(0, count, 1)), count - 1)
                answers.append(row)
        for start in range(0, len(answers), 5000):
            session.execute(insert(SurveyAnswer), answers[start : start + 5000])
        session.commit()
        return survey.id  # type: ignore[return-value]
