"""What Telegram would refuse, and surveys big enough to reach its limits.

    problems = telegram_problems(text, buttons)   # [] when Telegram takes the message
    survey_id = seed_big_survey(session, questions=big_questions(25), submitted=250, …)
    write_template(templates_dir, "big50", big_questions(50))

`telegram_problems` checks what Telegram checks of an HTML message: only its tags, each closed
in order, no bare 「<」, at most 4,096 UTF-16 units of visible text (bot.limits), at most 100
buttons, callback data of 1–64 bytes, no empty button text.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import insert, select
from sqlmodel import Session

from bot.chat import Edit, Keyboard, Send
from bot.db import crud
from bot.db import survey_crud as scrud
from bot.db.models import Membership, Role, User, utcnow
from bot.db.survey_models import SurveyAnswer, SurveyResponse
from bot.limits import MAX_BUTTONS, MAX_MESSAGE_UNITS, visible_length

TAGS = {"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre"}
TAGS |= {"span", "tg-spoiler", "tg-emoji", "blockquote"}
_MARKUP = re.compile(r"<(/?)([a-zA-Z][\w-]*)(?:\s[^<>]*)?>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")

# what a long title, class name, option or answer looks like at its worst: HTML characters and
# emoji (two UTF-16 units each)
NASTY = '<b>&"😀'


def message(replies: list) -> Send | Edit:
    """The first message (sent or edited) of a handler's replies."""
    return next(r for r in replies if isinstance(r, Send | Edit))


def last_message(replies: list) -> Send | Edit:
    return [r for r in replies if isinstance(r, Send | Edit)][-1]


def assert_telegram_takes(reply: Send | Edit) -> int:
    """Telegram would send this message; returns its visible length."""
    problems = telegram_problems(reply.text, reply.buttons)
    assert not problems, problems
    return visible_length(reply.text)


def html_problems(text: str) -> list[str]:
    """Why Telegram's HTML parser would refuse `text` ([] when it would not)."""
    problems = []
    stack: list[str] = []
    position = 0
    for match in _MARKUP.finditer(text):
        between = text[position : match.start()]
        if "<" in between or ">" in between:
            problems.append(f"bare < or > near {between[-20:]!r}")
        position = match.end()
        if match.group(0).startswith("&"):
            continue
        closing, name = match.group(1), match.group(2).lower()
        if name not in TAGS:
            problems.append(f"unsupported tag <{name}>")
        elif not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            problems.append(f"</{name}> does not close {stack[-1:] or 'anything'}")
        else:
            stack.pop()
    tail = text[position:]
    if "<" in tail or ">" in tail:
        problems.append(f"bare < or > near {tail[-20:]!r}")
    if stack:
        problems.append(f"unclosed {stack}")
    return problems


def telegram_problems(text: str, buttons: Keyboard = ()) -> list[str]:
    """Every reason Telegram would refuse this message ([]: it would send it)."""
    problems = html_problems(text)
    units = visible_length(text)
    if units > MAX_MESSAGE_UNITS:
        problems.append(f"{units} visible UTF-16 units > {MAX_MESSAGE_UNITS}")
    if not text.strip():
        problems.append("empty text")
    flat = [button for row in buttons for button in row]
    if len(flat) > MAX_BUTTONS:
        problems.append(f"{len(flat)} buttons > {MAX_BUTTONS}")
    for button in flat:
        if not button.text.strip():
            problems.append("a button without text")
        if button.data is not None and not 1 <= len(button.data.encode()) <= 64:
            problems.append(f"callback data {button.data!r}")
    return problems


def big_questions(count: int, text_chars: int = 300) -> list[dict]:
    """`count` questions as long as a template allows (300 characters, ten 30-character
    options), with HTML characters and emoji, cycling likert5, single, multiple, text (a
    template file holds at most 64 KB: 50 questions fit with `text_chars=120`)."""
    questions = []
    for number in range(1, count + 1):
        kind = ("likert5", "single", "multiple", "text")[(number - 1) % 4]
        text = f"第{number}题:您对本次培训第{number}模块(<课程> & “实践”😀)的内容设置、专家授课"
        text = (text + "水平、时间安排以及后勤服务保障等方面是否满意?请如实评价。" * 10)[
            :text_chars
        ]
        question: dict = {"text": text, "kind": kind}
        if kind in ("single", "multiple"):
            question["options"] = [
                f"{number}-{index}选项:非常符合我的实际需要&<期待>😀😀😀😀😀😀😀"[:30]
                for index in range(10)
            ]
        if kind == "text":
            question["required"] = False
        questions.append(question)
    return questions


