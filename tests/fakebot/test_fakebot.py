"""Tests of the fake Telegram Bot API server, driven by the real client libraries.

python-telegram-bot and aiogram talk to it over real HTTP on loopback, exactly as the bot
process does in the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import warnings

import httpx
import pytest

from tests.fakebot import Call, FakeTelegram

TOKEN = "123456:TEST-token"


@pytest.fixture
def tg():
    with FakeTelegram(token=TOKEN) as server:
        yield server


def ptb_bot(tg: FakeTelegram, token: str | None = None):
    import telegram

    return telegram.Bot(
        token or tg.token, base_url=f"{tg.api_url}/bot", base_file_url=f"{tg.api_url}/file/bot"
    )


def aiogram_bot(tg: FakeTelegram, token: str | None = None):
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.api_url))
    return Bot(token or tg.token, session=session)


# ------------------------------------------------------------------ python-telegram-bot


def test_ptb_get_me_send_edit(tg: FakeTelegram):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest

    async def main():
        async with ptb_bot(tg) as bot:
            me = await bot.get_me()
            assert me.is_bot and me.id == 123456 and me.username == "guopei_test_bot"
            kb = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("报名", callback_data="sv:1:yes"),
                        InlineKeyboardButton("网站", url="https://x.org"),
                    ]
                ]
            )
            m = await bot.send_message(1001, "欢迎参加国培", reply_markup=kb)
            assert m.message_id == 1 and m.chat.id == 1001 and m.text == "欢迎参加国培"
            assert m.from_user.id == me.id
            assert m.reply_markup.inline_keyboard[0][0].callback_data == "sv:1:yes"
            m2 = await bot.send_message(1001, "第二条")
            assert m2.message_id == 2
            e = await bot.edit_message_text("已报名", chat_id=1001, message_id=1, reply_markup=kb)
            assert e.text == "已报名" and e.edit_date is not None
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("已报名", chat_id=1001, message_id=1, reply_markup=kb)
            with pytest.raises(BadRequest, match="not found"):
                await bot.edit_message_text("x", chat_id=1001, message_id=99)
            # editing without reply_markup removes the inline keyboard (as Telegram does)
            await bot.edit_message_text("完成", chat_id=1001, message_id=1)
            await bot.send_chat_action(1001, "typing")
            assert await bot.set_my_commands([("start", "开始"), ("help", "帮助")])
            cmds = await bot.get_my_commands()
            assert [c.command for c in cmds] == ["start", "help"]
            assert await bot.delete_my_commands()
            assert await bot.delete_webhook()
            chat = await bot.get_chat(1001)
            assert chat.id == 1001 and chat.type == "private"
            assert await bot.delete_message(1001, 2)

    asyncio.run(main())
    call = tg.wait_for(method="sendMessage", chat_id=1001, text_contains="欢迎")
    assert isinstance(call, Call) and call.status == 200
    assert call.buttons == [("报名", "sv:1:yes"), ("网站", "https://x.org")]
    assert call.reply_markup["inline_keyboard"][0][0]["text"] == "报名"
    msgs = tg.messages_in_chat(1001)
    assert list(msgs) == [1]
    assert msgs[1]["text"] == "完成" and "reply_markup" not in msgs[1]
    stats = tg.stats()
    assert stats["calls"]["editMessageText"] == 4
    assert stats["unique_deliveries"] == 2 and stats["duplicates"] == 0


def test_ptb_long_poll_text_and_callback(tg: FakeTelegram):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

    async def main():
        async with ptb_bot(tg) as bot:
            m = await bot.send_message(
                1001,
                "选一个",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("一", callback_data="pick:1")]]
                ),
            )
            t0 = time.monotonic()
            loop = asyncio.get_running_loop()
            loop.call_later(0.3, tg.send_text, 1001, "/start hello")
            ups = await bot.get_updates(timeout=5)
            waited = time.monotonic() - t0
            assert 0.25 < waited < 3, waited
            assert len(ups) == 1 and isinstance(ups[0], Update)
            msg = ups[0].message
            assert msg.text == "/start hello" and msg.from_user.first_name == "张老师"
            assert msg.chat.type == "private" and msg.chat.id == 1001
            assert msg.entities[0].type == "bot_command" and msg.entities[0].length == 6
            assert msg.message_id == 2  # per-chat ids shared by user and bot messages

            qid = tg.press_button(1001, m.message_id, "pick:1")
            ups2 = await bot.get_updates(offset=ups[0].update_id + 1, timeout=5)
            cq = ups2[0].callback_query
            assert cq.id == qid and cq.data == "pick:1" and cq.from_user.id == 1001
            assert cq.message.message_id == m.message_id and cq.message.text == "选一个"
            assert await bot.answer_callback_query(cq.id, text="好")
            # empty long poll returns after the timeout
            t0 = time.monotonic()
            assert await bot.get_updates(offset=ups2[0].update_id + 1, timeout=1) == ()
            assert 0.9 < time.monotonic() - t0 < 3

    asyncio.run(main())
    assert tg.pending_updates() == 0
    with pytest.raises(AssertionError, match="no button"):
        tg.press_button(1001, 1, "nope")


def test_ptb_files_upload_and_download(tg: FakeTelegram):
    async def main():
        async with ptb_bot(tg) as bot:
            doc = await bot.send_document(
                1001, document=b"col1,col2\n1,2\n", filename="名单.csv", caption="学员名单"
            )
            assert doc.document.file_name == "名单.csv"
            assert doc.caption == "学员名单"
            photo = await bot.send_photo(1001, photo=b"\x89PNG fake", filename="a.png")
            assert photo.photo[-1].file_size == len(b"\x89PNG fake")
            f = await bot.get_file(doc.document.file_id)
            assert bytes(await f.download_as_bytearray()) == b"col1,col2\n1,2\n"
            # a file the user sent
            tg.send_document(1001, "作业.txt", "我的作业".encode(), "text/plain", caption="交作业")
            ups = await bot.get_updates(timeout=5)
            d = ups[0].message.document
            assert d.file_name == "作业.txt" and ups[0].message.caption == "交作业"
            f2 = await d.get_file()
            assert bytes(await f2.download_as_bytearray()) == "我的作业".encode()
            # re-send by file_id
            again = await bot.send_document(1002, document=d.file_id)
            assert again.document.file_id == d.file_id

    asyncio.run(main())
    call = tg.wait_for(method="sendDocument", chat_id=1001)
    assert call.files["document"] == b"col1,col2\n1,2\n"
    assert call.text == "学员名单"


def test_ptb_errors(tg: FakeTelegram):
    from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

    tg.blocked_users.add(2001)
    tg.deactivated_users.add(2002)

    async def main():
        async with ptb_bot(tg) as bot:
            with pytest.raises(Forbidden, match="blocked by the user"):
                await bot.send_message(2001, "hi")
            with pytest.raises(Forbidden, match="deactivated"):
                await bot.send_message(2002, "hi")
            tg.flood_limit_per_second = 3
            for i in range(3):
                await bot.send_message(1001, f"m{i}")
            with pytest.raises(RetryAfter) as ei:
                await bot.send_message(1001, "too fast")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ptb 22.2+: int -> timedelta deprecation
                ra = ei.value.retry_after
            assert (ra if isinstance(ra, int) else ra.total_seconds()) >= 1
            tg.flood_limit_per_second = None
            tg.fail_next("sendMessage", status=502)
            with pytest.raises(NetworkError):
                await bot.send_message(1001, "x")
            await bot.send_message(1001, "m0")  # duplicate text
            with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
                await bot.send_message(
                    1001,
                    "x",
                    reply_markup={"inline_keyboard": [[{"text": "t", "callback_data": "x" * 65}]]},
                )
        with pytest.raises(InvalidToken):
            async with ptb_bot(tg, token="123456:WRONG"):
                pass

    asyncio.run(main())
    s = tg.stats()
    assert s["http_403"] == 2 and s["http_429"] == 1
    assert s["duplicates"] == 1
    assert tg.calls(method="sendMessage", chat_id=1001, ok=False)[0].status == 429


# ------------------------------------------------------------------ aiogram


def test_aiogram_end_to_end(tg: FakeTelegram):
    from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
    from aiogram.types import (
        BotCommand,
        BufferedInputFile,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
    )

    async def main():
        bot = aiogram_bot(tg)
        try:
            me = await bot.get_me()
            assert me.is_bot and me.username == "guopei_test_bot"
            kb = InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="满意", callback_data="sv:1:5")]]
            )
            m = await bot.send_message(1001, "请评价", reply_markup=kb)
            assert m.message_id == 1 and m.reply_markup.inline_keyboard[0][0].text == "满意"
            e = await bot.edit_message_text(
                text="请评价!", chat_id=1001, message_id=m.message_id, reply_markup=kb
            )
            assert e.text == "请评价!"
            with pytest.raises(TelegramBadRequest):
                await bot.edit_message_text(text="x", chat_id=1001, message_id=42)
            assert await bot.set_my_commands([BotCommand(command="start", description="开始")])
            assert await bot.delete_webhook(drop_pending_updates=False)

            loop = asyncio.get_running_loop()
            loop.call_later(0.2, tg.send_text, 1001, "/help")
            ups = await bot.get_updates(timeout=5, allowed_updates=["message", "callback_query"])
            assert ups[0].message.text == "/help"
            assert ups[0].message.entities[0].type == "bot_command"
            tg.press_button(1001, m.message_id, "sv:1:5")
            ups = await bot.get_updates(offset=ups[-1].update_id + 1, timeout=5)
            cq = ups[0].callback_query
            assert cq.data == "sv:1:5" and cq.message.message_id == m.message_id
            assert await bot.answer_callback_query(cq.id)

            doc = await bot.send_document(
                1001, BufferedInputFile(b"hello file", filename="a.txt"), caption="附件"
            )
            assert doc.document.file_name == "a.txt"
            tg.send_document(1001, "b.pdf", b"%PDF-1.4 fake", "application/pdf")
            ups = await bot.get_updates(offset=ups[-1].update_id + 1, timeout=5)
            file_id = ups[0].message.document.file_id
            buf = await bot.download(file_id)
            assert buf.read() == b"%PDF-1.4 fake"

            tg.blocked_users.add(3001)
            with pytest.raises(TelegramForbiddenError):
                await bot.send_message(3001, "hi")
            tg.flood_limit_per_chat_per_second = 1
            await bot.send_message(1002, "one")
            with pytest.raises(TelegramRetryAfter) as ei:
                await bot.send_message(1002, "two")
            assert ei.value.retry_after >= 1
            await bot.send_message(1003, "other chat is fine")
        finally:
            await bot.session.close()

    asyncio.run(main())
    call = tg.wait_for(method="sendDocument", chat_id=1001)
    assert call.files["document"] == b"hello file"
    assert call.text == "附件"
    sm = tg.wait_for(method="sendMessage", text_contains="请评价")
    assert sm.buttons == [("满意", "sv:1:5")]
    assert tg.calls(method="getUpdates")[0].params["allowed_updates"] == [
        "message",
        "callback_query",
    ]
    assert tg.calls(method="setMyCommands")[0].params["commands"] == [
        {"command": "start", "description": "开始"}
    ]


# ------------------------------------------------------------------ raw HTTP / test API


def test_raw_encodings_token_and_unknown_method(tg: FakeTelegram):
    base = f"{tg.api_url}/bot{tg.token}"
    with httpx.Client() as c:
        r = c.post(
            f"{base}/sendMessage",
            json={
                "chat_id": 1001,
                "text": "json",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}
                ),
            },
        )
        assert r.status_code == 200 and r.json()["result"]["reply_markup"]["inline_keyboard"]
        r = c.post(f"{base}/sendMessage", data={"chat_id": "1001", "text": "123"})
        assert r.json()["result"]["text"] == "123"
        r = c.post(f"{base}/sendmessage", data={"chat_id": "1001", "text": "case"})
        assert r.status_code == 200
        r = c.post(
            f"{base}/sendMessage",
            json={
                "chat_id": 1001,
                "text": "t",
                "reply_markup": {"inline_keyboard": [[{"text": "x"}]]},
            },
        )
        assert r.status_code == 400 and "Text buttons are unallowed" in r.json()["description"]
        r = c.post(f"{tg.api_url}/bot123456:nope/getMe")
        assert r.status_code == 401 and r.json()["description"] == "Unauthorized"
        r = c.post(f"{base}/frobnicate", data={"x": "1"})
        assert r.status_code == 404
        assert r.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
        r = c.get(f"{tg.api_url}/file/bot{tg.token}/nope/x")
        assert r.status_code == 404
    calls = tg.calls()
    assert [c.method for c in calls] == ["sendMessage"] * 4 + ["getMe", "frobnicate"]
    assert calls[0].reply_markup == {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}
    assert calls[1].chat_id == 1001 and calls[1].text == "123"
    assert [c.index for c in calls] == list(range(6))


def test_wait_for_timeout_lists_recent_calls(tg: FakeTelegram):
    with httpx.Client() as c:
        c.post(f"{tg.api_url}/bot{tg.token}/sendMessage", data={"chat_id": 7, "text": "你好"})
    mark = tg.mark()
    t0 = time.monotonic()
    with pytest.raises(AssertionError) as ei:
        tg.wait_for(method="sendMessage", text_contains="你好", after=mark, timeout=0.3)
    assert 0.25 < time.monotonic() - t0 < 2
    assert "你好" in str(ei.value) and "#0 sendMessage" in str(ei.value)

    # a call from another thread wakes the waiter right away
    def later():
        time.sleep(0.2)
        with httpx.Client() as c:
            c.post(f"{tg.api_url}/bot{tg.token}/sendMessage", data={"chat_id": 7, "text": "再见"})

    threading.Thread(target=later).start()
    call = tg.wait_for(method="sendMessage", chat_id=7, after=mark, timeout=5)
    assert call.text == "再见" and call.index == mark
    tg.wait_until(lambda t: len(t.calls(chat_id=7)) == 2, timeout=2)


def test_offset_allowed_updates_conflict_and_idle(tg: FakeTelegram):
    base = f"{tg.api_url}/bot{tg.token}"
    u1 = tg.send_text(1001, "a")
    u2 = tg.forward_text(1001, "转发的", from_chat_id=-100123)
    u3 = tg.send_text(1002, "群消息", chat_id=-5001, chat_type="supergroup")
    assert u2 == u1 + 1 and u3 == u2 + 1
    assert tg.pending_updates() == 3
    with httpx.Client(timeout=10) as c:
        r = c.post(f"{base}/getUpdates", data={"limit": "2"}).json()["result"]
        assert [u["update_id"] for u in r] == [u1, u2]
        assert r[1]["message"]["forward_origin"]["type"] == "channel"
        assert tg.pending_updates() == 1
        # not confirmed yet: the same updates come again
        r = c.post(f"{base}/getUpdates", data={"limit": "2"}).json()["result"]
        assert r[0]["update_id"] == u1
        r = c.post(f"{base}/getUpdates", data={"offset": str(u3)}).json()["result"]
        assert r[0]["message"]["chat"] == {
            "id": -5001,
            "type": "supergroup",
            "title": "测试群 -5001",
        }
        # allowed_updates filters
        tg.send_text(1001, "text only")
        r = c.post(
            f"{base}/getUpdates",
            json={"offset": u3 + 1, "timeout": 0, "allowed_updates": ["callback_query"]},
        )
        assert r.json()["result"] == []
        r = c.post(f"{base}/getUpdates", json={"offset": u3 + 1, "allowed_updates": []})
        assert len(r.json()["result"]) == 1

        # a second concurrent getUpdates terminates the first with 409
        async def two_pollers():
            async with httpx.AsyncClient(timeout=10) as ac:
                first = asyncio.create_task(
                    ac.post(f"{base}/getUpdates", data={"offset": "999999", "timeout": "5"})
                )
                await asyncio.sleep(0.2)
                second = asyncio.create_task(
                    ac.post(f"{base}/getUpdates", data={"offset": "999999", "timeout": "0"})
                )
                return await first, await second

        r1, r2 = asyncio.run(two_pollers())
        assert r1.status_code == 409 and "terminated by other getUpdates" in r1.text
        assert r2.status_code == 200
    tg.wait_idle(timeout=5)


def test_fail_next_and_any_method(tg: FakeTelegram):
    base = f"{tg.api_url}/bot{tg.token}"
    tg.fail_next("getMe", status=500, count=2)
    tg.fail_next(None, status=429)
    with httpx.Client() as c:
        assert c.post(f"{base}/getMe").status_code == 500
        assert c.post(f"{base}/getMe").status_code == 500
        r = c.post(f"{base}/deleteWebhook")
        assert r.status_code == 429 and r.json()["parameters"]["retry_after"] == 1
        assert c.post(f"{base}/getMe").json()["result"]["first_name"]


def test_throughput(tg: FakeTelegram):
    """3,000 concurrent sends are each answered and recorded once. The rate is printed (`-s`),
    not asserted: a timed test fails on a busy machine."""
    import aiohttp

    n, conc = 3000, 50
    url = f"{tg.api_url}/bot{tg.token}/sendMessage"

    async def main() -> float:
        conn = aiohttp.TCPConnector(limit=conc)
        async with aiohttp.ClientSession(connector=conn) as s:
            sem = asyncio.Semaphore(conc)

            async def one(i: int) -> None:
                async with (
                    sem,
                    s.post(url, data={"chat_id": str(1000 + i % 100), "text": f"msg {i}"}) as r,
                ):
                    assert r.status == 200
                    await r.read()

            t0 = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(n)))
            return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    rate = n / elapsed
    print(f"fake Telegram: {rate:.0f} sendMessage/s (client and server on one machine)")
    assert len(tg.calls(method="sendMessage")) == n
    assert tg.stats()["unique_deliveries"] == n


def test_abandoned_long_poll_and_edit_state(tg: FakeTelegram):
    base = f"{tg.api_url}/bot{tg.token}"

    async def abandon():
        async with httpx.AsyncClient(timeout=0.3) as ac:
            with pytest.raises(httpx.ReadTimeout):
                await ac.post(f"{base}/getUpdates", data={"timeout": "20"})

    asyncio.run(abandon())
    tg.wait_for(method="getUpdates", predicate=lambda c: c.status == 499, timeout=5)

    with httpx.Client() as c:
        kb = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        r = c.post(
            f"{base}/sendMessage",
            data={
                "chat_id": "1001",
                "text": "<b>粗体</b> &amp;",
                "parse_mode": "HTML",
                "reply_markup": json.dumps(kb),
            },
        ).json()["result"]
        assert r["text"] == "粗体 &"
        tg.press_button(1001, r["message_id"], "a")
        r2 = c.post(
            f"{base}/editMessageReplyMarkup",
            data={"chat_id": "1001", "message_id": str(r["message_id"])},
        )
        assert r2.status_code == 200 and "reply_markup" not in r2.json()["result"]
    msgs = tg.messages_in_chat(1001)
    assert "reply_markup" not in msgs[r["message_id"]]
    # the queued callback query still carries the message as it was when pressed
    with httpx.Client() as c:
        ups = c.post(f"{base}/getUpdates").json()["result"]
    assert ups[0]["callback_query"]["message"]["reply_markup"] == kb
    with pytest.raises(AssertionError, match="no button"):
        tg.press_button(1001, r["message_id"], "a")


def test_misc_methods_parse_in_both_libraries(tg: FakeTelegram):
    from aiogram.types import (
        BotCommand,
        BotCommandScopeChat,
        BufferedInputFile,
        MenuButtonCommands,
    )
    from telegram import InputMediaDocument, InputMediaPhoto, ReplyKeyboardMarkup

    tg.send_text(1001, "原始消息")  # message 1 in chat 1001, from the user

    async def ptb_part():
        async with ptb_bot(tg) as bot:
            group = await bot.send_media_group(
                1001,
                [
                    InputMediaPhoto(b"img1", filename="1.jpg", caption="图一"),
                    InputMediaPhoto(b"img2", filename="2.jpg"),
                ],
            )
            assert len(group) == 2 and group[0].media_group_id == group[1].media_group_id
            assert group[0].caption == "图一"
            docs = await bot.send_media_group(
                1001,
                [
                    InputMediaDocument(b"d1", filename="a.txt"),
                    InputMediaDocument(b"d2", filename="b.txt"),
                ],
            )
            assert docs[1].document.file_name == "b.txt"
            mid = await bot.copy_message(2002, from_chat_id=1001, message_id=1)
            fwd = await bot.forward_message(2002, from_chat_id=1001, message_id=1)
            assert fwd.forward_origin.sender_user.id == 1001 and fwd.text == "原始消息"
            assert mid.message_id == 1 and fwd.message_id == 2
            member = await bot.get_chat_member(1001, 1001)
            assert member.status == "member" and member.user.id == 1001
            kb = ReplyKeyboardMarkup([["是", "否"]], one_time_keyboard=True)
            m = await bot.send_message(1001, "回答", reply_markup=kb)
            assert m.reply_markup is None  # reply keyboards are not echoed

    async def aiogram_part():
        bot = aiogram_bot(tg)
        try:
            p = await bot.send_photo(1001, BufferedInputFile(b"png", filename="p.png"))
            assert p.photo[-1].file_size == 3
            f = await bot.get_file(p.photo[-1].file_id)
            assert (await bot.download_file(f.file_path)).read() == b"png"
            scope = BotCommandScopeChat(chat_id=1001)
            await bot.set_my_commands(
                [BotCommand(command="admin", description="管理")], scope=scope
            )
            assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
            assert await bot.get_my_commands() == []
            assert await bot.set_chat_menu_button(chat_id=1001, menu_button=MenuButtonCommands())
            chat = await bot.get_chat(1001)
            assert chat.first_name == "张老师"
            assert await bot.send_chat_action(1001, "typing")
            assert await bot.delete_message(1001, p.message_id)
            fwd = await bot.forward_message(2002, from_chat_id=1001, message_id=1)
            assert fwd.forward_origin.type == "user"
        finally:
            await bot.session.close()

    asyncio.run(ptb_part())
    asyncio.run(aiogram_part())
    assert tg.calls(method="setMyCommands")[0].params["scope"] == {"type": "chat", "chat_id": 1001}
    assert tg.calls(method="sendMessage")[0].buttons == [("是", None), ("否", None)]
    assert all(c.ok for c in tg.calls()), [c.short() for c in tg.calls() if not c.ok]


# ------------------------------------------------------------------ Telegram's strictness

# What Telegram answers for HTML it cannot parse (tdlib's parse_html; offsets in UTF-8 bytes).
REFUSED_HTML = [
    ("<b>粗体", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ("<b>是否满…</b\n…(完整结果见导出文件)", "Unclosed end tag at byte offset 15"),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("名单 <张三>", 'Unsupported start tag "张三" at byte offset 7'),
    ("末尾 <", "Unclosed start tag at byte offset 7"),
    ("<b x>y</b>", 'Expected equal sign in declaration of an attribute of the tag "b"'),
    ('<a href="https://x.org">x', 'Can\'t find end tag corresponding to start tag "a"'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<tg-emoji emoji-id="x">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
    ("&#xD83D;", "Text contains invalid Unicode characters after decoding HTML entities"),
]

# Accepted HTML and the text Telegram stores (tags removed; only &lt; &gt; &amp; &quot; and
# numeric entities decoded, the ";" optional; other entities stay as written).
ACCEPTED_HTML = [
    ("<b>粗</b><strong>体</strong><i>斜</i><em>体</em>", "粗体斜体"),
    ("<u>u</u><ins>i</ins><s>s</s><strike>t</strike><del>d</del>", "uistd"),
    ('<span class="tg-spoiler">秘</span><tg-spoiler>密</tg-spoiler>', "秘密"),
    ('<a href="https://x.org/?a=1&amp;b=2">链接</a> <code>c</code> <pre>p</pre>', "链接 c p"),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
    ("<blockquote>引</blockquote><blockquote expandable>展开</blockquote>", "引展开"),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ("<B>大写</B><b>x</>", "大写x"),
    ("&lt;b&gt; &amp; &quot;引号&quot; &#39;&#x27; &#128512; &lt", "<b> & \"引号\" '' 😀 <"),
    ("&nbsp;&copy; A&B 5 > 3", "&nbsp;&copy; A&B 5 > 3"),
]


def _post(tg: FakeTelegram, method: str, **params: object) -> httpx.Response:
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return httpx.post(f"{tg.api_url}/bot{tg.token}/{method}", data=data)


@pytest.mark.parametrize(("text", "reason"), REFUSED_HTML)
def test_html_telegram_cannot_parse_is_refused(tg: FakeTelegram, text: str, reason: str):
    r = _post(tg, "sendMessage", chat_id=1001, text=text, parse_mode="HTML")
    assert r.status_code == 400
    assert r.json()["description"].startswith(f"Bad Request: can't parse entities: {reason}")
    assert not tg.messages_in_chat(1001)
    # without parse_mode the same text is plain text, and fine
    assert _post(tg, "sendMessage", chat_id=1001, text=text).status_code == 200


@pytest.mark.parametrize(("text", "visible"), ACCEPTED_HTML)
def test_html_telegram_accepts_is_stored_as_its_visible_text(
    tg: FakeTelegram, text: str, visible: str
):
    r = _post(tg, "sendMessage", chat_id=1001, text=text, parse_mode="HTML")
    assert r.status_code == 200, r.text
    assert r.json()["result"]["text"] == visible


def test_edits_and_captions_are_parsed_the_same_way(tg: FakeTelegram):
    sent = _post(tg, "sendMessage", chat_id=1001, text="<b>ok</b>", parse_mode="html").json()
    mid = sent["result"]["message_id"]
    r = _post(tg, "editMessageText", chat_id=1001, message_id=mid, text="<b>x", parse_mode="HTML")
    assert r.status_code == 400 and "can't parse entities: Can't find end tag" in r.text
    r = _post(
        tg, "editMessageText", chat_id=1001, message_id=mid, text="<b> </b>", parse_mode="HTML"
    )
    assert r.status_code == 400 and r.json()["description"] == "Bad Request: message text is empty"
    assert tg.messages_in_chat(1001)[mid]["text"] == "ok"

    photo = {"photo": ("p.png", b"png", "image/png")}
    base = f"{tg.api_url}/bot{tg.token}"
    r = httpx.post(
        f"{base}/sendPhoto",
        data={"chat_id": "1001", "caption": "图 <i>表", "parse_mode": "HTML"},
        files=photo,
    )
    assert r.status_code == 400 and "can't parse entities" in r.text
    r = httpx.post(
        f"{base}/sendPhoto",
        data={"chat_id": "1001", "caption": "图 <i>表</i> &amp;", "parse_mode": "HTML"},
        files=photo,
    )
    assert r.json()["result"]["caption"] == "图 表 &"
    pid = r.json()["result"]["message_id"]
    r = _post(
        tg, "editMessageCaption", chat_id=1001, message_id=pid, caption="a<b", parse_mode="HTML"
    )
    assert r.status_code == 400 and "Unclosed start tag" in r.text


def test_length_limits_count_visible_utf16_units(tg: FakeTelegram):
    # 4096 units after parsing: tags and entities do not count, an emoji counts two
    fits = "<b>" + "&amp;" * 2048 + "</b>" + "😀" * 1024
    assert _post(tg, "sendMessage", chat_id=1001, text=fits, parse_mode="HTML").status_code == 200
    r = _post(tg, "sendMessage", chat_id=1001, text=fits + "x", parse_mode="HTML")
    assert r.status_code == 400 and r.json()["description"] == "Bad Request: message is too long"
    mid = tg.calls(method="sendMessage", ok=True)[0].message_id
    r = _post(
        tg, "editMessageText", chat_id=1001, message_id=mid, text=fits + "😀", parse_mode="HTML"
    )
    assert r.status_code == 400 and "MESSAGE_TOO_LONG" in r.text

    base = f"{tg.api_url}/bot{tg.token}"
    photo = {"photo": ("p.png", b"png", "image/png")}
    for caption, status in (("<i>" + "😀" * 512 + "</i>", 200), ("😀" * 512 + "x", 400)):
        r = httpx.post(
            f"{base}/sendPhoto",
            data={"chat_id": "1001", "caption": caption, "parse_mode": "HTML"},
            files=photo,
        )
        assert r.status_code == status
    assert "caption is too long" in r.text


def test_more_than_100_inline_buttons_are_refused(tg: FakeTelegram):
    def keyboard(n: int) -> dict:
        rows = [
            [{"text": f"{i + j}", "callback_data": f"b:{i + j}"} for j in range(min(5, n - i))]
            for i in range(0, n, 5)
        ]
        return {"inline_keyboard": rows}

    ok = _post(tg, "sendMessage", chat_id=1001, text="100", reply_markup=keyboard(100))
    assert (
        ok.status_code == 200 and len(ok.json()["result"]["reply_markup"]["inline_keyboard"]) == 20
    )
    r = _post(tg, "sendMessage", chat_id=1001, text="101", reply_markup=keyboard(101))
    assert r.status_code == 400
    assert r.json()["description"] == "Bad Request: reply markup is too long"
    mid = ok.json()["result"]["message_id"]
    r = _post(
        tg, "editMessageText", chat_id=1001, message_id=mid, text="x", reply_markup=keyboard(101)
    )
    assert r.status_code == 400 and "reply markup is too long" in r.text
    r = _post(
        tg, "editMessageReplyMarkup", chat_id=1001, message_id=mid, reply_markup=keyboard(101)
    )
    assert r.status_code == 400


def test_callback_answer_over_200_units_is_refused(tg: FakeTelegram):
    assert (
        _post(tg, "answerCallbackQuery", callback_query_id="1", text="好" * 200).status_code == 200
    )
    assert _post(tg, "answerCallbackQuery", callback_query_id="1").status_code == 200
    r = _post(tg, "answerCallbackQuery", callback_query_id="1", text="好" * 201, show_alert=True)
    assert r.status_code == 400 and r.json()["description"] == "Bad Request: MESSAGE_TOO_LONG"
    r = _post(tg, "answerCallbackQuery", callback_query_id="1", text="😀" * 101)
    assert r.status_code == 400


def test_both_libraries_see_the_refusals_as_bad_requests(tg: FakeTelegram):
    from aiogram.exceptions import TelegramBadRequest
    from telegram.constants import ParseMode
    from telegram.error import BadRequest

    async def main():
        async with ptb_bot(tg) as bot:
            with pytest.raises(BadRequest, match="(?i)can't parse entities: unclosed end tag"):
                await bot.send_message(1001, "<b>x</b", parse_mode=ParseMode.HTML)
            m = await bot.send_message(1001, "<b>粗</b> &lt;ok&gt;", parse_mode=ParseMode.HTML)
            assert m.text == "粗 <ok>"
        bot = aiogram_bot(tg)
        try:
            with pytest.raises(TelegramBadRequest, match="(?i)unsupported start tag"):
                await bot.send_message(1001, "a <c> b", parse_mode="HTML")
        finally:
            await bot.session.close()

    asyncio.run(main())


# ------------------------------------------------------------------ users who never started it


def test_a_user_who_never_opened_the_chat_gets_telegrams_refusal(tg: FakeTelegram):
    """Telegram's exact text, through both libraries; their first private message ends it."""
    from aiogram.exceptions import TelegramForbiddenError
    from telegram.error import Forbidden

    tg.never_started_users.add(2003)

    async def main():
        async with ptb_bot(tg) as bot:
            with pytest.raises(Forbidden, match="(?i)bot can't initiate conversation with a user"):
                await bot.send_message(2003, "hi")
        bot = aiogram_bot(tg)
        try:
            with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
                await bot.send_message(2003, "hi")
            tg.send_text(
                user_id=2003, text="/join@guopei_test_bot X", chat_id=-100, chat_type="supergroup"
            )
            with pytest.raises(TelegramForbiddenError):  # a group message opens nothing
                await bot.send_message(2003, "hi")
            tg.send_text(user_id=2003, text="/start")
            await bot.send_message(2003, "hi")
        finally:
            await bot.session.close()

    asyncio.run(main())
    refused = tg.calls(method="sendMessage", chat_id=2003, ok=False)
    assert [c.status for c in refused] == [403, 403, 403]
    assert refused[0].response["description"] == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    assert tg.stats()["http_403"] == 3


