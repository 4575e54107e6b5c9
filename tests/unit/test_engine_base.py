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


# ------------------------------------------------------------------ Telegram's limits, last resort


def _keyboard(rows: int, per_row: int = 5) -> tuple:
    from bot.chat import Button

    body = tuple(
        tuple(Button(f"班{r}-{c}", data=f"x:{r}:{c}") for c in range(per_row)) for r in range(rows)
    )
    return (*body, (Button("取消", data="x:cancel"),))


def test_a_message_that_fits_is_sent_as_it_is(caplog: pytest.LogCaptureFixture) -> None:
    from bot.engines.base import fit_message

    text, buttons = "<b>名单</b>\n" + "张三 &amp; 李四\n" * 200, _keyboard(19)
    assert fit_message(7, text, buttons) == (text, buttons)
    assert not caplog.records


def test_an_over_long_message_is_cut_and_logged_without_its_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.engines.base import fit_message
    from bot.limits import MAX_MESSAGE_UNITS, visible_length
    from tests.fakebot.server import parse_html

    secret = "学员隐私内容"
    text = "<b>提醒列表</b>\n" + "\n".join(f"<i>{i}. {secret}</i> 😀 &lt;" for i in range(400))

    fitted, _ = fit_message(7, text, ())

    assert visible_length(fitted) <= MAX_MESSAGE_UNITS < visible_length(text)
    assert len(parse_html(fitted)) <= MAX_MESSAGE_UNITS  # Telegram parses it
    assert fitted.endswith("……（内容过长，以下省略）")
    [record] = caplog.records
    assert record.levelname == "WARNING" and "chat 7" in record.getMessage()
    assert str(visible_length(text)) in record.getMessage()
    assert secret not in record.getMessage() and "提醒列表" not in record.getMessage()


def test_an_over_long_caption_is_cut_to_1024_units(caplog: pytest.LogCaptureFixture) -> None:
    from bot.engines.base import fit_caption
    from bot.limits import MAX_CAPTION_UNITS, visible_length

    caption = "<b>问卷结果</b> " + "🌸" * 600
    fitted = fit_caption(8, caption)
    assert visible_length(fitted) <= MAX_CAPTION_UNITS and fitted.startswith("<b>问卷结果</b>")
    assert "caption to chat 8 cut" in caplog.text
    assert fit_caption(8, "短") == "短"


def test_more_than_100_buttons_keep_the_first_rows_and_the_last(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.engines.base import fit_buttons

    buttons = _keyboard(21)  # 105 class buttons and 取消
    fitted = fit_buttons(9, buttons)
    assert sum(len(row) for row in fitted) == 100
    assert fitted[-1][0].text == "取消" and fitted[0] == buttons[0]
    assert fitted[-2] == buttons[19][:4]
    assert "keyboard of 106 buttons to chat 9 cut" in caplog.text
    assert fit_buttons(9, _keyboard(19)) == _keyboard(19)  # 96: unchanged


def test_a_toast_is_cut_to_200_utf16_units() -> None:
    from bot.engines.base import fit_toast
    from bot.limits import utf16_length

    assert fit_toast("好" * 200) == "好" * 200
    assert fit_toast("好" * 201) == "好" * 199 + "…"
    cut = fit_toast("😀" * 150)
    assert utf16_length(cut) <= 200 and cut.endswith("😀…")


async def test_html_telegram_cannot_parse_is_sent_again_as_plain_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.engines.base import html_or_plain

    calls: list[tuple[str, bool]] = []

    async def deliver(body: str, html: bool) -> str:
        calls.append((body, html))
        if html and "</b\n" in body:
            raise RuntimeError("Bad Request: can't parse entities: Unclosed end tag at byte 4")
        if body == "boom":
            raise RuntimeError("Bad Request: chat not found")
        return "sent"

    assert await html_or_plain(5, "<b>好</b> &amp;", deliver) == "sent"
    assert calls == [("<b>好</b> &amp;", True)] and not caplog.records

    calls.clear()
    assert await html_or_plain(5, "<i>统计</i>\n<b>是否满…</b\n…", deliver) == "sent"
    assert calls[1] == ("统计\n是否满…</b\n…", False)
    assert "message to chat 5 (22 characters) sent as plain text" in caplog.text
    assert "统计" not in caplog.text

    with pytest.raises(RuntimeError, match="chat not found"):
        await html_or_plain(5, "boom", deliver)
