"""QA21 F1: what /join (and /start) take as the join code from what the trainee pasted: the
start= of this bot's join link in any of its forms, the code without the spaces inside it; a
link of another bot, a link without start= and any other link are refused with what to send,
never quoting the link."""

from __future__ import annotations

import pytest

from handlers.routing import UserError
from handlers.start import join_code_candidates

BOT = "guopei_test_bot"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"https://t.me/{BOT}?start=FZMDAEVD", "FZMDAEVD"),
        (f"http://t.me/{BOT}?start=FZMDAEVD", "FZMDAEVD"),
        (f"t.me/{BOT}?start=fzmdaevd", "fzmdaevd"),
        ("https://T.ME/Guopei_Test_Bot?start=FZMDAEVD", "FZMDAEVD"),
        (f"https://telegram.me/{BOT}/?start=FZMDAEVD&utm=1", "FZMDAEVD"),
        (f"tg://resolve?domain={BOT}&start=FZMDAEVD", "FZMDAEVD"),
        (f"tg://resolve?start=FZMDAEVD&domain={BOT}", "FZMDAEVD"),
        (f"https://t.me/{BOT}?start=FZMDAEVD）", "FZMDAEVD"),  # pasted with the bracket after it
        (f"加入链接：https://t.me/{BOT}?start=FZMDAEVD，点开即可", "FZMDAEVD"),
    ],
)
def test_the_code_is_taken_from_this_bots_join_link(text: str, code: str) -> None:
    assert join_code_candidates(text, BOT) == [code]


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("FZMDAEVD", ["FZMDAEVD"]),
        ("FZMD AEVD", ["FZMDAEVD", "FZMD"]),
        ("FZMD\u3000AEVD", ["FZMDAEVD", "FZMD"]),  # a full-width space
        (" fz md ae vd ", ["fzmdaevd", "fz"]),
        ("FZMDAEVD 张老师", ["FZMDAEVD张老师", "FZMDAEVD"]),
    ],
)
def test_spaces_inside_a_code_are_ignored(text: str, candidates: list[str]) -> None:
    assert join_code_candidates(text, BOT) == candidates


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("https://t.me/other_bot?start=FZMDAEVD", f"这个链接是 @other_bot 的，不是我（@{BOT}）"),
        ("tg://resolve?domain=other_bot&start=FZMDAEVD", "这个链接是 @other_bot 的"),
        (f"https://t.me/{BOT}", "这个链接里没有加入码"),
        (f"t.me/{BOT}?startgroup=FZMDAEVD", "这个链接里没有加入码"),
        (f"tg://resolve?domain={BOT}", "这个链接里没有加入码"),
        ("https://t.me/+AbCdEfGh", "这不是培训班的加入链接"),
        ("https://example.com/join?start=FZMDAEVD", "这不是培训班的加入链接"),
        ("www.example.com", "这不是培训班的加入链接"),
    ],
)
def test_a_link_without_a_code_of_ours_says_what_to_send(text: str, said: str) -> None:
    with pytest.raises(UserError) as refused:
        join_code_candidates(text, BOT)
    message = str(refused.value)
    assert said in message
    assert "请直接点击班主任分享的加入链接" in message and "/join ABCD2345" in message
    assert "://" not in message and "FZMDAEVD" not in message
