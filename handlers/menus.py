"""Per-role command menus (setMyCommands): trainees' for all, managers' and admins' per chat."""

from __future__ import annotations

import logging

from bot.chat import BotCommandSpec, DeliveryError, MenuScope
from bot.db import crud
from bot.db.models import Role
from bot.services import Services

log = logging.getLogger(__name__)


def menu_scope(role: Role, chat_id: int | None = None) -> MenuScope:
    from handlers import routing_table

    commands = [BotCommandSpec(name, text) for name, text in routing_table().menu_for(role)]
    return MenuScope(commands=commands, chat_id=chat_id)


async def refresh_menu(services: Services, chat_id: int, role: Role) -> None:
    """Show `role`'s commands in one private chat (no-op without a messenger)."""
    if services.messenger is None:
        return
    try:
        await services.messenger.set_menu(menu_scope(role, chat_id))
    except DeliveryError as error:  # the user may never have opened a chat with the bot
        log.warning("could not set the menu for chat %s: %s", chat_id, error)


async def install_menus(services: Services) -> None:
    """At start-up: the trainee menu for all, and the wider menus for managers and admins."""
    if services.messenger is None:
        return
    await services.messenger.set_menu(menu_scope(Role.trainee))
    with services.session() as session:
        managers = [u.id for u in crud.users_with_role(session, role=Role.manager)]
    for user_id in managers:
        if user_id not in services.settings.admin_ids:
            await refresh_menu(services, user_id, Role.manager)
    for admin_id in services.settings.admin_ids:
        await refresh_menu(services, admin_id, Role.admin)
