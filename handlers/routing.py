"""The router: maps Events to handler functions, with role guards put on a whole router once.

Usage (one router per feature module, included in one ordered list in `handlers/__init__.py`)::

    router = Router("classes", roles={Role.manager, Role.admin})

    @router.command("newclass", "创建培训班")
    async def new_class(ctx: Context) -> list[Reply]:
        ...

Callback data is routed by its first `:`-separated field (`cls:1:...` → `@router.callback("cls")`).
Its numbers are read with `button_id` (a row's id: 1..2^31-1, what PostgreSQL's INTEGER holds)
or `button_number` (a page, a user id), both through `parse_number`: forged data gets the
stale-button reply and never reaches the database. `page_of` cuts a picker into pages.
A text handler with `state=` gets the user's next plain message while their PendingInput has that
kind; the text handler without a state is the catch-all (a question), in the last router. An
edited message gets a hint to send it again (`EDITED_ROUTE`), whatever the routers hold.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.chat import Button, Event, EventKind, Reply, Send, keyboard
from bot.db.models import Role, User

if TYPE_CHECKING:
    from bot.services import Services

Handler = Callable[["Context"], Awaitable[list[Reply]]]
T = TypeVar("T")
ENDED_INPUT = "已取消刚才等待您输入的内容。"
# A pending input whose payload has this key set only watches the user's plain text (a survey
# sheet left open at a choice or the review): nothing is waited for, so a command ends it
# silently and a photo or file is no refusal (`Conversation`).
WATCHING = "watching"
EDITED_HINT = "修改后的消息我看不到，请把问题重新发一遍。"


class UserError(Exception):
    """A refusal the user should read (in Chinese); nothing was changed."""


# The ids of our tables are 32-bit INTEGER columns on PostgreSQL: a larger id in button data is
# forged, and would make the database raise instead of finding nothing.
MAX_ROW_ID = 2**31 - 1
# What `button_number` takes unless told otherwise: a page, or a Telegram user id (10 digits).
MAX_BUTTON_NUMBER = 10**12 - 1


def parse_number(raw: str, *, low: int = 0, high: int = MAX_ROW_ID) -> int | None:
    """The number an ASCII decimal in callback data spells, if it is in low..high; None for
    anything else ("-1", "١", "²", "1e3", " 1", "", or too large). The one checked parser of
    numbers in button data: `button_number` and `button_id` refuse what it refuses."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)):
        return None
    number = int(raw)
    return number if low <= number <= high else None


def button_number(raw: str, stale: str, *, low: int = 0, high: int = MAX_BUTTON_NUMBER) -> int:
    """A number from callback data (a page, a count, a user id) in low..high, or
    UserError(stale) for anything forged. For the id of a row, use `button_id`."""
    number = parse_number(raw, low=low, high=high)
    if number is None:
        raise UserError(stale)
    return number


def text_mark(text: str) -> str:
    """The mark a button offering a kept text carries (a held answer, an offered broadcast or
    reply), so that an older prompt's button does nothing once a newer text is kept."""
    return f"{zlib.crc32(text.encode()):08x}"


def button_id(raw: str, stale: str) -> int:
    """The id of a row (a class, a draft, a question …) from callback data: 1..MAX_ROW_ID, or
    UserError(stale) for anything forged or out of the database's range."""
    return button_number(raw, stale, low=1, high=MAX_ROW_ID)


def paging_buttons(page: int, pages: int, data_of_page: Callable[[int], str]) -> list[Button]:
    """The ◀ 上一页 / 下一页 ▶ row of a list shown a page at a time (empty on a single page)."""
    row = []
    if page > 0:
        row.append(Button("◀ 上一页", data=data_of_page(page - 1)))
    if page < pages - 1:
        row.append(Button("下一页 ▶", data=data_of_page(page + 1)))
    return row


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a picker: the items shown, the page (0-based) of how many, and the
    ◀ 上一页 / 下一页 ▶ row (empty on a single page); `unit` counts the items (「个班」)."""

    shown: list[T]
    page: int
    pages: int
    total: int
    paging: list[Button]
    unit: str

    @property
    def line(self) -> str:
        """「第 2/3 页,共 23 个班」 to put under the picker's question; "" on a single page."""
        if self.pages == 1:
            return ""
        return f"\n<i>第 {self.page + 1}/{self.pages} 页，共 {self.total} {self.unit}</i>"


