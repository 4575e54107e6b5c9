"""Telegram's hard limits on a message, and the helpers that keep to them.

Telegram counts the *visible* text of an HTML message (tags removed, entities decoded) in
UTF-16 code units: at most 4,096 for a message, 1,024 for a caption; at most 100 inline
buttons. Past a limit the whole message is refused and the user gets nothing, so lists are
paged or cut at whole lines by the handlers, and the engines cut what still does not fit
(`fit_html`) as a last resort.

    if visible_length(text) > MAX_MESSAGE_UNITS: ...
    text = fit_html(text)                    # unchanged when it fits
    label = shorten("2026年国培计划…第3期", 20)  # 「2026年国培计划(…)…第3期」 keeps the tail

Cuts fall only between grapheme clusters (what a reader sees as one character): a family
👨‍👩‍👧, a skin tone 👍🏽, a flag 🇨🇳 or an accented letter is kept whole or left out whole,
never shown half as broken glyphs.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

MAX_MESSAGE_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_BUTTONS = 100
CUT_NOTE = "\n……（内容过长，以下省略）"

TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")


@cache
def _cluster_patterns() -> tuple[Any, Any]:
    """The grapheme-cluster pattern and fit_html's token pattern (`regex`'s \\X), compiled on
    the first cut: most texts fit, and start-up does not pay for the import."""
    import regex

    token = regex.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|\X")
    return regex.compile(r"\X"), token


def graphemes(text: str) -> list[str]:
    """The grapheme clusters of `text`: 「👨‍👩‍👧ab」 → ["👨‍👩‍👧", "a", "b"]."""
    return _cluster_patterns()[0].findall(text)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count two."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def visible_text(html_text: str) -> str:
    """What Telegram shows of an HTML message: the text without tags, entities decoded."""
    return html.unescape(TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """The UTF-16 length Telegram checks against its limits."""
    return utf16_length(visible_text(html_text))


def fit_html(html_text: str, limit: int = MAX_MESSAGE_UNITS, note: str = CUT_NOTE) -> str:
    """The text unchanged when it fits in `limit` visible units; otherwise its beginning, cut
    after the last whole line that fits (or mid-line if the first line alone is too long,
    never inside a tag or an entity), open tags closed, and `note` appended."""
    if visible_length(html_text) <= limit:
        return html_text
    budget = limit - utf16_length(note)
    units = 0
    cut = line_cut = 0
    for token in _cluster_patterns()[1].finditer(html_text):
        piece = token.group()
        if not piece.startswith("<"):
            size = utf16_length(html.unescape(piece))
            if units + size > budget:
                break
            units += size
            if piece in ("\n", "\r\n"):
                line_cut = token.start()
        cut = token.end()
    if line_cut > cut // 2:
        cut = line_cut
    kept = html_text[:cut]
    return kept + _closing_tags(kept) + html.escape(note, quote=False)


def _closing_tags(html_text: str) -> str:
    """The end tags for the tags left open in `html_text`, innermost first."""
    open_tags: list[str] = []
    for match in TAG.finditer(html_text):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            open_tags.append(name)
        elif name in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
    return "".join(f"</{name}>" for name in reversed(open_tags))


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, keeping its head and its tail (class names differ
    at the end: 「…培训班第3期」), with 「…」 between; unchanged when it fits. The cuts fall
    between grapheme clusters, so a head or tail may be a character or two shorter."""
    if len(text) <= limit:
        return text
    tail_room = max(1, (limit - 1) // 3)
    clusters = graphemes(text)
    head = _whole_clusters(clusters, limit - 1 - tail_room)
    tail = _whole_clusters(clusters[len(head) :][::-1], tail_room)[::-1]
    return "".join(head) + "…" + "".join(tail)


def _whole_clusters(clusters: list[str], room: int) -> list[str]:
    """The leading clusters that together take at most `room` characters."""
    kept, used = [], 0
    for cluster in clusters:
        used += len(cluster)
        if used > room:
            break
        kept.append(cluster)
    return kept
