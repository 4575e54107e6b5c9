"""Broadcasts to a whole class: `/broadcast TEXT`, or a forwarded message."""

from __future__ import annotations

from bot.db.models import Role
from handlers.routing import Router

router = Router("broadcast", roles={Role.manager, Role.admin})
