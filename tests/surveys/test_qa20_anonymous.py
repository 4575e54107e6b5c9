"""End to end (the real bot process, the fake Bot API server, the `guopei-bot` command line):
QA20 F4. An anonymous survey's figures must not let the manager read off one sheet by 🔄 刷新:
while it is open they count 3 sheets at a time and never the newest 3; once it is closed or
everyone has submitted, all of them. Its free text, CSV rows and CLI export follow no order of
submission and carry no time."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_reminders import MANAGER
from tests.e2e.test_surveys import labels, message
from tests.surveys import seeding
from tests.surveys.test_addressees_e2e import press, reply

TITLE = "培训满意度"


def seed_survey(data_dir: Path, trainees: list[int]) -> int:
    """An anonymous survey (a 满意度 question and an optional comment) sent to the trainees."""
    comment = {"kind": "text", "text": "意见建议", "options": [], "required": False}
    return seeding.seed_survey(
        data_dir,
        class_name="英语三班",
        trainees=trainees,
        title=TITLE,
        anonymous=True,
        questions=[seeding.OVERALL, comment],
    )


def submit(tg, user: int, rating: str, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    """Answer the survey from /mysurveys: the rating, the comment (or 跳过), 提交."""
    sheet = reply(tg, user, "/mysurveys", TITLE).message_id
    press(tg, user, sheet, "开始", "开始填写", shows="1/2")
    press(tg, user, sheet, rating, "已记录", shows="2/2")
    if comment:
        sheet = reply(tg, user, comment, "请核对").message_id  # the review: a new message
    else:
        press(tg, user, sheet, "跳过", "", shows="请核对")
    press(tg, user, sheet, "提交", "提交成功", shows="已提交")


def refresh(tg, results_id: int, needle: str) -> str:  # type: ignore[no-untyped-def]
    """🔄 刷新 the results message; its text once it shows `needle`."""
    data = labels(message(tg, MANAGER, results_id))["🔄 刷新"]
    tg.press_button(user_id=MANAGER, message_id=results_id, data=data)
    tg.wait_until(lambda t: needle in message(t, MANAGER, results_id)["text"], timeout=30)
    return message(tg, MANAGER, results_id)["text"]


def csv_rows(tg, results_id: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The rows of the CSV that 📥 CSV sends."""
    data = labels(message(tg, MANAGER, results_id))["📥 CSV"]
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=results_id, data=data)
    document = tg.wait_for(method="sendDocument", ok=True, chat_id=MANAGER, after=mark, timeout=30)
    return list(csv.reader(io.StringIO(document.files["document"].decode("utf-8-sig"))))


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env.update(DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "bot", "survey", *args], env=env, capture_output=True, text=True
    )


def test_the_fourth_sheet_cannot_be_read_off_by_refresh(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    trainees = [201, 202, 203, 204]
    survey_id = seed_survey(data_dir, trainees)
    start_bot()

    submit(tg, 201, "非常满意", "食堂太差了，李某建议改进")
    submit(tg, 202, "满意")
    submit(tg, 203, "不满意", "希望多安排实践")

    # 3 of 4, still open: the 4th sheet would be the difference, so nothing is counted yet
    results = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    text = results.text
    assert "75.0%（3/4）" in text and "已提交 3 · 填写中 0 · 未开始 1" in text, text
    for leak in ("人作答", "满意率", "食堂太差了", "希望多安排实践", "非常满意 1"):
        assert leak not in text, (leak, text)
    assert "目前已提交 3 份：问卷结束或全员提交后显示全部" in text and "⏹ 结束问卷" in text, text
    assert "📥 CSV" not in labels(message(tg, MANAGER, results.message_id))

    # the last one submits: nobody can answer any more, so every sheet counts at once
    submit(tg, 204, "一般")
    text = refresh(tg, results.message_id, "（4/4）")
    assert "2 人作答" in text and "非常满意 1（25%） · 满意 1（25%） · 一般 1（25%）" in text, text
    assert "显示全部 4 份" in text and "顺序已打乱，与提交先后无关" in text, text

    # the CSV: no time, the rows not in the order the sheets came in (nor its reverse)
    header, *rows = csv_rows(tg, results.message_id)
    assert header == ["序号", "1. 总体评价", "2. 意见建议"], header
    assert [row[0] for row in rows] == ["1", "2", "3", "4"]
    answers = [row[1:] for row in rows]
    submitted_order = [
        ["非常满意", "食堂太差了，李某建议改进"],
        ["满意", ""],
        ["不满意", "希望多安排实践"],
        ["一般", ""],
    ]
    assert answers not in (submitted_order, submitted_order[::-1]), answers

    # the command line writes the same rows, with no time either
    exported = cli(data_dir, "export", str(survey_id), "-f", "csv", "-o", "-")
    assert exported.returncode == 0, exported.stderr
    cli_header, *cli_rows = list(csv.reader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
    assert cli_header == header and [row[1:] for row in cli_rows] == answers, exported.stdout


def test_a_large_class_sees_batches_of_three_never_the_newest(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    trainees = [301, 302, 303, 304, 305, 306, 307, 308]
    survey_id = seed_survey(data_dir, trainees)
    start_bot()
    ratings = ["非常满意", "满意", "一般", "不满意", "满意", "满意", "非常不满意"]
    for user, rating in zip(trainees[:5], ratings, strict=False):
        submit(tg, user, rating)
    results = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    assert "（5/8）" in results.text and "人作答" not in results.text, results.text
    assert "进行中满 6 份时先显示前 3 份" in results.text, results.text

    # 6 sheets: the first 3 only; the 7th changes no figure
    submit(tg, trainees[5], ratings[5])
    text = refresh(tg, results.message_id, "（6/8）")
    assert "目前显示前 3 份（已提交 6 份）" in text and "3 人作答" in text, text
    assert "非常满意 1（33%） · 满意 1（33%） · 一般 1（33%） · 不满意 0" in text, text
    header, *rows = csv_rows(tg, results.message_id)
    assert len(rows) == 3 and "提交时间" not in header, (header, rows)
    submit(tg, trainees[6], ratings[6])
    text = refresh(tg, results.message_id, "（7/8）")
    assert "目前显示前 3 份（已提交 7 份）" in text and "非常不满意 0" in text, text
    listed = cli(data_dir, "list").stdout
    assert "（7/8）" in listed and "计入前 3 份" in listed, listed
    exported = cli(data_dir, "export", str(survey_id), "-f", "csv", "-o", "-")
    assert len(list(csv.reader(io.StringIO(exported.stdout)))) == 4, exported.stdout

    # ended by the manager: all 7 sheets
    mark = tg.mark()
    data = labels(message(tg, MANAGER, results.message_id))["⏹ 结束问卷"]
    tg.press_button(user_id=MANAGER, message_id=results.message_id, data=data)
    ask = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确定现在结束", after=mark
    )
    press(tg, MANAGER, ask.message_id, "⏹ 确定结束", "已结束", shows="已结束")
    final = reply(tg, MANAGER, f"/results {survey_id}", "回收率").text
    assert "7 人作答" in final and "显示全部 7 份" in final and "非常不满意 1" in final, final
