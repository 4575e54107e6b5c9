"""QA23 F7, F8 and F13, end to end on both engines (the real bot process, the fake Bot API
server).

F7: a class's join code sent as plain text in the private chat (alone, 「加入 CODE」, or the
join link pasted) joins the class as /join would, and is not taken as a policy question (not
logged, no 🙋 问班主任); a word shaped like a code that no class has is told so, and pinyin or a
number alone is still a question.

F8: a request for a person (「我要找班主任」「人工客服」「转人工」「找老师」) and 「不对」
「不是这个」 after an answer point to 「🙋 问班主任」, as 「还有呢」 does: not logged, not in
/unanswered; a real question with 班主任 in it (「班主任培训有哪些要求」) is still asked.

F13: 「更多 ▶」 after a notice was removed (`guopei-bot remove`, the bot running) says
「通知已更新，请重新提问」 once a clause of the answer is gone (QA24 F3: the clauses left are not
numbered anew with others in the gaps).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from bot.db.question_models import QuestionLog
from bot.db.session import make_engine

ADMIN, MANAGER = 900, 501
BOT = "guopei_test_bot"  # the fake Bot API server's getMe
JOINED = "✅ 已加入培训班「语文一班」"


def questions_logged(data_dir: Path) -> list[str]:
    """The texts the bot took as questions (what /unanswered and /kbstats are made of)."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        logged = list(session.execute(select(QuestionLog.question)).scalars())
    engine.dispose()
    return logged


def new_class(tg) -> str:  # type: ignore[no-untyped-def]
    """Manager 501 creates 语文一班: its join code."""
    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 语文一班", "已创建培训班")
    return re.search(r"start=([A-Z0-9]{8})", created.text).group(1)


def labels(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for text, _ in call.buttons]


def test_a_join_code_sent_as_text_joins_the_class(start_bot, fake_telegram, data_dir) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    code = new_class(tg)
    half = len(code) // 2

    sent = [
        code,
        f"{code[:half].lower()} {code[half:].lower()}",
        f"加入 {code}",
        f"加入码：{code}",
        f"https://t.me/{BOT}?start={code}",
        f"t.me/{BOT}?start={code}",
    ]
    for trainee, text in enumerate(sent, start=1001):
        joined = tg.say(trainee, text, "语文一班")
        assert JOINED in joined.text, (text, joined.text)
        assert not joined.buttons and "抱歉" not in joined.text, text
    again = tg.say(1001, code, "语文一班")
    assert "您已经在「语文一班」里了，无需重复加入" in again.text
    listing = tg.say(MANAGER, "/myclass", "我管理的培训班")
    assert f"语文一班（{len(sent)} 人）" in listing.text

    # a code-shaped word no class has: told so, with how to ask instead
    wrong = tg.say(2001, "ZZ9ZZ9ZZ", "加入码")
    assert "「ZZ9ZZ9ZZ」像是培训班的加入码，但没有哪个班用这个加入码" in wrong.text
    assert "如果您是想提问，请用文字写出完整的问题" in wrong.text and not wrong.buttons
    typo = tg.say(2001, "加入 ABCD2345", "不存在")
    assert "加入码「ABCD2345」不存在" in typo.text
    other = tg.say(2001, f"https://t.me/other_bot?start={code}", "不是我")
    assert f"@other_bot 的，不是我（@{BOT}）的加入链接" in other.text

    # still questions: pinyin, a number, a question about joining
    for question in ("shenqing", "20160012", "加入国培需要什么条件"):
        reply = tg.say(2001, question, "")
        assert "像是培训班的加入码" not in reply.text, (question, reply.text)
        assert "不存在" not in reply.text and "已加入" not in reply.text, (question, reply.text)
    logged = questions_logged(data_dir)
    assert "加入国培需要什么条件" in logged
    assert not any(code in q.upper().replace(" ", "") for q in logged), logged
    assert not any("ZZ9ZZ9ZZ" in q or "t.me" in q for q in logged), logged


ANSWERED = "国培计划包括哪些内容"
PERSON = ("我要找班主任", "人工客服", "转人工", "找老师")
WRONG = ("不对", "不是这个")