def page_of(
    items: Sequence[T],
    page: int,
    data_of_page: Callable[[int], str],
    *,
    per_page: int,
    unit: str,
) -> Page[T]:
    """Page `page` of `items`, `per_page` to a page; a page past the end (the list may have
    shrunk since the button was sent) shows the last one. A forged page number never gets
    here: the caller reads it with `button_number`, which refuses it."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 0), pages - 1)
    shown = list(items[page * per_page : (page + 1) * per_page])
    paging = paging_buttons(page, pages, data_of_page)
    return Page(shown=shown, page=page, pages=pages, total=len(items), paging=paging, unit=unit)


@dataclass(slots=True)
class Context:
    """What a handler gets: the event, who sent it (with their role) and the services."""

    event: Event
    user: User
    role: Role
    services: Services
    # The kind of input the user was asked for (a survey text, a reply …) that this command
    # ended: a command always ends one (see `Conversation`).
    ended_input: str | None = None
    # For a handler of a text that came after the input expired (`on_expired_text`): the
    # expired input's payload.
    expired_payload: dict | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.manager, Role.admin)


@dataclass(frozen=True, slots=True)
class Route:
    handler: Handler
    roles: frozenset[Role] | None
    description: str = ""
    private_only: bool = False
    # For a file route: the roles for whom a forwarded file of this type is still a file to add
    # (an admin forwarding a notice), not a message to broadcast.
    uploaders: frozenset[Role] = frozenset()
    # For a pending-input route: what a user is told when a command ends that input; or what
    # says it from the services and the input's payload, when that depends on the input.
    ended_note: str | Callable[[Services, dict], str] = ""
    # The handler checks the length itself (a broadcast may be a whole notice): the
    # conversation's MAX_MESSAGE_CHARS does not apply.
    long_text: bool = False
    # For a pending-input route: the command that asks for this input again (/broadcast). Sent
    # while the input is awaited, it simply starts over: the ended note would tell the user to
    # send the very command they just sent.
    restarted_by: str = ""


@dataclass
class Router:
    """Handlers of one feature; `roles` guards every route of the router unless overridden."""

    name: str
    roles: Iterable[Role] | None = None
    commands: dict[str, Route] = field(default_factory=dict)
    callbacks: dict[str, Route] = field(default_factory=dict)
    states: dict[str, Route] = field(default_factory=dict)
    catch_all_text: Route | None = None
    forwarded_route: Route | None = None
    document_routes: dict[str, Route] = field(default_factory=dict)

    def _route(self, handler: Handler, roles: Iterable[Role] | None, **extra: object) -> Route:
        allowed = roles if roles is not None else self.roles
        return Route(handler, frozenset(allowed) if allowed is not None else None, **extra)

    def command(
        self,
        name: str,
        description: str = "",
        *,
        roles: Iterable[Role] | None = None,
        private_only: bool = False,
        long_text: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register `/name`; a `description` puts it in the command menu of allowed roles."""

        def register(handler: Handler) -> Handler:
            self.commands[name] = self._route(
                handler,
                roles,
                description=description,
                private_only=private_only,
                long_text=long_text,
            )
            return handler

        return register

    def callback(self, prefix: str, *, roles: Iterable[Role] | None = None) -> Callable:
        """Register the handler of button presses whose data starts with `prefix:`."""

        def register(handler: Handler) -> Handler:
            self.callbacks[prefix] = self._route(handler, roles)
            return handler

        return register

    def text(
        self,
        state: str | None = None,
        *,
        roles: Iterable[Role] | None = None,
        ended_note: str | Callable[[Services, dict], str] = "",
        long_text: bool = False,
        restarted_by: str = "",
    ) -> Callable:
        """Register a plain-text handler: for a pending-input `state` (`ended_note` tells the
        user when a command ends that input, and how to go back to it, unless that command is
        `restarted_by`), or the catch-all; `long_text` lets a text past the conversation's
        length limit through (the handler checks its own)."""

        def register(handler: Handler) -> Handler:
            route = self._route(
                handler,
                roles,
                ended_note=ended_note,
                long_text=long_text,
                restarted_by=restarted_by,
            )
            if state is None:
                self.catch_all_text = route
            else:
                self.states[state] = route
            return handler

        return register

    def forwarded(
        self, *, roles: Iterable[Role] | None = None, long_text: bool = False
    ) -> Callable:
        """Register the handler of messages forwarded into a private chat, for allowed roles:
        text, and also a photo, a sticker or a file (see `document(uploaders=)` for the files
        that are still uploads). Other users' forwarded messages go on to the other handlers."""

        def register(handler: Handler) -> Handler:
            self.forwarded_route = self._route(handler, roles, long_text=long_text)
            return handler

        return register

    def document(
        self,
        *,
        extensions: Iterable[str] = ("*",),
        roles: Iterable[Role] | None = None,
        uploaders: Iterable[Role] = (),
    ) -> Callable:
        """Register the handler of files sent to the bot, by name suffix (".yaml"; "*" = any).

        A file forwarded by a user of `uploaders` with one of these (exact) suffixes comes here
        too; other forwarded files go to the forwarded-message handler if the user has one."""

        def register(handler: Handler) -> Handler:
            for extension in extensions:
                self.document_routes[extension.lower()] = self._route(
                    handler, roles, uploaders=frozenset(uploaders)
                )
            return handler

        return register


