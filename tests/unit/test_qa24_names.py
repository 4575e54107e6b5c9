"""QA24 F6 and F11: how a typed name is cleaned (`clean_name`) and which characters are
invisible (`visible`). 「语文<U+200B>一班」 was stored as typed and shown as a second 「语文一班」;
a message of only U+180E, which str.isspace() does not take for a space, was not empty."""

from __future__ import annotations

import pytest

from bot.chat import Event, EventKind, clean_name, visible, without_invisible_edges


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("语文\u200b一班", "语文一班"),
        ("语\u200c文\u2060一\ufeff班\u180e", "语文一班"),
        ("\u200d语文\u200d一班\u200d", "语文一班"),  # a joiner between no emoji goes
        ("\u202e班一文语\u202c", "班一文语"),  # a direction override too
        ("语文 \u3000 一班\t（2026秋）", "语文 一班 （2026秋）"),  # spaces inside: one space
        ("  2026国培语文一班  ", "2026国培语文一班"),
        ("👨\u200d👩\u200d👧 亲子阅读班", "👨\u200d👩\u200d👧 亲子阅读班"),  # one emoji: kept
        ("🏃\U0001f3fb\u200d♀\ufe0f 体育班", "🏃\U0001f3fb\u200d♀\ufe0f 体育班"),
        ("\u200b\u3164", ""),
    ],
)
def test_a_name_is_stored_without_invisible_characters(typed: str, stored: str) -> None:
    assert clean_name(typed) == stored


@pytest.mark.parametrize(
    "typed", ["\u180e", " \u180e ", "\u2061\u2062\u2063\u2064", "\u3164", "\u00ad", "\u2066"]
)
def test_characters_python_keeps_that_show_nothing_are_invisible(typed: str) -> None:
    assert typed.strip()  # str.strip() keeps it
    assert visible(typed) == ""
    event = Event(kind=EventKind.text, user_id=1, chat_id=1, text=typed, html=typed)
    assert (without_invisible_edges(event).text, without_invisible_edges(event).html) == ("", "")


def test_inside_a_message_they_stay() -> None:
    assert visible("\u180e第一行\u180e第二行\u180e") == "第一行\u180e第二行"
