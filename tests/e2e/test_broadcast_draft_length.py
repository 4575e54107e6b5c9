"""End to end, both engines: a broadcast draft is measured as Telegram measures it. An
emoji-heavy notice is refused at the draft, in the units Telegram counts, and nobody is sent
anything; a 3,000-character forwarded notice with 10 hidden links of 100 characters is
accepted and reaches the members with its links."""

from __future__ import annotations

from tests.e2e.test_reminders import MANAGER, seed_class

REPORT = "人：送达"


def test_drafts_are_measured_as_telegram_counts(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    members = [4101, 4102]
    seed_class(data_dir, "报名一班", members)
    start_bot()

    # 3,300 characters, 4,400 UTF-16 units: refused now, in the units Telegram counts
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast " + "🔔通知" * 1100)
    refusal = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    assert refusal.text == (
        "内容太长了（4400 字，表情符号每个按 2 字计），请控制在 3500 字以内，分几次发送。"
    )
    assert not refusal.buttons

    # 3,000 characters with 10 hidden links of 100 characters: 4,190 characters as HTML
    sentence = "各位学员:请点击此处查看通知。"
    text = (sentence * 200)[:3000]
    here = sentence.index("此处")
    urls = [
        f"https://gpjh.example.cn/notice/2026/{n}?from=forward&id=".ljust(100, "7")
        for n in range(10)
    ]
    links = [
        {"type": "text_link", "offset": n * len(sentence) + here, "length": 2, "url": url}
        for n, url in enumerate(urls)  # 「此处」 in each of the first ten sentences
    ]
    mark = tg.mark()
    tg.forward_text(user_id=MANAGER, text=text, from_chat_id=-1001, entities=links)
    offer = tg.wait_for(method="sendMessage", ok=True, chat_id=MANAGER, after=mark)
    assert {len(url) for url in urls} == {100}
    assert "请选择要发给哪个培训班" in offer.text, offer.text
    pick = next(data for label, data in offer.buttons if "报名一班" in label)
    tg.press_button(user_id=MANAGER, message_id=offer.message_id, data=pick)
    confirmation = tg.wait_for(
        method="editMessageText", chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    send = next(data for label, data in confirmation.buttons if "确认发送" in label)
    tg.press_button(user_id=MANAGER, message_id=offer.message_id, data=send)
    tg.wait_for(
        method="editMessageText", ok=True, chat_id=MANAGER, text_contains=REPORT, after=mark
    )
    for member in members:
        (sent,) = [c for c in tg.calls(method="sendMessage", chat_id=member, after=mark) if c.ok]
        for url in urls:
            assert f'<a href="{url.replace("&", "&amp;")}">此处</a>' in sent.params["text"]
        assert sent.text.endswith(text[-100:])  # the whole notice, as the member reads it
    # nothing of the refused draft was sent: each member got the one notice, once
    assert len([c for c in tg.calls(method="sendMessage") if c.chat_id in members]) == 2
