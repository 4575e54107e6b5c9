"""An admin uploads notices through the bot (both engines, the fake Bot API server): two
different notices both called 通知.txt are both kept, the same notice sent again is reported as
already there, lottery ads in a notice are removed and reported, and lottery questions or a
bare number get no answer."""

from __future__ import annotations

ADMIN, TRAINEE = 900, 1001
WORKSHOP = (
    "某省教育厅关于做好2030年乡村教师研修工作坊管理的通知\n"
    "某教〔2030〕7号\n"
    "各市、县(区)教育局:\n"
    "一、坊主职责\n"
    "工作坊坊主负责组织学员开展每月不少于两次的主题研讨,审阅学员提交的研修日志。\n"
    "二、材料报送\n"
    "请各市于2030年6月30日前将工作坊研修总结报送省项目办。\n"
    "某省教育厅\n"
    "2030年3月1日\n"
).encode()
CALLIGRAPHY = (
    "某市教育局关于组织2030年教师暑期书法研习营的通知\n"
    "某市教〔2030〕12号\n"
    "各区县教育局:\n"
    "双色球开奖结果 今日推荐 点击查看\n"
    "一、研习内容\n"
    "研习营安排毛笔楷书临摹、粉笔板书规范两个专题,每位学员须完成二十幅临摹作业。"
    "澳门葡京娱乐城 注册送彩金888元\n"
    "二、报名方式\n"
    "请各区县于2030年5月20日前将报名汇总表报送市教师发展中心。www.bjpk10zb.com\n"
    "某市教育局\n"
    "2030年4月1日\n"
).encode()


def test_same_named_notices_are_both_kept_and_a_copy_is_not_added(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))

    def upload(content: bytes, expected: str) -> str:
        mark = tg.mark()
        tg.send_document(user_id=ADMIN, filename="通知.txt", content=content)
        call = tg.wait_for(
            method="sendMessage", chat_id=ADMIN, text_contains=expected, after=mark, timeout=30
        )
        return call.text

    def ask(text: str, expected: str) -> str:
        mark = tg.mark()
        tg.send_text(user_id=TRAINEE, text=text)
        call = tg.wait_for(method="sendMessage", chat_id=TRAINEE, after=mark)
        assert expected in call.text, call.text
        return call.text

    first = upload(WORKSHOP, "已加入知识库")
    assert "现在就可以" in first and "另存为" not in first
    second = upload(CALLIGRAPHY, "已加入知识库")
    assert "另存为「通知-2.txt」，原来的通知仍然保留" in second
    # The report shows the ads and the address exactly as they were removed.
    assert "双色球开奖结果 今日推荐 点击查看" in second
    assert "www.bjpk10zb.com" in second
    again = upload(WORKSHOP, "未重复导入")
    assert "与已有通知 通知.txt 内容相同" in again
    assert "已加入知识库" not in again and "现在就可以就这份通知提问" not in again

    assert "不少于两次" in ask("工作坊坊主每月组织几次主题研讨", "某教〔2030〕7号")
    answer = ask("书法研习营每位学员要完成多少幅临摹作业", "某市教〔2030〕12号")
    assert "粉笔板书规范" in answer and "彩金" not in answer and "葡京" not in answer
    ask("双色球开奖号码是多少", "没有找到")
    ask("9", "请写出您想问的具体内容")  # a bare number (a mistyped button) is no question

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
