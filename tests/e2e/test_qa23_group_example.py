"""QA23 F9, end to end on both engines (the real bot process, the fake Bot API server): the
example in the hint a reply to the bot in a class group gets (「在群里提问请用 /ask 加问题，例如
/ask …」) is answered, confidently, from the shipped notices when a trainee sends it as shown
(handlers/ask.py `GROUP_EXAMPLE`: 「国培计划的培训经费由谁出」, not 「培训期间的交通费怎么报销」,
which they decline)."""

from __future__ import annotations

import re

TRAINEE, OTHER = 1001, 1002
GROUP = -100779


def in_group(tg, user_id: int, text: str, reply_to: int | None = None) -> int:  # type: ignore[no-untyped-def]
    mark = tg.mark()
    tg.send_text(
        user_id=user_id,
        text=text,
        chat_id=GROUP,
        chat_type="supergroup",
        reply_to_message_id=reply_to,
    )
    return mark


def test_the_group_hints_example_is_answered(start_bot, fake_telegram) -> None:  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot()

    mark = in_group(tg, TRAINEE, "/ask 国培计划包括哪些内容")
    answer = tg.wait_for(method="sendMessage", chat_id=GROUP, text_contains="—— 《", after=mark)
    mark = in_group(tg, OTHER, "那住宿呢", reply_to=answer.message_id)
    hint = tg.wait_for(method="sendMessage", chat_id=GROUP, text_contains="/ask", after=mark)
    example = re.search(r"例如 (/ask [^；。]+)", hint.text)
    assert example, hint.text

    mark = in_group(tg, OTHER, example[1])
    answered = tg.wait_for(method="sendMessage", chat_id=GROUP, after=mark, timeout=20)
    assert answered.text.startswith("📖"), answered.text
    assert "没有十足把握" not in answered.text and "没有找到" not in answered.text
    assert "—— 《" in answered.text and "中央财政" in answered.text, answered.text
