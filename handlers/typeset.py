"""Chinese punctuation for quoted notice text: the notices as found on the web (and so the
knowledge base) mostly write ASCII , ; : ? ! ( ) inside Chinese sentences; a reader expects
， ； ： ？ ！ （ ）. Only the display changes: the words, numbers and their order stay.

    typeset("各省(区、市)要加强管理,确保专款专用;每人5年不少于1,000学时")
    → "各省（区、市）要加强管理，确保专款专用；每人5年不少于1,000学时"

Left as they are: a comma or colon between digits (1,000, 09:30), web addresses (their last
comma, semicolon or bracket belongs to the sentence), and punctuation or brackets with no
Chinese beside or inside them (English text).
"""

from __future__ import annotations

import re

CJK = "\u3400-\u9fff\uf900-\ufaff"
# Chinese, and the full-width marks that stand beside it, on one side of a mark make it Chinese.
CHINESE_SIDE = re.compile(f"[{CJK}\u3001\u3002\uff08\uff09\u300a-\u300f\u201c\u201d]")
# A comma or colon with a digit on both sides is part of a number or a time.
BETWEEN_DIGITS = re.compile(r"(?<=\d)[,:](?=\d)")
PUNCTUATION = re.compile(r"[,;:?!]")
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# A bracketed stretch without brackets inside it, with the characters on either side.
BRACKETED = re.compile(r"(^|.)\(([^()\n]*)\)(?=(.|$))", re.S)
HAS_CJK = re.compile(f"[{CJK}]")
ADDRESS_MARK = "\ue000"
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[!-~]*[A-Za-z0-9/=_#%&-]")


def typeset(text: str) -> str:
    """`text` with the ASCII punctuation of its Chinese sentences written full-width."""
    if not text or not HAS_CJK.search(text):
        return text
    addresses = WEB_ADDRESS.findall(text) if ADDRESS_MARK not in text else []
    # Each address stands aside as one private-use character while the prose is typeset.
    marked = WEB_ADDRESS.sub(ADDRESS_MARK, text) if addresses else text
    typeset_text = _typeset_prose(marked)
    for address in addresses:
        typeset_text = typeset_text.replace(ADDRESS_MARK, address, 1)
    return typeset_text


def _typeset_prose(text: str) -> str:
    while True:  # nested and neighbouring brackets: the inner and first pairs go first
        converted = BRACKETED.sub(_brackets, text)
        if converted == text:
            break
        text = converted
    kept = {match.start() for match in BETWEEN_DIGITS.finditer(text)}
    return PUNCTUATION.sub(
        lambda match: FULL_WIDTH[match.group()]
        if match.start() not in kept and _beside_chinese(text, match.start())
        else match.group(),
        text,
    )


def _beside_chinese(text: str, at: int) -> bool:
    return bool(CHINESE_SIDE.match(text[at - 1 : at] or " ")) or bool(
        CHINESE_SIDE.match(text[at + 1 : at + 2] or " ")
    )


def _brackets(match: re.Match[str]) -> str:
    before, inside, after = match.group(1), match.group(2), match.group(3)
    if HAS_CJK.search(inside) or CHINESE_SIDE.match(before or " ") or CHINESE_SIDE.match(
        after or " "
    ):
        return f"{before}（{inside}）"
    return match.group()
