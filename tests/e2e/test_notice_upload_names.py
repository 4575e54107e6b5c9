"""An admin uploads notices through the bot (both engines, the fake Bot API server), after the
QA13 findings: notice2026.html after a different notice2026.txt is kept as notice2026-2.html
with a report that says the names differ only by extension (not 「同名」, L1); a GB2312 page
whose title is only in <title> is reported and cited by that title, not by its 文号 twice
(M12)."""

from __future__ import annotations

ADMIN, TRAINEE = 900, 1001
CHECK_IN = (
    "关于做好2026年“国培计划”示范性项目学员报到工作的通知\n"
    "教师厅函〔2026〕15号\n"
    "各省、自治区、直辖市教育厅（教委）：\n"
    "一、报到时间。请参训学员于2026年12月20日前登录平台完成报到，逾期视为自动放弃。\n"
    "二、请假。培训期间原则上不得请假，请假累计超过总学时的六分之一者不予结业。\n"
    "教育部办公厅\n"
    "2026年11月30日\n"
).encode()
OUTREACH = (
    "<html><head><title>关于开展2026年送教下乡培训的通知</title></head><body>\n"
    "<h1>关于开展2026年送教下乡培训的通知</h1>\n"
    "<p>教师司函〔2026〕8号</p>\n"
    "<p>一、送教下乡培训每学年不少于4次，每次不少于2天，累计不少于80学时。</p>\n"
    "<p>二、请各项目县于2027年1月15日前报送送教下乡实施方案。</p>\n"
    "<p>2026年12月1日</p>\n"
    "</body></html>\n"
).encode()
VISIT_TITLE = "关于做好2026年乡村教师访名校培训的通知"
VISIT = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    f"<title>{VISIT_TITLE}_中华人民共和国教育部政府门户网站</title></head><body>\n"
    "<p>教师司函〔2026〕30号</p>\n"
    "<p>各省、自治区、直辖市教育厅（教委）：</p>\n"
    "<p>一、访名校培训时间为15天，参训教师须为乡村学校在岗教师，年龄不超过50周岁。</p>\n"
    "<p>二、请于2027年2月1日前报送参训名单。</p>\n"
    "<p>教育部教师工作司</p><p>2026年12月3日</p>\n"
    "</body></html>\n"
).encode("gb2312")


def test_names_differing_by_extension_and_a_title_only_in_title(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    def upload(filename: str, content: bytes) -> str:
        mark = tg.mark()
        tg.send_document(user_id=ADMIN, filename=filename, content=content)
        return tg.wait_for(
            method="sendMessage",
            chat_id=ADMIN,
            text_contains="已加入知识库",
            after=mark,
            timeout=30,
        ).text

    first = upload("notice2026.txt", CHECK_IN)
    assert "另存为" not in first, first
    second = upload("notice2026.html", OUTREACH)
    assert (
        "知识库里已有另一份通知「notice2026.txt」，文件名与这份只差扩展名；"
        "这份另存为「notice2026-2.html」，原来的通知仍然保留。"
    ) in second, second
    assert "同名" not in second

    visit = upload("访名校.html", VISIT)
    assert f"• 《{VISIT_TITLE}》 教师司函〔2026〕30号 2026-12-03" in visit, visit
    assert "《教师司函" not in visit

    mark = tg.mark()
    tg.send_text(user_id=TRAINEE, text="访名校培训多少天")
    answer = tg.wait_for(method="sendMessage", chat_id=TRAINEE, after=mark).text
    assert "15天" in answer, answer
    assert f"《{VISIT_TITLE}》 · 教师司函〔2026〕30号" in answer, answer
    assert "《教师司函" not in answer

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
