"""QA23 F11 on the real bot (both engines) through the fake Bot API: 「/remind 每小时 签到」 was
refused as 「没看懂提醒时间」 while the examples said 「重复提醒两次之间至少隔 1 小时」, as if an
hourly rule could be written; 「/remind 每天每小时 签到」 was read as once a day at 09:00 with
「每小时 签到」 as the text. Now a rule by the hour is refused before anything is saved, saying it
is not supported and giving the line that reminds on the hour in the daytime (a cron rule,
which is then read and confirmed), and the examples say how an hourly rule is written."""

from __future__ import annotations

from tests.e2e.test_handoff_restart import ADMIN, MANAGER, Conversation

DAYTIME = "/remind cron 0 8-20 * * * 签到"


def labels(call) -> list[str]:
    return [label for label, _ in call.buttons]


def test_hourly_is_refused_with_the_line_to_send_and_that_line_is_set(start_bot, fake_telegram):
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()

    refused = talk.say(MANAGER, "/remind 每小时 签到", "还没有设置提醒")
    assert refused.text.startswith("还没有设置提醒：暂不支持「每小时」这样按小时重复的提醒"), (
        refused.text
    )
    assert "没看懂" not in refused.text
    assert f"（每天 8:00 到 20:00 每个整点）：\n{DAYTIME}\n" in refused.text, refused.text
    assert "每天只提醒一次的话：/remind 每天8点 签到" in refused.text
    assert "确认" not in labels(refused)

    # every two hours: the hours listed; every half hour: too often
    refused = talk.say(MANAGER, "/remind 每隔两小时 签到", "还没有设置提醒")
    assert "/remind cron 0 8,10,12,14,16,18,20 * * * 签到" in refused.text, refused.text
    refused = talk.say(MANAGER, "/remind 每半小时 签到", "还没有设置提醒")
    assert "「每半小时」太频繁了" in refused.text and "至少要隔 1 小时" in refused.text
    assert DAYTIME in refused.text

    # the line given is read, shown hour after hour, and set
    draft = talk.say(MANAGER, DAYTIME, "新提醒")
    assert "接下来三次：" in draft.text and "内容：签到" in draft.text, draft.text
    times = [line.split()[-1] for line in draft.text.splitlines() if line.startswith("  · ")]
    assert len(times) == 3 and all(time.endswith(":00") for time in times), times
    assert all("08:00" <= time <= "20:00" for time in times), times
    talk.press(MANAGER, draft, "确认", "提醒已设置", "editMessageText")
    listing = talk.say(MANAGER, "/reminders", "待发送的提醒")
    assert "（共 1 条）" in listing.text and "签到" in listing.text, listing.text


def test_hourly_after_a_day_or_a_span_is_not_read_as_once_at_nine(start_bot, fake_telegram):
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(fake_telegram)
    talk.set_up_class()

    refused = talk.say(MANAGER, "/remind 每天每小时 签到", "还没有设置提醒")
    assert "暂不支持「每小时」" in refused.text and DAYTIME in refused.text, refused.text
    assert "新提醒" not in refused.text and "确认" not in labels(refused)

    refused = talk.say(MANAGER, "/remind 工作日每小时 签到", "还没有设置提醒")
    assert "（每周一至周五 8:00 到 20:00 每个整点）：" in refused.text, refused.text
    assert "/remind cron 0 8-20 * * 1-5 签到" in refused.text

    refused = talk.say(MANAGER, "/remind 每天8点到18点每小时 签到", "还没有设置提醒")
    assert "/remind cron 0 8-18 * * * 签到" in refused.text, refused.text

    # after a time written, 「每小时…」 is what the reminder says
    draft = talk.say(MANAGER, "/remind 明天9点 每小时喝一次水", "新提醒")
    assert "内容：每小时喝一次水" in draft.text and "确认" in labels(draft)[0]
    talk.say(MANAGER, "/reminders", "目前没有待发送的提醒")  # nothing refused was saved


def test_the_examples_say_how_an_hourly_rule_is_written(start_bot, fake_telegram):
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(fake_telegram)
    talk.set_up_class()
    for line in ("/remind", "/remind 改天 开会"):
        shown = talk.say(MANAGER, line, "可以这样写")
        assert "重复提醒不能写「每小时」「每隔几小时」" in shown.text, shown.text
        assert "cron 0 9,14,20 * * *（每天 9:00、14:00、20:00）" in shown.text
        assert "重复提醒两次之间至少隔 1 小时；" not in shown.text
