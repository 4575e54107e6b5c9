"""QA23 F6, the real bot against the fake Bot API: a message of nothing but spaces and invisible
characters (U+200B, U+200C, U+200D, U+2060, U+FEFF, the full-width space U+3000) is empty.

At a survey's review page it was answered 「这段话有 0 字，超过问卷回答的 500 字」, or offered
as the answer to the free-text question, which then replaced the real answer. A manager's
`/remind 明天9点 ​`, `/broadcast ​` and `/newclass ​` reached a confirmation, a send button and
a class named 「​」. Now each is answered as an empty message or a command without its text,
and nothing changes."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.conversation import EMPTY_TEXT
from tests.surveys.test_addressees_e2e import press, reply
from tests.surveys.test_qa20_review_text import TITLE, TRAINEE, questions_logged, seed_survey

ADMIN, MANAGER = 900, 501
INVISIBLE = ["\u3000", "\u200b", " \u200b\u3000\ufeff", "\u200c\u200d\u2060"]


def rows(data_dir: Path, query: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "guopei.db") as db:
        return db.execute(query).fetchall()


def test_an_invisible_text_at_the_review_is_empty_and_replaces_nothing(
    start_bot, fake_telegram, data_dir
):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    seed_survey(data_dir)
    start_bot()
    sheet = reply(tg, TRAINEE, "/mysurveys", TITLE).message_id
    press(tg, TRAINEE, sheet, "开始", "开始填写", shows="1/3")
    press(tg, TRAINEE, sheet, "适中", "已记录", shows="2/3")
    press(tg, TRAINEE, sheet, "非常满意", "已记录", shows="3/3")
    # at the free-text question (the text awaited): 「回答不能为空」, and it still waits
    empty = reply(tg, TRAINEE, "\u200b\u3000", "").text
    assert "回答不能为空" in empty and "「跳过 ➡️」" in empty  # optional: how to go on (QA24 F11)
    review = reply(tg, TRAINEE, "😀😀", "请核对您的回答").message_id

    for text in INVISIBLE:
        said = reply(tg, TRAINEE, text, "")
        assert said.text == EMPTY_TEXT, (text, said.text)  # no 「这段话有 0 字，超过…」
        assert not said.params.get("reply_markup"), said.params  # no 「✅ 记作第3题的回答」
    assert questions_logged(data_dir) == 0

    press(tg, TRAINEE, review, "提交", "提交成功", shows="已提交")
    answers = [text for (text,) in rows(data_dir, "SELECT text FROM survey_answers")]
    assert "😀😀" in answers, answers  # the real comment was sent, not an invisible one


def test_a_managers_command_with_only_invisible_text_changes_nothing(
    start_bot, fake_telegram, data_dir
):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    created = tg.say(MANAGER, "/newclass 语文一班", "已创建培训班")
    code = re.search(r"start=([A-Z0-9]{8})", created.text)
    assert code, created.text
    tg.say(1001, f"/join {code.group(1)}", "已加入培训班")

    unnamed = reply(tg, MANAGER, "/newclass \u200b", "")
    assert "请在命令后写上培训班名称" in unnamed.text, unnamed.text
    unnamed = reply(tg, MANAGER, "/newclass \u3000\u2060", "")
    assert "请在命令后写上培训班名称" in unnamed.text, unnamed.text
    assert [name for (name,) in rows(data_dir, "SELECT name FROM training_classes")] == [
        "语文一班"
    ]

    for command in ("/remind 明天9点 \u200b", "/remind 明天9点\ufeff"):
        refused = reply(tg, MANAGER, command, "")
        assert "提醒内容" in refused.text and "内容：" not in refused.text, refused.text
        assert not refused.params.get("reply_markup"), refused.params  # no 「✅ 确认」
    assert rows(data_dir, "SELECT count(*) FROM reminders") == [(0,)]

    # /broadcast ​ is /broadcast alone: it asks for the text, and an invisible one is empty
    # there too
    asked = reply(tg, MANAGER, "/broadcast \u200b", "请发送要群发的内容")
    assert "确认群发" not in asked.text
    empty = reply(tg, MANAGER, "\u200b", "")
    assert "内容不能为空" in empty.text, empty.text  # as /broadcast says it, the wait goes on
    assert not empty.params.get("reply_markup"), empty.params  # no class to pick, no 确认发送
    draft = reply(tg, MANAGER, "明天上午九点集合", "确认群发")  # the wait went on
    assert "明天上午九点集合" in draft.text
    assert rows(data_dir, "SELECT count(*) FROM broadcasts WHERE status != 'draft'") == [(0,)]
