"""QA23 F6: how the conversation core reads a text: spaces and invisible characters around it
are not part of it, so a text of nothing else is empty, and a command's argument of nothing
else is no argument; inside a text they stay (an emoji sequence is joined with U+200D)."""

from __future__ import annotations

import pytest

from bot.chat import Event, EventKind, visible, without_invisible_edges


@pytest.mark.parametrize(
    "typed",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u3000", " \u200b \u3000\n\ufeff\t"],
)
def test_a_text_of_invisible_characters_is_empty(typed: str) -> None:
    assert visible(typed) == ""


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("\u200b培训期间怎么报销\u3000", "培训期间怎么报销"),
        ("👨\u200d👩\u200d👧 一家人", "👨\u200d👩\u200d👧 一家人"),  # the joiners stay
        ("老师讲得很好\u200b\ufeff", "老师讲得很好"),
        ("第一行\n\u200b\n第三行", "第一行\n\u200b\n第三行"),  # inside a text: kept as typed
    ],
)
def test_only_the_invisible_edges_of_a_text_go(typed: str, read: str) -> None:
    assert visible(typed) == read


def test_a_commands_invisible_argument_is_no_argument() -> None:
    typed = "/remind 明天9点 \u200b"
    event = Event(
        kind=EventKind.command,
        user_id=1,
        chat_id=1,
        text=typed,
        command="remind",
        args="明天9点 \u200b",
    )
    read = without_invisible_edges(event)
    assert (read.text, read.args) == ("/remind 明天9点", "明天9点")
    blank = Event(kind=EventKind.text, user_id=1, chat_id=1, text="\u200b", html="\u200b")
    assert (without_invisible_edges(blank).text, without_invisible_edges(blank).html) == ("", "")
    plain = Event(kind=EventKind.text, user_id=1, chat_id=1, text="你好")
    assert without_invisible_edges(plain) is plain
