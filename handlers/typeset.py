"""Chinese punctuation for quoted notice text: the notices as found on the web (and so the
knowledge base) mostly write ASCII , ; : ? ! ( ) inside Chinese sentences; a reader expects
， ； ： ？ ！ （ ）. Only the display changes: the words, numbers and their order stay.

    typeset("各省(区、市)要加强管理,确保专款专用;每人5年不少于1,000学时")
    → "各省（区、市）要加强管理，确保专款专用；每人5年不少于1,000学时"

Left as they are: a comma or colon between digits (1,000, 09:30), web addresses, and
brackets with no Chinese inside or beside them (English text).
"""

from __future__ import annotations

import re

CJK = "\u3400-\u9fff\uf900-\ufaff"
# A comma or colon with a digit on both sides is part of a number or a time.
BETWEEN_DIGITS = re.compile(r"(?<=\d)[,:](?=\d)")
PUNCTUATION = re.compile(r"[,;:?!]")
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# A bracketed stretch without brackets inside it, with the characters on either side.
BRACKETED = re.compile(r"(^|.)\(([^()\n]*)\)(?=(.|$))", re.S)
HAS_CJK = re.compile(f"[{CJK}]")
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[!-~]+")


def typeset(text: str) -> str:
    """`text` with the ASCII punctuation of its Chinese sentences written full-width."""
    if not text or not HAS_CJK.search(text):
        return text
    pieces = WEB_ADDRESS.split(text)
    addresses = WEB_ADDRESS.findall(text)
    typeset_pieces = [_typeset_prose(piece) for piece in pieces]
    return "".join(
        piece + address
        for piece, address in zip(typeset_pieces, [*addresses, ""], strict=True)
    )


def _typeset_prose(text: str) -> str:
    text = BRACKETED.sub(_brackets, text)
    kept = {match.start() for match in BETWEEN_DIGITS.finditer(text)}
    return PUNCTUATION.sub(
        lambda match: match.group() if match.start() in kept else FULL_WIDTH[match.group()],
        text,
    )


def _brackets(match: re.Match[str]) -> str:
    before, inside, after = match.group(1), match.group(2), match.group(3)
    if HAS_CJK.search(before + inside + after):
        return f"{before}（{inside}）"
    return match.group()
