"""End to end (the real bot process, the fake Bot API server, the `guopei-bot` command line):
QA17 F1's steps. An anonymous survey to 语文一班 (301–304); 301–303 submit, 304 answers
question 1 only; the manager ends it (⏹ 结束问卷 → ⏹ 确定结束): 75.0%（3/4）. Then 304 leaves
by /myclass → 退出 → 确定退出: /results, the XLSX sent by 📥 and `guopei-bot survey list` still
say 75.0%（3/4）, nobody 已退出; the list shows 已结束 and the close time (F6)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from bot.surveys.export import SUMMARY_SHEET
from tests.e2e.test_reminders import MANAGER
from tests.e2e.test_surveys import labels, message
from tests.surveys import seeding
from tests.surveys.test_addressees_e2e import press, reply

TRAINEES = [301, 302, 303, 304]


def seed_survey(data_dir: Path) -> int:
    return seeding.seed_survey(
        data_dir,
        class_name="语文一班",
        trainees=TRAINEES,
        title="专题反馈",
        anonymous=True,
        questions=[seeding.DIFFICULTY, seeding.OVERALL],
    )


def survey_list(data_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env.update(DATA_DIR=str(data_dir))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "survey", "list"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def xlsx_summary(tg, results_message_id: int) -> dict:  # type: ignore[no-untyped-def]
    data = labels(message(tg, MANAGER, results_message_id))["📥 XLSX"]
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=results_message_id, data=data)
    document = tg.wait_for(method="sendDocument", ok=True, chat_id=MANAGER, after=mark, timeout=30)
    sheet = load_workbook(io.BytesIO(document.files["document"]))[SUMMARY_SHEET]
    return {row[0].value: row[1].value for row in sheet.iter_rows() if len(row) > 1}


def test_leaving_after_the_close_keeps_the_final_rate(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    survey_id = seed_survey(data_dir)
    start_bot()

    for user in TRAINEES:
        sheet = reply(tg, user, "/mysurveys", "专题反馈").message_id
        press(tg, user, sheet, "开始", "开始填写", shows="1/2")
        press(tg, user, sheet, "适中", "已记录", shows="2/2")
        if user == TRAINEES[3]:
            continue  # 304 answers question 1 only
        press(tg, user, sheet, "满意", "已记录", shows="请核对")
        press(tg, user, sheet, "提交", "提交成功", shows="已提交")

    # the manager ends it: ⏹ 结束问卷 → ⏹ 确定结束
    results = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    assert "75.0%（3/4）" in results.text, results.text
    mark = tg.mark()
    tg.press_button(
        user_id=MANAGER,
        message_id=results.message_id,
        data=labels(message(tg, MANAGER, results.message_id))["⏹ 结束问卷"],
    )
    ask = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确定现在结束", after=mark
    )
    press(tg, MANAGER, ask.message_id, "⏹ 确定结束", "已结束", shows="已结束")
    final = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    assert "75.0%（3/4）" in final.text and "已退出" not in final.text, final.text
    listed = survey_list(data_dir)
    assert "75.0%（3/4）" in listed and "已结束（" in listed, listed

    # 304 leaves the class: the closed survey's figures stay as they were
    classes = reply(tg, TRAINEES[3], "/myclass", "语文一班")
    press(tg, TRAINEES[3], classes.message_id, "退出", "", shows="确定退出")
    press(tg, TRAINEES[3], classes.message_id, "确定退出", "", shows="已退出")
    after = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    assert "75.0%（3/4）" in after.text, after.text
    assert "已提交 3 · 填写中 1 · 未开始 0" in after.text, after.text
    assert "已退出" not in after.text and "100.0%（3/3）" not in after.text, after.text
    summary = xlsx_summary(tg, after.message_id)  # (one 📥 only: a second within 15 s is not sent)
    assert summary["回收率"] == 0.75 and summary["已退出"] == 0, summary
    assert summary["计入回收率人数"] == 4, summary
    assert survey_list(data_dir) == listed
