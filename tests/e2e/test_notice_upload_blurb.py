"""An admin uploads a web page holding one notice under the site's intro (both engines, the
fake Bot API server): the report says one notice and names only it, not the intro; the intro
is not listed among the notices either."""

from __future__ import annotations

from tests.knowledge.test_page_blurb import INTRO, NOTICE

ADMIN = 900


def test_a_pages_intro_is_not_reported_as_a_second_notice(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    mark = tg.mark()
    tg.send_document(user_id=ADMIN, filename="研修网.txt", content=(INTRO + NOTICE).encode())
    report = tg.wait_for(
        method="sendMessage", chat_id=ADMIN, text_contains="已加入知识库", after=mark, timeout=30
    ).text
    assert "通知 1 篇" in report, report
    assert "《某省教育厅关于做好2031年乡村教师网络研修管理的通知》 某教〔2031〕3号" in report
    assert "介绍文字" not in report and "本站简介" not in report and "另有" not in report

    mark = tg.mark()
    tg.send_text(user_id=ADMIN, text="/notices")
    listed = tg.wait_for(method="sendMessage", chat_id=ADMIN, after=mark).text
    assert "网络研修管理的通知" in listed and "介绍文字" not in listed

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