@dataclass(frozen=True, slots=True)
class Resolved:
    """The route chosen for an event, or why none was (a Chinese refusal to send)."""

    route: Route | None
    name: str
    refusal: str | None = None


class RoutingTable:
    """The ordered routers of the bot; the first router that knows an event handles it."""

    def __init__(self, routers: list[Router]) -> None:
        self.routers = routers

    def resolve(self, event: Event, role: Role, pending_kind: str | None) -> Resolved:
        if event.forwarded and event.is_private and event.kind in FORWARDABLE:
            forwarded = self._first(lambda r: _allowed(r.forwarded_route, role))
            if forwarded is not None and not self._is_upload(event, role):
                return Resolved(forwarded, "forwarded")
        route, name = self._find(event, pending_kind)
        if route is None:
            return Resolved(None, name)
        if route.roles is not None and role not in route.roles:
            return Resolved(None, name, refusal=_role_refusal(event, route.roles))
        if route.private_only and not event.is_private:  # commands only (Router.command)
            return Resolved(PRIVATE_ONLY_ROUTE, name)
        return Resolved(route, name)

    def ended_note(
        self,
        pending_kind: str,
        default: str = ENDED_INPUT,
        *,
        services: Services | None = None,
        payload: dict | None = None,
    ) -> str:
        """What to tell a user whose pending input of this kind (with this `payload`) a command
        (or time) has just ended: the input's own note, else `default`."""
        route = self.state_route(pending_kind)
        note = route.ended_note if route is not None else ""
        if callable(note):
            note = note(services, payload or {}) if services is not None else ""
        return note or default

    def state_route(self, pending_kind: str) -> Route | None:
        """The route that takes the text a pending input of this kind waits for."""
        return self._first(lambda r: r.states.get(pending_kind))

    def restarts(self, pending_kind: str, command: str) -> bool:
        """Whether `/command` asks for this kind of input again (/broadcast while its text is
        awaited): ending the input then needs no note."""
        route = self.state_route(pending_kind)
        return route is not None and bool(command) and route.restarted_by == command

    @staticmethod
    def expired_text_handler(pending_kind: str) -> Handler | None:
        """What takes a text that came after an input of this kind expired, if anything does."""
        return _EXPIRED_TEXT_HANDLERS.get(pending_kind)

    def _is_upload(self, event: Event, role: Role) -> bool:
        """A file whose suffix has a route that takes it from this role (a notice, a template)."""
        if event.kind is not EventKind.document or event.document is None:
            return False
        suffix = _suffix(event.document.file_name)
        route = self._first(lambda r: r.document_routes.get(suffix)) if suffix else None
        return route is not None and role in route.uploaders

    def _find(self, event: Event, pending_kind: str | None) -> tuple[Route | None, str]:
        if event.kind is EventKind.command:
            return self._first(lambda r: r.commands.get(event.command)), f"/{event.command}"
        if event.kind is EventKind.callback:
            prefix = event.callback_data.split(":", 1)[0]
            return self._first(lambda r: r.callbacks.get(prefix)), f"cb:{prefix}"
        if event.kind is EventKind.document:
            suffix = _suffix(event.document.file_name) if event.document else ""
            exact = self._first(lambda r: r.document_routes.get(suffix)) if suffix else None
            return exact or self._first(lambda r: r.document_routes.get("*")), f"document{suffix}"
        if event.kind is EventKind.media:  # no text to answer with (see `forwarded` for managers)
            return None, "media"
        if event.kind is EventKind.edited:
            return EDITED_ROUTE, "edited"
        if pending_kind is not None:
            route = self._first(lambda r: r.states.get(pending_kind))
            if route is not None:
                return route, f"state:{pending_kind}"
        return self._first(lambda r: r.catch_all_text), "text"

    def _first(self, pick: Callable[[Router], Route | None]) -> Route | None:
        for router in self.routers:
            route = pick(router)
            if route is not None:
                return route
        return None

    def menu_for(self, role: Role) -> list[tuple[str, str]]:
        """The (command, description) pairs a user of this role sees in the menu."""
        menu = []
        for router in self.routers:
            for name, route in router.commands.items():
                if route.description and (route.roles is None or role in route.roles):
                    menu.append((name, route.description))
        return menu


