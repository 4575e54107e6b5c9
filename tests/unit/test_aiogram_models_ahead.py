"""The aiogram engine builds the models its first update and replies need ahead, in the
background once it polls (QA 5c L6: the first reply after each start was ≈ 0.5 s late). Run in
a fresh interpreter, since aiogram's models are built once per process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

FIRST_UPDATE_AND_REPLY = textwrap.dedent(
    """
    import json
    import pydantic._internal._model_construction as construction

    from bot.engines import aiogram as engine
    from aiogram.methods import Response, SendMessage
    from aiogram.types import Message, Update

    complete = construction.complete_model_class
    built = []

    def counted(model, *args, **kwargs):
        built.append(model.__qualname__)
        return complete(model, *args, **kwargs)

    construction.complete_model_class = counted
    before = SendMessage.__pydantic_complete__
    import threading
    engine.ModelsBuiltAheadSession.build(threading.Event())
    ahead = list(built)
    built.clear()
    # What the first /help does: the getUpdates answer, the reply, Telegram's answer to it.
    user = {"id": 5, "is_bot": False, "first_name": "x"}
    chat = {"id": 5, "type": "private", "first_name": "x"}
    message = {"message_id": 3, "from": user, "chat": chat, "date": 1, "text": "/help"}
    update = {"update_id": 1, "message": message}
    Response[list[Update]].model_validate({"ok": True, "result": [update]})
    SendMessage(chat_id=5, text="hi").model_dump()
    Response[Message].model_validate({"ok": True, "result": message})
    print(json.dumps({"before": before, "ahead": ahead, "after": built}))
    """
)


def test_the_first_update_and_reply_find_their_models_built() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", FIRST_UPDATE_AND_REPLY],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    seen = json.loads(done.stdout.splitlines()[-1])

    assert seen["before"] is False, "the import built SendMessage: nothing is left to build ahead"
    assert {"Response[list[Update]]", "SendMessage", "Response[Message]"} <= set(seen["ahead"])
    assert seen["after"] == [], f"built on first use all the same: {seen['after']}"
