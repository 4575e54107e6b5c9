"""End to end (both engines, the real bot process, the fake Bot API server): a manager sends a
survey by buttons; trainees get the invitation through the broadcaster; one answers it
completely by buttons and text and changes an answer from the review; another answers half,
the bot restarts, and they resume where they left off; forged and replayed callbacks are
refused; /results shows the figures with a chart, and the XLSX export matches the answers."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from bot.db.session import make_engine
from bot.db.survey_models import SurveyAnswer, SurveyResponse
from tests.e2e.test_reminders import MANAGER, seed_class

TRAINEES = [3001, 3002, 3003]
OTHER_MANAGER = 4002


def message(tg, chat_id: int, message_id: int) -> dict:  # type: ignore[no-untyped-def]
    return tg.messages_in_chat(chat_id)[message_id]


def labels(msg: dict) -> dict[str, str]:
    rows = (msg.get("reply_markup") or {}).get("inline_keyboard", [])
    found = {}
    for row in rows:
        for button in row:
            label = button["text"]
            for mark in ("✅ ", "⬜ ", "☑️ "):
                label = label.removeprefix(mark)
            found[label] = button.get("callback_data", "")
    return found


def tap(tg, user: int, message_id: int, label: str, expect: str) -> dict:  # type: ignore[no-untyped-def]
    """Press the button `label` of the message and wait until the message shows `expect`."""
    data = labels(message(tg, user, message_id))[label]
    tg.press_button(user_id=user, message_id=message_id, data=data)
    tg.wait_until(lambda t: expect in str(message(t, user, message_id)), timeout=15)
    return message(tg, user, message_id)


def alert_after(tg, user: int, message_id: int, data: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    mark = tg.mark()
    tg.press_button(user_id=user, message_id=message_id, data=data, check=False)
    tg.wait_for(
        method="answerCallbackQuery",
        after=mark,
        timeout=15,
        predicate=lambda c: needle in str(c.params.get("text", "")),
    )


def test_survey_end_to_end(start_bot, fake_telegram, data_dir):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    seed_class(data_dir, "语文一班", TRAINEES)
    seed_class(data_dir, "数学班", [], manager_id=OTHER_MANAGER)
    bot = start_bot()

    # the manager: /survey → template → class → 3 天 → 确认发送
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/survey")
    step = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=MANAGER,
        text_contains="第 1 步",
        after=mark,
        timeout=15,
    )
    flow = step.message_id
    key = next(label for label in labels(message(tg, MANAGER, flow)) if "专题课程反馈" in label)
    tap(tg, MANAGER, flow, key, "第 2 步")
    tap(tg, MANAGER, flow, "语文一班（3 人）", "第 3 步")
    tap(tg, MANAGER, flow, "3天后截止", "确认发送问卷")
    done = tap(tg, MANAGER, flow, "确认发送", "已向")
    assert "3 名学员" in done["text"]

    # every trainee gets the invitation (through the broadcaster) with a start button
    invitations = {}
    for user in TRAINEES:
        call = tg.wait_for(
            method="sendMessage", ok=True, chat_id=user, text_contains="专题课程反馈", timeout=20
        )
        invitations[user] = call.message_id
        assert "📝 开始填写" in labels(message(tg, user, call.message_id))
    a, b, c = TRAINEES

    # trainee a: a complete survey by buttons and text
    q1 = labels(tap(tg, a, invitations[a], "📝 开始填写", "1/4"))
    tap(tg, a, invitations[a], "适中", "2/4")
    tap(tg, a, invitations[a], "案例研讨", "☑️ 案例研讨")
    tap(tg, a, invitations[a], "课堂观摩", "☑️ 课堂观摩")
    page = tap(tg, a, invitations[a], "选好了，下一题 ➡️", "3/4")
    page = tap(tg, a, invitations[a], "满意", "4/4")
    mark = tg.mark()
    tg.send_text(user_id=a, text="案例很实用,希望多一些课堂观摩")
    review = tg.wait_for(
        method="sendMessage", ok=True, chat_id=a, text_contains="请核对", after=mark, timeout=15
    )
    assert "案例研讨、课堂观摩" in review.text and "案例很实用" in review.text
    # change an answer from the review: ✏️ 第1题 → 偏难 goes straight back to the review
    sheet = review.message_id
    tap(tg, a, sheet, "✏️ 第1题", "1/4")
    page = tap(tg, a, sheet, "偏难", "请核对")
    assert "偏难" in page["text"]
    submit = labels(page)["提交"]
    tap(tg, a, sheet, "提交", "已提交")
    # replays after submission change nothing
    alert_after(tg, a, sheet, submit, "已经提交")
    alert_after(tg, a, invitations[a], q1["适中"], "已经提交")

    # trainee b answers one question, the bot restarts, b resumes at question 2
    tap(tg, b, invitations[b], "📝 开始填写", "1/4")
    tap(tg, b, invitations[b], "偏易", "2/4")
    bot.stop()
    bot = start_bot()
    tap(tg, b, invitations[b], "专家讲座", "☑️ 专家讲座")
    tap(tg, b, invitations[b], "选好了，下一题 ➡️", "3/4")
    # forged callbacks: a's response pressed by b, an out-of-range choice, another survey
    b_data = labels(message(tg, b, invitations[b]))["满意"]
    _, _, _, sid, rid, pos, _choice = b_data.split(":")
    a_rid = int(rid) - 1
    alert_after(tg, b, invitations[b], f"sv:1:a:{sid}:{a_rid}:2:0", "无效")
    alert_after(tg, b, invitations[b], f"sv:1:a:{sid}:{rid}:{pos}:7", "无效")
    alert_after(tg, b, invitations[b], f"sv:1:a:{int(sid) + 5}:{rid}:{pos}:0", "无效")
    alert_after(tg, c, invitations[c], f"sv:1:s:{int(sid) + 5}", "无效")
    assert "refused survey callback" in bot.log()

    # the manager's results: text, chart photo, XLSX export
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/results {sid}")
    results = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=MANAGER,
        text_contains="回收率",
        after=mark,
        timeout=15,
    )
    assert "1/3" in results.text and "填写中 1" in results.text and "未开始 1" in results.text
    assert "未开始：" in results.text  # not anonymous: who has not started is named
    photo = tg.wait_for(method="sendPhoto", ok=True, chat_id=MANAGER, after=mark, timeout=20)
    assert len(photo.files.get("photo", b"")) > 10_000
    xlsx_data = labels(message(tg, MANAGER, results.message_id))["📥 XLSX"]
    mark = tg.mark()
    tg.press_button(user_id=MANAGER, message_id=results.message_id, data=xlsx_data)
    document = tg.wait_for(method="sendDocument", ok=True, chat_id=MANAGER, after=mark, timeout=20)
    book = load_workbook(io.BytesIO(document.files["document"]), read_only=True)
    rows = list(book["明细"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == a and rows[1][2]
    assert rows[1][4:] == ("偏难", "案例研讨、课堂观摩", "满意", "案例很实用,希望多一些课堂观摩")

    # a manager adds a template by sending a .yaml file; a broken one names its line
    template = "title: 跟岗实践反馈\nquestions:\n  - text: 收获大吗?\n    kind: likert5\n"
    mark = tg.mark()
    tg.send_document(user_id=MANAGER, filename="跟岗.yaml", content=template.encode())
    tg.wait_for(
        method="sendMessage",
        chat_id=MANAGER,
        text_contains="已添加问卷模板「跟岗实践反馈」",
        after=mark,
        timeout=15,
    )
    tg.send_document(
        user_id=MANAGER, filename="坏.yml", content=template.replace("likert5", "likert7").encode()
    )
    tg.wait_for(
        method="sendMessage",
        chat_id=MANAGER,
        text_contains="坏.yml 第 4 行",
        after=mark,
        timeout=15,
    )
    # another manager cannot replace it; its owner can update it
    hijack = template.replace("收获大吗?", "你的手机号码是多少?").replace("likert5", "text")
    tg.send_document(user_id=OTHER_MANAGER, filename="跟岗.yaml", content=hijack.encode())
    tg.wait_for(
        method="sendMessage",
        chat_id=OTHER_MANAGER,
        text_contains="已被另一位班主任的模板使用",
        after=mark,
        timeout=15,
    )
    tg.send_document(user_id=MANAGER, filename="跟岗.yaml", content=template.encode())
    tg.wait_for(
        method="sendMessage",
        chat_id=MANAGER,
        text_contains="已更新问卷模板「跟岗实践反馈」",
        after=mark,
        timeout=15,
    )
    tg.send_document(user_id=TRAINEES[0], filename="t.yaml", content=template.encode())
    tg.wait_for(
        method="sendMessage",
        chat_id=TRAINEES[0],
        text_contains="只有班主任和管理员",
        after=mark,
        timeout=15,
    )
    bot.stop()

    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        responses = session.execute(select(func.count()).select_from(SurveyResponse)).scalar()
        answers = session.execute(select(func.count()).select_from(SurveyAnswer)).scalar()
    engine.dispose()
    assert responses == 2 and answers == 4 + 2  # a: 4 answers, b: 2 so far