def test_asking_for_a_person_points_to_the_button(start_bot, fake_telegram, data_dir) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    code = new_class(tg)
    tg.say(1001, f"/join {code}", JOINED)

    answer = tg.say(1001, ANSWERED, "—— 《")
    assert "🙋 问班主任" in labels(answer)
    for text in WRONG:
        reply = tg.say(1001, text, "问班主任")
        assert reply.text.startswith("抱歉，没答到点子上。"), reply.text
        assert "「更多 ▶」" in reply.text and "「🙋 问班主任」" in reply.text
        assert not reply.buttons and "没有找到" not in reply.text
    for text in PERSON:
        reply = tg.say(1001, text, "问班主任")
        assert "想请班主任解答，请把问题发给我，再点我回答下面的「🙋 问班主任」" in reply.text
        assert not reply.buttons and "—— 《" not in reply.text and "没有找到" not in reply.text
    # a trainee in no class is told to join first
    outside = tg.say(1002, "人工客服", "/join")
    assert "请先发送 /join 加入码 加入您的培训班" in outside.text

    # a real question that names the 班主任 is still asked
    real = tg.say(1001, "班主任培训有哪些要求", "")
    assert "想请班主任解答" not in real.text
    assert questions_logged(data_dir) == [ANSWERED, "班主任培训有哪些要求"]
    waiting = tg.say(MANAGER, "/unanswered", "")
    for text in (*PERSON, *WRONG):
        assert text not in waiting.text, waiting.text


# ----- F13 -----------------------------------------------------------------------------------

KOUFENGQIN = """某省教育厅关于开展2031年乡村学校口风琴教学专项培训的通知
某教〔2031〕51号
各市、县(区)教育局:
一、培训内容
口风琴教学专项培训设口风琴合奏、口风琴识谱两个模块,每个模块集中研修两天。
二、名额分配
每县推荐两名乡村学校音乐教师参加口风琴教学专项培训,由县教师发展中心统一报名。
三、考核办法
口风琴教学专项培训结束时进行口风琴合奏展示,合格者记5学分。
某省教育厅
2031年4月2日
"""
SHUDI = """某省教育厅关于开展2031年乡村学校竖笛教学专项培训的通知
某教〔2031〕52号
各市、县(区)教育局:
一、培训内容
竖笛教学专项培训设竖笛合奏、竖笛识谱两个模块,每个模块集中研修两天,另设口风琴选修课。
二、考核办法
竖笛教学专项培训结束时进行竖笛合奏展示,口风琴选修课不考核。
某省教育厅
2031年4月3日
"""
QUESTION = "口风琴合奏展示"


def cli(data_dir: Path, *args: str) -> None:
    """`guopei-bot …` on the bot's DATA_DIR, as an admin runs it beside the bot."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env["DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_more_after_a_notice_was_removed(start_bot, fake_telegram, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    for name, text in (("koufengqin.txt", KOUFENGQIN), ("shudi.txt", SHUDI)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    cli(data_dir, "ingest", str(tmp_path / "koufengqin.txt"), str(tmp_path / "shudi.txt"))
    start_bot()
    trainee = 1001

    answer = tg.say(trainee, QUESTION, "第 1/3 条")
    assert "某教〔2031〕51号" in answer.text
    second = tg.tap(trainee, answer, "更多", "第 2/3 条")

    # the 口风琴 notice goes, its clauses with it: 更多 does not number other clauses in their
    # place (QA24 F3) but says to ask again
    cli(data_dir, "remove", "koufengqin.txt")
    mark = tg.mark()
    tg.press_button(user_id=trainee, message_id=second.message_id, data=second.data_of("更多"))
    told = tg.wait_for(method="answerCallbackQuery", after=mark)
    assert "通知已更新，请重新提问" in told.text and "没有更多" not in told.text, told.text
    assert not tg.calls(method="editMessageText", chat_id=trainee, after=mark)

    # the other goes too: no clause is left
    cli(data_dir, "remove", "shudi.txt")
    mark = tg.mark()
    tg.press_button(user_id=trainee, message_id=second.message_id, data=second.data_of("上一条"))
    gone = tg.wait_for(method="answerCallbackQuery", after=mark)
    assert "通知已更新，请重新提问" in gone.text, gone.text
    assert "没有更多的条款了" not in gone.text
    assert not tg.calls(method="editMessageText", chat_id=trainee, after=mark)
