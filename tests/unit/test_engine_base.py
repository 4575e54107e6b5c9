"""What both engines share: one user's updates are handled in order, different users' at once."""

from __future__ import annotations

import asyncio

import pytest

from bot.engines.base import PerUserOrder, command_addressee, split_command


async def test_one_users_updates_run_one_after_another_others_in_parallel():
    order = PerUserOrder()
    log: list[str] = []
    first_started, release_first = asyncio.Event(), asyncio.Event()

    async def slow_first() -> None:
        log.append("a1 start")
        first_started.set()
        await release_first.wait()
        log.append("a1 end")

    async def second_of_same_user() -> None:
        log.append("a2")

    async def other_user() -> None:
        log.append("b1")

    first = asyncio.create_task(order.run(1, slow_first))
    await first_started.wait()
    second = asyncio.create_task(order.run(1, second_of_same_user))
    await order.run(2, other_user)  # not held up by user 1
    assert log == ["a1 start", "b1"]
    release_first.set()
    await asyncio.gather(first, second)
    assert log == ["a1 start", "b1", "a1 end", "a2"]
    assert len(order) == 0  # no lock kept for idle users


async def test_a_failing_update_does_not_block_the_users_next_one():
    order = PerUserOrder()

    async def broken() -> None:
        raise RuntimeError("handler bug")

    async def fine() -> None:
        return None

    with pytest.raises(RuntimeError):
        await order.run(1, broken)
    await asyncio.wait_for(order.run(1, fine), timeout=5)
    assert len(order) == 0


def test_a_command_ends_at_a_line_break_and_keeps_the_lines_after_it() -> None:
    assert split_command("/broadcast\n第一行\n第二行") == ("broadcast", "第一行\n第二行")
    assert split_command("/ask@Guopei_Bot\n参训教师年龄") == ("ask", "参训教师年龄")
    assert command_addressee("/ask@Guopei_Bot\n参训教师年龄") == "Guopei_Bot"
    assert split_command("/Join@guopei_bot  AB12") == ("join", "AB12")
    assert split_command("/help") == ("help", "")


def test_hidden_links_become_html_counting_offsets_as_the_bot_api_does() -> None:
    from types import SimpleNamespace

    from bot.engines.base import linked_html

    text = "🙂请<点击此处>报名"  # the emoji is two UTF-16 units: 此 is at unit 6
    link = SimpleNamespace(type="text_link", offset=6, length=2, url="https://a.cn/?x=1&y=2")
    bold = SimpleNamespace(type="bold", offset=0, length=2, url=None)

    assert linked_html(text, [bold, link]) == (
        '🙂请&lt;点击<a href="https://a.cn/?x=1&amp;y=2">此处</a>&gt;报名'
    )
    assert linked_html(text, [bold]) == ""
