"""An update the bot handled is handled once, even when the bot is SIGKILLed before it confirmed
the update to Telegram (QA finding F12), on both engines with SQLite and PostgreSQL.

Long polling confirms an update only at the next getUpdates (its `offset`). Here that next
call fails (the fake Bot API answers getUpdates with 502, as a network outage would) while the
bot handles a manager's `/newclass 崩溃班` and replies; once the handling has finished (the
bot stored the update's id) the bot is killed, and Telegram still holds the update. The
restarted bot gets it again, and must not answer it again: the manager sees the creation
once, and no 「您已经有一个叫「崩溃班」的培训班了」.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlalchemy import text

from bot.db.session import make_engine

ADMIN, MANAGER = 900, 501
CREATED = "已创建培训班「崩溃班」"
ALREADY = "已经有一个叫"


def unconfirmed_update_ids(tg) -> list[int]:
    """The ids of the updates Telegram still holds (getUpdates without an offset confirms
    nothing), once the getUpdates failures left over from the test are used up."""
    url = f"{tg.api_url}/bot{tg.token}/getUpdates"
    for _ in range(2000):
        request = urllib.request.Request(
            url,
            data=json.dumps({"timeout": 0}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return [u["update_id"] for u in json.load(response)["result"]]
        except urllib.error.HTTPError as error:
            assert error.code == 502, error
    raise AssertionError("getUpdates kept failing")


def handled(database_url: str, update_id: int) -> bool:
    """Whether the bot stored the update as handled (its replies performed)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM handled_updates WHERE update_id = :id")
            return connection.execute(query, {"id": update_id}).scalar_one() == 1
    finally:
        engine.dispose()


def sent_to_manager(tg, after: int) -> list[str]:
    return [c.text for c in tg.calls(method="sendMessage", chat_id=MANAGER, after=after, ok=True)]


def test_an_update_handled_before_a_crash_is_not_answered_again(
    start_bot, fake_telegram, database_url
):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN), database_url=database_url)
    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    tg.wait_for(method="sendMessage", chat_id=MANAGER, text_contains="您已被设为班主任")
    tg.wait_until(
        lambda tg: any(c.status is None for c in tg.calls(method="getUpdates"))
    )  # the bot waits in a long poll: the update comes back in it

    mark = tg.mark()
    tg.fail_next("getUpdates", status=502, count=1000)  # no confirmation reaches Telegram
    update_id = tg.send_text(user_id=MANAGER, text="/newclass 崩溃班", first_name="王芳")
    tg.wait_for(method="sendMessage", chat_id=MANAGER, text_contains=CREATED, after=mark)
    tg.wait_until(lambda tg: handled(database_url, update_id))
    bot.kill()
    assert update_id in unconfirmed_update_ids(tg)  # the crash came before the confirmation

    restart = tg.mark()
    start_bot(admin_ids=str(ADMIN), database_url=database_url)
    tg.wait_until(
        lambda tg: any(
            update_id in [u["update_id"] for u in c.response or []]
            for c in tg.calls(method="getUpdates", after=restart, ok=True)
        )
    )  # Telegram gave the update to the restarted bot
    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")  # after the replayed update

    assert listing.text.count("• 崩溃班") == 1
    replies = sent_to_manager(tg, mark)
    assert len([text for text in replies if CREATED in text]) == 1, replies
    assert not [text for text in replies if ALREADY in text], replies


def test_handled_update_ids_are_kept_two_days(database_url):
    """Telegram gives an unconfirmed update again for 24 hours: an id is kept that long (two
    days), then pruned, and storing one twice is harmless."""
    from datetime import timedelta

    from sqlmodel import Session

    from bot.db import crud
    from bot.db.models import utcnow
    from bot.db.session import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    now = utcnow()
    try:
        with Session(engine) as session:
            crud.mark_handled(session, update_id=7, now=now - timedelta(days=3))
            crud.mark_handled(session, update_id=8, now=now - timedelta(hours=25))
            crud.mark_handled(session, update_id=8, now=now)
            assert crud.forget_handled(session, now=now) == 1
            assert not crud.was_handled(session, update_id=7)
            assert crud.was_handled(session, update_id=8)
            assert not crud.was_handled(session, update_id=9)
    finally:
        engine.dispose()
