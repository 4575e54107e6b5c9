"""QA24 F2, F3 and F9, end to end on both engines (the real bot process, the fake Bot API
server).

F2: a class's join code with what phones and copied messages add (「CODE。」「「CODE」」
「加入码：CODE。」「加入 CODE 谢谢」「CODE 李老师」「我的加入码是 CODE」) joins the class; a
code-shaped word no class has gets the 「像是培训班的加入码」 hint only when it is all the
message says; a real question with a code in it is still asked.

F3: 「更多 ▶」 / 「◀ 上一条」 on an answer one of whose clauses came from a notice removed
since says 「通知已更新，请重新提问」 and leaves the answer as it was, instead of numbering
other clauses in its place; a notice the answer did not quote may go without disturbing it.

F9: 「不对」「还有呢」 mention 「更多 ▶」 only when the last answer has that button; after a
declined question, or before any, they point only to 🙋 问班主任 (or /join outside a class).
"""

from __future__ import annotations

from tests.e2e.test_qa23_free_text import (
    ADMIN,
    ANSWERED,
    JOINED,
    KOUFENGQIN,
    QUESTION,
    SHUDI,
    cli,
    labels,
    new_class,
    questions_logged,
)

HINT = "像是培训班的加入码"


def test_a_join_code_with_punctuation_or_words_joins(start_bot, fake_telegram, data_dir) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    code = new_class(tg)

    sent = [
        f"{code}。",
        f"，{code}！",
        f"「{code}」",
        f"“{code}”",
        f"（{code}）",
        f"【{code}】",
        f"加入码：{code}。",
        f"加入 {code} 谢谢",
        f"{code} 李老师",
        f"我的加入码是 {code}",
    ]
    for trainee, text in enumerate(sent, start=1001):
        joined = tg.say(trainee, text, "语文一班")
        assert JOINED in joined.text, (text, joined.text)
        assert not joined.buttons and "抱歉" not in joined.text, text

    # a code no class has: the hint only when the message is just the code (brackets allowed)
    wrong = tg.say(2001, "「ZZ9ZZ9ZZ」。", HINT)
    assert "「ZZ9ZZ9ZZ」像是培训班的加入码，但没有哪个班用这个加入码" in wrong.text
    for text in ("ZZ9ZZ9ZZ 李老师", f"{code}是什么班"):
        reply = tg.say(2002, text, "")
        assert HINT not in reply.text and "已加入" not in reply.text, (text, reply.text)
    logged = questions_logged(data_dir)
    assert logged == ["ZZ9ZZ9ZZ 李老师", f"{code}是什么班"], logged


# ----- F3 ------------------------------------------------------------------------------------

SHUFA = """某省教育厅关于开展2031年乡村学校书法教学专项培训的通知
某教〔2031〕53号
各市、县(区)教育局:
一、培训内容
书法教学专项培训设硬笔书法、毛笔书法两个模块,每个模块集中研修三天。
二、考核办法
书法教学专项培训结束时进行作品展评,合格者记4学分。
某省教育厅
2031年4月4日
"""
UPDATED = "通知已更新，请重新提问"


def press(tg, user: int, call, label: str):  # type: ignore[no-untyped-def]
    """Press `label` under `call`: the pop-up shown, after no edit of the answer."""
    mark = tg.mark()
    tg.press_button(user_id=user, message_id=call.message_id, data=call.data_of(label))
    told = tg.wait_for(method="answerCallbackQuery", after=mark)
    assert not tg.calls(method="editMessageText", chat_id=user, after=mark), label
    return told


def test_more_after_a_quoted_notice_went(start_bot, fake_telegram, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    files = (("koufengqin.txt", KOUFENGQIN), ("shudi.txt", SHUDI), ("shufa.txt", SHUFA))
    for name, text in files:
        (tmp_path / name).write_text(text, encoding="utf-8")
    cli(data_dir, "ingest", *(str(tmp_path / name) for name, _ in files))
    start_bot()
    trainee = 1001

    answer = tg.say(trainee, QUESTION, "第 1/3 条")
    assert "某教〔2031〕51号" in answer.text
    second = tg.tap(trainee, answer, "更多", "第 2/3 条")

    # a notice the answer did not quote goes: 更多 and 上一条 work as before
    cli(data_dir, "remove", "shufa.txt")
    third = tg.tap(trainee, second, "更多", "第 3/3 条")
    back = tg.tap(trainee, third, "上一条", "第 2/3 条")
    assert back.text == second.text

    # one the answer quoted goes: no other clause takes its place, the answer stays as shown
    cli(data_dir, "remove", "koufengqin.txt")
    for label in ("更多", "上一条"):
        told = press(tg, trainee, back, label)
        assert UPDATED in told.text and "删除或更换" in told.text, told.text
        assert "没有更多" not in told.text
    # asked again: the clauses as they are now
    again = tg.say(trainee, QUESTION, "某教〔2031〕52号")
    assert "某教〔2031〕51号" not in again.text


def test_more_after_a_restart(start_bot, fake_telegram, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """After a restart the bot no longer knows which notices the answer quoted: the log's top
    clause and clause count tell it the answer changed."""
    tg = fake_telegram
    files = (("koufengqin.txt", KOUFENGQIN), ("shudi.txt", SHUDI))
    for name, text in files:
        (tmp_path / name).write_text(text, encoding="utf-8")
    cli(data_dir, "ingest", *(str(tmp_path / name) for name, _ in files))
    bot = start_bot()
    trainee = 1001
    answer = tg.say(trainee, QUESTION, "第 1/3 条")
    second = tg.tap(trainee, answer, "更多", "第 2/3 条")
    bot.stop()
    start_bot()
    third = tg.tap(trainee, second, "更多", "第 3/3 条")  # nothing changed: still works

    cli(data_dir, "remove", "shudi.txt")
    told = press(tg, trainee, third, "上一条")
    assert UPDATED in told.text, told.text


# ----- F9 ------------------------------------------------------------------------------------

DECLINED = "双色球开奖号码是多少"


def test_not_right_mentions_more_only_if_there(start_bot, fake_telegram, data_dir) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    code = new_class(tg)
    tg.say(1001, f"/join {code}", JOINED)

    # nothing asked yet: how to ask, and how to reach the 班主任, no 更多
    first = tg.say(1001, "不对", "问班主任")
    assert "更多" not in first.text and "抱歉，没答到点子上" not in first.text, first.text
    assert "请把问题发给我，再点我回答下面的「🙋 问班主任」" in first.text

    declined = tg.say(1001, DECLINED, "没有找到")
    assert "更多 ▶" not in labels(declined)
    for text in ("不对", "不是这个", "还有呢"):
        reply = tg.say(1001, text, "问班主任")
        assert "更多" not in reply.text, (text, reply.text)
        assert "请点上一条回答下面的「🙋 问班主任」" in reply.text, (text, reply.text)

    answer = tg.say(1001, ANSWERED, "—— 《")
    assert "更多 ▶" in labels(answer)
    for text in ("不对", "还有呢"):
        reply = tg.say(1001, text, "更多 ▶")
        assert "「更多 ▶」" in reply.text and "「🙋 问班主任」" in reply.text, reply.text

    # a trainee in no class, after a declined question: /join, no 更多
    outside = tg.say(1002, DECLINED, "没有找到")
    assert "问班主任" not in labels(outside)
    reply = tg.say(1002, "不对", "/join")
    assert "更多" not in reply.text and "请先发送 /join 加入码 加入您的培训班" in reply.text
    assert questions_logged(data_dir) == [DECLINED, ANSWERED, DECLINED]

