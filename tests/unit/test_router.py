"""The routing table: order, role guards, pending-input states and the catch-all."""

from __future__ import annotations

import pytest

from bot.chat import Event, EventKind, Send
from bot.db.models import Role
from handlers.routing import Context, Router, RoutingTable


async def reply_ok(ctx: Context) -> list:
    return [Send("ok")]


def make_table() -> tuple[RoutingTable, dict[str, object]]:
    public = Router("public")
    managers = Router("managers", roles={Role.manager, Role.admin})
    questions = Router("questions")
    handlers: dict[str, object] = {}

    @public.command("start", "开始")
    async def start(ctx: Context) -> list:
        return []

    @managers.command("newclass", "创建培训班")
    async def new_class(ctx: Context) -> list:
        return []

    @managers.command("secret")  # no description: not in menus
    async def secret(ctx: Context) -> list:
        return []

    @managers.callback("cls")
    async def class_button(ctx: Context) -> list:
        return []

    @public.text(state="survey_text")
    async def survey_text(ctx: Context) -> list:
        return []

    @questions.text()
    async def question(ctx: Context) -> list:
        return []

    handlers.update(locals())
    return RoutingTable([public, managers, questions]), handlers


def event(kind: EventKind, **fields: object) -> Event:
    return Event(kind=kind, user_id=1, chat_id=1, **fields)  # type: ignore[arg-type]


def test_command_goes_to_its_handler_and_unknown_command_to_none():
    table, handlers = make_table()
    resolved = table.resolve(event(EventKind.command, command="start"), Role.trainee, None)
    assert resolved.route is not None and resolved.route.handler is handlers["start"]
    unknown = table.resolve(event(EventKind.command, command="nope"), Role.trainee, None)
    assert unknown.route is None and unknown.refusal is None


def test_role_guard_on_the_router_refuses_trainees_in_chinese():
    table, handlers = make_table()
    as_trainee = table.resolve(event(EventKind.command, command="newclass"), Role.trainee, None)
    assert as_trainee.route is None
    assert as_trainee.refusal is not None and "只有班主任" in as_trainee.refusal
    as_manager = table.resolve(event(EventKind.command, command="newclass"), Role.manager, None)
    assert as_manager.route is not None and as_manager.route.handler is handlers["new_class"]
    pressed = table.resolve(event(EventKind.callback, callback_data="cls:1:5"), Role.trainee, None)
    assert pressed.refusal is not None


def test_pending_state_takes_the_next_text_before_the_catch_all():
    table, handlers = make_table()
    text = event(EventKind.text, text="很满意")
    with_state = table.resolve(text, Role.trainee, "survey_text")
    assert with_state.route is not None and with_state.route.handler is handlers["survey_text"]
    without = table.resolve(text, Role.trainee, None)
    assert without.route is not None and without.route.handler is handlers["question"]
    stale_state = table.resolve(text, Role.trainee, "no_such_state")
    assert stale_state.route is not None and stale_state.route.handler is handlers["question"]


def test_menus_show_only_described_commands_allowed_for_the_role():
    table, _ = make_table()
    assert table.menu_for(Role.trainee) == [("start", "开始")]
    assert table.menu_for(Role.manager) == [("start", "开始"), ("newclass", "创建培训班")]


def test_documents_go_to_the_handler_of_their_suffix_before_the_any_file_handler():
    from bot.chat import Document

    notices, templates = Router("notices"), Router("templates")

    @notices.document()
    async def notice_file(ctx: Context) -> list:
        return []

    @templates.document(extensions=(".yaml", ".yml"))
    async def template_file(ctx: Context) -> list:
        return []

    table = RoutingTable([notices, templates])

    def route_of(name: str) -> object:
        document = Document(file_id="f", file_name=name, mime_type=None, size=1)
        resolved = table.resolve(event(EventKind.document, document=document), Role.admin, None)
        assert resolved.route is not None
        return resolved.route.handler

    assert route_of("满意度.YAML") is template_file
    assert route_of("survey.yml") is template_file
    assert route_of("通知.pdf") is notice_file
    assert route_of("README") is notice_file


def test_forwarded_messages_go_to_the_forward_handler_only_for_its_roles():
    drafts, questions = Router("drafts", roles={Role.manager}), Router("questions")

    @drafts.forwarded()
    async def draft(ctx: Context) -> list:
        return []

    @questions.text()
    async def question(ctx: Context) -> list:
        return []

    table = RoutingTable([drafts, questions])
    forwarded = event(EventKind.text, text="通知原文", forwarded=True)
    assert table.resolve(forwarded, Role.manager, None).route.handler is draft
    assert table.resolve(forwarded, Role.trainee, None).route.handler is question
    typed = event(EventKind.text, text="通知原文")
    assert table.resolve(typed, Role.manager, None).route.handler is question


def test_button_numbers_are_ascii_digits_only() -> None:
    from handlers.routing import UserError, button_number

    assert button_number("12", "stale") == 12
    for forged in ("①", "²", "١٢", "-1", "", "1" * 13):
        with pytest.raises(UserError):
            button_number(forged, "stale")
