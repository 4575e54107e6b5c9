"""What the 「🗑 忽略」 tests share: a chat where trainee 1001 is in 语文一班 (MANAGER) and in
数学二班 (王芳), the junk questions they ask, and a declined question's id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlmodel import select

from bot.db import crud
from bot.db.models import Role
from bot.db.question_models import QuestionLog
from tests.questions.conftest import TRAINEE, Chat, open_chat, text_of

WANG_FANG = 502  # 数学二班's manager
LOTTERY = "双色球开奖号码"
WEATHER = "明天天气怎么样"
SHOWN = "🗂 查看已忽略的"


def open_two_class_chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """open_chat, with 王芳 managing 数学二班, which trainee 1001 joined too."""
    for opened in open_chat(database_url, tmp_path, index_cache):
        with opened.services.session() as session:
            crud.upsert_user(session, user_id=WANG_FANG, first_name="王芳")
            crud.set_role(session, user_id=WANG_FANG, role=Role.manager)
            other = crud.create_class(session, name="数学二班", manager_id=WANG_FANG)
            crud.join_class(session, user_id=TRAINEE, class_id=other.id)
        yield opened


async def declined(chat: Chat, text: str, user_id: int = TRAINEE) -> int:
    """The trainee asks; the bot declines; the question's id."""
    reply = await chat.say(user_id, text)
    assert "没有找到能回答" in text_of(reply), text_of(reply)
    with chat.services.session() as session:
        return max(q.id for q in session.exec(select(QuestionLog)) if q.question == text)
