"""A clause from a notice about one training class, end to end on both engines through the fake
Bot API server (QA12 M3): a general question answered with the 2011 双语教师普通话培训班's
「不超过45周岁」 says, on the line before the citation, that it binds that class alone (in the
unsure overview and on the clause's full page alike); a question naming the class, and an
answer from a notice of 国培计划 as a whole, carry no such line."""

from __future__ import annotations

TRAINEE = 1001
CLASS_NOTICE = "中小学少数民族双语教师普通话培训班"
CITED = f"—— 《{CLASS_NOTICE}》"
FULL_NOTE = (
    f"⚠️ 这一条出自《{CLASS_NOTICE}》，只适用于这个培训班，不是国培计划的通用规定；"
    "具体要求请以您所在培训班的通知为准。"
)
SHORT_NOTE = "⚠️ 只适用于这个培训班，不是国培计划的通用规定"


def data_of(call, label: str) -> str:
    for text, data in call.buttons:
        if label in text and data:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons}")


def line_before_citation(text: str) -> str:
    """The line right above the class notice's citation in a message."""
    lines = text.split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(CITED))
    return lines[at - 1]


def test_a_class_notice_clause_says_whom_it_binds(start_bot, fake_telegram):
    tg = fake_telegram
    bot = start_bot()

    def ask(text: str, expected: str):
        mark = tg.mark()
        tg.send_text(user_id=TRAINEE, text=text)
        return tg.wait_for(
            method="sendMessage", chat_id=TRAINEE, text_contains=expected, after=mark
        )

    # The one clause found, in full (unsure, QA15 M2): the note on the line above its citation.
    sure = ask("参训教师年龄有什么要求", "周岁")
    assert "没有十足把握" in sure.text
    assert line_before_citation(sure.text) == FULL_NOTE
    assert sure.text.index("周岁") < sure.text.index(FULL_NOTE)

    # The question of QA12 M3, answered as unsure: the class's clause stating the age first
    # (the general one close behind says nothing of age, QA16 M5), its excerpt with the short
    # note, its own page (更多) the full one.
    unsure = ask("参加国培有年龄限制吗", CITED)
    assert "没有十足把握" in unsure.text
    assert line_before_citation(unsure.text) == SHORT_NOTE
    mark = tg.mark()
    tg.press_button(user_id=TRAINEE, message_id=unsure.message_id, data=data_of(unsure, "更多"))
    unsure = tg.wait_for(method="editMessageText", text_contains="第 1/", after=mark)
    assert line_before_citation(unsure.text) == FULL_NOTE

    # Naming the class itself: the same clause, no note.
    named = ask("双语教师普通话培训班年龄要求", "周岁")
    assert CITED in named.text and "⚠️" not in named.text

    # A clause of a notice for the whole programme: no note.
    general = ask("教师培训学分怎么审核认定？", "—— 《")
    assert "只适用于" not in general.text and CITED not in general.text

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
