"""A photo is uploaded with its file name on both engines, as a document is (QA 5c L4:
python-telegram-bot sent the survey chart as 「application.octet-stream」). The real bot
process, with a `sitecustomize` on its PYTHONPATH whose conversation answers `/photo` with a
chart as the survey results do; the engine, its library and HTTP are what runs in production."""

from __future__ import annotations

import os
from pathlib import Path

USER = 1001
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PHOTO_REPLY = f"""
import bot.conversation as conversation
from bot.chat import SendFile

_handle = conversation.Conversation.handle


async def handle(self, event):
    if event.text == "/photo":
        return [SendFile({PNG!r}, "survey_7.png", caption="图表", as_photo=True)]
    return await _handle(self, event)


conversation.Conversation.handle = handle
"""


def test_a_photo_keeps_its_file_name(start_bot, fake_telegram, tmp_path: Path) -> None:
    tg = fake_telegram
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(PHOTO_REPLY, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH", "")) if p)
    start_bot(extra_env={"PYTHONPATH": path})

    tg.send_text(USER, "/photo")
    photo = tg.wait_for(method="sendPhoto", chat_id=USER, ok=True)

    assert photo.files["photo"] == PNG
    assert photo.file_info["photo"]["filename"] == "survey_7.png"
    assert photo.text == "图表"
