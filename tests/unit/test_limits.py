"""Telegram's message limits: visible length in UTF-16 units, cutting HTML safely."""

from __future__ import annotations

from bot.limits import (
    MAX_MESSAGE_UNITS,
    fit_html,
    graphemes,
    shorten,
    utf16_length,
    visible_length,
)


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
    assert fitted.endswith("以下省略）")
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


def _random_html(rng, lines: int) -> str:
    """Valid Telegram HTML of the kinds the handlers write: nested tags, entities, emoji,
    short and very long lines."""
    from html import escape

    words = ["班", "张老师", "A&B", "<笔记本>", '"引号"', "😀", "👨‍👩‍👧‍👦", "x" * 30, "国培计划"]
    tags = [
        "b",
        "i",
        "u",
        "s",
        "code",
        "tg-spoiler",
        "blockquote",
        'a href="https://x.org/?a=1&amp;b=2"',
    ]

    def fragment(depth: int) -> str:
        if depth > 2 or rng.random() < 0.5:
            return escape(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
        tag = rng.choice(tags)
        inner = "".join(fragment(depth + 1) for _ in range(rng.randint(1, 3)))
        return f"<{tag}>{inner}</{tag.split()[0]}>"

    out = []
    for _ in range(lines):
        line = "".join(fragment(0) for _ in range(rng.randint(1, 4)))
        out.append(line * rng.choice((1, 1, 1, 4)))
    return "\n".join(out)


def test_what_fit_html_leaves_is_taken_by_a_parser_as_strict_as_telegram() -> None:
    import random

    from bot.limits import MAX_CAPTION_UNITS, visible_text
    from tests.fakebot.server import parse_html

    rng = random.Random(20261206)
    cut = 0
    for _ in range(60):
        text = _random_html(rng, rng.randint(1, 60))
        for limit in (MAX_MESSAGE_UNITS, MAX_CAPTION_UNITS):
            fitted = fit_html(text, limit)
            shown = parse_html(fitted)  # raises as Telegram would refuse
            assert utf16_length(shown) <= limit
            assert visible_text(fitted) == shown
            if fitted != text:
                cut += 1
                body = shown.removesuffix("\n……（内容过长，以下省略）")
                assert visible_text(text).startswith(body)
    assert cut > 20  # the inputs did exercise the cutting


# Emoji that are one picture but several code points: a family (joined by ZWJ), a thumb with
# a skin tone, a flag (two regional indicators), and a letter with a combining accent.
FAMILY, THUMB, FLAG, ACCENT = "👨\u200d👩\u200d👧", "👍🏽", "🇨🇳", "e\u0301"


def test_shorten_never_cuts_an_emoji_in_half() -> None:
    for emoji in (FAMILY, THUMB, FLAG, ACCENT):
        name = emoji * 12 + "语文班" + emoji * 12
        for limit in range(4, len(name)):
            short = shorten(name, limit)
            assert len(short) <= limit and "…" in short
            head, tail = short.split("…")
            clusters = graphemes(name)
            assert graphemes(head) == clusters[: len(graphemes(head))], (limit, short)
            assert graphemes(tail) == clusters[len(clusters) - len(graphemes(tail)) :], short


def test_a_member_named_with_emoji_keeps_them_whole_on_the_button() -> None:
    assert shorten(f"王芳{FAMILY}{THUMB}{FLAG}语文一班", 12) == f"王芳{FAMILY}…文一班"
    assert shorten(f"{FLAG}{FLAG}王芳{THUMB}", 4) == f"{FLAG}…"


def test_fit_html_cuts_a_long_line_between_emoji_not_inside_one() -> None:
    for emoji in (FAMILY, THUMB, FLAG, ACCENT):
        fitted = fit_html(emoji * 3000)
        body = fitted.removesuffix("\n……（内容过长，以下省略）")
        assert body != fitted and visible_length(fitted) <= MAX_MESSAGE_UNITS
        assert body == emoji * (len(body) // len(emoji)), emoji


def test_a_long_toast_is_cut_between_emoji() -> None:
    from bot.engines.base import fit_toast

    toast = fit_toast(FAMILY * 100)
    assert toast.endswith("…") and utf16_length(toast) <= 200
    kept = toast.removesuffix("…")
    assert kept and kept == FAMILY * (len(kept) // len(FAMILY))