def test_an_edited_message_comes_as_edited_message(tg: FakeTelegram):
    from aiogram.types import Update as AiogramUpdate
    from telegram import Update as PtbUpdate

    tg.send_text(user_id=1001, text="参训教师年龄有什么要球")
    tg.send_text(user_id=1001, text="第二条")
    first = min(tg.all_messages_in_chat(1001))
    tg.edit_text(user_id=1001, text="参训教师年龄有什么要求", message_id=first)
    tg.edit_text(user_id=1001, text="第二条,改过")  # the last one by default

    async def main():
        async with ptb_bot(tg) as bot:
            raw = await bot.get_updates(timeout=0)
            return raw, [u.to_dict() for u in raw]

    raw, dicts = asyncio.run(main())
    edited = [u.edited_message for u in raw if u.edited_message is not None]
    assert [(m.message_id, m.text) for m in edited] == [
        (first, "参训教师年龄有什么要求"),
        (first + 1, "第二条,改过"),
    ]
    assert all(m.edit_date is not None and m.from_user.id == 1001 for m in edited)
    assert PtbUpdate.de_json(dicts[2], None).edited_message.text == "参训教师年龄有什么要求"
    assert AiogramUpdate.model_validate(dicts[3]).edited_message.text == "第二条,改过"
    with pytest.raises(AssertionError, match="no message"):
        tg.edit_text(user_id=1002, text="x", message_id=first)
