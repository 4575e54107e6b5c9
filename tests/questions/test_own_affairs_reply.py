"""A question on a trainee's own affairs (pay, leave, 报到, insurance, travel money, changing
class) that no notice speaks of is declined with why — the school or the organiser arranges
them — and the way to the class manager; the CLI says the same."""

from __future__ import annotations

from tests.questions.conftest import OTHER, TRAINEE, buttons_of, text_of

WHY = "问的是学校或培训承办单位自己安排的事"


async def test_own_affairs_are_declined_with_why_and_the_way_to_the_manager(chat) -> None:  # type: ignore[no-untyped-def]
    for question in ("培训期间工资照发吗", "集中培训时孩子病了能请两天假吗"):
        member = await chat.say(TRAINEE, question)
        assert WHY in text_of(member), text_of(member)
        assert "换个说法再问" not in text_of(member)
        assert any("问班主任" in b.text for b in buttons_of(member))
    outsider = text_of(await chat.say(OTHER, "国培报到那天要带什么"))
    assert WHY in outsider and "/join" in outsider
