"""The engines' last resort against Telegram's hard limits, end to end on both engines.

A handler that forgets a limit must not cost the user the whole message: Telegram refuses a
text over 4,096 visible UTF-16 units, a caption over 1,024, a keyboard over 100 buttons and a
toast over 200, and the user gets nothing. The engines cut what still does not fit (the text
at a whole line, tags closed, 「……(内容过长,以下省略)」 added) and log a WARNING with the
length and never the text.

Likewise a text whose HTML Telegram cannot parse (a cut inside a tag, a `<` not escaped) is
sent once more as plain text, and logged.

The handlers bound their own messages now (paged lists, cut reports), so no command provokes
an over-long reply any more. The real bot process here therefore loads, through a
`sitecustomize` module on its PYTHONPATH, a conversation that answers three made-up commands
the way a forgetful handler would; everything else (the engine, its library, HTTP, the fake
server as strict as Telegram) is what runs in production.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.limits import MAX_CAPTION_UNITS, MAX_MESSAGE_UNITS, utf16_length

pytestmark = pytest.mark.e2e

USER = 1001
SECRET = "学员隐私"  # in every line of the long texts: must never reach the log
FORGETFUL_CONVERSATION = f'''
"""Loaded at start-up by the bot process under test: a conversation that forgets limits."""
import bot.conversation as conversation
from bot.chat import Button, Edit, Notice, Send, SendFile

LONG = "<b>名单</b>\\n" + "\\n".join(
    f"<i>{{i}}. {SECRET}</i> &amp; 😀😀 <code>A&lt;B</code>" for i in range(400)
)
ROWS = tuple((Button(f"班{{i}}", data=f"ol:{{i}}"),) for i in range(104))
_handle = conversation.Conversation.handle


async def handle(self, event):
    if event.text == "/overlong":
        return [Send(LONG, buttons=(*ROWS, (Button("取消", data="ol:x"),)))]
    if event.callback_data == "ol:1":
        return [Notice("提示" * 150, alert=True), Edit("<blockquote>" + LONG + "</blockquote>")]
    if event.text == "/overlongfile":
        caption = "<b>图表</b> " + "🌸" * 600
        return [SendFile(b"png", "chart.png", caption=caption, as_photo=True)]
    if event.text == "/brokenhtml":  # QA 5b H2: cut inside an end tag; a name not escaped
        return [
            Send("<b>24. 是否满…</b\\n…(完整结果见导出文件)"),
            SendFile(b"x", "名单.csv", caption="<b>名单</b> <张三> &amp; 李四"),
        ]
    return await _handle(self, event)


conversation.Conversation.handle = handle
'''


def test_over_long_replies_arrive_cut_instead_of_refused(start_bot, fake_telegram, tmp_path: Path):
    from tests.fakebot.server import parse_html

    tg = fake_telegram
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FORGETFUL_CONVERSATION, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH", "")) if p)
    bot = start_bot(extra_env={"PYTHONPATH": path})

    # A send: 400 lines (over 6,000 units) and 105 buttons.
    tg.send_text(USER, "/overlong")
    sent = tg.wait_for(method="sendMessage", chat_id=USER, text_contains="名单")
    assert sent.ok, sent.short()
    shown = parse_html(sent.text)  # what Telegram shows: it parses (tags closed)
    assert utf16_length(shown) <= MAX_MESSAGE_UNITS
    assert shown.endswith("\n……（内容过长，以下省略）")
    assert shown.splitlines()[-2].endswith("A<B")  # cut after a whole line
    assert len(sent.buttons) == 100 and sent.buttons[-1] == ("取消", "ol:x")

    # An edit after a button press (the blockquote left open by the cut is closed), with an
    # alert over 200 units.
    mark = tg.mark()
    tg.press_button(USER, sent.message_id, "ol:1")
    answer = tg.wait_for(method="answerCallbackQuery", after=mark)
    assert answer.ok and utf16_length(answer.params["text"]) <= 200
    edit = tg.wait_for(method="editMessageText", after=mark)
    assert edit.ok, edit.short()
    assert edit.text.endswith("A&lt;B</code></blockquote>\n……（内容过长，以下省略）")
    assert utf16_length(parse_html(edit.text)) <= MAX_MESSAGE_UNITS

    # A photo's caption of 1,204 units.
    tg.send_text(USER, "/overlongfile")
    photo = tg.wait_for(method="sendPhoto", chat_id=USER)
    assert photo.ok, photo.short()
    assert utf16_length(parse_html(photo.text)) <= MAX_CAPTION_UNITS
    assert photo.text.startswith("<b>图表</b> 🌸")

    refused = [c.short() for c in tg.calls(ok=False) if c.method != "getUpdates"]
    assert not refused

    # HTML Telegram cannot parse: refused as HTML, it arrives as plain text rather than not.
    mark = tg.mark()
    tg.send_text(USER, "/brokenhtml")
    plain = tg.wait_for(method="sendMessage", chat_id=USER, after=mark, ok=True)
    assert plain.text == "24. 是否满…</b\n…(完整结果见导出文件)"
    assert not plain.params.get("parse_mode")
    document = tg.wait_for(method="sendDocument", chat_id=USER, after=mark, ok=True)
    assert document.text == "名单 <张三> & 李四"
    refused = [c for c in tg.calls(after=mark, ok=False) if c.method != "getUpdates"]
    assert [c.method for c in refused] == ["sendMessage", "sendDocument"]
    assert all("can't parse entities" in c.response["description"] for c in refused)

    bot.stop()
    log = bot.log()
    assert "WARNING" in log and f"message to chat {USER} cut:" in log
    assert f"caption to chat {USER} cut: 1203 visible UTF-16 units, over Telegram's 1024" in log
    assert f"keyboard of 105 buttons to chat {USER} cut to Telegram's 100" in log
    assert "toast of 300 UTF-16 units cut" in log
    assert f"message to chat {USER} (27 characters) sent as plain text" in log
    assert f"caption to chat {USER} (23 characters) sent as plain text" in log
    assert SECRET not in log and "名单" not in log and "张三" not in log  # never the text