def long_title(tail: str = "") -> str:
    """A 64-character survey title or class name with HTML characters and emoji, ending in
    `tail` (names of one project differ at the end)."""
    head = f"2026年国培计划{NASTY}示范性项目培训满意度调查(学员版)"
    return (head + "甲乙丙丁戊己庚辛壬癸" * 6)[: 64 - len(tail)] + tail


def write_template(folder: Path, key: str, questions: list[dict], title: str = "") -> None:
    """An uploaded template file of these questions (as /survey lists it)."""
    folder.mkdir(parents=True, exist_ok=True)
    document = {"key": key, "title": title or long_title(), "questions": questions}
    (folder / f"{key}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")


def seed_big_survey(
    session: Session,
    *,
    manager_id: int,
    questions: list[dict],
    submitted: int,
    in_progress: int = 0,
    not_started: int = 0,
    first_user_id: int = 200_000,
    title: str = "",
    class_name: str = "",
    anonymous: bool = False,
) -> int:
    """A class of long-named members and a survey of `questions` they answered: every
    submitted response answers every question (free text: 500 characters with HTML characters
    and emoji). Returns the survey's id."""
    now = utcnow()
    crud.set_role(session, user_id=manager_id, role=Role.manager)
    training_class = crud.create_class(
        session, name=class_name or long_title(f"{first_user_id}班"), manager_id=manager_id
    )
    total = submitted + in_progress + not_started
    user_ids = list(range(first_user_id, first_user_id + total))
    name = (f"<b>张</b>&{'😀' * 20}" + "张" * 64)[:64]
    session.execute(
        insert(User),
        [
            {
                "id": u,
                "first_name": name,
                "last_name": "😀" * 64,
                "role": "trainee",
                "created_at": now,
            }
            for u in user_ids
        ],
    )
    session.execute(
        insert(Membership),
        [
            {"class_id": training_class.id, "user_id": u, "blocked": False, "joined_at": now}
            for u in user_ids
        ],
    )
    survey, _ = scrud.create_survey(
        session,
        class_id=training_class.id,  # type: ignore[arg-type]
        template_key=f"big{first_user_id}",
        title=title or long_title(),
        description="",
        anonymous=anonymous,
        created_by=manager_id,
        closes_at=now + timedelta(days=3),
        nudge_at=None,
        questions=[
            {
                "kind": q["kind"],
                "text": q["text"],
                "required": q.get("required", True),
                "options": q.get("options", []),
                "max_choices": None,
            }
            for q in questions
        ],
    )
    stored = scrud.questions_of(session, survey_id=survey.id)  # type: ignore[arg-type]
    session.execute(
        insert(SurveyResponse),
        [
            {
                "survey_id": survey.id,
                "user_id": u,
                "status": "submitted" if i < submitted else "started",
                "position": len(stored) if i < submitted else 1,
                "started_at": now,
                "updated_at": now,
                "submitted_at": now if i < submitted else None,
            }
            for i, u in enumerate(user_ids[: submitted + in_progress])
        ],
    )
    response_ids = session.execute(
        select(SurveyResponse.id)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.status == "submitted")
        .order_by(SurveyResponse.id)
    ).scalars()
    answer = (f"建议{NASTY}多安排实践活动" * 40)[:500]
    rows = []
    for number, rid in enumerate(response_ids):
        for q in stored:
            row = {"response_id": rid, "question_id": q.id, "updated_at": now}
            row |= {"choice": None, "choices": None, "text": None}
            if q.kind == "text":
                row["text"] = f"{number}号:{answer}"[:500]
            elif q.kind == "multiple":
                row["choices"] = [number % 10, (number + 3) % 10]
            else:
                row["choice"] = number % len(q.options or "12345")
            rows.append(row)
    for start in range(0, len(rows), 2000):
        session.execute(insert(SurveyAnswer), rows[start : start + 2000])
    session.commit()
    return survey.id  # type: ignore[return-value]