FORWARDABLE = (EventKind.text, EventKind.media, EventKind.document)

# By pending-input kind: the handler of a text that came after that input expired (see
# `on_expired_text`). Without one, such a text is not handled at all (`Conversation`).
_EXPIRED_TEXT_HANDLERS: dict[str, Handler] = {}


def on_expired_text(pending_kind: str) -> Callable[[Handler], Handler]:
    """Register what to do with a text that arrives after an input of `pending_kind` expired
    (a survey's text answer, a broadcast's text typed half an hour later): typically offer to
    use it, with a button. It is never a question to answer. The handler gets the expired
    input's payload in `Context.expired_payload`; returning no replies means it has no offer,
    and the user is told how to start again."""

    def register(handler: Handler) -> Handler:
        _EXPIRED_TEXT_HANDLERS[pending_kind] = handler
        return handler

    return register


async def edited_message(ctx: Context) -> list[Reply]:
    """An edit of a message the bot has answered (or is answering): the bot acts on messages,
    not on their edits, so it says to send the corrected one again. Only in the private chat:
    in a group, edits are talk like any other message, and left alone."""
    return [Send(EDITED_HINT)]


# Any role; an edited long text is no reason for the size refusal.
EDITED_ROUTE = Route(edited_message, roles=None, long_text=True)

PRIVATE_ONLY = "这个操作请在与我的私聊中进行。"


async def private_only(ctx: Context) -> list[Reply]:
    """A private-only command sent in a group: say where to send it, with a button that opens
    the private chat (as /join in a group does)."""
    return [
        Send(
            f"{PRIVATE_ONLY}请点下面的按钮打开私聊，再发送一次 /{ctx.event.command}。",
            keyboard([Button("👉 私聊", url=f"https://t.me/{ctx.services.bot_username}")]),
        )
    ]


# Any role (the command's own roles were checked first); long text is no reason to refuse.
PRIVATE_ONLY_ROUTE = Route(private_only, roles=None, long_text=True)


def _suffix(file_name: str) -> str:
    """The lower-case suffix: ".pdf" for "通知.PDF"; "" for a name without a dot."""
    name = file_name.lower()
    return name[name.rfind(".") :] if "." in name else ""


def _allowed(route: Route | None, role: Role) -> Route | None:
    if route is None or (route.roles is not None and role not in route.roles):
        return None
    return route


def _role_refusal(event: Event, roles: frozenset[Role]) -> str:
    what = f"/{event.command}" if event.kind is EventKind.command else "这个操作"
    if Role.manager in roles:
        return f"抱歉，{_spaced(what)}只有班主任可以使用。如需开通班主任权限，请联系项目管理员。"
    return f"抱歉，{_spaced(what)}只有管理员可以使用。"


def _spaced(what: str) -> str:
    """A command name is set off by a space from the Chinese after it; Chinese words are not."""
    return f"{what} " if what.startswith("/") else what


__all__ = [
    "MAX_ROW_ID",
    "WATCHING",
    "Context",
    "Handler",
    "Page",
    "Resolved",
    "Route",
    "Router",
    "RoutingTable",
    "UserError",
    "button_id",
    "button_number",
    "on_expired_text",
    "page_of",
    "parse_number",
]
