"""「不对」「还有呢」 after the question was handed to the class manager (its 🙋 问班主任 button
is gone) say it was handed on, not to press that button; before the handoff they point to it."""

from __future__ import annotations

from tests.questions.conftest import TRAINEE, button, text_of

SEVERAL_HITS = "普通话培训班在哪里举办"  # unsure: several clauses, 更多 ▶ and 🙋 问班主任
PRESS_THE_BUTTON = "请点「🙋 问班主任」"
HANDED_ON = "这个问题已经转给班主任了"


async def test_not_right_after_a_handoff_says_it_went_to_the_manager(chat) -> None:  # type: ignore[no-untyped-def]
    answer = await chat.say(TRAINEE, SEVERAL_HITS)
    before = text_of(await chat.say(TRAINEE, "不对"))
    assert PRESS_THE_BUTTON in before and HANDED_ON not in before

    await chat.press(TRAINEE, button(answer, "问班主任"))
    for text in ("不对", "还有呢"):
        after = text_of(await chat.say(TRAINEE, text))
        assert HANDED_ON in after and "问班主任」" not in after, after
        assert "更多 ▶" in after  # the answer still has its other clauses
