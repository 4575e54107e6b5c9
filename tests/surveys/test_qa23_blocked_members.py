"""End to end (both engines, the real bot process, the fake Bot API server, the `guopei-bot`
command line): QA23 F5. A class member who blocked the bot (a send to them got 403 「bot was
blocked by the user」) never gets the survey invitation:

- /survey's confirmation counts as /broadcast does (「将发给 2 人；另有 1 人屏蔽了机器人…」, as
  the class picker's 「（共 3 人，2 人能收到）」) and warns before sending that an anonymous
  survey only 2 can answer never shows its results; the send report, once the invitations are
  out, says 「送达 2 人；1 人屏蔽了机器人，没有收到」 (QA24 F1);
- /results and `survey list` leave them out of the 回收率 and list them apart,
  「收不到问卷（屏蔽了机器人）1 人」, not as 未开始; a held anonymous survey says why and what
  to do; once everyone who can answer has submitted, 「⏹ 结束问卷」 shows all the sheets (they
  are not shown by themselves: one who unblocks the bot could still submit, and the difference
  would tell the manager that sheet);
- when the only ones who have not submitted blocked the bot, a 🔕 line says why there is no
  「🔔 提醒未提交的学员」 (and a stale 🔔 says so too); once they unblock the bot they count
  as 未开始 again and 🔔 reaches them;
- a class whose members all blocked the bot is refused at step 3, as /broadcast refuses it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from bot.db.models import Membership
from bot.db.session import make_engine
from tests.e2e.test_reminders import MANAGER, seed_class
from tests.e2e.test_surveys import alert_after, labels, message, tap
from tests.surveys import test_qa20_anonymous as qa20
from tests.surveys.test_addressees_e2e import reply

REMIND = "🔔 提醒未提交的学员"


def marked_blocked(data_dir: Path, user_id: int) -> bool:
    """Whether the bot has recorded that `user_id` blocked it (its memberships' mark)."""
    engine = make_engine(f"sqlite:///{(data_dir / 'guopei.db').resolve()}")
    with Session(engine) as session:
        marks = list(session.exec(select(Membership.blocked).where(Membership.user_id == user_id)))
    engine.dispose()
    return bool(marks) and all(marks)


def broadcast_finds_blocked(tg, data_dir: Path, blocked: list[int], text: str) -> None:  # type: ignore[no-untyped-def]
    """The manager's /broadcast finds out who blocked the bot (a 403 each); wait until the
    database has marked them."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text=f"/broadcast {text}")
    confirm = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    tap(tg, MANAGER, confirm.message_id, "确认发送", f"屏蔽了机器人 {len(blocked)}")
    tg.wait_until(lambda _t: all(marked_blocked(data_dir, user) for user in blocked), timeout=15)


def send_survey(tg, template: str, class_label: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """/survey → `template` → the class button `class_label` → 3天后截止: the confirmation's
    text, then 确认发送: the text of what was done."""
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/survey")
    flow = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="第 1 步", after=mark
    ).message_id
    key = next(label for label in labels(message(tg, MANAGER, flow)) if template in label)
    tap(tg, MANAGER, flow, key, "第 2 步")
    assert class_label in labels(message(tg, MANAGER, flow)), message(tg, MANAGER, flow)
    tap(tg, MANAGER, flow, class_label, "第 3 步")
    confirmation = tap(tg, MANAGER, flow, "3天后截止", "确认发送问卷")["text"]
    done = tap(tg, MANAGER, flow, "确认发送", "已向")["text"]
    return confirmation, done


def send_report(tg, needle: str) -> str:  # type: ignore[no-untyped-def]
    """The survey's send report (the message 「✅ 确认发送」 turned into) once it shows
    `needle`: corrected by the broadcaster once the invitations are out."""
    flow = next(
        call.message_id
        for call in tg.calls("editMessageText", chat_id=MANAGER, ok=True)
        if "已向" in (call.text or "")
    )
    tg.wait_until(lambda t: needle in message(t, MANAGER, flow)["text"], timeout=30)
    return message(tg, MANAGER, flow)["text"]


def invitation(tg, user: int, title: str) -> int:  # type: ignore[no-untyped-def]
    return tg.wait_for(
        method="sendMessage", ok=True, chat_id=user, text_contains=title, timeout=20
    ).message_id


def submit_satisfaction(tg, user: int) -> None:  # type: ignore[no-untyped-def]
    """The built-in anonymous 国培项目培训满意度调查: 满意 six times, no comment, 提交."""
    sheet = invitation(tg, user, "国培项目培训满意度调查")
    tap(tg, user, sheet, "📝 开始填写", "1/7")
    for number in range(2, 8):
        tap(tg, user, sheet, "满意", f"{number}/7")
    tap(tg, user, sheet, "跳过 ➡️", "请核对")
    tap(tg, user, sheet, "提交", "已提交")


def submit_course_feedback(tg, user: int) -> None:  # type: ignore[no-untyped-def]
    """The built-in named 专题课程反馈: 适中, 案例研讨, 满意, no comment, 提交."""
    sheet = invitation(tg, user, "专题课程反馈")
    tap(tg, user, sheet, "📝 开始填写", "1/4")
    tap(tg, user, sheet, "适中", "2/4")
    tap(tg, user, sheet, "案例研讨", "☑️ 案例研讨")
    tap(tg, user, sheet, "选好了，下一题 ➡️", "3/4")
    tap(tg, user, sheet, "满意", "4/4")
    tap(tg, user, sheet, "跳过 ➡️", "请核对")
    tap(tg, user, sheet, "提交", "已提交")


def refresh(tg, results_id: int, needle: str) -> str:  # type: ignore[no-untyped-def]
    """🔄 刷新 the results message; its text once it shows `needle`."""
    data = labels(message(tg, MANAGER, results_id))["🔄 刷新"]
    tg.press_button(user_id=MANAGER, message_id=results_id, data=data)
    tg.wait_until(lambda t: needle in message(t, MANAGER, results_id)["text"], timeout=30)
    return message(tg, MANAGER, results_id)["text"]


def test_anonymous_survey_to_a_class_with_a_member_who_blocked_the_bot(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "语文一班", [2001, 2002, 2003])
    tg.blocked_users.add(2003)
    start_bot()

    # a broadcast finds out that 2003 blocked the bot, and says so
    broadcast_finds_blocked(tg, data_dir, [2003], "明天上午9点在报告厅集合")

    # the survey's confirmation counts as /broadcast and the picker do, and warns in time
    confirmation, done = send_survey(
        tg, "国培项目培训满意度调查", "语文一班（共 3 人，2 人能收到）"
    )
    assert "班级：语文一班（共 3 人）" in confirmation, confirmation
    assert "将发给 2 人；另有 1 人屏蔽了机器人或已注销账号，不会发给他们。" in confirmation
    assert "⚠️ 能收到这份问卷的只有 2 人：匿名问卷满 3 份才显示结果" in confirmation, confirmation
    assert "结果您将看不到" in confirmation and "换一个实名的问卷模板" in confirmation
    assert "每位学员都会收到" not in confirmation, confirmation
    # the send report, as it reads once the invitations are out (QA24 F1)
    report = send_report(tg, "送达 2 人；1 人屏蔽了机器人，没有收到（编号 1）")
    assert "已向「语文一班」发送问卷" in report and "⚠️ 只有 2 人收到了" in report, report

    submit_satisfaction(tg, 2001)
    submit_satisfaction(tg, 2002)

    # /results: 2 of the 2 who could answer; the third is listed apart, not as 未开始
    results = reply(tg, MANAGER, "/results", "回收率")
    text = results.text
    assert "回收率：<b>100.0%（2/2）</b>" in text, text
    assert "已提交 2 · 填写中 0 · 未开始 0" in text, text
    assert "收不到问卷（屏蔽了机器人）1 人，不计入回收率" in text, text
    assert "66.7%" not in text and "2/3" not in text, text
    # the anonymous results cannot show: the manager is told why and what to do
    assert "能收到这份问卷的只有 2 人（另有 1 人屏蔽了机器人，收不到问卷）" in text, text
    assert "解除屏蔽" in text and "换一个实名的问卷模板" in text, text
    # no 🔔, and why
    assert "🔕 未提交的 1 人都屏蔽了机器人，提醒发不到" in text, text
    buttons = labels(message(tg, MANAGER, results.message_id))
    assert REMIND not in buttons and "⏹ 结束问卷" in buttons, buttons

    # the command line counts the same way
    listed = qa20.cli(data_dir, "list")
    assert listed.returncode == 0, listed.stderr
    assert "100.0%（2/2）（另有 1 人屏蔽了机器人，收不到问卷）" in listed.stdout, listed.stdout


def test_a_member_the_invitation_finds_blocked_is_listed_apart_until_they_unblock(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "数学二班", [2101, 2102, 2103])
    tg.blocked_users.add(2103)  # nobody knows yet: the invitation finds it out
    start_bot()

    confirmation, done = send_survey(tg, "专题课程反馈", "数学二班（3 人）")
    assert "班级：数学二班（3 人）" in confirmation and "已向「数学二班」" in done, done
    tg.wait_for(
        method="sendMessage", chat_id=2103, timeout=20, predicate=lambda c: c.status == 403
    )
    # the send report corrects itself (QA24 F1); a named survey gets no anonymous warning
    report = send_report(tg, "送达 2 人；1 人屏蔽了机器人，没有收到（编号 1）")
    assert "⚠️" not in report, report
    tg.wait_until(lambda _t: marked_blocked(data_dir, 2103), timeout=15)

    results = reply(tg, MANAGER, "/results", "回收率")
    text = results.text
    assert "回收率：<b>0.0%（0/2）</b>" in text and "未开始 2" in text, text
    assert "收不到问卷（屏蔽了机器人）1 人，不计入回收率" in text, text
    assert "未开始：学员2101、学员2102" in text, text
    assert "收不到问卷（屏蔽了机器人）：学员2103" in text, text
    assert "🔕" not in text, text
    stale_remind = labels(message(tg, MANAGER, results.message_id))[REMIND]

    # everyone the invitation reached submits: 🔔 goes, and the manager is told why
    submit_course_feedback(tg, 2101)
    submit_course_feedback(tg, 2102)
    text = refresh(tg, results.message_id, "（2/2）")
    assert "未开始 0" in text and "未开始：" not in text, text
    assert "🔕 未提交的 1 人都屏蔽了机器人，提醒发不到" in text, text
    assert REMIND not in labels(message(tg, MANAGER, results.message_id))
    alert_after(tg, MANAGER, results.message_id, stale_remind, "未提交的 1 人都屏蔽了机器人")

    # 2103 unblocks the bot and writes to it: reachable again, 未开始, and 🔔 reaches them
    tg.blocked_users.discard(2103)
    mark = tg.mark()
    tg.send_text(user_id=2103, text="你好", first_name="孙老师")
    tg.wait_for(method="sendMessage", ok=True, chat_id=2103, after=mark, timeout=20)
    tg.wait_until(lambda _t: not marked_blocked(data_dir, 2103), timeout=15)
    text = refresh(tg, results.message_id, "（2/3）")
    assert "未开始 1" in text and "未开始：孙老师" in text, text
    assert "收不到问卷" not in text and "🔕" not in text, text
    mark = tg.mark()
    tap(tg, MANAGER, results.message_id, REMIND, "（2/3）")
    tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="已提醒 1 名", after=mark
    )
    nudge = tg.wait_for(
        method="sendMessage",
        ok=True,
        chat_id=2103,
        text_contains="🔔 提醒",
        after=mark,
        timeout=20,
    )
    assert "📝 开始填写" in labels(message(tg, 2103, nudge.message_id))


def test_anonymous_results_one_tap_away_once_everyone_reachable_submitted(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    trainees = [2201, 2202, 2203, 2204]
    survey_id = qa20.seed_survey(data_dir, trainees)  # anonymous, open three more days
    tg.blocked_users.add(2204)
    start_bot()
    broadcast_finds_blocked(tg, data_dir, [2204], "请填写培训满意度问卷")
    for user, rating in zip(trainees[:3], ["非常满意", "满意", "一般"], strict=True):
        qa20.submit(tg, user, rating)

    # all 3 who can answer have: the figures wait only for 2204, who cannot get the survey
    results = reply(tg, MANAGER, f"/results {survey_id}", "回收率")
    text = results.text
    assert "100.0%（3/3）" in text and "收不到问卷（屏蔽了机器人）1 人" in text, text
    assert "能收到问卷的 3 人都已提交（另有 1 人屏蔽了机器人，收不到问卷）" in text, text
    assert "点「⏹ 结束问卷」即显示全部 3 份" in text and "人作答" not in text, text

    # one tap (and its confirmation) shows them
    end_survey(tg, results.message_id)
    final = reply(tg, MANAGER, f"/results {survey_id}", "回收率").text
    assert "显示全部 3 份" in final and "3 人作答" in final, final
    assert "（3/3）" in final and "🔕" not in final, final


def end_survey(tg, results_id: int) -> None:  # type: ignore[no-untyped-def]
    """⏹ 结束问卷 → ⏹ 确定结束 on the results message."""
    mark = tg.mark()
    data = labels(message(tg, MANAGER, results_id))["⏹ 结束问卷"]
    tg.press_button(user_id=MANAGER, message_id=results_id, data=data)
    ask = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确定现在结束", after=mark
    )
    tap(tg, MANAGER, ask.message_id, "⏹ 确定结束", "已结束")


def test_a_class_whose_members_all_blocked_the_bot_gets_no_survey(  # type: ignore[no-untyped-def]
    start_bot, fake_telegram, data_dir
):
    tg = fake_telegram
    seed_class(data_dir, "物理一班", [2301, 2302])
    tg.blocked_users.update({2301, 2302})
    start_bot()
    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/broadcast 下午3点开会")
    confirm = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="确认群发", after=mark
    )
    tap(tg, MANAGER, confirm.message_id, "确认发送", "屏蔽了机器人 2")
    tg.wait_until(lambda _t: marked_blocked(data_dir, 2302), timeout=15)

    mark = tg.mark()
    tg.send_text(user_id=MANAGER, text="/survey")
    flow = tg.wait_for(
        method="sendMessage", ok=True, chat_id=MANAGER, text_contains="第 1 步", after=mark
    ).message_id
    key = next(label for label in labels(message(tg, MANAGER, flow)) if "专题课程反馈" in label)
    tap(tg, MANAGER, flow, key, "第 2 步")
    page = tap(tg, MANAGER, flow, "物理一班（共 2 人，0 人能收到）", "没有发送")
    assert "「物理一班」的 2 名学员都屏蔽了机器人或已注销账号" in page["text"], page
    assert "解除屏蔽" in page["text"] and "第 3 步" not in page["text"], page
    assert "◀ 换一个培训班" in labels(page) and "3天后截止" not in labels(page)
