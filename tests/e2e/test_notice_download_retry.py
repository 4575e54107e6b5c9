"""An admin's notice file reaches the knowledge base although Telegram answers one getFile, or
the file download itself, with a passing 502 (both engines, the fake Bot API server): the bot
tries again after a short pause. A 4xx is not tried again, and three 502s in a row give up;
either way the admin reads 「下载文件失败，请重新发送一次。」 and nothing is added."""

from __future__ import annotations

from tests.knowledge.samples import MUSIC, online_study_notice

ADMIN, TRAINEE = 900, 1001
FAILED = "下载文件失败，请重新发送一次。"


def test_a_passing_5xx_on_getfile_or_the_download_is_tried_again(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    def upload(filename: str, content: str, expected: str) -> tuple[str, int]:
        """Send a notice file; the bot's last word on it and how often it called getFile."""
        mark = tg.mark()
        tg.send_document(user_id=ADMIN, filename=filename, content=content.encode())
        call = tg.wait_for(
            method="sendMessage", chat_id=ADMIN, text_contains=expected, after=mark, timeout=30
        )
        return call.text, len(tg.calls(method="getFile", after=mark))

    tg.fail_next("getFile", status=502)
    report, tries = upload("网络研修.txt", online_study_notice("四", "6月30日"), "已加入知识库")
    assert "某教〔2031〕3号" in report and tries == 2

    tg.fail_next_download(status=502)
    report, tries = upload("音乐.txt", MUSIC, "已加入知识库")
    assert "某教〔2031〕44号" in report and tries == 2

    # A refusal is not tried again; three bad gateways in a row are given up on.
    late = (
        online_study_notice("六", "9月1日")
        .replace("3号", "9号")
        .replace("网络研修管理", "网络研修考核")
    )
    tg.fail_next("getFile", status=400)
    assert upload("考核.txt", late, FAILED) == (FAILED, 1)
    tg.fail_next_download(status=404)
    assert upload("考核.txt", late, FAILED) == (FAILED, 1)
    tg.fail_next("getFile", status=502, count=3)
    assert upload("考核.txt", late, FAILED) == (FAILED, 3)

    # What was added answers questions; the failed file added nothing.
    mark = tg.mark()
    tg.send_text(user_id=TRAINEE, text="乡村音乐教师器乐教学专项培训有哪些模块")
    answer = tg.wait_for(method="sendMessage", chat_id=TRAINEE, after=mark)
    assert "口风琴合奏" in answer.text
    mark = tg.mark()
    tg.send_text(user_id=ADMIN, text="/notices")
    listed = tg.wait_for(method="sendMessage", chat_id=ADMIN, after=mark)
    assert "网络研修管理" in listed.text and "网络研修考核" not in listed.text

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
