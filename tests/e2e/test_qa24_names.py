"""QA24 F6 and F11 on the real bot against the fake Bot API.

F6: `/newclass 语文一班` then `/newclass 语文<U+200B>一班` made two classes that /myclass showed as
two identical 「语文一班」 (the database held '语文\u200b一班'). Now a class name is stored
without its zero-width characters and with its inner spaces made one, so the second is refused
as the same name, and a name typed with one inside is stored without it.

F11: a message of only U+180E (the Mongolian vowel separator, no space to Python) was taken as
a question and answered 「没有看到文字内容…」; now it is empty like the other invisible ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.conversation import EMPTY_TEXT
from tests.surveys.test_addressees_e2e import reply

ADMIN, MANAGER, TRAINEE = 900, 501, 1001


def class_names(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "guopei.db") as db:
        return [name for (name,) in db.execute("SELECT name FROM training_classes ORDER BY id")]


def test_a_name_with_a_zero_width_character_is_the_same_name(
    start_bot, fake_telegram, data_dir
):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot(admin_ids=str(ADMIN))
    tg.say(ADMIN, f"/addmanager {MANAGER}", "设为班主任")
    tg.say(MANAGER, "/newclass 语文一班", "已创建培训班")

    for typed in ("语文\u200b一班", "语\u2060文\ufeff一班", "语文\u180e一班", "语文\u200c一班"):
        refused = reply(tg, MANAGER, f"/newclass {typed}", "")
        assert "您已经有一个叫「语文一班」的培训班了" in refused.text, (typed, refused.text)
    assert class_names(data_dir) == ["语文一班"]

    # a new name is stored as it shows: no zero-width character, one space inside
    created = reply(tg, MANAGER, "/newclass 数学\u200b二班\u3000\u3000（2026秋）", "已创建培训班")
    assert "已创建培训班「数学二班 （2026秋）」" in created.text, created.text
    assert class_names(data_dir) == ["语文一班", "数学二班 （2026秋）"]
    again = reply(tg, MANAGER, "/newclass 数学二班 （2026秋）", "")
    assert "您已经有一个叫「数学二班 （2026秋）」的培训班了" in again.text, again.text

    listing = reply(tg, MANAGER, "/myclass", "")
    assert "\u200b" not in listing.text and listing.text.count("语文一班") == 1, listing.text


def test_a_message_of_invisible_characters_python_keeps_is_empty(
    start_bot, fake_telegram
):  # type: ignore[no-untyped-def]
    tg = fake_telegram
    start_bot()
    for text in ("\u180e", " \u180e\u200b ", "\u3164", "\u2063"):
        said = reply(tg, TRAINEE, text, "")
        assert said.text == EMPTY_TEXT, (text, said.text)  # not 「没有看到文字内容…」
