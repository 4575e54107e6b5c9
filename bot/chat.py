"""The messenger-neutral conversation types: what a person did (Event) and what the bot does
back (Send, Edit, Notice, SendFile). Engines translate their library's updates into Events
and perform the replies; handlers never see a messenger library.

Text in replies is Telegram HTML (`<b>`, `<i>`, `<code>`): escape user input with `html.escape`.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

Keyboard = tuple[tuple["Button", ...], ...]
"""Rows of inline buttons."""
T = TypeVar("T")


class EventKind(StrEnum):
    command = "command"
    text = "text"
    callback = "callback"
    document = "document"
    media = "media"  # a message without text or file: a sticker, a photo, a voice message …
    edited = "edited"  # the user edited a message of theirs (its new text in `text`)


@dataclass(frozen=True, slots=True)
class Document:
    """A file a user sent; fetch its bytes with `Messenger.download(file_id)`."""

    file_id: str
    file_name: str
    mime_type: str | None
    size: int | None


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a person did in a chat."""

    kind: EventKind
    user_id: int
    chat_id: int
    chat_type: str = "private"
    first_name: str = ""
    last_name: str = ""
    username: str | None = None
    language_code: str | None = None
    text: str = ""
    command: str = ""
    args: str = ""
    message_id: int | None = None
    callback_id: str | None = None
    callback_data: str = ""
    document: Document | None = None
    forwarded: bool = False
    # What else the message carried besides its text ("photo", "sticker", "voice" …; "" if
    # nothing): a photo's caption is the text, the photo itself is only named here.
    media: str = ""
    # The bot a command was addressed to (`/start@guopei_bot` → "guopei_bot"; "" if none).
    addressee: str = ""
    # The text as Telegram HTML with its hidden links kept (「点击此处」 → <a href=…>), when it
    # has any; "" otherwise (escape `text` then).
    html: str = ""
    # The bot whose message this one answers with Telegram's 「回复」 (its username,
    # "guopei_bot"); "" when it replies to a person's message or to none.
    replied_to_bot: str = ""

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"


# Characters that show nothing and are no space to Python (str.isspace() is False): zero-width
# space, non-joiner and joiner, word joiner, the byte order mark, the Mongolian vowel separator
# (U+180E, a space before Unicode 6.3), the invisible operators U+2061–U+2064, the soft hyphen,
# the Hangul fillers, and the direction marks, embeddings and isolates. A text made of them and
# of spaces (「　」, U+3000, included) is empty (QA23 F6, QA24 F11).
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u180e\u2061\u2062\u2063\u2064\u00ad"
    "\u115f\u1160\u3164\uffa0\u200e\u200f\u202a-\u202e\u2066-\u2069"
)
INVISIBLE_EDGES = re.compile(rf"^[\s{INVISIBLE}]+|[\s{INVISIBLE}]+$")
_INVISIBLE_ANY = re.compile(rf"[{INVISIBLE}]")
ZWJ = "\u200d"


def visible(text: str) -> str:
    """The text without the spaces and invisible characters around it: "" for one made only of
    them. Inside the text they stay (an emoji sequence joined with U+200D is one emoji)."""
    return INVISIBLE_EDGES.sub("", text)


def clean_name(text: str) -> str:
    """A name a user typed (a class's) as the bot stores, shows and compares it: no invisible
    character anywhere, so 「语文\u200b一班」 is 「语文一班」 (QA24 F6), but a joiner (U+200D)
    between two emoji stays (👨‍👩‍👧 is one emoji); spaces inside it one space (「　」, a tab …),
    none around it."""
    kept = []
    for at, char in enumerate(text):
        if char == ZWJ:
            if 0 < at < len(text) - 1 and _emoji_part(text[at - 1]) and _emoji_part(text[at + 1]):
                kept.append(char)
        elif not _INVISIBLE_ANY.fullmatch(char):
            kept.append(char)
    return " ".join("".join(kept).split())


def _emoji_part(char: str) -> bool:
    """Whether ``char`` may stand beside a joiner in an emoji sequence: a pictograph or symbol
    (category So/Sk, 🏻 skin tones included) or the emoji presentation selector U+FE0F."""
    return char == "\ufe0f" or unicodedata.category(char) in ("So", "Sk")


