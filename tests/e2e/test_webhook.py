"""Webhook mode on both engines (WEBHOOK_URL set): the fake server posts each update to the
bot's own web server, as Telegram does; a post without the secret is refused and answered
nothing; an update sent while the bot is down is answered once, after it restarts; an update
being handled when the process is killed is posted again and handled after the restart."""

from __future__ import annotations

import socket
import time

import httpx

ADMIN, TRAINEE = 900, 1001
SECRET = "s3cret-token_for-tests"
QUESTION = "参训教师年龄有什么要求"
NOTICE = (
    "title: 关于开展2026年乡村教师书法研修营的通知\n"
    "---\n"
    "一、研修营安排\n"
    "(一)书法研修营于每年暑假在云南大理举办,每期十天,参训学员须自带毛笔和宣纸。\n"
).encode()


def webhook_env() -> dict[str, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    return {"WEBHOOK_URL": url, "WEBHOOK_PORT": str(port), "WEBHOOK_SECRET": SECRET}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command_update(update_id: int, user_id: int, command: str) -> dict:
    person = {"id": user_id, "is_bot": False, "first_name": "张老师"}
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "张老师"},
        "from": person,
        "text": command,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
    }
    return {"update_id": update_id, "message": message}


def test_webhook_answers_refuses_unsigned_posts_and_keeps_updates_through_a_restart(
    start_bot, fake_telegram
):
    tg = fake_telegram
    env = webhook_env()
    url = env["WEBHOOK_URL"]
    bot = start_bot(extra_env=env)
    (registered,) = tg.calls(method="setWebhook")
    assert registered.params["url"] == url and registered.params["secret_token"] == SECRET
    assert not tg.calls(method="getUpdates")

    mark = tg.mark()
    tg.send_text(user_id=TRAINEE, text="/start")
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="国培", after=mark)
    tg.send_text(user_id=TRAINEE, text=QUESTION)
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="周岁", after=mark)
    tg.wait_until(lambda tg: tg.stats()["pending_updates"] == 0)  # each post answered 200

    # Someone who found the address but not the secret: refused, and nothing is sent.
    mark = tg.mark()
    forged = command_update(900_001, TRAINEE, "/help")
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        assert httpx.post(url, json=forged, headers=headers).status_code == 403
    # Signed posts that are no update: refused alike on both engines, nothing sent, the bot up;
    # an update of a kind the bot does not take is accepted, or Telegram would send it again.
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for body, status in [
        ({"content": b"{not json"}, 400),
        ({"json": [1, 2]}, 400),
        ({"json": {"update_id": 900_004, "poll": {"id": "1"}}}, 200),
    ]:
        assert httpx.post(url, headers=headers, **body).status_code == status, body
    signed = command_update(900_002, TRAINEE, "/help")
    assert httpx.post(url, json=signed, headers=headers).status_code == 200
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, after=mark)
    assert len(tg.calls(method="sendMessage", after=mark)) == 1

    # The bot is down: the update waits in the queue, retried, and is answered once after.
    assert bot.stop() == 0
    refusals = tg.stats()["webhook_refusals"]
    mark = tg.mark()
    tg.send_text(user_id=TRAINEE, text=QUESTION)
    tg.wait_until(lambda tg: tg.stats()["webhook_refusals"] > refusals)
    assert tg.stats()["pending_updates"] == 1
    restarted = start_bot(extra_env=env)
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="周岁", after=mark)
    tg.wait_until(lambda tg: tg.stats()["pending_updates"] == 0)
    answers = [c for c in tg.calls(method="sendMessage", after=mark) if "周岁" in (c.text or "")]
    assert len(answers) == 1
    restarted.stop()
    for log in (bot.log(), restarted.log()):
        assert tg.token not in log and SECRET not in log and "webhook" in log.lower()


def test_an_update_cut_off_by_a_crash_is_posted_again_and_handled(start_bot, fake_telegram):
    tg = fake_telegram
    env = webhook_env()
    bot = start_bot(admin_ids=str(ADMIN), extra_env=env)
    mark = tg.mark()
    tg.send_document(user_id=ADMIN, filename="书法研修营.txt", content=NOTICE)
    tg.wait_for(method="getFile", after=mark)  # the upload is being handled: kill the process
    bot.kill()
    start_bot(admin_ids=str(ADMIN), extra_env=env)
    tg.wait_for(method="sendMessage", chat_id=ADMIN, text_contains="已加入知识库", after=mark)
    tg.send_text(user_id=TRAINEE, text="书法研修营在哪里举办")
    tg.wait_for(method="sendMessage", chat_id=TRAINEE, text_contains="大理", after=mark)
