"""End to end (the real bot process, the fake Bot API server, the `guopei-bot` command line):
QA24 F1 and F10, how a survey counts the members who blocked the bot.

- F1: when the bot only learns while sending the invitations that members blocked it (403),
  the manager's send report corrects itself once they are out, as /broadcast's report does
  (「送达 2 人；2 人屏蔽了机器人，没有收到」), with the warning that an anonymous survey fewer
  than 3 got shows no results and what to do; once, also after a restart;
- F10: the class picker counts as the confirmation does (「数学班（共 4 人，2 人能收到）」 and
  「班级：数学班（共 4 人）」); the XLSX 汇总 says 「发送人数」 only when it is the number sent to;
  the CSV says below its table who blocked the bot and never got the survey."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.e2e.test_reminders import MANAGER, seed_class
from tests.e2e.test_surveys import labels, message
from tests.surveys import test_qa20_anonymous as qa20
from tests.surveys.test_addressees_e2e import reply
from tests.surveys.test_qa23_blocked_members import (
    broadcast_finds_blocked,
    invitation,
    marked_blocked,
    send_survey,
    submit_course_feedback,
)

CORRECTED = "2 人屏蔽了机器人，没有收到"


def reports(tg) -> list:  # type: ignore[no-untyped-def]
    """Every send or edit of the manager's chat that carried the corrected send report."""
    return [
        call
        for method in ("sendMessage", "editMessageText")
        for call in tg.calls(method, chat_id=MANAGER, ok=True)
        if CORRECTED in (call.text or "")
    ]


def test_the_send_report_corrects_itself_when_the_invitations_find_members_blocked(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "数学班", [2001, 2002, 2003, 2004])
    tg.blocked_users.update({2003, 2004})  # nobody knows yet: the invitations find it out
    bot = start_bot()

    confirmation, done = send_survey(tg, "国培项目培训满意度调查", "数学班（4 人）")
    assert "班级：数学班（4 人）" in confirmation, confirmation
    flow = next(
        call.message_id
        for call in tg.calls("editMessageText", chat_id=MANAGER, ok=True)
        if "已向" in (call.text or "")
    )
    # the report corrects itself once the invitations are out
    tg.wait_until(lambda t: CORRECTED in message(t, MANAGER, flow)["text"], timeout=30)
    text = message(tg, MANAGER, flow)["text"]
    assert "已向「数学班」发送问卷「国培项目培训满意度调查」：送达 2 人；" in text, text
    assert f"{CORRECTED}（编号 1）" in text, text
    assert "4 名学员" not in text and "发送 /results 1 查看结果" in text, text
    # anonymous, 2 got it: the manager is told now that results will not show, and what to do
    assert "⚠️ 只有 2 人收到了这份匿名问卷：匿名问卷满 3 份才显示结果" in text, text
    assert "解除屏蔽" in text and "🔔 提醒未提交的学员" in text, text
    assert "换一个实名的问卷模板" in text, text
    assert invitation(tg, 2001, "国培项目培训满意度调查") and marked_blocked(data_dir, 2004)
    assert len(reports(tg)) == 1, reports(tg)

    # after a restart the report is not sent again
    bot.stop()
    start_bot()
    answer = reply(tg, MANAGER, "/results 1", "回收率").text
    assert "收不到问卷（屏蔽了机器人）2 人，不计入回收率" in answer, answer
    assert len(reports(tg)) == 1, reports(tg)


def test_a_send_report_everyone_got_says_so(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "英语班", [2401, 2402, 2403])
    start_bot()
    _, done = send_survey(tg, "专题课程反馈", "英语班（3 人）")
    flow = next(
        call.message_id
        for call in tg.calls("editMessageText", chat_id=MANAGER, ok=True)
        if "已向" in (call.text or "")
    )
    tg.wait_until(lambda t: "送达 3 人（编号 1）" in message(t, MANAGER, flow)["text"], timeout=30)
    text = message(tg, MANAGER, flow)["text"]
    assert text.startswith("✅ 已向「英语班」发送问卷「专题课程反馈」：送达 3 人（编号 1）"), text
    assert "屏蔽" not in text and "⚠️" not in text, text


def test_picker_confirmation_and_exports_count_the_same(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "数学班", [2001, 2002, 2003, 2004])
    tg.blocked_users.update({2003, 2004})
    start_bot()
    broadcast_finds_blocked(tg, data_dir, [2003, 2004], "明天上午9点在报告厅集合")

    # the picker says what the confirmation says: 4 in the class, 2 can get it
    confirmation, done = send_survey(tg, "专题课程反馈", "数学班（共 4 人，2 人能收到）")
    assert "班级：数学班（共 4 人）" in confirmation, confirmation
    assert "将发给 2 人" in confirmation, confirmation
    submit_course_feedback(tg, 2001)

    results = reply(tg, MANAGER, "/results", "回收率")
    assert "收不到问卷（屏蔽了机器人）：学员2003、学员2004" in results.text, results.text

    # the XLSX 汇总 does not call the 4 「发送人数」: 2 never got it
    data = labels(message(tg, MANAGER, results.message_id))["📥 XLSX"]
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=results.message_id, data=data)
    document = tg.wait_for(method="sendDocument", ok=True, chat_id=MANAGER, after=mark, timeout=30)
    book = load_workbook(io.BytesIO(document.files["document"]))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row}
    assert "发送人数" not in summary, summary
    assert summary["问卷对象（发送时的班级学员）"] == 4, summary
    assert summary["收不到问卷（屏蔽了机器人，不计入回收率）"] == 2, summary
    assert summary["计入回收率人数"] == 2, summary

    # the CSV (📥 CSV and the command line) keeps its columns and says it below its table
    rows = qa20.csv_rows(tg, results.message_id)
    header, first, *notes = rows
    assert header[:4] == ["序号", "用户ID", "姓名", "提交时间"], header
    assert first[1] == "2001", first
    flat = [" ".join(row) for row in notes]
    assert "注：收不到问卷（屏蔽了机器人，不计入回收率）2 人" in flat, rows
    assert "收不到问卷（屏蔽了机器人）：学员2003、学员2004" in flat, rows
    exported = qa20.cli(data_dir, "export", "1", "--format", "csv", "-o", "-")
    assert exported.returncode == 0, exported.stderr
    cli_rows = list(csv.reader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
    assert cli_rows[2:] == notes, cli_rows