def without_invisible_edges(event: Event) -> Event:
    """The event as the bot reads it: its text, its command's arguments and its HTML without
    the spaces and invisible characters around them, so 「/newclass ​」 (U+200B) has no name
    and a text of 「​」 or 「　」 is empty, as anywhere else; the HTML is dropped with a text
    that is empty."""
    text = visible(event.text)
    args = visible(event.args)
    html = visible(event.html) if text else ""
    if (text, args, html) == (event.text, event.args, event.html):
        return event
    return replace(event, text=text, args=args, html=html)


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: it carries callback `data` (≤ 64 bytes) or opens a `url`."""

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a Button needs exactly one of data= or url=")
        if self.data is not None and not 1 <= len(self.data.encode()) <= 64:
            raise ValueError(f"callback data must be 1-64 bytes: {self.data!r}")


def keyboard(*rows: list[Button] | tuple[Button, ...]) -> Keyboard:
    """Build an inline keyboard from rows of buttons, skipping empty rows."""
    return tuple(tuple(row) for row in rows if row)


@dataclass(frozen=True, slots=True)
class Send:
    """Send a new text message (to the event's chat unless `chat_id` is given)."""

    text: str
    buttons: Keyboard = ()
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text and buttons of a message (the pressed one unless `message_id`)."""

    text: str
    buttons: Keyboard = ()
    message_id: int | None = None
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """Answer a button press with a short toast (≤ 200 chars), or an alert box."""

    text: str = ""
    alert: bool = False


@dataclass(frozen=True, slots=True)
class SendFile:
    """Send a photo (`as_photo`) or a document."""

    content: bytes
    filename: str
    caption: str = ""
    as_photo: bool = False
    chat_id: int | None = None


Reply = Send | Edit | Notice | SendFile


@dataclass(slots=True)
class Sent:
    """What the messenger reports after sending: the new message's id."""

    chat_id: int
    message_id: int


class DeliveryError(Exception):
    """Telegram refused a message; subclasses say whether to wait, retry or give up."""


class RetryAfter(DeliveryError):
    """Flood control (429): nothing may be sent for `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"flood control: retry after {seconds} s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The user blocked the bot, was deactivated, or the chat is gone (403/400): never retry."""


class NeverStarted(Unreachable):
    """The user never opened the private chat with the bot (403 「Forbidden: bot can't initiate
    conversation with a user」, e.g. they joined from a group): not a block; they can be
    reached once they open the bot and press Start."""


def unreachable(description: str) -> Unreachable:
    """The neutral error for Telegram's 403 (or 400 「chat not found」) with this description."""
    if "can't initiate conversation" in description.lower():
        return NeverStarted(description)
    return Unreachable(description)


class TransientError(DeliveryError):
    """A network error or a 5xx: retry later with backoff."""


# A message someone is waiting for (a reply, a manager's answer) is worth a short wait.
PATIENT_ATTEMPTS = 3
PATIENT_BACKOFF_SECONDS = (0.5, 2.0)
MAX_FLOOD_WAIT_SECONDS = 30.0


async def patiently(deliver: Callable[[], Awaitable[T]]) -> T:
    """Run one delivery someone is waiting for: flood control (429) is waited out when it asks
    for at most MAX_FLOOD_WAIT_SECONDS, a network error or 5xx is tried again after a short
    pause, PATIENT_ATTEMPTS tries in all; Unreachable and other refusals raise at once."""
    for attempt in range(PATIENT_ATTEMPTS):
        last = attempt == PATIENT_ATTEMPTS - 1
        try:
            return await deliver()
        except RetryAfter as flood:
            if last or flood.seconds > MAX_FLOOD_WAIT_SECONDS:
                raise
            await asyncio.sleep(flood.seconds)
        except TransientError:
            if last:
                raise
            await asyncio.sleep(PATIENT_BACKOFF_SECONDS[attempt])
    raise AssertionError("unreachable: the last attempt returns or raises")


@dataclass(frozen=True, slots=True)
class BotCommandSpec:
    command: str
    description: str


@dataclass(slots=True)
class MenuScope:
    """Commands shown to everyone (`chat_id=None`) or in one private chat."""

    commands: list[BotCommandSpec] = field(default_factory=list)
    chat_id: int | None = None


class Messenger(ABC):
    """How the bot talks to the messenger: replies, and messages outside a reply (reminders,
    broadcasts, handoffs, menus).

    Implementations must raise `RetryAfter`, `Unreachable` or `TransientError` for the
    corresponding Telegram failures, never their library's own exception types, and must not
    retry by themselves: the broadcaster owns the pacing. `download` is the exception: someone
    waits for it and nothing paces it.
    """

    @abstractmethod
    async def send(self, chat_id: int, text: str, buttons: Keyboard = ()) -> Sent:
        """Send an HTML text message."""

    @abstractmethod
    async def edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()) -> None:
        """Edit a message sent earlier; an unchanged text is not an error."""

    @abstractmethod
    async def send_file(self, chat_id: int, file: SendFile) -> Sent:
        """Send a photo or a document."""

    @abstractmethod
    async def download(self, file_id: str) -> bytes:
        """Fetch the bytes of a file a user sent: a 5xx or network error of getFile or of the
        file itself is tried again with a short pause (`patiently`), a 4xx is not."""

    @abstractmethod
    async def set_menu(self, scope: MenuScope) -> None:
        """Set the command menu for everyone or for one chat."""

    @abstractmethod
    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        """Answer a button press: a toast, an alert box, or (empty text) just stop the spinner."""
