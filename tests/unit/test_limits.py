"""Telegram's message limits: visible length in UTF-16 units, cutting HTML safely."""

from __future__ import annotations

from bot.limits import MAX_MESSAGE_UNITS, fit_html, shorten, utf16_length, visible_length


def test_emoji_count_two_units_and_tags_count_nothing() -> None:
    assert utf16_length("😀a") == 3
    assert visible_length("<b>班</b> &amp; 😀") == len("班 & ") + 2


def test_a_text_that_fits_is_unchanged() -> None:
    text = "<b>标题</b>\n" + "短行\n" * 100
    assert fit_html(text) is text


def test_a_long_list_is_cut_after_a_whole_line_and_says_so() -> None:
    text = "<b>标题</b>\n" + "\n".join(f"<i>第{i}行</i> &amp; 😀😀" for i in range(600))

    fitted = fit_html(text)

    assert visible_length(fitted) <= MAX_MESSAGE_UNITS
    assert fitted.endswith("以下省略)")
    last_line = fitted.splitlines()[-2]
    assert last_line.startswith("<i>第") and last_line.endswith("😀😀")


def test_a_cut_inside_a_tag_closes_it_and_never_splits_an_entity() -> None:
    fitted = fit_html("<blockquote><b>" + "x&amp;" * 3000 + "</b></blockquote>")

    assert visible_length(fitted) <= MAX_MESSAGE_UNITS
    body = fitted.split("\n……")[0]
    assert body.endswith("&amp;</b></blockquote>") or body.endswith("x</b></blockquote>")


def test_shorten_keeps_the_tail_that_tells_classes_apart() -> None:
    prefix = "2026年国培计划(中西部项目)初中语文学科骨干教师能力提升培训班"
    names = [f"{prefix}第{n}期" for n in (1, 2)]
    short = [shorten(name, 20) for name in names]
    assert short[0] != short[1] and all(len(s) == 20 for s in short)
    assert short[1].endswith("第2期") and shorten("语文一班", 20) == "语文一班"
